"""The vault's public face: an append-only log of opaque records, sealed at rest.

Each record n is sealed with AES-256-GCM under the data key, with (vault id, n, tag of record
n-1) as associated data, so any changed, removed or reordered record fails to verify. A sealed
head (record count, last tag, hash of the clear header) is rewritten in the same SQLite
transaction as every append, so a dropped tail or an edited key slot is caught too.
"""

from __future__ import annotations

import contextlib
import secrets
import struct
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from broker_audit.errors import UserError, VaultCorrupt, VaultError, VaultExists, VaultLocked
from broker_audit.vault import crypto, keys
from broker_audit.vault.keys import Slot, keyring_available
from broker_audit.vault.store import FORMAT_VERSION, RESTORE_HINT, Header, Store, remove_files

__all__ = ["Vault", "default_vault_path", "keyring_available"]

VAULT_ID_BYTES = 16
_ZERO_TAG = bytes(crypto.TAG_BYTES)
_RECORD_AD = b"broker-audit record v1\x00"
_HEAD_AD = b"broker-audit head v1\x00"
_HEAD = struct.Struct(">Q16s32s")  # record count, last tag, header digest
_N = struct.Struct(">Q")

UNLOCK_HINT = (
    "unlock it with your passphrase (asked, or BROKER_AUDIT_PASSPHRASE); if it is lost, "
    "`broker-audit vault passwd --recovery` sets a new one with the recovery key shown at init"
)


def default_vault_path() -> Path:
    """Where the vault lives unless --vault or BROKER_AUDIT_VAULT says otherwise."""
    import platformdirs

    return platformdirs.user_data_path("broker-audit") / "vault.db"


