import datetime as dt

import pytest

from broker_audit.law.choose import law_for_state
from broker_audit.law.load import shipped_laws

TODAY = dt.date(2026, 11, 25)


def test_every_law_has_sources_and_every_law_in_force_a_deadline() -> None:
    for law in shipped_laws():
        assert law.checked
        for right, cite in law.rights.items():
            assert cite.source.startswith("http"), (law.id, right)
            assert cite.citation, (law.id, right)
        if law.kind == "state-comprehensive":
            assert law.source, law.id
            assert law.effective is not None, law.id
            # A law enacted but not yet in force may still lack its details: it is never cited
            # before its effective date. One in force must have its deadline, with a source.
            if law.effective <= TODAY:
                assert law.deadline is not None, law.id
                assert law.deadline.source.startswith("http"), law.id
                assert law.rights, law.id


def test_enacted_law_is_not_cited_before_it_takes_effect() -> None:
    future = [x for x in shipped_laws() if x.effective and x.effective > TODAY]
    for law in future:
        assert law_for_state(shipped_laws(), law.jurisdiction, on=TODAY).id != law.id
        assert law_for_state(shipped_laws(), law.jurisdiction, on=law.effective).id == law.id


def test_colorado_gets_the_cpa_with_45_days() -> None:
    law = law_for_state(shipped_laws(), "co", on=TODAY)
    assert law.id == "co-cpa"
    assert "6-1-1301" in law.citation
    assert law.deadline is not None and law.deadline.days == 45
    assert law.deadline.extension_days == 45


def test_california_gets_the_ccpa() -> None:
    law = law_for_state(shipped_laws(), "CA", on=TODAY)
    assert law.id == "ca-ccpa" and law.deadline is not None and law.deadline.days == 45


def test_state_without_law_gets_fallback() -> None:
    law = law_for_state(shipped_laws(), "WY", on=TODAY)
    assert law.kind == "none" and not law.rights and law.deadline is None


def test_law_not_yet_in_force_is_not_cited() -> None:
    co = next(x for x in shipped_laws() if x.id == "co-cpa")
    assert law_for_state(shipped_laws(), "CO", on=co.effective - dt.timedelta(days=1)).kind == "none"


def test_override_by_id_and_unknown_override() -> None:
    assert law_for_state(shipped_laws(), "WY", on=TODAY, override="ca-ccpa").id == "ca-ccpa"
    from broker_audit.errors import UserError

    with pytest.raises(UserError):
        law_for_state(shipped_laws(), "WY", on=TODAY, override="xx-nope")
