"""Load and validate `laws.toml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from broker_audit import datafiles
from broker_audit.errors import DataFileError
from broker_audit.law.schema import Law, LawsFile


def load_laws(path: Path | None = None) -> tuple[Law, ...]:
    from broker_audit.tomlerrors import load_toml  # TOML only when the cache cannot answer

    data = load_toml(path or datafiles.laws_file(), LawsFile, table="law")
    ids = [law.id for law in data.law]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise DataFileError(f"law ids appear twice: {', '.join(dupes)}")
    if not any(law.kind == "none" for law in data.law):
        raise DataFileError('laws.toml has no fallback law (kind = "none")')
    return tuple(data.law)


@cache
def shipped_laws() -> tuple[Law, ...]:
    """The shipped `laws.toml`, read from the pre-built cache when it was built from this very
    file and code (`law/cache.py`), else parsed, checked and cached."""
    return cached_laws(datafiles.laws_file())


def cached_laws(source: Path) -> tuple[Law, ...]:
    """The laws of `source`, from the cache if it was built from it, else parsed and cached."""
    from broker_audit.law import cache as prebuilt

    key, where = prebuilt.cache_key(source), prebuilt.cache_file()
    laws = prebuilt.read(where, key)
    if laws is None:
        laws = load_laws(source)
        prebuilt.write(where, key, laws)
    return laws
