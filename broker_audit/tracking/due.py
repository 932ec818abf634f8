"""Legal due dates and what is overdue, computed from the request's events. No I/O.

Every statute counts the response period from the day the company RECEIVES the request. That
day is known when the user records it (`mark ID delivered --on DATE`, from certified-mail
tracking or a return receipt); until then it is estimated as the sent date plus a delivery
allowance for the channel, and the due date is an estimate: shown as such, never stated as the
legal deadline in a letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from broker_audit.law.deadlines import add_days
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import AWAITING, State

# Calendar days from sending to receipt we assume until the receipt date is recorded. Mail: USPS
# First-Class Mail takes 1-5 business days (https://www.usps.com/ship/mail-shipping-services.htm),
# up to 7 calendar days over a weekend. Email and web forms arrive the day they are sent.
DELIVERY_ALLOWANCE = {"mail": 7, "fax": 0, "email": 0, "web-form": 0, "phone": 0}
UNKNOWN_CHANNEL_ALLOWANCE = 7


@dataclass(frozen=True)
class Due:
    date: dt.date | None
    estimated: bool = False


def received_on(events: Iterable[StatusChanged]) -> tuple[dt.date | None, bool]:
    """(the day the request was received, whether that day is only an estimate)."""
    sent: StatusChanged | None = None
    for event in events:
        if event.state is State.DELIVERED:
            return event.on, False
        if event.state is State.SENT and sent is None:
            sent = event
    if sent is None:
        return None, False
    allowance = DELIVERY_ALLOWANCE.get(sent.via, UNKNOWN_CHANNEL_ALLOWANCE)
    return sent.on + dt.timedelta(days=allowance), True


def due_date(request: RequestMade, events: Iterable[StatusChanged]) -> Due:
    """When the recipient must answer, or Due(None) when no legal clock runs.

    One extension, when recorded, adds the law's extension days. An appeal starts the appeal
    clock from the day the appeal went out (an estimate: its receipt is tracked on the appeal).
    """
    history = list(events)
    extended = any(e.state is State.EXTENDED for e in history)
    appealed = next((e.on for e in reversed(history) if e.state is State.APPEALED), None)
    if appealed is not None:
        if not request.appeal_days:
            return Due(None)
        return Due(appealed + dt.timedelta(days=request.appeal_days), estimated=True)
    if request.deadline_days is None:
        return Due(None)
    received, estimated = received_on(history)
    if received is None:
        return Due(None)
    days = request.deadline_days + (request.extension_days if extended else 0)
    try:
        return Due(add_days(received, days, working_days=request.working_days), estimated=estimated)
    except (OverflowError, ValueError):  # a stored date at the end of the calendar
        return Due(None)


def fold(request: RequestMade, events: Iterable[StatusChanged]) -> RequestView:
    history = tuple(events)  # in the order recorded: the order each transition was checked in
    state = State.DRAFTED
    for event in history:
        # A receipt recorded after an answer keeps the answer's state (see states.TRANSITIONS).
        if event.state is State.DELIVERED and state is not State.SENT:
            continue
        state = event.state
    sent = next((e.on for e in history if e.state is State.SENT), None)
    delivered = next((e.on for e in history if e.state is State.DELIVERED), None)
    due = due_date(request, history)
    return RequestView(
        request=request,
        events=history,
        state=state,
        sent=sent,
        due=due.date,
        delivered=delivered,
        due_estimated=due.estimated,
    )


def is_overdue(view: RequestView, today: dt.date) -> bool:
    return view.state in AWAITING and view.due is not None and today > view.due


def days_left(view: RequestView, today: dt.date) -> int | None:
    if view.due is None or view.state not in AWAITING:
        return None
    return (view.due - today).days
