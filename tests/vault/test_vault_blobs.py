"""Encrypted, chunked blobs for attachments (issue 14's replies): round trip, every kind of
damage detected, never read when the vault opens, shredded by `forget`."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, make_vault, raw_sql

from broker_audit.errors import VaultCorrupt, VaultLocked, VaultNotFound
from broker_audit.vault import blobs
from broker_audit.vault.blobs import BlobRef
from broker_audit.vault.vault import Vault

SIZE = 30 * 1024 * 1024 + 12345  # a 30 MB PDF attachment: 31 chunks, the last one short


def _open(path: Path) -> Vault:
    return Vault.open(path, passphrase=lambda: PASSPHRASE)


def _store(path: Path, data: bytes | io.BytesIO, record: bytes = b"reply with attachment") -> BlobRef:
    with _open(path) as vault, vault.transaction() as tx:
        ref = tx.put_blob(data)
        assert tx.append([record]) == [ref.record]
        tx.commit()
    return ref


def _read(path: Path, ref: BlobRef) -> bytes:
    with _open(path) as vault:
        return b"".join(vault.read_blob(ref))


@pytest.fixture
def attachment() -> bytes:
    return random.Random(14).randbytes(SIZE)


def test_round_trip_of_a_30_mb_attachment(vault_path: Path, attachment: bytes) -> None:
    """Proves: bytes in, the same bytes out, streamed in 1 MiB chunks; a file object works the
    same; an empty blob is one empty chunk; the plaintext is nowhere in the vault's files."""
    make_vault(vault_path, [b"profile"])
    ref = _store(vault_path, attachment)
    assert (ref.size, ref.chunks, ref.record) == (SIZE, 31, 2)
    with _open(vault_path) as vault:
        sizes = [len(chunk) for chunk in vault.read_blob(ref)]
    assert sizes == [blobs.CHUNK_BYTES] * 30 + [12345]
    assert _read(vault_path, ref) == attachment
    from_file = _store(vault_path, io.BytesIO(attachment[:3_000_000]))
    assert _read(vault_path, from_file) == attachment[:3_000_000]
    empty = _store(vault_path, b"")
    assert (empty.chunks, _read(vault_path, empty)) == (1, b"")
    on_disk = b"".join(p.read_bytes() for p in vault_path.parent.iterdir())
    assert attachment[1000:1032] not in on_disk


def test_a_flipped_byte_in_any_chunk_is_detected(vault_path: Path) -> None:
    """Proves: flipping a byte of any chunk's nonce or ciphertext (every chunk, several places)
    makes reading fail with VaultCorrupt before any wrong byte is handed out as good."""
    make_vault(vault_path, [])
    data = os.urandom(3 * blobs.CHUNK_BYTES + 5)
    ref = _store(vault_path, data)
    original = raw_sql(vault_path, "SELECT idx, nonce, sealed FROM blobs ORDER BY idx")
    rng = random.Random(8)
    for idx, nonce, sealed in original:
        for column, value in (("nonce", nonce), ("sealed", sealed)):
            assert isinstance(value, bytes)
            for position in {0, len(value) - 1, rng.randrange(len(value))}:
                changed = bytearray(value)
                changed[position] ^= 0x01
                raw_sql(vault_path, f"UPDATE blobs SET {column} = ? WHERE idx = ?", (bytes(changed), idx))
                with _open(vault_path) as vault:
                    good = b""
                    with pytest.raises(VaultCorrupt, match="attachment"):
                        for chunk in vault.read_blob(ref):
                            good += chunk
                    assert data.startswith(good) and len(good) == idx * blobs.CHUNK_BYTES
                    with pytest.raises(VaultCorrupt, match="attachment"):
                        vault.verify()
                raw_sql(vault_path, f"UPDATE blobs SET {column} = ? WHERE idx = ?", (value, idx))
    assert _read(vault_path, ref) == data


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE blobs SET idx = -1 WHERE idx = 0; UPDATE blobs SET idx = 0 WHERE idx = 1;"
        " UPDATE blobs SET idx = 1 WHERE idx = -1",  # two chunks swapped
        "DELETE FROM blobs WHERE idx = 2;",  # the last chunk dropped
        "DELETE FROM blobs WHERE idx = 1;",  # a middle chunk dropped
        "UPDATE blobs SET chunks = 2; DELETE FROM blobs WHERE idx = 2",  # dropped, count fixed up
        "INSERT INTO blobs SELECT blob_id, 3, chunks, record, nonce, sealed FROM blobs WHERE idx = 2;",
        "UPDATE blobs SET record = record + 1;",  # moved to another record
    ],
)
def test_reordered_dropped_added_or_moved_chunks_are_detected(vault_path: Path, change: str) -> None:
    """Proves: the chunk index, the chunk count and the bound record are authenticated: any
    reordering, dropped or extra chunk, or move to another record fails to read and to verify."""
    make_vault(vault_path, [])
    ref = _store(vault_path, os.urandom(2 * blobs.CHUNK_BYTES + 1))
    raw_sql(vault_path, change)
    with _open(vault_path) as vault:
        with pytest.raises(VaultCorrupt, match="attachment"):
            b"".join(vault.read_blob(ref))
        with pytest.raises(VaultCorrupt, match="attachment"):
            vault.verify()


