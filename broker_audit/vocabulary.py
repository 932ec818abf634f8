"""The words every part of broker-audit shares: rights, source grades, channels, letter kinds.

Each is defined once, here, as data. The registry and the law schemas, the letter pipeline, the
legal clocks, the next-step rules, the cover sheets and the CLI all read this module; adding a
letter kind means adding a `LetterKind` to `KINDS` (or calling `register_kind`) and its template,
nothing else. This module imports nothing from the rest of the package but the catalog's
markers (i18n.N_, NP_: identity functions that mark words for translation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from broker_audit.i18n import N_, NP_, pgettext_in

# What a privacy law gives a person, right by right. "fcra-disclosure" is the FCRA's file
# disclosure (15 U.S.C. 1681g); "portability" is a copy in a portable, readily usable format;
# "third-party-list" is a list of the third parties (or their categories, where that is all a law
# gives) to which the data was disclosed (Minnesota, Oregon), claimed in access letters.
Right = Literal[
    "access", "delete", "opt-out", "correct", "portability", "fcra-disclosure", "third-party-list"
]
RIGHTS: tuple[str, ...] = get_args(Right)

# How much a fact can be trusted, by where it was read:
# primary   - the company's own page or filing, a regulator's registry, statute or regulation text,
#             official agency guidance, a court or SEC filing;
# secondary - reputable press, a legal tracker, a well-kept public list;
# weak      - a third-party copy, a mirror, a proxy, an SEO or coupon page.
Grade = Literal["primary", "secondary", "weak"]
GRADES: tuple[str, ...] = get_args(Grade)

# How a request reaches its recipient: one `ChannelSpec` per channel (CHANNELS, below).
# What a route's value is, which says how it is checked (registry/routevalue.py): a postal
# address, an e-mail address, a web address (a form, or an endpoint a program sends to), or a
# phone number.
ValueKind = Literal["postal", "email", "url", "phone"]


@dataclass(frozen=True)
class ChannelSpec:
    """One way a request reaches its recipient, and everything that differs by it.

    Adding a channel is one `ChannelSpec` here (or `register_channel`) and, when broker-audit can
    deliver by it itself, one `Sender` (services/senders.py); nothing else names channels. The
    words are English message ids: words.py gives them in the reader's language.
    """

    id: str
    rank: int  # which of a broker's equal request doors a letter takes first (lowest first)
    value: ValueKind  # what a route's value is, and how it is checked
    artefacts: tuple[str, ...]  # the formats a letter for it is written in by default
    sheet: bool  # the person makes the request themselves: a submission sheet is written
    delivery_days: int  # the days from sending to receipt, when no receipt is recorded
    phrase: str  # a letter's words to its recipient: "by mail", "through your web form"
    heading: str  # the recipient block's line above the route's value; "" for a postal block
    to: str  # before the route's value in a sentence: "by email to", "through its web form at"
    done: str  # how a request went, in a table or a message: "by mail", "through a web form"
    cover: str  # the clinic's cover sheet: how this letter goes ({address}: the route's value)
    written: bool = True  # the request is made in writing (a phone call is not)


CHANNELS: dict[str, ChannelSpec] = {
    c.id: c
    for c in (
        ChannelSpec(
            id="mail",
            rank=0,
            value="postal",
            artefacts=("pdf", "txt"),
            sheet=False,
            delivery_days=7,  # USPS First-Class: 1-5 days, rounded up to a week
            phrase=NP_("channel", "by mail"),
            heading="",
            to=NP_("channel to", "by mail to"),
            done=NP_("channel done", "by mail"),
            cover=N_("We will mail it."),
        ),
        ChannelSpec(
            id="email",
            rank=1,
            value="email",
            artefacts=("eml", "txt"),
            sheet=False,
            delivery_days=0,
            phrase=NP_("channel", "by email"),
            heading=NP_("channel heading", "By email to:"),
            to=NP_("channel to", "by email to"),
            done=NP_("channel done", "by email"),
            cover=N_("We will email it to {address}."),
        ),
        ChannelSpec(
            id="web-form",
            rank=2,
            value="url",
            artefacts=("pdf", "txt"),
            sheet=True,
            delivery_days=0,
            phrase=NP_("channel", "through your web form"),
            heading=NP_("channel heading", "Through its web form:"),
            to=NP_("channel to", "through its web form at"),
            done=NP_("channel done", "through a web form"),
            cover=N_("We will submit it on the company's web form ({address})."),
        ),
        ChannelSpec(
            id="fax",
            rank=3,
            value="phone",
            artefacts=("pdf", "txt"),
            sheet=False,
            delivery_days=0,
            phrase=NP_("channel", "by fax"),
            heading=NP_("channel heading", "By fax to:"),
            to=NP_("channel to", "by fax to"),
            done=NP_("channel done", "by fax"),
            cover=N_("We will fax it to {address}."),
        ),
        ChannelSpec(
            id="phone",
            rank=4,
            value="phone",
            artefacts=("pdf", "txt"),
            sheet=True,
            delivery_days=0,
            phrase=NP_("channel", "by phone"),
            heading=NP_("channel heading", "By phone:"),
            to=NP_("channel to", "by phone at"),
            done=NP_("channel done", "by phone"),
            cover=N_("We will make the request by phone ({address})."),
            written=False,
        ),
    )
}
# A channel's id, as routes, the vault and `--via` name it: one of CHANNELS (checked where a
# route is read: registry/routevalue.py).
Channel = str


def channel(channel_id: str) -> ChannelSpec:
    """The channel with this id; KeyError names the known ids."""
    found = CHANNELS.get(channel_id)
    if found is None:
        raise KeyError(f"unknown channel {channel_id!r}; known: {', '.join(CHANNELS)}")
    return found


def channels_by_rank() -> tuple[str, ...]:
    """The channel ids, the one a letter takes first first."""
    return tuple(c.id for c in sorted(CHANNELS.values(), key=lambda c: c.rank))


def register_channel(new: ChannelSpec) -> None:
    """Add a channel (its artefacts must be formats letters/formats.py writes)."""
    if new.id in CHANNELS:
        raise ValueError(f"channel {new.id!r} exists")
    CHANNELS[new.id] = new


def unregister_channel(channel_id: str) -> None:
    """Remove a channel added with `register_channel` (tests)."""
    CHANNELS.pop(channel_id, None)


# What kind of door a route is, from the source's own words (DESIGN.md, Routes):
# request-channel - the company names it for consumer or privacy requests (its request form, its
#                   privacy request address, its filed request phone line);
# contact         - a registry contact field, a general privacy inbox for questions (and, when
#                   unsure, any route);
# registered      - a head office, a registered agent, an address for service of process.
# A letter goes by a request channel; by a contact only when none exists, with a warning; never
# by a registered address.
Door = Literal["request-channel", "contact", "registered"]
DOORS: tuple[str, ...] = get_args(Door)
DOOR_WORDS = {
    "request-channel": "a channel the company names for privacy requests",
    "contact": "a contact address, not one the company names for privacy requests",
    "registered": "a registered or head-office address, not a door for requests",
}

# What a records request's answer showed, as the user records it per agency (`campaign finding`).
Finding = Literal["appriss", "lexisnexis", "vine", "ice-access", "other-vendor", "none", "refused", "fee"]
FINDINGS: tuple[str, ...] = get_args(Finding)
FINDING_WORDS = {  # English ids of the catalog: translated where a person reads them
    "appriss": N_("a contract or agreement with Appriss"),
    "lexisnexis": N_("a contract or agreement with LexisNexis"),
    "vine": N_("a VINE agreement"),
    "ice-access": N_("access by ICE or DHS to booking data"),
    "other-vendor": N_("another vendor that receives or resells the data"),
    "none": N_("no such records (the agency says it has none)"),
    "refused": N_("refused or withheld"),
    "fee": N_("asked for a fee"),
}
# What a letter may tell its recipient about the requester, besides the name (always given).
# Each is a disclosure, decided once per letter (letters/disclosure.py) and kept in the log.
IdentityField = Literal[
    "current-address",
    "past-addresses",
    "phone",
    "email",
    "birth-date",
    "other-names",
    "advertising-id",
    "licence-number",
]
IDENTITY_FIELDS: tuple[str, ...] = get_args(IdentityField)
# What letters to most brokers carried before disclosure was a choice: everything the profile
# held then. The advertising ID and the licence number are never given unless asked for.
STANDARD_DISCLOSURE: tuple[str, ...] = (
    "current-address",
    "past-addresses",
    "phone",
    "email",
    "birth-date",
    "other-names",
)
# The identifiers a broker that sells to government or police is likely to hold already, and a
# way to answer: a letter to one gives these by default (plus the reply address, when the
# current address is withheld). An advertising ID is added for location-data brokers only.
MINIMAL_DISCLOSURE: tuple[str, ...] = ("past-addresses", "email")

# Who a letter is addressed to ("platform": a state-run service such as California's DROP).
RecipientKind = Literal["broker", "complaint-office", "agency", "platform"]
# Which legal clock a letter starts when it is received:
#   right   - the response period of the right(s) it exercises, from the law's data;
#   appeal  - the law's period for deciding an appeal;
#   records - the open-records act's period (working days), for the part it governs;
#   platform - a state platform's processing cycle (DROP: fetched within 45 days, processed
#             within 45 more, from 2026-08-01);
#   none    - no clock (a follow-up asks for an answer within a period we choose, not the law).
Clock = Literal["right", "appeal", "records", "platform", "none"]
# What a kind is: asked for by the user (`request`), written by `followup` about an earlier
# request (`chain`), a public-records request (`records`), a page that goes with another
# letter (`page`: the agent's authorization, a clinic's cover sheet), written by `request` in place
# of a request a broker cannot receive (`notice`: the complaint that it cannot be reached), or a
# request made on a state platform and tracked here, with no letter (`platform`: DROP and each
# broker's result).
KindGroup = Literal["request", "chain", "records", "page", "notice", "platform"]


@dataclass(frozen=True)
class LetterKind:
    """One kind of letter: what it asks for, under which rights, and how it is tracked."""

    id: str
    group: KindGroup
    rights: tuple[Right, ...]  # the rights it exercises, in order of preference; () for none
    title: str  # the letter's subject line (English; its other languages are in the catalog)
    goal: str = ""  # the cover sheet's "The letters ask them to ..."
    clock: Clock = "right"
    recipient: RecipientKind = "broker"
    followable: bool = False  # a late or refused letter of this kind gets a follow-up chain
    template: str = ""  # the template's name without `.txt.j2`; the id when empty
    needs_details: bool = False  # the letter needs the user's own text (--details)
    # Rights it claims besides its main one, wherever the law gives them (an access letter also
    # claims the list of third parties where a law has that right).
    also: tuple[Right, ...] = ()
    # (language, title, goal) for a kind added at run time, whose words are in no catalog; a
    # shipped kind's are in the message catalog (contexts "kind title" and "kind goal").
    words: tuple[tuple[str, str, str], ...] = ()

    @property
    def template_name(self) -> str:
        return self.template or self.id

    def title_in(self, language: str) -> str:
        own = next((title for lang, title, _ in self.words if lang == language and title), "")
        return own or pgettext_in(language, "kind title", self.title)

    def goal_in(self, language: str) -> str:
        if not self.goal:
            return ""
        own = next((goal for lang, _, goal in self.words if lang == language and goal), "")
        return own or pgettext_in(language, "kind goal", self.goal)


KINDS: dict[str, LetterKind] = {
    k.id: k
    for k in (
        LetterKind(
            id="access",
            group="request",
            rights=("access",),
            also=("third-party-list",),
            title=NP_("kind title", "Request to know / access my personal data"),
            goal=NP_("kind goal", "show you the data they hold about you and say to whom they sold it"),
            followable=True,
        ),
        LetterKind(
            id="delete",
            group="request",
            rights=("delete",),
            title=NP_("kind title", "Request to delete my personal data"),
            goal=NP_("kind goal", "delete your data"),
            followable=True,
        ),
        LetterKind(
            id="opt-out",
            group="request",
            rights=("opt-out",),
            # Each law's own subject is in laws.toml (`title`): "sharing" is California's word.
            title=NP_("kind title", "Request to opt out of the sale of my personal data"),
            goal=NP_("kind goal", "stop selling your data"),
            followable=True,
        ),
        LetterKind(
            id="correct",
            group="request",
            rights=("correct",),
            title=NP_("kind title", "Request to correct inaccurate personal data"),
            goal=NP_("kind goal", "correct wrong data about you"),
            followable=True,
            needs_details=True,
        ),
        LetterKind(
            id="fcra-disclosure",
            group="request",
            rights=("fcra-disclosure",),
            title=NP_("kind title", "Request for disclosure of my consumer file"),
            goal=NP_("kind goal", "send you your consumer file"),
            followable=True,
        ),
        LetterKind(
            id="followup",
            group="chain",
            rights=(),
            title=NP_("kind title", "Follow-up: no complete answer to my request"),
            clock="none",
        ),
        LetterKind(
            id="appeal",
            group="chain",
            rights=(),
            title=NP_("kind title", "Appeal of your decision on my request"),
            clock="appeal",
        ),
        LetterKind(
            id="complaint",
            group="chain",
            rights=(),
            title=NP_("kind title", "Complaint about a data broker's handling of my privacy request"),
            clock="none",
            recipient="complaint-office",
        ),
        LetterKind(
            id="unreachable",
            group="notice",
            rights=(),
            title=NP_("kind title", "Complaint: a data broker I cannot reach to make my privacy request"),
            clock="none",
            recipient="complaint-office",
        ),
        LetterKind(
            id="records",
            group="records",
            rights=("access",),
            title=NP_(
                "kind title", "Records request to a sheriff: booking data shared with data brokers and ICE"
            ),
            clock="records",
            recipient="agency",
        ),
        LetterKind(
            id="records-followup",
            group="records",
            rights=(),
            title=NP_("kind title", "Follow-up: my records request has not been answered"),
            clock="none",
            recipient="agency",
        ),
        LetterKind(
            id="authorization",
            group="page",
            rights=(),
            title=NP_("kind title", "Authorization of an agent to make a privacy request"),
            clock="none",
        ),
        LetterKind(
            id="drop",
            group="platform",
            rights=("delete",),
            title=NP_("kind title", "DROP request: delete my data at every registered data broker"),
            goal=NP_("kind goal", "delete your data through California's DROP"),
            clock="platform",
            recipient="platform",
        ),
        LetterKind(
            id="drop-result",
            group="platform",
            rights=("delete",),
            title=NP_("kind title", "DROP result for one data broker"),
            clock="platform",
        ),
    )
}

# Ids that older versions wrote into the vault for kinds that now have another id.
KIND_ALIASES = {"cora": "records"}


def kind(kind_id: str) -> LetterKind:
    """The kind with this id (an alias resolves); KeyError names the known ids."""
    found = KINDS.get(KIND_ALIASES.get(kind_id, kind_id))
    if found is None:
        raise KeyError(f"unknown letter kind {kind_id!r}; known: {', '.join(KINDS)}")
    return found


def kinds_in(group: KindGroup) -> tuple[str, ...]:
    """The ids of the kinds in `group`, in table order."""
    return tuple(k.id for k in KINDS.values() if k.group == group)


def request_kinds() -> tuple[str, ...]:
    """The kinds a user asks for with `broker-audit request` and clinic batches."""
    return kinds_in("request")


def batch_kinds() -> tuple[str, ...]:
    """The kinds a clinic batch writes: every request kind but those that need the person's own
    text (a correction says what is wrong about one person)."""
    return tuple(k for k in request_kinds() if not KINDS[k].needs_details)


def register_kind(new: LetterKind) -> None:
    """Add a kind (its template must exist in the templates folder used)."""
    if new.id in KINDS:
        raise ValueError(f"letter kind {new.id!r} exists")
    unknown = [r for r in new.rights if r not in RIGHTS]
    if unknown:
        raise ValueError(f"unknown right(s) {unknown} for letter kind {new.id!r}")
    KINDS[new.id] = new


def unregister_kind(kind_id: str) -> None:
    """Remove a kind added with `register_kind` (tests)."""
    KINDS.pop(kind_id, None)
