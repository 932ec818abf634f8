"""Compliance watch: a later answer from a broker, held against the user's opt-out or deletion
and against the broker's earlier answer. Pure.

Two findings can come of it, each proposed like any other and confirmed by the user:
- `recipient-after-opt-out`: the new answer names a recipient with a date after the broker
  received the user's opt-out or deletion request;
- `data-after-deletion`: the broker confirmed a deletion (the request was recorded fulfilled, or
  its answer said the data was deleted), and a later answer still shows data held.
Each names both answers as evidence (the earlier one when there is one) and the request whose
promise it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from broker_audit.findings.extract import Proposed
from broker_audit.findings.names import fold


@dataclass(frozen=True)
class Promise:
    """An opt-out or deletion request to the broker, and since when it binds."""

    request_id: int
    kind: str  # "opt-out" or "delete"
    reference: str
    since: dt.date  # the day the broker received it (or, unknown, the day it was sent)
    received_known: bool
    deleted_on: dt.date | None = None  # a deletion the broker confirmed
    deleted_reply: int | None = None  # the reply that confirmed it, if one did


@dataclass(frozen=True)
class EarlierAnswer:
    reply_id: int
    received: dt.date
    recipients: frozenset[str]  # matched keys or folded names of the recipients it listed


def recipient_key(matched: str, value: str) -> str:
    return matched or fold(value)


def compliance_findings(
    current: Sequence[Proposed],
    *,
    reply_id: int,
    received: dt.date,
    promises: Sequence[Promise],
    earlier: Sequence[EarlierAnswer],
) -> list[Proposed]:
    """What the answer `reply_id` (received on `received`) shows against the promises."""
    out: list[Proposed] = []
    previous = max((e for e in earlier if e.received <= received and e.reply_id != reply_id),
                   key=lambda e: e.received, default=None)  # fmt: skip
    for promise in sorted(promises, key=lambda p: p.since):
        if promise.since > received:
            continue
        what = "opt-out" if promise.kind == "opt-out" else "deletion"
        when = "received" if promise.received_known else "sent"
        for finding in current:
            if finding.kind != "recipient" or finding.on is None or finding.on <= promise.since:
                continue
            listed_before = previous is not None and (
                recipient_key(finding.matched, finding.value) in previous.recipients
            )
            detail = (
                f"{finding.value} is listed as receiving the data on {finding.on.isoformat()}, after the "
                f"company {when} the {what} request (#{promise.request_id}, {promise.reference}) on "
                f"{promise.since.isoformat()}"
            )
            if previous is not None:
                detail += (
                    f"; its earlier answer (reply #{previous.reply_id} of {previous.received.isoformat()}) "
                    + ("listed it too, with an earlier date" if listed_before else "did not list it")
                )
            out.append(
                Proposed(
                    "compliance",
                    "recipient-after-opt-out",
                    role=finding.role,
                    matched=finding.matched,
                    on=finding.on,
                    part=finding.part,
                    page=finding.page,
                    line_no=finding.line_no,
                    line=finding.line,
                    detail=detail + ".",
                    evidence=_evidence(previous, promise, reply_id),
                    about=promise.request_id,
                )
            )
        if promise.deleted_on is not None and promise.deleted_on < received:
            held = [f for f in current if f.kind == "holds"]
            if held:
                first = held[0]
                categories = ", ".join(f.value for f in held)
                out.append(
                    Proposed(
                        "compliance",
                        "data-after-deletion",
                        part=first.part,
                        page=first.page,
                        line_no=first.line_no,
                        line=first.line,
                        detail=(
                            f"the company confirmed deleting the data on {promise.deleted_on.isoformat()} "
                            f"(request #{promise.request_id}, {promise.reference}), yet this answer of "
                            f"{received.isoformat()} still shows: {categories}."
                        ),
                        evidence=[r for r in (promise.deleted_reply, reply_id) if r is not None],
                        about=promise.request_id,
                    )
                )
    return out


def _evidence(previous: EarlierAnswer | None, promise: Promise, reply_id: int) -> list[int]:
    return [r for r in ((previous.reply_id if previous else None), reply_id) if r is not None]
