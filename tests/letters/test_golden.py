"""Golden letters: the rendered text of every law x letter kind (and the agent variants, the
records request and the cover sheets), checked in under tests/golden/, so a change in legal
wording is a reviewed diff, not an accident.

Regenerate after an intended change with `pytest tests/letters/test_golden.py --update-golden`
and review `git diff tests/golden`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from broker_audit.law.choose import federal_law
from broker_audit.law.claim import applicable_kinds
from broker_audit.law.load import shipped_laws
from broker_audit.law.schema import Law
from broker_audit.letters.compose import (
    complaint_recipient_lines,
    letter_context,
    recipient_lines,
    records_context,
    sender_lines,
)
from broker_audit.letters.context import LetterContext, UnreachableContext
from broker_audit.letters.disclosure import Disclosure, decide
from broker_audit.letters.records_identity import records_requester
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import AgentProfile, Profile, ReplyAddress, load_profile_file
from broker_audit.registry.schema import Broker, ConsumerReporting, Evidence, Postal, Route, Source
from broker_audit.vocabulary import KINDS

from .helpers import EARLIER

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
TODAY = dt.date(2026, 11, 25)
LAWS = shipped_laws()
PROFILE = load_profile_file(ROOT / "examples" / "demo-profile.toml")
ROUTE = Route(
    channel="mail",
    postal=Postal(
        organization="Example Data Broker Inc.",
        attention="Privacy Requests",
        street=["P.O. Box 1"],
        city="Atlanta",
        state="GA",
        zip="30301",
    ),
    grade="primary",
    source="https://example.org/registry",
    checked=TODAY,
    registry="ca",
    filed=2020,
    door="request-channel",
)
# The same address as a registry's contact field (no request channel known): the "contact" variant.
CONTACT_ROUTE = msgspec.structs.replace(ROUTE, door="contact")
PARENT = Broker(
    id="example-parent",
    name="Example Parent",
    legal_name="Example Parent Inc.",
    categories=["risk-analytics"],
    routes=[ROUTE],
    sources=[Source(url="https://example.org/parent", checked=TODAY)],
    checked=TODAY,
)
BROKER = Broker(
    id="example-data-broker",
    name="Example Data Broker",
    legal_name="Example Data Broker Inc.",
    brands=["Example People Search"],
    categories=["consumer-reporting", "people-search"],
    routes=[ROUTE],
    sources=[Source(url="https://example.org/privacy", checked=TODAY)],
    checked=TODAY,
    consumer_reporting=ConsumerReporting(
        agency=True, source="https://example.org/cfpb-list", grade="primary", checked=TODAY
    ),
)
CLINIC = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80205"])


# A broker that sells to immigration enforcement: its letters are minimal by default (name, past
# address, reply channel), and a location-data one (its letters ask about the advertising ID).
GOV_BROKER = msgspec.structs.replace(
    BROKER,
    id="example-gov-broker",
    law_enforcement=[
        Evidence(
            recipient="immigration-enforcement",
            agency="ICE",
            summary="Example contract.",
            year=2021,
            source="https://example.org/contract",
            checked=TODAY,
        )
    ],
)
LOCATION_BROKER = msgspec.structs.replace(
    GOV_BROKER, id="example-location-broker", categories=["location-data"]
)
# The requester at risk: a past address with its years, a P.O. box for answers, a phone's ad ID.
AT_RISK = msgspec.structs.replace(
    PROFILE,
    addresses=[
        PROFILE.addresses[0],
        msgspec.structs.replace(PROFILE.addresses[1], since=2016, until=2019),
    ],
    reply_address=ReplyAddress(line1="P.O. Box 4410", city="Denver", state="CO", zip="80204"),
    advertising_ids=["38400000-8cf0-11bd-b23e-10b96e40000d"],
)
MINIMAL_CASES = (
    {("co-cpa", k) for k in ("access", "delete", "opt-out", "correct", "followup", "appeal", "complaint")}
    | {("ca-ccpa", k) for k in ("access", "delete", "opt-out")}
    | {("us-fcra", "fcra-disclosure")}
)
LOCATION_CASES = {("co-cpa", "access"), ("co-cpa", "delete")}
# No reply address: answers by e-mail only (the FCRA letter authorizes electronic disclosure).
EMAIL_ONLY_CASES = {("co-cpa", "access"), ("us-fcra", "fcra-disclosure")}


def profile_for(law: Law, variant: str = "plain") -> Profile:
    """The demo requester, living in the law's state (the pipeline never cites another state's law)."""
    base = AT_RISK if variant in ("minimal", "location") else PROFILE
    if variant == "email-only":
        base = msgspec.structs.replace(AT_RISK, reply_address=None)
    if law.jurisdiction in ("US", "*"):
        return base
    return msgspec.structs.replace(base, state=law.jurisdiction)


# The records request a records follow-up is about: sent by mail, received, not answered.
EARLIER_RECORDS = dataclasses.replace(
    EARLIER, kind="records", state="delivered", due=None, due_estimated=False, answered_on=None
)
# A campaign's letters are the clinic's (letters/records_identity.py): no home address, no phone.
CAMPAIGN_CLINIC = AgentProfile(
    organization="Example Clinic",
    contact_name="Ana Example",
    address=["1 Main St", "Denver, CO 80205"],
    email="records@clinic.example.org",
    phone="+1 303 555 0100",
)


def broker_for(variant: str) -> Broker:
    return {"minimal": GOV_BROKER, "email-only": GOV_BROKER, "location": LOCATION_BROKER}.get(variant, BROKER)


def _context(
    law: Law, kind_id: str, variant: str, disclosure: Disclosure, agent: AgentProfile | None = None
) -> LetterContext:
    letter = KINDS[kind_id]
    if letter.group == "records":
        ccjra = next((x for x in LAWS if x.id == "co-ccjra"), None)
        requester = records_requester(PROFILE, agent) if agent is not None else None
        return records_context(
            profile=PROFILE,
            agency="Example County Sheriff's Office",
            cora=law,
            ccjra=ccjra,
            today=TODAY,
            reference="BA-GOLDEN01",
            since=dt.date(2019, 1, 1),
            requester=requester.context() if requester else None,
            organization=requester.organization if requester else "",
            letter=letter,
            earlier=EARLIER_RECORDS if letter.id == "records-followup" else None,
            disclosure=disclosure,
        )
    unreachable = None
    if letter.group == "notice":
        unreachable = UnreachableContext(
            known=[
                "head office or registered address: Example Data Broker Inc. / 1 Main St / Example, CA 90000"
            ],
            parent="Example Parent",
            parent_letters=[
                "my access request of November 25, 2026, reference BA-GOLDEN02, by mail to "
                "Example Parent Inc. / P.O. Box 1 / Atlanta, GA 30301"
            ],
        )
    return letter_context(
        letter=letter,
        profile=profile_for(law, variant),
        broker=PARENT if variant == "forward" else broker_for(variant),
        law=law,
        fcra=federal_law(LAWS),
        today=TODAY,
        reference="BA-GOLDEN01",
        route=CONTACT_ROUTE if variant == "contact" else ROUTE,
        details="My address is listed wrongly as 9 Elm St.",
        earlier=EARLIER if letter.group == "chain" else None,
        agent=CLINIC if variant == "agent" else None,
        disclosure=disclosure,
        forward_for=BROKER if variant == "forward" else None,
        unreachable=unreachable,
    )


def cases() -> Iterator[tuple[str, str, str]]:
    """(law id, kind, variant) for every letter the tool can write."""
    for law in LAWS:
        for letter in applicable_kinds(law):
            if letter.group == "records" and law.id != "co-cora":  # one open-records act is enough
                continue
            yield law.id, letter.id, "plain"
            if letter.group == "records":
                yield law.id, letter.id, "campaign"
            if letter.id == "access" and law.id in ("co-cpa", "ca-ccpa"):
                yield law.id, letter.id, "contact"  # to a contact address: no request channel known
                yield law.id, letter.id, "forward"  # to the parent of a broker that cannot be reached
            if (
                letter.group == "request"
                and law.kind not in ("federal", "open-records")
                and letter.id in ("access", "delete", "opt-out")
            ):
                yield law.id, letter.id, "agent"
            if (law.id, letter.id) in MINIMAL_CASES:
                yield law.id, letter.id, "minimal"
            if (law.id, letter.id) in LOCATION_CASES:
                yield law.id, letter.id, "location"
            if (law.id, letter.id) in EMAIL_ONLY_CASES:
                yield law.id, letter.id, "email-only"


def render_case(law_id: str, kind_id: str, variant: str) -> str:
    law = next(x for x in LAWS if x.id == law_id)
    letter = KINDS[kind_id]
    profile = PROFILE if letter.group == "records" else profile_for(law, variant)
    broker = None if letter.group == "records" else (PARENT if variant == "forward" else broker_for(variant))
    disclosure = decide(profile, broker=broker, letter=letter)
    agent = CAMPAIGN_CLINIC if variant == "campaign" else None
    context = _context(law, kind_id, variant, disclosure, agent)
    sender = tuple(sender_lines(profile, context.agent, disclosure))
    if variant == "campaign":
        sender = records_requester(PROFILE, CAMPAIGN_CLINIC).sender
    if KINDS[kind_id].recipient == "complaint-office":
        recipient = complaint_recipient_lines(law)
    elif KINDS[kind_id].group == "records":
        recipient = ["Example County Sheriff's Office", "1 Justice Way", "Example, CO 80000"]
    else:
        recipient = recipient_lines(BROKER, ROUTE)
    text = to_text(
        render_letter(
            letter.template_name,
            context,
            sender=sender,
            recipient=tuple(recipient),
            date=TODAY,
            reference="BA-GOLDEN01",
        )
    )
    if variant == "agent" and context.agent is not None and context.agent.standing:
        form = render_letter(
            "authorization",
            context,
            sender=("Example Clinic",),
            recipient=("x",),
            date=TODAY,
            reference="BA-GOLDEN01",
        )
        text += "\n----- authorization -----\n\n" + to_text(form)
    return text


def golden_path(law_id: str, kind_id: str, variant: str) -> Path:
    suffix = "" if variant == "plain" else f"-{variant}"
    return GOLDEN / law_id / f"{kind_id}{suffix}.txt"


CASES = list(cases())


@pytest.mark.parametrize(("law_id", "kind_id", "variant"), CASES)
def test_golden_letter(law_id: str, kind_id: str, variant: str, request: pytest.FixtureRequest) -> None:
    path = golden_path(law_id, kind_id, variant)
    text = render_case(law_id, kind_id, variant)
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run pytest {__file__} --update-golden and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.relative_to(ROOT)} changed: review the wording; if intended, run with --update-golden"
    )


def test_no_golden_file_is_stale() -> None:
    expected = {golden_path(*case) for case in CASES}
    found = set(GOLDEN.rglob("*.txt"))
    assert found <= expected, sorted(str(p.relative_to(GOLDEN)) for p in found - expected)
    assert len(CASES) > 200
