"""The vault's public face: an append-only log of opaque records, sealed at rest.

How records, the head and the snapshot are bound together is in `chain`; the file and its
writer lock in `store` (its write-ahead log read first by `wal`); unlocking in `unlock`; a
writer's hold in `transaction`; the last state seen outside the file in `seen`; blobs in `blobs`.

Opening is O(new records): the chain is verified from the end of the last sealed snapshot (a
point the snapshot is bound to) to the head, and those records are decrypted once and handed to
the journal (`load`). `records()` and `verify()` walk the whole chain.

Writing goes through `transaction()`: it takes the writer lock (SQLite's BEGIN IMMEDIATE),
catches up with what other processes appended (verified, handed over as `new_records`), and
lets the caller append records, blobs and a snapshot; `commit()` makes them durable, then
records the new head outside the vault.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from broker_audit.errors import UserError, VaultCorrupt, VaultError, VaultExists, VaultLocked, VaultOlder
from broker_audit.i18n import _, ngettext
from broker_audit.vault import blobs, crypto, keys
from broker_audit.vault.blobs import BlobRef
from broker_audit.vault.chain import (
    ZERO_TAG,
    Head,
    part_ad,
    read_head,
    seal_head,
    snapshot_ad,
    tag_of,
    walk,
)
from broker_audit.vault.keys import Slot, keyring_available
from broker_audit.vault.seen import SeenState, SeenStore
from broker_audit.vault.store import FORMAT_VERSION, RESTORE_HINT, WAL_HINT, Header, Store, remove_files
from broker_audit.vault.transaction import Transaction
from broker_audit.vault.unlock import is_legacy, unlock

__all__ = ["BlobRef", "Loaded", "OpenInfo", "Transaction", "Vault", "default_vault_path", "keyring_available"]

VAULT_ID_BYTES = 16
_TOO_MANY: list[tuple[int, bytes]] = []  # marks records verified at open but not kept


def default_vault_path() -> Path:
    """Where the vault lives unless --vault or BROKER_AUDIT_VAULT says otherwise."""
    import platformdirs

    return platformdirs.user_data_path("broker-audit") / "vault.db"


@dataclass(frozen=True)
class OpenInfo:
    """What unlocking found: the record count, the last change, and anything to warn about."""

    records: int
    last_change: dt.datetime | None
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """The line shown on unlock: N records, last change DATE (no personal data)."""
        when = self.last_change.strftime("%Y-%m-%d %H:%M UTC") if self.last_change else _("unknown")
        return ngettext(
            "{count} record, last change {when}", "{count} records, last change {when}", self.records
        ).format(count=self.records, when=when)


@dataclass
class Loaded:
    """What opening read: the sealed snapshot's plaintext (if valid) and the records after it
    (a list; or, when there were more than `KEEP_AT_OPEN`, an iterator that reads them again)."""

    snapshot: bytes | None
    snapshot_count: int
    records: Iterable[tuple[int, bytes]] = field(default_factory=list)
    snapshot_tag: bytes | None = None  # which stored snapshot was read (its seal's tag), if any


KEEP_AT_OPEN = 65_536
"""Records after the snapshot whose plaintexts opening keeps for `load`, so that each is
decrypted once. Beyond that (the first open of a large vault without an index) they are verified
and dropped, and `load` reads them again as they are consumed: memory, not time, is what runs out."""


@dataclass(frozen=True)
class VerifyReport:
    """The result of a full walk: records, blobs and chunks checked; the snapshot's point."""

    records: int
    blobs: int
    chunks: int
    snapshot_count: int | None
    parts: int = 0  # derived parts that open (what they say is checked by the tracking layer)


