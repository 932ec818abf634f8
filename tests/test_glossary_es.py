"""docs/glossary-es.md is applied: every Spanish message whose English has a glossary term uses
the chosen Spanish, and no rejected word appears in the catalog, the reading-copy templates or
the Spanish cover sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary-es.md"
PO = ROOT / "broker_audit" / "locale" / "es" / "LC_MESSAGES" / "broker_audit.po"
SPANISH_TEMPLATES = [
    *sorted((ROOT / "templates" / "letters" / "es").glob("*.j2")),
    ROOT / "templates" / "letters" / "cover-es.txt.j2",
]
# What is code, not prose: `spans`, commands, options, CONSTANTS, lists of ids ("access, delete,
# opt-out or correct") and an example id ("e.g. people-search").
CODE = re.compile(
    r"`[^`]*`|broker-audit [a-z -]+|--[a-z-]+|\b[A-Z_]{3,}\b|e\.g\. [a-z0-9-]+"
    r"|(?:[a-z0-9-]+, (?!e\.g\.))+[a-z0-9-]+(?:,? or [a-z0-9-]+)?"
)


def glossary() -> list[tuple[str, list[str], list[str]]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith(("| English", "| ---")):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        english = cells[0].replace("\\|", "|")
        chosen = [w.strip() for w in cells[1].split(" / ") if w.strip()]
        rejected = [w.strip() for w in cells[2].split(" / ") if w.strip()]
        rows.append((english, chosen, rejected))
    return rows


def spanish_messages() -> list[tuple[str, str]]:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n as tools
    finally:
        sys.path.pop(0)
    out = []
    for m in tools.read_po(PO):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out += list(zip(ids, strings, strict=False))
    return out


def test_the_glossary_names_the_terms_the_issue_asks_for() -> None:
    terms = " ".join(e for e, _, _ in glossary())
    for asked in (
        "data broker",
        "opt",
        "access request",
        "consumer reporting agency",
        "records request",
        "authorized agent",
        "deadline",
        "evidence packet",
    ):
        assert asked in terms


@pytest.mark.parametrize(("english", "chosen", "rejected"), glossary(), ids=lambda v: str(v)[:24])
def test_messages_use_the_chosen_spanish(english: str, chosen: list[str], rejected: list[str]) -> None:
    term = re.compile(rf"(?<![\w-]){english}(?![\w-])", re.IGNORECASE)
    wrong = []
    for msgid, msgstr in spanish_messages():
        if term.search(CODE.sub(" ", msgid)) and not any(w.lower() in msgstr.lower() for w in chosen):
            wrong.append((msgid[:70], msgstr[:70]))
    assert wrong == []


@pytest.mark.parametrize(("english", "chosen", "rejected"), glossary(), ids=lambda v: str(v)[:24])
def test_no_rejected_word_anywhere(english: str, chosen: list[str], rejected: list[str]) -> None:
    texts = [s for _, s in spanish_messages()] + [p.read_text(encoding="utf-8") for p in SPANISH_TEMPLATES]
    for word in rejected:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        assert not [t[:80] for t in texts if pattern.search(t)], word


def test_reading_copies_use_the_glossary() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SPANISH_TEMPLATES).lower()
    for expected in (
        "corredor de datos",
        "agencia de informes de consumidores",
        "agente autorizado",
        "copia de lectura",
        "control migratorio",
        "fuerzas del orden",
        "custodio de los registros",
    ):
        assert expected in text
