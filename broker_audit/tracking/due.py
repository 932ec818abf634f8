"""Legal due dates and what is overdue, computed from the request's events. No I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from broker_audit.law.deadlines import add_days
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import AWAITING, State


def due_date(request: RequestMade, events: Iterable[StatusChanged]) -> dt.date | None:
    """When the company must answer, or None if no legal clock runs.

    The clock starts on the sent date (the receipt date is later, so this date is never later than
    the legal one: a follow-up sent on it is never premature by our count). One extension, when
    recorded, adds the law's extension days. An appeal starts the appeal clock.
    """
    sent: dt.date | None = None
    extended = False
    appealed: dt.date | None = None
    for event in events:
        if event.state is State.SENT and sent is None:
            sent = event.on
        elif event.state is State.EXTENDED:
            extended = True
        elif event.state is State.APPEALED:
            appealed = event.on
    if appealed is not None:
        return appealed + dt.timedelta(days=request.appeal_days) if request.appeal_days else None
    if sent is None or request.deadline_days is None:
        return None
    days = request.deadline_days + (request.extension_days if extended else 0)
    return add_days(sent, days, working_days=request.working_days)


def fold(request: RequestMade, events: Iterable[StatusChanged]) -> RequestView:
    history = tuple(events)  # in the order recorded: the order each transition was checked in
    state = history[-1].state if history else State.DRAFTED
    sent = next((e.on for e in history if e.state is State.SENT), None)
    return RequestView(
        request=request, events=history, state=state, sent=sent, due=due_date(request, history)
    )


def is_overdue(view: RequestView, today: dt.date) -> bool:
    return view.state in AWAITING and view.due is not None and today > view.due


def days_left(view: RequestView, today: dt.date) -> int | None:
    if view.due is None or view.state not in AWAITING:
        return None
    return (view.due - today).days
