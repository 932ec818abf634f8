"""The vocabulary's words as a reader sees them, in their language: request states, letter kinds,
channels. The ids stay English in the vault, the JSON and the options; only what is shown to a
person goes through here (and through the catalog, with a context, since "sent" as a state and
"Sent" as a heading are two messages)."""

from __future__ import annotations

from collections.abc import Mapping

from broker_audit.i18n import NP_, pgettext_in
from broker_audit.vocabulary import CHANNELS

CHANNEL_NAMES = (  # a channel's id as a noun ("mail"): marked here, translated by channel_name
    NP_("channel name", "mail"),
    NP_("channel name", "email"),
    NP_("channel name", "web-form"),
    NP_("channel name", "fax"),
    NP_("channel name", "phone"),
)
DOOR_WORDS = {
    "request-channel": NP_("door kind", "request channel"),
    "contact": NP_("door kind", "contact"),
    "registered": NP_("door kind", "registered address"),
}
GRADE_WORDS = {
    "primary": NP_("source grade", "primary"),
    "secondary": NP_("source grade", "secondary"),
    "weak": NP_("source grade", "weak"),
}

CATEGORY_WORDS = {
    "people-search": NP_("broker category", "people-search"),
    "public-records": NP_("broker category", "public records"),
    "background-check": NP_("broker category", "background checks"),
    "incarceration-data": NP_("broker category", "incarceration data"),
    "consumer-reporting": NP_("broker category", "consumer reporting"),
    "location-data": NP_("broker category", "location data"),
    "marketing": NP_("broker category", "marketing"),
    "risk-analytics": NP_("broker category", "risk analytics"),
}
"""What kind of broker it is (registry `categories`), as the user reads it."""

AGENCY_KIND_WORDS = {
    "county-sheriff": NP_("agency kind", "county sheriff"),
    "city-county-sheriff": NP_("agency kind", "city and county sheriff"),
    "state-agency": NP_("agency kind", "state agency"),
    "association": NP_("agency kind", "association"),
}
"""What kind of agency a directory entry is (agencies.toml `kind`), as the user reads it."""

RECIPIENT_WORDS = {
    "immigration-enforcement": NP_("data recipient", "immigration enforcement"),
    "law-enforcement": NP_("data recipient", "law enforcement"),
    "federal-government": NP_("data recipient", "federal government"),
    "corrections": NP_("data recipient", "jails and prisons"),
}
"""Who a broker's data went to (registry `law_enforcement.recipient`), as the user reads it."""

STATE_WORDS = {
    "drafted": NP_("request state", "drafted"),
    "sent": NP_("request state", "sent"),
    "delivered": NP_("request state", "delivered"),
    "acknowledged": NP_("request state", "acknowledged"),
    "needs-verification": NP_("request state", "needs-verification"),
    "extended": NP_("request state", "extended"),
    "fulfilled": NP_("request state", "fulfilled"),
    "partially-fulfilled": NP_("request state", "partially-fulfilled"),
    "denied": NP_("request state", "denied"),
    "no-response": NP_("request state", "no-response"),
    "appealed": NP_("request state", "appealed"),
    "complained": NP_("request state", "complained"),
    "withdrawn": NP_("request state", "withdrawn"),
    "pending": NP_("request state", "pending"),
    "deleted": NP_("request state", "deleted"),
    "opted-out": NP_("request state", "opted-out"),
    "exempted": NP_("request state", "exempted"),
    "not-found": NP_("request state", "not-found"),
    # a campaign's agency that got no letter (services/campaign.py AgencyStatus.state)
    "no route": NP_("request state", "no route"),
    "asked before": NP_("request state", "asked before"),
}

KIND_WORDS = {
    "access": NP_("letter kind", "access"),
    "delete": NP_("letter kind", "delete"),
    "opt-out": NP_("letter kind", "opt-out"),
    "correct": NP_("letter kind", "correct"),
    "fcra-disclosure": NP_("letter kind", "fcra-disclosure"),
    "followup": NP_("letter kind", "followup"),
    "appeal": NP_("letter kind", "appeal"),
    "complaint": NP_("letter kind", "complaint"),
    "unreachable": NP_("letter kind", "unreachable"),
    "records": NP_("letter kind", "records"),
    "records-followup": NP_("letter kind", "records-followup"),
    "authorization": NP_("letter kind", "authorization"),
    "drop": NP_("letter kind", "drop"),
}


def _looked_up(table: Mapping[str, str], context: str, value: str, language: str | None) -> str:
    """`value`'s words in `table`, in `language` (the catalog's `context`); an unknown value as it is."""
    found = table.get(value)
    return pgettext_in(language, context, found) if found else value


def state_word(state: str, language: str | None = None) -> str:
    """A request state as a reader sees it ("sent", "enviada"); an unknown one as it is."""
    return _looked_up(STATE_WORDS, "request state", state, language)


def kind_word(kind: str, language: str | None = None) -> str:
    """A letter kind in a word or two ("access", "acceso")."""
    return _looked_up(KIND_WORDS, "letter kind", kind, language)


def channel_words(channel: str, language: str | None = None) -> str:
    """How a letter goes, in the words it says to its recipient: "by mail", "through your web
    form", "por correo postal"; "" for an unknown channel."""
    spec = CHANNELS.get(channel)
    return pgettext_in(language, "channel", spec.phrase) if spec else ""


def channel_done(channel: str, language: str | None = None) -> str:
    """How a request went, in a table or a message: "by mail", "through a web form"; "" for an
    unknown channel."""
    spec = CHANNELS.get(channel)
    return pgettext_in(language, "channel done", spec.done) if spec else ""


def channel_to(channel: str, language: str | None = None) -> str:
    """The words before a route's value in a sentence: "by email to", "through its web form at";
    "to" for an unknown channel."""
    spec = CHANNELS.get(channel)
    return pgettext_in(language, "channel to", spec.to) if spec else "to"


def channel_heading(channel: str, language: str | None = None) -> str:
    """The recipient block's line above a route's value: "By email to:"; "Send to:" for a channel
    without one."""
    spec = CHANNELS.get(channel)
    found = spec.heading if spec else ""
    return pgettext_in(language, "channel heading", found) if found else "Send to:"


def channel_name(channel: str, language: str | None = None) -> str:
    """A channel as a noun: in English its id, the word `--via` takes ("mail", "web-form"); in
    another language the catalog's word ("correo postal"); an unknown channel as it is."""
    return pgettext_in(language, "channel name", channel) if channel else channel


def door_word(door_kind: str, language: str | None = None) -> str:
    """What kind of door a route is: "request channel", "contact", "registered address"."""
    return _looked_up(DOOR_WORDS, "door kind", door_kind, language)


def category_word(category: str, language: str | None = None) -> str:
    """A broker's category: "people-search", "public records", ... (an unknown one as it is)."""
    return _looked_up(CATEGORY_WORDS, "broker category", category, language)


def agency_kind_word(kind: str, language: str | None = None) -> str:
    """What kind of agency: "county sheriff", "state agency", ..."""
    return _looked_up(AGENCY_KIND_WORDS, "agency kind", kind, language)


def recipient_word(recipient: str, language: str | None = None) -> str:
    """A recipient of a broker's data: "immigration enforcement", "law enforcement", ..."""
    return _looked_up(RECIPIENT_WORDS, "data recipient", recipient, language)


def grade_word(grade: str, language: str | None = None) -> str:
    """A source's grade: "primary", "secondary", "weak" (an unknown one as it is)."""
    return _looked_up(GRADE_WORDS, "source grade", grade, language)
