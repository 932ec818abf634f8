"""The vault's record types: what each sealed record means, with a version per type.

Every record type has a tag (its `type` in the encoding) and a version `v` (`VERSION`, written
into every record). Adding a field with a default that older code may ignore needs no new
version; any change an older broker-audit would misread (a field removed or re-purposed, a new
field in a nested struct that forbids unknown fields, new meaning) bumps `VERSION`. A record of
an unknown type or of a newer version than this code knows raises `RecordTooNew` (exit 5:
"made by a newer broker-audit"), never "damaged", and is never filed as something else.

`check_record` is the one gate before a record is sealed: every date in it must lie in the range
of `broker_audit.dates`, and a blob it references must be bound to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar, Literal

import msgspec

from broker_audit.dates import check_date
from broker_audit.errors import RecordTooNew
from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.mail_records import (
    EmailNotSent,
    EmailSending,
    EmailSent,
    MailAccountSet,
    ReplyStored,
)
from broker_audit.tracking.model import RequestMade, StatusChanged


class Answers(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The exposure questionnaire (audit/questions.py): yes, no or unknown (None) per question."""

    booked_in_jail: bool | None = None
    court_case: bool | None = None
    owns_vehicle: bool | None = None
    rents_home: bool | None = None
    owns_home: bool | None = None
    credit_file: bool | None = None
    mobile_phone: bool | None = None
    utility_accounts: bool | None = None
    employed_on_payroll: bool | None = None


class ProfileSet(msgspec.Struct, tag="profile", kw_only=True, frozen=True):
    # 2: the profile may hold a reply address, advertising IDs, a licence number, the default
    # disclosure and the years of an address (Profile forbids unknown fields: version 1 code
    # could not read them).
    VERSION: ClassVar[int] = 2
    v: int = 2
    profile: Profile
    recorded: dt.datetime


class ClientSet(msgspec.Struct, tag="client", kw_only=True, frozen=True, gc=False):
    """A clinic's client (the latest record for a client id wins)."""

    VERSION: ClassVar[int] = 2  # 2: as ProfileSet's
    v: int = 2
    client_id: str
    profile: Profile
    language: str = "en"
    recorded: dt.datetime


class AgentSet(msgspec.Struct, tag="agent", kw_only=True, frozen=True):
    """The clinic's profile. Version 2: it may hold `reply_to`, which version 1 readers refuse
    (AgentProfile forbids unknown fields); a profile without it is still written as version 1."""

    VERSION: ClassVar[int] = 2
    v: int = 1
    agent: AgentProfile
    recorded: dt.datetime


def agent_set(agent: AgentProfile, recorded: dt.datetime) -> AgentSet:
    """The record of the clinic's profile, at the lowest version that can hold it."""
    return AgentSet(agent=agent, recorded=recorded, v=2 if agent.reply_to else 1)


class BatchMade(msgspec.Struct, tag="batch", kw_only=True, frozen=True):
    """A clinic batch: which requests it made. No client data beyond the request ids."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    batch_id: str
    created: dt.datetime
    dated: dt.date
    first_request: int
    last_request: int
    clients: int
    brokers: list[str]
    kinds: list[str]
    files: list[str] = []


class AnswersSet(msgspec.Struct, tag="answers", kw_only=True, frozen=True):
    """The audit questionnaire's answers (the latest wins)."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    answers: Answers
    recorded: dt.datetime


ScanOutcome = Literal["found", "not-found", "blocked", "could-not-read", "error"]
# Answers that say something about the listing; the others say only that the check failed.
CONCLUSIVE_SCAN_OUTCOMES = frozenset({"found", "not-found"})


class ScanFinding(msgspec.Struct, kw_only=True, frozen=True):
    """What one people-search site showed: only what the audit needs."""

    broker_id: str
    outcome: ScanOutcome
    on: dt.date
    listing_url: str = ""
    matched_name: str = ""
    matched_location: str = ""
    detail: str = ""


