"""Large byte strings (reply attachments, scans) as encrypted, chunked blobs.

A blob is cut into chunks of `CHUNK_BYTES` (the last one shorter; an empty blob is one empty
chunk). Each chunk is sealed with AES-256-GCM under the vault's data key, with the vault id, the
blob id, the number of the record that references the blob, the chunk's index and the number of
chunks bound in as associated data, so a chunk that is changed, moved to another blob or record,
reordered, dropped or added fails to open. The `BlobRef` is kept inside that record (sealed like
every record), and reading checks the size it promises.

Blobs live in their own table: opening the vault never reads them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 1 << 20  # 1 MiB
BLOB_ID_BYTES = 16
MAX_BLOB_BYTES = 1 << 32  # 4 GiB: far beyond any attachment; keeps the chunk count sane
_BLOB_AD = b"broker-audit blob v1\x00"
_AD_NUMBERS = struct.Struct(">QQQ")


@dataclass(frozen=True)
class BlobRef:
    """Where a blob is and what it must be: kept in the record that references it."""

    blob_id: bytes
    record: int  # the number of the record that references this blob
    size: int
    chunks: int


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK_BYTES))


def chunk_ad(vault_id: bytes, blob_id: bytes, record: int, idx: int, chunks: int) -> bytes:
    return _BLOB_AD + vault_id + blob_id + _AD_NUMBERS.pack(record, idx, chunks)


def blob_size(data: bytes | BinaryIO) -> int:
    """The size of `data` (bytes, or a binary file read from its current position)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return len(data)
    start = data.tell()
    end = data.seek(0, 2)
    data.seek(start)
    return end - start


def iter_chunks(data: bytes | BinaryIO, size: int) -> Iterator[bytes]:
    """The chunks of `data` (bytes, or a file read from its position), one in memory at a time."""
    if size == 0:
        yield b""
        return
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, size, CHUNK_BYTES):
            yield bytes(view[start : start + CHUNK_BYTES])
        return
    left = size
    while left > 0:
        chunk = data.read(min(CHUNK_BYTES, left))
        if not chunk:
            raise ValueError("the file ended before its size")
        left -= len(chunk)
        yield chunk
