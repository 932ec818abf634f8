"""Text from outside never reaches the terminal raw (issue 12, item 4), and data is never read as
rich markup (issue 13): an imported registry row full of escape sequences (clear-screen, an OSC 8
hidden link, a bidi override, an 8-bit CSI) and brackets, shown by every command that prints it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, ROOT, Runner

from broker_audit.registry.load import shipped_registry

PASS = "correct horse battery staple"
SAMPLE = ROOT / "tests" / "fixtures" / "registries" / "vt-sos-sample.csv"
HOSTILE = (
    "Evil\x1b[2J\x1b]8;;http://evil.example/\x1b\\Click\x1b]8;;\x1b\\ \u202eexe.txt\u202c"
    "\x9b31m [/] privacy[at]example.com\rOK"
)
RAW = ("\x1b", "\x9b", "\u202e", "\u202c", "\r", "\x07")


def _clean(text: str) -> None:
    for char in RAW:
        assert char not in text, f"{char!r} reached the terminal"


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLUMNS", "500")  # tables wide enough that no cell wraps
    shipped_registry.cache_clear()
    yield
    shipped_registry.cache_clear()


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    """A vault, and an imported registry as an older version left it: one row with hostile text."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    imported = tmp_path / "brokers.imported.json"
    code, _, err = cli(["registry", "import", "--source", "vt", str(SAMPLE), "--into", str(imported)])
    assert code == 0, err
    data = json.loads(imported.read_text())
    broker = data["broker"][0]
    assert broker["id"] == "example-data"
    broker["name"] = HOSTILE
    broker["notes"] = HOSTILE
    web_form = next(r for r in broker["routes"] if r["channel"] == "web-form")
    web_form["note"] = "write to privacy[at]example.com [/] " + HOSTILE
    broker["categories"] = ["people-search"]  # ranks it high in the audit
    imported.write_text(json.dumps(data))
    monkeypatch.setenv("BROKER_AUDIT_IMPORTED", str(imported))
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return imported


def test_brokers_list_and_show(hostile: Path, cli: Runner) -> None:
    code, out, err = cli(["brokers", "list", "--registry", "vt"])
    assert code == 0, err
    _clean(out + err)
    assert "[/]" in out and "privacy[at]example.com" in out
    assert "Click" in out  # the text of the hidden link stays, as text
    code, out, err = cli(["brokers", "show", "example-data"])
    assert code == 0, err
    _clean(out + err)
    assert "note: write to privacy[at]example.com [/] Evil" in out


def test_json_keeps_the_data_but_escapes_what_a_terminal_acts_on(hostile: Path, cli: Runner) -> None:
    code, out, _ = cli(["brokers", "show", "example-data", "--json"])
    assert code == 0
    _clean(out)
    assert data(out)["name"] == HOSTILE  # nothing lost: \u escapes in the JSON text


def test_request_status_show_and_audit(hostile: Path, cli: Runner, tmp_path: Path) -> None:
    code, out, err = cli(["request", "example-data", "--format", "txt", "--out", str(tmp_path / "l")])
    assert code == 0, err
    _clean(out + err)
    assert "[/] privacy[at]example.com" in out
    code, out, err = cli(["mark", "1", "sent", "--via", "web-form", "--note", "\x1b]8;;http://x\x07hi"])
    assert code == 0, err
    for args in (["status"], ["show", "1"], ["audit"]):
        code, out, err = cli(args)
        assert code == 0, (args, err)
        _clean(out + err)
        assert "privacy[at]example.com" in out, args


def test_registry_check_shows_brackets_as_they_are(
    hostile: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 13: `privacy[at]example.com` was shown as `privacyexample.com`; `[/]` crashed it."""
    # the check judges the shipped data on the real day: on the fixture's 2026-11-25, every fact
    # checked since would be "in the future" (thousands of errors around the one looked at)
    monkeypatch.delenv("BROKER_AUDIT_TODAY")
    data = json.loads(hostile.read_text())
    email = next(r for r in data["broker"][0]["routes"] if r["channel"] == "email")
    email["value"] = "privacy[at]example.com [/] " + HOSTILE  # not an address: a finding quotes it
    hostile.write_text(json.dumps(data))
    code, out, err = cli(["registry", "check", "--imported", str(hostile)])
    assert "unexpected" not in err
    _clean(out + err)
    assert "privacy[at]example.com [/]" in " ".join(out.split())
    assert code == 1  # the malformed email is an error finding
    assert ": 1 error, " in out.splitlines()[-1]  # the one hostile route


def test_an_import_stores_no_control_characters(tmp_path: Path, cli: Runner) -> None:
    sheet = tmp_path / "vt.csv"
    text = SAMPLE.read_text(encoding="utf-8").replace("EXAMPLE DATA CO LLC", "EXAMPLE\x1b[2J DATA\u202e CO")
    sheet.write_text(text, encoding="utf-8")
    into = tmp_path / "imported.json"
    code, _, err = cli(["registry", "import", "--source", "vt", str(sheet), "--into", str(into)])
    assert code == 0, err
    stored = json.loads(into.read_text())
    assert stored["broker"][0]["name"] == "EXAMPLE DATA CO"  # the whole sequence is gone
    _clean(into.read_text())


def test_error_lines_are_clean(cli: Runner) -> None:
    code, out, err = cli(["registry", "import", "--source", "vt", "no\x1b[2Jsuch\u202efile.csv"])
    assert code in (1, 2)
    _clean(out + err)
