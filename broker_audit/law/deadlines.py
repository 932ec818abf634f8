"""Legal clocks: what a clock is, and counting its days (calendar or business days, holidays).
Which clock a letter starts is decided with its claim (law/claim.py). Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broker_audit.calendars import add_business_days, calendar_for
from broker_audit.law.schema import Law, Period

COURTESY_DAYS = 45
"""Days a letter under no privacy law asks the company to answer in ("Please respond within 45
days of receiving this request": templates/letters/_deadline.txt.j2). Tracked as a courtesy
date, never as a legal deadline, so that such a request can still turn overdue."""


@dataclass(frozen=True)
class Clock:
    """Days the recipient has to answer from receipt (None: no legal clock) and the extension.

    `stated` says a letter may state the day count: the period's statute text was read. A clock
    from official guidance or a tracker is still tracked, but letters stay silent on the count.
    `calendar` names the public holidays a business-day clock skips (calendars.py): "US" for the
    federal ones, "US-CO" for Colorado's; "" for a calendar-day clock. `not_before` is the first
    day the clock can run from (DROP: brokers process requests only from 2026-08-01).
    `courtesy`: no law sets a period; `days` is the time the letter asked for (COURTESY_DAYS),
    tracked so the request can turn overdue, and always shown as a courtesy, not a deadline.
    """

    days: int | None
    extension_days: int = 0
    appeal_days: int | None = None
    appeal_extension_days: int = 0
    working_days: bool = False
    calendar: str = ""
    stated: bool = False
    citation: str = ""
    not_before: dt.date | None = None
    courtesy: bool = False


def period_calendar(period: Period, law: Law) -> str:
    """The holiday calendar a period counts with ("" for calendar days)."""
    if period.unit != "business":
        return ""
    try:
        return calendar_for(period.holidays or "federal", law.jurisdiction)
    except KeyError:  # a state calendar not set up (rule L009 reports it): federal holidays
        return "US"


def add_days(start: dt.date, days: int, *, working_days: bool = False, calendar: str = "") -> dt.date:
    """`start` plus `days` calendar days, or plus `days` business days (Monday to Friday, not a
    public holiday of `calendar`, the day of `start` not counted)."""
    if not working_days:
        return start + dt.timedelta(days=days)
    if days <= 0:
        return start
    return add_business_days(start, days, calendar)
