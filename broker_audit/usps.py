"""US postal facts shared by the intake of client addresses and the registry checks."""

from __future__ import annotations

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
