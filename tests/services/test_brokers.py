"""Browsing the registry: filter values are checked against their choices (issue 13)."""

from __future__ import annotations

import pytest

from broker_audit.errors import UserError
from broker_audit.registry.load import shipped_registry
from broker_audit.services.brokers import list_brokers


@pytest.mark.parametrize(
    ("filters", "message", "hint"),
    [
        (
            {"sells_to": "ice"},
            "--sells-to 'ice' is not one of the recipients",
            "did you mean immigration-enforcement? recipients: immigration-enforcement, law-enforcement, "
            "federal-government, corrections",
        ),
        (
            {"category": "peoplesearch"},
            "--category 'peoplesearch' is not one of the categories",
            "did you mean people-search? categories: people-search, public-records, background-check, "
            "incarceration-data, consumer-reporting, location-data, marketing, risk-analytics",
        ),
        (
            {"state_registry": "ny"},
            "--registry 'ny' is not one of the state registries",
            "state registries: ca, vt, tx, or",
        ),
    ],
)
def test_a_value_outside_the_choices_is_an_error_not_zero_brokers(
    filters: dict[str, str], message: str, hint: str
) -> None:
    with pytest.raises(UserError) as caught:
        list_brokers(shipped_registry(), **filters)
    assert caught.value.message == message
    assert caught.value.hint == hint


def test_valid_choices_filter_and_ignore_case() -> None:
    ice = list_brokers(shipped_registry(), sells_to="Immigration-Enforcement")
    assert ice and all(b.sells_to("immigration-enforcement") for b in ice)
    people = list_brokers(shipped_registry(), category="people-search")
    assert people and all("people-search" in b.categories for b in people)
