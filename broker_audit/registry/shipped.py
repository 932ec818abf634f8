"""The state-registry imports that ship in `registries/`.

`python scripts/rebuild_shipped_registries.py` re-reads each shipped export with the same importer
a user's `registry import` uses (`services.registry.rebuild_shipped_imports`) and rewrites its JSON
beside it; a test checks they do not drift.

Several exports of one registry may ship (California's 2025 CPPA file and its 2020 Attorney General
file). They are listed newest first, and merged in that order: a broker in both is one broker, the
newer filing's record, to which the older one adds only channels the newer lacks (see
`registry/merge.py`). A user's own import of a registry replaces every shipped export of it.
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
    # The registration year of an export whose rows carry no date (the CPPA's 2025 file).
    filed: int | None = None

    @property
    def bundle(self) -> str:
        """The file name of the built JSON beside the export."""
        return self.export.rsplit(".", 1)[0] + ".json"


SHIPPED = (
    # Registrations of January 2025 (request metrics for 2023); 535 brokers, 67 columns. Read in a
    # copy: GitHub mjayjoh/data-broker-analysis, data/raw_data/California Data Broker Registry
    # 2025.csv, commit f6cf1cd9420ec46b4ff20dbde1b1804891496f09 (2025-12-03); see registries/README.md.
    ShippedImport(
        "ca", "cppa-2025.csv", "https://cppa.ca.gov/data_broker_registry/", dt.date(2026, 12, 7), filed=2025
    ),
    ShippedImport("ca", "ca-ag-2020.csv", "https://oag.ca.gov/data-brokers", dt.date(2026, 11, 30)),
)
