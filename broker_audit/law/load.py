"""Load and validate `laws.toml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from broker_audit import datafiles
from broker_audit.errors import DataFileError
from broker_audit.law.schema import Law, LawsFile
from broker_audit.tomlerrors import load_toml


def load_laws(path: Path | None = None) -> tuple[Law, ...]:
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
    return load_laws()
