"""`broker-audit status`: the summary, the urgent rows first, filters, --json, the pager."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner

from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
JSON_KEYS = [
    "id",
    "broker",
    "broker_name",
    "kind",
    "state",
    "law",
    "sent",
    "delivered",
    "due",
    "due_estimated",
    "due_courtesy",
    "channel",
    "days_left",
    "overdue",
    "reference",
    "routes",
]


@pytest.fixture
def clinic_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """60 requests: 1-40 emailed on 2026-01-05 (due 2026-02-19, an estimate until received),
    41-50 emailed 2026-02-25 (due 2026-04-11), 51-60 drafted; two clients, two batches; today is
    2026-03-01."""
    path = tmp_path / "vault" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-01")
    vault, _ = Vault.create(path, passphrase=PASS, use_keyring=False)
    records: list[object] = []
    for n in range(1, 61):
        records.append(
            RequestMade(
                id=n,
                broker_id="acme" if n % 2 else "bolt-data",
                broker_name="Acme \x1b[2JPeople\u202e Search" if n % 2 else "Bolt Data, LLC",
                kind="access",
                law_id="co-cpa",
                law_name="Colorado Privacy Act",
                deadline_days=45,
                reference=f"BA-{n:04d}",
                dated=dt.date(2026, 1, 1),
                created=CREATED,
                client_id="C1" if n <= 30 else "C2",
                batch_id="B-1" if n <= 30 else "B-2",
            )
        )
        if n <= 50:
            on = dt.date(2026, 1, 5) if n <= 40 else dt.date(2026, 2, 25)
            records.append(
                StatusChanged(request_id=n, state=State.SENT, on=on, via="email", recorded=CREATED)
            )
    Journal(vault).append(records)  # type: ignore[arg-type]
    vault.close()
    return path


def test_table_shows_the_summary_then_the_overdue_first_with_a_limit(clinic_vault: Path, cli: Runner) -> None:
    code, out, err = cli(["status"])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "60 requests on 2026-03-01: 40 overdue, 0 due within a week"
    assert lines[1] == "  drafted 10, sent 50"
    header = lines[3].split()
    assert header == ["id", "broker", "kind", "by", "state", "sent", "due", "days", "left"]
    rows = lines[5:-2]
    assert len(rows) == 50
    assert all(row.endswith("~2026-02-19  -10 OVERDUE") for row in rows[:40])
    assert rows[40].split()[0] == "41" and rows[40].endswith(" 41")  # due 2026-04-11
    assert lines[-2].startswith("~ an estimate: the legal clock runs from the day the letter was received")
    assert lines[-1].startswith("10 more not shown: --all for every one")


def test_terminal_control_characters_in_data_never_reach_the_output(clinic_vault: Path, cli: Runner) -> None:
    out = cli(["status", "--limit", "3"])[1]
    assert "Acme People Search" in out  # the escape sequence is gone, so nothing is executed
    assert "\x1b" not in out and "\u202e" not in out


def test_all_and_limit(clinic_vault: Path, cli: Runner) -> None:
    out = cli(["status", "--all"])[1]
    assert "more not shown" not in out and out.count("BA-") == 0 and len(out.splitlines()) == 5 + 60 + 1
    out = cli(["status", "--limit", "5"])[1]
    assert len(out.splitlines()) == 5 + 5 + 2


def test_filters_narrow_the_summary_and_the_rows(clinic_vault: Path, cli: Runner) -> None:
    code, out, err = cli(
        ["status", "--client", "C2", "--state", "drafted,sent", "--broker", "Bolt Data, LLC"]
    )
    assert code == 0, err
    assert (
        out.splitlines()[0]
        == "15 requests on 2026-03-01 (of 60 in the vault): 5 overdue, 0 due within a week"
    )
    code, out, err = cli(["status", "--batch", "B-1", "--overdue", "--json"])
    assert [r["id"] for r in data(out)] == list(range(1, 31))


def test_an_unknown_filter_value_exits_1_with_the_choices(clinic_vault: Path, cli: Runner) -> None:
    code, out, err = cli(["status", "--batch", "B-9"])
    assert code == 1 and out == ""
    assert err.splitlines()[-2:] == [
        "error: --batch 'B-9': no request in this vault has that batch",
        "hint: batches with requests: B-1, B-2",
    ]


def test_json_keeps_its_shape_every_request_by_id(clinic_vault: Path, cli: Runner) -> None:
    code, out, err = cli(["status", "--json"])
    assert code == 0, err
    rows = data(out)
    assert [r["id"] for r in rows] == list(range(1, 61))  # no default limit for data
    assert list(rows[0]) == JSON_KEYS
    assert rows[0] == {
        "id": 1,
        "broker": "acme",
        "broker_name": "Acme \x1b[2JPeople\u202e Search",  # JSON carries the data as it is
        "kind": "access",
        "state": "sent",
        "law": "co-cpa",
        "sent": "2026-01-05",
        "delivered": None,
        "due": "2026-02-19",
        "due_estimated": True,
        "due_courtesy": False,
        "channel": "",
        "days_left": -10,
        "overdue": True,
        "reference": "BA-0001",
        "routes": [],  # a record from before routes were logged
    }
    assert len(out.splitlines()) == 60 + 2  # one request a line, between the brackets
    assert [r["id"] for r in data(cli(["status", "--json", "--limit", "2"])[1])] == [1, 2]


def test_a_long_table_goes_through_the_pager_on_a_terminal(
    clinic_vault: Path, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paged = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(f"import sys\nopen({str(paged)!r}, 'wb').write(sys.stdin.buffer.read())\n")
    monkeypatch.setenv("BROKER_AUDIT_PAGER", f"{sys.executable} {script}")
    monkeypatch.setenv("LINES", "20")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = cli(["status", "--all"])
    assert code == 0, err
    assert out == ""
    text = paged.read_text()
    assert text.startswith("\x1b[1m") or text.startswith("60 requests")  # colour is on for a terminal
    assert "60 requests on 2026-03-01" in text and text.count("OVERDUE") == 40
    monkeypatch.setenv("BROKER_AUDIT_PAGER", "")  # paging off: written as it is
    assert "60 requests on 2026-03-01" in cli(["status", "--all"])[1]
