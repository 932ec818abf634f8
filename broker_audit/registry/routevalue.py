"""What a route's value must be, by the kind of value its channel takes (vocabulary.ValueKind):
one check for broker and agency routes alike, so a new channel of a known kind needs none."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from broker_audit.vocabulary import CHANNELS

# A well-formed address with a dotted domain; what the mail server says is another matter.
EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_LOOSE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def value_problem(channel: str, value: str, has_postal: bool) -> str | None:
    """Why a route of `channel` with this value (and postal address or none) cannot be read, or
    None. Raised as the record's ValueError, so the file names the route that is wrong."""
    spec = CHANNELS.get(channel)
    if spec is None:
        return f"unknown channel {channel!r}: one of {', '.join(CHANNELS)}"
    if spec.value == "postal":
        return None if has_postal else f"a {channel} route needs its `postal` address"
    if not value:
        return f"a {channel} route needs its `value`"
    if spec.value == "email" and not _LOOSE_EMAIL.match(value):
        return f"{value!r} is not an email address"
    if spec.value == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            return f"a {channel} route's value is its URL, not {value!r}"
    if spec.value == "phone" and sum(c.isdigit() for c in value) < 7:
        return f"a {channel} route's value is a phone number, not {value!r}"
    return None


def route_host(channel: str, value: str) -> str:
    """The host a route's value names (an e-mail's domain, a URL's host), lower case; "" for a
    postal address or a phone number."""
    spec = CHANNELS.get(channel)
    if spec is None:
        return ""
    if spec.value == "email":
        return value.rpartition("@")[2].strip().strip(".").lower()
    if spec.value == "url":
        return (urlsplit(value).hostname or "").strip(".").lower()
    return ""
