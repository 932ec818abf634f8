"""The log of what the requester did, as typed records sealed in the vault.

The vault stores opaque bytes; this module gives them meaning (the record types are in
`tracking.records`) and folds them into the current view. Records are appended, never rewritten.

Reading is O(new records): the journal starts from the vault's sealed snapshot of its derived
state (`tracking.snapshot`) and applies the records after it, each decrypted once; it writes a
new snapshot when the records after it grow past `SNAPSHOT_AFTER` (or a fraction of the log).

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
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO

from broker_audit.errors import UnknownRequest, VaultError, VaultTooNew
from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade, CampaignMember
from broker_audit.tracking.due import Current, current, fold, next_state
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.mail_records import BlobRef as PayloadRef
from broker_audit.tracking.mail_records import (
    EmailNotSent,
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
    too_new,
)
from broker_audit.tracking.snapshot import DerivedState, decode_state, encode_state
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

SNAPSHOT_AFTER = 256
"""Records after the snapshot that make the next write (or read) seal a new one; in a large log
the threshold is a fraction of it (`SNAPSHOT_FRACTION`), so rewriting it costs O(1) a record."""
SNAPSHOT_FRACTION = 8


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
        """Fold the vault's records (from its snapshot unless `use_snapshot` is off: then every
        record from the first, as `vault verify` does to check the snapshot)."""
        self.vault = vault
        self.profile: Profile | None = None
        self.requests: dict[int, RequestMade] = {}
        self.events: dict[int, list[StatusChanged]] = defaultdict(list)
        self.clients: dict[str, ClientSet] = {}
        self.agent: AgentProfile | None = None
        self.batches: dict[str, BatchMade] = {}
        self.answers: Answers | None = None
        self.scans: list[ScanResultSet] = []
        self.mail_account: MailAccountSet | None = None
        self.sent_mail: dict[int, list[EmailSent]] = defaultdict(list)
        self.replies: dict[int, ReplyStored] = {}
        self.replies_by_request: dict[int, list[int]] = defaultdict(list)
        # What the answers say (tracking/finding_records.py): the latest text read per reply, and
        # every proposal and review in the order recorded.
        self.answer_reads: dict[int, AnswerRead] = {}
        self.proposals: list[FindingsProposed] = []
        self.reviews: list[FindingsReviewed] = []
        self.campaigns: dict[str, CampaignMade] = {}
        self.agency_findings: list[AgencyFindingRecorded] = []
        # Derived indexes (never stored): request id -> the requests linked to it (follow-ups,
        # appeals, complaints), and -> its campaign and agency.
        self.linked: dict[int, list[int]] = defaultdict(list)
        self._campaign_of: dict[int, tuple[CampaignMade, CampaignMember]] = {}
        self.sending: dict[str, EmailSending] = {}  # open claims by Message-ID (lower case)
        self._tx: Transaction | None = None
        self._snapshot_count: int | None = None
        with paused_gc():
            if not use_snapshot:
                self._apply_numbered(vault.records())
                return
            loaded = vault.load()
            state = decode_state(loaded.snapshot) if loaded.snapshot is not None else None
            if loaded.snapshot is not None and state is None:  # another version's: read all
                loaded = vault.load()
            if state is not None:
                self._restore(state)
                self._snapshot_count = loaded.snapshot_count
            del state
            self._apply_numbered(loaded.records)
            del loaded
        self._snapshot_if_due(wait=False)

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
        return max(self.replies, default=0) + 1

    def reply_identities(self) -> dict[str, int]:
        """Each stored reply's identity (its Message-ID, else its digest) -> its id."""
        return {reply.identity: reply.id for reply in self.replies.values()}

    def open_claims(self, request_id: int) -> list[EmailSending]:
        """The sending claims of a request not yet settled (see `EmailSending`)."""
        return [c for c in self.sending.values() if c.request_id == request_id]

    def request_replies(self, request_id: int) -> list[ReplyStored]:
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
        """The campaign and agency a request (or a follow-up linked to one) was written for."""
        seen = set()
        while request_id not in seen:
            seen.add(request_id)
            found = self._campaign_of.get(request_id)
            if found is not None:
                return found
            request = self.requests.get(request_id)
            if request is None or request.linked_to is None:
                return None
            request_id = request.linked_to
        return None

    def next_request_id(self) -> int:
        """The id the next request gets: read it inside `write()`, so no one else takes it."""
        return max(self.requests, default=0) + 1

    def view(self, request_id: int) -> RequestView:
        request = self.requests.get(request_id)
        if request is None:
            raise UnknownRequest(
                f"no request with id {request_id}", "run `broker-audit status` to see the ids"
            )
        return fold(request, self.events.get(request_id, ()))

    def current(self) -> list[tuple[RequestMade, Current]]:
        """Every request by id with its state, dates and due date: what `status` needs, without
        building a view (and its history) per request."""
        events = self.events
        with paused_gc():
            return [(r, current(r, events.get(i, ()))) for i, r in sorted(self.requests.items())]

    def views(self) -> list[RequestView]:
        events = self.events
        with paused_gc():
            return [fold(r, events.get(i, ())) for i, r in sorted(self.requests.items())]

    def state(self) -> DerivedState:
        """Everything folded so far, as the snapshot keeps it."""
        return self._state()

    def rebuild_snapshot(self) -> None:
        """Seal this journal's state as the vault's snapshot now (under the writer lock)."""
        with self.write():
            assert self._tx is not None
            self._tx.set_snapshot(encode_state(self._state()))
            self._tx.commit()
            self._snapshot_count = self.vault.snapshot_count

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
                yield self
            finally:
                self._tx = None

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
        tx.append([encode(r) for r in records])
        tx.commit()
        for record in records:
            self._apply(record)
        self._apply_numbered(tx.take_new_records())
        self._snapshot_if_due(wait=True)

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
                tx.append([encode(record)])

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
                self._check_lifecycle([*records, record])  # a reply's id free, its request known
                add(record)
                records.append(record)
            for record in after:
                add(record)
            tx.commit()
            for record in (*before, *records, *after):
                self._apply(record)
            self._apply_numbered(tx.take_new_records())
            self._snapshot_if_due(wait=True)
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

    def _apply(self, record: Record) -> None:
        if isinstance(record, ProfileSet):
            self.profile = record.profile
        elif isinstance(record, RequestMade):
            self.requests[record.id] = record
            if record.linked_to is not None:
                self.linked[record.linked_to].append(record.id)
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
        elif isinstance(record, BatchMade):
            self.batches[record.batch_id] = record
        elif isinstance(record, MailAccountSet):
            self.mail_account = record
        elif isinstance(record, EmailSent):
            self.sent_mail[record.request_id].append(record)
            self.sending.pop(record.message_id.lower(), None)
        elif isinstance(record, EmailSending):
            self.sending[record.message_id.lower()] = record
        elif isinstance(record, EmailNotSent):
            self.sending.pop(record.message_id.lower(), None)
        elif isinstance(record, ReplyStored):
            self.replies[record.id] = record
            self.replies_by_request[record.request_id].append(record.id)
        elif isinstance(record, AnswerRead):
            self.answer_reads[record.reply_id] = record
        elif isinstance(record, FindingsProposed):
            self.proposals.append(record)
        elif isinstance(record, FindingsReviewed):
            self.reviews.append(record)
        elif isinstance(record, CampaignMade):
            self._add_campaign(record)
        elif isinstance(record, AgencyFindingRecorded):
            self.agency_findings.append(record)
        else:  # a type in the union that this fold forgot: never file it as something else
            raise too_new(0, encode(record))

    def _add_campaign(self, campaign: CampaignMade) -> None:
        self.campaigns[campaign.campaign_id] = campaign
        for member in campaign.members:
            if member.request_id is not None:
                self._campaign_of[member.request_id] = (campaign, member)

    def _apply_numbered(self, numbered: Sequence[tuple[int, bytes]]) -> None:
        for number, data in numbered:
            self._apply(decode(number, data))

    def _check_lifecycle(self, records: Sequence[Record]) -> None:
        """Inside the lock: each status change must be allowed from the state the log (and the
        records before it in this append) leaves its request in; no request id may be taken."""
        states: dict[int, State] = {}
        kinds: dict[int, str] = {}
        replies: dict[int, int] = {}  # reply id -> request id, for the replies in `records`
        for record in records:
            if isinstance(record, ReplyStored):
                if record.id in self.replies or record.id in replies:
                    raise VaultError(
                        f"reply #{record.id} was just stored by another broker-audit",
                        "nothing was stored; run the command again",
                    )
                if record.request_id not in self.requests and record.request_id not in states:
                    raise UnknownRequest(f"no request with id {record.request_id} to keep a reply with")
                replies[record.id] = record.request_id
            elif isinstance(record, EmailSending):
                if self.open_claims(record.request_id):
                    raise VaultError(
                        f"request #{record.request_id} is being sent, or was, by another broker-audit run",
                        "nothing was sent; `broker-audit send` settles it first",
                    )
            elif isinstance(record, RequestMade):
                if record.id in self.requests or record.id in states:
                    raise VaultError(
                        f"request #{record.id} was just made by another broker-audit",
                        "nothing was logged; run the command again",
                    )
                states[record.id] = State.DRAFTED
                kinds[record.id] = record.kind
            elif isinstance(record, StatusChanged):
                if record.reply_id is not None:
                    known = self.replies.get(record.reply_id)
                    owner = known.request_id if known is not None else replies.get(record.reply_id)
                    if owner != record.request_id:
                        raise VaultError(
                            f"reply #{record.reply_id} does not belong to request #{record.request_id}",
                            "nothing was logged; `broker-audit show ID` lists a request's replies",
                        )
                current = states.get(record.request_id)
                if current is None:
                    current = self.view(record.request_id).state
                kind = kinds.get(record.request_id)
                if kind is None:
                    made = self.requests.get(record.request_id)
                    kind = made.kind if made is not None else ""
                check_transition(current, record.state, record.request_id, kind)
                states[record.request_id] = next_state(current, record.state)

    def _state(self) -> DerivedState:
        return DerivedState(
            profile=self.profile,
            requests=list(self.requests.values()),
            events={k: v for k, v in self.events.items() if v},
            clients=list(self.clients.values()),
            agent=self.agent,
            batches=list(self.batches.values()),
            answers=self.answers,
            scans=self.scans,
            mail_account=self.mail_account,
            sent_mail=[sent for items in self.sent_mail.values() for sent in items],
            replies=list(self.replies.values()),
            answer_reads=list(self.answer_reads.values()),
            proposals=self.proposals,
            reviews=self.reviews,
            campaigns=list(self.campaigns.values()),
            agency_findings=list(self.agency_findings),
            sending=list(self.sending.values()),
        )

    def _restore(self, state: DerivedState) -> None:
        self.profile = state.profile
        self.requests = {r.id: r for r in state.requests}
        self.events = defaultdict(list, state.events)
        self.clients = {c.client_id: c for c in state.clients}
        self.agent = state.agent
        self.batches = {b.batch_id: b for b in state.batches}
        self.answers = state.answers
        self.scans = list(state.scans)
        self.mail_account = state.mail_account
        self.sent_mail = defaultdict(list)
        for sent in state.sent_mail:
            self.sent_mail[sent.request_id].append(sent)
        self.replies = {r.id: r for r in state.replies}
        self.replies_by_request = defaultdict(list)
        for reply in state.replies:
            self.replies_by_request[reply.request_id].append(reply.id)
        self.answer_reads = {r.reply_id: r for r in state.answer_reads}
        self.proposals = list(state.proposals)
        self.reviews = list(state.reviews)
        self.linked = defaultdict(list)
        for request in state.requests:
            if request.linked_to is not None:
                self.linked[request.linked_to].append(request.id)
        self.campaigns, self._campaign_of = {}, {}
        for campaign in state.campaigns:
            self._add_campaign(campaign)
        self.agency_findings = list(state.agency_findings)
        self.sending = {claim.message_id.lower(): claim for claim in state.sending}

    def _snapshot_due(self, count: int) -> bool:
        behind = count - (self._snapshot_count or 0)
        return behind >= max(SNAPSHOT_AFTER, count // SNAPSHOT_FRACTION)

    def _snapshot_if_due(self, *, wait: bool) -> None:
        """Seal the derived state as the vault's snapshot if enough records came after the last
        one: inside an append's lock (`wait`), or, after reading, only if no one else writes.
        Never an error: a snapshot is an optimisation."""
        if not self._snapshot_due(self.vault.count):
            return
        try:
            if wait and self._tx is not None:
                if self._tx.holds_lock:
                    self._tx.set_snapshot(encode_state(self._state()))
                    self._tx.commit()
                    self._snapshot_count = self.vault.snapshot_count
                return
            with self.vault.try_transaction() as tx:
                if tx is None:
                    return
                self._apply_numbered(tx.take_new_records())
                tx.set_snapshot(encode_state(self._state()))
                tx.commit()
                self._snapshot_count = self.vault.snapshot_count
        except VaultTooNew:
            raise
        except VaultError:
            return
