"""Tampering and damage: every changed, removed, reordered or torn byte is caught or harmless."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, make_vault, raw_sql

from broker_audit.errors import VaultCorrupt, VaultError
from broker_audit.vault.vault import Vault

RECORDS = [b"first record", b"", b"third record, a little longer than the others", b"4"]


@pytest.fixture
def pristine(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "pristine" / "vault.db"
    return path, make_vault(path, RECORDS)


def _open_records(path: Path, recovery: str) -> list[tuple[int, bytes]]:
    vault = Vault.open(path, recovery_key=recovery, passphrase=lambda: PASSPHRASE)
    try:
        return vault.records()
    finally:
        vault.close()


def _blob_cells(path: Path) -> list[tuple[str, str, str, tuple[object, ...], bytes]]:
    """(table, column, where, params, value) for every stored blob of the vault."""
    cells: list[tuple[str, str, str, tuple[object, ...], bytes]] = []
    for n, nonce, sealed in raw_sql(path, "SELECT n, nonce, sealed FROM records"):
        cells.append(("records", "nonce", "n = ?", (n,), nonce))  # type: ignore[arg-type]
        cells.append(("records", "sealed", "n = ?", (n,), sealed))  # type: ignore[arg-type]
    ((nonce, sealed),) = raw_sql(path, "SELECT nonce, sealed FROM head")
    cells.append(("head", "nonce", "id = 1", (), nonce))  # type: ignore[arg-type]
    cells.append(("head", "sealed", "id = 1", (), sealed))  # type: ignore[arg-type]
    for kind, params, wrapped in raw_sql(path, "SELECT kind, params, wrapped FROM slots"):
        cells.append(("slots", "params", "kind = ?", (kind,), params))  # type: ignore[arg-type]
        cells.append(("slots", "wrapped", "kind = ?", (kind,), wrapped))  # type: ignore[arg-type]
    for key in ("vault_id", "header_sha256"):
        ((value,),) = raw_sql(path, "SELECT value FROM meta WHERE key = ?", (key,))
        cells.append(("meta", "value", "key = ?", (key,), value))  # type: ignore[arg-type]
    return cells


def test_every_byte_of_every_blob_is_checked(pristine: tuple[Path, str], tmp_path: Path) -> None:
    original, recovery = pristine
    work = tmp_path / "work.db"
    flips = 0
    for table, column, where, params, value in _blob_cells(original):
        assert isinstance(value, bytes)
        for index in range(len(value)):
            shutil.copyfile(original, work)
            changed = bytearray(value)
            changed[index] ^= 0xFF
            raw_sql(work, f"UPDATE {table} SET {column} = ? WHERE {where}", (bytes(changed), *params))
            with pytest.raises(VaultCorrupt):
                _open_records(work, recovery)
            flips += 1
    assert flips > 500


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE slots SET kind = 'passphrasf' WHERE kind = 'passphrase'",
        "DELETE FROM slots WHERE kind = 'passphrase'",
        "UPDATE meta SET value = 0 WHERE key = 'format_version'",
        "UPDATE meta SET value = 'x' WHERE key = 'format_version'",
        "INSERT INTO meta VALUES ('extra', 1)",
        "DELETE FROM head",
        "DELETE FROM meta WHERE key = 'header_sha256'",
    ],
)
def test_header_edits_are_corrupt(pristine: tuple[Path, str], sql: str) -> None:
    path, recovery = pristine
    raw_sql(path, sql)
    with pytest.raises(VaultCorrupt):
        _open_records(path, recovery)


def test_slot_from_another_vault_is_caught(tmp_path: Path) -> None:
    """Copying a key slot (and a fixed-up checksum) from another vault does not unlock it."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    make_vault(first, [b"a"], passphrase="pw one")
    recovery = make_vault(second, [b"b"], passphrase="pw two")
    ((params, wrapped),) = raw_sql(first, "SELECT params, wrapped FROM slots WHERE kind='passphrase'")
    raw_sql(second, "UPDATE slots SET params = ?, wrapped = ? WHERE kind='passphrase'", (params, wrapped))
    with pytest.raises(VaultCorrupt, match="header"):
        Vault.open(second, passphrase=lambda: "pw one")
    with pytest.raises(VaultCorrupt, match="header"):
        Vault.open(second, recovery_key=recovery)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM records WHERE n = 2", "vault record 2 is missing"),
        (
            "UPDATE records SET n = -3 WHERE n = 3; UPDATE records SET n = 3 WHERE n = 2;"
            " UPDATE records SET n = 2 WHERE n = -3",
            "vault record 2 is damaged",
        ),
        (
            "UPDATE records SET nonce = (SELECT nonce FROM records WHERE n = 1) WHERE n = 3",
            "vault record 3 is damaged",
        ),
        ("DELETE FROM records WHERE n = 4", "vault record 4 is missing: the vault ends early"),
        ("DELETE FROM records WHERE n >= 3", "vault record 3 is missing: the vault ends early"),
        ("DELETE FROM records", "vault record 1 is missing: the vault ends early"),
        (
            "INSERT INTO records SELECT 5, nonce, sealed FROM records WHERE n = 4",
            "vault record 5 lies beyond the sealed end",
        ),
        (
            "INSERT INTO records SELECT 0, nonce, sealed FROM records WHERE n = 1",
            "vault record 0 has no valid number",
        ),
    ],
)
def test_removed_reordered_and_dropped_records(pristine: tuple[Path, str], sql: str, message: str) -> None:
    path, recovery = pristine
    raw_sql(path, sql)
    with pytest.raises(VaultCorrupt, match=message):
        _open_records(path, recovery)


