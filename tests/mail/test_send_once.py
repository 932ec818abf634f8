"""`send` sends only the letter as written, exactly once, and holds no vault lock while a server
talks: a planted Cc:/Reply-To:/second To: is refused by name; a run killed after the server took
the message never sends it again (the next run finds it in the Sent folder, or asks); `mark` runs
while the SMTP server is answering."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import TODAY, email_request, set_up_mail
from mailservers import PASSWORD, ImapServer, Received, SmtpServer

from broker_audit.errors import UserError
from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, mark, open_journal
from broker_audit.services.resources import Resources
from broker_audit.services.send import (
    Answer,
    InDoubt,
    SendAsks,
    SendOptions,
    SendPlan,
    SendResult,
    check_letter,
    send_requests,
)
from broker_audit.tracking.states import State

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


def _eml(letter: object) -> Path:
    return next(f for f in letter.files if f.suffix == ".eml")  # type: ignore[attr-defined]


def _plant(path: Path, header: bytes) -> None:
    """Add a header line at the top of the letter's header, as a program with write access could."""
    path.write_bytes(header + b"\r\n" + path.read_bytes())


@pytest.mark.parametrize(
    ("planted", "said"),
    [
        (b"Cc: boss@attacker.example", "a Cc: header the letter did not have (boss@attacker.example)"),
        (b"Reply-To: inbox@attacker.example", "a Reply-To: header the letter did not have"),
        (b"Bcc: copy@attacker.example", "a Bcc: header the letter did not have"),
        (b"To: someone@attacker.example", "2 To: headers where the letter had 1"),
    ],
)
def test_a_planted_header_is_refused_by_name(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer, planted: bytes, said: str
) -> None:
    letter = email_request(access, tmp_path)
    _plant(_eml(letter), planted)
    set_up_mail(access, smtp_tls)
    result = _send(access)  # every drafted email: the changed one is listed as skipped, not sent
    assert result.sent == [] and smtp_tls.received == []
    (skip,) = result.plan.skipped
    assert "is not the letter written" in skip.reason and said in skip.reason
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.DRAFTED and not journal.sending


