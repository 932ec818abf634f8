"""The derived index: the fold of the records, kept in the vault in sealed parts, so that a command
reads only what it shows (issue 27): `status` the counts and the most urgent requests, `show` and
`mark` one request, whatever the size of the vault.

Parts (each sealed by the vault under its kind and key, see `vault.chain`):
- FACTS, chunk c: what `status` lists about each request whose id is in chunk c (`CHUNK` ids a
  chunk): its state, dates and due date, broker, kind, client, batch (`Listed`), computed from
  the request's records;
- ENTRIES, chunk c: those requests' records (the request, its status changes, the emails sent,
  the replies kept: `Entry`), what `show` and `mark` read; compressed (zlib, level 1: a tenth of
  the size, 0.3 ms a chunk each way) before the vault seals it, as the whole-state snapshot was;
- DUE, page p: the due-date index (`tracking.dueindex`) of the requests awaiting an answer;
- REST: the profile, agent, answers, mail account, clients, batches and scans, the text read from
  replies, the findings proposed and reviewed, the campaigns and agency findings, and the open
  sending claims (`fold.Rest`).

The root is the vault's snapshot row, sealed and bound to the record it was taken after (as the
whole-state snapshot was before format 3): a `Summary` with the number of requests by state, the
highest request and reply ids, the tag of every part and the due-date pages' directory. A part is
used only if its seal's tag is the one the root holds, so a part that is damaged, missing, swapped
with another or put back from an older state is detected (`IndexDamaged`); the index is then
built again from the records (each verified by the vault's chain), never patched or trusted.

States and due dates depend on the code that computes them, so the root carries a fingerprint of
that code (`rules_fingerprint`): an index made by other rules is rebuilt, and no deadline rule
change can leave a stale due date in it.

Writing: each append applies the new records to the chunks, pages and summary they touch (reading
only those), then writes those parts and the root in the same transaction as the records, under
the writer's lock (`Journal.append`). The root therefore stands for exactly the records up to its
point. Records after that point (from a writer that does not keep the index) are applied on the
next open, and the index is written then if no other writer holds the lock (`Journal`).

Reading: a reader first `sync`s, inside one view of the file: if another process has written a
new root since, it reads that one; then it applies any records after its point.

What the file shows in the clear, beside the records' numbers and lengths: each part's kind, key
and sealed length. So it shows about how many requests there are (the chunks), about how many
await an answer (the due-date pages hold 16 bytes a request) and, to someone who keeps copies of
the file over time, which chunk of `CHUNK` request ids and which page a change touched (the
whole-state snapshot hid that, at the price of rewriting all of it at every change). Nothing
about who a request is to, its state or its dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

import msgspec

from broker_audit.tracking.due import current
from broker_audit.tracking.dueindex import DueIndex, IndexDamaged, Key
from broker_audit.tracking.fold import BOTH_TYPES, REST_TYPES, Fold, Rest
from broker_audit.tracking.indexformat import (
    CHUNK,
    DUE,
    ENTRIES,
    FACTS,
    REST,
    Entry,
    Listed,
    Summary,
    chunk_of,
    clocked,
    decode_entries,
    decode_entry,
    decode_facts,
    decode_rest,
    decode_root,
    due_key,
    encode_entries,
    encode_facts,
    encode_rest,
    encode_root,
    listed_of,
    rules_fingerprint,
)
from broker_audit.tracking.mail_records import EmailSent, ReplyStored
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import Record, decode, encode, too_new

if TYPE_CHECKING:
    from broker_audit.vault.vault import Loaded, Transaction, Vault

__all__ = [
    "CHUNK",
    "DUE",
    "ENTRIES",
    "FACTS",
    "REST",
    "Entry",
    "IndexDamaged",
    "Listed",
    "RequestIndex",
    "Summary",
    "chunk_of",
    "listed_of",
]

_NO_TAGS = bytes(32)
T = TypeVar("T")


class RequestIndex:
    """The derived index of one open vault (see the module docstring). Every method that reads
    parts must be called inside one view of the file (`vault.reading()` or a write transaction),
    after `sync`."""

    def __init__(self, vault: Vault, summary: Summary, point: int, root_tag: bytes | None) -> None:
        self.vault = vault
        self.origin = "stored"  # "built": there was none; "rebuilt": the stored one was unusable
        self._reset(summary, point, root_tag)

    def _reset(self, summary: Summary, point: int, root_tag: bytes | None) -> None:
        self.summary = summary
        self.point = point  # the last record this state holds
        self.root_tag = root_tag  # the stored root this state was read from or written as
        self.changed = False  # holds more than the stored root (records applied, or rebuilt)
        self.rewrite = False  # rebuilt: every part is written anew
        self.due = DueIndex(summary.due, summary.next_page, self._load_page)
        self._facts: dict[int, dict[int, Listed]] = {}
        self._entries: dict[int, dict[int, Entry | msgspec.Raw]] = {}
        self._dirty_facts: set[int] = set()
        self._dirty_entries: set[int] = set()
        self._rest: Fold | None = None
        self._rest_dirty = False
        self._pending: list[tuple[int, Record]] = []  # applied, not yet committed
        self._written_tag: bytes | None = None
        self._synced_epoch: int | None = None

    # --- opening, syncing, rebuilding --------------------------------------------------------

    @classmethod
    def open(cls, vault: Vault, loaded: Loaded) -> RequestIndex:
        """The index as opening found it: the stored root and the records after it, or, if there
        is no usable root, built from every record. Call inside one view of the file."""
        summary = decode_root(loaded.snapshot) if loaded.snapshot is not None else None
        if summary is None:
            records = loaded.records if loaded.snapshot is None else vault.iter_records()
            # based on the stored root as it is now (a migration may just have dropped it), so
            # that the next sync does not take it for another writer's and build again
            index = cls(vault, Summary(rules=rules_fingerprint()), 0, vault.snapshot_tag())
            index._build(records)
            index.origin = "built" if loaded.snapshot_tag is None else "rebuilt"  # none, or unusable
            return index
        index = cls(vault, summary, loaded.snapshot_count, loaded.snapshot_tag)
        if vault.snapshot_tag() == loaded.snapshot_tag:
            index.guarded(lambda: index._apply_all(loaded.records))
        index.sync()  # another writer may have moved the index since the vault was opened
        return index

    def sync(self) -> None:
        """Inside one view of the file: read the stored root again if another writer replaced
        it, then apply the records after this state's point (each verified by the vault)."""
        epoch = self.vault.epoch
        if epoch == self._synced_epoch:
            return
        self.guarded(self._sync)
        self._synced_epoch = epoch

    def _sync(self) -> None:
        stored = self.vault.snapshot_tag()
        if stored != self.root_tag:
            found = self.vault.stored_snapshot()
            summary = decode_root(found[1]) if found is not None else None
            if found is None or summary is None:
                self.rebuild()
                return
            self._reset(summary, found[0], stored)
        self._apply_all(self.vault.iter_records(self.point))

    def guarded(self, action: Callable[[], T]) -> T:
        """`action`, or, if it finds the index damaged, the same after rebuilding the index from
        the records (in the same view of the file)."""
        try:
            return action()
        except IndexDamaged:
            self.rebuild()
            return action()

    @classmethod
    def empty(cls, vault: Vault) -> RequestIndex:
        """An index of no records, standing for no stored root (`rebuild` fills it)."""
        return cls(vault, Summary(rules=rules_fingerprint()), 0, None)

    def rebuild(self) -> None:
        """Fold every record again (and what this transaction applied but has not committed),
        inside the current view of the file; every part is written anew by the next `write`."""
        pending, epoch = self._pending, self._synced_epoch
        self.origin = "rebuilt"
        self._reset(Summary(rules=rules_fingerprint()), 0, self.vault.snapshot_tag())
        self._build(self.vault.iter_records())
        for number, record in pending:
            self.apply(number, record)
        self._pending, self._synced_epoch = pending, epoch

    def _build(self, records: Iterable[tuple[int, bytes]]) -> None:
        """Fold `records` (every record from the first) into a new index, all of it to write:
        each request's records first (`_gather`), then its listed facts once (`_place`), then the
        due-date pages at once (applying record by record would list a request again at each
        change)."""
        rest, entries = Fold(), dict[int, Entry]()
        last = self._gather(records, rest, entries)
        keys = self._place(entries)
        self.due = DueIndex.build(keys, self._load_page)
        self._rest, self._rest_dirty = rest, True
        self.point = last
        self.rewrite = self.changed = True

    def _gather(self, records: Iterable[tuple[int, bytes]], rest: Fold, entries: dict[int, Entry]) -> int:
        """Each record after this index's point into `rest` or its request's entry, in order;
        the number of the last one."""
        last = self.point
        for number, data in records:
            if number <= last:
                continue
            if number != last + 1:
                raise IndexDamaged(f"record {last + 1} was not applied")
            record = decode(number, data)
            last = number
            if isinstance(record, REST_TYPES):
                rest.apply_rest(record)
                continue
            if isinstance(record, BOTH_TYPES):
                rest.apply_rest(record)  # and its request's, below
            if isinstance(record, RequestMade):
                request_id = record.id
            elif isinstance(record, StatusChanged | EmailSent | ReplyStored):
                request_id = record.request_id
            else:  # a type in the union that this index forgot: never file it as something else
                raise too_new(number, encode(record))
            entry = entries.get(request_id)
            if entry is None:
                entry = entries[request_id] = Entry()
            self._file(entry, record)
        return last

    def _file(self, entry: Entry, record: RequestMade | StatusChanged | EmailSent | ReplyStored) -> None:
        """One request record into its request's entry."""
        if isinstance(record, RequestMade):
            entry.request = record
        elif isinstance(record, StatusChanged):
            entry.events.append(record)
        elif isinstance(record, EmailSent):
            entry.sent_mail.append(record)
        else:
            entry.replies.append(record)
            self.summary.max_reply = max(self.summary.max_reply, record.id)

    def _place(self, entries: dict[int, Entry]) -> list[Key]:
        """Each gathered entry into its chunk with its listed facts, counted by state; the due
        keys of the requests whose clock runs."""
        summary = self.summary
        keys: list[Key] = []
        counts: dict[str, int] = {}
        for request_id in sorted(entries):
            chunk = chunk_of(request_id)
            if chunk not in self._entries:
                self._new_chunk(chunk)
            entry = entries[request_id]
            self._entries[chunk][request_id] = entry
            if entry.request is None:
                continue
            listed = listed_of(entry.request, current(entry.request, entry.events))
            self._facts[chunk][request_id] = listed
            counts[listed.state.value] = counts.get(listed.state.value, 0) + 1
            if clocked(listed):
                keys.append(due_key(listed))
            summary.requests += 1
            summary.max_request = max(summary.max_request, request_id)
        summary.by_state = counts
        return keys

    def _apply_all(self, records: Iterable[tuple[int, bytes]]) -> None:
        for number, data in records:
            if number > self.point:
                self.apply(number, decode(number, data))

    # --- applying records ---------------------------------------------------------------------

    def apply(self, number: int, record: Record) -> None:
        """Apply record `number` (the next after this state's point; one already held is skipped)."""
        if number <= self.point:
            return
        if number != self.point + 1:
            raise IndexDamaged(f"record {self.point + 1} was not applied")
        if isinstance(record, REST_TYPES):
            self._rest_fold().apply_rest(record)
            self._rest_dirty = True
        elif isinstance(record, RequestMade):
            entry = self._entry(record.id)
            if entry.request is None:
                self.summary.requests += 1
            entry.request = record
            self.summary.max_request = max(self.summary.max_request, record.id)
            self._relist(record.id, entry)
        elif isinstance(record, StatusChanged):
            entry = self._entry(record.request_id)
            entry.events.append(record)
            if entry.request is not None:
                self._relist(record.request_id, entry)
        elif isinstance(record, EmailSent):
            self._entry(record.request_id).sent_mail.append(record)
            if self._rest_fold().settle(record.message_id):  # its sending claim, if one is open
                self._rest_dirty = True
        elif isinstance(record, ReplyStored):
            self._entry(record.request_id).replies.append(record)
            self.summary.max_reply = max(self.summary.max_reply, record.id)
        else:  # a type in the union that this index forgot: never file it as something else
            raise too_new(number, encode(record))
        self.point = number
        self.changed = True

    def _relist(self, request_id: int, entry: Entry) -> None:
        assert entry.request is not None
        facts = self._chunk_facts(chunk_of(request_id))
        old = facts.get(request_id)
        new = listed_of(entry.request, current(entry.request, entry.events))
        counts = self.summary.by_state
        if old is not None:
            left = counts.get(old.state.value, 0) - 1
            if left < 0:
                raise IndexDamaged("the counts by state do not match the requests")
            if left:
                counts[old.state.value] = left
            else:
                counts.pop(old.state.value, None)
            if clocked(old):
                self.due.remove(due_key(old))
        counts[new.state.value] = counts.get(new.state.value, 0) + 1
        if clocked(new):
            self.due.add(due_key(new))
        facts[request_id] = new
        self._dirty_facts.add(chunk_of(request_id))

    # --- reading parts ------------------------------------------------------------------------

    def _tags(self, chunk: int) -> bytes | None:
        tags = self.summary.chunks.get(chunk)
        if tags is not None and len(tags) != 32:
            raise IndexDamaged("a chunk's tags are damaged")
        return tags

    def _part(self, kind: int, key: int, tag: bytes) -> bytes:
        data = self.vault.part(kind, key, tag)
        if data is None:
            raise IndexDamaged("a part of the index is missing, stale or damaged")
        return data

    def _load_page(self, key: int, tag: bytes) -> bytes | None:
        return self.vault.part(DUE, key, tag)

    def _new_chunk(self, chunk: int) -> None:
        self._facts[chunk], self._entries[chunk] = {}, {}
        self._dirty_facts.add(chunk)
        self._dirty_entries.add(chunk)

    def _decode_facts(self, chunk: int, tags: bytes) -> list[Listed]:
        items = decode_facts(self._part(FACTS, chunk, tags[:16]))
        if any(chunk_of(item.id) != chunk for item in items):
            raise IndexDamaged("a chunk of facts holds a request of another chunk")
        return items

    def _chunk_facts(self, chunk: int) -> dict[int, Listed]:
        facts = self._facts.get(chunk)
        if facts is None:
            tags = self._tags(chunk)
            if tags is None:
                self._new_chunk(chunk)
                return self._facts[chunk]
            facts = {item.id: item for item in self._decode_facts(chunk, tags)}
            self._facts[chunk] = facts
        return facts

    def _chunk_entries(self, chunk: int) -> dict[int, Entry | msgspec.Raw]:
        entries = self._entries.get(chunk)
        if entries is None:
            tags = self._tags(chunk)
            if tags is None:
                self._new_chunk(chunk)
                return self._entries[chunk]
            pairs = decode_entries(self._part(ENTRIES, chunk, tags[16:]))
            entries = dict(pairs)
            if len(entries) != len(pairs) or any(chunk_of(i) != chunk for i in entries):
                raise IndexDamaged("a chunk of requests holds a request twice or of another chunk")
            self._entries[chunk] = entries
        return entries

    def _stored_entry(self, request_id: int) -> Entry | None:
        entries = self._chunk_entries(chunk_of(request_id))
        entry = entries.get(request_id)
        if isinstance(entry, msgspec.Raw):
            entry = entries[request_id] = decode_entry(entry)
        return entry

    def _entry(self, request_id: int) -> Entry:
        """The request's entry, to change (created if new; its chunk marked to write)."""
        entry = self._stored_entry(request_id)
        if entry is None:
            entry = Entry()
            self._entries[chunk_of(request_id)][request_id] = entry
        self._dirty_entries.add(chunk_of(request_id))
        return entry

    def _rest_fold(self) -> Fold:
        if self._rest is None:
            fold = Fold()
            if self.summary.rest:
                fold.fill_rest(decode_rest(self._part(REST, 0, self.summary.rest)), self.point)
            self._rest = fold
        return self._rest

    # --- questions (inside one view, after `sync`) ------------------------------------------

    def entry(self, request_id: int) -> Entry | None:
        """The request's records, or None if the log has none about it."""
        return self.guarded(lambda: self._stored_entry(request_id))

    def has_request(self, request_id: int) -> bool:
        entry = self.entry(request_id)
        return entry is not None and entry.request is not None

    def rest(self) -> Rest:
        return self.guarded(lambda: self._rest_fold().rest())

    def entries(self) -> list[tuple[int, Entry]]:
        """Every request's records, by id."""
        return self.guarded(self._all_entries)

    def _all_entries(self) -> list[tuple[int, Entry]]:
        out = []
        for chunk in sorted(self.summary.chunks.keys() | self._entries.keys()):
            for request_id in sorted(self._chunk_entries(chunk)):
                entry = self._stored_entry(request_id)
                assert entry is not None
                out.append((request_id, entry))
            if chunk not in self._dirty_entries:  # what was only read is not kept
                self._entries.pop(chunk, None)
        return out

    def listed(self, request_ids: Iterable[int]) -> list[Listed]:
        """The listed facts of these requests (each must exist), in the order given."""
        wanted = list(request_ids)

        def read() -> list[Listed]:
            out = []
            for request_id in wanted:
                found = self._chunk_facts(chunk_of(request_id)).get(request_id)
                if found is None:
                    raise IndexDamaged("the due-date index names a request the index does not hold")
                out.append(found)
            return out

        return self.guarded(read)

    def all_listed(self) -> Iterator[Listed]:
        """Every request's listed facts, by id, a chunk at a time (memory stays flat: a chunk
        that was only read is not kept). A damaged chunk found on the way rebuilds the index,
        and the listing goes on from that chunk."""
        done: int | None = None
        while True:
            chunks = sorted(self.summary.chunks.keys() | self._facts.keys())
            todo = [c for c in chunks if done is None or c > done]
            try:
                for chunk in todo:
                    facts = self._facts.get(chunk)
                    if facts is not None:
                        items = [facts[i] for i in sorted(facts)]
                    else:
                        tags = self._tags(chunk)
                        assert tags is not None
                        items = sorted(self._decode_facts(chunk, tags), key=lambda item: item.id)
                    yield from items
                    done = chunk
                return
            except IndexDamaged:
                self.rebuild()

    def first_unclocked(self, n: int) -> list[Listed]:
        """The first `n` requests by id that are not in the due-date index."""
        out: list[Listed] = []
        for listed in self.all_listed():
            if len(out) >= n:
                break
            if not clocked(listed):
                out.append(listed)
        return out

    def first_due(self, n: int) -> list[Key]:
        return self.guarded(lambda: self.due.first(n))

    def count_due_before(self, day: dt.date) -> int:
        """Requests awaiting an answer whose due date is before `day`."""
        return self.guarded(lambda: self.due.count_before(day.toordinal()))

    # --- writing ------------------------------------------------------------------------------

    def applying(self, number: int, record: Record) -> None:
        """Apply a record about to be appended in the open transaction (kept until commit, so
        that a rebuild in the same transaction applies it again)."""
        self.guarded(lambda: self.apply(number, record))
        self._pending.append((number, record))

    def write(self, tx: Transaction) -> None:
        """Write every changed part and the root in the open transaction, bound to its last record."""
        if tx.count != self.point:
            raise IndexDamaged("the index does not hold every record of the transaction")
        if self.rewrite:
            tx.drop_parts()
        chunks = self._dirty_facts | self._dirty_entries
        for chunk in sorted(chunks):
            tags = self.summary.chunks.get(chunk, _NO_TAGS)
            facts_tag, entries_tag = tags[:16], tags[16:]
            if chunk in self._dirty_facts:
                facts = self._facts[chunk]
                facts_tag = tx.put_part(FACTS, chunk, encode_facts([facts[i] for i in sorted(facts)]))
            if chunk in self._dirty_entries:
                entries = self._entries[chunk]
                pairs = [(i, entries[i]) for i in sorted(entries)]
                entries_tag = tx.put_part(ENTRIES, chunk, encode_entries(pairs))
            self.summary.chunks[chunk] = facts_tag + entries_tag
        for ref, data in self.due.pages_to_write():
            ref.tag = tx.put_part(DUE, ref.key, data)
        if not self.rewrite:
            for key in self.due.dropped:
                tx.drop_part(DUE, key)
        if self._rest_dirty and self._rest is not None:
            self.summary.rest = tx.put_part(REST, 0, encode_rest(self._rest.rest()))
        self.summary.due, self.summary.next_page = self.due.refs, self.due.next_key
        self._written_tag = tx.set_snapshot(encode_root(self.summary))

    def committed(self) -> None:
        """The transaction that `write` wrote into was committed: this state is the stored one."""
        self.root_tag, self._written_tag = self._written_tag, None
        self.changed = self.rewrite = self._rest_dirty = False
        self._dirty_facts.clear()
        self._dirty_entries.clear()
        self.due.written()
        self._pending.clear()

    def invalidate(self) -> None:
        """Forget everything held in memory (a transaction failed): the next `sync` reads the
        stored root again."""
        self._reset(self.summary, self.point, None)
        self.root_tag = b"\x00" * 16  # matches no stored root: the next sync reads it again

    # --- checking (vault verify) --------------------------------------------------------------

    def part_count(self) -> int:
        """How many parts the root stands for (every other stored part is left over)."""
        return 2 * len(self.summary.chunks) + len(self.summary.due) + (1 if self.summary.rest else 0)

    def differences(self, truth: RequestIndex) -> list[str]:
        """What this index says that `truth` (an index built from every record) does not: each
        request's records and listed facts, the due-date index, the rest, the counts. Reading a
        damaged part rebuilds this index (then `origin` is "rebuilt")."""
        out = []
        mine, theirs = self.summary, truth.summary
        for name in ("requests", "max_request", "max_reply", "by_state"):
            if getattr(mine, name) != getattr(theirs, name):
                out.append(f"its summary ({name.replace('_', ' ')}) differs")
        if self.entries() != truth.entries():
            out.append("its requests differ")
        if list(self.all_listed()) != list(truth.all_listed()):
            out.append("its listed facts differ")
        if self.guarded(lambda: list(self.due)) != list(truth.due):
            out.append("its due-date index differs")
        if self.rest() != truth.rest():
            out.append("its profile, clients, batches, scans, findings, campaigns or sending claims differ")
        return out
