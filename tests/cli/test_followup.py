"""`followup`: the next letter for late and refused requests, linked and logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner, demo_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    path = demo_vault(cli, tmp_path, monkeypatch, "2026-01-05")
    code, _, err = cli(
        [
            "request",
            "venntel",
            "lexisnexis",
            "--kind",
            "access",
            "--out",
            str(tmp_path / "l"),
            "--format",
            "txt",
        ]
    )
    assert code == 0, err
    # Venntel goes by email (received the day it is sent), LexisNexis by mail
    assert cli(["mark", "1", "sent", "--via", "email"])[0] == 0
    assert cli(["mark", "2", "sent", "--via", "mail"])[0] == 0
    return path


def letters(out: str) -> list[dict]:
    return data(out)["letters"]


def test_nothing_due_before_the_deadline(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-02-19")
    code, out, _ = cli(["followup", "--out", str(tmp_path / "f"), "--json"])
    assert code == 0 and letters(out) == []


def test_chain_followup_then_complaint_and_appeal(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-20")
    assert cli(["mark", "1", "delivered", "--on", "2026-01-05"])[0] == 0  # the email's receipt
    assert cli(["mark", "2", "denied"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-02-20")
    out_dir = tmp_path / "f"
    code, out, err = cli(["followup", "--out", str(out_dir), "--format", "txt", "--json"])
    assert code == 0, err
    made = {(x["linked_to"], x["kind"]) for x in letters(out)}
    assert made == {(1, "followup"), (2, "appeal")}
    followup = next(x for x in letters(out) if x["kind"] == "followup")
    text = " ".join(Path(followup["files"][0]).read_text().split())
    assert "You received it on January 5, 2026" in text
    assert (
        "required you to respond within 45 days of receiving it (C.R.S. 6-1-1306(2)(a)), "
        "that is by February 19, 2026" in text
    )
    assert "Colorado Attorney General" in text

    # running again writes nothing new
    code, out, err = cli(["followup", "--out", str(out_dir), "--json"])
    assert letters(out) == [] and "already drafted" in err

    # the appeal is sent: the original request moves to appealed
    appeal = next(x for x in data(cli(["status", "--json"])[1]) if x["kind"] == "appeal")
    assert appeal["channel"] == "mail"  # it goes the way the request went
    assert cli(["mark", str(appeal["id"]), "sent", "--via", "mail"])[0] == 0
    shown = data(cli(["show", "2", "--json"])[1])
    assert shown["state"] == "appealed"

    # the follow-up is sent and ignored for 10 days: next comes a complaint to the AG
    followup_id = followup["id"]
    assert followup["channel"] == "email"  # the way the request went
    assert cli(["mark", str(followup_id), "sent", "--via", "web-form"])[0] == 1  # its letter is an email
    assert cli(["mark", str(followup_id), "sent", "--via", "email"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-03")
    code, out, err = cli(["followup", "1", "--out", str(out_dir), "--format", "txt", "--json"])
    made = letters(out)
    assert [(x["linked_to"], x["kind"]) for x in made] == [(1, "complaint")]
    complaint = " ".join(Path(made[0]["files"][0]).read_text().split())
    assert "To the Colorado Attorney General" in complaint
    assert "Received by the company: January 5, 2026" in complaint
    assert (
        "Legal deadline for the answer: February 19, 2026 (45 days from receipt, C.R.S. 6-1-1306(2)(a))"
        in complaint
    )
    assert "Answer received: none" in complaint


def test_without_a_receipt_date_no_legal_deadline_is_stated(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statute counts from receipt. Until the receipt date is recorded, the due date is an
    estimate: the follow-up names the period and the sent date, never a date as the deadline."""
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-01")
    code, out, err = cli(["followup", "2", "--out", str(tmp_path / "f"), "--format", "txt", "--json"])
    assert code == 0, err
    (made,) = letters(out)
    text = " ".join(Path(made["files"][0]).read_text().split())
    assert "requires a response within 45 days of receiving a request (C.R.S. 6-1-1306(2)(a))" in text
    assert "My letter of January 5, 2026 has had that time and more" in text
    assert "required you to respond by" not in text and "that is by" not in text
    shown = data(cli(["show", "2", "--json"])[1])
    assert shown["due_estimated"] is True and shown["delivered"] is None


def test_an_extended_colorado_appeal_moves_its_due_date(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C.R.S. 6-1-1306(3)(b): an appeal is decided within 45 days of its receipt, extendable by
    60 more with notice. The appeal letter says so; `extended` moves the appeal's due date (the
    appeal's own row and the request it is about) by 60 days."""
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-20")
    assert cli(["mark", "2", "denied"])[0] == 0
    code, out, err = cli(["followup", "2", "--out", str(tmp_path / "f"), "--format", "txt", "--json"])
    assert code == 0, err
    (appeal,) = letters(out)
    assert appeal["kind"] == "appeal"
    text = " ".join(Path(appeal["files"][0]).read_text().split())
    assert "You must decide on this appeal within 45 days of receiving it" in text
    assert "You may extend that period by up to 60 more days where reasonably necessary" in text
    appeal_id = appeal["id"]
    assert cli(["mark", str(appeal_id), "sent", "--via", "mail", "--on", "2026-01-20"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-26")
    assert cli(["mark", str(appeal_id), "delivered", "--on", "2026-01-23"])[0] == 0
    original = data(cli(["show", "2", "--json"])[1])
    assert original["state"] == "appealed" and original["due"] == "2026-03-06"  # 2026-01-20 + 45
    own = data(cli(["show", str(appeal_id), "--json"])[1])
    assert own["due"] == "2026-03-09" and not own["due_estimated"]  # received 2026-01-23 + 45
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-01")
    code, out, err = cli(["mark", str(appeal_id), "extended", "--json"])
    assert code == 0, err
    assert data(out)["due"] == "2026-05-08"  # 2026-01-23 + 45 + 60
    original = data(cli(["show", "2", "--json"])[1])
    assert original["state"] == "appealed" and original["due"] == "2026-05-05"  # 2026-01-20 + 105
    # so on 2026-03-10 neither is overdue, and no complaint is suggested yet
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-10")
    rows = {r["id"]: r for r in data(cli(["status", "--json"])[1])}
    assert not rows[2]["overdue"] and not rows[appeal_id]["overdue"]
    code, out, err = cli(["followup", "2", "--out", str(tmp_path / "f2"), "--json"])
    assert letters(out) == []
