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
    """Who the letter is from: only what its disclosure gives (letters/disclosure.py). A field
    the letter withholds is empty here, so no template can print it."""

    name: str
    other_names: list[str] = []
    email: str = ""
    phone: str = ""
    birth_date: str = ""
    address: str = ""  # the current address, one line
    past_addresses: list[str] = []  # one line each, with the years when known
    state: str = ""  # the state's name, e.g. "Colorado"
    advertising_ids: list[str] = []
    licence_number: str = ""
    # Where answers go: "home", "reply-address", "clinic" or "email" (by e-mail only).
    reply_by: str = "home"
    minimal: bool = False  # the letter gives only what the recipient likely holds already


class RecipientContext(Context, frozen=True, kw_only=True):
    """Who the letter is to: a broker, a complaint office or an agency (a sheriff)."""

    kind: str  # broker | complaint-office | agency
    id: str = ""
    name: str
    legal_name: str
    brands: list[str] = []
    email: str = ""
    consumer_reporting: bool = False
    location_data: bool = False  # its data is tied to phones' advertising IDs


class RightContext(Context, frozen=True, kw_only=True):
    """The right a letter exercises, as far as the statute text that was read supports it."""

    id: str
    citation: str  # the right's own when its text was read, else the Act's
    scope: str
    limited: bool = False
    stated: bool = False  # the right's statute text was read: the letter may state its scope
    verb: str = ""  # the claim's own verb ("I direct you not to make any sale of"), if the law has one
    beyond: str = ""  # what the letter asks for, as a request, past a limited right
    explain: str = ""  # a paragraph spelling out the right's terms (Nevada's "covered information")


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
    refer_as: str = ""  # how a sentence names it: "the CCPA", "NRS 603A"
    citation: str
    right: RightContext | None = None
    # Rights the letter claims besides its main one (an access letter's list of third parties),
    # only those whose text was read.
    also: list[RightContext] = []
    period: PeriodContext | None = None
    agent_allowed: bool = False
    agent_citation: str = ""
    appeal: bool = False
    appeal_days: int | None = None  # stated only when the statute text was read
    appeal_extension_days: int | None = None  # the same
    appeal_extension_when: str = ""
    appeal_citation: str = ""  # only when its text was read
    complaint_office: str = ""
    complaint_url: str = ""
    # A rule limiting what may be collected to verify a request, when its text was read.
    verification_citation: str = ""
    verification_scope: str = ""
    # The law lets the requester authorize an electronic answer (cited when its text was read).
    electronic_citation: str = ""
    complaint_email: str = ""


class RouteContext(Context, frozen=True, kw_only=True):
    """How the letter goes: the route's channel and address, and where we know it from."""

    channel: str
    address: str
    words: str  # "by mail", "by email", "through your web form"...
    provenance: str = ""  # "as filed with California in 2020"
    registry_name: str = ""  # "California", when the route comes from a registry filing
    filed: int | None = None  # the year of that filing
    via_parent: str = ""  # the parent company whose desk this is
    door: str = "request-channel"  # vocabulary.Door: a contact gets other words than a request door


class ForwardContext(Context, frozen=True, kw_only=True):
    """A request sent to a parent company because the company that holds the data cannot be
    reached: the parent is asked to forward it, or to name the company that controls the data."""

    name: str  # the company that cannot be reached (its legal name)
    brands: list[str] = []


class UnreachableContext(Context, frozen=True, kw_only=True):
    """What a complaint about a broker that cannot be reached says was tried."""

    known: list[str] = []  # addresses known for it that are not doors for requests
    parent: str = ""  # the parent company written to instead, if any
    parent_letters: list[str] = []  # "access request, reference BA-..., through its web form ..."


class FcraContext(Context, frozen=True, kw_only=True):
    name: str
    citation: str
    dispute_citation: str = ""
    dispute_days: int | None = None
    electronic_citation: str = ""  # the FCRA lets the consumer authorize electronic disclosure


class EarlierContext(Context, frozen=True, kw_only=True):
    """The request a follow-up, appeal or complaint is about."""

    reference: str
    title: str
    kind: str
    dated: str
    sent: str = ""
    via: str = ""  # how it went, said to the company: "by mail", "through your web form"
    sent_by: str = ""  # how it went, said to anyone else (a complaint office): "through a web form"
    tracking: str = ""
    delivered: str = ""  # the day it was received, when known
    due: str = ""  # the legal due date: only when the receipt date is known and the period stated
    period_days: int | None = None  # the stated period, for "within N days of receiving"
    period_unit: str = "days"
    period_citation: str = ""
    state: str
    answered_on: str = ""
    appealed_on: str = ""
    agent: str = ""  # who sent it as the requester's authorized agent ("" the requester)


class AgentContext(Context, frozen=True, kw_only=True):
    """The clinic acting for a client. With `standing`, the law lets an agent make this request;
    `scope` (when set) is the only part of the right it lets an agent exercise, claimed under
    `claim_citation`; `rest` is the part left, which the letter asks for on the client's behalf,
    as a request."""

    organization: str
    contact_name: str = ""
    address: list[str] = []
    email: str = ""
    phone: str = ""
    standing: bool = False  # the law lets an agent make this request
    citation: str = ""
    scope: str = ""
    claim_citation: str = ""
    rest: str = ""


class StatuteContext(Context, frozen=True, kw_only=True):
    """A statute a records request names as the background of what it asks for, never as a claim."""

    citation: str
    history: str = ""  # "SB21-131, as amended by SB25-276, signed May 23, 2025"
    words: str  # follows "which" in the letter's sentence


class RecordsContext(Context, frozen=True, kw_only=True):
    """What an open-records letter to a sheriff or a state agency asks for, under which acts."""

    since: str
    ccjra: LawContext | None = None
    data: str = "booking, jail, arrest or mugshot data"  # what the letter asks about
    data_short: str = "booking data"  # the same in a few words, for the subject line
    context: list[StatuteContext] = []  # the immigration data laws, named as background
    organization: str = ""  # the clinic or organisation that makes the request, if one does


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
    forward: ForwardContext | None = None
    unreachable: UnreachableContext | None = None


class CoverItem(Context, frozen=True, kw_only=True):
    broker: str
    title: str
    reference: str
    how: str
    when: str = ""  # the answer period of this request, in the client's language
    cannot_reach: str = ""  # what a state-law request may not reach at this broker


class ToldContext(Context, frozen=True, kw_only=True):
    """Letters that tell their companies the same things about the client."""

    brokers: str  # "Equifax, Venntel and Clearview AI"
    what: str  # "your name, your e-mail; answers go to the clinic"


class ClinicContext(Context, frozen=True, kw_only=True):
    organization: str
    contact_name: str = ""
    address: list[str] = []
    email: str = ""
    phone: str = ""


class PlatformContext(Context, frozen=True, kw_only=True):
    """A state-run platform that reaches every registered broker (California's DROP)."""

    name: str
    short_name: str = ""
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
    # What the "what next" part may say of the letters' deadlines: "state" (the client's state
    # law sets them), "other" (another law does, such as the FCRA), "none" (no law: we asked).
    deadlines: str = "state"
    platform: PlatformContext | None = None  # for residents of a state that runs one
    told: list[ToldContext] = []  # what the letters tell the companies about the client
