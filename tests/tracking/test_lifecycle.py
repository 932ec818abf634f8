import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broker_audit.errors import IllegalTransition
from broker_audit.tracking.due import days_left, fold, is_overdue
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import TRANSITIONS, State, check_transition, parse_state

CREATED = dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)


def request(**kw: object) -> RequestMade:
    base = dict(
        id=1,
        broker_id="x",
        broker_name="X",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        extension_days=45,
        appeal_days=45,
        reference="BA-TEST",
        dated=CREATED.date(),
        created=CREATED,
    )
    base.update(kw)
    return RequestMade(**base)  # type: ignore[arg-type]


def event(state: State, on: dt.date) -> StatusChanged:
    return StatusChanged(request_id=1, state=state, on=on, recorded=CREATED)


def test_due_is_45_days_after_sent_and_extension_adds_45() -> None:
    sent = dt.date(2026, 1, 5)
    view = fold(request(), [event(State.SENT, sent)])
    assert view.due == dt.date(2026, 2, 19)
    extended = fold(request(), [event(State.SENT, sent), event(State.EXTENDED, sent)])
    assert extended.due == dt.date(2026, 4, 5)


def test_overdue_and_days_left() -> None:
    view = fold(request(), [event(State.SENT, dt.date(2026, 1, 5))])
    assert days_left(view, dt.date(2026, 2, 18)) == 1
    assert not is_overdue(view, dt.date(2026, 2, 19))
    assert is_overdue(view, dt.date(2026, 2, 20))
    answered = fold(
        request(), [event(State.SENT, dt.date(2026, 1, 5)), event(State.FULFILLED, dt.date(2026, 1, 20))]
    )
    assert not is_overdue(answered, dt.date(2026, 6, 1))


def test_drafted_has_no_due_date_and_no_law_has_none() -> None:
    assert fold(request(), []).due is None
    assert fold(request(deadline_days=None), [event(State.SENT, dt.date(2026, 1, 5))]).due is None


def test_appeal_starts_its_own_clock() -> None:
    events = [
        event(State.SENT, dt.date(2026, 1, 5)),
        event(State.DENIED, dt.date(2026, 1, 10)),
        event(State.APPEALED, dt.date(2026, 1, 12)),
    ]
    assert fold(request(), events).due == dt.date(2026, 2, 26)


def test_illegal_transition_names_the_allowed_ones() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(State.DRAFTED, State.FULFILLED, 7)
    assert caught.value.message == "request 7 is drafted; it cannot become fulfilled"
    assert "sent" in (caught.value.hint or "")
    with pytest.raises(IllegalTransition) as final:
        check_transition(State.FULFILLED, State.SENT, 7)
    assert "final" in (final.value.hint or "")


def test_parse_state_accepts_spellings() -> None:
    assert parse_state("Needs_Verification") is State.NEEDS_VERIFICATION
    with pytest.raises(IllegalTransition):
        parse_state("lost")


@given(st.lists(st.sampled_from(list(State)), max_size=12))
def test_fold_state_is_last_allowed_event(states: list[State]) -> None:
    """Applying any sequence through check_transition keeps the fold consistent."""
    current = State.DRAFTED
    events = []
    for s in states:
        if s in TRANSITIONS[current]:
            events.append(event(s, dt.date(2026, 1, 5)))
            current = s
    assert fold(request(), events).state is current
