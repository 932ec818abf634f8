"""Read the vault's write-ahead log (vault.db-wal) the way SQLite will, before SQLite does.

SQLite replays a WAL up to its first frame whose checksum fails and forgets the rest; the first
connection then checkpoints and deletes the file. A damaged frame therefore makes a vault open
at an older state and loses every commit after it for good. This module finds that case before
any connection exists, from the file format alone (https://sqlite.org/fileformat2.html#walformat):

- `frames`: the frames SQLite will use (up to the last commit frame of the valid prefix);
- `torn_frames`: frames of this WAL's generation that SQLite will drop. After a crash in the
  middle of a write these are the unacknowledged last transaction; they can also be damage to
  the last acknowledged one, which only the last state seen outside the vault can tell apart;
- `lost_commits`: commit frames after the first bad frame whose own checksum (chained from the
  frame before them, as written) is right. A torn write never leaves one: they were written
  after the damaged frame, by a transaction that completed. SQLite would drop them silently.

Only the -wal file is read (never the database file or -shm, whose POSIX locks belong to SQLite).
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

WAL_MAGIC = 0x377F0682
WAL_VERSION = 3007000
HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
_MASK = 0xFFFFFFFF
_HEADER = struct.Struct(">8I")
_FRAME = struct.Struct(">6I")


@dataclass(frozen=True)
class WalReport:
    """What SQLite will make of a WAL file (see the module docstring)."""

    frames: int = 0
    torn_frames: int = 0
    lost_commits: int = 0
    header_ok: bool = True


def wal_path(db_path: Path) -> Path:
    return Path(str(db_path) + "-wal")


def _checksum(data: bytes | memoryview, big_endian: bool, s1: int, s2: int) -> tuple[int, int]:
    """SQLite's WAL checksum (walChecksumBytes): Fibonacci-weighted sums of 32-bit words."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for a, b in zip(words[0::2], words[1::2], strict=True):
        s1 = s1 + a + s2
        s2 = s2 + b + s1
        if s2 > 1 << 60:  # keep the ints small; the sums are taken modulo 2**32
            s1 &= _MASK
            s2 &= _MASK
    return s1 & _MASK, s2 & _MASK


def _valid_page_size(size: int) -> bool:
    return 512 <= size <= 65536 and size & (size - 1) == 0


def _frame_ok(
    data: bytes, offset: int, page_size: int, big_endian: bool, salts: tuple[int, int], prev: tuple[int, int]
) -> tuple[bool, int, tuple[int, int]]:
    """(checksum and salts right, commit size, stored checksum) of the frame at `offset`."""
    pgno, commit, salt1, salt2, c1, c2 = _FRAME.unpack_from(data, offset)
    if pgno == 0 or (salt1, salt2) != salts:
        return False, commit, (c1, c2)
    body = memoryview(data)[offset : offset + FRAME_HEADER_BYTES + page_size]
    s1, s2 = _checksum(body[:8], big_endian, *prev)
    s1, s2 = _checksum(body[FRAME_HEADER_BYTES:], big_endian, s1, s2)
    return (s1, s2) == (c1, c2), commit, (c1, c2)


def _salts_at(data: bytes, offset: int) -> tuple[int, int]:
    _, _, salt1, salt2, _, _ = _FRAME.unpack_from(data, offset)
    return salt1, salt2


def _scan(data: bytes) -> WalReport:
    if len(data) < HEADER_BYTES:
        return WalReport()
    magic, version, page_size, _, salt1, salt2, hc1, hc2 = _HEADER.unpack_from(data)
    big_endian = bool(magic & 1)
    header_ok = (
        magic & ~1 & _MASK == WAL_MAGIC
        and version == WAL_VERSION
        and _valid_page_size(page_size)
        and _checksum(data[:24], big_endian, 0, 0) == (hc1, hc2)
    )
    if not header_ok:
        return _scan_without_header(data, page_size)
    frame_bytes = FRAME_HEADER_BYTES + page_size
    count = (len(data) - HEADER_BYTES) // frame_bytes
    salts = (salt1, salt2)
    chain = (hc1, hc2)
    used = 0
    bad = count
    for i in range(count):
        ok, commit, stored = _frame_ok(
            data, HEADER_BYTES + i * frame_bytes, page_size, big_endian, salts, chain
        )
        if not ok:
            bad = i
            break
        chain = stored
        if commit:
            used = i + 1
    torn = sum(
        1
        for i in range(used, count + (1 if _partial_frame(data, count, frame_bytes) else 0))
        if _salts_at(data, HEADER_BYTES + i * frame_bytes) == salts
    )
    lost = 0
    for i in range(bad + 1, count):
        offset = HEADER_BYTES + i * frame_bytes
        _, _, _, _, p1, p2 = _FRAME.unpack_from(data, offset - frame_bytes)
        ok, commit, _ = _frame_ok(data, offset, page_size, big_endian, salts, (p1, p2))
        if ok and commit:
            lost += 1
    return WalReport(frames=used, torn_frames=torn, lost_commits=lost, header_ok=True)


def _partial_frame(data: bytes, count: int, frame_bytes: int) -> bool:
    """True if a frame header (at least) follows the last whole frame."""
    return len(data) - HEADER_BYTES - count * frame_bytes >= FRAME_HEADER_BYTES


def _scan_without_header(data: bytes, page_size: int) -> WalReport:
    """SQLite ignores a WAL whose header is bad. Any commit in it that checks out is lost."""
    if len(data) < HEADER_BYTES + FRAME_HEADER_BYTES:
        return WalReport(header_ok=False)
    sizes = [page_size] if _valid_page_size(page_size) else [1 << k for k in range(9, 17)]
    best = WalReport(header_ok=False)
    salts = _salts_at(data, HEADER_BYTES)
    for size in sizes:
        frame_bytes = FRAME_HEADER_BYTES + size
        count = (len(data) - HEADER_BYTES) // frame_bytes
        for big_endian in (False, True):
            lost = 0
            for i in range(1, count):
                offset = HEADER_BYTES + i * frame_bytes
                _, _, _, _, p1, p2 = _FRAME.unpack_from(data, offset - frame_bytes)
                ok, commit, _ = _frame_ok(data, offset, size, big_endian, salts, (p1, p2))
                if ok and commit:
                    lost += 1
            torn = sum(1 for i in range(count) if _salts_at(data, HEADER_BYTES + i * frame_bytes) == salts)
            if lost > best.lost_commits or (lost == best.lost_commits and torn > best.torn_frames):
                best = WalReport(frames=0, torn_frames=torn, lost_commits=lost, header_ok=False)
    return best


def inspect_wal(db_path: Path) -> WalReport:
    """Read `db_path`-wal (if any) and say what SQLite will keep and drop of it.

    A writer may be appending while we read; a commit it is still writing never checks out, and
    a report of lost commits is confirmed by a second read with the same WAL header (a writer
    that restarted the WAL in between would have changed it).
    """
    path = wal_path(db_path)
    report, header = _read_and_scan(path)
    if not report.lost_commits:
        return report
    time.sleep(0.05)
    again, header_again = _read_and_scan(path)
    if header_again == header:
        return again
    return _read_and_scan(path)[0]  # a live writer restarted the WAL: judge its new contents


def _read_and_scan(path: Path) -> tuple[WalReport, bytes]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # no WAL (the usual case after a clean close), or not ours to read
        return WalReport(), b""
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
    except OSError:
        return WalReport(), b""
    return _scan(data), data[:HEADER_BYTES]
