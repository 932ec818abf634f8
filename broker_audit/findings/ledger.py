"""The findings as they stand: every proposal folded with the user's decisions. Pure.

A finding is `proposed` until the user accepts (`accepted`, possibly edited) or rejects it. Only
accepted findings are facts anywhere (the map, next steps, the evidence packet, clinic counts);
a proposal is shown only in `findings ID`, marked as such.

When a reply is read again (e.g. after installing OCR), its new proposal replaces the undecided
findings of the earlier one; the decided ones stay with their numbers. Numbers are never reused
within a request, so a decision can never attach to another finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from broker_audit.tracking.finding_records import Finding, FindingDecision, FindingsProposed, FindingsReviewed

Status = str  # "proposed", "accepted", "rejected"


@dataclass(frozen=True)
class Current:
    finding: Finding  # as edited, when the user edited it
    status: Status
    request_id: int
    reply_id: int
    edited: bool = False

    @property
    def confirmed(self) -> bool:
        return self.status == "accepted"


def decisions(reviews: Iterable[FindingsReviewed]) -> dict[tuple[int, int], FindingDecision]:
    """The latest decision per (request, finding number)."""
    out: dict[tuple[int, int], FindingDecision] = {}
    for review in reviews:
        for decision in review.decisions:
            out[(review.request_id, decision.n)] = decision
    return out


def current_findings(
    proposals: Sequence[FindingsProposed],
    reviews: Sequence[FindingsReviewed],
    request_id: int | None = None,
) -> list[Current]:
    """Every live finding (of one request, or all), by request then number."""
    decided = decisions(r for r in reviews if request_id is None or r.request_id == request_id)
    live: dict[int, dict[int, tuple[int, Finding]]] = defaultdict(dict)  # request -> n -> (reply, f)
    for proposal in proposals:
        if request_id is not None and proposal.request_id != request_id:
            continue
        mine = live[proposal.request_id]
        for n in [n for n, (reply, _) in mine.items() if reply == proposal.reply_id]:
            if (proposal.request_id, n) not in decided:
                del mine[n]
        for finding in proposal.findings:
            mine[finding.n] = (proposal.reply_id, finding)
    out = []
    for req in sorted(live):
        for n in sorted(live[req]):
            reply, finding = live[req][n]
            decision = decided.get((req, n))
            if decision is None:
                out.append(Current(finding, "proposed", req, reply))
            elif decision.decision == "rejected":
                out.append(Current(finding, "rejected", req, reply))
            else:
                shown = decision.edited or finding
                out.append(Current(shown, "accepted", req, reply, edited=decision.edited is not None))
    return out


def next_number(proposals: Sequence[FindingsProposed], request_id: int) -> int:
    """The number the next finding of `request_id` gets (numbers are never reused)."""
    used = [f.n for p in proposals if p.request_id == request_id for f in p.findings]
    return max(used, default=0) + 1


def confirmed(currents: Iterable[Current]) -> list[Current]:
    return [c for c in currents if c.confirmed]
