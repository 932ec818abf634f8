"""What to send next for a request that is late or refused. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from broker_audit.tracking.due import is_overdue
from broker_audit.tracking.model import RequestMade, RequestView
from broker_audit.tracking.states import AWAITING, State
from broker_audit.vocabulary import KIND_ALIASES, KINDS


def followable(kind_id: str) -> bool:
    """Whether a late or refused letter of this kind gets follow-up letters (from the kinds table;
    a follow-up, appeal or complaint does not start a chain of its own, and an open-records
    request is followed up by hand)."""
    found = KINDS.get(KIND_ALIASES.get(kind_id, kind_id))
    return bool(found and found.followable)


def in_chain(kind_id: str) -> bool:
    """Whether a letter of this kind was written about an earlier request."""
    found = KINDS.get(kind_id)
    return bool(found and found.group == "chain")


def root_of(requests: Mapping[int, RequestMade], request_id: int) -> int:
    """The request a chain letter (follow-up, appeal) is about, following `linked_to`: replies
    to the letters of a chain belong to its first request."""
    seen: set[int] = set()
    current = requests[request_id]
    while current.linked_to is not None and in_chain(current.kind) and current.id not in seen:
        seen.add(current.id)
        parent = requests.get(current.linked_to)
        if parent is None:
            break
        current = parent
    return current.id


def next_step(
    view: RequestView, today: dt.date, *, appeal_available: bool, complaint_known: bool
) -> str | None:
    """The kind of the next letter for `view`, or None when nothing is due yet.

    - late (past its legal due date, or marked no-response): a follow-up to the company; once a
      follow-up has been sent and is still unanswered 10 days after its receipt, a complaint;
    - refused in whole or in part: an appeal where the law grants one, else a complaint;
    - an appeal that is itself late or refused: a complaint.
    """
    if not followable(view.request.kind):
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
