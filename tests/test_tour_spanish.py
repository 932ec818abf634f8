"""The whole tour in Spanish (issue 24): the README's walkthrough ("Use it", in order, as
tests/test_readme.py runs it) under `--lang es`, and its clinic batch ("Clinics") with
BROKER_AUDIT_LANG=es, print no English sentence on stdout or stderr.

What may stay English is what tests/english_output.py takes out before it counts words (ids,
options, commands, paths, URLs, quoted text, the names of brokers, agencies and laws, and the
shipped data's own research notes); the names the fixtures bring (the profile's person, the
companies a broker's report names, the sheriff the README writes to) are added here.

COVERED names every command the two walks run: a README change that adds or drops a command
changes the list in the same diff, so what is checked in Spanish is said here. While they run,
every message the code asks the catalog for is recorded, and each one the catalog holds must have
its Spanish (a message asked for but empty would be shown in English, and the English-sentence
check could miss a short one).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path

import english_output
import pytest
import test_readme as readme

Runner = Callable[[list[str]], tuple[int, str, str]]

GROUPS = {"agencies", "brokers", "bulk", "campaign", "drop", "mail", "profile", "registry", "vault"}
COVERED = {
    "## Use it": {
        "agencies list", "audit", "brokers list", "brokers show", "campaign finding", "cora",
        "drop record", "drop result", "evidence", "findings", "followup", "init", "mail setup",
        "mark", "reply", "request", "resend", "send", "show", "status", "vault forget",
        "vault verify",
    },
    "## Clinics": {"bulk letters", "bulk mark", "bulk recipients", "bulk stats", "bulk status", "init"},
}  # fmt: skip
"""The commands each walk runs under Spanish (the issue's tour: init, request, status, mark,
followup, audit, evidence and a clinic batch are among them)."""


def command_of(line: str) -> str:
    """`broker-audit vault verify --json` -> "vault verify"; `broker-audit mark 3 sent` -> "mark"."""
    words = shlex.split(line)[1:]
    return " ".join(words[:2]) if words[0] in GROUPS else words[0]


FIXTURE_NAMES = {
    "Rosa Elena Martínez Ortega",  # me.toml
    "Example County Sheriff",  # the README's `cora --agency`
    "Town",
    # what the consumer report in scan.pdf names (tests/findings/docs.py LEXIS_REPORT)
    "Xcel Energy",
    "Weld County Assessor",
    "Weld County Court",
    "Acme Property Management",
    "Denver Police Department",
    "Thomson Reuters Special Services",
    "Colorado Division of Motor Vehicles",
    # examples/clinic.toml and examples/clients.csv
    "Centro de Derechos Example Clinic",
    "Volunteer desk",
}


@pytest.fixture(scope="module")
def exemptions() -> english_output.Exemptions:
    return english_output.exemptions(FIXTURE_NAMES)


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Table cells on one line each (rich wraps a cell at the console's width, which would cut a
    sentence, or a broker's name, in pieces)."""
    monkeypatch.setenv("COLUMNS", "1000")  # read by the consoles at each command (tests/conftest.py)


class _Recording:
    """The Spanish catalog, recording every message asked of it (gettext, ngettext, pgettext)."""

    def __init__(self, catalog: object) -> None:
        self.catalog = catalog
        self.asked: set[tuple[str | None, str]] = set()

    def gettext(self, message: str) -> str:
        self.asked.add((None, message))
        return self.catalog.gettext(message)  # type: ignore[attr-defined,no-any-return]

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.asked.add((None, singular))
        return self.catalog.ngettext(singular, plural, n)  # type: ignore[attr-defined,no-any-return]

    def pgettext(self, context: str, message: str) -> str:
        self.asked.add((context, message))
        return self.catalog.pgettext(context, message)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recording]:
    """Every message the walk asks the Spanish catalog for; afterwards, each one the catalog
    holds has its Spanish (not empty, not fuzzy)."""
    from babel.messages.pofile import read_po

    from broker_audit import i18n

    recorder = _Recording(i18n.translation("es"))
    monkeypatch.setitem(i18n._catalogs, "es", recorder)  # type: ignore[arg-type]
    yield recorder
    po = read_po((i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "broker_audit.po").open("rb"))
    known = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in po if m.id}
    used = [known[key] for key in recorder.asked if key in known]
    assert len(used) > 150, f"only {len(used)} catalog messages were asked for"
    empty = [
        m.id
        for m in used
        if m.fuzzy or not (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    ]
    assert empty == [], f"catalog messages shown without their Spanish: {empty}"


def _english(said: dict[str, tuple[str, str]], exemptions: english_output.Exemptions) -> Iterator[str]:
    for command, (out, err) in said.items():
        for where, text in (("stdout", out), ("stderr", err)):
            for line in english_output.english_lines(text, exemptions):
                yield f"{command} [{where}]: {line.strip()[:400]}"


def test_the_use_it_walkthrough_speaks_spanish(
    cli: Runner,
    monkeypatch: pytest.MonkeyPatch,
    exemptions: english_output.Exemptions,
    wide: None,
    recording: _Recording,
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", readme.WALK_TODAY)
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", "not-used: nothing connects")
    monkeypatch.setenv("BROKER_AUDIT_PAGER", "")
    readme._example_files()
    said: dict[str, tuple[str, str]] = {}
    for command in readme.section_commands("## Use it"):
        if command in readme.NOT_RUN:
            continue
        code, out, err = cli(["--lang", "es", *shlex.split(command)[1:]])
        assert code == 0, f"`{command}` exited {code} in Spanish:\n{err}"
        said[command] = (out, err)
    assert {command_of(c) for c in said} == COVERED["## Use it"]
    english = list(_english(said, exemptions))
    assert english == [], "English in the Spanish walkthrough:\n" + "\n".join(english)
    # it did speak: a few Spanish lines the walkthrough must show
    everything = " ".join(out + err for out, err in said.values())
    for spanish in ("n.º 1", "copia de lectura", "solicitudes", "bóveda"):
        assert spanish in everything, spanish


def test_the_clinic_batch_speaks_spanish_by_the_environment(
    cli: Runner,
    monkeypatch: pytest.MonkeyPatch,
    exemptions: english_output.Exemptions,
    wide: None,
    recording: _Recording,
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_LANG", "es")
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-30")  # the last day the README marks
    examples = readme.ROOT / "examples"
    Path("examples").symlink_to(examples)
    said: dict[str, tuple[str, str]] = {}
    batch = None
    for command in readme.section_commands("## Clinics"):
        if batch is not None:
            command = command.replace("B-20261125-1A2B3C", batch)
        elif "B-20261125-1A2B3C" in command:
            pytest.fail("no batch id was printed before `bulk mark`")
        code, out, err = cli(shlex.split(command)[1:])
        assert code == 0, f"`{command}` exited {code} in Spanish:\n{err}"
        said[command] = (out, err)
        found = re.search(r"\bB-\d{8}-[0-9A-F]{6}\b", out + err)
        if found and "--dry-run" not in command:
            batch = found.group(0)
    assert batch is not None
    assert {command_of(c) for c in said} == COVERED["## Clinics"]
    english = list(_english(said, exemptions))
    assert english == [], "English in the Spanish clinic batch:\n" + "\n".join(english)
