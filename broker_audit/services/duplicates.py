"""Open requests that a new letter would repeat: the same kind, to the same broker, for the same
person (the vault's own profile, or one clinic client).

`request` warns and asks before writing such a letter again (or `--again`); a clinic batch skips
such client x broker x kind pairs unless told `--again`, and lists them. A request is open from
the day it is drafted until it is answered in full, refused, or withdrawn (`OPEN_STATES`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from broker_audit.tracking.journal import Journal
from broker_audit.tracking.states import AWAITING, State

OPEN_STATES = frozenset({State.DRAFTED, *AWAITING, State.NO_RESPONSE, State.COMPLAINED})
"""A request in one of these states still waits for its answer: writing it again repeats it."""


@dataclass(frozen=True)
class OpenRequest:
    request_id: int
    broker_id: str
    broker_name: str
    kind: str
    state: str
    dated: dt.date
    client_id: str | None = None
    batch_id: str | None = None
    reference: str = ""

    def describe(self) -> str:
        where = f" in batch {self.batch_id}" if self.batch_id else ""
        return f"#{self.request_id}{where}, dated {self.dated.isoformat()}, is still {self.state}"


Key = tuple[str | None, str, str]
"""(client id or None for the vault's own profile, broker id, letter kind)."""


def _open(journal: Journal, recipient: str) -> Iterator[OpenRequest]:
    """Every open request to a `recipient` kind ("broker", "agency"), oldest first."""
    for request, now in journal.current():
        if request.recipient != recipient or now.state not in OPEN_STATES:
            continue
        yield OpenRequest(
            request_id=request.id,
            broker_id=request.broker_id,
            broker_name=request.recipient_name if recipient != "agency" else request.agency,
            kind=request.kind,
            state=now.state.value,
            dated=request.dated,
            client_id=request.client_id,
            batch_id=request.batch_id,
            reference=request.reference,
        )


def open_requests(journal: Journal) -> dict[Key, OpenRequest]:
    """The first open request of each person x broker x kind: requests to a broker, and the
    complaints that a broker cannot be reached (`unreachable`, to a complaint office, keyed by
    the broker they are about), which `request` writes again for the same broker."""
    found: dict[Key, OpenRequest] = {}
    for r in _open(journal, "broker"):
        if r.broker_id:
            found.setdefault((r.client_id, r.broker_id, r.kind), r)
    for r in _open(journal, "complaint-office"):
        if r.broker_id and r.kind == "unreachable":
            found.setdefault((r.client_id, r.broker_id, r.kind), r)
    return found


def open_agency_requests(journal: Journal) -> dict[str, OpenRequest]:
    """The first open records request to each agency, by the agency's name (casefolded): the
    name is what a records request logs, whether a campaign or a single `cora` wrote it."""
    found: dict[str, OpenRequest] = {}
    for r in _open(journal, "agency"):
        if r.broker_name:
            found.setdefault(r.broker_name.casefold(), r)
    return found


def duplicate_advice(found: OpenRequest, *, again: str) -> list[str]:
    return [
        f"follow that one up instead when it is late: broker-audit followup {found.request_id}",
        f"or write it again anyway: {again}",
    ]
