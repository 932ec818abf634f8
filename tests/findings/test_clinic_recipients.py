"""`bulk recipients`: which brokers disclosed which recipients, counted by client, small counts hidden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from clijson import data

from broker_audit.services import VaultAccess, open_journal
from broker_audit.services.clinic_findings import recipient_counts
from broker_audit.tracking.finding_records import Finding, FindingDecision, FindingsProposed, FindingsReviewed
from broker_audit.tracking.journal import now
from broker_audit.tracking.model import RequestMade

BROKER = "lexisnexis-risk-solutions"


def _client_answer(
    request_id: int, client: str, recipients: list[tuple[str, str, str]], accept: bool
) -> list[object]:
    request = RequestMade(
        id=request_id, broker_id=BROKER, broker_name="LexisNexis Risk Solutions", kind="access",
        law_id="co-cpa", law_name="Colorado Privacy Act", reference=f"BA-TEST{request_id:04d}",
        dated=dt.date(2026, 1, 5), created=now(), client_id=client,
    )  # fmt: skip
    findings = [
        Finding(n=i, kind="recipient", value=value, role=role, matched=matched, line=value)
        for i, (value, role, matched) in enumerate(recipients, start=1)
    ]
    out: list[object] = [
        request,
        FindingsProposed(reply_id=request_id, request_id=request_id, findings=findings, recorded=now()),
    ]
    if accept:
        decisions = [FindingDecision(n=f.n, decision="accepted") for f in findings]
        out.append(FindingsReviewed(request_id=request_id, decisions=decisions, recorded=now()))
    return out


ICE = ("U.S. Immigration and Customs Enforcement", "immigration-enforcement", "agency:us-ice")
POLICE = ("Denver Police Department", "law-enforcement", "")


def test_counts_clients_with_confirmed_recipients_and_hides_small_ones(
    access: VaultAccess, cli: Callable[[list[str]], tuple[int, str, str]]
) -> None:
    records: list[object] = []
    for i in range(1, 7):  # six clients: ICE; two of them the police too
        records += _client_answer(i, f"C{i}", [ICE, POLICE] if i <= 2 else [ICE], accept=True)
    records += _client_answer(7, "C7", [ICE], accept=False)  # proposed only: never counted
    records += _client_answer(8, "C1", [ICE], accept=True)  # a second answer for C1: still one client
    with open_journal(access) as journal:
        journal.append(records)  # type: ignore[arg-type]
    result = recipient_counts(
        access, names={"agency:us-ice": "U.S. Immigration and Customs Enforcement (ICE)"}
    )
    assert result.clients == 6
    counts = result.by_broker[BROKER]
    assert counts["kind: immigration-enforcement"] == 6
    assert counts["U.S. Immigration and Customs Enforcement (ICE)"] == 6
    assert counts["kind: law-enforcement"] == "<5"
    assert "Denver Police Department" not in counts  # free text is never published
    assert result.by_broker["any broker"]["kind: immigration-enforcement"] == 6

    code, out, _ = cli(["bulk", "recipients"])
    assert code == 0
    counts = data(out)
    assert counts["threshold"] == 5 and counts["by_broker"][BROKER]["kind: law-enforcement"] == "<5"
    assert "C1" not in out and "Denver" not in out
