"""The log of what the requester did, as typed records sealed in the vault.

The vault stores opaque bytes; this module gives them meaning (the record types are in
`tracking.records`) and folds them into the current view. Records are appended, never rewritten.

Reading reads only what is asked for: the vault keeps the fold of its records as a derived index
in sealed parts (`tracking.index`), so `view(id)` reads one request's chunk, `next_request_id()`
the index's summary, and the whole fold (`journal.requests`, `journal.clients`, ...) is filled
from the index the first time a service asks for it (`tracking.fold`). The index is kept by every
append, under the writer's lock, in the same transaction as the records; records after it (from a
writer that does not keep it) are applied when the vault is opened, and the index is written then
if no one else is writing.

Writing: everything a write depends on is read inside the vault's writer lock.

    with journal.write():                       # the lock; records others added are applied
        request_id = journal.next_request_id()  # read under the lock
        ...                                     # render, write files, compute records
        journal.append(records)                 # durable when it returns

`append` outside a `write()` block takes the lock for itself. Inside the lock `append` checks
again what the lifecycle allows (every status change against the state the log is in, in order)
and that no request id is taken, so no history the lifecycle forbids is ever written, whoever
computed it. Attachments: `put_blob(data)` inside the block, then `append` the record holding the
returned `BlobRef` (it is bound to that record); `read_blob(ref)` streams it back, verified.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from broker_audit.errors import UnknownRequest, VaultError, VaultTooNew
from broker_audit.i18n import _
from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade, CampaignMember
from broker_audit.tracking.due import Current, current, fold, next_state
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.fold import Fold
from broker_audit.tracking.index import IndexDamaged, RequestIndex
from broker_audit.tracking.mail_records import BlobRef as PayloadRef
from broker_audit.tracking.mail_records import (
    EmailSending,
    EmailSent,
    Inline,
    MailAccountSet,
    Payload,
    ReplyStored,
)
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.records import (
    CONCLUSIVE_SCAN_OUTCOMES,
    RECORD_VERSIONS,
    AgentSet,
    Answers,
    AnswersSet,
    BatchMade,
    ClientSet,
    ProfileSet,
    Record,
    ScanFinding,
    ScanOutcome,
    ScanResultSet,
    check_record,
    decode,
    encode,
    now,
)
from broker_audit.tracking.snapshot import DerivedState
from broker_audit.tracking.states import State, check_transition

if TYPE_CHECKING:
    from broker_audit.vault.blobs import BlobRef
    from broker_audit.vault.vault import Transaction, Vault

__all__ = [
    "CONCLUSIVE_SCAN_OUTCOMES",
    "RECORD_VERSIONS",
    "AgencyFindingRecorded",
    "AgentProfile",
    "AgentSet",
    "AnswersSet",
    "BatchMade",
    "CampaignMade",
    "ClientSet",
    "Journal",
    "ProfileSet",
    "Record",
    "ScanFinding",
    "ScanOutcome",
    "ScanResultSet",
    "decode",
    "encode",
    "now",
]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large log is folded: records hold no cycles,
    and at 100,000 requests its repeated passes over the new objects cost more than the fold."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Journal:
    """The vault's records, folded into the current state, with checked appends."""

    def __init__(self, vault: Vault, *, use_snapshot: bool = True) -> None:
        """Open the vault's derived index (applying the records after it, or building it from
        every record if it is missing, damaged or made by other rules), or, with `use_snapshot`
        off, fold every record from the first and use no index (as `vault verify` does to check
        the index)."""
        self.vault = vault
        self._tx: Transaction | None = None
        self._fold = Fold()
        self._index: RequestIndex | None = None
        with paused_gc():
            if not use_snapshot:
                self._fold.rest_at = self._fold.requests_at = 0
                self._apply_numbered(vault.records())
                return
            loaded = vault.load()
            with vault.reading():
                self._index = RequestIndex.open(vault, loaded)
            del loaded
        self.save_index()

    # --- the fold, filled from the index when a service first asks ------------------------

    @property
    def profile(self) -> Profile | None:
        return self._rest().profile

    @property
    def agent(self) -> AgentProfile | None:
        return self._rest().agent

    @property
    def answers(self) -> Answers | None:
        return self._rest().answers

    @property
    def mail_account(self) -> MailAccountSet | None:
        return self._rest().mail_account

    @property
    def clients(self) -> dict[str, ClientSet]:
        return self._rest().clients

    @property
    def batches(self) -> dict[str, BatchMade]:
        return self._rest().batches

    @property
    def scans(self) -> list[ScanResultSet]:
        return self._rest().scans

    @property
    def answer_reads(self) -> dict[int, AnswerRead]:
        """The latest text read per reply (tracking/finding_records.py)."""
        return self._rest().answer_reads

    @property
    def proposals(self) -> list[FindingsProposed]:
        return self._rest().proposals

    @property
    def reviews(self) -> list[FindingsReviewed]:
        return self._rest().reviews

    @property
    def campaigns(self) -> dict[str, CampaignMade]:
        return self._rest().campaigns

    @property
    def agency_findings(self) -> list[AgencyFindingRecorded]:
        return self._rest().agency_findings

    @property
    def sending(self) -> dict[str, EmailSending]:
        """The open sending claims by Message-ID (lower case; see `EmailSending`)."""
        return self._rest().sending

    @property
    def requests(self) -> dict[int, RequestMade]:
        return self._all_requests().requests

    @property
    def events(self) -> dict[int, list[StatusChanged]]:
        return self._all_requests().events

    @property
    def sent_mail(self) -> dict[int, list[EmailSent]]:
        return self._all_requests().sent_mail

    @property
    def replies(self) -> dict[int, ReplyStored]:
        return self._all_requests().replies

    @property
    def replies_by_request(self) -> dict[int, list[int]]:
        return self._all_requests().replies_by_request

    @property
    def linked(self) -> dict[int, list[int]]:
        """Request id -> the requests linked to it (follow-ups, appeals, complaints)."""
        return self._all_requests().linked

    def _rest(self) -> Fold:
        if self._fold.rest_at is None:
            index = self._index
            assert index is not None
            with self.vault.reading():
                index.sync()
                self._fold.fill_rest(index.rest(), index.point)
        return self._fold

    def _all_requests(self) -> Fold:
        if self._fold.requests_at is None:
            index = self._index
            assert index is not None
            with self.vault.reading(), paused_gc():
                index.sync()
                for request_id, entry in index.entries():
                    self._fold.fill_request(
                        entry.request, request_id, entry.events, entry.sent_mail, entry.replies
                    )
                self._fold.requests_filled(index.point)
        return self._fold

    def _synced(self) -> RequestIndex | None:
        """The index, up to date in the current view of the file; None when the requests are
        already in memory (then they answer)."""
        if self._fold.requests_at is not None or self._index is None:
            return None
        self._index.sync()
        return self._index

    # --- reading ---------------------------------------------------------------------------

    def read_payload(self, payload: Payload) -> bytes:
        """The bytes a payload holds, each chunk verified (VaultCorrupt on any mismatch)."""
        if isinstance(payload, Inline):
            return payload.data
        from broker_audit.vault.blobs import BlobRef as VaultBlobRef

        ref = VaultBlobRef(
            blob_id=payload.blob_id, record=payload.record, size=payload.size, chunks=payload.chunks
        )
        return b"".join(self.read_blob(ref))

    def next_reply_id(self) -> int:
        """The id the next reply gets: read it inside `write()`, so no one else takes it."""
        return self._max_reply() + 1

    def _max_reply(self) -> int:
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                return index.summary.max_reply
        return max(self.replies, default=0)

    def reply_identities(self) -> dict[str, int]:
        """Each stored reply's identity (its Message-ID, else its digest) -> its id."""
        return {reply.identity: reply.id for reply in self.replies.values()}

    def open_claims(self, request_id: int) -> list[EmailSending]:
        """The sending claims of a request not yet settled (see `EmailSending`)."""
        return [c for c in self.sending.values() if c.request_id == request_id]

    def request_replies(self, request_id: int) -> list[ReplyStored]:
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                entry = index.entry(request_id)
                return list(entry.replies) if entry is not None else []
        return [self.replies[i] for i in self.replies_by_request.get(request_id, ())]

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

    def campaign_member(self, request_id: int) -> tuple[CampaignMade, CampaignMember] | None:
        """The campaign and agency a request (or a follow-up linked to one) was written for
        (reads the campaigns and the chunk of each request of the chain)."""
        campaign_of = self._rest().campaign_of
        seen = set()
        while request_id not in seen:
            seen.add(request_id)
            found = campaign_of.get(request_id)
            if found is not None:
                return found
            request = self._request(request_id)
            if request is None or request.linked_to is None:
                return None
            request_id = request.linked_to
        return None

    def _request(self, request_id: int) -> RequestMade | None:
        """One request (from its chunk of the index), or None."""
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                entry = index.entry(request_id)
                return entry.request if entry is not None else None
        return self.requests.get(request_id)

    def next_request_id(self) -> int:
        """The id the next request gets: read it inside `write()`, so no one else takes it."""
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                return index.summary.max_request + 1
        return max(self.requests, default=0) + 1

    def view(self, request_id: int) -> RequestView:
        """One request with its history (reads only its chunk of the index)."""
        request: RequestMade | None
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                entry = index.entry(request_id)
                request, events = (entry.request, entry.events) if entry is not None else (None, [])
            else:
                request, events = self.requests.get(request_id), self.events.get(request_id, [])
        if request is None:
            raise UnknownRequest(
                _("no request with id {id}").format(id=request_id),
                _("run `broker-audit status` to see the ids"),
            )
        return fold(request, events)

    def current(self) -> list[tuple[RequestMade, Current]]:
        """Every request by id with its state, dates and due date, without building a view (and
        its history) per request."""
        events = self.events
        with paused_gc():
            return [(r, current(r, events.get(i, ()))) for i, r in sorted(self.requests.items())]

    def views(self) -> list[RequestView]:
        events = self.events
        with paused_gc():
            return [fold(r, events.get(i, ())) for i, r in sorted(self.requests.items())]

    def state(self) -> DerivedState:
        """Everything folded so far, in a canonical order (see `Fold.state`)."""
        self._rest()
        self._all_requests()
        return self._fold.state()

    @property
    def index(self) -> RequestIndex | None:
        """The derived index, up to date in a view of the file of its own (None for a journal
        folded from the records: `use_snapshot` off). Read it inside `vault.reading()`."""
        if self._index is not None:
            with self.vault.reading():
                self._index.sync()
        return self._index

    def rebuild_index(self) -> None:
        """Build the derived index from every record again and write it now (under the writer
        lock), whatever the stored one holds."""
        with self.write():
            if self._index is None:
                self._index = RequestIndex.empty(self.vault)
            self._index.rebuild()
            self._commit()

    def read_blob(self, ref: BlobRef) -> Iterator[bytes]:
        """A stored attachment, chunk by chunk, each verified (VaultCorrupt on any mismatch)."""
        return self.vault.read_blob(ref)

    # --- writing ---------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Journal]:
        """Hold the vault's writer lock for the block, with every record other processes added
        applied first (see the module docstring). Re-entrant: an inner block is the outer one."""
        if self._tx is not None:
            yield self
            return
        with self.vault.transaction() as tx:
            self._tx = tx
            try:
                self._apply_numbered(tx.take_new_records())
                if self._index is not None:
                    self._index.sync()
                yield self
            finally:
                self._tx = None
                if self._index is not None and self._index._pending:  # stored, not committed
                    self._index.invalidate()
                    self._fold = Fold()  # it held them too: filled again from the index when asked

    def append(self, records: Sequence[Record]) -> None:
        """Check, seal and store `records` in one transaction (durable when this returns), then
        apply them. Outside a `write()` block, takes the lock for itself."""
        if not records:
            return
        if self._tx is None:
            with self.write():
                self.append(records)
            return
        tx = self._tx
        first = tx.count + 1
        for offset, record in enumerate(records):
            check_record(record, first + offset)
        self._check_lifecycle(records)
        for offset, record in enumerate(records):
            self._store(first + offset, record)
        self._commit()

    def append_with_payloads(
        self,
        payloads: Sequence[bytes],
        build: Callable[[list[Payload]], Record],
        *,
        before: Sequence[Record] = (),
        after: Sequence[Record] = (),
    ) -> Record:
        """Store `before`, then `payloads` (a message, a file) with the record `build` makes from
        their references, then `after`, in one transaction."""
        (record,) = self.append_many_with_payloads([(payloads, build)], before=before, after=after)
        return record

    def append_many_with_payloads(
        self,
        items: Sequence[tuple[Sequence[bytes], Callable[[list[Payload]], Record]]],
        *,
        before: Sequence[Record] = (),
        after: Sequence[Record] = (),
    ) -> list[Record]:
        """Several records with their payloads in one transaction under the writer lock (one
        fsync for a whole batch): `before`, then each item's payloads as blobs and the record
        `build` makes from their references (each blob bound to that record), then `after`."""
        with self.write():
            tx = self._tx
            assert tx is not None
            self._check_lifecycle([*before, *after])  # the payload records have no lifecycle
            records: list[Record] = []

            def add(record: Record) -> None:
                check_record(record, tx.count + 1)
                self._store(tx.count + 1, record)

            for record in before:
                add(record)
            for payloads, build in items:
                refs: list[Payload] = []
                for data in payloads:
                    ref = tx.put_blob(bytes(data))  # bound to the record appended next
                    refs.append(
                        PayloadRef(blob_id=ref.blob_id, record=ref.record, size=ref.size, chunks=ref.chunks)
                    )
                record = build(refs)
                # a reply's id free, its request known (the records before it are stored already)
                self._check_lifecycle([record])
                add(record)
                records.append(record)
            for record in after:
                add(record)
            self._commit()
        return records

    def put_blob(self, data: bytes | BinaryIO) -> BlobRef:
        """Store an attachment (bytes, or a binary file read from its position) as an encrypted
        blob bound to the next record `append`ed in this `write()` block, which must hold the
        returned reference."""
        if self._tx is None:
            raise RuntimeError("put_blob needs the writer lock: call it inside `with journal.write():`")
        return self._tx.put_blob(data)

    def status_event(
        self,
        request_id: int,
        state: State,
        *,
        on: dt.date,
        via: str = "",
        tracking: str = "",
        note: str = "",
        reply_id: int | None = None,
    ) -> StatusChanged:
        """A checked status change for `request_id`, not yet stored."""
        current = self.view(request_id)
        check_transition(current.state, state, request_id, current.request.kind)
        return StatusChanged(
            request_id=request_id,
            state=state,
            on=on,
            via=via,
            tracking=tracking,
            note=note,
            recorded=now(),
            reply_id=reply_id,
        )

    def change_status(
        self, request_id: int, state: State, *, on: dt.date, via: str = "", tracking: str = "", note: str = ""
    ) -> RequestView:
        self.append([self.status_event(request_id, state, on=on, via=via, tracking=tracking, note=note)])
        return self.view(request_id)

    # --- internals -------------------------------------------------------------------------

    def _store(self, number: int, record: Record) -> None:
        """Inside the lock: apply `record` to the index (reading what it touches first), then
        seal it as record `number` and apply it to what is in memory."""
        tx = self._tx
        assert tx is not None and number == tx.count + 1
        if self._index is not None:
            self._index.applying(number, record)
        tx.append([encode(record)])
        self._fold.apply(number, record)

    def _commit(self) -> None:
        """Write the index's changed parts and root with the records, commit, then apply what
        other processes appended before the lock was taken again."""
        tx = self._tx
        assert tx is not None
        index = self._index
        if index is not None:
            try:
                index.write(tx)
            except IndexDamaged:  # never stops a write: the records go in, the index catches up
                index.invalidate()
                index = None
        try:
            tx.commit()
        except BaseException:
            if self._index is not None:  # nothing was stored: forget what was applied in memory
                self._index.invalidate()
                self._fold = Fold()
            raise
        if index is not None:
            index.committed()
        self._apply_numbered(tx.take_new_records())

    def _apply_numbered(self, numbered: Sequence[tuple[int, bytes]]) -> None:
        for number, data in numbered:
            self._fold.apply(number, decode(number, data))

    def _has_request(self, request_id: int) -> bool:
        with self.vault.reading():
            index = self._synced()
            if index is not None:
                return index.has_request(request_id)
        return request_id in self.requests

    def _check_lifecycle(self, records: Sequence[Record]) -> None:
        """Inside the lock: each status change must be allowed from the state the log (and the
        records before it in this append) leaves its request in, and one read from a reply must
        name a reply of its request; no request id may be taken, no reply id either (a new one
        is above every stored one), and a reply's request must exist; a request being sent (an
        open claim) is not claimed again. Reads only the requests concerned (their chunks)."""
        seen = _Appending()
        for record in records:
            if isinstance(record, ReplyStored):
                self._check_new_reply(record, seen)
            elif isinstance(record, EmailSending):
                if self.open_claims(record.request_id):
                    raise VaultError(
                        f"request #{record.request_id} is being sent, or was, by another broker-audit run",
                        "nothing was sent; `broker-audit send` settles it first",
                    )
            elif isinstance(record, RequestMade):
                if record.id in seen.states or self._has_request(record.id):
                    raise VaultError(
                        f"request #{record.id} was just made by another broker-audit",
                        "nothing was logged; run the command again",
                    )
                seen.states[record.id] = State.DRAFTED
                seen.kinds[record.id] = record.kind
            elif isinstance(record, StatusChanged):
                self._check_status_change(record, seen)

    def _check_new_reply(self, record: ReplyStored, seen: _Appending) -> None:
        """A new reply's id is above every stored one and its request exists."""
        if seen.max_reply is None:
            seen.max_reply = self._max_reply()
        if record.id <= seen.max_reply or record.id in seen.replies:
            raise VaultError(
                f"reply #{record.id} was just stored by another broker-audit",
                "nothing was stored; run the command again",
            )
        if record.request_id not in seen.states and not self._has_request(record.request_id):
            raise UnknownRequest(f"no request with id {record.request_id} to keep a reply with")
        seen.replies[record.id] = record.request_id

    def _check_status_change(self, record: StatusChanged, seen: _Appending) -> None:
        """A status change names a reply of its own request (if any) and is allowed from the
        state its request is in; the state it leaves is noted for the records after it."""
        if record.reply_id is not None:
            owner = seen.replies.get(record.reply_id)
            if owner is None and any(
                r.id == record.reply_id for r in self.request_replies(record.request_id)
            ):
                owner = record.request_id
            if owner != record.request_id:
                raise VaultError(
                    f"reply #{record.reply_id} does not belong to request #{record.request_id}",
                    "nothing was logged; `broker-audit show ID` lists a request's replies",
                )
        current = seen.states.get(record.request_id)
        kind = seen.kinds.get(record.request_id)
        if current is None or kind is None:
            view = self.view(record.request_id)
            current = view.state if current is None else current
            kind = view.request.kind
        check_transition(current, record.state, record.request_id, kind)
        seen.states[record.request_id] = next_state(current, record.state)
        seen.kinds[record.request_id] = kind

    def save_index(self) -> None:
        """Write the index if it holds more than the stored one (records applied after it, or
        rebuilt after damage was found), unless another process is writing (then it is left for
        later). Never an error: the index is derived. Called after opening and after a command."""
        index = self._index
        if index is None or not index.changed:
            return
        try:
            with self.vault.try_transaction() as tx:
                if tx is None:
                    return
                self._tx = tx
                try:
                    self._apply_numbered(tx.take_new_records())
                    index.sync()
                    if index.changed:
                        self._commit()
                finally:
                    self._tx = None
        except VaultTooNew:
            raise
        except VaultError:
            return


@dataclass
class _Appending:
    """What the records of one append so far leave behind, for checking the next ones: each
    request's state and kind, the new replies' requests, the highest stored reply id (read once)."""

    states: dict[int, State] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    replies: dict[int, int] = field(default_factory=dict)  # reply id -> request id
    max_reply: int | None = None
