"""The request lifecycle as data, and a pure transition function over events."""

from __future__ import annotations

from enum import StrEnum

from broker_audit.errors import IllegalTransition


class State(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    NEEDS_VERIFICATION = "needs-verification"
    EXTENDED = "extended"
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially-fulfilled"
    DENIED = "denied"
    NO_RESPONSE = "no-response"
    APPEALED = "appealed"
    COMPLAINED = "complained"
    WITHDRAWN = "withdrawn"


_OPEN = {State.SENT, State.DELIVERED, State.ACKNOWLEDGED, State.NEEDS_VERIFICATION, State.EXTENDED}
_ANSWERS = {State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED}

TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFTED: frozenset({State.SENT, State.WITHDRAWN}),
    State.SENT: frozenset(
        {
            State.DELIVERED,
            State.ACKNOWLEDGED,
            State.NEEDS_VERIFICATION,
            State.EXTENDED,
            State.NO_RESPONSE,
            State.WITHDRAWN,
            *_ANSWERS,
        }
    ),
    # Receipt (a return receipt, certified-mail tracking) may be recorded after the company has
    # already answered something: it is kept as the day the legal clock started, and does not
    # move the request back (see `tracking.due.fold`).
    State.DELIVERED: frozenset(
        {
            State.ACKNOWLEDGED,
            State.NEEDS_VERIFICATION,
            State.EXTENDED,
            State.NO_RESPONSE,
            State.WITHDRAWN,
            *_ANSWERS,
        }
    ),
    State.ACKNOWLEDGED: frozenset(
        {
            State.DELIVERED,
            State.NEEDS_VERIFICATION,
            State.EXTENDED,
            State.NO_RESPONSE,
            State.WITHDRAWN,
            *_ANSWERS,
        }
    ),
    State.NEEDS_VERIFICATION: frozenset(
        {State.DELIVERED, State.ACKNOWLEDGED, State.EXTENDED, State.NO_RESPONSE, State.WITHDRAWN, *_ANSWERS}
    ),
    State.EXTENDED: frozenset(
        {State.DELIVERED, State.NEEDS_VERIFICATION, State.NO_RESPONSE, State.WITHDRAWN, *_ANSWERS}
    ),
    State.NO_RESPONSE: frozenset({State.COMPLAINED, State.WITHDRAWN, *_ANSWERS}),
    State.PARTIALLY_FULFILLED: frozenset({State.FULFILLED, State.APPEALED, State.COMPLAINED}),
    State.DENIED: frozenset({State.APPEALED, State.COMPLAINED}),
    State.APPEALED: frozenset({State.NO_RESPONSE, State.COMPLAINED, *_ANSWERS}),
    State.COMPLAINED: frozenset({State.WITHDRAWN, *_ANSWERS}),
    State.FULFILLED: frozenset(),
    State.WITHDRAWN: frozenset(),
}

# States in which the company owes an answer, so a deadline runs.
AWAITING: frozenset[State] = frozenset({*_OPEN, State.APPEALED})


def parse_state(text: str) -> State:
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return State(key)
    except ValueError:
        known = ", ".join(s.value for s in State)
        raise IllegalTransition(f"unknown state {text!r}", f"states are: {known}") from None


def check_transition(current: State, new: State, request_id: int) -> None:
    """Raise IllegalTransition with the allowed next states if `current -> new` is not allowed."""
    allowed = TRANSITIONS[current]
    if new in allowed:
        return
    if allowed:
        hint = "from " + current.value + " it can go to: " + ", ".join(sorted(s.value for s in allowed))
    else:
        hint = f"{current.value} is final; make a new request with `broker-audit request`"
    raise IllegalTransition(f"request {request_id} is {current.value}; it cannot become {new.value}", hint)
