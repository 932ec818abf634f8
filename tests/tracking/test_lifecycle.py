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


def event(state: State, on: dt.date, via: str = "") -> StatusChanged:
    return StatusChanged(request_id=1, state=state, on=on, via=via, recorded=CREATED)


def test_due_counts_45_days_from_receipt_and_extension_adds_45() -> None:
    """C.R.S. 6-1-1306(2)(a): 45 days after receipt. Received on January 9, due February 23."""
    sent, received = dt.date(2026, 1, 5), dt.date(2026, 1, 9)
    events = [event(State.SENT, sent, "mail"), event(State.DELIVERED, received)]
    view = fold(request(), events)
    assert view.delivered == received
    assert view.due == dt.date(2026, 2, 23) and not view.due_estimated
    extended = fold(request(), [*events, event(State.EXTENDED, dt.date(2026, 2, 1))])
    assert extended.due == dt.date(2026, 4, 9)


def test_before_receipt_the_due_date_is_an_estimate_from_the_mail_allowance() -> None:
    """Sent by mail on January 5: receipt assumed 7 days later (January 12), due February 26,
    marked as an estimate. By email, the day it was sent: February 19."""
    by_mail = fold(request(), [event(State.SENT, dt.date(2026, 1, 5), "mail")])
    assert by_mail.due == dt.date(2026, 2, 26) and by_mail.due_estimated
    by_email = fold(request(), [event(State.SENT, dt.date(2026, 1, 5), "email")])
    assert by_email.due == dt.date(2026, 2, 19) and by_email.due_estimated


def test_receipt_recorded_after_an_answer_keeps_the_answer_state() -> None:
    events = [
        event(State.SENT, dt.date(2026, 1, 5), "mail"),
        event(State.ACKNOWLEDGED, dt.date(2026, 1, 12)),
        event(State.DELIVERED, dt.date(2026, 1, 8)),
    ]
    view = fold(request(), events)
    assert view.state is State.ACKNOWLEDGED
    assert view.due == dt.date(2026, 2, 22) and not view.due_estimated


def test_overdue_and_days_left() -> None:
    view = fold(request(), [event(State.SENT, dt.date(2026, 1, 5), "email")])
    assert days_left(view, dt.date(2026, 2, 18)) == 1
    assert not is_overdue(view, dt.date(2026, 2, 19))
    assert is_overdue(view, dt.date(2026, 2, 20))
    answered = fold(
        request(),
        [event(State.SENT, dt.date(2026, 1, 5), "email"), event(State.FULFILLED, dt.date(2026, 1, 20))],
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
    """Applying any sequence through check_transition keeps the fold consistent; a receipt
    recorded after the company answered is kept as the receipt day, not as a state, and an
    extension recorded while appealed moves the appeal's due date, not the state."""
    current = State.DRAFTED
    events = []
    received = False
    for s in states:
        if s in TRANSITIONS[current] and not (s is State.DELIVERED and received):
            events.append(event(s, dt.date(2026, 1, 5)))
            if s is State.DELIVERED:
                received = True
                if current is not State.SENT:
                    continue
            if s is State.EXTENDED and current is State.APPEALED:
                continue
            current = s
    assert fold(request(), events).state is current
