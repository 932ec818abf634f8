"""Typed records for `laws.toml`: every citation and deadline carries its source."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from broker_audit.strict import Id, Strict, Url
from broker_audit.vocabulary import Grade, Right

LawId = Id

LawKind = Literal["state-comprehensive", "state-data-broker", "federal", "open-records", "none"]
Unit = Literal["calendar", "business"]


class Period(Strict, kw_only=True, frozen=True):
    """How long the recipient has to answer, counted from receipt of the request.

    `text_seen` is true only when the statute or regulation text that sets the period was read;
    otherwise (official guidance, a tracker) the vault still tracks the clock, but letters state
    no day count. `extension_days`: None when unknown, 0 when the law allows none.
    `extension_when` is the letter's wording of when the extension is allowed, after "You may
    extend that period once, by up to N more days, ..."; empty means the common wording (where
    reasonably necessary, telling the requester and why within the first period).
    """

    days: int
    unit: Unit = "calendar"
    extension_days: int | None = None
    extension_when: str = ""
    citation: str
    source: Url
    grade: Grade
    text_seen: bool = False
    note: str = ""


class AgentRule(Strict, kw_only=True, frozen=True):
    """Whether an authorized agent (e.g. a clinic) may make a request for this right."""

    allowed: bool
    scope: str = ""  # e.g. "opt-out requests only"
    citation: str = ""
    source: Url | None = None
    grade: Grade | None = None


class RightRule(Strict, kw_only=True, frozen=True):
    """One right a law gives, in the words a letter can claim.

    `scope` is written to follow the letter's verb, in the requester's voice: "I request that you
    delete <scope>" ("the personal data I provided to you"), "I opt out of <scope>", "I request
    <scope>" for access. `limited` is true when the right covers less than everything the letter
    asks for (all the data a broker holds about the person, every kind of processing): the letter
    then asks for the rest as a request, not as a right. `text_seen` is true only when the statute
    text of the right was read; otherwise the letter cites the law but states no scope of its own.
    """

    citation: str
    scope: str
    limited: bool = False
    source: Url
    grade: Grade
    text_seen: bool = False
    period: Period | None = None
    agent: AgentRule | None = None
    note: str = ""


class Appeal(Strict, kw_only=True, frozen=True):
    available: bool
    # days the company has to decide an appeal once it is received
    response_days: int | None = None
    extension_days: int | None = None
    citation: str = ""
    source: Url
    grade: Grade | None = None
    text_seen: bool = False
    note: str = ""


class Platform(Strict, kw_only=True, frozen=True):
    """A state-run service that sends one request to many brokers (California's DROP)."""

    name: str
    url: Url
    citation: str
    covers: str  # what it does, in a sentence the user reads
    excludes: str  # what it does not do
    processing_from: dt.date | None = None  # from when brokers must act on it
    source: Url
    grade: Grade


class Complaint(Strict, kw_only=True, frozen=True):
    office: str
    url: Url
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed


class Exemption(Strict, kw_only=True, frozen=True):
    kind: Literal["publicly-available", "fcra", "glba", "hipaa", "government", "other"]
    summary: str
    citation: str
    source: Url


class ContextStatute(Strict, kw_only=True, frozen=True):
    """A statute a letter under this law names as the background of what it asks for, never as a
    right it claims (e.g. Colorado's limits on sharing data with immigration enforcement, named in
    a records request to a sheriff).

    `citation` stays at the level of the text that was read: an article ("C.R.S. 24-74-101 et
    seq."), never a subsection unless `text_seen`. `words` follows the citation in a sentence of
    the letter ("..., which <words>"); `history` names the bills that made and changed it.
    """

    citation: str
    history: str = ""  # e.g. "SB21-131, as amended by SB25-276, signed May 23, 2025"
    words: str
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade
    checked: dt.date
    text_seen: bool = False
    note: str = ""


class VerificationLimit(Strict, kw_only=True, frozen=True):
    """A rule that limits what a recipient may collect through a request to verify the requester.

    A letter cites it only when `text_seen` (the rule's text was read): "Under <citation>, you
    may collect personal data through this request only as <scope>."
    """

    citation: str
    scope: str
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade
    text_seen: bool = False
    note: str = ""


class ElectronicDelivery(Strict, kw_only=True, frozen=True):
    """The law lets the requester have the answer delivered electronically when they authorize
    it (the FCRA: 15 U.S.C. 1681h(b)). A letter that gives no postal address for the answer
    authorizes it, citing this, only when `text_seen`."""

    citation: str
    source: Url
    read_at: str = ""
    grade: Grade
    text_seen: bool = False
    note: str = ""


class Law(Strict, kw_only=True, frozen=True):
    id: LawId
    jurisdiction: Annotated[str, msgspec.Meta(pattern=r"^([A-Z]{2}|US|\*)$")]
    name: str
    short_name: str
    citation: str
    kind: LawKind
    effective: dt.date | None = None
    source: Url | None = None
    checked: dt.date
    rights: dict[Right, RightRule] = {}
    appeal: Appeal | None = None
    complaint: Complaint | None = None
    platform: Platform | None = None
    exemptions: list[Exemption] = []
    context: list[ContextStatute] = []
    verification_limit: VerificationLimit | None = None
    electronic_delivery: ElectronicDelivery | None = None
    notes: str = ""


class LawsFile(Strict, kw_only=True, frozen=True):
    law: list[Law]
