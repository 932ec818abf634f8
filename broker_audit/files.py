"""The one safe-write helper: every file the tool writes goes through here.

Files are created 0600 on a temporary name in the target folder (O_CREAT|O_EXCL|O_NOFOLLOW),
written, fsynced and renamed into place; a symlink at the destination is refused, never followed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from broker_audit.errors import UserError


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, mode 0600, refusing to write through a symlink."""
    path = Path(path)
    if path.is_symlink():
        raise UserError(
            f"{path} is a symbolic link; not writing through it", "remove the link or choose another path"
        )
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as exc:
        raise UserError(
            f"cannot write {path}: {exc.strerror}", "check the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
