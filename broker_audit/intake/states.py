"""US state names and codes as clinics write them, in English and Spanish -> two-letter code."""

from __future__ import annotations

from broker_audit.intake.headers import squash
from broker_audit.profile import STATE_NAMES
from broker_audit.usps import ZIP_AREA, zip_matches_state  # noqa: F401 (re-exported)

_SPANISH = {
    "NY": ("nueva york",),
    "NJ": ("nueva jersey", "nuevo jersey"),
    "NM": ("nuevo mexico",),
    "NH": ("nuevo hampshire", "nueva hampshire"),
    "NC": ("carolina del norte",),
    "SC": ("carolina del sur",),
    "ND": ("dakota del norte",),
    "SD": ("dakota del sur",),
    "WV": ("virginia occidental", "virginia del oeste"),
    "PA": ("pensilvania", "pennsilvania"),
    "LA": ("luisiana",),
    "MS": ("misisipi", "misisipi"),
    "MO": ("misuri",),
    "TN": ("tenesi",),
    "HI": ("hawai",),
    "OR": ("oregon",),
    "MI": ("michigan",),
    "TX": ("tejas",),
    "DC": ("distrito de columbia", "washington dc", "washington d c", "district of columbia", "d c"),
    "VI": (
        "islas virgenes",
        "islas virgenes de los estados unidos",
        "us virgin islands",
        "virgin islands",
        "u s virgin islands",
    ),
    "AS": ("samoa americana",),
    "MP": ("islas marianas del norte", "northern mariana islands", "marianas del norte"),
    "PR": ("borinquen", "boriquen"),
    "AZ": ("arizona",),
}

# AP-style and other common abbreviations.
_ABBREVIATIONS = {
    "AL": ("ala",),
    "AZ": ("ariz",),
    "AR": ("ark",),
    "CA": ("calif", "cal"),
    "CO": ("colo",),
    "CT": ("conn",),
    "DE": ("del",),
    "FL": ("fla",),
    "GA": ("ga",),
    "IL": ("ill",),
    "IN": ("ind",),
    "KS": ("kan", "kans"),
    "KY": ("ky",),
    "MD": ("md",),
    "MA": ("mass",),
    "MI": ("mich",),
    "MN": ("minn",),
    "MS": ("miss",),
    "MO": ("mo",),
    "MT": ("mont",),
    "NE": ("neb", "nebr"),
    "NV": ("nev",),
    "NM": ("n mex",),
    "NY": ("n y",),
    "NC": ("n c",),
    "ND": ("n d", "n dak"),
    "OK": ("okla",),
    "OR": ("ore", "oreg"),
    "PA": ("pa", "penn", "penna"),
    "RI": ("r i",),
    "SC": ("s c",),
    "SD": ("s d", "s dak"),
    "TN": ("tenn",),
    "TX": ("tex",),
    "VT": ("vt",),
    "VA": ("va",),
    "WA": ("wash",),
    "WV": ("w va",),
    "WI": ("wis", "wisc"),
    "WY": ("wyo",),
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in STATE_NAMES.items():
        table[squash(code)] = code
        table[squash(name)] = code
        table[squash(name.removeprefix("the "))] = code
    for extra in (_SPANISH, _ABBREVIATIONS):
        for code, names in extra.items():
            for name in names:
                table[squash(name)] = code
    table["estado de nueva york"] = "NY"
    table["new york state"] = "NY"
    table["washington state"] = "WA"
    table["estado de washington"] = "WA"
    return table


_TABLE = _build()


def state_code(text: str) -> str | None:
    """'Colorado', 'co', 'CO.', 'Nueva York', 'Carolina del Norte', 'Calif.' -> code; else None."""
    return _TABLE.get(squash(text))
