"""Papers that count right: cover sheets count requests, brokers and kinds separately and list
what was not written and why; a request under no privacy law gets a tracked courtesy date (the
45 days its letter asks for, never called a legal deadline) and can turn overdue; every exported
due date says whether it is an estimate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner

from broker_audit.law.deadlines import COURTESY_DAYS
from broker_audit.law.load import shipped_laws
from broker_audit.letters.cover import CoverLetter, cover_context
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import AgentProfile

CLINIC = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80205"])
TODAY = dt.date(2026, 11, 25)


def _cover(letters: list[CoverLetter], language: str = "en") -> str:
    law = next(x for x in shipped_laws() if x.id == "co-cpa")
    context = cover_context(
        client_name="Ana García", language=language, clinic=CLINIC, letters=letters, law=law, today=TODAY
    )
    doc = render_letter(
        "cover" if language == "en" else "cover-es",
        context,
        sender=(),
        recipient=("Ana",),
        date=TODAY,
        reference="c-1",
    )
    return " ".join(to_text(doc).split())


def test_papers_that_count_right_the_cover_counts_requests_brokers_and_kinds_apart() -> None:
    """The issue: "prepared requests to 30 data brokers" for 15 brokers x 2 kinds, 8 not written."""
    letters = []
    for n in range(1, 16):
        for kind in ("access", "delete"):
            if n <= 11:
                letters.append(CoverLetter(f"Broker {n}", kind, f"BA-{n}{kind[0]}", "mail"))
            elif n <= 14:
                letters.append(CoverLetter(f"Broker {n}", kind))  # no route known
            else:
                letters.append(CoverLetter(f"Broker {n}", kind, not_written="repeat", repeats=7))
    assert len(letters) == 30 and sum(1 for x in letters if not x.channel) == 8
    text = _cover(letters)
    assert "prepared 22 requests for you, of 2 kinds, to 11 data brokers" in text
    assert "8 more requests could not be written; the list below says why." in text
    assert "Requests we did not write" in text
    assert (
        "Broker 12: Request to know / access my personal data. We know no way to reach this company yet"
        in text
    )
    assert (
        "Broker 15: Request to delete my personal data. You already have an open request of this kind "
        "to this company (#7), so we did not write it again." in text
    )
    es = _cover(letters, "es")
    assert "preparó 22 solicitudes por usted, de 2 tipos, a 11 corredores de datos" in es
    assert "No pudimos escribir 8 solicitudes más" in es


def test_papers_that_count_right_a_cover_with_nothing_written_says_so() -> None:
    text = _cover([CoverLetter("Broker 1", "access")])
    assert "could not write any request for you yet: the list below says why" in text
    assert "prepared" not in text


@pytest.fixture
def illinois(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    """A requester in Illinois, whose state has no comprehensive privacy law in our data."""
    profile = tmp_path / "me.toml"
    profile.write_text(
        'name = "Lucía Hernández"\nstate = "IL"\n\n[[addresses]]\nline1 = "300 South Broadway"\n'
        'city = "Springfield"\nstate = "IL"\nzip = "62701"\ncurrent = true\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    return tmp_path


def test_papers_that_count_right_no_law_gets_a_tracked_courtesy_date_that_turns_overdue(
    illinois: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Equifax sells to immigration enforcement: its letter would withhold the home address, and
    # this profile has no other way to answer, so the address is given for this letter)
    code, out, err = cli(
        [
            "request",
            "equifax",
            "--disclose",
            "current-address",
            "--format",
            "txt",
            "--out",
            str(illinois / "l"),
            "--json",
        ]
    )
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert letter["law"] == "none"
    text = " ".join(Path(letter["files"][0]).read_text().split())
    assert f"Please respond within {COURTESY_DAYS} days of receiving this request." in text
    assert (
        cli(["mark", "1", "sent", "--via", "web-form", "--on", "2026-11-25"])[0] == 0
    )  # Equifax: its My Privacy form
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-01")
    assert cli(["mark", "1", "delivered", "--on", "2026-11-30"])[0] == 0
    shown = data(cli(["show", "1", "--json"])[1])
    # received November 30 + 45 days = January 14, 2027: a courtesy date, not an estimate
    assert (shown["due"], shown["due_courtesy"], shown["due_estimated"]) == ("2027-01-14", True, False)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-20")
    code, out, err = cli(["status", "--overdue", "--json"])
    (row,) = data(out)
    assert row["overdue"] is True and row["due_courtesy"] is True and row["days_left"] == -6
    code, out, err = cli(["status"])
    assert "2027-01-14 c" in out and "a courtesy date, not a legal deadline" in out
    # the follow-up never calls it a legal deadline
    code, out, err = cli(["followup", "--format", "txt", "--out", str(illinois / "f"), "--json"])
    (followup,) = data(out)["letters"]
    text = " ".join(Path(followup["files"][0]).read_text().split())
    assert "I have not received a complete response." in text
    assert "required you to respond" not in text and "legal" not in text.lower()
