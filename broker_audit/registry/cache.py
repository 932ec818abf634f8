"""The merged registry kept pre-built, so a command starts without parsing TOML or merging.

`brokers.toml` (TOML, parsed in pure Python) plus the shipped and the user's imported brokers
(JSON; 600 of them) merged and indexed took ~30 ms at every start. The merged records are kept
in the user's cache folder as msgpack and decoded straight into the typed, validated records
(~6 ms), after one listing row per broker (`registry/listing.py`), which `brokers list` reads
alone (~1 ms, without importing the records' schema). The cache is keyed by the identity (path,
inode, size, modification time) of every data file and of the modules that define and merge the
records, so an edit, an import or an upgrade rebuilds it; a cache that cannot be read or decoded
is rebuilt, and one that cannot be written is skipped. It holds only public registry data,
nothing personal.

Layout: the key (length-prefixed), the rows' length (4 bytes), the rows, then the records.
"""

from __future__ import annotations

import os
import struct
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from broker_audit.datafiles import sources_key
from broker_audit.i18n import N_
from broker_audit.registry.listing import BrokerRow

if TYPE_CHECKING:
    from broker_audit.registry.schema import Broker, Preset

FORMAT = b"broker-audit registry cache 2"
_LENGTH = struct.Struct(">I")
_rows_decoder = msgspec.msgpack.Decoder(list[BrokerRow])


@cache
def _records() -> tuple[type, msgspec.msgpack.Decoder[Any]]:
    """The records' container type and its decoder (imports the schema: only when needed)."""
    from broker_audit.registry.schema import Broker, Preset

    cached = msgspec.defstruct(
        "Cached",
        [("brokers", list[Broker]), ("presets", list[Preset]), ("index", dict[str, str])],
        array_like=True,
    )  # index: normalised name -> broker id, as `Registry` builds it
    return cached, msgspec.msgpack.Decoder(cached)


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
    """What the cached registry was built from: the data files and the code that reads them (the
    modules that define and merge the records, not imported)."""
    code = Path(__file__).parent
    return sources_key(
        FORMAT + b" " + msgspec.__version__.encode(),
        [*sources, code / "schema.py", code / "merge.py", code / "load.py"],
    )


def _parts(path: Path, key: bytes) -> tuple[memoryview, memoryview] | None:
    """The rows' bytes and the records' bytes, if the cache was built from these sources."""
    try:
        data = memoryview(path.read_bytes())
    except OSError:
        return None
    if data[: len(key)] != key or len(data) < len(key) + 4:
        return None
    (rows_length,) = _LENGTH.unpack_from(data, len(key))
    start = len(key) + 4
    return data[start : start + rows_length], data[start + rows_length :]


def _decode(decoder: msgspec.msgpack.Decoder[Any], data: memoryview) -> Any:
    import gc

    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none in a cycle: no collector passes (2-4 ms)
    try:
        return decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    finally:
        if enabled:
            gc.enable()


def read(path: Path, key: bytes) -> Any:
    """The cached records (`.brokers`, `.presets`, `.index`) if the cache was built from exactly
    these sources, else None."""
    parts = _parts(path, key)
    return None if parts is None else _decode(_records()[1], parts[1])


def read_rows(path: Path, key: bytes) -> list[BrokerRow] | None:
    """The cached listing rows, without decoding the records, if the cache is current."""
    parts = _parts(path, key)
    return None if parts is None else _decode(_rows_decoder, parts[0])


def write(
    path: Path,
    key: bytes,
    brokers: list[Broker],
    presets: list[Preset],
    index: dict[str, str],
    rows: list[BrokerRow],
) -> None:
    """Replace the cache through the safe-write helper (a private temporary file renamed into
    place, never through a link); a cache that cannot be written is only a slower start."""
    from broker_audit.errors import BrokerAuditError
    from broker_audit.files import atomic_file

    cached = _records()[0](brokers=brokers, presets=presets, index=index)
    row_bytes = msgspec.msgpack.encode(rows)
    try:
        with atomic_file(path, what=N_("registry cache")) as out:
            out.write(key + _LENGTH.pack(len(row_bytes)) + row_bytes + msgspec.msgpack.encode(cached))
    except (OSError, BrokerAuditError):
        pass
