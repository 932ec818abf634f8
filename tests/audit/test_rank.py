"""Ranking on example profiles: danger first, the person's own state leads, every reason sourced."""

from __future__ import annotations

import datetime as dt
import itertools

from broker_audit.audit.progress import next_actions, score, standings
from broker_audit.audit.rank import rank_brokers
from broker_audit.registry.load import shipped_registry
from broker_audit.tracking.due import fold
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import Answers
from broker_audit.tracking.states import State

CREATED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def test_colorado_resident_with_a_jail_booking_sees_appriss_and_lexisnexis_first() -> None:
    ranked = rank_brokers(shipped_registry().active(), Answers(booked_in_jail=True), "CO")
    top = [r.broker.id for r in ranked[:2]]
    assert set(top) == {"appriss-insights", "lexisnexis-risk-solutions"}
    for r in ranked[:2]:
        assert r.tier == 1 and r.in_your_state
        assert r.reasons[0].short.startswith("ICE/immigration in CO")
        assert all(x.source.startswith("http") for x in r.reasons)
        assert any("jail" in x.short for x in r.reasons)


def test_without_colorado_the_state_specific_evidence_does_not_lead() -> None:
    ranked = rank_brokers(shipped_registry().active(), Answers(booked_in_jail=True), "WA")
    assert not any(r.in_your_state for r in ranked)
    assert all(r.tier <= s.tier for r, s in itertools.pairwise(ranked))


def test_self_reported_registry_answers_are_tier_three_not_documented_sales() -> None:
    ranked = rank_brokers(shipped_registry().active(), Answers(), "CO")
    for r in ranked:
        documented = [e for e in r.broker.law_enforcement if not e.self_reported]
        if not documented and any(e.self_reported for e in r.broker.law_enforcement):
            assert r.tier == 3, r.broker.id


def test_a_no_answer_removes_brokers_that_only_match_it() -> None:
    everyone = {r.broker.id for r in rank_brokers(shipped_registry().active(), Answers(), "CO")}
    none = Answers(**{k: False for k in Answers.__struct_fields__})
    narrowed = {r.broker.id for r in rank_brokers(shipped_registry().active(), none, "CO")}
    assert narrowed < everyone
    # dangerous brokers stay whatever the answers
    assert {"appriss-insights", "lexisnexis-risk-solutions"} <= narrowed


def _request(i: int, broker: str, kind: str = "access") -> RequestMade:
    return RequestMade(
        id=i,
        broker_id=broker,
        broker_name=broker,
        kind=kind,
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        extension_days=45,
        appeal_days=45,
        reference=f"BA-{i}",
        dated=CREATED.date(),
        created=CREATED,
    )


def _event(i: int, state: State, on: dt.date) -> StatusChanged:
    return StatusChanged(request_id=i, state=state, on=on, recorded=CREATED)


def test_progress_merges_requests_scores_and_picks_next_actions() -> None:
    ranked = rank_brokers(shipped_registry().active(), Answers(booked_in_jail=True), "CO")
    sent = dt.date(2026, 1, 5)
    views = [
        fold(_request(1, "lexisnexis-risk-solutions"), [_event(1, State.SENT, sent)]),
        fold(
            _request(2, "appriss-insights", "delete"),
            [_event(2, State.SENT, sent), _event(2, State.FULFILLED, dt.date(2026, 2, 1))],
        ),
        fold(_request(3, "thomson-reuters-clear"), []),
    ]
    rows = standings(ranked, views, dt.date(2026, 3, 1))
    by_id = {r.ranked.broker.id: r for r in rows}
    lexis, appriss = by_id["lexisnexis-risk-solutions"], by_id["appriss-insights"]
    assert lexis.covered and not lexis.answered and lexis.requests[0].overdue
    assert appriss.covered and appriss.answered and appriss.deleted
    s = score(rows)
    assert (s.covered, s.answered, s.deleted) == (2, 1, 1)
    assert 0 < s.percent < 100
    actions = next_actions(rows)
    assert len(actions) == 3
    assert actions[0].command == "broker-audit followup" and "LexisNexis" in actions[0].text
    assert actions[1].command.startswith("broker-audit mark 3 sent")
    assert actions[2].command.startswith("broker-audit request ")


def test_next_actions_suggest_only_steps_that_write_something() -> None:
    """The untouched brokers at the top are Appriss and LexisNexis (a Colorado resident with a jail
    booking); with a `writes` that says nothing would be written for Appriss, the step for it is
    left out and the next broker takes its place."""
    ranked = rank_brokers(shipped_registry().active(), Answers(booked_in_jail=True), "CO")
    rows = standings(ranked, [], dt.date(2026, 3, 1))
    everything = [a.command for a in next_actions(rows)]
    assert "broker-audit request appriss-insights --kind delete" in everything
    only = [
        a.command for a in next_actions(rows, writes=lambda broker, kind: broker.id != "appriss-insights")
    ]
    assert "broker-audit request appriss-insights --kind delete" not in only
    assert len(only) == len(everything)


def test_a_request_sent_to_a_parent_counts_for_the_broker_it_is_about() -> None:
    import msgspec

    ranked = rank_brokers(shipped_registry().active(), Answers(booked_in_jail=True), "CO")
    forwarded = msgspec.structs.replace(
        _request(1, "equifax", "delete"),
        about="appriss-insights",
        broker_name="Equifax (for Appriss Insights)",
    )
    rows = standings(
        ranked, [fold(forwarded, [_event(1, State.SENT, dt.date(2026, 1, 5))])], dt.date(2026, 3, 1)
    )
    by_id = {r.ranked.broker.id: r for r in rows}
    assert by_id["appriss-insights"].covered and not by_id["equifax"].requests
