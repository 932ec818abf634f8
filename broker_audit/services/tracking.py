"""Status of requests and status changes."""

from __future__ import annotations

import datetime as dt

import msgspec

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.tracking.due import Current, days_left_on, overdue_on
from broker_audit.tracking.journal import Journal, paused_gc
from broker_audit.tracking.model import RequestMade, RequestView
from broker_audit.tracking.states import TRANSITIONS, State, parse_state
from broker_audit.vocabulary import CHANNELS as VIAS


class StatusRow(msgspec.Struct, frozen=True, gc=False):
    """One request as `status` shows it (a msgspec struct: 100,000 of them are made in 20 ms,
    and they encode straight to JSON)."""

    id: int
    broker: str
    broker_name: str
    kind: str
    state: str
    law: str
    sent: dt.date | None
    due: dt.date | None
    days_left: int | None
    overdue: bool
    reference: str
    delivered: dt.date | None = None
    due_estimated: bool = False
    channel: str = ""


def status_rows(access: VaultAccess, *, today: dt.date, overdue_only: bool = False) -> list[StatusRow]:
    """Every request's row, by id (only the overdue ones with `overdue_only`)."""
    current = _current(access)
    with paused_gc():
        rows = [
            StatusRow(
                id=r.id,
                broker=r.broker_id,
                broker_name=r.recipient_name,
                kind=r.kind,
                state=now.state.value,
                law=r.law_id,
                sent=now.sent,
                due=now.due.date,
                days_left=days_left_on(now.state, now.due.date, today),
                overdue=overdue_on(now.state, now.due.date, today),
                reference=r.reference,
                delivered=now.delivered,
                due_estimated=now.due.estimated,
                channel=r.channel,
            )
            for r, now in current
        ]
    return [r for r in rows if r.overdue] if overdue_only else rows


def _current(access: VaultAccess) -> list[tuple[RequestMade, Current]]:
    """Each request with its state, dates and due date (the journal is freed on return)."""
    with open_journal(access) as journal:
        return journal.current()


def mark(
    access: VaultAccess,
    request_id: int,
    state_text: str,
    *,
    today: dt.date,
    on: dt.date | None = None,
    via: str | None = None,
    tracking: str = "",
    note: str = "",
    reply_id: int | None = None,
) -> RequestView:
    """Record a status change, refusing one the lifecycle does not allow. With `reply_id`, the
    change is read from that stored reply (dated the day it came) and linked to it.

    The request's current state is read inside the vault's writer lock, so two `mark` runs at
    once never write a history the lifecycle forbids."""
    if reply_id is not None:
        return _mark_from_reply(access, request_id, state_text, reply_id, today)
    state = parse_state(state_text)
    check_date(today, "today")
    on = check_date(on or today, "--on")
    if on > today:
        raise UserError(f"{on.isoformat()} is in the future", "give the day it happened with --on")
    if via is not None and via not in VIAS:
        raise UserError(f"unknown channel {via!r}", "--via is one of: " + ", ".join(VIAS))
    if state is State.SENT and not via:
        raise UserError(
            "say how the request was sent",
            f"e.g. `broker-audit mark {request_id} sent --via mail --tracking 9400...`",
        )
    with open_journal(access) as journal, journal.write():
        current = journal.view(request_id)
        check_channel(current.request, state, via)
        if state is State.DELIVERED and current.delivered is not None:
            raise UserError(
                f"request {request_id} was already recorded as received on {current.delivered.isoformat()}",
                "a request is received once; the legal clock runs from that day",
            )
        earliest = current.events[-1].on if current.events else current.request.dated
        if on < earliest:
            raise UserError(
                f"{on.isoformat()} is before the request's last change ({earliest.isoformat()})",
                "status changes are recorded in the order they happened",
            )
        events = [journal.status_event(request_id, state, on=on, via=via or "", tracking=tracking, note=note)]
        events += _chain_events(journal, current, state, on)
        journal.append(events)
        return journal.view(request_id)


def _mark_from_reply(
    access: VaultAccess, request_id: int, state_text: str, reply_id: int, today: dt.date
) -> RequestView:
    from broker_audit.services.replies import apply_reply

    with open_journal(access) as journal, journal.write():
        reply = journal.replies.get(reply_id)
        if reply is None or reply.request_id != request_id:
            raise UserError(
                f"request {request_id} has no reply #{reply_id}",
                f"`broker-audit show {request_id}` lists them",
            )
        apply_reply(journal, reply_id, state_text, today)
        return journal.view(request_id)


def check_channel(request: RequestMade, state: State, via: str | None) -> None:
    """Refuse to record a request as sent by a channel it has no route for (false proof of
    sending starts a legal clock that never ran), or sent at all when it has no route."""
    allowed = request.channels
    if allowed is None or via is None or state not in (State.SENT, State.DELIVERED):
        return
    if not allowed:
        raise UserError(
            f"request {request.id} has no known route: it cannot have been sent",
            "withdraw it (`broker-audit mark ID withdrawn`) or make a new request once a route is known",
        )
    if via not in allowed:
        raise UserError(
            f"request {request.id} cannot have gone {via}: {request.recipient_name or 'the recipient'} "
            f"has no {via} route for it",
            "its routes are: " + ", ".join(allowed),
        )


# Sending an appeal or a complaint moves the request it is about along with it.
_CHAIN_STATE = {"appeal": State.APPEALED, "complaint": State.COMPLAINED}


def _chain_events(journal: Journal, view: RequestView, state: State, on: dt.date) -> list:
    original_id = view.request.linked_to
    follows = _CHAIN_STATE.get(view.request.kind)
    if state is not State.SENT or original_id is None or follows is None:
        return []
    original = journal.view(original_id)
    if follows not in TRANSITIONS[original.state]:
        return []
    note = f"{view.request.kind} #{view.request.id} sent"
    return [journal.status_event(original_id, follows, on=on, note=note)]


def show_request(access: VaultAccess, request_id: int) -> RequestView:
    with open_journal(access) as journal:
        return journal.view(request_id)
