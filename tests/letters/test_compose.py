"""Every law x every letter kind renders, claims exactly the right its statute gives (citation,
scope, period from that right's own data), and reads back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from broker_audit.law.check import printed_unread
from broker_audit.law.choose import federal_law
from broker_audit.law.claim import clock_for
from broker_audit.law.load import shipped_laws
from broker_audit.letters.compose import (
    complaint_recipient_lines,
    letter_context,
    recipient_lines,
    sender_lines,
)
from broker_audit.letters.pdf import write_pdf
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import load_profile_file
from broker_audit.registry.load import shipped_registry
from broker_audit.vocabulary import kind as kind_of
from broker_audit.vocabulary import kinds_in

from .helpers import EARLIER

REQUEST_KINDS = kinds_in("request")
FOLLOWUP_KINDS = kinds_in("chain")

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 25)
LAWS = shipped_laws()
STATUTE_MARKS = ("C.R.S.", "Civ. Code", "U.S.C.", "Code Ann.", "requires you", "required you")


def flat(text: str) -> str:
    return " ".join(text.split())


def cases() -> list[tuple[str, str]]:
    out = []
    for law in LAWS:
        if law.kind == "open-records":
            continue  # its one letter is tested in tests/cli/test_cora.py
        for kind in REQUEST_KINDS + FOLLOWUP_KINDS:
            if kind == "fcra-disclosure" and law.id != "us-fcra":
                continue
            if kind == "appeal" and not (law.appeal and law.appeal.available):
                continue
            if kind == "complaint" and (law.complaint is None or not law.complaint.reachable):
                continue
            out.append((law.id, kind))
    return out


@pytest.mark.parametrize(("law_id", "kind"), cases())
def test_every_law_and_kind(law_id: str, kind: str, tmp_path: Path) -> None:
    law = next(x for x in LAWS if x.id == law_id)
    letter = kind_of(kind)
    profile = load_profile_file(ROOT / "examples" / "demo-profile.toml")
    broker = shipped_registry().get("lexisnexis-risk-solutions")
    context = letter_context(
        letter=letter,
        profile=profile,
        broker=broker,
        law=law,
        fcra=federal_law(LAWS),
        today=TODAY,
        reference="BA-TESTREF1",
        details="My address is listed wrongly as 9 Elm St.",
        earlier=EARLIER if kind in FOLLOWUP_KINDS else None,
    )
    recipient = complaint_recipient_lines(law) if kind == "complaint" else recipient_lines(broker, None)
    doc = render_letter(
        kind,
        context,
        sender=tuple(sender_lines(profile)),
        recipient=tuple(recipient),
        date=TODAY,
        reference="BA-TESTREF1",
        postal=kind != "complaint",  # a complaint goes to the office's online form
    )
    text = flat(to_text(doc))
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert profile.name in text
    rule = (
        next((law.rights[r] for r in letter.rights if r in law.rights), None) if law.kind != "none" else None
    )
    if kind in REQUEST_KINDS:
        if rule is not None:
            assert law.name in text
            if rule.text_seen:  # the statute text was read: the letter claims its scope, no more
                assert flat(rule.citation) in text
                assert flat(rule.scope) in text
            else:  # not read: the Act is cited, never the section (rule L008)
                assert flat(law.citation) in text
            if rule.limited:  # and asks for the rest as a request, not as a right
                assert "not as a claim under the Act" in text
            period = rule.period
            if period is not None and period.text_seen and kind != "fcra-disclosure":
                unit = "days" if period.unit == "calendar" else "business days"
                assert f"within {period.days} {unit} of receiving" in text
                assert flat(period.citation) in text
            elif period is not None and kind != "fcra-disclosure":
                # the period's statute text was not read: the letter states no day count
                assert f"within {period.days} " not in text
                assert "within the time the" in text
        elif kind != "fcra-disclosure":
            # no law or no such right: ask politely, cite nothing we cannot use
            assert law.citation == "" or flat(law.citation) not in text
    # no section whose text was not read is printed, in any kind (rule L008)
    assert printed_unread(text, law) == []
    if kind == "appeal":
        assert law.appeal is not None
        if law.appeal.text_seen:
            assert flat(law.appeal.citation) in text
        if law.appeal.response_days and law.appeal.text_seen:
            assert f"{law.appeal.response_days} days" in text
        elif law.appeal.response_days:
            assert f"{law.appeal.response_days} days" not in text
    if kind == "complaint":
        assert law.complaint is not None and law.complaint.office in text
    if kind in FOLLOWUP_KINDS:
        assert "BA-EARLIER1" in text
    pdf = tmp_path / "letter.pdf"
    write_pdf([doc], pdf)
    pdf_text = flat(" ".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert profile.name in pdf_text
    assert "BA-TESTREF1" in pdf_text
    if kind in REQUEST_KINDS and rule is not None:
        assert flat(rule.citation if rule.text_seen else law.citation) in pdf_text


def test_no_law_letter_cites_no_statute() -> None:
    law = next(x for x in LAWS if x.kind == "none")
    profile = load_profile_file(ROOT / "examples" / "demo-profile.toml")
    broker = shipped_registry().get("appriss-insights")  # not a consumer reporting agency
    for kind in ("access", "delete", "opt-out", "correct"):
        context = letter_context(
            letter=kind_of(kind),
            profile=profile,
            broker=broker,
            law=law,
            fcra=federal_law(LAWS),
            today=TODAY,
            reference="BA-X",
            details="wrong address",
        )
        doc = render_letter(kind, context, sender=("A",), recipient=("B",), date=TODAY, reference="BA-X")
        text = to_text(doc)
        for mark in STATUTE_MARKS:
            assert mark not in text, (kind, mark)


def test_fcra_deadline_is_for_disputes_not_disclosures() -> None:
    fcra = federal_law(LAWS)
    assert fcra is not None
    assert clock_for(fcra, kind_of("fcra-disclosure")).days is None
    dispute = clock_for(fcra, kind_of("correct"))
    assert (dispute.days, dispute.stated) == (30, True)


@pytest.mark.parametrize("law_id", [x.id for x in LAWS if x.kind not in ("federal", "open-records")])
def test_agent_letters_follow_each_laws_agent_rule(law_id: str) -> None:
    """Where the law lets an agent make the request, the clinic writes as agent and the client
    signs an authorization; elsewhere it stays the client's own signed request, c/o the clinic."""
    from broker_audit.letters.compose import sender_lines
    from broker_audit.profile import AgentProfile

    law = next(x for x in LAWS if x.id == law_id)
    clinic = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80205"])
    profile = load_profile_file(ROOT / "examples" / "demo-profile.toml")
    broker = shipped_registry().get("appriss-insights")
    for kind in ("access", "delete", "opt-out"):
        context = letter_context(
            letter=kind_of(kind),
            profile=profile,
            broker=broker,
            law=law,
            fcra=federal_law(LAWS),
            today=TODAY,
            reference="BA-AGENT01",
            agent=clinic,
        )
        agent = context.agent
        assert agent is not None
        rule = law.rights.get(kind)  # type: ignore[call-overload]
        agent_rule = rule.agent if rule is not None else None
        expected = bool(agent_rule and agent_rule.allowed and law.kind != "none")
        assert agent.standing is expected, (law_id, kind)
        sender = tuple(sender_lines(profile, agent))
        doc = render_letter(
            kind, context, sender=sender, recipient=("B",), date=TODAY, reference="BA-AGENT01"
        )
        text = flat(to_text(doc))
        assert "(signature and date)" in text
        if expected:
            assert sender[0] == "Example Clinic"
            assert "authorized agent" in text and flat(agent_rule.citation) in text  # type: ignore[union-attr]
            form = render_letter(
                "authorization", context, sender=sender, recipient=("B",), date=TODAY, reference="BA-AGENT01"
            )
            form_text = flat(to_text(form))
            assert profile.name in form_text and "Example Clinic" in form_text
            assert "Signature:" in form_text
        else:
            assert sender[:2] == (profile.name, "c/o Example Clinic")
            assert "authorized agent" not in text
