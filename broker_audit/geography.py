"""US geography in one place: state and territory codes and names (English and Spanish spellings
as clinics write them), and the USPS ZIP areas that catch a swapped or mistyped ZIP code.

Used by the profile, the clinic intake, the registry importers and checks, and the letters.
"""

from __future__ import annotations

from broker_audit.cleantext import squash
from broker_audit.i18n import _

STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "the District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "the U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "the Northern Mariana Islands",
}

US_STATES = frozenset(STATE_NAMES)

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


def _build_lookup() -> dict[str, str]:
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


_LOOKUP = _build_lookup()


def state_code(text: str) -> str | None:
    """'Colorado', 'co', 'CO.', 'Nueva York', 'Carolina del Norte', 'Calif.' -> code; else None."""
    return _LOOKUP.get(squash(text))


# First digit of the ZIP codes of each state (USPS national areas), to catch swapped or typo'd
# ZIPs. New York spans 0 (Fishers Island, 06390) and 1.
ZIP_AREA = {
    "0": "CT MA ME NH NJ NY PR RI VT VI",
    "1": "DE NY PA",
    "2": "DC MD NC SC VA WV",
    "3": "AL FL GA MS TN",
    "4": "IN KY MI OH",
    "5": "IA MN MT ND SD WI",
    "6": "IL KS MO NE",
    "7": "AR LA OK TX",
    "8": "AZ CO ID NM NV UT WY",
    "9": "AK CA HI OR WA GU AS MP",
}


def zip_matches_state(zip_code: str, state: str) -> bool:
    """False when the ZIP's first digit belongs to another part of the country than the state."""
    return state in ZIP_AREA.get(zip_code[:1], "").split()


def zips_start_with_zero(state: str) -> bool:
    """Whether some of the state's ZIP codes begin with 0: only there can a spreadsheet have
    dropped a leading zero (02134 shown as 2134)."""
    return state.upper() in ZIP_AREA["0"].split()


def zip_problem(zip_code: str, state: str) -> str | None:
    """Why `zip_code` cannot be an address in `state`, or None. One rule for the profile and the
    clinic intake."""
    if not zip_matches_state(zip_code, state):
        return _(
            "ZIP {zip_code} is not in {state} (its ZIP codes start with another digit): check both"
        ).format(zip_code=zip_code, state=state)
    return None


# --- USPS Publication 28 abbreviations (Postal Addressing Standards) ----------------------------
# Appendix C1 (street suffixes, the common ones), Appendix C2 (secondary unit designators) and
# section 233 (directionals): https://pe.usps.com/text/pub28/28apc_002.htm, 28apc_003.htm,
# 28c2_014.htm. Used only to make a long address fit an envelope window or a label
# (letters/address_fit.py), before any shrinking.

STREET_SUFFIXES = {
    "alley": "Aly",
    "avenue": "Ave",
    "boulevard": "Blvd",
    "circle": "Cir",
    "court": "Ct",
    "center": "Ctr",
    "drive": "Dr",
    "expressway": "Expy",
    "freeway": "Fwy",
    "highway": "Hwy",
    "lane": "Ln",
    "parkway": "Pkwy",
    "place": "Pl",
    "plaza": "Plz",
    "road": "Rd",
    "square": "Sq",
    "street": "St",
    "terrace": "Ter",
    "trail": "Trl",
    "turnpike": "Tpke",
}
SECONDARY_UNITS = {
    "apartment": "Apt",
    "basement": "Bsmt",
    "building": "Bldg",
    "department": "Dept",
    "floor": "Fl",
    "front": "Frnt",
    "hangar": "Hngr",
    "lobby": "Lbby",
    "lower": "Lowr",
    "office": "Ofc",
    "penthouse": "Ph",
    "room": "Rm",
    "space": "Spc",
    "suite": "Ste",
    "trailer": "Trlr",
    "upper": "Uppr",
}
DIRECTIONALS = {
    "north": "N",
    "south": "S",
    "east": "E",
    "west": "W",
    "northeast": "NE",
    "northwest": "NW",
    "southeast": "SE",
    "southwest": "SW",
}
_UNIT_WORDS = frozenset({*SECONDARY_UNITS, *(v.lower() for v in SECONDARY_UNITS.values()), "unit", "#"})
_SUFFIX_WORDS = frozenset({*STREET_SUFFIXES, *(v.lower() for v in STREET_SUFFIXES.values())})
_DIRECTION_WORDS = frozenset({*DIRECTIONALS, *(v.lower() for v in DIRECTIONALS.values())})


def _styled(abbreviation: str, original: str) -> str:
    """The abbreviation in the case the address is written in (Pub 28 prints capitals)."""
    return abbreviation.upper() if original.isupper() and len(original) > 1 else abbreviation


def _bare(word: str) -> str:
    return word.strip(",.").lower()


def _is_unit_number(word: str) -> bool:
    """ "300", "4B", "A", "#12": what follows a unit designator."""
    bare = word.strip(",.").lstrip("#")
    return bool(bare) and bare.isalnum() and (any(c.isdigit() for c in bare) or len(bare) == 1)


def usps_abbreviate_line(line: str) -> str:
    """One delivery-address line with the USPS abbreviations of Publication 28: "27 West Colfax
    Avenue Suite 300" -> "27 W Colfax Ave Ste 300", "P.O. Box 12" -> "PO Box 12".

    Only where the word plays that part: a unit word followed by its number ("Suite 300", not
    "Department of ..."), a street type at the end of the street or before a unit or a
    directional ("Colfax Avenue", not "Avenue of the Americas"), a direction after the house
    number with more of the street name after it ("300 South Broadway", not "1 South Street")
    or after the street type ("Main Street North")."""
    words = line.split()
    out = list(words)
    for i, word in enumerate(words):
        bare = _bare(word)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        trail = word[len(word.rstrip(",")) :]  # keep a comma after the word
        if bare in ("p.o.", "po", "p.o") and _bare(nxt) == "box":
            out[i] = _styled("PO", word) + trail
        elif bare in SECONDARY_UNITS and nxt and _is_unit_number(nxt):
            out[i] = _styled(SECONDARY_UNITS[bare], word) + trail
        elif (
            bare in STREET_SUFFIXES
            and i >= 2
            and (
                not nxt or _bare(nxt) in _UNIT_WORDS or _bare(nxt) in _DIRECTION_WORDS or nxt.startswith("#")
            )
        ):
            out[i] = _styled(STREET_SUFFIXES[bare], word) + trail
        elif bare in DIRECTIONALS and i >= 1:
            before, after = _bare(words[i - 1]), _bare(nxt)
            pre = before.isdigit() and nxt and after not in _SUFFIX_WORDS and after not in _UNIT_WORDS
            post = before in _SUFFIX_WORDS and (not nxt or after in _UNIT_WORDS)
            if pre or post:
                out[i] = _styled(DIRECTIONALS[bare], word) + trail
    return " ".join(out)


def usps_abbreviate(lines: list[str] | tuple[str, ...]) -> list[str]:
    """An address block with Publication 28's abbreviations on its delivery lines: every line
    but the first (the addressee, never abbreviated) and the last (city, state and ZIP)."""
    if len(lines) <= 2:
        return list(lines)
    return [lines[0], *(usps_abbreviate_line(x) for x in lines[1:-1]), lines[-1]]
