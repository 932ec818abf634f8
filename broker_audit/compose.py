"""What a letter says about whom: the template context built from profile, broker and law."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from broker_audit.errors import UserError
from broker_audit.law.schema import Law
from broker_audit.profile import STATE_NAMES, Profile, require
from broker_audit.registry.schema import Broker

KINDS = ("access", "delete", "opt-out")

# The law's right that each letter kind exercises.
RIGHT_OF_KIND = {"access": "access", "delete": "delete", "opt-out": "opt-out"}

KIND_TITLES = {
    "access": "Request to know / access my personal data",
    "delete": "Request to delete my personal data",
    "opt-out": "Request to opt out of the sale and sharing of my personal data",
}

_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_kind(kind: str) -> str:
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise UserError(f"unknown letter kind {kind!r}", "kinds are: " + ", ".join(KINDS))
    return kind


def new_reference() -> str:
    """A reference for the letter that says nothing about the requester."""
    return "BA-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def recipient_lines(broker: Broker) -> list[str]:
    """The window-envelope block.

    A broker without a confirmed postal address cannot be mailed: the block then names the
    channel the letter must go through instead, so nobody mails it to a guessed address.
    """
    postal = broker.contact.postal
    if postal is not None:
        return postal.lines()
    lines = [broker.legal_name or broker.name, "No confirmed postal address."]
    if broker.contact.web_form:
        lines += ["Send through the web form:", broker.contact.web_form.value]
    elif broker.contact.email:
        lines += ["Send by email to:", broker.contact.email.value]
    return lines


def sender_lines(profile: Profile) -> list[str]:
    address = profile.current_address
    return [profile.name, *(address.lines() if address else [])]


def letter_context(
    *,
    kind: str,
    profile: Profile,
    broker: Broker,
    law: Law,
    fcra: Law | None,
    today: dt.date,
    reference: str,
) -> dict[str, Any]:
    """Everything a template may use. Identity: only what a broker needs to find the person.

    No SSN is ever included; the letters say why.
    """
    require(profile, ["name", "address"], f"a letter to {broker.id}")
    right = RIGHT_OF_KIND[kind]
    cite = law.rights.get(right) if law.kind != "none" else None
    current = profile.current_address
    deadline = law.deadline
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "today": long_date(today),
        "reference": reference,
        "requester": {
            "name": profile.name,
            "other_names": list(profile.other_names),
            "email": profile.email,
            "phone": profile.phone,
            "birth_date": long_date(profile.birth_date) if profile.birth_date else "",
            "address": current.one_line() if current else "",
            "past_addresses": [a.one_line() for a in profile.past_addresses],
            "state": STATE_NAMES.get(profile.state, profile.state),
        },
        "broker": {
            "id": broker.id,
            "name": broker.name,
            "legal_name": broker.legal_name or broker.name,
            "brands": list(broker.brands),
            "email": broker.contact.email.value if broker.contact.email else "",
            "consumer_reporting": "consumer-reporting" in broker.categories,
        },
        "law": {
            "applies": law.kind != "none" and cite is not None,
            "id": law.id,
            "name": law.name,
            "short_name": law.short_name,
            "citation": law.citation,
            "right_citation": cite.citation if cite else "",
            "deadline_days": deadline.days if deadline else None,
            "extension_days": (deadline.extension_days or 0) if deadline else 0,
            "deadline_citation": deadline.citation if deadline else "",
            "appeal": bool(law.appeal and law.appeal.available),
        },
        "fcra": (
            {"name": fcra.name, "citation": fcra.rights["fcra-disclosure"].citation}
            if fcra is not None and "fcra-disclosure" in fcra.rights
            and "consumer-reporting" in broker.categories
            else None
        ),
    }
