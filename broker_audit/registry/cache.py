"""The merged registry kept pre-built, so a command starts without parsing TOML or merging.

`brokers.toml` (TOML, parsed in pure Python) plus the shipped and the user's imported brokers
(JSON; 600 of them) merged and indexed took ~30 ms at every start. The merged records are kept
in the user's cache folder as msgpack and decoded straight into the typed, validated records
(~6 ms). The cache is keyed by the identity (path, inode, size, modification time) of every
data file and of the modules that define and merge the records, so an edit, an import or an
upgrade rebuilds it; a cache that cannot be read or decoded is rebuilt, and one that cannot be
written is skipped. It holds only public registry data, nothing personal.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import msgspec

from broker_audit.registry.schema import Broker, Preset

FORMAT = b"broker-audit registry cache 1"


class Cached(msgspec.Struct, array_like=True):
    brokers: list[Broker]
    presets: list[Preset]
    index: dict[str, str]  # normalised name -> broker id, as `Registry` builds it


_decoder = msgspec.msgpack.Decoder(Cached)


def cache_file() -> Path:
    """Where the cache lives: $BROKER_AUDIT_CACHE, else the platform's user cache folder."""
    env = os.environ.get("BROKER_AUDIT_CACHE")
    if env:
        return Path(env).expanduser() / "registry.msgpack"
    if sys.platform == "linux":  # what platformdirs answers, without importing it (2 ms)
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
        return base / "broker-audit" / "registry.msgpack"
    import platformdirs

    return Path(platformdirs.user_cache_dir("broker-audit", appauthor=False)) / "registry.msgpack"


def cache_key(sources: list[Path | None]) -> bytes:
    """What the cached registry was built from: the data files and the code that reads them."""
    code = Path(__file__).parent  # the modules that define and merge the records (not imported)
    h = hashlib.sha256(FORMAT + msgspec.__version__.encode())
    for path in [*sources, code / "schema.py", code / "merge.py", code / "load.py"]:
        if path is None:
            h.update(b"\0none")
            continue
        try:
            st = path.stat()
        except OSError:
            h.update(b"\0missing" + os.fsencode(path))
            continue
        h.update(b"\0%s %d %d %d" % (os.fsencode(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return h.digest()


def read(path: Path, key: bytes) -> Cached | None:
    """The cached records if the cache was built from exactly these sources, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[: len(key)] != key:
        return None
    try:
        return _decoder.decode(memoryview(data)[len(key) :])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def write(
    path: Path, key: bytes, brokers: list[Broker], presets: list[Preset], index: dict[str, str]
) -> None:
    """Replace the cache atomically (private temporary file, then rename); errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".registry.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key + msgspec.msgpack.encode(Cached(brokers=brokers, presets=presets, index=index)))
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
