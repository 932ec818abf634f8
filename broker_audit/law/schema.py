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
# Which public holidays a business-day (or working-day) period skips besides weekends: the
# federal legal public holidays, or the legal holidays of the law's own state (see calendars.py).
Holidays = Literal["federal", "state"]


class Period(Strict, kw_only=True, frozen=True):
    """How long the recipient has to answer, counted from receipt of the request.

    `text_seen` is true only when the statute or regulation text that sets the period was read;
    otherwise (official guidance, a tracker) the vault still tracks the clock, but letters state
    no day count. `extension_days`: None when unknown, 0 when the law allows none.
    `extension_when` is the letter's wording of when the extension is allowed, after "You may
    extend that period once, by up to N more days, ..."; empty means the common wording (where
    reasonably necessary, telling the requester and why within the first period).
    `holidays`: for a business-day period, which public holidays it skips (the law or its
    regulation says, or the note says why this calendar was chosen); a business-day period
    without one is an error (rule L009).
    """

    days: int
    unit: Unit = "calendar"
    holidays: Holidays | None = None
    extension_days: int | None = None
    extension_when: str = ""
    citation: str
    source: Url
    grade: Grade
    text_seen: bool = False
    note: str = ""


class AgentRule(Strict, kw_only=True, frozen=True):
    """Whether an authorized agent (e.g. a clinic) may make a request for this right, and for
    which part of it.

    `scope` is the part of the right an agent may exercise, in the right's own letter words
    ("the processing of my personal data for targeted advertising and the sale of my personal
    data"); empty means the whole right. `claim_citation` cites the paragraphs of that part
    (empty: the right's citation). `rest` is the part an agent may not exercise, in the same
    words: an agent's letter asks for it on the person's behalf, as a request, never as a claim.
    `title` is the subject of an agent's letter when `rest` leaves part of the right out (the
    law's own subject would claim that part too). Research remarks go in `note`, never in `scope`
    (rule L007).
    """

    allowed: bool
    scope: str = ""
    claim_citation: str = ""
    rest: str = ""
    title: str = ""
    citation: str = ""
    source: Url | None = None
    grade: Grade | None = None
    text_seen: bool = False
    note: str = ""


class RightRule(Strict, kw_only=True, frozen=True):
    """One right a law gives, in the words a letter can claim.

    `scope` is written to follow the letter's verb, in the requester's voice: "I request that you
    delete <scope>" ("the personal data I provided to you"), "I opt out of <scope>", "I request
    <scope>" for access. `limited` is true when the right covers less than everything the letter
    asks for (all the data a broker holds about the person, every kind of processing): the letter
    then asks for the rest as a request, not as a right. `text_seen` is true only when the statute
    text of the right was read; otherwise the letter cites the law but states no scope of its own,
    and prints the Act's citation, not the right's (a section whose text was not read is never
    printed: rule L008).

    `title` is the letter's subject for this right under this law when the kind's own would say
    more or less than the law gives (an opt-out of "the sale and sharing" is California's; Utah's
    is of targeted advertising and sale). `beyond` is what the letter asks for, as a request,
    past a limited right, after "I also ask, as a request and not as a claim under the Act,";
    empty means the kind's own words. `explain` is a paragraph the letter adds after the claim
    when the right needs its terms spelled out (Nevada's "covered information").
    """

    citation: str
    scope: str
    limited: bool = False
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade
    text_seen: bool = False
    period: Period | None = None
    agent: AgentRule | None = None
    title: str = ""
    verb: str = ""  # the claim's verb when the kind's ("I opt out of") does not fit the statute
    beyond: str = ""
    explain: str = ""
    note: str = ""


class Appeal(Strict, kw_only=True, frozen=True):
    """The appeal a law gives against a refusal. `extension_when` is the letter's wording of when
    the decision may be extended, after "You may extend that period by up to N more days, ..."."""

    available: bool
    # days the company has to decide an appeal once it is received
    response_days: int | None = None
    extension_days: int | None = None
    extension_when: str = ""
    citation: str = ""
    source: Url
    grade: Grade | None = None
    text_seen: bool = False
    note: str = ""


class Platform(Strict, kw_only=True, frozen=True):
    """A state-run service that sends one request to many brokers (California's DROP).

    `cycle_days`: how often registered brokers must fetch the requests, and how long they then
    have to process them (DROP: 45 and 45, from `processing_from`). `statuses` are the per-broker
    results the platform reports, as the tracking states they become.
    """

    name: str
    short_name: str = ""
    url: Url
    citation: str
    covers: str  # what it does, in a sentence the user reads
    excludes: str  # what it does not do
    processing_from: dt.date | None = None  # from when brokers must act on it
    fetch_days: int | None = None  # brokers fetch the requests at least this often
    process_days: int | None = None  # and process each within this many days of fetching it
    clock_citation: str = ""
    source: Url
    grade: Grade
    note: str = ""


class Complaint(Strict, kw_only=True, frozen=True):
    """Where a resident complains about a company under this law. `url` is the office's own
    complaint form or page; without one, the office is named (a follow-up may say where the
    person will complain) but no complaint letter is written to it."""

    office: str
    url: Url | None = None
    email: str = ""
    phone: str = ""
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade | None = None
    checked: dt.date | None = None
    note: str = ""

    @property
    def reachable(self) -> bool:
        """A complaint letter can be addressed: an online form or an email is known."""
        return bool(self.url or self.email)


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
    """One law. `refer_as` is how a letter names it mid-sentence ("the CCPA", "NRS 603A");
    empty means "the " and its short name."""

    id: LawId
    jurisdiction: Annotated[str, msgspec.Meta(pattern=r"^([A-Z]{2}|US|\*)$")]
    name: str
    short_name: str
    refer_as: str = ""
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
