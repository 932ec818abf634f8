"""The status service: filters, their refusals, counts by state, the urgent-first order."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_audit.errors import UserError
from broker_audit.services.tracking import Entry, StatusQuery, report_of, select_entries
from broker_audit.tracking.due import current
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State

TODAY = dt.date(2026, 3, 1)
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _view(n: int, broker: str, events: list[tuple[str, dt.date]], client: str = "", batch: str = "") -> Entry:
    request = RequestMade(
        id=n,
        broker_id=broker,
        broker_name=broker.replace("-", " ").title() + ", LLC",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,  # calendar days, counted from the day it was sent
        reference=f"BA-{n}",
        dated=dt.date(2026, 1, 1),
        created=CREATED,
        client_id=client or None,
        batch_id=batch or None,
    )
    # sent by email: received the same day (an estimate until recorded), so due = sent + 45
    changes = [
        StatusChanged(request_id=n, state=State(s), on=on, via="email", recorded=CREATED) for s, on in events
    ]
    return request, current(request, changes)


# Due dates are the sent date + 45 days: 2026-01-05 -> 2026-02-19 (10 days overdue on 2026-03-01),
# 2026-01-14 -> 2026-02-28 (1 day overdue), 2026-01-20 -> 2026-03-06 (due in 5 days: soon),
# 2026-02-10 -> 2026-03-27 (26 days left).
VIEWS = [
    _view(1, "acme", [], client="C1", batch="B-1"),
    _view(2, "acme", [("sent", dt.date(2026, 2, 10))], client="C1", batch="B-1"),
    _view(3, "bolt-data", [("sent", dt.date(2026, 1, 14))], client="C2", batch="B-1"),
    _view(4, "bolt-data", [("sent", dt.date(2026, 1, 5))], client="C2", batch="B-2"),
    _view(5, "acme", [("sent", dt.date(2026, 1, 20))], client="C3", batch="B-2"),
    _view(6, "acme", [("sent", dt.date(2026, 1, 5)), ("fulfilled", dt.date(2026, 2, 1))], client="C3"),
]


def test_summary_counts_by_state_and_urgency() -> None:
    report = report_of(VIEWS, today=TODAY, query=StatusQuery())
    assert (report.total, report.matched) == (6, 6)
    assert report.by_state == {"drafted": 1, "sent": 4, "fulfilled": 1}
    assert (report.overdue, report.due_soon) == (2, 1)
    assert report.hidden == 0


def test_rows_come_overdue_first_then_due_soon_then_by_due_date_then_the_rest() -> None:
    report = report_of(VIEWS, today=TODAY, query=StatusQuery())
    assert [r.id for r in report.rows] == [4, 3, 5, 2, 1, 6]
    assert [r.days_left for r in report.rows[:4]] == [-10, -1, 5, 26]
    assert [r.overdue for r in report.rows[:3]] == [True, True, False]


def test_limit_keeps_the_most_urgent_and_counts_the_rest() -> None:
    report = report_of(VIEWS, today=TODAY, query=StatusQuery(), limit=2)
    assert [r.id for r in report.rows] == [4, 3]
    assert report.hidden == 4 and report.matched == 6


def test_by_id_without_urgency_order() -> None:
    report = report_of(VIEWS, today=TODAY, query=StatusQuery(), limit=None, urgent_first=False)
    assert [r.id for r in report.rows] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        (StatusQuery(states=("sent",)), [2, 3, 4, 5]),
        (StatusQuery(states=("Drafted", "fulfilled")), [1, 6]),
        (StatusQuery(brokers=("bolt-data",)), [3, 4]),
        (StatusQuery(brokers=("Bolt Data, LLC",)), [3, 4]),  # a name holding a comma
        (StatusQuery(brokers=("acme,bolt-data",)), [1, 2, 3, 4, 5, 6]),
        (StatusQuery(clients=("C2", "C3")), [3, 4, 5, 6]),
        (StatusQuery(batches=("B-2",)), [4, 5]),
        (StatusQuery(brokers=("acme",), batches=("B-1",)), [1, 2]),
        (StatusQuery(overdue_only=True), [3, 4]),
        (StatusQuery(states=("sent",), clients=("C3",)), [5]),
    ],
)
def test_filters_combine(query: StatusQuery, ids: list[int]) -> None:
    assert [r.id for r, _ in select_entries(VIEWS, query, TODAY)] == ids


def test_a_real_broker_without_requests_selects_nothing() -> None:
    assert select_entries(VIEWS, StatusQuery(brokers=("spokeo",)), TODAY) == []


@pytest.mark.parametrize(
    ("query", "message", "hint"),
    [
        (
            StatusQuery(states=("snet",)),
            "--state 'snet' is not a state",
            "drafted, sent, delivered, acknowledged",
        ),
        (
            StatusQuery(clients=("C9",)),
            "--client 'C9': no request in this vault has that client",
            "clients with requests: C1, C2, C3",
        ),
        (
            StatusQuery(batches=("B-9",)),
            "--batch 'B-9': no request in this vault has that batch",
            "batches with requests: B-1, B-2",
        ),
        (
            StatusQuery(brokers=("no such broker at all",)),
            "--broker 'no such broker at all' is not a broker of any request",
            "brokers with requests: acme, bolt-data",
        ),
    ],
)
def test_an_unknown_filter_value_is_refused_with_the_choices(
    query: StatusQuery, message: str, hint: str
) -> None:
    with pytest.raises(UserError) as caught:
        select_entries(VIEWS, query, TODAY)
    assert message in caught.value.message
    assert caught.value.hint and hint in caught.value.hint


def test_a_long_list_of_choices_is_cut_and_counted() -> None:
    views = [_view(n, "acme", [], client=f"C{n:03d}") for n in range(1, 31)]
    with pytest.raises(UserError) as caught:
        select_entries(views, StatusQuery(clients=("X",)), TODAY)
    assert caught.value.hint == (
        "clients with requests: C001, C002, C003, C004, C005, C006, C007, C008, C009, C010, C011, C012, "
        "... (30 in all)"
    )


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(UserError, match="negative"):
        report_of(VIEWS, today=TODAY, query=StatusQuery(), limit=-1)
