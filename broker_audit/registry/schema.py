"""Typed records for `brokers.toml`.

Every fact that a letter relies on (an address, an email, a form) carries the URL it was taken
from and the date it was checked. Unknown facts are left out (None / empty), never guessed.
Unknown keys are errors, so a typo in the data file cannot silently drop a fact.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import msgspec

from broker_audit.i18n import N_
from broker_audit.registry.routevalue import value_problem
from broker_audit.strict import Id, StateCode, Strict, Url
from broker_audit.vocabulary import Channel, Door, Grade, Right

BrokerId = Id

Category = Literal[
    "people-search",
    "public-records",
    "background-check",
    "incarceration-data",
    "consumer-reporting",
    "location-data",
    "marketing",
    "risk-analytics",
]
Registry = Literal["ca", "vt", "tx", "or"]
Recipient = Literal[
    "immigration-enforcement",  # ICE, CBP, DHS components
    "law-enforcement",  # police, sheriffs, prosecutors, fusion centres
    "federal-government",  # other federal agencies
    "corrections",  # jails and prisons (e.g. as data source or customer)
]


class Fact(Strict, kw_only=True, frozen=True):
    """One sourced value, e.g. the broker's own words on whose requests it answers."""

    value: str
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade | None = None
    checked: dt.date
    note: str = ""


class Postal(Strict, kw_only=True, frozen=True):
    """A postal address for requests, as it goes in the window of an envelope."""

    organization: str
    attention: str = ""
    street: list[str]
    city: str
    state: StateCode
    zip: Annotated[str, msgspec.Meta(pattern=r"^\d{5}(-\d{4})?$")]

    def lines(self) -> list[str]:
        out = [self.organization]
        if self.attention:
            out.append(self.attention)
        out.extend(self.street)
        out.append(f"{self.city}, {self.state} {self.zip}")
        return out


class OfficialForm(Strict, kw_only=True, frozen=True):
    """The recipient's own form that a route takes requests on (e.g. the Annual Credit Report
    Request Form): a letter sent there instead is discarded, so the artefact is a sheet that
    points to the form and says what it asks for."""

    name: str
    where: Url  # where the form is published
    asks: list[str] = []  # what the form asks for, as the source lists it
    source: Url
    read_at: str = ""
    grade: Grade | None = None
    checked: dt.date
    note: str = ""


REGISTRY_NAMES = {"ca": "California", "vt": "Vermont", "tx": "Texas", "or": "Oregon"}


