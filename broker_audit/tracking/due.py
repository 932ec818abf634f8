"""Legal due dates and what is overdue, computed from the request's events. No I/O.

Every statute counts the response period from the day the company RECEIVES the request. That
day is known when the user records it (`mark ID delivered --on DATE`, from certified-mail
tracking or a return receipt); until then it is estimated as the sent date plus a delivery
allowance for the channel, and the due date is an estimate: shown as such, never stated as the
legal deadline in a letter.

Reading never fails on a stored date: a date too far out to compute a deadline from (the year
9999 a test leak once stored) gives no due date rather than an OverflowError. A request's state,
dates and due date come from one pass over its events (`current`), which `status` uses directly
for every request and `fold` wraps in a view.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import msgspec

from broker_audit.law.deadlines import add_days
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import AWAITING, State
from broker_audit.vocabulary import CHANNELS

# Calendar days from sending to receipt we assume until the receipt date is recorded: each
# channel's `delivery_days` (vocabulary.CHANNELS). Mail: USPS First-Class Mail takes 1-5 business
# days (https://www.usps.com/ship/mail-shipping-services.htm), up to 7 calendar days over a
# weekend. Email and web forms arrive the day they are sent.
UNKNOWN_CHANNEL_ALLOWANCE = 7


def delivery_allowance(channel: str | None) -> int:
    """The days a request sent by `channel` is assumed to take to arrive."""
    spec = CHANNELS.get(channel or "")
    return spec.delivery_days if spec is not None else UNKNOWN_CHANNEL_ALLOWANCE


_LAST_DAY = dt.date.max - dt.timedelta(days=366)  # room for "+ 1 day" in calendars and the like


class Due(msgspec.Struct, frozen=True, gc=False):
    """A due date, and whether it counts from an estimated day of receipt. (A msgspec struct,
    as `Current` is: `status` makes 100,000 of each in milliseconds, frozen dataclasses in 0.3 s.)"""

    date: dt.date | None
    estimated: bool = False
    courtesy: bool = False  # no law sets it: the time the letter asked for, tracked as a courtesy


@functools.lru_cache(maxsize=8192)
def _plus(start: dt.date, days: int, working_days: bool, calendar: str = "") -> dt.date | None:
    """`add_days`, remembered (a clinic's requests share a few dates), or None if the result is
    not a date (overflow) or lies in the last year a date can hold."""
    try:
        day = add_days(start, days, working_days=working_days, calendar=calendar)
    except (OverflowError, ValueError):  # a stored date at the end of the calendar
        return None
    return day if day <= _LAST_DAY else None


def next_state(state: State, event: State) -> State:
    """The state after `event`: a receipt recorded after an answer keeps the answer's state (see
    states.TRANSITIONS), and so does an extension of an appeal's decision (the request stays
    appealed, its appeal due date moves); any other event is the new state."""
    if event is State.DELIVERED and state is not State.SENT:
        return state
    if event is State.EXTENDED and state is State.APPEALED:
        return state
    return event


class Current(msgspec.Struct, frozen=True, gc=False):
    """What a request's events say now (see `current`)."""

    state: State
    sent: dt.date | None
    delivered: dt.date | None
    due: Due


def current(request: RequestMade, events: Iterable[StatusChanged]) -> Current:
    """The request's state, sent and received dates and due date, in one pass over its events
    (in the order recorded: the order each transition was checked in).

    The clock runs from receipt (or sent + the channel's allowance, an estimate); one extension,
    when recorded, adds the law's extension days; an appeal starts the appeal clock from the day
    the appeal went out (an estimate: its receipt is tracked on the appeal), and an extension
    recorded while appealed adds the law's appeal extension days."""
    state = State.DRAFTED
    sent: StatusChanged | None = None
    delivered: dt.date | None = None
    extended = False
    appealed: dt.date | None = None
    appeal_extended = False
    for event in events:  # `next_state`, inlined: this loop runs for every request on `status`
        kind = event.state
        if kind is State.DELIVERED:
            if state is State.SENT:
                state = kind
            if delivered is None:
                delivered = event.on
            continue
        if kind is State.EXTENDED and state is State.APPEALED:
            appeal_extended = True
            continue
        state = kind
        if kind is State.SENT:
            if sent is None:
                sent = event
        elif kind is State.EXTENDED:
            extended = True
        elif kind is State.APPEALED:
            appealed = event.on
            appeal_extended = False
    return Current(
        state=state,
        sent=sent.on if sent else None,
        delivered=delivered,
        due=_due(request, sent, delivered, extended, appealed, appeal_extended),
    )


def _due(
    request: RequestMade,
    sent: StatusChanged | None,
    delivered: dt.date | None,
    extended: bool,
    appealed: dt.date | None,
    appeal_extended: bool = False,
) -> Due:
    if appealed is not None:
        if not request.appeal_days:
            return Due(None)
        days = request.appeal_days + (request.appeal_extension_days if appeal_extended else 0)
        return Due(_plus(appealed, days, False), estimated=True)
    period = request.deadline_days if request.deadline_days is not None else request.courtesy_days
    if period is None:
        return Due(None)
    courtesy = request.deadline_days is None
    received: dt.date | None = None
    estimated = False
    if delivered is not None:
        received = delivered
    elif sent is not None:
        allowance = delivery_allowance(sent.via)
        received, estimated = _plus(sent.on, allowance, False), True
    if received is None:
        return Due(None)
    if request.not_before is not None and received < request.not_before:
        received = request.not_before
    days = period + (request.extension_days if extended else 0)
    calendar = request.calendar or ("US" if request.working_days else "")
    return Due(_plus(received, days, request.working_days, calendar), estimated=estimated, courtesy=courtesy)


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
    allowance = delivery_allowance(sent.via)
    return _plus(sent.on, allowance, False), True


def due_date(request: RequestMade, events: Iterable[StatusChanged]) -> Due:
    """When the recipient must answer, or Due(None) when no legal clock runs (see `current`)."""
    return current(request, events).due


def fold(request: RequestMade, events: Iterable[StatusChanged]) -> RequestView:
    """The request with its history and what follows from it."""
    history = tuple(events)
    now = current(request, history)
    return RequestView(
        request=request,
        events=history,
        state=now.state,
        sent=now.sent,
        due=now.due.date,
        delivered=now.delivered,
        due_estimated=now.due.estimated,
        due_courtesy=now.due.courtesy,
    )


def overdue_on(state: State, due: dt.date | None, today: dt.date) -> bool:
    return state in AWAITING and due is not None and today > due


def days_left_on(state: State, due: dt.date | None, today: dt.date) -> int | None:
    if due is None or state not in AWAITING:
        return None
    return (due - today).days


def is_overdue(view: RequestView, today: dt.date) -> bool:
    return overdue_on(view.state, view.due, today)


def days_left(view: RequestView, today: dt.date) -> int | None:
    return days_left_on(view.state, view.due, today)
