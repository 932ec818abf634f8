"""The log of what the requester did, as typed records sealed in the vault.

The vault stores opaque bytes; this module gives them meaning (profile, requests, status changes)
and folds them into the current view. Records are appended, never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import msgspec

from broker_audit.audit.questions import Answers
from broker_audit.errors import UnknownRequest, VaultCorrupt
from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.due import fold
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import State, check_transition

if TYPE_CHECKING:
    from broker_audit.vault.vault import Vault


class ProfileSet(msgspec.Struct, tag="profile", kw_only=True, frozen=True):
    profile: Profile
    recorded: dt.datetime


class ClientSet(msgspec.Struct, tag="client", kw_only=True, frozen=True):
    """A clinic's client (the latest record for a client id wins)."""

    client_id: str
    profile: Profile
    language: str = "en"
    recorded: dt.datetime


class AgentSet(msgspec.Struct, tag="agent", kw_only=True, frozen=True):
    agent: AgentProfile
    recorded: dt.datetime


class BatchMade(msgspec.Struct, tag="batch", kw_only=True, frozen=True):
    """A clinic batch: which requests it made. No client data beyond the request ids."""

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

    results: list[ScanFinding]
    recorded: dt.datetime


Record = (
    ProfileSet | RequestMade | StatusChanged | ClientSet | AgentSet | BatchMade | AnswersSet | ScanResultSet
)

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Record)


def encode(record: Record) -> bytes:
    return _encoder.encode(record)


def decode(number: int, data: bytes) -> Record:
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError:
        raise VaultCorrupt(
            f"vault record {number} decrypted but is not a record this version understands",
            "the vault may have been written by a newer broker-audit",
        ) from None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Journal:
    """The vault's records, read once, with typed appends."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.profile: Profile | None = None
        self.requests: dict[int, RequestMade] = {}
        self.events: dict[int, list[StatusChanged]] = defaultdict(list)
        self.clients: dict[str, ClientSet] = {}
        self.agent: AgentProfile | None = None
        self.batches: dict[str, BatchMade] = {}
        self.answers: Answers | None = None
        self.scans: list[ScanResultSet] = []
        for number, data in vault.records():
            self._apply(decode(number, data))

    def _apply(self, record: Record) -> None:
        if isinstance(record, ProfileSet):
            self.profile = record.profile
        elif isinstance(record, RequestMade):
            self.requests[record.id] = record
        elif isinstance(record, StatusChanged):
            self.events[record.request_id].append(record)
        elif isinstance(record, ClientSet):
            self.clients[record.client_id] = record
        elif isinstance(record, AgentSet):
            self.agent = record.agent
        elif isinstance(record, AnswersSet):
            self.answers = record.answers
        elif isinstance(record, ScanResultSet):
            self.scans.append(record)
        else:
            self.batches[record.batch_id] = record

    def append(self, records: Sequence[Record]) -> None:
        """Seal and store `records` in one transaction, then apply them."""
        if not records:
            return
        self.vault.append_many([encode(r) for r in records])
        for record in records:
            self._apply(record)

    def scan_findings(self) -> dict[str, ScanFinding]:
        """The latest scan answer per broker: a later found / not-found replaces an earlier one;
        a later blocked or failed check never erases what an earlier scan saw."""
        latest: dict[str, ScanFinding] = {}
        for scan in self.scans:
            for finding in scan.results:
                old = latest.get(finding.broker_id)
                if (
                    old is None
                    or finding.outcome in CONCLUSIVE_SCAN_OUTCOMES
                    or old.outcome not in CONCLUSIVE_SCAN_OUTCOMES
                ):
                    latest[finding.broker_id] = finding
        return latest

    def next_request_id(self) -> int:
        return max(self.requests, default=0) + 1

    def view(self, request_id: int) -> RequestView:
        request = self.requests.get(request_id)
        if request is None:
            raise UnknownRequest(
                f"no request with id {request_id}", "run `broker-audit status` to see the ids"
            )
        return fold(request, self.events.get(request_id, ()))

    def views(self) -> list[RequestView]:
        return [fold(r, self.events.get(i, ())) for i, r in sorted(self.requests.items())]

    def status_event(
        self,
        request_id: int,
        state: State,
        *,
        on: dt.date,
        via: str = "",
        tracking: str = "",
        note: str = "",
    ) -> StatusChanged:
        """A checked status change for `request_id`, not yet stored."""
        current = self.view(request_id)
        check_transition(current.state, state, request_id)
        return StatusChanged(
            request_id=request_id,
            state=state,
            on=on,
            via=via,
            tracking=tracking,
            note=note,
            recorded=now(),
        )

    def change_status(
        self, request_id: int, state: State, *, on: dt.date, via: str = "", tracking: str = "", note: str = ""
    ) -> RequestView:
        self.append([self.status_event(request_id, state, on=on, via=via, tracking=tracking, note=note)])
        return self.view(request_id)