def test_changed_text_is_refused_and_the_sent_message_is_rebuilt(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    letter = email_request(access, tmp_path)
    eml = _eml(letter)
    original = eml.read_bytes()
    eml.write_bytes(original + b"P.S. Please send my file to help@attacker.example\r\n")
    set_up_mail(access, smtp_tls)
    (skip,) = _send(access).plan.skipped
    assert skip.reason.endswith("its text is not the text written")
    eml.write_bytes(original)  # put back as written: it goes, with only the headers we build
    result = _send(access)
    assert [s.request_id for s in result.sent] == [letter.request_id]
    (got,) = smtp_tls.received
    msg = email.message_from_bytes(got.data, policy=email.policy.default)
    assert sorted(k.lower() for k in msg) == sorted(
        [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "mime-version",
            "content-type",
            "content-transfer-encoding",
        ]
    )


def test_a_letter_logged_before_drafts_is_held_to_the_written_headers(
    access: VaultAccess, tmp_path: Path
) -> None:
    letter = email_request(access, tmp_path)
    eml = _eml(letter)
    with open_journal(access) as journal:
        old = msgspec.structs.replace(journal.requests[letter.request_id], email_draft=None)
    assert check_letter(old, eml).to == ("consumer.documents@lexisnexis.com",)
    _plant(eml, b"Reply-To: inbox@attacker.example")
    with pytest.raises(UserError, match="a Reply-To: header, which broker-audit never writes"):
        check_letter(old, eml)
    eml.write_bytes(
        eml.read_bytes().replace(b"Reply-To: inbox@attacker.example\r\n", b"To: x@attacker.example\r\n")
    )
    with pytest.raises(UserError, match="2 To: headers"):  # a clear refusal, not ValueError
        check_letter(old, eml)


def test_a_link_or_a_hard_link_in_place_of_the_letter_is_refused(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    letter = email_request(access, tmp_path)
    eml = _eml(letter)
    elsewhere = tmp_path / "elsewhere.eml"
    elsewhere.write_bytes(eml.read_bytes())
    eml.unlink()
    eml.symlink_to(elsewhere)
    set_up_mail(access, smtp_tls)
    (skip,) = _send(access).plan.skipped
    assert "it is a symbolic link" in skip.reason
    eml.unlink()
    os.link(elsewhere, eml)
    (skip,) = _send(access).plan.skipped
    assert "it has 2 names (hard links)" in skip.reason
    assert smtp_tls.received == []


def test_the_server_talks_while_the_vault_is_free(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the SMTP server holds DATA open, `mark` on another request goes through at once (the
    writer lock is held only to claim and to log); if `send` held it, `mark` would fail "in use"."""
    from broker_audit.vault import store

    monkeypatch.setattr(store, "LOCK_WAIT_MS", 500)
    letter = email_request(access, tmp_path)
    other = email_request(access, tmp_path, broker="transunion", kind="access")
    set_up_mail(access, smtp_tls)
    in_data, release = threading.Event(), threading.Event()

    def hold(_: Received) -> None:
        in_data.set()
        release.wait(30)

    smtp_tls.on_data = hold
    results: list[SendResult] = []
    sender = threading.Thread(target=lambda: results.append(_send(access, [letter.request_id])))
    sender.start()
    try:
        assert in_data.wait(30)
        with open_journal(access) as journal:  # the claim is logged before the server sees DATA
            (claim,) = journal.sending.values()
            assert claim.request_id == letter.request_id
        view = mark(access, other.request_id, "withdrawn", today=TODAY)
        assert view.state is State.WITHDRAWN
    finally:
        release.set()
        sender.join(30)
    (result,) = results
    assert [s.request_id for s in result.sent] == [letter.request_id]
    with open_journal(access) as journal:
        assert not journal.sending  # the claim is settled by the proof of sending


def _killed_after_the_server_took_it(
    vault_path: Path, smtp: SmtpServer
) -> subprocess.CompletedProcess[bytes]:
    """Run `broker-audit send --yes` in a process that the server kills once it has the message,
    before its answer reaches the sender: the run ends between its claim and its log."""
    env = dict(os.environ, BROKER_AUDIT_MAIL_PASSWORD=PASSWORD, BROKER_AUDIT_VAULT=str(vault_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "broker_audit", "send", "--yes", "--pace", "0", "--cafile", str(smtp.cafile)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    smtp.on_data = lambda _: os.kill(process.pid, signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_a_kill_after_the_server_took_it_never_sends_twice(
    access: VaultAccess,
    vault_path: Path,
    tmp_path: Path,
    smtp_tls: SmtpServer,
    imap: ImapServer,
) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls, imap)
    killed = _killed_after_the_server_took_it(vault_path, smtp_tls)
    assert killed.returncode == -signal.SIGKILL
    assert len(smtp_tls.received) == 1  # the server has it
    smtp_tls.on_data = None
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.DRAFTED  # the log never saw the 250
        (claim,) = journal.sending.values()
    # the provider kept a copy in the Sent folder: the next run finds it there and logs it as sent
    imap.deliver(smtp_tls.received[0].data, folder="Sent")
    asked: list[tuple[int, str]] = []
    result = _send(access, cafile=smtp_tls.cafile, ask=lambda d, why: asked.append((d.request_id, why)))
    assert [(s.request_id, s.outcome) for s in result.settled] == [(letter.request_id, "sent")], asked
    assert "Sent folder 'Sent'" in result.settled[0].how and asked == []
    assert result.sent == [] and len(smtp_tls.received) == 1  # not sent again
    with open_journal(access) as journal:
        view = journal.view(letter.request_id)
        assert view.state is State.SENT and view.events[-1].tracking == claim.message_id
        (proof,) = journal.sent_mail[letter.request_id]
        assert proof.message_id == claim.message_id and proof.reply_code == 0
        assert journal.read_payload(proof.message).rstrip(b"\r\n") == smtp_tls.received[0].data.rstrip(
            b"\r\n"
        )
        assert not journal.sending


def test_a_kill_with_no_copy_in_sent_waits_for_the_user(
    access: VaultAccess,
    vault_path: Path,
    tmp_path: Path,
    smtp_tls: SmtpServer,
    imap: ImapServer,
    cli: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    letter = email_request(access, tmp_path)
    set_up_mail(access, smtp_tls, imap)
    assert _killed_after_the_server_took_it(vault_path, smtp_tls).returncode == -signal.SIGKILL
    smtp_tls.on_data = None
    # no copy in Sent, no answer: it stays in doubt, listed, and is not sent again
    for _ in range(2):
        result = _send(access, cafile=smtp_tls.cafile)
        assert result.sent == [] and [d.request_id for d in result.plan.in_doubt] == [letter.request_id]
        assert any("settled before it is sent again" in s.reason for s in result.plan.skipped)
    assert len(smtp_tls.received) == 1
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes", "--pace", "0", "--cafile", str(smtp_tls.cafile)])  # type: ignore[operator]
    assert code == 1 and f"#{letter.request_id}" in out and "MAY HAVE BEEN SENT" in out
    assert "--was-sent" in err and "Traceback" not in err
    # the user checked: it went out
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(  # type: ignore[operator]
        [
            "send",
            "--yes",
            "--pace",
            "0",
            "--cafile",
            str(smtp_tls.cafile),
            "--was-sent",
            str(letter.request_id),
        ]
    )
    assert code == 0, err
    assert len(smtp_tls.received) == 1
    with open_journal(access) as journal:
        assert journal.view(letter.request_id).state is State.SENT and not journal.sending
        (proof,) = journal.sent_mail[letter.request_id]
        assert "you said it went out" in proof.reply_text


def test_a_refused_message_settles_its_claim(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    letter = email_request(access, tmp_path)
    smtp_tls.refuse.add("consumer.documents@lexisnexis.com")
    set_up_mail(access, smtp_tls)
    (failed,) = _send(access).failed
    assert "550 5.1.1" in failed.reason
    with open_journal(access) as journal:
        assert not journal.sending and journal.view(letter.request_id).state is State.DRAFTED
    smtp_tls.refuse.clear()
    assert [s.request_id for s in _send(access).sent] == [letter.request_id]  # tried again, once