class Vault:
    """An open, unlocked vault. Create with `Vault.create`, open with `Vault.open`."""

    path: Path

    def __init__(self, path: Path, store: Store, vault_id: bytes, data_key: bytes) -> None:
        self.path = path
        self._store: Store | None = store
        self._vault_id = vault_id
        self._key: bytes | None = data_key  # needed to wrap a new passphrase slot
        self._sealer: crypto.Sealer | None = crypto.Sealer(data_key)

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
                "a vault already exists at this path", "open it, or choose another --vault path"
            )
        if passphrase is not None and not passphrase:
            raise UserError("an empty passphrase cannot protect the vault", "choose a passphrase")
        vault_id, data_key = secrets.token_bytes(VAULT_ID_BYTES), crypto.new_key()
        slots: list[Slot] = []
        secret = keys.keyring_store(vault_id) if use_keyring else None
        if secret is not None:
            slots.append(keys.keyring_slot(vault_id, data_key, secret))
        if passphrase:
            slots.append(keys.passphrase_slot(vault_id, data_key, passphrase))
        if not slots:
            raise VaultLocked(
                "no secure OS keyring is available, so the vault needs a passphrase",
                "run `broker-audit init` again and give a passphrase (prompt or BROKER_AUDIT_PASSPHRASE)",
            )
        recovery, recovery_text = keys.recovery_slot(vault_id, data_key)
        header = Header(FORMAT_VERSION, vault_id, (*slots, recovery))
        sealer = crypto.Sealer(data_key)
        try:
            store = Store.create(
                path, header, lambda st: st.write_head(*_seal_head(sealer, header, 0, _ZERO_TAG))
            )
        except BaseException:
            if secret is not None:
                keys.keyring_delete(vault_id)
            raise
        return cls(path, store, vault_id, data_key), recovery_text

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
        `passphrase` (it may prompt). Wrong key -> VaultLocked. Verifies every record and the
        sealed head; any mismatch -> VaultCorrupt naming the first bad record. No file ->
        VaultNotFound; newer format -> VaultTooNew.
        """
        path = Path(path)
        store = Store.open(path)
        try:
            with store.snapshot():
                header = store.read_header()
                data_key = _unlock(header, passphrase, recovery_key, use_keyring)
                vault = cls(path, store, header.vault_id, data_key)
                vault._verify(collect=False)
            if store.pending_migrations():
                vault._migrate()
        except BaseException:
            store.close()
            raise
        return vault

    # --- records -----------------------------------------------------------------------------

    def append(self, record: bytes) -> int:
        """Seal and store one record; durable when this returns. Returns its number (1-based)."""
        return self.append_many([record])[0]

    def append_many(self, records: list[bytes]) -> list[int]:
        """Seal and store several records in one transaction; returns their numbers."""
        store, sealer = self._open_parts()
        numbers: list[int] = []
        with store.transaction():
            header = store.read_header()
            count, last_tag = self._head_state(header)
            if count and store.record_tag(count) != last_tag:
                raise VaultCorrupt(f"vault record {count} does not match the sealed head", RESTORE_HINT)
            for record in records:
                count += 1
                nonce, sealed = sealer.seal(bytes(record), self._record_ad(count, last_tag))
                store.add_record(count, nonce, sealed)
                last_tag = sealed[-crypto.TAG_BYTES :]
                numbers.append(count)
            store.write_head(*_seal_head(sealer, header, count, last_tag))
        return numbers

    def records(self) -> list[tuple[int, bytes]]:
        """All records, decrypted and verified, in order."""
        return self._verify(collect=True)

    # --- keys --------------------------------------------------------------------------------

    def slots(self) -> list[str]:
        """The kinds of key slot this vault has, e.g. ["keyring", "passphrase", "recovery"]."""
        store, _ = self._open_parts()
        with store.snapshot():
            present = {slot.kind for slot in store.read_header().slots}
        return [kind for kind in keys.SLOT_ORDER if kind in present]

    def change_passphrase(self, new: str) -> None:
        """Add the passphrase slot, or replace it (new salt, current default Argon2id cost)."""
        if not new:
            raise UserError("an empty passphrase cannot protect the vault", "choose a passphrase")
        self._open_parts()
        assert self._key is not None
        slot = keys.passphrase_slot(self._vault_id, self._key, new)
        self._replace_slots(lambda old: (*(s for s in old if s.kind != "passphrase"), slot))

    def forget(self) -> None:
        """Crypto-shred: delete the keyring entry, overwrite every key slot and commit, then
        delete the vault file and its -wal/-shm companions."""
        store, _ = self._open_parts()
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
            self.close()
            remove_files(self.path)

    def close(self) -> None:
        """Close the file and drop the key from this object."""
        if self._store is not None:
            self._store.close()
        self._store, self._sealer, self._key = None, None, None

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
            raise VaultError("the vault is closed", "open it again")
        return self._store, self._sealer

    def _record_ad(self, n: int, prev_tag: bytes) -> bytes:
        return _RECORD_AD + self._vault_id + _N.pack(n) + prev_tag

    def _head_state(self, header: Header) -> tuple[int, bytes]:
        """(count, last tag) from the sealed head, checked against the clear header."""
        store, sealer = self._open_parts()
        raw = store.read_head()
        try:
            if raw is None:
                raise crypto.InvalidTag()
            plain = sealer.open(raw[0], raw[1], _HEAD_AD + self._vault_id)
            count, last_tag, digest = _HEAD.unpack(plain)
        except (crypto.InvalidTag, struct.error):
            raise VaultCorrupt("the vault head is damaged or was changed", RESTORE_HINT) from None
        if digest != header.digest():
            raise VaultCorrupt("the vault header does not match its sealed head", RESTORE_HINT)
        return count, last_tag

    def _verify(self, *, collect: bool) -> list[tuple[int, bytes]]:
        """Check the whole chain against the head in one consistent read; name the first bad
        record. Returns the plaintexts if `collect`."""
        store, sealer = self._open_parts()
        out: list[tuple[int, bytes]] = []
        with store.snapshot():
            count, last_tag = self._head_state(store.read_header())
            prev, expected = _ZERO_TAG, 1
            for n, nonce, sealed in store.iter_records():
                if n < expected:
                    raise VaultCorrupt(f"vault record {n} has no valid number", RESTORE_HINT)
                if n > expected and expected <= count:
                    raise VaultCorrupt(f"vault record {expected} is missing or out of place", RESTORE_HINT)
                if n > count:
                    raise VaultCorrupt(f"vault record {n} lies beyond the sealed end", RESTORE_HINT)
                try:
                    plain = sealer.open(nonce, sealed, self._record_ad(n, prev))
                except crypto.InvalidTag:
                    raise VaultCorrupt(
                        f"vault record {n} is damaged, changed or out of place", RESTORE_HINT
                    ) from None
                if collect:
                    out.append((n, plain))
                prev, expected = sealed[-crypto.TAG_BYTES :], expected + 1
            if expected <= count:
                raise VaultCorrupt(f"vault record {expected} is missing: the vault ends early", RESTORE_HINT)
            if prev != last_tag:
                raise VaultCorrupt(f"vault record {count} does not match the sealed head", RESTORE_HINT)
        return out

    def _replace_slots(self, change: Callable[[tuple[Slot, ...]], tuple[Slot, ...]]) -> None:
        store, sealer = self._open_parts()
        with store.transaction():
            header = store.read_header()
            count, last_tag = self._head_state(header)
            new_header = store.write_slots(change(header.slots))
            store.write_head(*_seal_head(sealer, new_header, count, last_tag))

    def _migrate(self) -> None:
        store, sealer = self._open_parts()
        with store.transaction():
            header = store.read_header()
            count, last_tag = self._head_state(header)
            store.migrate()
            new_header = store.write_slots(header.slots)
            store.write_head(*_seal_head(sealer, new_header, count, last_tag))


def _seal_head(sealer: crypto.Sealer, header: Header, count: int, last_tag: bytes) -> tuple[bytes, bytes]:
    return sealer.seal(_HEAD.pack(count, last_tag, header.digest()), _HEAD_AD + header.vault_id)


def _unlock(
    header: Header,
    passphrase: Callable[[], str] | None,
    recovery_key: str | None,
    use_keyring: bool,
) -> bytes:
    """Recover the data key from the first slot the caller can open."""
    slots = {slot.kind: slot for slot in header.slots}
    vid = header.vault_id
    try:
        if recovery_key is not None:
            slot = slots.get("recovery")
            if slot is None:
                raise VaultLocked("this vault has no recovery key slot", UNLOCK_HINT)
            try:
                wrap_key = keys.recovery_wrap_key(slot, recovery_key)
            except ValueError:
                raise VaultLocked(
                    "that is not a well-formed recovery key",
                    "type the 32 characters shown at `broker-audit init` (hyphens optional)",
                ) from None
            return _unwrap_or_locked(slot, vid, wrap_key, "the recovery key does not fit this vault")
        if use_keyring and "keyring" in slots:
            secret = keys.keyring_fetch(vid)
            if secret is not None:
                try:
                    return keys.unwrap(slots["keyring"], vid, keys.keyring_wrap_key(slots["keyring"], secret))
                except keys.SlotUnwrapError:
                    pass  # a stale keyring entry: fall back to the passphrase
    except (KeyError, TypeError, ValueError):
        raise VaultCorrupt("a vault key slot is damaged", RESTORE_HINT) from None
    if passphrase is not None and "passphrase" in slots:
        slot, text = slots["passphrase"], passphrase()
        try:
            wrap_key = keys.passphrase_wrap_key(slot, text)
        except (KeyError, TypeError, ValueError):
            raise VaultCorrupt("the vault's passphrase slot is damaged", RESTORE_HINT) from None
        return _unwrap_or_locked(slot, vid, wrap_key, "wrong passphrase for this vault")
    if "keyring" in slots and "passphrase" not in slots:
        raise VaultLocked(
            "the OS keyring did not give the vault key",
            "log in to the desktop session that holds the keyring, or use the recovery key",
        )
    raise VaultLocked("no key was given that unlocks the vault", UNLOCK_HINT)


def _unwrap_or_locked(slot: Slot, vault_id: bytes, wrap_key: bytes, message: str) -> bytes:
    try:
        return keys.unwrap(slot, vault_id, wrap_key)
    except keys.SlotUnwrapError:
        raise VaultLocked(message, UNLOCK_HINT) from None
