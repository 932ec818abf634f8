"""What the log holds about requests: typed records, folded into a current view."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec

from broker_audit.tracking.states import State


class Disclosed(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    """What a letter told its recipient about the requester, as decided when it was planned.

    Unknown fields are ignored (a newer broker-audit may add some): an older one still reads it.
    """

    given: list[str]  # identity fields the letter carries besides the name (vocabulary.IDENTITY_FIELDS)
    withheld: list[str] = []  # fields the profile held that the letter did not carry
    minimal: bool = False
    reason: str = ""  # why the default was what it was ("sells to immigration enforcement")
    asked: list[str] = []  # fields the requester added for this letter (--disclose)
    reply: str = ""  # where answers go: home, reply-address, clinic, agent or email
    summary: str = ""  # the sentence printed before writing: "your name, your e-mail; ..."
    # Per given field, short digests of the values given (letters/disclosure.value_digest): a
    # follow-up gives only these, so a new home, phone or e-mail since is not told. {}: a record
    # from before they were kept (a follow-up then gives the fields, as they stand).
    values: dict[str, list[str]] = {}


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
    # What the letter told its recipient about the requester. None: a record from before
    # disclosure was decided per letter (those letters carried the whole profile).
    disclosed: Disclosed | None = None


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