def test_swapped_contents_and_renumbered_records(pristine: tuple[Path, str]) -> None:
    path, recovery = pristine
    rows = raw_sql(path, "SELECT n, nonce, sealed FROM records ORDER BY n")
    raw_sql(path, "DELETE FROM records")
    for (n, _, _), (_, nonce, sealed) in zip(rows, [rows[0], rows[2], rows[1], rows[3]], strict=True):
        raw_sql(path, "INSERT INTO records VALUES (?, ?, ?)", (n, nonce, sealed))
    with pytest.raises(VaultCorrupt, match="vault record 2 is damaged"):
        _open_records(path, recovery)


def test_dropped_tail_with_new_records_on_top_is_caught(pristine: tuple[Path, str]) -> None:
    """The head is sealed with the data key, so whoever cuts the tail cannot fix it up."""
    path, recovery = pristine
    raw_sql(path, "DELETE FROM records WHERE n = 4")
    with pytest.raises(VaultCorrupt, match="record 4"):
        _open_records(path, recovery)


def test_corrupt_vault_refuses_appends(pristine: tuple[Path, str]) -> None:
    path, recovery = pristine
    vault = Vault.open(path, recovery_key=recovery)
    raw_sql(path, "DELETE FROM records WHERE n = 4")
    with pytest.raises(VaultCorrupt, match="record 4"):
        vault.append(b"more")
    with pytest.raises(VaultCorrupt):
        vault.records()
    vault.close()


def _flip_range(data: bytes, recovery: str, work: Path, indexes: range) -> tuple[dict[str, int], list[int]]:
    """Open the vault with each byte in `indexes` flipped; count outcomes, list silent changes."""
    expected = list(enumerate(RECORDS, start=1))
    counts = {"corrupt": 0, "other vault error": 0, "harmless": 0}
    silent: list[int] = []
    for index in indexes:
        flipped = bytearray(data)
        flipped[index] ^= 0xFF
        work.write_bytes(flipped)
        for side in ("-wal", "-shm"):
            Path(str(work) + side).unlink(missing_ok=True)
        try:
            got = _open_records(work, recovery)
        except VaultCorrupt:
            counts["corrupt"] += 1
            continue
        except VaultError:
            counts["other vault error"] += 1
            continue
        if got == expected:
            counts["harmless"] += 1
        else:
            silent.append(index)
    return counts, silent


@pytest.mark.slow
def test_every_byte_of_the_file(pristine: tuple[Path, str], tmp_path: Path) -> None:
    """Flip each byte of the whole (checkpointed) file: an error, or exactly the records."""
    original, recovery = pristine
    assert not Path(str(original) + "-wal").exists()  # closed: WAL merged and removed
    data = original.read_bytes()
    workers = max(1, min(4, os.cpu_count() or 1))
    chunks = [range(w, len(data), workers) for w in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [
            pool.submit(_flip_range, data, recovery, tmp_path / f"flip{w}.db", chunk)
            for w, chunk in enumerate(chunks)
        ]
        results = [f.result() for f in futures]
    counts = {key: sum(r[0][key] for r in results) for key in results[0][0]}
    silent = sorted(i for r in results for i in r[1])
    print(f"\nfile of {len(data)} bytes, flips: {counts}")
    assert silent == [], f"these byte flips changed the records silently: {silent[:20]}"
    assert counts["corrupt"] > 0 and sum(counts.values()) == len(data)


def _appended_copy(tmp_path: Path) -> tuple[Path, Path, str, list[bytes]]:
    """A vault whose last appends are only in its WAL (copied while the writer is open)."""
    path = tmp_path / "live" / "vault.db"
    recovery = make_vault(path, RECORDS[:2])
    vault = Vault.open(path, recovery_key=recovery)
    more = [f"appended {i}".encode() * 3 for i in range(6)]
    for record in more:
        vault.append(record)
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    db, wal = copy_dir / "vault.db", copy_dir / "vault.db-wal"
    shutil.copyfile(path, db)
    shutil.copyfile(str(path) + "-wal", wal)
    vault.close()
    return db, wal, recovery, RECORDS[:2] + more


def test_torn_wal_is_never_merged(tmp_path: Path) -> None:
    """A WAL cut anywhere (a torn write) gives an earlier complete state, never a mix."""
    db, wal, recovery, everything = _appended_copy(tmp_path)
    db_bytes, wal_bytes = db.read_bytes(), wal.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    seen_lengths = set()
    for cut in sorted({*range(0, len(wal_bytes), 509), len(wal_bytes)}):
        (scratch / "vault.db").write_bytes(db_bytes)
        (scratch / "vault.db-wal").write_bytes(wal_bytes[:cut])
        (scratch / "vault.db-shm").unlink(missing_ok=True)
        got = _open_records(scratch / "vault.db", recovery)
        assert [r for _, r in got] == everything[: len(got)]
        seen_lengths.add(len(got))
    assert max(seen_lengths) == len(everything) and len(seen_lengths) > 2


@pytest.mark.slow
def test_damaged_wal_bytes_never_change_records(tmp_path: Path) -> None:
    db, wal, recovery, everything = _appended_copy(tmp_path)
    db_bytes, wal_bytes = db.read_bytes(), wal.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    rng = random.Random(7)
    for index in rng.sample(range(len(wal_bytes)), 300):
        flipped = bytearray(wal_bytes)
        flipped[index] ^= 1 << rng.randrange(8)
        (scratch / "vault.db").write_bytes(db_bytes)
        (scratch / "vault.db-wal").write_bytes(flipped)
        (scratch / "vault.db-shm").unlink(missing_ok=True)
        try:
            got = _open_records(scratch / "vault.db", recovery)
        except VaultError:
            continue
        assert [r for _, r in got] == everything[: len(got)]


def test_sqlite_errors_are_mapped(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    recovery = make_vault(path, [b"x"])
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(VaultCorrupt):
        _open_records(path, recovery)