class Vault:
    """An open, unlocked vault. Create with `Vault.create`, open with `Vault.open`."""

    path: Path

    def __init__(
        self, path: Path, store: Store, header: Header, data_key: bytes, *, use_keyring: bool = True
    ) -> None:
        self.path = path
        self._store: Store | None = store
        self._vault_id = header.vault_id
        self._key: bytes | None = data_key  # needed to wrap a new passphrase slot
        self._sealer: crypto.Sealer | None = crypto.Sealer(data_key)
        in_keyring = use_keyring and any(s.kind == "keyring" for s in header.slots) and keyring_available()
        self._seen = SeenStore(header.vault_id, data_key, in_keyring=in_keyring)
        self._count, self._tag, self._changed_at = 0, ZERO_TAG, 0  # the verified end this handle knows
        self._loaded: Loaded | None = None
        self._snapshot_count: int | None = None
        self._write_refusal: VaultError | None = None
        self.info = OpenInfo(records=0, last_change=None)

    def derived_key(self, info: bytes) -> bytes:
        """A key for one purpose (`info`), derived from this vault's data key: stable for the
        vault's life (a new passphrase rewraps the data key, it does not change it)."""
        if self._key is None:
            raise VaultError(_("the vault is closed"))
        return crypto.hkdf_key(self._key, self._vault_id, info)

    # --- create and open ---------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, passphrase: str | None, use_keyring: bool) -> tuple[Vault, str]:
        """Create a new vault file (mode 0600; parent dirs created 0700 if missing).

        Slots: keyring (if use_keyring and a secure backend exists), passphrase (if given), and
        always a recovery key. Raises VaultLocked if neither keyring nor passphrase results, and
        VaultExists if the file exists. Returns the open vault and the recovery key text, which
        must be shown to the user once and is never stored.
        """
        path = Path(path)
        if path.exists():
            raise VaultExists(
                _("a vault already exists at this path"), _("open it, or choose another --vault path")
            )
        if passphrase is not None and not passphrase:
            raise UserError(_("an empty passphrase cannot protect the vault"), _("choose a passphrase"))
        vault_id, data_key = secrets.token_bytes(VAULT_ID_BYTES), crypto.new_key()
        slots: list[Slot] = []
        secret = keys.keyring_store(vault_id) if use_keyring else None
        if secret is not None:
            slots.append(keys.keyring_slot(vault_id, data_key, secret))
        if passphrase:
            slots.append(keys.passphrase_slot(vault_id, data_key, passphrase))
        if not slots:
            raise VaultLocked(
                _("no secure OS keyring is available, so the vault needs a passphrase"),
                _("run `broker-audit init` again and give a passphrase (prompt or BROKER_AUDIT_PASSPHRASE)"),
            )
        recovery, recovery_text = keys.recovery_slot(vault_id, data_key)
        header = Header(FORMAT_VERSION, vault_id, (*slots, recovery))
        sealer = crypto.Sealer(data_key)
        empty = Head(0, ZERO_TAG, int(time.time()))
        try:
            store = Store.create(path, header, lambda st: st.write_head(*seal_head(sealer, header, empty)))
        except BaseException:
            if secret is not None:
                keys.keyring_delete(vault_id)
            raise
        vault = cls(path, store, header, data_key, use_keyring=use_keyring)
        vault._count, vault._changed_at = 0, empty.changed_at
        vault._loaded = Loaded(snapshot=None, snapshot_count=0)
        vault.info = OpenInfo(records=0, last_change=_when(empty.changed_at))
        vault._save_seen(rebase=True)
        return vault, recovery_text

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        passphrase: Callable[[], str] | None = None,
        recovery_key: str | None = None,
        use_keyring: bool = True,
    ) -> Vault:
        """Unlock and verify a vault.

        Tries the recovery key if given; else the keyring slot if usable and present; else calls
        `passphrase` (it may prompt). Wrong key -> VaultLocked. Verifies the sealed head and the
        records after the last sealed snapshot (all of them if there is none); any mismatch ->
        VaultCorrupt naming the first bad record. A write-ahead log whose damage would drop saved
        changes -> VaultCorrupt. No file -> VaultNotFound; newer format -> VaultTooNew.
        A vault older than the last one seen on this computer opens with a warning in `info`.
        """
        path = Path(path)
        store = Store.open(path)
        try:
            with store.snapshot():
                header = store.read_header()
                data_key, typed_passphrase = unlock(header, passphrase, recovery_key, use_keyring)
                vault = cls(path, store, header, data_key, use_keyring=use_keyring)
                vault._load(header)
                vault._compare_with_seen()
            vault._recheck_older()  # outside the read snapshot: another run may just have written
            if not store.read_only:  # a torn log is kept as it is until a write is allowed
                vault._upgrade(typed_passphrase)
        except BaseException:
            store.close()
            raise
        return vault

    # --- reading -----------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """The number of records this handle has verified (the head when it last looked)."""
        return self._count

    @property
    def epoch(self) -> int:
        """Changes whenever this handle starts a new view of the file (a read or a write
        transaction): what was read in one epoch need not hold in the next."""
        store, _sealer = self._open_parts()
        return store.epoch

    @property
    def snapshot_count(self) -> int | None:
        """The record number the stored snapshot is bound to, if it is valid (else None)."""
        return self._snapshot_count

    def load(self) -> Loaded:
        """The snapshot and the verified records after it, as read when the vault was opened.

        Each record was decrypted once, by the verification; this hands the plaintexts over and
        forgets them. A second call walks the whole chain again (with no snapshot)."""
        loaded, self._loaded = self._loaded, None
        if loaded is None:
            return Loaded(snapshot=None, snapshot_count=0, records=self.records())
        if loaded.records is _TOO_MANY:
            loaded.records = self.iter_records(loaded.snapshot_count)
        return loaded

    def records(self) -> list[tuple[int, bytes]]:
        """All records, decrypted and verified from the first, in order."""
        return list(self.iter_records(to_head=False))

    def iter_records(self, after: int = 0, *, to_head: bool = True) -> Iterator[tuple[int, bytes]]:
        """The records after record `after` (all from the first by default) to the head, each
        decrypted and verified as it is read, chained from the stored tag of record `after`; in
        one read of the file. VaultCorrupt if `after` lies beyond the head or the chain breaks.
        Rows after the head (appended in this handle's open transaction) are not read, unless
        `to_head` is off: then one is an error, as in the full walk."""
        store, sealer = self._open_parts()
        with store.snapshot():
            head = read_head(store, sealer, store.read_header())
            prev = ZERO_TAG if after == 0 else store.record_tag(after)
            if prev is None or not 0 <= after <= head.count:
                raise VaultCorrupt(
                    _("vault record {after} is missing or beyond the sealed end").format(after=after),
                    RESTORE_HINT,
                )
            yield from walk(store, sealer, self._vault_id, after, prev, head, to_head=to_head)

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view of the file for every read in the block (nests in a write)."""
        store, _sealer = self._open_parts()
        with store.snapshot():
            yield

    def snapshot_tag(self) -> bytes | None:
        """Which snapshot is stored now (its seal's tag), without opening it: a reader compares
        it with the one it read to see whether another writer has moved the derived state."""
        store, _sealer = self._open_parts()
        return store.snapshot_tag()

    def stored_snapshot(self) -> tuple[int, bytes] | None:
        """(n, plaintext) of the stored snapshot if it opens at a point that exists in this
        history (not beyond the head); None otherwise."""
        store, sealer = self._open_parts()
        with store.snapshot():
            head = read_head(store, sealer, store.read_header())
            found = self._read_snapshot(head)
        return None if found is None else (found[0], found[2])

    def part(self, kind: int, key: int, tag: bytes) -> bytes | None:
        """The plaintext of the derived part (kind, key) if it is stored, has the tag `tag` (the
        one the snapshot holds for it) and opens; None otherwise (missing, stale, damaged)."""
        store, sealer = self._open_parts()
        row = store.read_part(kind, key)
        if row is None:
            return None
        nonce, sealed = row
        if len(sealed) < crypto.TAG_BYTES or not hmac.compare_digest(tag_of(sealed), tag):
            return None
        try:
            return sealer.open(nonce, sealed, part_ad(self._vault_id, kind, key))
        except crypto.InvalidTag:
            return None

    def verify(self) -> VerifyReport:
        """The full walk: every record from the first, the head, every blob chunk, the snapshot."""
        store, sealer = self._open_parts()
        with store.snapshot():
            head = read_head(store, sealer, store.read_header())
            checked = sum(1 for _ in walk(store, sealer, self._vault_id, 0, ZERO_TAG, head))
            blob_count, chunk_count = self._verify_blobs(head.count)
            parts = self._verify_parts()
            snapshot = self._read_snapshot(head)
        return VerifyReport(
            records=checked,
            blobs=blob_count,
            chunks=chunk_count,
            snapshot_count=None if snapshot is None else snapshot[0],
            parts=parts,
        )

    def read_blob(self, ref: BlobRef) -> Iterator[bytes]:
        """The blob's chunks, each verified as it is read; VaultCorrupt on any mismatch."""
        store, sealer = self._open_parts()
        size = 0
        if store.blob_chunk_count(ref.blob_id) != ref.chunks:
            raise VaultCorrupt(_("a stored attachment has missing or extra parts"), RESTORE_HINT)
        for idx in range(ref.chunks):
            row = store.blob_chunk(ref.blob_id, idx)
            if row is None:
                raise VaultCorrupt(
                    _("part {value} of a stored attachment is missing").format(value=idx + 1), RESTORE_HINT
                )
            chunks, record, nonce, sealed = row
            ad = blobs.chunk_ad(self._vault_id, ref.blob_id, ref.record, idx, ref.chunks)
            try:
                if chunks != ref.chunks or record != ref.record:
                    raise crypto.InvalidTag()
                plain = sealer.open(nonce, sealed, ad)
            except crypto.InvalidTag:
                raise VaultCorrupt(
                    _("part {value} of a stored attachment is damaged, changed or out of place").format(
                        value=idx + 1
                    ),
                    RESTORE_HINT,
                ) from None
            size += len(plain)
            if size > ref.size:
                break
            yield plain
        if size != ref.size:
            raise VaultCorrupt(_("a stored attachment does not have the size its record gives"), RESTORE_HINT)

    # --- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the writer lock for the block (waiting up to `store.LOCK_WAIT_MS` for another
        writer, then VaultError "in use"). `Transaction.new_records` holds what other processes
        appended since this handle last looked. Nothing is stored unless `commit()` is called;
        an exception rolls back what was not committed."""
        with self._transaction(wait=True) as tx:
            assert tx is not None
            yield tx

    @contextlib.contextmanager
    def try_transaction(self) -> Iterator[Transaction | None]:
        """Like `transaction`, but yields None at once if another writer holds the lock, the
        vault must not be written, or it is open read-only (for optional work: a snapshot)."""
        if self._write_refusal is not None or self._open_parts()[0].read_only:
            yield None
            return
        with self._transaction(wait=False) as tx:
            yield tx

    def append(self, record: bytes) -> int:
        """Seal and store one record; durable when this returns. Returns its number (1-based)."""
        return self.append_many([record])[0]

    def append_many(self, records: Sequence[bytes]) -> list[int]:
        """Seal and store several records in one transaction; returns their numbers."""
        with self.transaction() as tx:
            numbers = tx.append(records)
            tx.commit()
        return numbers

    # --- keys --------------------------------------------------------------------------------

    def slots(self) -> list[str]:
        """The kinds of key slot this vault has, e.g. ["keyring", "passphrase", "recovery"]."""
        store, _sealer = self._open_parts()
        with store.snapshot():
            present = {slot.kind for slot in store.read_header().slots}
        return [kind for kind in keys.SLOT_ORDER if kind in present]

    def change_passphrase(self, new: str) -> None:
        """Add the passphrase slot, or replace it (new salt, current default Argon2id cost)."""
        if not new:
            raise UserError(_("an empty passphrase cannot protect the vault"), _("choose a passphrase"))
        self._open_parts()
        assert self._key is not None
        slot = keys.passphrase_slot(self._vault_id, self._key, new)
        self._replace_slots(lambda old: (*(s for s in old if s.kind != "passphrase"), slot))

    @property
    def read_only_until_accepted(self) -> bool:
        """True for an older or different copy than the one last seen here (see `accept`)."""
        return isinstance(self._write_refusal, VaultOlder)

    def accept(self) -> bool:
        """The user takes this copy, older or different, as the one to go on with: it becomes the
        state remembered here and may be written. False if there was nothing to accept."""
        if not isinstance(self._write_refusal, VaultOlder):
            return False
        self._write_refusal = None
        self._save_seen(rebase=True)
        self.info = OpenInfo(records=self.info.records, last_change=self.info.last_change)
        return True

    def forget(self) -> None:
        """Crypto-shred: delete the keyring entries, overwrite every key slot and commit, then
        delete the vault file (records, blobs, snapshot) and its -wal/-shm companions, and the
        last state remembered outside it."""
        store, _sealer = self._open_parts()
        try:
            with store.snapshot():
                kinds = {slot.kind for slot in store.read_header().slots}
        except VaultError:
            kinds = {"keyring"}  # cannot tell: try the keyring anyway
        if "keyring" in kinds:
            keys.keyring_delete(self._vault_id)
        try:
            with store.transaction():
                store.overwrite_slot_keys()
            with contextlib.suppress(VaultError):
                store.checkpoint()  # move the overwritten page into the main file now
        finally:
            self._seen.forget()
            self.close()
            remove_files(self.path)

    def close(self) -> None:
        """Close the file and drop the key from this object."""
        if self._store is not None:
            self._store.close()
        self._store, self._sealer, self._key = None, None, None
        self._loaded = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals ---------------------------------------------------------------------------

    def _open_parts(self) -> tuple[Store, crypto.Sealer]:
        if self._store is None or self._sealer is None:
            raise VaultError(_("the vault is closed"), _("open it again"))
        return self._store, self._sealer

    def _read_snapshot(self, head: Head) -> tuple[int, bytes, bytes] | None:
        """(n, tag of record n, plaintext) of the stored snapshot, if it opens at a point that
        exists in this history; None otherwise (none, stale beyond the head, damaged)."""
        store, sealer = self._open_parts()
        row = store.read_snapshot()
        if row is None:
            return None
        n, nonce, sealed = row
        if not 0 <= n <= head.count:
            return None
        tag = ZERO_TAG if n == 0 else store.record_tag(n)
        if tag is None:
            return None
        try:
            return n, tag, sealer.open(nonce, sealed, snapshot_ad(self._vault_id, n, tag))
        except crypto.InvalidTag:
            return None

    def _load(self, header: Header) -> None:
        """Verify from the snapshot's point to the head, keeping the plaintexts for `load`."""
        store, sealer = self._open_parts()
        head = read_head(store, sealer, header)
        snapshot = self._read_snapshot(head)
        after, prev = (snapshot[0], snapshot[1]) if snapshot else (0, ZERO_TAG)
        records: list[tuple[int, bytes]] = []
        for n, plain in walk(store, sealer, self._vault_id, after, prev, head):
            if records is not _TOO_MANY:
                records.append((n, plain))
                if len(records) > KEEP_AT_OPEN:
                    records = _TOO_MANY
        self._loaded = Loaded(
            snapshot=snapshot[2] if snapshot else None,
            snapshot_count=after,
            records=records,
            snapshot_tag=store.snapshot_tag(),
        )
        self._snapshot_count = after if snapshot else None
        self._count, self._tag, self._changed_at = head.count, head.last_tag, head.changed_at

    def _holds(self, state: SeenState) -> bool:
        """True if this vault's record `state.count` exists and has tag `state.head`."""
        store, _sealer = self._open_parts()
        if state.count == 0:
            return state.head == ZERO_TAG
        return store.record_tag(state.count) == state.head

    def _seen_state(self) -> SeenState:
        return SeenState(count=self._count, head=self._tag, changed_at=self._changed_at)

    def _save_seen(self, *, rebase: bool) -> None:
        store, _sealer = self._open_parts()
        with store.snapshot():
            self._seen.save(self._seen_state(), contains=self._holds, rebase=rebase)

    def _compare_with_seen(self) -> None:
        """Compare with the last state seen on this computer: warn about an older or different
        copy, refuse writes if the write-ahead log lost what was seen, else remember this one."""
        store, _sealer = self._open_parts()
        seen = self._seen.load()
        warnings = [self._seen.problem] if self._seen.problem else []
        count = self._count
        # A log with a torn tail may be hiding damage: what it shows is never remembered as
        # seen (the first write, if one is allowed, records the state it builds on).
        remember = not store.wal.torn_frames
        if seen is None:
            if store.wal.torn_frames:
                warnings.append(
                    _(
                        "the vault's write-ahead log ends with an incomplete write (a crash, or "
                        "damage): if a change you saw saved is missing, restore the vault from a backup"
                    )
                )
            elif remember:
                self._seen.save(self._seen_state(), contains=self._holds)
        elif self._holds(seen):
            if remember and (seen.count < count or seen.changed_at != self._changed_at):
                self._seen.save(self._seen_state(), contains=self._holds)
        elif seen.count > count:
            when = _when(seen.changed_at)
            warnings.append(
                _(
                    "this vault is older than the one last seen on this computer: it has {count} "
                    "records, {count2} were seen"
                ).format(count=count, count2=seen.count)
                + (_(" (last change {when:%Y-%m-%d %H:%M} UTC)").format(when=when) if when else "")
                + _("; a restored backup or a sync conflict? Keep the newer copy if you have it")
            )
            if store.wal.torn_frames:
                self._write_refusal = VaultCorrupt(
                    _(
                        "the vault's write-ahead log (vault.db-wal) lost saved changes: {value} "
                        "record(s) seen on this computer are missing; nothing is written to it"
                    ).format(value=seen.count - count),
                    WAL_HINT,
                )
            else:
                self._write_refusal = VaultOlder(
                    _(
                        "this vault is older than the one last seen on this computer ({count} records, "
                        "{count2} were seen): it is read, not written, so the newer copy is not "
                        "forgotten"
                    ).format(count=count, count2=seen.count),
                    _(
                        "find the newer copy; or, to go on with this one and give up what only the "
                        "newer one holds, run `broker-audit vault accept`"
                    ),
                )
        else:
            warnings.append(
                _(
                    "this vault differs from the one last seen on this computer ({count} records "
                    "then, {count2} now, with a different history): a sync conflict, or another "
                    "copy?"
                ).format(count=seen.count, count2=count)
            )
            self._write_refusal = VaultOlder(
                _(
                    "this vault differs from the one last seen on this computer (another history): "
                    "it is read, not written, so neither copy is lost"
                ),
                _("keep the copy you want; to go on with this one, run `broker-audit vault accept`"),
            )
        self.info = OpenInfo(records=count, last_change=_when(self._changed_at), warnings=tuple(warnings))

    def _recheck_older(self) -> None:
        """An open that found the vault behind the state last seen here may only have raced a
        writer: its read snapshot began before another run committed and recorded the new state.
        Read again, outside the snapshot: if the file now holds what was seen, it is not an older
        copy, and neither the warning nor the refusal stands."""
        if not isinstance(self._write_refusal, VaultOlder):
            return
        seen = self._seen.load()
        if seen is None or not self._holds(seen):
            return
        self._write_refusal = None
        self.info = OpenInfo(
            records=self.info.records,
            last_change=self.info.last_change,
            warnings=tuple(w for w in self.info.warnings if _("last seen on this computer") not in w),
        )

    def _upgrade(self, typed_passphrase: str | None) -> None:
        """Named migrations, and a passphrase slot from before format 2 re-wrapped with today's
        cost when the passphrase was just typed. Skipped when the vault must not be written
        (it is read as it is; any write runs the migrations first)."""
        store, sealer = self._open_parts()
        with store.snapshot():
            header = store.read_header()
        slot = next((s for s in header.slots if s.kind == "passphrase"), None)
        legacy = slot is not None and typed_passphrase is not None and is_legacy(slot)
        if self._write_refusal is not None:
            return
        if not (store.pending_migrations() or legacy):
            return
        with store.transaction():
            current = store.read_header()
            head = read_head(store, sealer, current)
            slots = current.slots
            if legacy and self._key is not None and typed_passphrase is not None:
                fresh = keys.passphrase_slot(self._vault_id, self._key, typed_passphrase)
                slots = (*(s for s in slots if s.kind != "passphrase"), fresh)
            store.migrate()
            new_header = store.write_slots(slots)
            store.write_head(*seal_head(sealer, new_header, head))

    def _replace_slots(self, change: Callable[[tuple[Slot, ...]], tuple[Slot, ...]]) -> None:
        store, sealer = self._open_parts()
        if self._write_refusal is not None:
            raise self._write_refusal
        with store.transaction():
            header = store.read_header()
            head = read_head(store, sealer, header)
            new_header = store.write_slots(change(header.slots))
            store.write_head(*seal_head(sealer, new_header, head))

    def _verify_blobs(self, count: int) -> tuple[int, int]:
        """Check every stored chunk opens and every blob is whole; (blobs, chunks)."""
        store, sealer = self._open_parts()
        seen: dict[bytes, tuple[int, int, int]] = {}  # blob id -> (chunks, record, next index)
        total = 0
        for blob_id, idx, chunks, record, nonce, sealed in store.iter_blob_chunks():
            if not (
                isinstance(blob_id, bytes)
                and all(isinstance(x, int) for x in (idx, chunks, record))
                and isinstance(nonce, bytes)
                and isinstance(sealed, bytes)
            ):
                raise VaultCorrupt(_("a stored attachment is damaged"), RESTORE_HINT)
            assert isinstance(idx, int) and isinstance(chunks, int) and isinstance(record, int)
            expected = seen.get(blob_id, (chunks, record, 0))
            if (chunks, record, idx) != expected or not 1 <= record <= count:
                raise VaultCorrupt(_("a stored attachment has missing, extra or moved parts"), RESTORE_HINT)
            try:
                sealer.open(nonce, sealed, blobs.chunk_ad(self._vault_id, blob_id, record, idx, chunks))
            except crypto.InvalidTag:
                raise VaultCorrupt(_("a stored attachment is damaged or was changed"), RESTORE_HINT) from None
            seen[blob_id] = (chunks, record, idx + 1)
            total += 1
        if any(nxt != chunks for chunks, _, nxt in seen.values()):
            raise VaultCorrupt(_("a stored attachment has missing parts"), RESTORE_HINT)
        return len(seen), total

    def _verify_parts(self) -> int:
        """How many derived parts are stored; each must open under its own kind and key. A part
        that does not is not an error here (the index is derived, and rebuilt from the records
        when it does not match them): it is simply not counted."""
        store, sealer = self._open_parts()
        good = 0
        for kind, key, nonce, sealed in store.iter_parts():
            if not (isinstance(kind, int) and isinstance(key, int)):
                continue
            if not (isinstance(nonce, bytes) and isinstance(sealed, bytes)):
                continue
            try:
                sealer.open(nonce, sealed, part_ad(self._vault_id, kind, key))
            except crypto.InvalidTag:
                continue
            good += 1
        return good

    @contextlib.contextmanager
    def _transaction(self, *, wait: bool) -> Iterator[Transaction | None]:
        store, _sealer = self._open_parts()
        if self._write_refusal is not None:
            raise self._write_refusal
        if store.pending_migrations():  # opened read-only as an older format: migrate first
            self._upgrade(None)
        if not store.begin(wait=wait):
            yield None
            return
        tx = Transaction(self)
        try:
            tx._catch_up()
            yield tx
        except BaseException:
            store.rollback()
            raise
        store.rollback()  # nothing uncommitted is kept; this releases the lock


def _when(timestamp: int) -> dt.datetime | None:
    if timestamp <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(timestamp, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
