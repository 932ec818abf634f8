"""The state-registry imports that ship in `registries/`, and the command that rebuilds them.

`python -m broker_audit.registry.shipped` re-reads each shipped export with the same importer a
user's `registry import` uses and rewrites its JSON beside it; a test checks they do not drift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from broker_audit import datafiles


@dataclass(frozen=True)
class ShippedImport:
    registry: str
    export: str  # the file name of the export in `registries/`
    source_url: str
    imported_on: dt.date  # the day the shipped JSON was built and its routes checked


SHIPPED = (ShippedImport("ca", "ca-ag-2020.csv", "https://oag.ca.gov/data-brokers", dt.date(2026, 11, 30)),)


def rebuild(folder: Path | None = None, into: Path | None = None) -> list[Path]:
    """Re-import every shipped export from `folder` and write its JSON into `into`."""
    from broker_audit.services.registry import import_registry

    folder = folder or datafiles.shipped_imports_dir()
    into = into or folder
    written = []
    for item in SHIPPED:
        target = into / (Path(item.export).stem + ".json")
        target.unlink(missing_ok=True)
        import_registry(
            item.registry,
            folder / item.export,
            today=item.imported_on,
            into=target,
            source_url=item.source_url,
        )
        written.append(target)
    return written


if __name__ == "__main__":
    for path in rebuild():
        print(path)
