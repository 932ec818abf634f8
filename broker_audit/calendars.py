"""Which days count as business or working days: weekdays that are not public holidays.

A law that counts in business or working days names its calendar in `laws.toml` (`holidays` on
the period): `federal` or `state`. The days themselves come from the `holidays` library, not from
a table kept here; where a state's statute differs from the library's calendar for that state,
the difference is written down below with the statute that says so.

- "US": the legal public holidays of 5 U.S.C. 6103(a) (New Year's Day, Martin Luther King Jr.'s
  birthday, Washington's birthday, Memorial Day, Juneteenth, Independence Day, Labor Day, Columbus
  Day, Veterans Day, Thanksgiving, Christmas), with the library's observed days (a Saturday holiday
  on the Friday before, a Sunday holiday on the Monday after, as federal offices observe them).
- "US-CO": Colorado's legal holidays, C.R.S. 24-11-101(1): the federal list with Frances Xavier
  Cabrini Day (first Monday in October) in place of Columbus Day; a holiday on a Sunday is kept
  on the Monday after (24-11-101(2)); a Saturday holiday moves nowhere. The library's Colorado
  calendar also lists Cesar Chavez Day (March 31), which 24-11-101(1) does not name: it is
  removed. Days "appointed or recommended" by the governor or the president cannot be known in
  advance and are not counted.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

Calendar = Literal["US", "US-CO"]
CALENDARS: tuple[str, ...] = ("US", "US-CO")

# What each calendar is, in words for notes and `--help`.
CALENDAR_WORDS = {
    "US": "federal legal public holidays (5 U.S.C. 6103)",
    "US-CO": "Colorado legal holidays (C.R.S. 24-11-101)",
}

# States whose legal-holiday statute was read and whose calendar is set up here.
STATE_CALENDARS = {"CO": "US-CO"}

_NOT_IN_COLORADO_STATUTE = ("Cesar Chavez Day",)


def calendar_for(holidays: str, jurisdiction: str) -> str:
    """The calendar code for a period's `holidays` ("federal" or "state") under a law of
    `jurisdiction`; "" for "none". KeyError when no state calendar is set up for it."""
    if holidays == "federal":
        return "US"
    if holidays == "state":
        return STATE_CALENDARS[jurisdiction.upper()]
    return ""


@functools.lru_cache(maxsize=256)
def holidays_in(calendar: str, year: int) -> frozenset[dt.date]:
    """The public holidays of `calendar` in `year` (empty for "" or an unknown calendar)."""
    if calendar not in CALENDARS:
        return frozenset()
    import holidays as library

    if calendar == "US":
        return frozenset(library.country_holidays("US", years=year))
    days = library.country_holidays("US", subdiv="CO", years=year, observed=False)
    for name in _NOT_IN_COLORADO_STATUTE:
        if days.get_named(name):
            days.pop_named(name)
    out = set(days)
    for day in list(out):  # C.R.S. 24-11-101(2): a Sunday holiday is kept on the Monday after
        if day.weekday() == 6:
            out.add(day + dt.timedelta(days=1))
    return frozenset(out)


def is_business_day(day: dt.date, calendar: str = "") -> bool:
    """Monday to Friday and not a holiday of `calendar` ("" for weekends only)."""
    return day.weekday() < 5 and day not in holidays_in(calendar, day.year)


def add_business_days(start: dt.date, days: int, calendar: str = "") -> dt.date:
    """The `days`-th business day after `start` (the day of `start` not counted)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, calendar):
            left -= 1
    return day