def test_a_chunk_from_another_blob_is_detected(vault_path: Path) -> None:
    """Proves: the blob id is bound in: a chunk copied over from another blob does not open."""
    make_vault(vault_path, [])
    first = _store(vault_path, b"A" * 100)
    second = _store(vault_path, b"B" * 100)
    ((nonce, sealed),) = raw_sql(
        vault_path, "SELECT nonce, sealed FROM blobs WHERE blob_id = ?", (first.blob_id,)
    )
    raw_sql(
        vault_path,
        "UPDATE blobs SET nonce = ?, sealed = ? WHERE blob_id = ?",
        (nonce, sealed, second.blob_id),
    )
    with pytest.raises(VaultCorrupt):
        _read(vault_path, second)


def test_opening_never_reads_blobs(vault_path: Path) -> None:
    """Proves: blobs do not slow opening: with every chunk damaged, the vault still opens and its
    records verify; only reading the blob (or `vault verify`) fails."""
    make_vault(vault_path, [b"one"])
    ref = _store(vault_path, os.urandom(4 * blobs.CHUNK_BYTES))
    raw_sql(vault_path, "UPDATE blobs SET sealed = zeroblob(length(sealed))")
    with _open(vault_path) as vault:
        assert [r for _, r in vault.records()] == [b"one", b"reply with attachment"]
        with pytest.raises(VaultCorrupt):
            b"".join(vault.read_blob(ref))


def test_a_blob_belongs_to_its_transaction(vault_path: Path) -> None:
    """Proves: a blob put in a transaction that is not committed is not stored."""
    make_vault(vault_path, [])
    with pytest.raises(RuntimeError), _open(vault_path) as vault, vault.transaction() as tx:
        tx.put_blob(b"x" * 1000)
        raise RuntimeError("the reply could not be stored")
    assert raw_sql(vault_path, "SELECT count(*) FROM blobs") == [(0,)]


def test_forget_shreds_blobs_with_everything_else(vault_path: Path, attachment: bytes) -> None:
    """Proves: after `forget` the file is gone, and a copy taken just before the delete cannot be
    unlocked by any key (the slots were overwritten), so its blobs cannot be read either."""
    recovery = make_vault(vault_path, [])
    _store(vault_path, attachment[:2_000_000])
    copy = vault_path.with_name("copy-before-delete.db")
    from broker_audit.vault import vault as vault_module

    real_remove = vault_module.remove_files

    def keep_a_copy(path: Path) -> None:
        copy.write_bytes(path.read_bytes())
        real_remove(path)

    vault_module.remove_files = keep_a_copy  # type: ignore[assignment]
    try:
        _open(vault_path).forget()
    finally:
        vault_module.remove_files = real_remove  # type: ignore[assignment]
    assert not vault_path.exists()
    with pytest.raises(VaultNotFound):
        _open(vault_path)
    for unlock in ({"recovery_key": recovery}, {"passphrase": lambda: PASSPHRASE}):
        with pytest.raises((VaultLocked, VaultCorrupt)):
            Vault.open(copy, **unlock)  # type: ignore[arg-type]
    assert attachment[5000:5032] not in copy.read_bytes()
