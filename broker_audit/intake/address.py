"""A US address written in one cell -> its parts.

"123 Main St Apt 4, Denver, CO 80204", "45 Elm Rd\\nUnit 2\\nBoulder CO 80302" and
"9 Calle Sol, Apto 3, Nueva York, Nueva York 10001" are read; anything else gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from broker_audit.geography import state_code
from broker_audit.intake.normalise import BadValue, clean, zip_code

_UNIT = re.compile(
    r"^(apt|apt\.|apartment|unit|suite|ste|ste\.|#|no\.?|apto\.?|apartamento|depto\.?|departamento|"
    r"unidad|interior|int\.?|fl|floor|piso|rm|room|bldg|building|lot|trlr|spc|space)\b",
    re.I,
)
_TRAILING_ZIP = re.compile(r"[\s,]+(\d{3,5}(?:[- ]\d{4})?)\s*$")


@dataclass(frozen=True)
class ParsedAddress:
    line1: str
    line2: str
    city: str
    state: str
    zip: str


def _split_state(segment: str) -> tuple[str, str | None]:
    """'Denver CO' -> ('Denver', 'CO'); 'Carolina del Norte' -> ('', 'NC'). Longest state wins."""
    words = segment.split()
    for size in range(min(5, len(words)), 0, -1):
        code = state_code(" ".join(words[-size:]))
        if code:
            return " ".join(words[:-size]), code
    return segment, None


def parse_address(text: str) -> ParsedAddress | None:
    """Read a one-cell US address, or None if its city, state and ZIP cannot be told apart."""
    flat = clean(re.sub(r"\s*[\r\n]+\s*", ", ", text.strip()))
    match = _TRAILING_ZIP.search(flat)
    if not match:
        return None
    try:
        zip_value = zip_code(match.group(1))
    except BadValue:
        return None
    segments = [s.strip() for s in flat[: match.start()].split(",") if s.strip()]
    if len(segments) < 2:
        return None
    city, state = _split_state(segments[-1])
    segments.pop()
    if state is None:
        return None
    if not city:
        city = segments.pop() if len(segments) >= 2 else ""
    if not city or not segments:
        return None
    line2_parts = [s for s in segments[1:] if _UNIT.match(s)]
    line1_parts = [segments[0]] + [s for s in segments[1:] if not _UNIT.match(s)]
    return ParsedAddress(
        line1=", ".join(line1_parts), line2=", ".join(line2_parts), city=city, state=state, zip=zip_value
    )
