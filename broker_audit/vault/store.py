"""The vault on disk: one SQLite file (WAL, synchronous=FULL), opaque sealed blobs only.

Tables (format 2):
  meta(key, value)            format_version, vault_id, header_sha256 (clear)
  migrations(version, name)   which named migrations built this file (clear)
  slots(kind, params, wrapped) KDF params and salt in the clear, wrapped data key
  records(n, nonce, sealed)   record number in the clear, sealed content
  head(id=1, nonce, sealed)   sealed (record count, last tag, header hash, time of last change)
  snapshot(id=1, n, nonce, sealed)   sealed derived state after record n (format 2); from format 3
                              the root of the derived index, which holds the tag of every part
  blobs(blob_id, idx, chunks, record, nonce, sealed)  sealed chunks of large byte strings (format 2)
  parts(kind, key, nonce, sealed)   sealed parts of the derived index (format 3): the kind and key
                              in the clear, what they hold sealed (see `tracking.index`)

One writer at a time: every write is a `BEGIN IMMEDIATE` transaction, so SQLite's own write lock
is the vault's writer lock; a second writer waits up to `LOCK_WAIT_MS`, then gets "the vault is in
use by another broker-audit". Before SQLite sees the file, its write-ahead log is read by
`wal.inspect_wal`: a log whose damage would drop committed transactions is refused, and a log
with a torn tail is opened read-only (SQLite cannot checkpoint or delete it) until the vault has
shown that no acknowledged write is missing.

``header_sha256`` is an unkeyed checksum of the clear header so that accidental damage to a key
slot is reported as corruption, not as a wrong passphrase; the keyed check is the header hash in
the sealed head. SQLite errors are reported as VaultCorrupt (or a plain VaultError for a busy,
full or read-only disk); their text never holds record content.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import stat
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from broker_audit.errors import VaultCorrupt, VaultError, VaultExists, VaultNotFound, VaultTooNew
from broker_audit.i18n import N_, _
from broker_audit.vault.keys import Slot
from broker_audit.vault.wal import WalReport, inspect_wal

APPLICATION_ID = 0x42415654  # "BAVT" in the SQLite header: this file is a broker-audit vault
LOCK_WAIT_MS = 10_000
"""How long a writer waits for another to finish before giving up with "in use"."""
WAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes of -wal kept after a checkpoint; larger ones are cut back
RESTORE_HINT = N_("restore the vault file from a backup, and do not add to this one")
WAL_HINT = N_(
    "restore the vault from a backup; or, to open it as it was before the damage, "
    "move vault.db-wal and vault.db-shm to another folder (keep them: the lost "
    "changes are in them)"
)
IN_USE = N_("the vault is in use by another broker-audit")
_CANNOT_WRITE = ("full", "readonly", "read-only", "unable to open", "i/o")  # i18n: not user-facing
"""Words of SQLite's messages that mean the file cannot be written (not damaged)."""
_HEADER_TAG = b"broker-audit header v1\x00"
_META_KEYS = {"format_version", "vault_id", "header_sha256"}


def _migration_0001_initial(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL) STRICT, WITHOUT ROWID")
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT")
    conn.execute(
        "CREATE TABLE slots (kind TEXT PRIMARY KEY, params BLOB NOT NULL, wrapped BLOB NOT NULL)"
        " STRICT, WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE records (n INTEGER PRIMARY KEY, nonce BLOB NOT NULL, sealed BLOB NOT NULL) STRICT"
    )
    conn.execute(
        "CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), nonce BLOB NOT NULL,"
        " sealed BLOB NOT NULL) STRICT"
    )


def _migration_0002_snapshot_blobs(conn: sqlite3.Connection) -> None:
    """The derived-state snapshot (O(new records) opening) and chunked blobs (attachments).

    The vault code also writes the head in its version 2 form (with the time of the last
    change) in the same transaction."""
    conn.execute(
        "CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL,"
        " nonce BLOB NOT NULL, sealed BLOB NOT NULL) STRICT"
    )
    conn.execute(
        "CREATE TABLE blobs (blob_id BLOB NOT NULL, idx INTEGER NOT NULL, chunks INTEGER NOT NULL,"
        " record INTEGER NOT NULL, nonce BLOB NOT NULL, sealed BLOB NOT NULL,"
        " PRIMARY KEY (blob_id, idx)) STRICT"
    )


