"""The vocabulary's words as a reader sees them, in their language: request states, letter kinds,
channels. The ids stay English in the vault, the JSON and the options; only what is shown to a
person goes through here (and through the catalog, with a context, since "sent" as a state and
"Sent" as a heading are two messages)."""

from __future__ import annotations

from broker_audit.i18n import NP_, pgettext_in
from broker_audit.vocabulary import CHANNELS

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


def state_word(state: str, language: str | None = None) -> str:
    """A request state as a reader sees it ("sent", "enviada"); an unknown one as it is."""
    found = STATE_WORDS.get(state)
    return pgettext_in(language, "request state", found) if found else state


def kind_word(kind: str, language: str | None = None) -> str:
    """A letter kind in a word or two ("access", "acceso")."""
    found = KIND_WORDS.get(kind)
    return pgettext_in(language, "letter kind", found) if found else kind


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
