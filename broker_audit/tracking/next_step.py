"""What to send next for a request that is late or refused. Pure: no I/O."""

from __future__ import annotations

import datetime as dt

from broker_audit.tracking.due import is_overdue
from broker_audit.tracking.model import RequestView
from broker_audit.tracking.states import AWAITING, State

# A follow-up of one of these kinds is itself a request that can be late or refused, but it
# does not start another chain: the chain is driven from the original request.
CHAIN_KINDS = frozenset({"followup", "appeal", "complaint"})
# The kinds whose follow-up letters exist (an open-records request is followed up by hand).
FOLLOWABLE = frozenset({"access", "delete", "opt-out", "correct", "fcra-disclosure"})


def next_step(
    view: RequestView, today: dt.date, *, appeal_available: bool, complaint_known: bool
) -> str | None:
    """The kind of the next letter for `view`, or None when nothing is due yet.

    - late (past its legal due date, or marked no-response): a follow-up to the company; once a
      follow-up has been sent and is still unanswered 10 days on, a complaint;
    - refused in whole or in part: an appeal where the law grants one, else a complaint;
    - an appeal that is itself late or refused: a complaint.
    """
    if view.request.kind not in FOLLOWABLE:
        return None
    state = view.state
    if state in (State.DENIED, State.PARTIALLY_FULFILLED):
        if appeal_available:
            return "appeal"
        return "complaint" if complaint_known else None
    if state is State.APPEALED:
        return "complaint" if complaint_known and is_overdue(view, today) else None
    if state is State.NO_RESPONSE or (state in AWAITING and is_overdue(view, today)):
        return "followup"
    return None
