"""One vocabulary: a letter kind added to the table (and its template) flows through `request`,
a clinic batch and its cover sheet, status, and `followup`, with no other change."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, ROOT, Runner

from broker_audit.vocabulary import KINDS, LetterKind, kind, register_kind, request_kinds, unregister_kind

RESTRICT = LetterKind(
    id="restrict",
    group="request",
    rights=("opt-out",),
    title="Request to restrict the use of my personal data",
    goal="limit how they use your data",
    # a kind added at run time brings its own words (a shipped kind's are in the catalog)
    words=(("es", "Solicitud para limitar el uso de mis datos personales", "limitar cómo usan sus datos"),),
    followable=True,
)
TEMPLATE = """\
Subject: {{ title }}{% if law.applies %} under the {{ law.name }}{% endif %} (ref. {{ reference }})

To the privacy team of {{ broker.legal_name }}:

{% if law.applies and law.right %}
Under the {{ law.name }}, {{ law.right.citation }}, I opt out of {{ law.right.scope }},
and I ask you to restrict every other use of my personal data.
{% else %}
I ask you to restrict every use of my personal data.
{% endif %}

{% include "_identity.txt.j2" %}

{% include "_deadline.txt.j2" %}

{% include "_closing.txt.j2" %}
"""


@pytest.fixture
def restrict_kind(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "restrict.txt.j2").write_text(TEMPLATE)
    register_kind(RESTRICT)
    try:
        yield folder
    finally:
        unregister_kind("restrict")


def test_the_table_is_the_one_source(restrict_kind: Path) -> None:
    assert "restrict" in request_kinds() and kind("restrict").title_in("es").startswith("Solicitud")
    assert kind("cora").id == "records"  # an id older vaults hold still resolves
    with pytest.raises(ValueError):
        register_kind(RESTRICT)
    with pytest.raises(ValueError):
        register_kind(LetterKind(id="x", group="request", rights=("portable",), title="x"))  # type: ignore[arg-type]


def test_a_new_kind_flows_through_request_batch_cover_status_and_followup(
    restrict_kind: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    # request: the route takes the kind's right (opt-out), the law's opt-out right is claimed;
    # Experian's filing names its P.O. Box 703 for requests: by mail
    code, out, err = cli(
        [
            "request",
            "experian",
            "--kind",
            "restrict",
            "--templates",
            str(restrict_kind),
            "--out",
            str(tmp_path / "l"),
            "--json",
        ]
    )
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert letter["kind"] == "restrict" and letter["channel"] == "mail"
    text = " ".join(Path(next(f for f in letter["files"] if f.endswith(".txt"))).read_text().split())
    assert "Request to restrict the use of my personal data" in text and "C.R.S. 6-1-1306(1)(a)" in text
    assert "within 45 days of receiving this request" in text  # the opt-out right's period
    # status, and the clock from the opt-out right's period
    assert cli(["mark", str(letter["id"]), "sent", "--via", "mail", "--on", "2026-01-05"])[0] == 0
    rows = data(cli(["status", "--json"])[1])
    assert rows[0]["kind"] == "restrict" and rows[0]["due"] == "2026-02-26"  # 7 + 45 days
    # followup: a late restrict request gets a follow-up naming it
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-01")
    code, out, err = cli(["followup", "--out", str(tmp_path / "f"), "--format", "txt", "--json"])
    assert code == 0, err
    (followup,) = data(out)["letters"]
    assert followup["kind"] == "followup" and followup["linked_to"] == letter["id"]
    body = " ".join(Path(followup["files"][0]).read_text().split())
    assert "request to restrict the use of my personal data" in body


@pytest.mark.parametrize("split", [False, True], ids=["one-pdf", "split-in-workers"])
def test_a_new_kind_flows_through_a_clinic_batch_and_its_cover_sheet(
    restrict_kind: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    """The kind reaches the cover sheet and the letter as part of each planned letter: with
    --split every client's PDF is drawn by a spawned worker process, which starts from the
    shipped table (the kind was registered in this process only) and is never patched."""
    from pypdf import PdfReader

    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--clinic", str(ROOT / "examples" / "clinic.toml")])[0] == 0
    sheet = tmp_path / "clients.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["Name", "Street", "City", "State", "ZIP", "Language"],
                ["Ana Pérez", "1 Main St", "Denver", "CO", "80202", "es"],
            ]
        )
    code, out, err = cli(
        [
            "bulk",
            "letters",
            str(sheet),
            "--brokers",
            "experian",
            "--kind",
            "restrict",
            "--templates",
            str(restrict_kind),
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
            *(["--split"] if split else []),
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(out)
    assert summary["letters"] == 1 and summary["by_channel"] == {"mail": 1}
    pdfs = [Path(f) for f in summary["files"] if f.endswith(".pdf") and "worklist" not in f]
    pdf = pdfs[0] if split else next(p for p in pdfs if p.name == f"{summary['batch']}.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Solicitud para limitar el uso de mis datos personales" in text  # the Spanish cover sheet
    assert "limitar cómo usan sus datos" in text
    assert "Request to restrict the use of my personal data" in text  # the letter itself
    assert KINDS["restrict"].followable


def test_no_code_patches_the_kinds_table_at_run_time() -> None:
    """The batch's workers get each kind with the letter it is for; nothing in the package writes
    into `KINDS` but `register_kind` and `unregister_kind` (a caller's explicit additions)."""
    import ast

    writes = []
    for path in sorted((ROOT / "broker_audit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name in ("register_kind", "unregister_kind")
            for sub in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in allowed:
                continue
            target = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("setdefault", "update", "pop", "popitem", "clear"):
                    target = node.func.value
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                target = next((t.value for t in targets if isinstance(t, ast.Subscript)), None)
            if isinstance(target, ast.Name) and target.id == "KINDS":
                writes.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert writes == []
