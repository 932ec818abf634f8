"""The typed context every letter template reads.

Templates see these records as plain values (the render step turns them into builtins), so a
template may use `law.right.scope` or `route.address`; Python code builds and checks them with
types. Dates are already written out as the letter prints them.
"""

from __future__ import annotations

import msgspec


class Context(msgspec.Struct, frozen=True, kw_only=True):
    pass


class RequesterContext(Context, frozen=True, kw_only=True):
    name: str
    other_names: list[str] = []
    email: str = ""
    phone: str = ""
    birth_date: str = ""
    address: str = ""
    past_addresses: list[str] = []
    state: str = ""  # the state's name, e.g. "Colorado"


class RecipientContext(Context, frozen=True, kw_only=True):
    """Who the letter is to: a broker, a complaint office or an agency (a sheriff)."""

    kind: str  # broker | complaint-office | agency
    id: str = ""
    name: str
    legal_name: str
    brands: list[str] = []
    email: str = ""
    consumer_reporting: bool = False


class RightContext(Context, frozen=True, kw_only=True):
    """The right a letter exercises, as far as the statute text that was read supports it."""

    id: str
    citation: str
    scope: str
    limited: bool = False
    stated: bool = False  # the right's statute text was read: the letter may state its scope


class PeriodContext(Context, frozen=True, kw_only=True):
    """A response period a letter may state (its statute text was read)."""

    days: int
    unit: str  # "days", "business days" or "working days"
    extension_days: int | None = None
    extension_when: str = ""
    citation: str


class LawContext(Context, frozen=True, kw_only=True):
    applies: bool  # the letter claims a right under this law
    id: str
    kind: str
    name: str
    short_name: str
    citation: str
    right: RightContext | None = None
    period: PeriodContext | None = None
    agent_allowed: bool = False
    agent_citation: str = ""
    appeal: bool = False
    appeal_days: int | None = None  # stated only when the statute text was read
    appeal_citation: str = ""
    complaint_office: str = ""
    complaint_url: str = ""


class RouteContext(Context, frozen=True, kw_only=True):
    """How the letter goes: the route's channel and address, and where we know it from."""

    channel: str
    address: str
    words: str  # "by mail", "by email", "through your web form"...
    provenance: str = ""  # "as filed with California in 2020"
    registry_name: str = ""  # "California", when the route comes from a registry filing
    filed: int | None = None  # the year of that filing
    via_parent: str = ""  # the parent company whose desk this is


class FcraContext(Context, frozen=True, kw_only=True):
    name: str
    citation: str
    dispute_citation: str = ""
    dispute_days: int | None = None


class EarlierContext(Context, frozen=True, kw_only=True):
    """The request a follow-up, appeal or complaint is about."""

    reference: str
    title: str
    kind: str
    dated: str
    sent: str = ""
    via: str = ""
    tracking: str = ""
    delivered: str = ""  # the day it was received, when known
    due: str = ""  # the legal due date: only when the receipt date is known and the period stated
    period_days: int | None = None  # the stated period, for "within N days of receiving"
    period_unit: str = "days"
    period_citation: str = ""
    state: str
    answered_on: str = ""
    appealed_on: str = ""


class AgentContext(Context, frozen=True, kw_only=True):
    organization: str
    contact_name: str = ""
    address: list[str] = []
    email: str = ""
    phone: str = ""
    standing: bool = False  # the law lets an agent make this request
    citation: str = ""


class RecordsContext(Context, frozen=True, kw_only=True):
    """What an open-records letter to a sheriff asks for, under which acts."""

    since: str
    ccjra: LawContext | None = None


class LetterContext(Context, frozen=True, kw_only=True):
    kind: str
    title: str
    today: str
    reference: str
    details: str = ""
    requester: RequesterContext
    broker: RecipientContext
    law: LawContext
    route: RouteContext | None = None
    fcra: FcraContext | None = None
    earlier: EarlierContext | None = None
    agent: AgentContext | None = None
    records: RecordsContext | None = None
    # The agency a records request goes to (the same as `broker` there; named for templates).
    agency: RecipientContext | None = None


class CoverItem(Context, frozen=True, kw_only=True):
    broker: str
    title: str
    reference: str
    how: str


class ClinicContext(Context, frozen=True, kw_only=True):
    organization: str
    contact_name: str = ""
    address: list[str] = []
    email: str = ""
    phone: str = ""


class PlatformContext(Context, frozen=True, kw_only=True):
    """A state-run platform that reaches every registered broker (California's DROP)."""

    name: str
    url: str
    covers: str
    excludes: str


class CoverCounts(Context, frozen=True, kw_only=True):
    """What a cover sheet counts, each on its own: requests written, the brokers they go to, the
    kinds of request among them, and the requests not written (listed with why)."""

    requests: int = 0
    brokers: int = 0
    kinds: int = 0
    not_written: int = 0


class CoverContext(Context, frozen=True, kw_only=True):
    """A clinic client's cover sheet: what was mailed, what will go online, what could not go."""

    counts: CoverCounts = CoverCounts()
    client: dict[str, str]
    today: str
    clinic: ClinicContext
    goals: str
    letters: list[CoverItem]
    mailed: list[CoverItem] = []
    online: list[CoverItem] = []
    unsent: list[CoverItem] = []
    law: LawContext
    platform: PlatformContext | None = None  # for residents of a state that runs one
