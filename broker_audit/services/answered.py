"""A follow-up says "I have not received a complete response": once the company has answered,
a drafted follow-up must not go out.

When a reply is stored for a request (`reply --file`, `inbox`), its drafted follow-ups are
withdrawn, in the same vault transaction as nothing else but recorded with the reply they yield
to, and shown. `send` also refuses (without `--force`) a drafted follow-up whose request has been
answered since it was drafted (a reply, or an answer recorded with `mark`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.next_step import root_of
from broker_audit.tracking.states import State

ANSWERS = frozenset(
    {
        State.ACKNOWLEDGED,
        State.NEEDS_VERIFICATION,
        State.EXTENDED,
        State.FULFILLED,
        State.PARTIALLY_FULFILLED,
        State.DENIED,
    }
)


def drafted_followups(journal: Journal, request_id: int) -> list[RequestMade]:
    """The follow-ups about `request_id` (or its chain) that are drafted, not sent."""
    root = root_of(journal.requests, request_id)
    out = []
    for other in journal.requests.values():
        if other.kind != "followup" or other.linked_to is None:
            continue
        if root_of(journal.requests, other.linked_to) != root:
            continue
        if journal.view(other.id).state is State.DRAFTED:
            out.append(other)
    return out


def withdraw_followups(
    journal: Journal, replies: Iterable[tuple[int, int]], today: dt.date
) -> list[tuple[int, int]]:
    """Withdraw the drafted follow-ups of the requests that just got a reply, each change noting
    the reply; (follow-up id, reply id) for each. `replies`: (request id, reply id). Under the
    writer lock (the caller's `journal.write()`, or its own)."""
    with journal.write():
        events: list[StatusChanged] = []
        done: list[tuple[int, int]] = []
        seen: set[int] = set()
        for request_id, reply_id in replies:
            for followup in drafted_followups(journal, request_id):
                if followup.id in seen:
                    continue
                seen.add(followup.id)
                on = max(today, followup.dated)
                events.append(
                    journal.status_event(
                        followup.id,
                        State.WITHDRAWN,
                        on=on,
                        note=f"the company answered (reply #{reply_id}) before it was sent",
                    )
                )
                done.append((followup.id, reply_id))
        journal.append(events)
    return done


def answered_since_drafted(journal: Journal, followup: RequestMade) -> str:
    """Why a drafted follow-up should not be sent ("" when nothing was answered since it was
    drafted): the reply or the answer its request got on or after the day it was drafted."""
    if (
        followup.kind != "followup"
        or followup.linked_to is None
        or followup.linked_to not in journal.requests
    ):
        return ""
    root = root_of(journal.requests, followup.linked_to)
    for reply in journal.request_replies(root):
        if reply.received.date() >= followup.dated or reply.recorded >= followup.created:
            return (
                f"the company answered request #{root} after this follow-up was drafted "
                f"(reply #{reply.id} of {reply.received.date().isoformat()})"
            )
    for event in journal.view(root).events:
        if event.state in ANSWERS and event.recorded >= followup.created:
            return (
                f"request #{root} was recorded as {event.state.value} on {event.on.isoformat()}, "
                "after this follow-up was drafted"
            )
    return ""
