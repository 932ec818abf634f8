"""A request as the commands give it: its facts, where its legal clock stands, its history.

The data of `mark --json`, `drop record|result --json` and (with the replies) `show --json`:
flat, with the names scripts read (`id`, `broker`, `law`), and never the values a letter gave
(those stay in the vault).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from broker_audit.tracking.due import days_left_on, overdue_on
from broker_audit.tracking.model import RequestView


class DisclosedRecord(msgspec.Struct, frozen=True, kw_only=True):
    """What a logged letter told its recipient (the values themselves stay in the vault)."""

    given: list[str]
    withheld: list[str]
    minimal: bool
    reason: str
    asked: list[str]
    reply: str
    summary: str


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One status change of a request."""

    state: str
    on: dt.date
    via: str
    tracking: str
    note: str
    recorded: dt.datetime


class RequestRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One request with its history and where its legal clock stands: the data of `mark --json`
    and of `drop record|result --json` (`show --json` adds the replies)."""

    id: int
    broker: str
    broker_name: str
    kind: str
    law: str
    reference: str
    state: str
    sent: dt.date | None
    delivered: dt.date | None
    due: dt.date | None
    due_estimated: bool
    due_courtesy: bool
    channel: str
    channels: list[str] | None
    routes: list[str]
    about: str
    days_left: int | None
    overdue: bool
    created: dt.datetime
    files: list[str]
    linked_to: int | None
    as_agent: bool  # written by the clinic as the client's authorized agent
    disclosed: DisclosedRecord | None  # None: a letter from before disclosures were kept
    history: list[HistoryEntry]


def request_record(view: RequestView, today: dt.date) -> RequestRecord:
    """The request of `view` as `mark --json` gives it, its days left counted on `today`."""
    r, d = view.request, view.request.disclosed
    return RequestRecord(
        id=r.id,
        broker=r.broker_id,
        broker_name=r.recipient_name,
        kind=r.kind,
        law=r.law_id,
        reference=r.reference,
        state=view.state.value,
        sent=view.sent,
        delivered=view.delivered,
        due=view.due,
        due_estimated=view.due_estimated,
        due_courtesy=view.due_courtesy,
        channel=r.channel,
        channels=r.channels,
        routes=r.routes,
        about=r.about,
        days_left=days_left_on(view.state, view.due, today),
        overdue=overdue_on(view.state, view.due, today),
        created=r.created,
        files=r.files,
        linked_to=r.linked_to,
        as_agent=r.as_agent,
        disclosed=None
        if d is None
        else DisclosedRecord(
            given=d.given,
            withheld=d.withheld,
            minimal=d.minimal,
            reason=d.reason,
            asked=d.asked,
            reply=d.reply,
            summary=d.summary,
        ),
        history=[
            HistoryEntry(
                state=e.state.value, on=e.on, via=e.via, tracking=e.tracking, note=e.note, recorded=e.recorded
            )
            for e in view.events
        ],
    )
