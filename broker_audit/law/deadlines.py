"""Which legal clock a letter starts, by law and letter kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broker_audit.law.schema import Law

# The right that each request letter exercises; follow-up kinds exercise none of their own.
RIGHT_OF_KIND = {
    "access": "access",
    "delete": "delete",
    "opt-out": "opt-out",
    "correct": "correct",
    "fcra-disclosure": "fcra-disclosure",
}


@dataclass(frozen=True)
class Clock:
    """Days the recipient has to answer (None: no legal clock) and the one extension."""

    days: int | None
    extension_days: int = 0
    appeal_days: int | None = None
    working_days: bool = False


def clock_for(law: Law, kind: str) -> Clock:
    """The clock a letter of `kind` under `law` starts when it is sent.

    A deadline limited to some rights (the FCRA's 30 days are for disputes, not for file
    disclosures) starts only for letters exercising them. An appeal starts the appeal clock;
    a follow-up or a complaint starts none.
    """
    appeal_days = law.appeal.response_days if law.appeal and law.appeal.available else None
    if kind == "appeal":
        return Clock(days=appeal_days)
    right = RIGHT_OF_KIND.get(kind)
    deadline = law.deadline
    if right is None or deadline is None or law.kind == "none":
        return Clock(days=None, appeal_days=appeal_days)
    if deadline.applies_to and right not in deadline.applies_to:
        return Clock(days=None, appeal_days=appeal_days)
    return Clock(
        days=deadline.days,
        extension_days=deadline.extension_days or 0,
        appeal_days=appeal_days,
        working_days=deadline.working_days,
    )


def add_days(start: dt.date, days: int, *, working_days: bool = False) -> dt.date:
    """`start` plus `days` calendar days, or plus `days` working days (Monday to Friday, the day
    of `start` not counted), with dateutil's recurrence rules rather than hand-rolled loops."""
    if not working_days:
        return start + dt.timedelta(days=days)
    if days <= 0:
        return start
    from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule

    rule = rrule(DAILY, dtstart=start + dt.timedelta(days=1), byweekday=(MO, TU, WE, TH, FR), count=days)
    return rule[-1].date()