def _migration_0003_derived_parts(conn: sqlite3.Connection) -> None:
    """The derived index in sealed parts, so that a command reads only what it shows (issue 27).

    The snapshot row becomes the index's root: a small sealed summary that holds the tag of
    every part, bound to a record like the snapshot before it. The whole-state snapshot of format
    2 is dropped; the index is built from the records on the first open that may write."""
    conn.execute(
        "CREATE TABLE parts (kind INTEGER NOT NULL, key INTEGER NOT NULL, nonce BLOB NOT NULL,"
        " sealed BLOB NOT NULL, PRIMARY KEY (kind, key)) STRICT"
    )
    conn.execute("DELETE FROM snapshot")


Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]
MIGRATIONS: list[Migration] = [
    (1, "0001_initial", _migration_0001_initial),
    (2, "0002_snapshot_blobs", _migration_0002_snapshot_blobs),
    (3, "0003_derived_parts", _migration_0003_derived_parts),
]
"""Ordered, named migrations; the format version is the version of the last one."""
FORMAT_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class Header:
    """The clear part of the vault: what unlocking needs."""

    format_version: int
    vault_id: bytes
    slots: tuple[Slot, ...]

    def canonical(self) -> bytes:
        """An unambiguous byte encoding, hashed into the checksum and the sealed head."""
        parts = [_HEADER_TAG, struct.pack(">I", self.format_version), _lp(self.vault_id)]
        for slot in sorted(self.slots, key=lambda s: s.kind):
            parts += [_lp(slot.kind.encode("utf-8")), _lp(slot.params), _lp(slot.wrapped)]
        return b"".join(parts)

    def digest(self) -> bytes:
        """SHA-256 of the canonical encoding."""
        return hashlib.sha256(self.canonical()).digest()


