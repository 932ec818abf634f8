"""Anonymised stats suppress counts below 5: a published count of 1 or 2 can point at a client."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from broker_audit.profile import AgentProfile
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.clinic import clinic_stats
from broker_audit.services.vaults import init_vault
from broker_audit.tracking.journal import now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State

CLINIC = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80204"])


def _request(i: int, broker: str) -> RequestMade:
    return RequestMade(
        id=i,
        broker_id=broker,
        broker_name=broker.title(),
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        reference=f"BA-{i:08d}",
        dated=dt.date(2026, 11, 2),
        created=now(),
        client_id=f"c-{i}",
        channel="mail",
        channels=["mail"],
    )


def test_anonymised_stats_suppress_counts_below_5(tmp_path: Path) -> None:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, None, passphrase="pass phrase", use_keyring=False, clinic=CLINIC)
    # six requests to Equifax, all answered on the 10th day; two to Acme, one of them denied
    brokers = ["equifax"] * 6 + ["acme"] * 2
    with open_journal(access) as journal:
        records: list = [_request(i, b) for i, b in enumerate(brokers, start=1)]
        for i, broker in enumerate(brokers, start=1):
            records.append(
                StatusChanged(
                    request_id=i, state=State.SENT, on=dt.date(2026, 11, 2), via="mail", recorded=now()
                )
            )
            if broker == "equifax" or i == 7:
                answer = State.FULFILLED if broker == "equifax" else State.DENIED
                records.append(
                    StatusChanged(request_id=i, state=answer, on=dt.date(2026, 11, 12), recorded=now())
                )
        journal.append(records)
    stats = clinic_stats(access, today=dt.date(2026, 11, 20))
    assert stats.requests == 8
    assert stats.by_broker["equifax"] == {"fulfilled": 6}
    assert stats.by_broker["acme"] == {"denied": "<5", "pending": "<5"}
    assert stats.by_kind["access"] == {"fulfilled": 6, "denied": "<5", "pending": "<5"}
    assert stats.days_to_answer == {"equifax": 10, "acme": None}  # one answer makes no median
    assert stats.answered_in_time["equifax"] == {"in-time": 6}
    assert stats.answered_in_time["acme"] == {"in-time": "<5"}