class Route(Strict, kw_only=True, frozen=True):
    """One way to send a privacy request to a broker, with where we read it and how sure it is.

    `door` says what kind of door the source makes it: a `request-channel` the company names for
    privacy requests, a `contact` (a registry contact field, a general privacy inbox) or a
    `registered` address (head office, registered agent); see vocabulary.Door. `rights` and
    `states` say what the source says the route is for: a route listed only for
    Californians has `states = ["CA"]`; empty means the source sets no limit (empty `rights`: any
    privacy-law right, but an FCRA file disclosure only where `fcra-disclosure` is listed). `source` is the
    canonical URL of the page (never a proxy or a mirror); `read_at` says where it was actually
    read when that was a copy (an archive, the registry's export file) and is never printed in a
    letter. A route from a state registry filing names the registry and the year it was filed, so
    a letter can say "as filed with California in 2020".
    """

    channel: Channel
    value: str = ""  # the email address, the form's URL or the phone number; "" for mail
    postal: Postal | None = None  # mail: the address as it goes on the envelope
    rights: list[Right] = []
    states: list[StateCode] = []
    grade: Grade
    source: Url
    read_at: str = ""
    checked: dt.date
    registry: Registry | None = None
    filed: int | None = None  # the year of the registry filing
    # The year the source's words date from, when the page read is a dated version older than the
    # check (a 2013 privacy policy read in 2026): the newer of two otherwise equal routes wins.
    written: int | None = None
    via_parent: str = ""  # the parent company's desk, which says it answers for this broker
    # Set when the source gives the route only to some requesters (e.g. "protected individuals
    # under Cal. Gov. Code 6208.1(b)", "the TruthFinder brand"): never chosen on its own.
    only_for: str = ""
    # What kind of door it is, from the source's words (vocabulary.Door); unset counts as a
    # contact ("when unsure, contact"), and `registry check` (R017) wants it stated.
    door: Door | None = None
    door_words: str = ""  # the source's own words that make it that kind of door, quoted
    form: OfficialForm | None = None  # the recipient takes requests only on this form of its own
    note: str = ""

    def __post_init__(self) -> None:
        problem = value_problem(self.channel, self.value, self.postal is not None)
        if problem is not None:
            raise ValueError(problem)
        if self.filed is not None and self.registry is None:
            raise ValueError("`filed` is the year of a registry filing: name the `registry` too")

    @property
    def door_kind(self) -> str:
        """The route's door: as stated, else `contact` (what a route is when unsure)."""
        return self.door or "contact"

    def address(self) -> str:
        """The route's address as one line: the email, URL, number, or the postal lines."""
        return " / ".join(self.postal.lines()) if self.postal is not None else self.value

    def provenance(self) -> str:
        """Where the route comes from, in words: "as filed with California in 2020", or ""."""
        if self.registry is None:
            return ""
        where = f"as filed with {REGISTRY_NAMES.get(self.registry, self.registry)}"
        return f"{where} in {self.filed}" if self.filed else where

    def serves(self, right: str | None = None, state: str | None = None) -> bool:
        """Whether the source says the route takes requests for `right` from residents of `state`.

        Empty `rights` means any privacy-law right, but not an FCRA file disclosure: that is asked
        of a consumer reporting agency by the channel its source names for it (`fcra-disclosure`
        listed), not by a privacy-request desk."""
        if right is not None and right not in self.rights and (self.rights or right == "fcra-disclosure"):
            return False
        return not (state is not None and self.states and state not in self.states)


# What a broker may ask a requester for to find or verify them.
IdentityItem = Literal[
    "ssn",  # the full Social Security number
    "ssn-last4",
    "licence-number",  # a driver's licence or state ID number
    "id-copy",  # a copy of a government ID (licence, passport, consular ID)
    "photo",  # a photo of the face
    "advertising-id",  # a phone's mobile advertising ID
    "birth-date",
    "proof-of-address",  # a utility bill, bank or insurance statement
]
IDENTITY_ITEM_WORDS = {  # English: a letter's words; translated with the catalog where a person reads them
    "ssn": N_("a Social Security number"),
    "ssn-last4": N_("the last four digits of a Social Security number"),
    "licence-number": N_("a driver's licence number"),
    "id-copy": N_("a copy of a government ID"),
    "photo": N_("a photo of your face"),
    "advertising-id": N_("your phone's advertising ID"),
    "birth-date": N_("your date of birth"),
    "proof-of-address": N_("a utility bill or statement showing your address"),
}


class IdentityAsk(Strict, kw_only=True, frozen=True):
    """One thing the broker is known to ask for, what giving it risks, and the least-risk way.

    `source`/`grade` are for the fact that the broker asks; `risk` and `instead` are the guidance
    (from the research notes), and `risk_source` the page a risk rests on when it is a fact
    about the broker (LexisNexis flags ITINs, for one)."""

    item: IdentityItem
    when: str = ""  # for which requests or channels, as the source says
    risk: str
    instead: str  # the least-risk alternative
    source: Url
    read_at: str = ""
    grade: Grade
    checked: dt.date
    risk_source: Url | None = None


class Verification(Strict, kw_only=True, frozen=True):
    """What proof of identity the broker asks for. None means unknown."""

    asks_ssn: bool | None = None
    asks_id_copy: bool | None = None
    details: str = ""
    source: Url
    read_at: str = ""
    grade: Grade | None = None
    checked: dt.date
    # Item by item, each with its own source: what a letter must not volunteer and the user
    # should know before giving it.
    asks: list[IdentityAsk] = []


ExemptKind = Literal["public-records", "publicly-available", "fcra", "glba", "dppa"]


