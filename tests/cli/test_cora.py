"""`broker-audit cora`: a records request to a sheriff under both acts (the Criminal Justice
Records Act for criminal justice records, the Open Records Act for the rest), with the statement
the CCJRA asks the requester to sign, and the Open Records Act's working-day clock tracked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from clijson import data
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
    made = data(out)
    text = " ".join(Path(made["files"][0]).read_text().split())
    assert "Colorado Open Records Act" in text and "C.R.S. 24-72-203(1)(a)" in text
    assert "Colorado Criminal Justice Records Act" in text and "C.R.S. 24-72-301 to 24-72-309" in text
    assert "will not be used for the direct solicitation of business for pecuniary gain" in text
    assert "24-72-305.5" in text and "(signature and date)" in text
    assert "Appriss" in text and "Immigration and Customs Enforcement" in text
    # The 3-working-day period is from official guidance, not statute text read here: the letter
    # states no day count and asks for criminal justice records "at a reasonable time".
    assert "3 working days" not in text and "reasonable time" in text
    assert "1988" not in text  # no date of birth: the Acts let anyone ask
    assert "Example County Sheriff's Office" in text
    assert made["kind"] == "records"
    # The vault tracks the Open Records Act's clock: mailed Friday November 27, received
    # (estimate) Friday December 4, 3 working days: Wednesday December 9.
    code, out, err = cli(["mark", str(made["id"]), "sent", "--via", "mail"])
    assert code == 0 and "due ~2026-12-09 (estimated" in out, out
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-01")
    code, out, err = cli(["mark", str(made["id"]), "delivered", "--on", "2026-11-30"])
    assert code == 0 and "due 2026-12-03" in out, out  # Monday + 3 working days
    shown = data(cli(["show", str(made["id"]), "--json"])[1])
    assert shown["broker"] == "" and shown["broker_name"] == "Example County Sheriff's Office"
    # no follow-up letter is invented for it
    code, out, err = cli(["followup", "--json", "--out", str(tmp_path / "f")])
    assert data(out)["letters"] == []
    # it cannot be marked sent by a channel it has no address for
    code, out, err = cli(["mark", str(made["id"]), "acknowledged"])
    assert code == 0


def test_a_campaign_from_the_command_line(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cora --all co-sheriffs`, `status --campaign`, `reply --file`, `campaign finding`,
    `followup` and `campaign export`, wired together; usage errors exit 2, user errors 1."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    made = data(out)
    assert len(made["letters"]) == 17 and len(made["without_route"]) == 47
    campaign = made["campaign"]
    teller = next(x["id"] for x in made["letters"] if x["broker"] == "sheriff-teller")
    assert cli(["mark", str(teller), "sent", "--via", "mail"])[0] == 0
    scan = tmp_path / "answer.txt"
    scan.write_text("We contract with Appriss for VINE.")
    assert cli(["reply", str(teller), "--file", str(scan)])[0] == 0
    code, out, err = cli(["campaign", "finding", str(teller), "vine", "--reply", "1", "--json"])
    assert code == 0 and data(out)["finding"] == "vine", err
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-21")
    code, out, err = cli(["status", "--campaign", campaign, "--json"])
    status = data(out)
    assert (status["letters"], status["answered"], status["without_route"]) == (17, 1, 47)
    row = next(a for a in status["agencies"] if a["agency_id"] == "sheriff-teller")
    assert row["findings"] == ["vine"] and row["state"] == "sent" and not row["late"]
    code, out, err = cli(["status", "--campaign", campaign])
    assert code == 0 and "Teller County Sheriff's Office" in out and "1 answered" in out
    code, out, err = cli(["followup", "--json", "--out", str(tmp_path / "f")])
    assert data(out)["letters"] == []  # nothing else was sent, so nothing is late
    code, out, err = cli(["campaign", "export", campaign, "--out", str(tmp_path / "x"), "--json"])
    assert code == 0 and [Path(f).suffix for f in data(out)["files"]] == [".csv", ".pdf"]
    code, out, err = cli(["agencies", "list", "--without-route", "--json"])
    assert code == 0 and len(data(out)) == 49  # 47 sheriffs, CDOC and the sheriffs' association
    assert cli(["agencies", "show", "sheriff-jefferson"])[0] == 0
    # usage and user errors
    assert cli(["cora", "--all", "co-sheriffs", "--agency", "X"])[0] == 2
    assert cli(["cora"])[0] == 2
    code, out, err = cli(["cora", "--all", "co-nowhere"])
    assert code == 1 and "no agency group 'co-nowhere'" in err and "co-sheriffs" in err
    code, out, err = cli(["status", "--campaign", "C-NONE"])
    assert code == 1 and campaign in err


def test_a_campaign_run_twice_writes_no_agency_twice(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clinic that runs `cora --all co-sheriffs` again (a second volunteer, a re-run after a
    printer jam) would send every sheriff the same request twice and start a second clock: the
    second run writes to no agency a records request is still open with, lists each with that
    request, and says what to do; `--again` writes them anyway. A single `cora` request by name
    counts too; an answered one does not."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "a"), "--json"])
    assert code == 0, err
    first = {x["broker"]: x["id"] for x in data(out)["letters"]}
    assert len(first) == 17
    # Teller's request is fulfilled: a new one to Teller is no repeat.
    assert cli(["mark", str(first["sheriff-teller"]), "sent", "--via", "mail"])[0] == 0
    assert cli(["mark", str(first["sheriff-teller"]), "fulfilled"])[0] == 0

    code, out, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "b")])
    assert code == 0, err
    assert "1 letter, 47 agencies without a known route, 16 asked before" in out
    assert "Not written again" in out
    assert f"Denver Sheriff Department (sheriff-denver): #{first['sheriff-denver']}" in out
    assert "Teller County Sheriff's Office" in out.split("Not written again")[0]
    assert not any((tmp_path / "b").rglob("*denver*"))
    newest = re.search(r"Campaign (C-[0-9A-Z-]+)", out).group(1)  # type: ignore[union-attr]
    code, out, err = cli(["campaign", "list"])
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "17 letters (64 agencies in scope)" in next(v for k, v in lines.items() if k != newest)
    assert "1 letter (64 agencies in scope)" in lines[newest]
    code, out, err = cli(["status", "--campaign", str(newest), "--json"])
    report = data(out)
    assert (report["letters"], report["asked_before"], report["without_route"]) == (1, 16, 47)
    denver = next(a for a in report["agencies"] if a["agency_id"] == "sheriff-denver")
    assert denver["state"] == "asked before" and f"#{first['sheriff-denver']}" in denver["why_not"]

    # A single request made by name counts too: with Teller asked again by hand, no agency is left.
    code, out, err = cli(
        [
            "cora",
            "--agency",
            "Teller County Sheriff's Office",
            "--address",
            "PO Box 1;Divide, CO 80814",
            "--out",
            str(tmp_path / "t"),
        ]
    )
    assert code == 0, err

    # --again writes every one; a run where every agency is still open says so and writes nothing.
    code, out, err = cli(["cora", "--all", "co-sheriffs", "--again", "--out", str(tmp_path / "c"), "--json"])
    assert code == 0 and len(data(out)["letters"]) == 17, err
    code, out, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "d")])
    assert code == 1 and "open records request" in err and "--again" in err
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())
