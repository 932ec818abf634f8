"""Vault records for what the brokers' answers say: the text read from a reply, the findings
proposed from it, and the user's decisions on them.

Each type carries a version `v` (its newest in `VERSION`), like every record type in
`tracking.records`, whose union holds them. The text read from a reply (an e-mail body, a PDF's
text layer, OCR of a scan or a photo) is kept as blobs bound to the `AnswerRead` record, sealed
like the reply itself: nothing read from an answer is ever on disk in the clear.

A finding is only a proposal until the user accepts it (`FindingsReviewed`): nothing reads a
proposal as a fact. Finding numbers are unique within a request (across its replies), so
`findings ID --accept 3,5` is unambiguous.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

import msgspec

from broker_audit.tracking.mail_records import Payload

TextSource = Literal["email-body", "text", "pdf-text", "ocr"]


class TextPart(msgspec.Struct, kw_only=True, frozen=True):
    """The text of one part of a reply: its body, an attachment, a scan (page by page)."""

    name: str  # "body", or the attachment's (or the scan's) safe file name
    source: TextSource
    pages: int = 1
    ocr_pages: list[int] = []  # the pages (1-based) read by OCR
    chars: int = 0
    sha256: str = ""  # of the bytes the text was read from
    text: Payload  # UTF-8; pages separated by form feeds ("\f")


class SkippedPart(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    reason: str


class AnswerRead(msgspec.Struct, tag="answer-read", kw_only=True, frozen=True):
    """The text read from one stored reply (the latest record for a reply wins)."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    reply_id: int
    request_id: int
    parts: list[TextPart] = []
    skipped: list[SkippedPart] = []
    ocr_engine: str = ""  # e.g. "tesseract 5.3.0 (eng+spa)", or "" when no OCR ran
    recorded: dt.datetime


FindingKind = Literal["holds", "source", "recipient", "verdict", "compliance"]


class Finding(msgspec.Struct, kw_only=True, frozen=True):
    """One thing an answer says, with the line it came from.

    - holds: `value` is a data category (addresses, phones, vehicles, bookings, court-records,
      employment, utility-accounts, location, ...);
    - source / recipient: `value` is the name as written; `role` what kind of body it is
      (immigration-enforcement, law-enforcement, government, court, utility, broker, customer,
      other); `matched` the registry or agency-directory entry it was matched to
      ("broker:ID", "agency:ID", or "");
    - verdict: `value` is fulfilled, partial, not-found, refused or needs-verification;
    - compliance: `value` is new-recipient-after-opt-out or data-after-deletion; `detail` says
      what, `evidence` names both replies, `about` the opt-out or deletion request.
    """

    n: int
    kind: FindingKind
    value: str
    role: str = ""
    matched: str = ""
    on: dt.date | None = None
    part: str = ""
    page: int = 0
    line_no: int = 0
    line: str = ""
    detail: str = ""
    evidence: list[int] = []  # reply ids
    about: int | None = None  # request id


class FindingsProposed(msgspec.Struct, tag="findings-proposed", kw_only=True, frozen=True):
    """Findings proposed from one reply. A later proposal for the same reply replaces the
    undecided findings of the earlier one; decided ones stay."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    reply_id: int
    request_id: int
    broker_id: str = ""
    findings: list[Finding] = []
    recorded: dt.datetime


Decision = Literal["accepted", "rejected"]


class FindingDecision(msgspec.Struct, kw_only=True, frozen=True):
    n: int
    decision: Decision
    edited: Finding | None = None  # the finding as the user corrected it (accepted)


class FindingsReviewed(msgspec.Struct, tag="findings-reviewed", kw_only=True, frozen=True):
    """The user's decisions on a request's findings (the latest decision per number wins)."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    request_id: int
    decisions: list[FindingDecision] = []
    recorded: dt.datetime
