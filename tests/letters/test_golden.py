"""Golden letters: the rendered text of every law x letter kind (and the agent variants, the
records request and the cover sheets), checked in under tests/golden/, so a change in legal
wording is a reviewed diff, not an accident.

Regenerate after an intended change with `pytest tests/letters/test_golden.py --update-golden`
and review `git diff tests/golden`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from broker_audit.law.choose import federal_law
from broker_audit.law.load import shipped_laws
from broker_audit.law.schema import Law
from broker_audit.letters.compose import (
    complaint_recipient_lines,
    letter_context,
    recipient_lines,
    records_context,
    sender_lines,
)
from broker_audit.letters.context import LetterContext
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import AgentProfile, Profile, load_profile_file
from broker_audit.registry.schema import Broker, ConsumerReporting, Postal, Route, Source
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


def profile_for(law: Law) -> Profile:
    """The demo requester, living in the law's state (the pipeline never cites another state's law)."""
    if law.jurisdiction in ("US", "*"):
        return PROFILE
    return msgspec.structs.replace(PROFILE, state=law.jurisdiction)


def _context(law: Law, kind_id: str, agent: AgentProfile | None = None) -> LetterContext:
    letter = KINDS[kind_id]
    if letter.group == "records":
        ccjra = next((x for x in LAWS if x.id == "co-ccjra"), None)
        return records_context(
            profile=PROFILE,
            agency="Example County Sheriff's Office",
            cora=law,
            ccjra=ccjra,
            today=TODAY,
            reference="BA-GOLDEN01",
            since=dt.date(2019, 1, 1),
        )
    return letter_context(
        letter=letter,
        profile=profile_for(law),
        broker=BROKER,
        law=law,
        fcra=federal_law(LAWS),
        today=TODAY,
        reference="BA-GOLDEN01",
        route=ROUTE,
        details="My address is listed wrongly as 9 Elm St.",
        earlier=EARLIER if letter.group == "chain" else None,
        agent=agent,
    )


def cases() -> Iterator[tuple[str, str, str]]:
    """(law id, kind, variant) for every letter the tool can write."""
    for law in LAWS:
        for letter in KINDS.values():
            if letter.group in ("page", "platform") or (letter.group == "records") != (law.id == "co-cora"):
                continue
            if law.kind == "open-records" and letter.group != "records":
                continue
            if letter.id == "fcra-disclosure" and law.id != "us-fcra":
                continue
            if letter.id == "appeal" and not (law.appeal and law.appeal.available):
                continue
            if letter.id == "complaint" and (law.complaint is None or not law.complaint.reachable):
                continue
            yield law.id, letter.id, "plain"
            if (
                letter.group == "request"
                and law.kind not in ("federal", "open-records")
                and letter.id in ("access", "delete", "opt-out")
            ):
                yield law.id, letter.id, "agent"


def render_case(law_id: str, kind_id: str, variant: str) -> str:
    law = next(x for x in LAWS if x.id == law_id)
    agent = CLINIC if variant == "agent" else None
    context = _context(law, kind_id, agent)
    if kind_id == "complaint":
        recipient = complaint_recipient_lines(law)
    elif kind_id == "records":
        recipient = ["Example County Sheriff's Office", "1 Justice Way", "Example, CO 80000"]
    else:
        recipient = recipient_lines(BROKER, ROUTE)
    text = to_text(
        render_letter(
            KINDS[kind_id].template_name,
            context,
            sender=tuple(sender_lines(PROFILE, context.agent)),
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
