"""Business and working days skip public holidays, by the calendar each law's period names.

Expected dates are counted by hand from the statutes: 5 U.S.C. 6103(a) (Christmas Day, December 25;
New Year's Day; Columbus Day, the second Monday in October; a Saturday holiday observed on the
Friday before) and C.R.S. 24-11-101(1)-(2) (Colorado: Cabrini Day, the first Monday in October,
instead of Columbus Day; a Sunday holiday kept on the Monday after; no Saturday rule).
"""

from __future__ import annotations

import datetime as dt

from broker_audit.calendars import add_business_days, holidays_in, is_business_day
from broker_audit.law.claim import clock_for
from broker_audit.law.load import shipped_laws
from broker_audit.tracking.due import due_date
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State
from broker_audit.vocabulary import kind

D = dt.date
CREATED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_federal_calendar_skips_christmas_and_new_year() -> None:
    # 15 business days from Monday 2026-12-07: Dec 8-11 (4), 14-18 (9), 21-24 (13), the 25th is
    # Christmas, then Dec 28 (14) and Dec 29 (15). Weekends only would give Dec 28.
    assert add_business_days(D(2026, 12, 7), 15, "US") == D(2026, 12, 29)
    assert add_business_days(D(2026, 12, 7), 15, "") == D(2026, 12, 28)
    # 2027: Christmas and New Year's Day fall on Saturdays, observed on Fridays Dec 24 and Dec 31.
    assert not is_business_day(D(2027, 12, 24), "US") and not is_business_day(D(2027, 12, 31), "US")
    # From Wednesday 2027-12-22: Dec 23 (1), the 24th observed, Dec 27 (2), Dec 28 (3).
    assert add_business_days(D(2027, 12, 22), 3, "US") == D(2027, 12, 28)


def test_colorado_calendar_follows_24_11_101() -> None:
    co = holidays_in("US-CO", 2026)
    assert D(2026, 10, 5) in co  # Frances Xavier Cabrini Day, first Monday in October
    assert D(2026, 10, 12) not in co  # Columbus Day is federal, not a Colorado legal holiday
    assert D(2026, 3, 31) not in co  # Cesar Chavez Day is not in 24-11-101(1)
    assert D(2026, 7, 3) not in co and D(2026, 7, 3) in holidays_in("US", 2026)  # no Saturday rule
    assert D(2027, 7, 5) in holidays_in("US-CO", 2027)  # July 4, 2027 is a Sunday: kept on Monday
    # A records request received 2026-12-23: working days Dec 24, (25 Christmas), Dec 28, Dec 29.
    assert add_business_days(D(2026, 12, 23), 3, "US-CO") == D(2026, 12, 29)


def test_each_business_day_period_names_its_calendar() -> None:
    laws = {law.id: law for law in shipped_laws()}
    ccpa_opt_out = clock_for(laws["ca-ccpa"], kind("opt-out"))
    assert ccpa_opt_out.working_days and ccpa_opt_out.calendar == "US" and ccpa_opt_out.days == 15
    cora = clock_for(laws["co-cora"], kind("records"))
    assert cora.working_days and cora.calendar == "US-CO" and cora.days == 3
    assert clock_for(laws["ca-ccpa"], kind("access")).calendar == ""  # 45 calendar days


def _opt_out(calendar: str) -> RequestMade:
    return RequestMade(
        id=1,
        broker_id="x",
        broker_name="X",
        kind="opt-out",
        law_id="ca-ccpa",
        law_name="CCPA",
        deadline_days=15,
        working_days=True,
        calendar=calendar,
        reference="BA-T",
        dated=D(2026, 12, 1),
        created=CREATED,
    )


def test_status_due_date_skips_holidays_and_old_records_use_the_federal_calendar() -> None:
    events = [
        StatusChanged(request_id=1, state=State.SENT, on=D(2026, 12, 7), via="email", recorded=CREATED),
        StatusChanged(request_id=1, state=State.DELIVERED, on=D(2026, 12, 7), recorded=CREATED),
    ]
    assert due_date(_opt_out("US"), events).date == D(2026, 12, 29)
    # a record from before calendars were recorded has calendar "": the federal holidays apply
    assert due_date(_opt_out(""), events).date == D(2026, 12, 29)