class ScanResultSet(msgspec.Struct, tag="scan", kw_only=True, frozen=True):
    """One `broker-audit scan` run."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    results: list[ScanFinding]
    recorded: dt.datetime


Record = (
    ProfileSet
    | RequestMade
    | StatusChanged
    | ClientSet
    | AgentSet
    | BatchMade
    | AnswersSet
    | ScanResultSet
    | MailAccountSet
    | EmailSent
    | ReplyStored
    | AnswerRead
    | FindingsProposed
    | FindingsReviewed
    | CampaignMade
    | AgencyFindingRecorded
    | EmailSending
    | EmailNotSent
)
RECORD_TYPES: tuple[type[msgspec.Struct], ...] = (
    ProfileSet,
    RequestMade,
    StatusChanged,
    ClientSet,
    AgentSet,
    BatchMade,
    AnswersSet,
    ScanResultSet,
    MailAccountSet,
    EmailSent,
    ReplyStored,
    AnswerRead,
    FindingsProposed,
    FindingsReviewed,
    CampaignMade,
    AgencyFindingRecorded,
    EmailSending,
    EmailNotSent,
)
RECORD_VERSIONS: dict[str, int] = {
    str(t.__struct_config__.tag): t.VERSION  # type: ignore[attr-defined]
    for t in RECORD_TYPES
}
"""Each record tag and the newest version of it this code reads."""

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Record)


class _Envelope(msgspec.Struct):
    """Just the tag and version of a record (every other field is skipped)."""

    type: str = ""
    v: int = 1


_peek = msgspec.msgpack.Decoder(_Envelope)
UPGRADE_HINT = "upgrade broker-audit (pipx upgrade broker-audit); nothing was changed"


def encode(record: Record) -> bytes:
    return _encoder.encode(record)


def decode(number: int, data: bytes) -> Record:
    """The record in `data` (record `number`); RecordTooNew if it is not one this code knows.

    The data passed the vault's authentication, so it was written by a broker-audit holding the
    key: what this code cannot read was written by a newer one."""
    try:
        record: Record = _decoder.decode(data)
    except msgspec.DecodeError:
        raise too_new(number, data) from None
    if record.v > type(record).VERSION:
        raise too_new(number, data)
    return record


def too_new(number: int, data: bytes) -> RecordTooNew:
    try:
        envelope = _peek.decode(data)
        kind = envelope.type if envelope.type.isascii() and envelope.type.isprintable() else "?"
        what = f"a {kind!r} record, version {envelope.v}"
    except msgspec.DecodeError:
        what = "a record of a kind this version does not know"
    return RecordTooNew(
        f"this vault has records made by a newer broker-audit (record {number} is {what})", UPGRADE_HINT
    )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- the gate before sealing ----------------------------------------------------------------

_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        if dataclasses.is_dataclass(cls):
            names = tuple(f.name for f in dataclasses.fields(cls))
        else:
            names = tuple(cls.__struct_fields__)  # type: ignore[attr-defined]
        _FIELDS[cls] = names
    return names


def check_record(record: Record, number: int, *, real_today: dt.date | None = None) -> None:
    """Refuse (UserError) a record holding a date outside the accepted range, before it is
    sealed; refuse (ValueError: a programming error) a blob reference not bound to `number`."""
    _check_value(record, type(record).__name__, number, real_today)


def _check_value(value: object, where: str, number: int, real_today: dt.date | None) -> None:
    if isinstance(value, dt.date):  # datetime too
        check_date(value, where.replace("_", " "), real_today=real_today)
    elif isinstance(value, msgspec.Struct) or dataclasses.is_dataclass(value):
        if type(value).__name__ == "BlobRef" and getattr(value, "record", number) != number:
            raise ValueError("a blob must be put in the transaction of the record that references it")
        for name in _field_names(type(value)):
            _check_value(getattr(value, name), name, number, real_today)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_value(item, where, number, real_today)