class ExemptData(Strict, kw_only=True, frozen=True):
    """The broker's own word that much of its data is exempt from state privacy laws (public
    records, FCRA, GLBA, DPPA data), so a state-law request may not reach it."""

    kinds: list[ExemptKind]
    summary: str  # what the broker says, short
    # The broker or an affiliate is a consumer reporting agency: an FCRA file disclosure is the
    # other lever.
    fcra_disclosure: bool = False
    source: Url
    read_at: str = ""
    grade: Grade
    checked: dt.date
    note: str = ""


class ConsumerReporting(Strict, kw_only=True, frozen=True):
    """Whether the broker is a consumer reporting agency under the FCRA (15 U.S.C. 1681a(f)),
    with the source that says so. `entity` names the legal entity that is the agency when it is
    not the broker's own `legal_name` (an affiliate). Only a broker recorded with `agency = true`
    gets FCRA letters and the FCRA paragraph; a record with `agency = false` says why not."""

    agency: bool
    entity: str = ""
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade
    checked: dt.date
    note: str = ""


class Evidence(Strict, kw_only=True, frozen=True):
    """A documented sale or disclosure of data to a government recipient."""

    recipient: Recipient
    agency: str
    summary: str
    year: int
    source: Url
    read_at: str = ""
    grade: Grade | None = None
    checked: dt.date
    # The broker's own answer to a state registry, not an outside report or a contract record.
    self_reported: bool = False
    # States whose residents the item is specifically about (e.g. Colorado jail bookings).
    states: list[StateCode] = []


class Disclosures(Strict, kw_only=True, frozen=True):
    """What a broker declared about itself in a state data-broker registry.

    Each flag is the broker's own yes/no answer; None means the registry did not ask or the broker
    did not answer. They are the broker's words, sourced to the registry page, not our findings.
    """

    registry: Registry
    source: Url
    checked: dt.date
    collects_minors: bool | None = None
    collects_precise_geolocation: bool | None = None
    collects_reproductive_health: bool | None = None
    collects_immigration_status: bool | None = None  # citizenship or immigration status
    collects_biometric: bool | None = None
    collects_sexual_orientation: bool | None = None
    collects_gender_identity: bool | None = None
    collects_union_membership: bool | None = None
    collects_account_login: bool | None = None
    collects_government_id: bool | None = None
    collects_genetic: bool | None = None
    shares_with_foreign_actors: bool | None = None
    shares_with_federal_government: bool | None = None
    shares_with_state_government: bool | None = None
    shares_with_law_enforcement: bool | None = None
    shares_with_genai_developers: bool | None = None
    fcra_covered: bool | None = None
    glba_covered: bool | None = None
    iippa_covered: bool | None = None
    cmia_covered: bool | None = None
    hipaa_covered: bool | None = None


# A registry disclosure of sharing with these recipients counts for `Broker.sells_to`.
DISCLOSED_RECIPIENTS = {
    "federal-government": "shares_with_federal_government",
    "law-enforcement": "shares_with_law_enforcement",
}


class Source(Strict, kw_only=True, frozen=True):
    url: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    grade: Grade | None = None
    checked: dt.date
    title: str = ""


# --- people-search scan rules ---------------------------------------------------------------------

