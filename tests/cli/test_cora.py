"""`broker-audit cora`: an open-records request with a working-day clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cliutil import DEMO, Runner

from broker_audit.law.deadlines import add_days


def test_working_days_skip_weekends() -> None:
    friday = dt.date(2026, 11, 27)
    assert add_days(friday, 3, working_days=True) == dt.date(2026, 12, 2)  # Mon, Tue, Wed
    assert add_days(friday, 10, working_days=True) == dt.date(2026, 12, 11)
    assert add_days(friday, 3) == dt.date(2026, 11, 30)


def test_cora_request_to_a_sheriff(cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-27")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(
        [
            "cora",
            "--agency",
            "Example County Sheriff's Office",
            "--address",
            "1 Justice Way;Example, CO 80000",
            "--out",
            str(tmp_path / "l"),
            "--format",
            "txt,pdf",
            "--json",
        ]
    )
    assert code == 0, err
    made = json.loads(out)
    text = " ".join(Path(made["files"][0]).read_text().split())
    assert "Colorado Open Records Act" in text and "C.R.S. 24-72-203(1)(a)" in text
    assert "Appriss" in text and "Immigration and Customs Enforcement" in text
    assert "3 working days" in text
    assert "1988" not in text  # no date of birth: the Act lets anyone ask
    assert "Example County Sheriff's Office" in text
    code, out, err = cli(["mark", str(made["id"]), "sent", "--via", "mail"])
    assert code == 0 and "due 2026-12-02" in out
    # no follow-up letter is invented for it
    code, out, err = cli(["followup", "--json", "--out", str(tmp_path / "f")])
    assert json.loads(out) == []
