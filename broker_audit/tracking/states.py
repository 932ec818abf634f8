"""The request lifecycle as data, and a pure transition function over events."""

from __future__ import annotations

from enum import StrEnum

from broker_audit.errors import IllegalTransition
from broker_audit.i18n import _


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
    # What California's DROP reports for one broker (a DROP request's per-broker row).
    PENDING = "pending"
    DELETED = "deleted"
    OPTED_OUT = "opted-out"
    EXEMPTED = "exempted"
    NOT_FOUND = "not-found"


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
    # An extension of the appeal's decision keeps the request appealed (tracking.due.next_state).
    State.APPEALED: frozenset({State.EXTENDED, State.NO_RESPONSE, State.COMPLAINED, *_ANSWERS}),
    State.COMPLAINED: frozenset({State.WITHDRAWN, *_ANSWERS}),
    State.FULFILLED: frozenset(),
    State.WITHDRAWN: frozenset(),
    State.PENDING: frozenset(),
    State.DELETED: frozenset(),
    State.OPTED_OUT: frozenset(),
    State.EXEMPTED: frozenset(),
    State.NOT_FOUND: frozenset(),
}

# DROP (California's Delete Request and Opt-out Platform): the request itself (recipient
# "platform") is drafted, submitted (sent) and may be withdrawn; each broker's row takes the
# statuses DROP reports. A status may change at a later 45-day cycle (pending -> deleted, or
# exempted -> deleted after an appeal to the broker), so every status may follow every other.
DROP_RESULTS: frozenset[State] = frozenset(
    {State.PENDING, State.DELETED, State.OPTED_OUT, State.EXEMPTED, State.NOT_FOUND}
)
DROP_TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFTED: frozenset({State.SENT, State.WITHDRAWN}),
    # Submitted on DROP's site, it is received the same day: its clock is the platform's own.
    State.SENT: frozenset({State.DELIVERED, State.WITHDRAWN, *DROP_RESULTS}),
    State.DELIVERED: frozenset({State.WITHDRAWN, *DROP_RESULTS}),
    **{s: frozenset({State.WITHDRAWN, *(DROP_RESULTS - {s})}) for s in DROP_RESULTS},
    State.WITHDRAWN: frozenset(),
}
DROP_KINDS = frozenset({"drop", "drop-result"})

# States in which the company owes an answer, so a deadline runs. A DROP row that is pending
# (or submitted, not yet reported) still waits for a broker's processing cycle.
AWAITING: frozenset[State] = frozenset({*_OPEN, State.APPEALED, State.PENDING})


def parse_state(text: str) -> State:
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return State(key)
    except ValueError:
        known = ", ".join(s.value for s in State)
        raise IllegalTransition(
            _("unknown state '{text}'").format(text=text), _("states are: {states}").format(states=known)
        ) from None


def transitions_for(kind: str) -> dict[State, frozenset[State]]:
    """The lifecycle of a request of `kind`: DROP rows have their own."""
    return DROP_TRANSITIONS if kind in DROP_KINDS else TRANSITIONS


def check_transition(current: State, new: State, request_id: int, kind: str = "") -> None:
    """Raise IllegalTransition with the allowed next states if `current -> new` is not allowed
    for a request of `kind`."""
    allowed = transitions_for(kind).get(current, frozenset())
    if new in allowed:
        return
    if allowed:
        hint = _("from {state} it can go to: {states}").format(
            state=current.value, states=", ".join(sorted(s.value for s in allowed))
        )
    else:
        hint = _("{state} is final; make a new request with `broker-audit request`").format(
            state=current.value
        )
    raise IllegalTransition(
        _("request {id} is {state}; it cannot become {new}").format(
            id=request_id, state=current.value, new=new.value
        ),
        hint,
    )
