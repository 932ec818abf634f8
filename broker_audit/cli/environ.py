"""Taking a secret out of the process's own environment block, not only out of `os.environ`.

`os.environ.pop` removes a variable from Python's copy and from the C `environ` array, but the
kernel shows the environment the process started with (`/proc/PID/environ`, what `ps e` prints),
read from the process's own memory, to every process of the same user for as long as it runs: the
passphrase and the mail password stayed there for the whole of a long `send` or `inbox`. So the
value itself is overwritten with zero bytes where it lies:

1. through the C `environ` array (libc's `environ`), whose entries point into that block at start;
2. on Linux, by searching the block itself (its bounds are fields 50 and 51 of /proc/self/stat),
   in case a pointer was moved; then /proc/self/environ is read back to check.

Python's own copies (`os.environ`, and `posix.environ`, which `os` builds it from) are dropped too.
Where none of this can work (no /proc, no ctypes, another C library) the caller is told, and the
passphrase can come from a file descriptor instead (`--passphrase-fd`), which leaves nothing in the
environment at all.
"""

from __future__ import annotations

import contextlib
import os
import sys


def _wipe_through_environ_array(keys: list[bytes]) -> None:
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        array = ctypes.POINTER(ctypes.c_void_p).in_dll(libc, "environ")
    except (OSError, ValueError, AttributeError):
        return
    index = 0
    while True:
        address = array[index]
        if not address:
            return
        entry = ctypes.string_at(address)
        for key in keys:
            if entry.startswith(key):
                ctypes.memset(address + len(key), 0, len(entry) - len(key))
        index += 1


def _block_bounds() -> tuple[int, int] | None:
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    try:  # field n (1-based) is fields[n - 3] after the command name
        start, end = int(fields[50 - 3]), int(fields[51 - 3])
    except (IndexError, ValueError):
        return None
    return (start, end) if 0 < start < end else None


def _wipe_in_block(keys: list[bytes]) -> None:
    import ctypes

    bounds = _block_bounds()
    if bounds is None:
        return
    start, end = bounds
    block = ctypes.string_at(start, end - start)
    for key in keys:
        at = block.find(key)
        while at >= 0:
            if at == 0 or block[at - 1] == 0:
                stop = block.find(b"\0", at)
                stop = len(block) if stop < 0 else stop
                ctypes.memset(start + at + len(key), 0, stop - at - len(key))
            at = block.find(key, at + 1)


def _still_shown(entries: list[bytes]) -> bool | None:
    """Whether /proc/self/environ still shows any of `entries` (NAME=value; None: cannot tell)."""
    try:
        with open("/proc/self/environ", "rb") as handle:
            shown = b"\0" + handle.read()
    except OSError:
        return None
    return any(b"\0" + entry in shown for entry in entries)


def scrub(names: tuple[str, ...]) -> tuple[dict[str, str], bool]:
    """Take `names` out of the environment: (their values, True if the start-up block no longer
    shows them or there is no such block to read)."""
    values = {n: os.environ[n] for n in names if os.environ.get(n)}
    if not values:
        return {}, True
    keys = [n.encode() + b"=" for n in values]
    entries = [n.encode() + b"=" + os.fsencode(v) for n, v in values.items()]
    with contextlib.suppress(Exception):  # best effort: checked below
        _wipe_through_environ_array(keys)
        if sys.platform.startswith("linux"):
            _wipe_in_block(keys)
    for name in values:
        os.environ.pop(name, None)
        with contextlib.suppress(Exception):
            import posix

            posix.environ.pop(name.encode(), None)
    shown = _still_shown(entries)
    return values, shown is not True
