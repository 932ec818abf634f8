"""A new channel is one entry in the channel table (vocabulary.CHANNELS): this test adds one, the
Data Rights Protocol's endpoint ("drp", a URL a program posts a request to), and uses it end to
end without touching any other module: a broker's route of it is read and checked, chosen by its
rank, written as its artefacts with its heading in the address block, logged, marked sent by it
(not by another), dated by its delivery allowance, and named on a clinic's cover sheet.

Files a real new channel touches: broker_audit/vocabulary.py (its ChannelSpec), the Spanish
catalog (its words: `python scripts/i18n.py all`, then the translations), and, if broker-audit
sends by it itself, one Sender module (services/senders.py names the e-mail one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from broker_audit.errors import UserError
from broker_audit.law.load import shipped_laws
from broker_audit.letters.cover import CoverLetter, _how
from broker_audit.profile import load_profile_file
from broker_audit.registry.load import Registry, shipped_registry
from broker_audit.registry.schema import Route
from broker_audit.services.access import VaultAccess
from broker_audit.services.letters import request_letters
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import mark, status_rows
from broker_audit.services.vaults import init_vault
from broker_audit.tracking.due import delivery_allowance
from broker_audit.vocabulary import ChannelSpec, register_channel, unregister_channel

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)
CHECKED = dt.date(2026, 11, 1)
PROFILE = load_profile_file(ROOT / "examples" / "demo-profile.toml")
ENDPOINT = "https://drp.broker.example/v1/exercise"

DRP = ChannelSpec(
    id="drp",
    rank=1,  # before e-mail, after mail: a program's receipt is proof, the post's is better
    value="url",
    artefacts=("txt", "pdf"),
    sheet=False,
    delivery_days=1,
    phrase="through your Data Rights Protocol endpoint",
    heading="By the Data Rights Protocol to:",
    to="by the Data Rights Protocol to",
    done="by the Data Rights Protocol",
    cover="We will send it by the Data Rights Protocol ({address}).",
)


@pytest.fixture
def drp() -> Iterator[ChannelSpec]:
    register_channel(DRP)
    try:
        yield DRP
    finally:
        unregister_channel("drp")


def _registry() -> Registry:
    base = shipped_registry().get("equifax")
    routes = [
        Route(
            channel="drp",
            value=ENDPOINT,
            door="request-channel",
            grade="primary",
            source="https://broker.example/privacy",
            checked=CHECKED,
        ),
        Route(
            channel="email",
            value="privacy@broker.example",
            door="request-channel",
            grade="primary",
            source="https://broker.example/privacy",
            checked=CHECKED,
        ),
    ]
    broker = msgspec.structs.replace(
        base, id="drp-broker", name="DRP Broker", legal_name="DRP Broker, Inc.", routes=routes
    )
    return Registry((broker,))


def test_a_route_of_an_unknown_channel_is_refused_until_the_channel_exists() -> None:
    with pytest.raises(ValueError, match="unknown channel 'drp'"):
        Route(channel="drp", value=ENDPOINT, grade="primary", source="https://x.example/", checked=CHECKED)


def test_the_new_channels_value_is_checked_by_its_kind(drp: ChannelSpec) -> None:
    with pytest.raises(ValueError, match="is its URL"):
        Route(channel="drp", value="not a url", grade="primary", source="https://x.example/", checked=CHECKED)


def test_a_new_channel_goes_end_to_end(drp: ChannelSpec, tmp_path: Path) -> None:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, PROFILE, passphrase="pass phrase", use_keyring=False)
    registry = _registry()
    result = request_letters(
        access,
        ["drp-broker"],
        ["access"],
        out_dir=tmp_path / "letters",
        today=TODAY,
        resources=Resources(registry=registry, laws=shipped_laws()),
    )
    # its rank puts it before e-mail among equal request doors
    [letter] = result.letters
    assert letter.channel == "drp"
    assert sorted(p.suffix for p in letter.files) == [".pdf", ".txt"]  # its artefacts
    text = next(p for p in letter.files if p.suffix == ".txt").read_text(encoding="utf-8")
    assert "DRP Broker, Inc.\nBy the Data Rights Protocol to:\n" + ENDPOINT in text  # its heading
    # marked sent by it, never by a channel it was not written for
    with pytest.raises(UserError, match="by the Data Rights Protocol"):
        mark(access, letter.request_id, "sent", today=TODAY, via="email")
    view = mark(access, letter.request_id, "sent", today=TODAY, via="drp")
    assert view.state.value == "sent"
    # the clock: received a day after sending (its allowance), then the law's 45 days (Colorado)
    [row] = status_rows(access, today=TODAY)
    assert delivery_allowance("drp") == 1
    assert row.due == TODAY + dt.timedelta(days=1 + 45)
    # a clinic's cover sheet says how it goes, in the client's words
    cover = CoverLetter(broker_name="DRP Broker", kind="access", channel="drp", address=ENDPOINT)
    assert _how(cover, "en") == f"We will send it by the Data Rights Protocol ({ENDPOINT})."
