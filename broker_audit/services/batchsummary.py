"""What a clinic batch did, in the terms the clinic reads: the data of `bulk letters --json`,
and what its summary on the terminal draws.

Made from the batch's result (`services/batch.py`); nothing a row said beyond what the dry run
shows to be checked (a row to fix gives its number and the reason, never its cells).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from broker_audit.services.batch import BatchResult


class RowToFix(msgspec.Struct, frozen=True):
    row: int
    reason: str  # names the column(s) and what to fix


class SameClient(msgspec.Struct, frozen=True):
    """Two rows that look like one client."""

    row: int
    same_as_row: int


class Tells(msgspec.Struct, frozen=True):
    """What the letters to these brokers tell, in words."""

    tells: str
    brokers: list[str]


class RepeatSkipped(msgspec.Struct, frozen=True):
    """A letter not written again: an open request of its kind to the broker exists."""

    row: int
    client: str
    broker: str
    kind: str
    open_request: int


class RowSeen(msgspec.Struct, frozen=True):
    """What the dry run read from one good row, to check before anything is written."""

    row: int
    client: str
    name: str
    birth_date: dt.date | None
    state: str
    zip: str
    language: str


class BatchSummary(msgspec.Struct, frozen=True, kw_only=True):
    batch: str
    dry_run: bool
    clients: int
    letters: int  # letters written and logged (every route)
    pages: int
    files: list[Path]
    first_request: int | None
    last_request: int | None
    rows_to_fix: list[RowToFix]
    duplicates: list[SameClient]
    unmapped_columns: list[str]
    by_channel: dict[str, int]  # letters per route channel
    no_route: int  # letters not written: no route known to the broker
    no_route_brokers: list[str]
    disclosure: list[Tells]
    date_order: str  # how the birth dates were read
    notes: list[str]
    repeats_skipped: list[RepeatSkipped]
    repeats_checked: bool  # False for a dry run without a vault to check against
    read: list[RowSeen]  # a dry run only: what each good row says


def batch_summary(result: BatchResult) -> BatchSummary:
    return BatchSummary(
        batch=result.batch_id,
        dry_run=result.dry_run,
        clients=result.clients,
        letters=result.letters,
        pages=result.pages,
        files=result.files,
        first_request=result.first_request,
        last_request=result.last_request,
        rows_to_fix=[RowToFix(b.row, b.reason) for b in result.bad_rows],
        duplicates=[SameClient(a, b) for a, b in result.duplicates],
        unmapped_columns=result.unmapped_columns,
        by_channel=result.by_channel,
        no_route=result.no_route,
        no_route_brokers=result.no_route_brokers,
        disclosure=[Tells(what, names) for what, names in result.disclosure.items()],
        date_order=result.date_order,
        notes=result.notes,
        repeats_skipped=[
            RepeatSkipped(r.row, r.client_id, r.broker_id, r.kind, r.request_id) for r in result.repeats
        ],
        repeats_checked=result.repeats_checked,
        read=[
            RowSeen(r.row, r.client_id, r.name, r.birth_date, r.state, r.zip, r.language) for r in result.read
        ],
    )
