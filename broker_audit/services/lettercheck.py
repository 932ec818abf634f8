"""L005: every letter kind renders under every law with a made-up requester, so a template that
reads a field a law lacks fails in `registry check`, not in someone's letter. It sits above both
the law and the letters, which is why it is not in `law/check.py` with the other law rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from broker_audit.errors import BrokerAuditError
from broker_audit.law.check import LawFinding
from broker_audit.law.choose import federal_law
from broker_audit.law.schema import Law
from broker_audit.letters.compose import Earlier, letter_context, records_context
from broker_audit.letters.disclosure import Disclosure
from broker_audit.letters.render import render_letter
from broker_audit.profile import Address, Profile
from broker_audit.registry.schema import Broker
from broker_audit.vocabulary import KINDS


def render_every_kind(laws: Sequence[Law], today: dt.date) -> list[LawFinding]:
    """Render each request and follow-up kind under each law for a made-up requester."""
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
        id="test-broker", name="Test Broker", categories=["consumer-reporting"], sources=[], checked=today
    )
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
        for letter in KINDS.values():
            if letter.group == "page" or (letter.group == "records") != (law.kind == "open-records"):
                continue
            if letter.recipient == "complaint-office" and law.complaint is None:
                continue
            try:
                for disclosure in disclosures:
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
                            disclosure=disclosure,
                        )
                    render_letter(
                        letter.template_name,
                        context,
                        sender=("Test",),
                        recipient=("Test",),
                        date=today,
                        reference="BA-TEST0000",
                    )
            except BrokerAuditError as exc:
                out.append(LawFinding("L005", "error", f"{letter.id}: {exc.message}", law.id, "templates"))
    return out
