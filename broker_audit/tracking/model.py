"""What the log holds about requests: typed records, folded into a current view."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec

from broker_audit.tracking.states import State


class EmailDraft(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    """The `.eml` letter as it was written: its file, its headers and a digest of its body.
    `send` sends only a message rebuilt from these, and refuses a file that no longer matches
    them (a planted Cc: or Reply-To:, another To:, other text), saying what differs."""

    file: str
    headers: list[tuple[str, str]]  # (name, value unfolded), in order
    body_sha256: str  # of the bytes after the header block, line ends as LF


class RequestMade(msgspec.Struct, tag="request", kw_only=True, frozen=True, gc=False):
    """A letter was drafted: the request exists from now on (state drafted)."""

    @property
    def recipient_name(self) -> str:
        """Who the request went to, for display: the broker, or the agency."""
        return self.broker_name or self.agency

    VERSION: ClassVar[int] = 1  # see tracking/records.py for when to bump it
    v: int = 1
    id: int
    broker_id: str
    broker_name: str
    kind: str
    law_id: str
    law_name: str
    deadline_days: int | None = None  # the response period, counted from receipt
    working_days: bool = False
    extension_days: int = 0
    appeal_days: int | None = None
    # The period's statute text was read: a follow-up may state the legal due date.
    deadline_stated: bool = False
    reference: str
    dated: dt.date  # the date printed on the letter
    created: dt.datetime  # when it was logged
    files: list[str] = []
    linked_to: int | None = None
    client_id: str | None = None
    batch_id: str | None = None
    # Who the letter is to: "broker", "complaint-office" or "agency" (a sheriff's office; then
    # `broker_id` and `broker_name` are empty and `agency` names it).
    recipient: str = "broker"
    agency: str = ""
    # The channel the letter was made for, and every channel it may be sent by. None: a record
    # from before routes were recorded, which may be marked sent by any channel.
    channel: str = ""
    channels: list[str] | None = None
    email_draft: EmailDraft | None = None  # the `.eml` written for an email route, as written


class StatusChanged(msgspec.Struct, tag="event", kw_only=True, frozen=True, gc=False):
    VERSION: ClassVar[int] = 1
    v: int = 1
    request_id: int
    state: State
    on: dt.date
    via: str = ""
    tracking: str = ""
    note: str = ""
    recorded: dt.datetime
    reply_id: int | None = None  # the stored reply this change was read from (`inbox`, `reply`)


class RequestView(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    """A request with its history and what follows from it (state, sent, received, due).

    `due` counts from the day the recipient received the request (`delivered`). Before that is
    known it counts from an estimate (sent plus the channel's delivery allowance) and
    `due_estimated` is true: such a date is shown as an estimate, never stated in a letter.
    """

    request: RequestMade
    events: tuple[StatusChanged, ...]
    state: State
    sent: dt.date | None
    due: dt.date | None
    delivered: dt.date | None = None
    due_estimated: bool = False