# What may appear in a search URL template: {first}, {last}, {city}, {state}, each with optional
# filters after "|": lower, upper, title, state-name (the state's full name instead of its code).
SEARCH_PLACEHOLDERS = frozenset({"first", "last", "city", "state"})
SEARCH_FILTERS = frozenset({"lower", "upper", "title", "state-name"})
SEARCH_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class SearchRule(Strict, kw_only=True, frozen=True):
    """How to look a person up on a broker's public search page, and how to read the answer.

    The parsing rules are data, not code: CSS selectors (as BeautifulSoup's `select` reads them)
    and text markers. `verified` says whether they were checked against a real saved result page;
    unverified rules come from third-party descriptions of the site and may be wrong, which a scan
    reports as "could not read", never as "not found".
    """

    # e.g. "https://www.fastpeoplesearch.com/name/{first}-{last}_{city}-{state}"
    url: Url
    # "path": each value folded to ASCII, anything but letters and digits -> `separator`.
    # "query": each value percent-encoded, spaces as %20.
    encoding: Literal["path", "query"] = "path"
    separator: str = "-"
    results: str  # CSS selector of one result item (a person card)
    name: str  # CSS selector, inside an item, of the person's name
    location: str = ""  # CSS selector, inside an item, of the city/state text
    link: str = "a[href]"  # CSS selector, inside an item, of the link to the listing ("" = the item)
    link_attribute: str = "href"
    no_results: list[str] = []  # page text (case-insensitive) that means "no one by that name"
    blocked: list[str] = []  # page text that means a captcha, a bot wall or a rate limit
    verified: bool = False
    source: Url
    checked: dt.date
    note: str = ""

    def __post_init__(self) -> None:
        for token in SEARCH_PLACEHOLDER_RE.findall(self.url):
            key, *filters = token.split("|")
            if key not in SEARCH_PLACEHOLDERS:
                raise ValueError(
                    f"unknown placeholder {{{key}}} in the search url; "
                    f"use {', '.join(sorted(SEARCH_PLACEHOLDERS))}"
                )
            unknown = [f for f in filters if f not in SEARCH_FILTERS]
            if unknown:
                raise ValueError(
                    f"unknown filter {unknown[0]!r} in the search url; "
                    f"use {', '.join(sorted(SEARCH_FILTERS))}"
                )
        if not {"first", "last"} <= {t.split("|")[0] for t in SEARCH_PLACEHOLDER_RE.findall(self.url)}:
            raise ValueError("the search url needs both {first} and {last}")


class Broker(Strict, kw_only=True, frozen=True):
    id: BrokerId
    name: str
    legal_name: str = ""
    parent: str = ""
    aliases: list[str] = []
    brands: list[str] = []
    categories: list[Category]
    holds: list[str] = []
    website: Url | None = None
    # How to send a request, as the data lists them; see `Route` and `registry/routes.py`.
    routes: list[Route] = []
    verification: Verification | None = None
    rights: list[Right] = []
    registries: list[Registry] = []
    law_enforcement: list[Evidence] = []
    # Set where the broker says it answers privacy requests only from residents of some states:
    # a requester elsewhere is warned before sending.
    residency_limit: Fact | None = None
    sources: list[Source]
    checked: dt.date
    notes: str = ""
    # A removed broker stays as a tombstone so its id keeps meaning something.
    successor: BrokerId | None = None
    origin: Literal["curated", "imported"] = "curated"
    # Self-declared answers from a state registry (California's CPPA export has them).
    disclosures: Disclosures | None = None
    # A public people-search page that `broker-audit scan` may query, when the user asks.
    search: SearchRule | None = None
    # What a state-law request may not reach, in the broker's own words.
    exempt_data: ExemptData | None = None
    # Whether it is a consumer reporting agency under the FCRA, with the source (None: not known).
    consumer_reporting: ConsumerReporting | None = None

    def is_consumer_reporting_agency(self) -> bool:
        """Recorded, with a source, as a consumer reporting agency (it gets FCRA letters)."""
        return self.consumer_reporting is not None and self.consumer_reporting.agency

    def sells_to(self, recipient: str) -> bool:
        """Documented evidence of sales to `recipient`, or the broker's own registry disclosure."""
        if any(e.recipient == recipient for e in self.law_enforcement):
            return True
        flag = DISCLOSED_RECIPIENTS.get(recipient)
        return bool(flag and self.disclosures is not None and getattr(self.disclosures, flag))


class Preset(Strict, kw_only=True, frozen=True):
    """A named set of brokers, e.g. `ice-linked`."""

    id: BrokerId
    description: str
    brokers: list[BrokerId]


class BrokersFile(Strict, kw_only=True, frozen=True):
    broker: list[Broker]
    preset: list[Preset] = []


class ImportRun(Strict, kw_only=True, frozen=True):
    """One import of one state registry export into `brokers.imported.json`."""

    registry: Registry
    form: str  # which export layout was read, e.g. "cppa" or "ca-ag"
    source: Url
    file: str
    imported_on: dt.date
    rows: int
    unmapped: list[str] = []


class ImportedFile(Strict, kw_only=True, frozen=True):
    """`brokers.imported.json`: brokers read from official registries, kept apart from curated ones."""

    format: int = 1
    imports: list[ImportRun] = []
    broker: list[Broker] = []
