"""`laws.toml` kept pre-built, so a command that needs the laws does not parse TOML.

Parsing and validating `laws.toml` in pure Python took 40-130 ms at every start of a command
that writes letters; the validated records are kept in the user's cache folder, beside the
registry's (`registry/cache.py`), as msgpack decoded straight into the typed `Law` records
(about 9 ms, each value checked again by its type as it is decoded). As the registry's, the cache
is keyed by the identity (path, inode, size, modification time) of `laws.toml` and of the modules
that define and check the records, and by msgspec's version, so an edit or an upgrade rebuilds
it; a cache that cannot be read or decoded is rebuilt, and one that cannot be written is skipped.
It holds only public data.

Layout: the key (length-prefixed), then the records.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from broker_audit.datafiles import sources_key
from broker_audit.i18n import N_
from broker_audit.law.schema import Law

FORMAT = b"broker-audit laws cache 1"
_decoder = msgspec.msgpack.Decoder(list[Law])


def cache_file() -> Path:
    """Where the cache lives: the registry cache's folder ($BROKER_AUDIT_CACHE, else the user
    cache folder)."""
    from broker_audit.registry.cache import cache_file as registry_cache

    return registry_cache().with_name("laws.msgpack")


def cache_key(source: Path) -> bytes:
    """What the cached laws were built from: the file and the code that reads it."""
    code = Path(__file__).parent
    package = code.parent
    return sources_key(
        FORMAT + b" " + msgspec.__version__.encode(),
        [source, code / "schema.py", code / "load.py", package / "strict.py", package / "vocabulary.py"],
    )


def read(path: Path, key: bytes) -> tuple[Law, ...] | None:
    """The cached laws if the cache was built from exactly these sources, else None."""
    try:
        data = memoryview(path.read_bytes())
    except OSError:
        return None
    if data[: len(key)] != key:
        return None
    try:
        laws = tuple(_decoder.decode(data[len(key) :]))
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return laws or None


def write(path: Path, key: bytes, laws: tuple[Law, ...]) -> None:
    """Replace the cache through the safe-write helper; a cache that cannot be written is only
    a slower start."""
    from broker_audit.errors import BrokerAuditError
    from broker_audit.files import atomic_file

    try:
        with atomic_file(path, what=N_("laws cache")) as out:
            out.write(key + msgspec.msgpack.encode(list(laws)))
    except (OSError, BrokerAuditError):
        pass
