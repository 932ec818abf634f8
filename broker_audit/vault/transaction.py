"""A writer's hold on the vault: `Vault.transaction()` yields one.

BEGIN IMMEDIATE is the writer lock. Inside it the transaction first catches up: the records other
processes appended since this handle last looked are verified and handed over (`new_records`),
so ids and states are computed from the latest log. `commit()` seals the head with the records
and makes them durable, then records the new head outside the vault (`seen`), and takes the lock
again at once so the rest of the block still holds it.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Sequence
from typing import BinaryIO, Protocol

from broker_audit.errors import UserError, VaultCorrupt, VaultError
from broker_audit.i18n import _
from broker_audit.vault import blobs, crypto
from broker_audit.vault.blobs import BlobRef
from broker_audit.vault.chain import Head, part_ad, read_head, record_ad, seal_head, snapshot_ad, tag_of, walk
from broker_audit.vault.store import RESTORE_HINT, Store


class TransactionOwner(Protocol):
    """What a transaction reads and moves on the open vault (`vault.Vault`): its id, its known
    end of the log, its store and sealer, and the record of the last state seen."""

    _vault_id: bytes
    _count: int
    _tag: bytes
    _changed_at: int
    _snapshot_count: int | None

    def _open_parts(self) -> tuple[Store, crypto.Sealer]: ...

    def _save_seen(self, *, rebase: bool) -> None: ...


class Transaction:
    """One writer's hold on the vault. See `Vault.transaction`."""

    def __init__(self, vault: TransactionOwner) -> None:
        self._vault = vault
        self.new_records: list[tuple[int, bytes]] = []
        self._count, self._tag = vault._count, vault._tag
        self._added = False
        self._dirty = False
        self._active = True
        self._snapshot_at: int | None = None

    @property
    def count(self) -> int:
        """The number of records, including those appended in this transaction."""
        return self._count

    @property
    def holds_lock(self) -> bool:
        """False after a commit whose re-locking found another writer (the next append waits)."""
        return self._active

    def take_new_records(self) -> list[tuple[int, bytes]]:
        """Hand over (and forget) the records other processes appended before this hold."""
        new, self.new_records = self.new_records, []
        return new

    def append(self, records: Sequence[bytes]) -> list[int]:
        """Seal and store records after the last one (durable at `commit`); their numbers."""
        store, sealer = self._parts()
        numbers = []
        for record in records:
            n = self._count + 1
            nonce, sealed = sealer.seal(bytes(record), record_ad(self._vault._vault_id, n, self._tag))
            store.add_record(n, nonce, sealed)
            self._count, self._tag = n, tag_of(sealed)
            numbers.append(n)
        if numbers:
            self._added = self._dirty = True
        return numbers

    def put_blob(self, data: bytes | BinaryIO) -> BlobRef:
        """Store `data` (bytes, or a binary file read from its position) as a sealed, chunked
        blob, bound to the next record appended in this transaction, which must reference it."""
        store, sealer = self._parts()
        size = blobs.blob_size(data)
        if size > blobs.MAX_BLOB_BYTES:
            raise UserError(_("the attachment is too large to keep in the vault (over 4 GiB)"))
        ref = BlobRef(
            blob_id=secrets.token_bytes(blobs.BLOB_ID_BYTES),
            record=self._count + 1,
            size=size,
            chunks=blobs.chunk_count(size),
        )
        written = 0
        for idx, chunk in enumerate(blobs.iter_chunks(data, size)):
            ad = blobs.chunk_ad(self._vault._vault_id, ref.blob_id, ref.record, idx, ref.chunks)
            nonce, sealed = sealer.seal(chunk, ad)
            store.add_blob_chunk(ref.blob_id, idx, ref.chunks, ref.record, nonce, sealed)
            written += 1
        if written != ref.chunks:
            raise ValueError("the attachment changed size while it was stored")
        self._dirty = True
        return ref

    def set_snapshot(self, data: bytes) -> bytes:
        """Seal `data` (the derived state after every record so far) as the vault's snapshot,
        bound to the current last record (durable at `commit`); returns its tag."""
        store, sealer = self._parts()
        nonce, sealed = sealer.seal(data, snapshot_ad(self._vault._vault_id, self._count, self._tag))
        store.write_snapshot(self._count, nonce, sealed)
        self._dirty = True
        self._snapshot_at = self._count
        return tag_of(sealed)

    def put_part(self, kind: int, key: int, data: bytes) -> bytes:
        """Seal `data` as the derived part (kind, key), replacing any stored one (durable at
        `commit`); returns its tag, which the snapshot that stands for it must hold."""
        store, sealer = self._parts()
        nonce, sealed = sealer.seal(data, part_ad(self._vault._vault_id, kind, key))
        store.write_part(kind, key, nonce, sealed)
        self._dirty = True
        return tag_of(sealed)

    def drop_part(self, kind: int, key: int) -> None:
        """Remove the derived part (kind, key) if it is stored."""
        store, _ = self._parts()
        store.delete_part(kind, key)
        self._dirty = True

    def drop_parts(self) -> None:
        """Remove every derived part (before an index is written anew)."""
        store, _ = self._parts()
        store.delete_parts()
        self._dirty = True

    def commit(self) -> None:
        """Make everything since the last commit durable (the head is sealed with it), record
        the new head outside the vault, and keep holding the lock if no one else took it."""
        if not self._dirty:
            return
        vault = self._vault
        store, sealer = self._parts()
        if self._added:
            changed_at = int(time.time())
            head = Head(self._count, self._tag, changed_at)
            store.write_head(*seal_head(sealer, store.read_header(), head))
            vault._changed_at = changed_at
        store.commit()  # durable from here on: nothing below may fail the caller
        vault._count, vault._tag = self._count, self._tag
        if self._snapshot_at is not None:
            vault._snapshot_count = self._snapshot_at
            self._snapshot_at = None
        added, self._added, self._dirty = self._added, False, False
        try:
            self._active = store.begin(wait=False)
            if self._active:
                self._catch_up()
        except VaultError:
            self._active = False
        if added:
            with contextlib.suppress(VaultError):
                vault._save_seen(rebase=True)

    # --- internals ---------------------------------------------------------------------------

    def _parts(self) -> tuple[Store, crypto.Sealer]:
        store, sealer = self._vault._open_parts()
        if not self._active:  # the lock was lost after a commit: take it again, catch up
            store.begin(wait=True)
            self._active = True
            self._catch_up()
        return store, sealer

    def _catch_up(self) -> None:
        """Inside the lock: verify what others appended after this handle's end."""
        vault = self._vault
        store, sealer = vault._open_parts()
        header = store.read_header()
        head = read_head(store, sealer, header)
        known, tag = vault._count, vault._tag
        if head.count < known or (known and store.record_tag(known) != tag):
            raise VaultCorrupt(
                _("vault record {known} does not match the sealed head").format(known=known), RESTORE_HINT
            )
        new = list(walk(store, sealer, vault._vault_id, known, tag, head))
        self.new_records.extend(new)
        vault._count, vault._tag, vault._changed_at = head.count, head.last_tag, head.changed_at
        self._count, self._tag = head.count, head.last_tag
