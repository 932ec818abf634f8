"""`send` against a real SMTP server on 127.0.0.1 (aiosmtpd with implicit TLS or STARTTLS)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, email_request, set_up_mail
from mailservers import PASSWORD, USER, SmtpServer, free_port

from broker_audit.errors import MailLoginFailed, MailServerUnreachable, MailTLSFailed, UserError
from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, open_journal
from broker_audit.services.resources import Resources
from broker_audit.services.send import (
    Answer,
    InDoubt,
    SendAsks,
    SendOptions,
    SendPlan,
    SendResult,
    send_requests,
)
from broker_audit.services.senders import NoSender
from broker_audit.tracking.states import State

# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def _send(
    access: VaultAccess,
    ids: list[int] | None = None,
    *,
    password: Callable[[], str] = lambda: PASSWORD,
    confirm: Callable[[SendPlan], bool] = lambda plan: True,
    ask: Callable[[InDoubt, str], Answer] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **options: Any,
) -> SendResult:
    return send_requests(
        access,
        SendOptions(request_ids=tuple(ids or ()), **{"pace": 0.0, **options}),
        resources=Resources(registry=shipped_registry()),
        today=TODAY,
        password=password,
        asks=SendAsks(confirm=confirm, ask=ask),
        sleep=sleep,
    )


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_send_delivers_the_letter_and_logs_the_acceptance(
    access: VaultAccess, tmp_path: Path, security: str, request: pytest.FixtureRequest
) -> None:
    server: SmtpServer = request.getfixturevalue(f"smtp_{security}")
    letter = email_request(access, tmp_path)
    set_up_mail(access, server)
    result = _send(access)
    assert [s.request_id for s in result.sent] == [letter.request_id] and not result.failed
    (got,) = server.received
    assert server.logins == [USER]
    assert got.mail_from == USER and got.rcpt_tos == ["consumer.documents@lexisnexis.com"]
    msg = email.message_from_bytes(got.data, policy=email.policy.default)
    assert msg["To"] == "consumer.documents@lexisnexis.com"
    assert letter.reference in msg["Subject"]
    assert msg["From"].addresses[0].addr_spec == USER
    assert msg["Message-ID"] == result.sent[0].message_id
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert letter.reference in body and "Colorado Privacy Act" in body
    assert result.sent[0].acceptance == "250 2.0.0 Ok: queued as T0001"
    with open_journal(access) as journal:
        view = journal.view(letter.request_id)
        assert view.state is State.SENT
        (event,) = view.events  # no `delivered`: the acceptance is our own provider's, not receipt
        assert (event.via, event.tracking, event.on) == ("email", result.sent[0].message_id, TODAY)
        assert "250 2.0.0 Ok: queued as T0001" in event.note
        (proof,) = journal.sent_mail[letter.request_id]
        kept = journal.read_payload(proof.message)
        # the copy kept in the vault is byte for byte what the server received
        assert kept.rstrip(b"\r\n") == got.data.rstrip(b"\r\n")
        assert proof.sha256 == hashlib.sha256(kept).hexdigest()
        assert (proof.reply_code, proof.server) == (250, f"127.0.0.1:{server.port}")
    # email is received the day it is sent (an estimate until a receipt is recorded)
    assert view.due is not None and view.due_estimated
    assert _send(access).plan.to_send == []  # sent once only


def test_wrong_password_marks_nothing(access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls)
    with pytest.raises(MailLoginFailed, match=r"refused the user name or password \(535\)"):
        _send(access, password=lambda: "wrong")
    assert smtp_tls.received == []
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.DRAFTED
        assert not journal.sent_mail


def test_unverified_certificate_is_refused(access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls, cafile=False)  # the system's trust store: the self-signed cert fails
    with pytest.raises(MailTLSFailed, match="certificate could not be verified") as info:
        _send(access)
    assert "--cafile" in (info.value.hint or "")
    assert smtp_tls.received == []
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.DRAFTED


def test_starttls_server_with_a_wrong_ca_is_refused(
    access: VaultAccess, tmp_path: Path, smtp_starttls: SmtpServer, smtp_tls: SmtpServer
) -> None:
    email_request(access, tmp_path)
    set_up_mail(access, smtp_starttls)
    with pytest.raises(MailTLSFailed):
        _send(access, cafile=smtp_tls.cafile)  # another server's certificate
    assert smtp_starttls.received == []


def test_server_down(access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls)
    closed = free_port()
    from broker_audit.services.mail import MailSettings, setup_mail

    setup_mail(
        access,
        MailSettings("127.0.0.1", closed, "tls", USER, cafile=smtp_tls.cafile),
        password=lambda: PASSWORD,
        use_keyring=False,
    )
    with pytest.raises(MailServerUnreachable, match=f"cannot reach the SMTP server 127.0.0.1:{closed}"):
        _send(access)
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.DRAFTED


def test_a_refused_recipient_stays_drafted_with_the_reason(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    first = email_request(access, tmp_path)
    second = email_request(access, tmp_path, broker="transunion", kind="access")
    smtp_tls.refuse.add("consumer.documents@lexisnexis.com")
    set_up_mail(access, smtp_tls)
    result = _send(access)
    assert [s.request_id for s in result.sent] == [second.request_id]
    (failed,) = result.failed
    assert failed.request_id == first.request_id
    assert "550 5.1.1" in failed.reason and "mailbox unavailable" in failed.reason
    with open_journal(access) as journal:
        assert journal.view(first.request_id).state is State.DRAFTED
        assert journal.view(second.request_id).state is State.SENT


def test_pace_and_daily_cap(access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer) -> None:
    ids = [
        email_request(access, tmp_path, broker=b, kind="access").request_id
        for b in ("lexisnexis", "transunion", "experian")
    ]
    set_up_mail(access, smtp_tls)
    slept: list[float] = []
    result = _send(access, cap=2, pace=7.5, sleep=slept.append)
    assert [s.request_id for s in result.sent] == ids[:2]
    assert [p.request_id for p in result.plan.over_cap] == [ids[2]]
    assert slept == [7.5]  # between the two messages, not before the first
    again = _send(access, cap=2)  # the day's two sends count, from the vault
    assert again.plan.sent_today == 2 and again.plan.to_send == []
    assert [p.request_id for p in again.plan.over_cap] == [ids[2]]
    assert len(_send(access, cap=3).sent) == 1


def test_dry_run_and_no_confirmation_send_nothing(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls)
    dry = _send(access, dry_run=True)
    assert [p.request_id for p in dry.plan.to_send] == [letter.request_id] and dry.dry_run
    declined = _send(access, confirm=lambda plan: False)
    assert not declined.confirmed and not declined.sent
    assert smtp_tls.received == []


def test_only_to_an_email_route_of_the_broker(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    letter = email_request(access, tmp_path)
    eml = next(f for f in letter.files if f.suffix == ".eml")
    eml.write_bytes(
        eml.read_bytes().replace(b"consumer.documents@lexisnexis.com", b"someone@attacker.example")
    )
    set_up_mail(access, smtp_tls)
    result = _send(access, [letter.request_id])
    assert not result.plan.to_send
    (skip,) = result.plan.skipped
    assert "is not the letter written" in skip.reason
    assert "its To: is 'someone@attacker.example', not 'consumer.documents@lexisnexis.com' as written" in (
        skip.reason
    )
    assert smtp_tls.received == []


def test_mail_requests_and_unknown_ids_are_refused(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    from broker_audit.services.letters import request_letters

    mailed = request_letters(
        access,
        ["lexisnexis"],
        ["access"],
        out_dir=tmp_path / "letters",
        today=TODAY,
        resources=Resources(),
        via="mail",
    ).letters[0]
    set_up_mail(access, smtp_tls)
    # mail has no sender: named alone, that is the error, one line and how to send it instead
    with pytest.raises(NoSender) as refused:
        _send(access, [mailed.request_id])
    n = mailed.request_id
    assert refused.value.message == f"request #{n} goes by mail: broker-audit cannot send it by itself"
    assert refused.value.hint == f"print it and mail it, then `broker-audit mark {n} sent --via mail`"
    assert smtp_tls.received == []
    with pytest.raises(UserError, match="no request with id 99"):
        _send(access, [99])


def test_a_follow_up_by_email_encloses_the_timeline(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    import datetime as dt
    import io

    from pypdf import PdfReader

    from broker_audit.law.load import shipped_laws
    from broker_audit.services.followup import followup_letters

    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls)
    _send(access)
    later = TODAY + dt.timedelta(days=60)  # Colorado: 45 days from receipt have passed
    (follow,) = followup_letters(
        access, None, out_dir=tmp_path / "f", today=later, resources=Resources()
    ).letters
    assert (follow.kind, follow.channel, follow.linked_to) == ("followup", "email", letter.request_id)
    result = send_requests(
        access,
        SendOptions(pace=0),
        resources=Resources(registry=shipped_registry(), laws=shipped_laws()),
        today=later,
        password=lambda: PASSWORD,
        asks=SendAsks(confirm=lambda plan: True),
    )
    assert [s.request_id for s in result.sent] == [follow.request_id], [k.reason for k in result.plan.skipped]
    msg = email.message_from_bytes(smtp_tls.received[-1].data, policy=email.policy.default)
    body = " ".join(msg.get_body(preferencelist=("plain",)).get_content().split())
    assert "A timeline with copies is enclosed." in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == f"timeline-{letter.reference}.pdf"
    text = " ".join(PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().split())
    assert f"Timeline of my request {letter.reference}" in text and "Sent by email" in text
    assert "15 days late" in text


def test_a_campaigns_email_letter_goes_to_the_agencys_route(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    """A campaign letter by e-mail (CBI's records mailbox) is sent like a broker's: only to the
    route it was written for, logged as sent with the server's acceptance."""
    from broker_audit.services.campaign import start_campaign

    listing = tmp_path / "agencies.txt"
    listing.write_text("state-cbi\nstate-csp\n")
    made = start_campaign(
        access,
        resources=Resources(),
        out_dir=tmp_path / "letters",
        today=TODAY,
        agency_list=listing,
        prefer="email",
    )
    assert [r.route for r in made.letters] == ["cdps_cbi_cora@state.co.us", "cdps_csprecords@state.co.us"]
    set_up_mail(access, smtp_tls)
    result = _send(access)
    assert sorted(s.request_id for s in result.sent) == [r.request_id for r in made.letters]
    assert sorted(tuple(m.rcpt_tos) for m in smtp_tls.received) == [
        ("cdps_cbi_cora@state.co.us",),
        ("cdps_csprecords@state.co.us",),
    ]
    with open_journal(access) as journal:
        assert journal.view(made.letters[0].request_id).state is State.SENT
    # A letter whose To: was changed by hand is refused, not sent to the new address.
    again = start_campaign(
        access,
        resources=Resources(),
        out_dir=tmp_path / "letters2",
        today=TODAY,
        agency_list=listing,
        prefer="email",
        again=True,  # the same agencies again, on purpose
    )
    eml = next(p for p in again.letters[0].files if p.suffix == ".eml")
    eml.write_bytes(eml.read_bytes().replace(b"cdps_cbi_cora@state.co.us", b"someone@example.org"))
    result = _send(access, [again.letters[0].request_id])
    (skip,) = result.plan.skipped
    # refused as a letter changed since it was written (its recorded draft), before the route check
    assert "someone@example.org" in skip.reason and "not the letter written" in skip.reason
