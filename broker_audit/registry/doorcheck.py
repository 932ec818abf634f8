"""The route rules of `registry check` that read doors and where facts were read (R017-R020).

- R017 door-stated: every curated route says what kind of door it is.
- R018 request-channel-for-government-sellers: a broker documented as selling to immigration or
  law enforcement defaults, for every right it has a route for, to a request channel.
- R019 read-where-sourced: a route's source names only a place its facts were read. What can be
  verified offline is verified: a route read in an export shipped in `registries/` (its `read_at`
  names the file) must have its address and its deciding words (`door_words`) in that file, and a
  route sourced to a state registry's page must say in `read_at` where it was read (the registry
  pages show no addresses of their own; an export or a copy of one does). A web page's words
  cannot be checked offline: there the record's `read_at` and notes are what a reviewer checks.
- R020 contact-default: a broker whose default route (for a requester from a state no route
  names) is a contact, not a request channel, is listed (warning).

Pure: the shipped exports are read by the caller and passed in as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from broker_audit.registry.routes import default_route
from broker_audit.registry.schema import Broker, Route

REGISTRY_PAGES = ("https://oag.ca.gov/data-brokers", "https://cppa.ca.gov/data_broker_registry")
RIGHTS_CHECKED = ("access", "delete", "opt-out")
_NON_ALNUM = re.compile(r"[^a-z0-9@]+")
_DIGIT_GAPS = re.compile(r"(?<=\d)[\s().\-/]+(?=\d)")
_SEGMENTS = re.compile(r"\s*(?:…|\.\.\.)\s*")
MIN_WORDS_CHARS = 15  # shorter pieces of a quote ("or call") prove nothing


def words(text: str) -> str:
    """Text as words for matching: lower case, "[at]" as "@", punctuation as single spaces."""
    text = text.lower().replace(" [at] ", "@").replace("[at]", "@").replace(" [dot] ", ".")
    return " " + _NON_ALNUM.sub(" ", text).strip() + " "


@dataclass(frozen=True)
class ShippedText:
    """One shipped export, read once: its raw lower-case text, as words, and with the gaps inside
    numbers closed (so "1 (866) 267-3861" is found as 18662673861)."""

    name: str
    lower: str
    as_words: str
    digits: str

    @classmethod
    def of(cls, name: str, text: str) -> ShippedText:
        lower = text.lower().replace(" [at] ", "@").replace("[at]", "@")
        return cls(name, lower, words(text), _DIGIT_GAPS.sub("", text))


def shipped_file_named(read_at: str, files: Mapping[str, ShippedText]) -> ShippedText | None:
    """The shipped export `read_at` names ("registries/ca-ag-2020.csv" or "ca-ag-2020.csv")."""
    name = read_at.strip().removeprefix("registries/")
    return files.get(name)


def _value_found(route: Route, text: ShippedText) -> bool:
    if route.channel == "email":
        return route.value.lower() in text.lower
    if route.channel == "web-form":
        bare = re.sub(r"^https?://(www\.)?", "", route.value.lower()).rstrip("/")
        return bare in text.lower
    if route.channel in ("phone", "fax"):
        digits = re.sub(r"\D", "", route.value)[-10:]
        # the ten digits as one number of the file (a leading 1 allowed), not inside a longer one
        return bool(digits) and re.search(rf"(?<!\d)1?{digits}(?!\d)", text.digits) is not None
    if route.postal is not None:
        number = next(iter(re.findall(r"\d+", " ".join(route.postal.street))), "")
        return bool(number) and number in text.digits and route.postal.zip[:5] in text.digits
    return False


def _words_missing(route: Route, text: ShippedText) -> list[str]:
    quote = route.door_words.removeprefix("listed under:").strip()
    pieces = [p for p in _SEGMENTS.split(quote) if len(words(p).strip()) >= MIN_WORDS_CHARS]
    return [p for p in pieces if words(p) not in text.as_words]


Severity = Literal["error", "warning"]
Add = Callable[[str, Severity, str, str, str], None]  # (rule, severity, message, broker, where)


def door_rules(
    add: Add,
    curated: Sequence[Broker],
    merged: Iterable[Broker],
    shipped: Mapping[str, ShippedText],
) -> None:
    """R017-R020 over the curated records and the merged registry (what letters use)."""
    for b in curated:
        for i, route in enumerate(b.routes):
            where = f"routes[{i}]"
            if route.door is None:
                add("R017", "error", f"{route.channel} route {route.address()!r} states no door", b.id, where)
            _read_where_sourced(add, b, where, route, shipped)
    for b in merged:
        if b.successor:
            continue
        linked = b.sells_to("immigration-enforcement") or b.sells_to("law-enforcement")
        contacts = []
        for right in RIGHTS_CHECKED:
            chosen = default_route(b, right)
            if chosen is None or chosen.door_kind == "request-channel":
                continue
            if linked:
                add(
                    "R018",
                    "error",
                    f"sells to immigration or law enforcement, but a {right} request would go to "
                    f"{chosen.address()!r}, a {chosen.door_kind}, not a request channel",
                    b.id,
                    "routes",
                )
            else:
                contacts.append(right)
        if contacts:
            first = default_route(b, contacts[0])
            add(
                "R020",
                "warning",
                f"{', '.join(contacts)} requests default to a contact ({first.address() if first else ''}): "
                "no request channel is known",
                b.id,
                "routes",
            )


def _read_where_sourced(
    add: Add, b: Broker, where: str, route: Route, shipped: Mapping[str, ShippedText]
) -> None:
    text = shipped_file_named(route.read_at, shipped) if route.read_at else None
    if route.source.startswith(REGISTRY_PAGES) and not route.read_at:
        add(
            "R019",
            "error",
            f"{route.channel} route {route.address()!r} is sourced to a registry ({route.source}) "
            "without saying where it was read there (`read_at`: the export or the copy)",
            b.id,
            where,
        )
        return
    if text is None:
        return
    if not _value_found(route, text):
        add(
            "R019",
            "error",
            f"{route.channel} route {route.address()!r} says it was read in {text.name}, which does not "
            "contain it",
            b.id,
            where,
        )
    for piece in _words_missing(route, text):
        add(
            "R019",
            "error",
            f"door_words {piece!r} are not in {text.name}, where the route says it was read",
            b.id,
            where,
        )
