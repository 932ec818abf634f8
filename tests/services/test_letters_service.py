"""The letter services called directly (no CLI): planning, the vault's legal clock per law and
right, the artefact of each route, and the drafted request records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broker_audit.law.load import shipped_laws
from broker_audit.profile import load_profile_file
from broker_audit.registry.load import shipped_registry
from broker_audit.services.access import VaultAccess
from broker_audit.services.letters import plan_letter, request_letters, request_record
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import mark, status_rows
from broker_audit.services.vaults import init_vault
from broker_audit.vocabulary import kind as kind_of
from broker_audit.vocabulary import kinds_in

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 25)
LAWS = shipped_laws()
PROFILE = load_profile_file(ROOT / "examples" / "demo-profile.toml")
CREATED = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def clock_cases() -> list[tuple[str, str]]:
    return [
        (law.id, kind)
        for law in LAWS
        if law.kind in ("state-comprehensive", "state-data-broker", "federal")
        for kind in kinds_in("request")
    ]


@pytest.mark.parametrize(("law_id", "kind"), clock_cases())
def test_the_vaults_clock_comes_from_the_rights_own_period(law_id: str, kind: str) -> None:
    """deadline_days, its unit and the extension in the drafted record are the period of the right
    the letter exercises (e.g. California's opt-out: 15 business days, no extension); a right
    without a period, or a law without the right, starts no clock."""
    import msgspec

    law = next(x for x in LAWS if x.id == law_id)
    profile = msgspec.structs.replace(PROFILE, state=law.jurisdiction if len(law.jurisdiction) == 2 else "CO")
    letter = kind_of(kind)
    job = plan_letter(
        shipped_registry().get("equifax"),
        letter,
        profile=profile,
        state_law=law,
        laws=LAWS,
        today=TODAY,
        details="wrong address",
    )
    record = request_record(job, request_id=1, today=TODAY, created=CREATED)
    rule = job.law.rights.get(kind)  # type: ignore[call-overload]
    period = rule.period if rule is not None and job.law.kind != "none" else None
    if period is None:
        assert record.deadline_days is None
        return
    assert record.deadline_days == period.days
    assert record.working_days == (period.unit == "business")
    assert record.extension_days == (period.extension_days or 0)
    assert record.deadline_stated == period.text_seen


def test_request_service_writes_logs_and_tracks(tmp_path: Path) -> None:
    """For a Coloradan: Experian by mail (the box its filing names for requests); Appriss, which
    names no door, through its parent Equifax's request form plus a complaint to the Colorado AG;
    Fog Data Science through its only web form."""
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, PROFILE, passphrase="pass phrase", use_keyring=False)
    result = request_letters(
        access,
        ["experian", "appriss", "fog-data-science"],
        ["delete"],
        out_dir=tmp_path / "l",
        today=TODAY,
        resources=Resources(laws=LAWS),
    )
    assert [(r.broker_id, r.kind, r.channel) for r in result.letters] == [
        ("experian", "delete", "mail"),
        ("equifax", "delete", "web-form"),
        ("appriss-insights", "unreachable", "web-form"),
        ("fog-data-science", "delete", "web-form"),
    ]
    assert result.no_route == []
    suffixes = {r.broker_id: sorted(p.suffix for p in r.files) for r in result.letters}
    assert suffixes == {
        "experian": [".pdf", ".txt"],
        "equifax": [".pdf", ".txt"],
        "appriss-insights": [".pdf", ".txt"],
        "fog-data-science": [".pdf", ".txt"],
    }
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for r in result.letters for p in r.files)
    view = mark(access, 1, "sent", today=TODAY, via="mail")
    assert view.due == dt.date(2027, 1, 16) and view.due_estimated  # 7 + 45 days from November 25
    rows = status_rows(access, today=TODAY)
    assert [(r.id, r.state, r.channel) for r in rows] == [
        (1, "sent", "mail"),
        (2, "drafted", "web-form"),
        (3, "drafted", "web-form"),
        (4, "drafted", "web-form"),
    ]
    # the request to the parent is a request with the law's clock, about Appriss
    parent = next(r for r in rows if r.id == 2)
    assert parent.broker == "equifax" and parent.broker_name == "Equifax (for Appriss Insights)"
    from broker_audit.errors import UserError

    with pytest.raises(UserError, match="has no mail route"):
        mark(access, 4, "sent", today=TODAY, via="mail")
