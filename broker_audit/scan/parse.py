"""Read a people-search result page with a broker's rule: found, not found, blocked, or unreadable.

Never a false "not found": a page is "not found" only when it lists result items and none is the
person, or when it shows the site's own "no results" message. A page with neither is "could not
read" (the layout changed, or the rule is wrong). `bs4` is imported inside: it costs start-up time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from broker_audit.i18n import _
from broker_audit.registry.schema import SearchRule
from broker_audit.scan.plan import Person, normalise, state_name

if TYPE_CHECKING:
    from bs4 import Tag

# Signs of a bot wall that hold on any site, in addition to each rule's own `blocked` markers.
GENERIC_BLOCKED_TEXT = (
    "verify you are a human",
    "are you a robot",
    "complete the security check",
    "unusual traffic from your",
    "please enable cookies and reload",
)
GENERIC_CAPTCHA_SELECTORS = (
    ".g-recaptcha, .h-captcha, .cf-turnstile, #challenge-form, #cf-challenge-running, "
    "iframe[src*='recaptcha'], iframe[src*='hcaptcha'], iframe[src*='challenges.cloudflare.com']"
)
MAX_SHOWN = 160


@dataclass(frozen=True)
class Reading:
    outcome: str  # found | not-found | blocked | could-not-read
    detail: str = ""
    listing_url: str = ""
    matched_name: str = ""
    matched_location: str = ""


def _text(element: Tag) -> str:
    return " ".join(element.get_text(" ", strip=True).split())[:MAX_SHOWN]


def _name_matches(text: str, person: Person) -> bool:
    words = set(normalise(text).split())
    return any(first in words and all(w in words for w in last.split()) for first, last in person.names)


def _place_matches(text: str, person: Person) -> str:
    """The person's city and state found in `text` (e.g. "Denver, CO"), or ""."""
    norm = f" {normalise(text)} "
    for place in person.places:
        city = normalise(place.city)
        in_state = f" {place.state.lower()} " in norm or f" {normalise(state_name(place.state))} " in norm
        if city and f" {city} " in norm and in_state:
            return f"{place.city}, {place.state}"
    return ""


def _listing_link(item: Tag, rule: SearchRule, page_url: str) -> str:
    """The listing's absolute http(s) URL, or "" (a `javascript:` or other link is never kept)."""
    element = item.select_one(rule.link) if rule.link else item
    if element is None:
        return ""
    value = element.get(rule.link_attribute)
    if not value:
        anchor = element.find("a", href=True) or element.find_parent("a", href=True)
        value = anchor.get("href") if anchor is not None else None
    if not isinstance(value, str) or not value.strip():
        return ""
    url = urljoin(page_url, value.strip())
    return url if urlsplit(url).scheme in ("http", "https") else ""


def read_page(html: str | bytes, rule: SearchRule, person: Person, page_url: str) -> Reading:
    from bs4 import BeautifulSoup
    from soupsieve import SelectorSyntaxError

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    try:
        items = [
            (el, named) for el in soup.select(rule.results) if (named := el.select_one(rule.name)) is not None
        ]
        captcha = soup.select_one(GENERIC_CAPTCHA_SELECTORS)
    except SelectorSyntaxError:
        return Reading(
            "could-not-read",
            _(
                "the broker's rule has a CSS selector that does not parse; fix its "
                "[broker.search] table in brokers.toml"
            ),
        )
    page_text = f" {normalise(soup.get_text(' '))} "

    if items:
        for item, named in items:
            name = _text(named)
            if not _name_matches(name, person):
                continue
            where = item.select_one(rule.location) if rule.location else None
            place = _place_matches((where or item).get_text(" "), person)
            if not place:
                continue
            return Reading(
                "found",
                "a listing with your name and your city and state",
                listing_url=_listing_link(item, rule, page_url),
                matched_name=name,
                matched_location=_text(where) if where is not None else place,
            )
        return Reading(
            "not-found", f"{len(items)} listing(s) on the page, none with your name in your city and state"
        )
    markers = [*rule.blocked, *GENERIC_BLOCKED_TEXT]
    if captcha is not None or any(f" {normalise(m)} " in page_text for m in markers if normalise(m)):
        return Reading("blocked", "the site showed a captcha or a bot check instead of results")
    if any(f" {normalise(m)} " in page_text for m in rule.no_results if normalise(m)):
        return Reading("not-found", "the site says it has no records for that search")
    return Reading(
        "could-not-read",
        "no result items and no 'no results' message: the page layout "
        "may have changed, so this is not a 'not found'",
    )


def is_html(content_type: str, body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return (
        "html" in content_type.lower()
        or head.startswith((b"<!doctype html", b"<html"))
        or bool(re.match(rb"<(head|body|div)\b", head))
    )
