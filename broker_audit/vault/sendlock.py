"""The lock one `send` holds while it hands messages to a mail server (not the writer lock).

A run that sends logs a claim before each message goes out and its outcome after (both under the
writer lock, held for milliseconds); between the two it talks to the server with no vault lock,
so `mark` and `inbox` are never kept waiting by a slow server. This advisory lock, on a small file
beside the vault (`vault.db-send.lock`), says that a run is between a claim and its outcome: a
second `send` sees it held and stops, and a claim found open while the lock is free belongs to a
run that ended (killed, or its connection broke), never to one still sending.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

SUFFIX = "-send.lock"


@contextlib.contextmanager
def send_lock(vault_path: Path) -> Iterator[bool]:
    """Hold the lock for the block; yields False (without waiting) if another run holds it."""
    path = str(vault_path) + SUFFIX
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # no advisory locks (Windows): the writer lock still guards each claim
            yield True
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock
