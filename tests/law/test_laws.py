import datetime as dt

import pytest

from broker_audit.law.choose import law_for_state
from broker_audit.law.load import shipped_laws

TODAY = dt.date(2026, 11, 25)


def test_every_right_is_sourced_and_every_law_in_force_has_periods() -> None:
    for law in shipped_laws():
        assert law.checked
        for right, rule in law.rights.items():
            assert rule.source.startswith("http"), (law.id, right)
            assert rule.citation and rule.scope, (law.id, right)
            if rule.period is not None:
                assert rule.period.source.startswith("http") and rule.period.citation, (law.id, right)
        if law.kind == "state-comprehensive":
            assert law.source, law.id
            assert law.effective is not None, law.id
            # A law enacted but not yet in force may still lack its details: it is never cited
            # before its effective date. One in force gives rights, each with its period.
            if law.effective <= TODAY:
                assert law.rights, law.id
                assert all(r.period is not None for r in law.rights.values()), law.id


def test_enacted_law_is_not_cited_before_it_takes_effect() -> None:
    future = [x for x in shipped_laws() if x.effective and x.effective > TODAY]
    for law in future:
        assert law_for_state(shipped_laws(), law.jurisdiction, on=TODAY).id != law.id
        assert law_for_state(shipped_laws(), law.jurisdiction, on=law.effective).id == law.id


def test_colorado_gets_the_cpa_with_45_days() -> None:
    law = law_for_state(shipped_laws(), "co", on=TODAY)
    assert law.id == "co-cpa"
    assert "6-1-1301" in law.citation
    period = law.rights["delete"].period
    assert period is not None and (period.days, period.unit, period.extension_days) == (45, "calendar", 45)
    assert period.text_seen and period.citation == "C.R.S. 6-1-1306(2)(a)"


def test_california_gets_the_ccpa() -> None:
    law = law_for_state(shipped_laws(), "CA", on=TODAY)
    assert law.id == "ca-ccpa"
    access = law.rights["access"].period
    assert access is not None and access.days == 45
    # The opt-out has its own period (11 CCR 7026): 15 business days, no extension.
    opt_out = law.rights["opt-out"].period
    assert opt_out is not None and (opt_out.days, opt_out.unit, opt_out.extension_days) == (15, "business", 0)


def test_state_without_law_gets_fallback() -> None:
    law = law_for_state(shipped_laws(), "WY", on=TODAY)
    assert law.kind == "none" and not law.rights


def test_law_not_yet_in_force_is_not_cited() -> None:
    co = next(x for x in shipped_laws() if x.id == "co-cpa")
    assert law_for_state(shipped_laws(), "CO", on=co.effective - dt.timedelta(days=1)).kind == "none"


def test_override_by_id_and_unknown_override() -> None:
    assert law_for_state(shipped_laws(), "CA", on=TODAY, override="ca-ccpa").id == "ca-ccpa"
    assert law_for_state(shipped_laws(), "WY", on=TODAY, override="us-fcra").id == "us-fcra"
    from broker_audit.errors import UserError

    with pytest.raises(UserError):
        law_for_state(shipped_laws(), "WY", on=TODAY, override="xx-nope")


def test_the_immigration_data_laws_are_context_cited_as_read() -> None:
    """The records request names C.R.S. 24-74 and 24-76.6 as background, at the level of the text
    that was read (research section 11: no subsection of the 2025 text), each with its source."""
    import msgspec

    from broker_audit.law.check import check_laws

    cora = next(law for law in shipped_laws() if law.id == "co-cora")
    assert [c.citation for c in cora.context] == ["C.R.S. 24-74-101 et seq.", "C.R.S. 24-76.6-101 et seq."]
    assert "SB25-276" in cora.context[0].history and all(
        c.source.startswith("https://") for c in cora.context
    )
    assert not [f for f in check_laws(shipped_laws(), today=dt.date(2026, 12, 8)) if f.rule == "L011"]
    bad = msgspec.structs.replace(
        cora, context=[msgspec.structs.replace(cora.context[0], citation="C.R.S. 24-74-103(1)")]
    )
    (found,) = [f for f in check_laws([bad], today=dt.date(2026, 12, 8)) if f.rule == "L011"]
    assert found.severity == "error" and "24-74-103(1)" in found.message
