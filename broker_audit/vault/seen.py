"""The last state of a vault seen on this computer, kept outside the vault file.

A vault cannot tell by itself that it is an older copy (a restored backup, a sync conflict, a
write-ahead log that lost its last commits): every older state is a valid vault. So after every
commit and every open, its record count and head (the tag of its last record, which pins the
whole chain) are kept where the file's own history cannot take them back: in the OS keyring,
beside the key's entry, when the vault has a keyring slot and a secure keyring is usable; else in
a small file in the user config folder (platformdirs), `seen/<vault id>.json`, mode 0600. Either
way the value is MACed (HMAC-SHA256) with a key derived from the vault's data key, so it cannot
be forged or moved to another vault by someone without the key.

The state only moves forward: a save never replaces a state that extends the one being saved
(another process wrote more), except when this vault was written after being found older or
different (`rebase`): from then on its own history is the one to follow.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from broker_audit.i18n import _
from broker_audit.vault import crypto, keys

_MAC_INFO = b"broker-audit last seen v1"
FORMAT = 1
_FILE_BYTES = 512  # the JSON, padded with spaces: every save writes the same bytes in place


@dataclass(frozen=True)
class SeenState:
    """A vault's record count, the tag of its last record, and when it last changed."""

    count: int
    head: bytes
    changed_at: int = 0  # unix seconds; 0 if unknown
    seen_at: int = 0


def seen_dir() -> Path:
    """Where the last-seen files live: `<user config>/broker-audit/seen`."""
    import platformdirs

    return platformdirs.user_config_path("broker-audit") / "seen"


class SeenStore:
    """The last-seen state of one vault (see the module docstring)."""

    def __init__(self, vault_id: bytes, data_key: bytes, *, in_keyring: bool) -> None:
        self._vault_id = vault_id
        self._mac_key = crypto.hkdf_key(data_key, vault_id, _MAC_INFO)
        self._in_keyring = in_keyring
        self.problem: str | None = None  # set when a stored state was unreadable or forged

    # --- reading ---------------------------------------------------------------------------

    def load(self) -> SeenState | None:
        """The stored state, or None (none yet, unreadable, or not MACed by this vault's key)."""
        if self._in_keyring:
            return self._load()
        try:
            with self._locked(shared=True):
                return self._load()
        except OSError:
            return None

    def _load(self) -> SeenState | None:
        text = self._read_text()
        if text is None:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("v") != FORMAT:
                raise ValueError
            mac = bytes.fromhex(data.pop("mac"))
            if not hmac.compare_digest(mac, self._mac(data)):
                self.problem = _("the record of this vault's last state on this computer was changed")
                return None
            return SeenState(
                count=int(data["count"]),
                head=bytes.fromhex(data["head"]),
                changed_at=int(data["changed"]),
                seen_at=int(data["seen"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            self.problem = _("the record of this vault's last state on this computer is unreadable")
            return None

    # --- writing ---------------------------------------------------------------------------

    def save(self, state: SeenState, *, contains: Callable[[SeenState], bool], rebase: bool = False) -> None:
        """Remember `state` unless the stored one goes further along the same history.

        `contains(other)` says whether the vault holds `other` (its record `count` has tag
        `head`). Best effort: a failure to remember is never an error of the write it follows.
        """
        with contextlib.suppress(OSError), self._locked():
            current = self._load()
            if current is not None:
                if contains(current):  # the vault holds what was seen: only ever move forward
                    moves_on = current.count < state.count
                    if not moves_on and (
                        current.count > state.count or current.changed_at == state.changed_at
                    ):
                        return
                elif not rebase:
                    return  # an older or other copy is open here: keep what was seen
            self._write_text(self._encode(state))

    def forget(self) -> None:
        """Remove the stored state (file and keyring item)."""
        keys.keyring_delete(self._vault_id, keys.LAST_SEEN_ITEM)
        with contextlib.suppress(OSError):
            os.unlink(self._file())

    # --- internals -------------------------------------------------------------------------

    def _mac(self, data: dict[str, object]) -> bytes:
        body = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("ascii")
        return hmac.new(self._mac_key, self._vault_id + b"\x00" + body, hashlib.sha256).digest()

    def _encode(self, state: SeenState) -> str:
        data: dict[str, object] = {
            "v": FORMAT,
            "count": state.count,
            "head": state.head.hex(),
            "changed": state.changed_at,
            "seen": int(time.time()),
        }
        data["mac"] = self._mac(data).hex()
        return json.dumps(data, sort_keys=True)

    def _file(self) -> Path:
        return seen_dir() / f"{self._vault_id.hex()}.json"

    def _read_text(self) -> str | None:
        if self._in_keyring:
            return keys.keyring_get_text(self._vault_id, keys.LAST_SEEN_ITEM)
        try:
            fd = os.open(self._file(), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                return handle.read(4096).decode("ascii")
        except (OSError, UnicodeError):
            return None

    def _write_text(self, text: str) -> None:
        """Into the keyring item, or over the file in place (under the lock; no temp file and
        rename, which on ext4 flushes like an fsync and would double the cost of a commit). A
        write torn by a crash fails its MAC and reads as unreadable, never as another state."""
        if self._in_keyring:
            keys.keyring_set_text(self._vault_id, keys.LAST_SEEN_ITEM, text)
            return  # if the keyring refused, a file would be read by nobody
        data = text.encode("ascii").ljust(_FILE_BYTES)
        fd = os.open(self._file(), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.lseek(fd, 0, os.SEEK_SET)  # (os.pwrite does not exist on Windows)
            os.write(fd, data)
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _locked(self, *, shared: bool = False) -> Iterator[None]:
        """A lock on `seen/.lock` (a file of its own, never the vault's): exclusive to save,
        shared to read."""
        folder = seen_dir()
        _make_private_dirs(folder)
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            _lock_fd(fd, shared=shared)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _lock_fd(fd: int, *, shared: bool) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)


def _make_private_dirs(folder: Path) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
