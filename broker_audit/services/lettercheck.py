"""L005 and L008: every letter kind renders under every law with a made-up requester, in English
and as its reading copy in every reading language (templates/letters/es/) (also as a
clinic's client), so a template that reads a field a law lacks fails in `registry check`, not in
someone's letter (L005), and no rendered letter prints a citation whose text was not read (L008).
They sit above both the law and the letters, which is why they are not in `law/check.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from broker_audit.errors import BrokerAuditError
from broker_audit.law.check import LawFinding, printed_unread
from broker_audit.law.choose import federal_law
from broker_audit.law.claim import applicable_kinds
from broker_audit.law.schema import Law
from broker_audit.letters.compose import Earlier, letter_context, records_context
from broker_audit.letters.disclosure import Disclosure
from broker_audit.letters.reading_copy import READING_LANGUAGES, render_reading_copy
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import Address, AgentProfile, Profile
from broker_audit.registry.schema import Broker, ConsumerReporting
from broker_audit.vocabulary import LetterKind


def render_every_kind(
    laws: Sequence[Law], today: dt.date, templates_dir: Path | None = None
) -> list[LawFinding]:
    """Render each request and follow-up kind under each law for a made-up requester (with
    `templates_dir`, the user's own templates over ours)."""
    profile = Profile(
        name="Test Requester",
        state="CO",
        email="test@example.org",
        addresses=[
            Address(line1="1 Test St", city="Denver", state="CO", zip="80202", current=True),
            Address(line1="2 Old St", city="Denver", state="CO", zip="80203", until=2019),
        ],
    )
    # Every letter renders both ways: with the whole profile, and minimal (name, past address,
    # e-mail, answers by e-mail), so a template that reads a withheld field fails here.
    disclosures = (
        Disclosure(
            given=("current-address", "past-addresses", "email"), withheld=(), minimal=False, reason="test"
        ),
        Disclosure(
            given=("past-addresses", "email"),
            withheld=("current-address",),
            minimal=True,
            reason="test",
            reply="email",
        ),
    )
    broker = Broker(
        id="test-broker",
        name="Test Broker",
        categories=["consumer-reporting"],
        sources=[],
        checked=today,
        consumer_reporting=ConsumerReporting(
            agency=True, source="https://example.org/cfpb", grade="primary", checked=today
        ),
    )
    clinic = AgentProfile(organization="Test Clinic", address=["1 Clinic St", "Denver, CO 80202"])
    earlier = Earlier(
        reference="BA-TEST0000",
        kind="access",
        dated=today,
        sent=today,
        via="mail",
        tracking="",
        delivered=today,
        due=today,
        due_estimated=False,
        state="denied",
        answered_on=today,
        appealed_on=None,
    )
    out: list[LawFinding] = []
    fcra = federal_law(laws)
    for law in laws:
        for letter, agent in _cases(law, clinic):
            unread: set[str] = set()
            for disclosure in disclosures:
                try:
                    if letter.group == "records":
                        context = records_context(
                            profile=profile,
                            agency="Test Sheriff",
                            cora=law,
                            ccjra=None,
                            today=today,
                            reference="BA-TEST0000",
                            since=today,
                            letter=letter,
                            earlier=replace(earlier, kind="records") if letter.id != "records" else None,
                            disclosure=disclosure,
                        )
                    else:
                        context = letter_context(
                            letter=letter,
                            profile=profile,
                            broker=broker,
                            law=law,
                            fcra=fcra,
                            today=today,
                            reference="BA-TEST0000",
                            details="test details",
                            earlier=earlier if letter.group == "chain" else None,
                            agent=agent,
                            disclosure=disclosure,
                        )
                    document = render_letter(
                        letter.template_name,
                        context,
                        sender=("Test",),
                        recipient=("Test",),
                        date=today,
                        reference="BA-TEST0000",
                        templates_dir=templates_dir,
                    )
                    copies = [
                        render_reading_copy(
                            letter.template_name,
                            context,
                            language=language,
                            sender=("Test",),
                            recipient=("Test",),
                            date=today,
                            reference="BA-TEST0000",
                            templates_dir=templates_dir,
                        )
                        for language in READING_LANGUAGES
                    ]
                except BrokerAuditError as exc:
                    out.append(
                        LawFinding("L005", "error", f"{letter.id}: {exc.message}", law.id, "templates")
                    )
                    break
                for rendered in (document, *copies):
                    unread.update(printed_unread(to_text(rendered), law))
            who = " (agent)" if agent else ""
            out += [
                LawFinding(
                    "L008",
                    "error",
                    f"{letter.id}{who} prints {citation!r}, whose text was not read",
                    law.id,
                    "templates",
                )
                for citation in sorted(unread)
            ]
    return out


def _cases(law: Law, clinic: AgentProfile) -> list[tuple[LetterKind, AgentProfile | None]]:
    """Each kind a law's letters come in (law/claim.py `applicable_kinds`), plain and (requests)
    from a clinic as agent."""
    out: list[tuple[LetterKind, AgentProfile | None]] = []
    for letter in applicable_kinds(law):
        out.append((letter, None))
        if letter.group == "request" and law.kind not in ("federal", "open-records", "none"):
            out.append((letter, clinic))
    return out
