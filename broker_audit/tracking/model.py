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

    # see tracking/records.py for when to bump it. 2: a request made on a state platform
    # (California's DROP: `recipient` "platform", kinds "drop" and "drop-result"), which an older
    # broker-audit would misread; such records are written with v=2, every other one with v=1.
    VERSION: ClassVar[int] = 2
    v: int = 1
    id: int
    broker_id: str
    broker_name: str
    kind: str
    law_id: str
    law_name: str
    deadline_days: int | None = None  # the legal response period, counted from receipt
    working_days: bool = False
    # The public holidays a business-day period skips ("US", "US-CO"; calendars.py). "" in a
    # record from before calendars were recorded: its business days skip the federal holidays.
    calendar: str = ""
    extension_days: int = 0
    appeal_days: int | None = None
    appeal_extension_days: int = 0  # an appeal decision the law lets the company extend
    # The first day the clock can run from, whatever the day of receipt (DROP: 2026-08-01).
    not_before: dt.date | None = None
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
    # Every route an artefact was written for, the letter's first ("mail: ...", "web-form: ..."):
    # a mail letter may have the company's web form's sheet beside it.
    routes: list[str] = []
    # The broker the request is about, when it went to another company (its parent) because that
    # one could not be reached; `broker_id` is then the company written to.
    about: str = ""
    # A request made on a state platform: the platform's own reference (the DROP ID shown on
    # confirmation), and which kinds of identifiers were submitted ("email", "phone", ...), not
    # their values.
    platform_ref: str = ""
    identifiers: list[str] = []
    # No law sets a period: the days the letter asked for, tracked as a courtesy date (never a
    # legal deadline). Kept apart from `deadline_days`, so that an older broker-audit, which
    # ignores this field, never reads it as a legal deadline.
    courtesy_days: int | None = None
    email_draft: EmailDraft | None = None  # the `.eml` written for an email route, as written
    # Written by the vault's clinic as the client's authorized agent (`bulk letters --agent`,
    # `resend --agent`): a letter written again for this request is written the same way.
    as_agent: bool = False


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
    `due_courtesy`: no law sets the date; it is the time the letter asked for (a courtesy).
    """

    request: RequestMade
    events: tuple[StatusChanged, ...]
    state: State
    sent: dt.date | None
    due: dt.date | None
    delivered: dt.date | None = None
    due_estimated: bool = False
    due_courtesy: bool = False

    @property
    def last_change(self) -> dt.date:
        """The day of its last recorded status change, else the letter's own date: nothing
        recorded of it may be dated earlier (changes are kept in the order they happened)."""
        return self.events[-1].on if self.events else self.request.dated
