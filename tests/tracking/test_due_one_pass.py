"""The one-pass `current` (what `status` runs for every request) gives exactly the view of the
previous fold, which is kept here as the reference (main at cc3f507), over random legal
histories: the speed-up changes no state, date or estimate. Issue 20 changed two rules, written
into the reference too: business days skip public holidays (a record without a calendar: the
federal ones), and an extension recorded while appealed keeps the request appealed and moves its
appeal due date by the law's appeal extension; a clock never runs from before `not_before`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from broker_audit.law.deadlines import add_days
from broker_audit.tracking.due import Due, delivery_allowance, fold
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import TRANSITIONS, State

CREATED = dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)


def _received_on(events: Iterable[StatusChanged]) -> tuple[dt.date | None, bool]:
    sent: StatusChanged | None = None
    for event in events:
        if event.state is State.DELIVERED:
            return event.on, False
        if event.state is State.SENT and sent is None:
            sent = event
    if sent is None:
        return None, False
    allowance = delivery_allowance(sent.via)
    return sent.on + dt.timedelta(days=allowance), True


def _due_date(request: RequestMade, events: Iterable[StatusChanged]) -> Due:
    history = list(events)
    extended = appeal_extended = False
    appealed = None
    state = State.DRAFTED
    for event in history:
        if event.state is State.EXTENDED and state is State.APPEALED:
            appeal_extended = True
            continue
        if event.state is State.DELIVERED and state is not State.SENT:
            continue
        state = event.state
        if state is State.EXTENDED:
            extended = True
        if state is State.APPEALED:
            appealed, appeal_extended = event.on, False
    if appealed is not None:
        if not request.appeal_days:
            return Due(None)
        days = request.appeal_days + (request.appeal_extension_days if appeal_extended else 0)
        return Due(appealed + dt.timedelta(days=days), estimated=True)
    if request.deadline_days is None:
        return Due(None)
    received, estimated = _received_on(history)
    if received is None:
        return Due(None)
    if request.not_before is not None:
        received = max(received, request.not_before)
    days = request.deadline_days + (request.extension_days if extended else 0)
    calendar = request.calendar or ("US" if request.working_days else "")
    return Due(
        add_days(received, days, working_days=request.working_days, calendar=calendar), estimated=estimated
    )


def _reference_fold(request: RequestMade, events: tuple[StatusChanged, ...]) -> tuple[object, ...]:
    state = State.DRAFTED
    for event in events:
        if event.state is State.DELIVERED and state is not State.SENT:
            continue
        if event.state is State.EXTENDED and state is State.APPEALED:
            continue
        state = event.state
    sent = next((e.on for e in events if e.state is State.SENT), None)
    delivered = next((e.on for e in events if e.state is State.DELIVERED), None)
    due = _due_date(request, events)
    return state, sent, due.date, delivered, due.estimated


@st.composite
def histories(draw: st.DrawFn) -> tuple[RequestMade, tuple[StatusChanged, ...]]:
    request = RequestMade(
        id=1,
        broker_id="x",
        broker_name="X",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=draw(st.one_of(st.none(), st.integers(1, 60))),
        working_days=draw(st.booleans()),
        calendar=draw(st.sampled_from(["", "US", "US-CO"])),
        extension_days=draw(st.integers(0, 60)),
        appeal_days=draw(st.one_of(st.none(), st.integers(0, 60))),
        appeal_extension_days=draw(st.integers(0, 60)),
        not_before=draw(st.one_of(st.none(), st.just(dt.date(2026, 8, 1)))),
        reference="BA-TEST",
        dated=CREATED.date(),
        created=CREATED,
    )
    state, day, events = State.DRAFTED, dt.date(2026, 1, 5), []
    for _ in range(draw(st.integers(0, 7))):
        allowed = sorted(TRANSITIONS[state])
        if not allowed:
            break
        new = draw(st.sampled_from(allowed))
        day += dt.timedelta(days=draw(st.integers(0, 40)))
        via = draw(st.sampled_from(["mail", "email", "web-form", "fax", ""])) if new is State.SENT else ""
        events.append(StatusChanged(request_id=1, state=new, on=day, via=via, recorded=CREATED))
        if not (new is State.DELIVERED and state is not State.SENT) and not (
            new is State.EXTENDED and state is State.APPEALED
        ):
            state = new
    return request, tuple(events)


@settings(max_examples=400, deadline=None)
@given(case=histories())
def test_one_pass_fold_equals_the_previous_fold(case: tuple[RequestMade, tuple[StatusChanged, ...]]) -> None:
    request, events = case
    view = fold(request, events)
    assert (view.state, view.sent, view.due, view.delivered, view.due_estimated) == _reference_fold(
        request, events
    )
