"""What the log holds about requests: typed records, folded into a current view."""

from __future__ import annotations

import datetime as dt

import msgspec

from broker_audit.tracking.states import State


class RequestMade(msgspec.Struct, tag="request", kw_only=True, frozen=True):
    """A letter was drafted: the request exists from now on (state drafted)."""

    id: int
    broker_id: str
    broker_name: str
    kind: str
    law_id: str
    law_name: str
    deadline_days: int | None = None
    working_days: bool = False
    extension_days: int = 0
    appeal_days: int | None = None
    reference: str
    dated: dt.date  # the date printed on the letter
    created: dt.datetime  # when it was logged
    files: list[str] = []
    linked_to: int | None = None
    client_id: str | None = None
    batch_id: str | None = None


class StatusChanged(msgspec.Struct, tag="event", kw_only=True, frozen=True):
    request_id: int
    state: State
    on: dt.date
    via: str = ""
    tracking: str = ""
    note: str = ""
    recorded: dt.datetime


class RequestView(msgspec.Struct, kw_only=True, frozen=True):
    """A request with its history and what follows from it (state, sent, due)."""

    request: RequestMade
    events: tuple[StatusChanged, ...]
    state: State
    sent: dt.date | None
    due: dt.date | None
