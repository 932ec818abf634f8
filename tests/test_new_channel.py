"""A new channel is one entry in the channel table (vocabulary.CHANNELS): this test adds one, the
Data Rights Protocol's endpoint ("drp", a URL a program posts a request to), and uses it end to
end without touching any other module: a broker's route of it is read and checked, chosen by its
rank, written as its artefacts with its heading in the address block, logged, marked sent by it
(not by another), dated by its delivery allowance, and named on a clinic's cover sheet.

A channel broker-audit sends by itself also has a `Sender` (services/senders.py): the last test
registers one for "drp", a module-sized class that posts the request as JSON to the endpoint (a
local HTTP server here), and `send` delivers a request through it and logs it sent by "drp".

Files a real new channel touches: broker_audit/vocabulary.py (its ChannelSpec), the Spanish
catalog (its words: `python scripts/i18n.py all`, then the translations), and, if broker-audit
sends by it itself, one Sender module registered with `senders.register_sender` (e-mail's is
services/email_sender.py).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
import pytest

from broker_audit.errors import UserError
from broker_audit.law.load import shipped_laws
from broker_audit.letters.cover import CoverLetter, _how
from broker_audit.profile import load_profile_file
from broker_audit.registry.load import Registry, shipped_registry
from broker_audit.registry.schema import Route
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.letters import request_letters
from broker_audit.services.resources import Resources
from broker_audit.services.send import SendAsks, SendOptions, SendResult, send_requests
from broker_audit.services.senders import (
    Delivery,
    NoSender,
    OutgoingLetter,
    Prepared,
    SenderOptions,
    SendOutcome,
    has_sender,
    register_sender,
    registered_senders,
    unregister_sender,
)
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


def _registry(endpoint: str = ENDPOINT) -> Registry:
    base = shipped_registry().get("equifax")
    routes = [
        Route(
            channel="drp",
            value=endpoint,
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


# --- a sender for the new channel -----------------------------------------------------------


class DrpSender:
    """The Data Rights Protocol's sender, as a plug-in module would write it: the request as a
    JSON data rights request (what is asked, of whom, and only the identity the letter gives),
    posted to the broker's endpoint; the endpoint's request id is the receipt."""

    channel = "drp"
    mailbox_claims = False  # no e-mail claims: send logs the `sent` event with the receipt

    @contextmanager
    def open(self, options: SenderOptions) -> Iterator[Delivery]:
        yield _DrpDelivery(options, urllib.request.build_opener(urllib.request.ProxyHandler({})))


@dataclass(frozen=True)
class _DrpDelivery:
    options: SenderOptions
    opener: urllib.request.OpenerDirector

    def prepare(self, letter: OutgoingLetter) -> Prepared | str:
        request = letter.request
        body = {
            "meta": {"version": "0.9"},
            "regime": request.law_id,
            "exercise": request.kind,
            "broker": request.broker_id,
            "reference": request.reference,
            "identity": {"name": letter.requester, **{k: list(v) for k, v in letter.given.items()}},
        }
        return Prepared(
            letter=letter,
            data=json.dumps(body, sort_keys=True).encode("utf-8"),
            receipt_id="",
            to=letter.to,
            server=urlsplit(letter.route).netloc,
            started=self.options.clock(),
        )

    def deliver(self, prepared: Prepared) -> SendOutcome:
        request_id = prepared.letter.request.id
        post = urllib.request.Request(
            prepared.letter.route,
            data=prepared.data,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with self.opener.open(post, timeout=10) as response:
                answer = json.loads(response.read())
                code, reason = response.status, response.reason
        except urllib.error.HTTPError as exc:
            return SendOutcome(request_id, sent=False, error=f"{exc.code} {exc.reason}", code=exc.code)
        except OSError as exc:
            return SendOutcome(request_id, sent=False, error=str(exc), stop=True)
        return SendOutcome(
            request_id, sent=True, receipt_id=answer["request_id"], acceptance=f"{code} {reason}", code=code
        )


class _Endpoint(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, object]]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        answer = json.dumps({"request_id": "drp-7f3a", "status": "open"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[tuple[str, dict[str, object]]]]]:
    received: list[tuple[str, dict[str, object]]] = []
    handler = type("Endpoint", (_Endpoint,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/exercise", received
    finally:
        server.shutdown()
        server.server_close()


def test_send_delivers_by_a_registered_sender_and_logs_it_sent_by_its_channel(
    drp: ChannelSpec, endpoint: tuple[str, list[tuple[str, dict[str, object]]]], tmp_path: Path
) -> None:
    url, received = endpoint
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, PROFILE, passphrase="pass phrase", use_keyring=False)
    registry = _registry(url)
    laws = shipped_laws()
    [letter] = request_letters(
        access,
        ["drp-broker"],
        ["access"],
        out_dir=tmp_path / "letters",
        today=TODAY,
        resources=Resources(registry=registry, laws=laws),
    ).letters
    assert letter.channel == "drp"

    def send() -> SendResult:
        return send_requests(
            access,
            SendOptions(request_ids=(letter.request_id,)),
            resources=Resources(registry=registry, laws=laws),
            today=TODAY,
            password=lambda: "",  # no mailbox: this channel needs none
            asks=SendAsks(confirm=lambda plan: True),
            sleep=lambda seconds: None,
            clock=lambda: dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC),
        )

    # without its sender, the channel is one the person sends: one line and a hint
    with pytest.raises(NoSender, match="goes by the Data Rights Protocol"):
        send()
    assert received == []

    register_sender(DrpSender())
    try:
        assert set(registered_senders()) == {"email", "drp"}
        result = send()
    finally:
        unregister_sender("drp")

    # the endpoint got the request: what is asked, of whom, and nothing the letter withholds
    [(path, body)] = received
    assert path == "/v1/exercise"
    assert body["exercise"] == "access" and body["broker"] == "drp-broker"
    assert body["regime"] == "co-cpa" and body["reference"] == letter.reference
    identity = body["identity"]
    assert isinstance(identity, dict) and identity["name"] == PROFILE.name
    with open_journal(access) as journal:
        disclosed = journal.requests[letter.request_id].disclosed
    assert disclosed is not None and disclosed.withheld  # this broker's letters withhold some fields
    assert set(identity) == {"name", *disclosed.given}
    raw = json.dumps(body, ensure_ascii=False)
    assert not set(identity) & set(disclosed.withheld)
    home = PROFILE.current_address
    withheld_values = {
        "birth-date": [PROFILE.birth_date.isoformat()] if PROFILE.birth_date else [],
        "phone": [PROFILE.phone] if PROFILE.phone else [],
        "current-address": [home.line1, home.one_line()] if home else [],
        "other-names": list(PROFILE.other_names),
    }
    for name in disclosed.withheld:
        assert withheld_values[name], f"the demo profile holds a {name}"  # so its absence means something
        assert not any(value in raw for value in withheld_values[name]), name

    # the vault: sent by "drp", with the endpoint's request id as the receipt; no e-mail records
    [sent] = result.sent
    assert sent.message_id == "drp-7f3a" and sent.acceptance == "201 Created"
    with open_journal(access) as journal:
        view = journal.view(letter.request_id)
        assert not journal.sending and not journal.sent_mail.get(letter.request_id)
    assert view.state.value == "sent"
    assert (view.events[-1].via, view.events[-1].tracking) == ("drp", "drp-7f3a")
    [row] = status_rows(access, today=TODAY)
    assert row.due == TODAY + dt.timedelta(days=1 + 45)  # its delivery allowance, then Colorado's 45

    # unregistered, nothing is left behind: no sender, and e-mail's alone is there
    assert not has_sender("drp") and registered_senders() == ("email",)
    unregister_channel("drp")
    assert not has_sender("drp")
