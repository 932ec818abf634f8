"""Pull emails, URLs, phone numbers and US postal addresses out of registry prose.

Registries are filled in by the brokers themselves: emails written as `privacy [at] example.com`,
addresses as one free-form line, opt-out instructions as paragraphs. What cannot be read with
confidence is left to the notes, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from broker_audit.geography import US_STATES

_AT = re.compile(r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|<\s*at\s*>)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\})\s*", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_URL = re.compile(r"\bhttps?://[^\s,;\"'<>()\[\]{}]+", re.IGNORECASE)
_WWW = re.compile(
    r"(?<![@/\w.])www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s,;\"'<>()\[\]{}]*)?", re.IGNORECASE
)
_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?:[/:?#]\S*)?$")
# A US number written with separators or brackets: (800) 367-7311, 800.367.7311, +1 800 367 7311.
_PHONE = re.compile(
    r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\((\d{3})\)\s?|(\d{3})[\s.-])(\d{3})[\s.-](\d{4})(?![\d-])"
)
_BARE_PHONE = re.compile(r"^\s*\+?1?\s*(\d{3})(\d{3})(\d{4})\s*$")
_COUNTRY_US = re.compile(r",?\s*(?:united states(?: of america)?|u\.?s\.?a?\.?)\s*$", re.IGNORECASE)
_TAIL = re.compile(
    r"^(?P<head>.*?)[,\s]+(?P<state>[A-Za-z]{2})[,\s]+(?P<zip>\d{5})(?:\s*-\s*(?P<plus4>\d{4}))?\s*$"
)
_FORM_WORDS = (
    "opt",
    "privacy",
    "request",
    "ccpa",
    "form",
    "sell",
    "rights",
    "delet",
    "remov",
    "consumer",
    "suppress",
    "choice",
    "dsar",
    "portal",
)


def deobfuscate(text: str) -> str:
    """`privacy [at] example [dot] com` -> `privacy@example.com`."""
    return _DOT.sub(".", _AT.sub("@", text))


def emails(text: str) -> list[str]:
    """Every email address in `text`, de-obfuscated, domain lower-cased, in order, without repeats."""
    out: list[str] = []
    for match in _EMAIL.finditer(deobfuscate(text)):
        local, _, domain = match.group(0).rstrip(".").partition("@")
        address = f"{local}@{domain.lower()}"
        if address not in out:
            out.append(address)
    return out


def normalise_url(text: str) -> str | None:
    """An http(s) URL from what a broker typed (`www.x.com`, `x.com/privacy`), else None."""
    value = text.strip().strip(".,;:").strip()
    # One address, not a list: any whitespace or a ";" means several (the 2025 CPPA file has
    # "https://a.example;https:://b.example\nhttps://c.example" in a website cell).
    if not value or any(c.isspace() for c in value) or ";" in value:
        return None
    if not re.match(r"^https?://", value, re.IGNORECASE):
        if "@" in value or not _DOMAIN.match(value):
            return None
        value = "https://" + value
    parts = urlsplit(value)
    if not parts.netloc or "." not in parts.netloc:
        return None
    return (
        f"{parts.scheme.lower()}://{parts.netloc.lower()}{value[len(parts.scheme) + 3 + len(parts.netloc) :]}"
    )


def urls(text: str) -> list[str]:
    """Every web address in `text` (with or without a scheme when it starts with www.)."""
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _URL.finditer(text)]
    found += [(m.start(), m.group(0)) for m in _WWW.finditer(text)]
    out: list[str] = []
    for _, raw in sorted(found):
        url = normalise_url(raw)
        if url and url not in out:
            out.append(url)
    return out


def format_phone(area: str, exchange: str, line: str) -> str:
    return f"1-{area}-{exchange}-{line}"


def phones(text: str, *, bare: bool = False) -> list[str]:
    """US phone numbers as `1-800-555-0100`. `bare` also accepts ten digits with no separators."""
    out: list[str] = []
    if bare:
        match = _BARE_PHONE.match(text)
        if match:
            return [format_phone(*match.groups())]
    for match in _PHONE.finditer(text):
        area = match.group(1) or match.group(2)
        number = format_phone(area, match.group(3), match.group(4))
        if area[0] not in "01" and number not in out:
            out.append(number)
    return out


def form_url(candidates: list[str], website: str | None) -> str | None:
    """The URL among `candidates` that looks like a request or opt-out page, not just a home page."""
    home = (website or "").rstrip("/").lower()
    deep = [u for u in candidates if urlsplit(u).path.strip("/") and u.rstrip("/").lower() != home]
    for url in deep:
        if any(word in url.lower() for word in _FORM_WORDS):
            return url
    return deep[0] if deep else None


@dataclass(frozen=True)
class Postal:
    street: tuple[str, ...]
    city: str
    state: str
    zip: str


def postal_address(text: str) -> Postal | None:
    """A US postal address from one free-form line: `1 Main St, Suite 2, Denver, CO 80202, USA`.

    Returns None when the line is not plainly a US address with a real state and a ZIP code.
    """
    line = " ".join(text.split()).strip(" ,")
    if not line:
        return None
    line = _COUNTRY_US.sub("", line).strip(" ,")
    match = _TAIL.match(line)
    if not match:
        return None
    state = match.group("state").upper()
    if state not in US_STATES:
        return None
    zip_code = match.group("zip") + (f"-{match.group('plus4')}" if match.group("plus4") else "")
    pieces = [p.strip() for p in match.group("head").split(",") if p.strip()]
    if len(pieces) < 2:
        return None
    city = pieces[-1]
    if any(ch.isdigit() for ch in city) or len(city) > 40:
        return None
    return Postal(street=tuple(pieces[:-1]), city=city, state=state, zip=zip_code)


def structured_address(street: str, city: str, state: str, zip_code: str) -> Postal | None:
    """A postal address from separate columns, or None when a part is missing or not valid."""
    state = state.strip().upper()
    if state not in US_STATES or not city.strip() or not street.strip():
        return None
    match = re.fullmatch(r"\s*(\d{5})(?:\s*-\s*(\d{4}))?\s*", zip_code)
    if not match:
        return None
    zip_norm = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
    lines = tuple(p.strip() for p in re.split(r"[,\n]", street) if p.strip())
    return Postal(street=lines, city=" ".join(city.split()), state=state, zip=zip_norm)


_YES = {"yes", "y", "true", "t", "x", "1"}
_NO = {"no", "n", "false", "f", "0"}


def yes_no(text: str) -> bool | None:
    """A registry's yes/no answer; None for blank, N/A or anything unclear."""
    value = text.strip().lower().rstrip(".")
    if value in _YES:
        return True
    if value in _NO:
        return False
    first = re.split(r"[\s,.;:-]+", value, maxsplit=1)[0] if value else ""
    if first == "yes":
        return True
    if first == "no":
        return False
    return None
