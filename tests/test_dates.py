"""Dates from outside have one accepted range (issue 12, item 5): refused before anything is
written; a vault that already holds an absurd date (written by the previous version) still reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from clijson import data

from broker_audit.dates import EARLIEST, check_date, latest, parse_date
from broker_audit.errors import UserError
from broker_audit.services import VaultAccess, mark
from broker_audit.tracking.journal import Journal, encode, now
from broker_audit.tracking.model import StatusChanged
from broker_audit.tracking.states import State
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"
DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-profile.toml"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "v" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, _, err = cli(["request", "lexisnexis", "--out", str(tmp_path / "l"), "--format", "txt"])
    assert code == 0, err
    return path


def _records(path: Path) -> int:
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        return vault.count


def test_the_range() -> None:
    """Proves: 1900-01-01 to ten years after the real today, 29 February handled."""
    today = dt.date(2028, 2, 29)
    assert latest(today) == dt.date(2038, 2, 28)
    assert check_date(EARLIEST, "x", real_today=today) == EARLIEST
    assert check_date(dt.date(2038, 2, 28), "x", real_today=today)
    for bad in (dt.date(1899, 12, 31), dt.date(2038, 3, 1), dt.date(9999, 12, 20), dt.date(1, 1, 1)):
        with pytest.raises(UserError, match="outside the dates broker-audit accepts"):
            check_date(bad, "--on", real_today=today)
    with pytest.raises(UserError, match="not a date"):
        parse_date("2026-02-30", "--on")


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"BROKER_AUDIT_TODAY": "9999-12-20"}, ["mark", "1", "sent", "--via", "email"]),
        ({}, ["mark", "1", "sent", "--via", "email", "--on", "1899-12-31"]),
        ({"BROKER_AUDIT_TODAY": "0001-01-01"}, ["status"]),
        ({}, ["profile", "edit", "--birth-date", "1800-05-01"]),
        ({"BROKER_AUDIT_TODAY": "9999-12-20"}, ["request", "lexisnexis", "--format", "txt"]),
    ],
)
def test_out_of_range_dates_are_refused_before_anything_is_written(
    vault: Path,
    cli,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],  # type: ignore[no-untyped-def]
) -> None:
    """Proves: the case that bricked vaults (BROKER_AUDIT_TODAY=9999-12-20 mark 1 sent) and its
    relatives exit 1 with one line naming the date and the range, and write no record."""
    before = _records(vault)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, err = cli(args)
    assert code == 1, (out, err)
    assert "outside the dates broker-audit accepts" in err and "Traceback" not in err
    assert _records(vault) == before
    assert not Path("letters").exists() or not any(Path("letters").iterdir())  # no letter either


def test_services_and_the_journal_refuse_them_too(vault: Path) -> None:
    """Proves: the same range holds for a library caller: the service, and the journal's gate
    before sealing (a record whose date is out of range is never written)."""
    access = VaultAccess(path=vault, passphrase=lambda: PASS)
    with pytest.raises(UserError, match="today"):
        mark(access, 1, "sent", today=dt.date(9999, 12, 20), via="email")
    before = _records(vault)
    with Vault.open(vault, passphrase=lambda: PASS) as opened:
        journal = Journal(opened)
        event = StatusChanged(
            request_id=1, state=State.SENT, on=dt.date(9999, 12, 20), via="mail", recorded=now()
        )
        with pytest.raises(UserError, match="on: 9999-12-20"):
            journal.append([event])
    assert _records(vault) == before


def test_a_stored_absurd_date_never_breaks_reading(vault: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Proves: a vault holding 'sent on 9999-12-20' (what the previous version stored before
    failing) still answers status, show, followup and audit (no OverflowError): the request has
    no due date; and marking it again is a one-line refusal, not a crash."""
    with Vault.open(vault, passphrase=lambda: PASS) as opened:  # the old code's write, gate bypassed
        event = StatusChanged(
            request_id=1, state=State.SENT, on=dt.date(9999, 12, 20), via="mail", recorded=now()
        )
        opened.append(encode(event))
    code, out, err = cli(["status", "--json"])
    assert code == 0, err
    (row,) = data(out)
    assert row["state"] == "sent" and row["sent"] == "9999-12-20" and row["due"] is None
    for args in (
        ["show", "1", "--json"],
        ["status"],
        ["followup", "--out", str(tmp_path / "f")],
        ["audit", "--json"],
    ):
        code, _, err = cli(args)
        assert code == 0, (args, err)
    code, _, err = cli(["mark", "1", "acknowledged"])
    assert code == 1 and "unexpected" not in err
