"""Open requests that a new letter would repeat: the same kind, to the same broker, for the same
person (the vault's own profile, or one clinic client).

`request` warns and asks before writing such a letter again (or `--again`); a clinic batch skips
such client x broker x kind pairs unless told `--again`, and lists them. A request is open from
the day it is drafted until it is answered in full, refused, or withdrawn (`OPEN_STATES`)."""

from __future__ import annotations

import datetime as dt
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

    def describe(self) -> str:
        where = f" in batch {self.batch_id}" if self.batch_id else ""
        return f"#{self.request_id}{where}, dated {self.dated.isoformat()}, is still {self.state}"


Key = tuple[str | None, str, str]
"""(client id or None for the vault's own profile, broker id, letter kind)."""


def open_requests(journal: Journal) -> dict[Key, OpenRequest]:
    """The first open request of each person x broker x kind (requests to a broker only)."""
    found: dict[Key, OpenRequest] = {}
    for request, now in journal.current():
        if request.recipient != "broker" or not request.broker_id or now.state not in OPEN_STATES:
            continue
        key = (request.client_id, request.broker_id, request.kind)
        found.setdefault(
            key,
            OpenRequest(
                request_id=request.id,
                broker_id=request.broker_id,
                broker_name=request.recipient_name,
                kind=request.kind,
                state=now.state.value,
                dated=request.dated,
                client_id=request.client_id,
                batch_id=request.batch_id,
            ),
        )
    return found


def open_agency_requests(journal: Journal) -> dict[str, OpenRequest]:
    """The first open records request to each agency, by the agency's name (casefolded): the
    name is what a records request logs, whether a campaign or a single `cora` wrote it."""
    found: dict[str, OpenRequest] = {}
    for request, now in journal.current():
        if request.recipient != "agency" or not request.agency or now.state not in OPEN_STATES:
            continue
        found.setdefault(
            request.agency.casefold(),
            OpenRequest(
                request_id=request.id,
                broker_id="",
                broker_name=request.agency,
                kind=request.kind,
                state=now.state.value,
                dated=request.dated,
                client_id=request.client_id,
                batch_id=request.batch_id,
            ),
        )
    return found


def duplicate_advice(found: OpenRequest, *, again: str) -> list[str]:
    return [
        f"follow that one up instead when it is late: broker-audit followup {found.request_id}",
        f"or write it again anyway: {again}",
    ]
