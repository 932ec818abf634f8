"""The one range every date from outside must fall in, and the one way to read a date.

A date typed by the user, read from a file or from the environment (BROKER_AUDIT_TODAY) is
accepted only from 1900-01-01 to ten years after the real today: outside that it is a typo
or a test leak, and a date near 9999 would overflow every deadline computed from it. The check
runs before anything is written (the CLI's option parsing, the services, and the journal
before it seals a record all call `check_date`). Reading never raises on a stored date; the
deadline code treats a date it cannot compute with as "no deadline".
"""

from __future__ import annotations

import datetime as dt

from broker_audit.errors import UserError
from broker_audit.i18n import _

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 10


def latest(real_today: dt.date | None = None) -> dt.date:
    """Ten years after the real today (the system clock, never BROKER_AUDIT_TODAY)."""
    base = real_today or dt.date.today()
    try:
        return base.replace(year=base.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return base.replace(year=base.year + YEARS_AHEAD, day=28)


def in_range(value: dt.date, *, real_today: dt.date | None = None) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= latest(real_today)


def check_date(value: dt.date, what: str, *, real_today: dt.date | None = None) -> dt.date:
    """`value` if it lies in the accepted range; UserError naming `what` otherwise."""
    if not in_range(value, real_today=real_today):
        raise UserError(
            _("{what}: {date} is outside the dates broker-audit accepts ({earliest} to {latest})").format(
                what=what,
                date=value.isoformat(),
                earliest=EARLIEST.isoformat(),
                latest=latest(real_today).isoformat(),
            ),
            _("check the year; dates are written YYYY-MM-DD"),
        )
    return value


def parse_date(text: str, what: str, *, real_today: dt.date | None = None) -> dt.date:
    """A YYYY-MM-DD date from the user, a file or the environment, range-checked."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            _("{what}: {text} is not a date").format(what=what, text=repr(text)),
            _("write dates as YYYY-MM-DD"),
        ) from None
    return check_date(value, what, real_today=real_today)