def _lp(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


@contextlib.contextmanager
def sqlite_errors() -> Iterator[None]:
    """Turn SQLite errors into vault errors (message from SQLite, never from data)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if any(word in text for word in ("locked", "busy")):
            raise VaultError(IN_USE, _("wait for it to finish, then retry")) from None
        if any(word in text for word in _CANNOT_WRITE):
            raise VaultError(
                _("cannot write the vault file: {exc}").format(exc=exc), _("check the disk")
            ) from None
        raise VaultCorrupt(_("the vault file is damaged ({exc})").format(exc=exc), RESTORE_HINT) from None
    except sqlite3.DatabaseError as exc:
        raise VaultCorrupt(_("the vault file is damaged ({exc})").format(exc=exc), RESTORE_HINT) from None
    except UnicodeError:  # damaged text in the schema or a clear field
        raise VaultCorrupt(_("the vault file is damaged (bad text)"), RESTORE_HINT) from None


def _create_error(exc: OSError, path: Path) -> VaultError:
    """A one-line error for a vault that cannot be created where asked (never a traceback)."""
    import errno

    code = exc.errno
    hint = _("give another path with --vault (or BROKER_AUDIT_VAULT)")
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return VaultError(
            _("cannot create the vault {path}: permission denied").format(path=path),
            _("{hint}, or fix the folder's permissions").format(hint=hint),
        )
    if code in (errno.ENOTDIR, errno.EEXIST):
        return VaultError(
            _("cannot create the vault {path}: part of that path is a file, not a folder").format(path=path),
            hint,
        )
    if code == errno.ELOOP:
        return VaultError(_("cannot create the vault {path}: it is a symbolic link").format(path=path), hint)
    if code == errno.EROFS:
        return VaultError(_("cannot create the vault {path}: the disk is read-only").format(path=path), hint)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return VaultError(
            _("cannot create the vault {path}: the disk is full").format(path=path),
            _("free some space, or ") + hint,
        )
    if code == errno.ENAMETOOLONG:
        return VaultError(_("cannot create the vault {path}: the name is too long").format(path=path), hint)
    return VaultError(
        _("cannot create the vault {path}: {value}").format(
            path=path, value=exc.strerror or type(exc).__name__
        ),
        hint,
    )


def _make_private_dirs(folder: Path) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        os.chmod(path, 0o700)


class Store:
    """An open SQLite vault file. Use `create` or `open`; call `close` when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.path = path
        self._conn = conn
        self.read_only = read_only
        self.wal = WalReport()
        self._tables: set[str] = set()
        self.epoch = 0  # counts the transactions begun: a reader's view of the file is one epoch

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, header: Header, build: Callable[[Store], None]) -> Store:
        """Create a new vault file (0600, parent dirs 0700) holding `header`; `build` adds the
        head in the same transaction. Raises VaultExists."""
        try:
            _make_private_dirs(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            raise VaultExists(
                _("a vault already exists at this path"), _("open it, or choose another --vault path")
            ) from None
        except OSError as exc:
            raise _create_error(exc, path) from None
        os.close(fd)
        os.chmod(path, 0o600)
        try:
            store = cls._connect(path)
            with sqlite_errors():
                store._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                with store.transaction():
                    for version, name, migrate in MIGRATIONS:
                        migrate(store._conn)
                        store._conn.execute("INSERT INTO migrations VALUES (?, ?)", (version, name))
                    store._conn.execute(
                        "INSERT INTO meta VALUES ('format_version', ?), ('vault_id', ?)",
                        (header.format_version, header.vault_id),
                    )
                    store.write_slots(header.slots)
                    build(store)
            store._protect_sidecars()
            return store
        except BaseException:
            remove_files(path)
            raise

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open an existing vault file; checks it is a vault of a format we can read."""
        if not path.is_file():
            raise VaultNotFound(
                _("no vault at this path"), _("create one with `broker-audit init`, or pass --vault")
            )
        report = inspect_wal(path)
        if report.lost_commits:
            raise VaultCorrupt(
                _(
                    "the vault's write-ahead log (vault.db-wal) is damaged: {lost_commits} saved "
                    "change(s) after the damage would be lost"
                ).format(lost_commits=report.lost_commits),
                WAL_HINT,
            )
        # A torn tail: open read-only, so that nothing checkpoints (and deletes) the log before
        # the vault has been compared with the last state seen on this computer.
        store = cls._connect(path, read_only=report.torn_frames > 0)
        store.wal = report
        try:
            with sqlite_errors():
                (app_id,) = store._conn.execute("PRAGMA application_id").fetchone()
                if app_id != APPLICATION_ID:
                    raise VaultCorrupt(_("this file is not a broker-audit vault"), RESTORE_HINT)
                version = store.format_version()
                if version > FORMAT_VERSION:
                    raise VaultTooNew(
                        _(
                            "the vault has format {version}; this broker-audit reads up to {FORMAT_VERSION}"
                        ).format(version=version, FORMAT_VERSION=FORMAT_VERSION),
                        _("upgrade broker-audit (pipx upgrade broker-audit)"),
                    )
            store._protect_sidecars()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, path: Path, *, read_only: bool = False) -> Store:
        conn = _connection(path, read_only=read_only)
        return cls(path, conn, read_only=read_only)

    def make_writable(self) -> None:
        """Reopen read-write if this store was opened read-only (see `open`)."""
        if not self.read_only:
            return
        conn = _connection(self.path, read_only=False)
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn, self.read_only = conn, False
        self._protect_sidecars()

    def _protect_sidecars(self) -> None:
        for suffix in ("", "-wal", "-shm"):  # "": a vault copied back as 0644 is made 0600 again
            side = Path(str(self.path) + suffix)
            with contextlib.suppress(FileNotFoundError):
                if stat.S_IMODE(side.stat().st_mode) != 0o600:
                    os.chmod(side, 0o600)

    def close(self) -> None:
        """Close the connection (SQLite checkpoints the WAL when the last one closes)."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    # --- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT); durable when it exits."""
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def begin(self, *, wait: bool = True) -> bool:
        """BEGIN IMMEDIATE: take the writer lock, waiting up to LOCK_WAIT_MS (or not at all).

        Returns False if `wait` is off and another writer holds the lock; raises VaultError
        ("in use") if it is still held after the wait."""
        self.make_writable()
        self.epoch += 1
        with sqlite_errors():
            if wait:
                self._conn.execute("BEGIN IMMEDIATE")
                return True
            self._conn.execute("PRAGMA busy_timeout = 0")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    return False
                raise
            finally:
                self._conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        return True

    def commit(self) -> None:
        """COMMIT: durable when this returns."""
        with sqlite_errors():
            self._conn.execute("COMMIT")

    def rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees one consistent state (nests)."""
        if self._conn.in_transaction:
            yield
            return
        self.epoch += 1
        with sqlite_errors():
            self._conn.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it."""
        with sqlite_errors():
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- header ------------------------------------------------------------------------------

    def format_version(self) -> int:
        """The clear format version (a damaged value raises VaultCorrupt)."""
        with sqlite_errors():
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
        if row is None or not isinstance(row[0], int) or row[0] < 1:
            raise VaultCorrupt(_("the vault header is damaged (format version)"), RESTORE_HINT)
        return int(row[0])

    def read_header(self) -> Header:
        """The clear header, checked against its stored checksum."""
        with sqlite_errors():
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            rows = self._conn.execute("SELECT kind, params, wrapped FROM slots ORDER BY kind")
            slots = tuple(Slot(k, p, w) for k, p, w in rows.fetchall())
        for slot in slots:
            if not (
                isinstance(slot.kind, str)
                and isinstance(slot.params, bytes)
                and isinstance(slot.wrapped, bytes)
            ):
                raise VaultCorrupt(_("the vault header is damaged (key slot)"), RESTORE_HINT)
        vault_id, checksum = meta.get("vault_id"), meta.get("header_sha256")
        if not isinstance(vault_id, bytes) or not isinstance(checksum, bytes):
            raise VaultCorrupt(_("the vault header is damaged"), RESTORE_HINT)
        header = Header(self.format_version(), vault_id, slots)
        if header.digest() != checksum or set(meta) != _META_KEYS:
            raise VaultCorrupt(_("the vault header is damaged (checksum mismatch)"), RESTORE_HINT)
        return header

    def write_slots(self, slots: tuple[Slot, ...]) -> Header:
        """Replace every key slot and the header checksum (inside a transaction)."""
        with sqlite_errors():
            self._conn.execute("DELETE FROM slots")
            self._conn.executemany(
                "INSERT INTO slots VALUES (?, ?, ?)", [(s.kind, s.params, s.wrapped) for s in slots]
            )
            rows = self._conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
            header = Header(self.format_version(), rows[0], slots)
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('header_sha256', ?)", (header.digest(),))
        return header

    def overwrite_slot_keys(self) -> None:
        """Overwrite every slot's wrapped key with random bytes (inside a transaction).

        Used by `forget`; reads no checksum, so it works on a damaged header too.
        """
        with sqlite_errors():
            rows = self._conn.execute("SELECT kind, length(wrapped) FROM slots").fetchall()
            for kind, size in rows:
                self._conn.execute(
                    "UPDATE slots SET wrapped = ? WHERE kind = ?",
                    (secrets.token_bytes(max(int(size or 0), 1)), kind),
                )

    def pending_migrations(self) -> list[Migration]:
        """Migrations this file still needs (none for a current file)."""
        version = self.format_version()
        return [m for m in MIGRATIONS if m[0] > version]

    def migrate(self) -> None:
        """Apply pending migrations in the open transaction and bump the format version."""
        with sqlite_errors():
            for version, name, migrate in self.pending_migrations():
                migrate(self._conn)
                self._conn.execute("INSERT INTO migrations VALUES (?, ?)", (version, name))
                self._conn.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (version,))

    # --- records and head ------------------------------------------------------------------

    def read_head(self) -> tuple[bytes, bytes] | None:
        """(nonce, sealed) of the head, or None if it is missing."""
        with sqlite_errors():
            row = self._conn.execute("SELECT nonce, sealed FROM head WHERE id = 1").fetchone()
        if row is None or not all(isinstance(x, bytes) for x in row):
            return None
        return row[0], row[1]

    def write_head(self, nonce: bytes, sealed: bytes) -> None:
        """Replace the head (inside a transaction)."""
        with sqlite_errors():
            self._conn.execute("INSERT OR REPLACE INTO head VALUES (1, ?, ?)", (nonce, sealed))

    def record_count(self) -> int:
        """How many record rows are stored (whatever the head says)."""
        with sqlite_errors():
            return int(self._conn.execute("SELECT count(*) FROM records").fetchone()[0])

    def iter_records(self, after: int = 0, upto: int | None = None) -> Iterator[tuple[int, bytes, bytes]]:
        """Every stored (n, nonce, sealed) with n > `after` (and n <= `upto` if given), in
        record-number order."""
        with sqlite_errors():
            if upto is not None:  # inside a write: rows appended but not yet sealed by the head
                cursor = self._conn.execute(
                    "SELECT n, nonce, sealed FROM records WHERE n > ? AND n <= ? ORDER BY n", (after, upto)
                )
            elif after <= 0:  # the full walk sees every row, including any numbered 0 or below
                cursor = self._conn.execute("SELECT n, nonce, sealed FROM records ORDER BY n")
            else:
                cursor = self._conn.execute(
                    "SELECT n, nonce, sealed FROM records WHERE n > ? ORDER BY n", (after,)
                )
            while batch := cursor.fetchmany(1024):
                for row in batch:
                    n, nonce, sealed = row
                    if not isinstance(n, int):
                        raise VaultCorrupt(_("a vault record number is damaged"), RESTORE_HINT)
                    if not (isinstance(nonce, bytes) and isinstance(sealed, bytes)):
                        raise VaultCorrupt(_("vault record {n} is damaged").format(n=n), RESTORE_HINT)
                yield from batch

    def add_record(self, n: int, nonce: bytes, sealed: bytes) -> None:
        """Insert record n (inside a transaction); an existing n is an error."""
        with sqlite_errors():
            self._conn.execute("INSERT INTO records VALUES (?, ?, ?)", (n, nonce, sealed))

    def record_tag(self, n: int) -> bytes | None:
        """The stored tag (last 16 bytes) of record n, or None."""
        with sqlite_errors():
            row = self._conn.execute("SELECT sealed FROM records WHERE n = ?", (n,)).fetchone()
        return bytes(row[0][-16:]) if row and isinstance(row[0], bytes) else None

    # --- snapshot (format 2) ------------------------------------------------------------------

    def _has_table(self, name: str) -> bool:
        if name in self._tables:  # tables are only ever added (by migrations)
            return True
        with sqlite_errors():
            row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
            found = row.fetchone() is not None
        if found:
            self._tables.add(name)
        return found

    def read_snapshot(self) -> tuple[int, bytes, bytes] | None:
        """(n, nonce, sealed) of the derived-state snapshot, or None (none, or malformed)."""
        if not self._has_table("snapshot"):
            return None
        with sqlite_errors():
            row = self._conn.execute("SELECT n, nonce, sealed FROM snapshot WHERE id = 1").fetchone()
        if row is None or not isinstance(row[0], int) or not all(isinstance(x, bytes) for x in row[1:]):
            return None
        return row[0], row[1], row[2]

    def write_snapshot(self, n: int, nonce: bytes, sealed: bytes) -> None:
        """Replace the snapshot (inside a transaction)."""
        with sqlite_errors():
            self._conn.execute("INSERT OR REPLACE INTO snapshot VALUES (1, ?, ?, ?)", (n, nonce, sealed))

    def snapshot_tag(self) -> bytes | None:
        """The last 16 bytes of the stored snapshot (its seal's tag): which snapshot is stored,
        without reading or opening it; None if there is none."""
        if not self._has_table("snapshot"):
            return None
        with sqlite_errors():
            row = self._conn.execute("SELECT substr(sealed, -16) FROM snapshot WHERE id = 1").fetchone()
        return bytes(row[0]) if row and isinstance(row[0], bytes) else None

    # --- derived parts (format 3) -------------------------------------------------------------

    def read_part(self, kind: int, key: int) -> tuple[bytes, bytes] | None:
        """(nonce, sealed) of one part of the derived index, or None (none, or malformed)."""
        if not self._has_table("parts"):
            return None
        with sqlite_errors():
            row = self._conn.execute(
                "SELECT nonce, sealed FROM parts WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        if row is None or not all(isinstance(x, bytes) for x in row):
            return None
        return row[0], row[1]

    def write_part(self, kind: int, key: int, nonce: bytes, sealed: bytes) -> None:
        """Replace one part (inside a transaction)."""
        with sqlite_errors():
            self._conn.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)", (kind, key, nonce, sealed))

    def delete_part(self, kind: int, key: int) -> None:
        """Remove one part (inside a transaction); a missing one is fine."""
        with sqlite_errors():
            self._conn.execute("DELETE FROM parts WHERE kind = ? AND key = ?", (kind, key))

    def delete_parts(self) -> None:
        """Remove every part (inside a transaction): before the index is written anew."""
        if not self._has_table("parts"):
            return
        with sqlite_errors():
            self._conn.execute("DELETE FROM parts")

    def iter_parts(self) -> Iterator[tuple[object, ...]]:
        """Every stored (kind, key, nonce, sealed), by kind then key (unchecked)."""
        if not self._has_table("parts"):
            return
        with sqlite_errors():
            cursor = self._conn.execute("SELECT kind, key, nonce, sealed FROM parts ORDER BY kind, key")
            while batch := cursor.fetchmany(64):
                yield from batch

    # --- blobs (format 2) ---------------------------------------------------------------------

    def add_blob_chunk(
        self, blob_id: bytes, idx: int, chunks: int, record: int, nonce: bytes, sealed: bytes
    ) -> None:
        """Store one sealed chunk (inside a transaction)."""
        with sqlite_errors():
            self._conn.execute(
                "INSERT INTO blobs VALUES (?, ?, ?, ?, ?, ?)", (blob_id, idx, chunks, record, nonce, sealed)
            )

    def blob_chunk(self, blob_id: bytes, idx: int) -> tuple[int, int, bytes, bytes] | None:
        """(chunks, record, nonce, sealed) of one stored chunk, or None."""
        if not self._has_table("blobs"):
            return None
        with sqlite_errors():
            row = self._conn.execute(
                "SELECT chunks, record, nonce, sealed FROM blobs WHERE blob_id = ? AND idx = ?",
                (blob_id, idx),
            ).fetchone()
        if row is None or not all(isinstance(x, int) for x in row[:2]):
            return None
        if not all(isinstance(x, bytes) for x in row[2:]):
            return None
        return row[0], row[1], row[2], row[3]

    def blob_chunk_count(self, blob_id: bytes) -> int:
        """How many chunk rows a blob has (whatever its chunks say)."""
        if not self._has_table("blobs"):
            return 0
        with sqlite_errors():
            return int(
                self._conn.execute("SELECT count(*) FROM blobs WHERE blob_id = ?", (blob_id,)).fetchone()[0]
            )

    def iter_blob_chunks(self) -> Iterator[tuple[object, ...]]:
        """Every stored (blob_id, idx, chunks, record, nonce, sealed), by blob then index (unchecked)."""
        if not self._has_table("blobs"):
            return
        with sqlite_errors():
            cursor = self._conn.execute(
                "SELECT blob_id, idx, chunks, record, nonce, sealed FROM blobs ORDER BY blob_id, idx"
            )
            while batch := cursor.fetchmany(16):
                yield from batch


def _connection(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")  # never create a file
    with sqlite_errors():
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
            mode = conn.execute(
                "PRAGMA journal_mode" if read_only else "PRAGMA journal_mode = WAL"
            ).fetchone()[0]
            if str(mode).lower() != "wal":
                raise VaultError(_("the vault file system does not support WAL"), _("move it"))
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA trusted_schema = OFF")
            if not read_only:
                conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        except BaseException:
            conn.close()
            raise
    return conn


def remove_files(path: Path) -> None:
    """Delete the vault file and its -wal/-shm companions and its send lock (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm", "-journal", "-send.lock"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
