"""Defects found by using broker-audit as its users would (QA pass), each with the test that
failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from cliutil import DEMO, Runner


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    path = tmp_path / "v" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return path


def test_evidence_after_an_appeal_states_the_requests_own_deadline(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Received 2026-12-10 (recorded), 45 days (C.R.S. 6-1-1306(2)(a)) -> 2027-01-24, extended by
    45 more -> 2027-03-10. The packet said 'receipt estimated as the day sent' and gave the
    appeal's due date (2027-01-20 + 45 = 2027-03-06) as the request's deadline."""
    code, _, err = cli(
        ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0, err
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-20")
    for state, on in [
        ("delivered", "2026-12-10"),
        ("extended", "2027-01-15"),
        ("partially-fulfilled", "2027-01-18"),
        ("appealed", "2027-01-20"),
    ]:
        code, _, err = cli(["mark", "1", state, "--on", on])
        assert code == 0, err
    code, out, err = cli(["evidence", "1", "--out", str(tmp_path / "ev")])
    assert code == 0, err
    assert "due March 10, 2027" in out
    assert "estimated" not in out
    assert "answered (partially-fulfilled) on January 18, 2027, within the deadline" in out
