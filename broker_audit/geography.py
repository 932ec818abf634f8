"""US geography in one place: state and territory codes and names (English and Spanish spellings
as clinics write them), and the USPS ZIP areas that catch a swapped or mistyped ZIP code.

Used by the profile, the clinic intake, the registry importers and checks, and the letters.
"""

from __future__ import annotations

from broker_audit.cleantext import squash

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
        return f"ZIP {zip_code} is not in {state} (its ZIP codes start with another digit): check both"
    return None
