"""What a letter says about whom: the template context built from profile, broker and law."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from broker_audit.errors import UserError
from broker_audit.law.deadlines import RIGHT_OF_KIND
from broker_audit.law.schema import Law
from broker_audit.profile import STATE_NAMES, Profile, require
from broker_audit.registry.schema import Broker

# Letters a user asks for with `request`.
REQUEST_KINDS = ("access", "delete", "opt-out", "correct", "fcra-disclosure")
# Letters `followup` writes for a request that is late or refused.
FOLLOWUP_KINDS = ("followup", "appeal", "complaint")
KINDS = REQUEST_KINDS + FOLLOWUP_KINDS

KIND_TITLES = {
    "access": "Request to know / access my personal data",
    "delete": "Request to delete my personal data",
    "opt-out": "Request to opt out of the sale and sharing of my personal data",
    "correct": "Request to correct inaccurate personal data",
    "fcra-disclosure": "Request for disclosure of my consumer file",
    "followup": "Follow-up: no complete answer to my request",
    "appeal": "Appeal of your decision on my request",
    "complaint": "Complaint about a data broker's handling of my privacy request",
    "cora": "Colorado Open Records Act request to a sheriff",
}

_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_kind(kind: str, allowed: tuple[str, ...] = REQUEST_KINDS) -> str:
    kind = kind.strip().lower()
    if kind not in allowed:
        raise UserError(f"unknown letter kind {kind!r}", "kinds are: " + ", ".join(allowed))
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


def complaint_recipient_lines(law: Law) -> list[str]:
    """The complaint office: we keep its online form, not a postal address we cannot source."""
    if law.complaint is None:
        raise UserError(
            f"no complaint office is known for the {law.name}",
            "file with your state Attorney General's consumer protection office",
        )
    return [law.complaint.office, "File online at:", law.complaint.url]


def sender_lines(profile: Profile, agent: dict[str, Any] | None = None) -> list[str]:
    """The return address: the requester's own, or the clinic's when a clinic sends for them.

    An agent with standing under the law writes as itself; without standing the letter stays
    the client's own request and the clinic is only the return address ("c/o").
    """
    if agent is not None:
        if agent["standing"]:
            return [agent["organization"], *agent["address"]]
        return [profile.name, f"c/o {agent['organization']}", *agent["address"]]
    address = profile.current_address
    return [profile.name, *(address.lines() if address else [])]


def agent_context(law: Law, kind: str, agent: Any) -> dict[str, Any] | None:
    """The clinic acting for a client, and whether this law lets an agent make this request.

    `agent` is a `journal.AgentProfile` or None.
    """
    if agent is None:
        return None
    right = RIGHT_OF_KIND.get(kind)
    rule = law.agent
    standing = bool(rule and rule.allowed and right and right in rule.rights and law.kind != "none")
    return {
        "organization": agent.organization,
        "contact_name": agent.contact_name,
        "address": list(agent.address),
        "email": agent.email,
        "phone": agent.phone,
        "standing": standing,
        "citation": rule.citation if rule and standing else "",
    }


@dataclass(frozen=True)
class Earlier:
    """The request a follow-up, appeal or complaint is about."""

    reference: str
    kind: str
    dated: dt.date
    sent: dt.date | None
    via: str
    tracking: str
    due: dt.date | None
    state: str
    answered_on: dt.date | None
    appealed_on: dt.date | None


def law_context(law: Law, kind: str) -> dict[str, Any]:
    right = RIGHT_OF_KIND.get(kind)
    cite = law.rights.get(right) if right and law.kind != "none" else None  # type: ignore[call-overload]
    deadline = law.deadline
    appeal = law.appeal if law.appeal and law.appeal.available else None
    return {
        "applies": law.kind != "none" and (cite is not None or right is None),
        "id": law.id,
        "kind": law.kind,
        "name": law.name,
        "short_name": law.short_name,
        "citation": law.citation,
        "right_citation": cite.citation if cite else "",
        "deadline_days": deadline.days if deadline else None,
        "extension_days": (deadline.extension_days or 0) if deadline else 0,
        "deadline_citation": deadline.citation if deadline else "",
        "appeal": appeal is not None,
        "appeal_days": appeal.response_days if appeal else None,
        "appeal_citation": appeal.citation if appeal else "",
        "complaint_office": law.complaint.office if law.complaint else "",
        "complaint_url": law.complaint.url if law.complaint else "",
    }


def _fcra_context(fcra: Law) -> dict[str, Any] | None:
    """The FCRA paragraphs a consumer reporting agency gets besides the state-law request."""
    if "fcra-disclosure" not in fcra.rights:
        return None
    dispute = fcra.rights.get("correct")
    return {
        "name": fcra.name,
        "citation": fcra.rights["fcra-disclosure"].citation,
        "dispute_citation": dispute.citation if dispute else "",
        "dispute_days": fcra.deadline.days if dispute and fcra.deadline else None,
    }


def _earlier_context(earlier: Earlier | None) -> dict[str, Any] | None:
    if earlier is None:
        return None
    return {
        "reference": earlier.reference,
        "title": KIND_TITLES.get(earlier.kind, earlier.kind),
        "kind": earlier.kind,
        "dated": long_date(earlier.dated),
        "sent": long_date(earlier.sent) if earlier.sent else "",
        "via": {
            "mail": "by mail",
            "email": "by email",
            "web-form": "through your web form",
            "fax": "by fax",
            "phone": "by phone",
        }.get(earlier.via, ""),
        "tracking": earlier.tracking,
        "due": long_date(earlier.due) if earlier.due else "",
        "state": earlier.state,
        "answered_on": long_date(earlier.answered_on) if earlier.answered_on else "",
        "appealed_on": long_date(earlier.appealed_on) if earlier.appealed_on else "",
    }


def letter_context(
    *,
    kind: str,
    profile: Profile,
    broker: Broker,
    law: Law,
    fcra: Law | None,
    today: dt.date,
    reference: str,
    details: str = "",
    earlier: Earlier | None = None,
    agent: Any = None,
) -> dict[str, Any]:
    """Everything a template may use. Identity: only what a broker needs to find the person.

    No SSN is ever included; the letters say why.
    """
    require(profile, ["name", "address"], f"a letter to {broker.id}")
    if kind == "correct" and not details.strip():
        raise UserError(
            "a correction letter needs to say what is wrong",
            'add --details "my address is listed as X; the correct one is Y"',
        )
    current = profile.current_address
    consumer_reporting = "consumer-reporting" in broker.categories
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "today": long_date(today),
        "reference": reference,
        "details": details.strip(),
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
            "consumer_reporting": consumer_reporting,
        },
        "law": law_context(law, kind),
        "fcra": _fcra_context(fcra) if fcra is not None and consumer_reporting else None,
        "earlier": _earlier_context(earlier),
        "agent": agent_context(law, kind, agent),
    }


def cora_context(
    *, profile: Profile, agency: str, law: Law, today: dt.date, reference: str, since: dt.date
) -> dict[str, Any]:
    """An open-records request needs no identity details: the law lets anyone ask."""
    if law.kind != "open-records":
        raise UserError(f"{law.id} is not an open-records law")
    return {
        "kind": "cora",
        "title": KIND_TITLES["cora"],
        "today": long_date(today),
        "reference": reference,
        "since": long_date(since),
        "agency": {"name": agency},
        "requester": {"name": profile.name, "email": profile.email, "phone": profile.phone},
        "law": law_context(law, "access"),
    }
