"""The state-registry imports that ship in `registries/`.

`python scripts/rebuild_shipped_registries.py` re-reads each shipped export with the same importer
a user's `registry import` uses (`services.registry.rebuild_shipped_imports`) and rewrites its JSON
beside it; a test checks they do not drift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ShippedImport:
    registry: str
    export: str  # the file name of the export in `registries/`
    source_url: str
    imported_on: dt.date  # the day the shipped JSON was built and its routes checked


SHIPPED = (ShippedImport("ca", "ca-ag-2020.csv", "https://oag.ca.gov/data-brokers", dt.date(2026, 11, 30)),)
