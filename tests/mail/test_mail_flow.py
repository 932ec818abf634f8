"""The whole loop through the real CLI: request by email -> send -> SMTP server got it -> a reply in
the IMAP maildir -> inbox matches, stores and suggests -> show -> evidence packet read back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from clijson import data
from mailservers import AUTHSERV_ID, PASSWORD, USER, ImapServer, SmtpServer, reply_message, tiny_pdf
from pypdf import PdfReader

# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

Runner = Callable[[list[str]], tuple[int, str, str]]
TODAY = dt.date.today()


def _setup(cli: Runner, smtp: SmtpServer, imap: ImapServer | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    args = ["mail", "setup", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port)]
    args += ["--smtp-security", smtp.security, "--smtp-user", USER, "--cafile", str(smtp.cafile)]
    if imap is not None:
        args += ["--imap-host", "127.0.0.1", "--imap-port", str(imap.port), "--authserv-id", AUTHSERV_ID]
    code, out, err = cli(args)
    assert code == 0, err
    assert "not kept anywhere" in out  # no secure keyring in tests: asked each time


def test_request_send_inbox_evidence(
    vault_path: Path,
    tmp_path: Path,
    cli: Runner,
    smtp_starttls: SmtpServer,
    imap: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = cli(["request", "lexisnexis", "--kind", "delete", "--via", "email", "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    request_id, reference = letter["id"], letter["reference"]
    _setup(cli, smtp_starttls, imap, monkeypatch)

    code, out, err = cli(["send", "--dry-run"])
    assert code == 0 and "Dry run: 1 email would be sent" in out
    assert "consumer.documents@lexisnexis.com" in err and smtp_starttls.received == []

    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes", "--pace", "0", "--cafile", str(smtp_starttls.cafile)])
    assert code == 0, err
    (got,) = smtp_starttls.received
    msg = email.message_from_bytes(got.data, policy=email.policy.default)
    assert not msg.defects and msg["To"] == "consumer.documents@lexisnexis.com"
    assert f"(ref. {reference})" in msg["Subject"]
    message_id = msg["Message-ID"]
    assert f"#{request_id} LexisNexis Risk Solutions: sent to consumer.documents@lexisnexis.com" in out

    # the broker answers our message; the server keeps it in the maildir
    pdf = tiny_pdf("Deletion confirmation for the consumer")
    imap.deliver(
        reply_message(
            sender="LexisNexis <consumer.documents@lexisnexis.com>",
            subject=f"RE: {msg['Subject']}",
            body="Thank you. We have received your request and will respond within 45 days.",
            in_reply_to=message_id,
            attachment=("receipt.pdf", "application/pdf", pdf),
        )
    )
    imap.deliver(reply_message(sender="news@shop.example", subject="Sale", body="Buy now"))
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["inbox", "--json", "--cafile", str(imap.cafile)])
    assert code == 0, err
    result = data(out)
    (stored,) = result["stored"]
    assert (stored["request_id"], stored["matched_by"], stored["suggested"]) == (
        request_id,
        "message-id",
        "acknowledged",
    )
    assert stored["attachments"] == [["receipt.pdf", len(pdf)]] and result["ignored"] == 1

    code, out, err = cli(["mark", str(request_id), "acknowledged", "--reply", str(stored["reply_id"])])
    assert code == 0, err and f"#{request_id} is now acknowledged" in out
    code, out, err = cli(["show", str(request_id), "--json"])
    shown = data(out)
    assert shown["state"] == "acknowledged"
    (reply,) = shown["replies"]
    assert (reply["confirmed"], reply["from_addr"]) == ("acknowledged", "consumer.documents@lexisnexis.com")
    code, out, err = cli(["show", str(request_id)])
    assert "receipt.pdf" in out and "Replies" in out

    # 50 days on, no answer: the packet says how the deadline was missed
    monkeypatch.setenv("BROKER_AUDIT_TODAY", (TODAY + dt.timedelta(days=50)).isoformat())
    packet = tmp_path / "packet"
    code, out, err = cli(["evidence", str(request_id), "--out", str(packet), "--json"])
    assert code == 0, err
    files = {Path(f).relative_to(packet).as_posix() for f in data(out)["files"]}
    assert {"timeline.pdf", "mailing-proof.txt", f"sent-{request_id}-1.eml"} <= files
    assert f"replies/reply-{stored['reply_id']}-message.eml" in files
    assert f"replies/reply-{stored['reply_id']}-1-receipt.pdf" in files
    assert any(f.startswith(f"letter-{request_id}-") and f.endswith(".eml") for f in files)
    for f in files:
        assert stat.S_IMODE((packet / f).stat().st_mode) == 0o600
    assert stat.S_IMODE(packet.stat().st_mode) == 0o700
    assert (packet / f"replies/reply-{stored['reply_id']}-1-receipt.pdf").read_bytes() == pdf
    reader = PdfReader(packet / "timeline.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Request to delete my personal data" in text
    assert "Colorado Privacy Act" in text and "right to delete" in text
    assert f"{TODAY.isoformat()}: Sent by email to consumer.documents@lexisnexis.com" in text
    assert "accepted by the mail server" in text and message_id.strip("<>")[:20] in text
    assert "Reply #1 from consumer.documents@lexisnexis.com" in text and "recorded as acknowledged" in text
    due = TODAY + dt.timedelta(days=45)
    assert f"due {due:%B} {due.day}, {due.year}" in text and "5 days late" in text
    proof = (packet / "mailing-proof.txt").read_text()
    assert message_id in proof and "250" in proof


def test_cli_errors_are_one_line(
    vault_path: Path, cli: Runner, smtp_tls: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = cli(["request", "lexisnexis", "--kind", "delete", "--via", "email"])
    assert code == 0, err
    _setup(cli, smtp_tls, None, monkeypatch)
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", "wrong")
    code, out, err = cli(["send", "--yes", "--pace", "0", "--cafile", str(smtp_tls.cafile)])
    assert code == 1
    assert err.splitlines()[-2:] == [
        f"error: the SMTP server 127.0.0.1:{smtp_tls.port} refused the user name or password (535)",
        "hint: check them (many providers need an app password); `broker-audit mail setup` stores a new one",
    ]
    assert "Traceback" not in err and "wrong" not in err
    # no password and no terminal: a clear refusal, not a hang
    monkeypatch.delenv("BROKER_AUDIT_MAIL_PASSWORD")
    code, out, err = cli(["send", "--yes", "--cafile", str(smtp_tls.cafile)])
    assert code == 1 and "error: the mail password is needed and there is no terminal to ask on" in err
    # without --yes and no terminal: nothing is sent
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send"])
    assert code == 1 and "refusing to send email without confirmation" in err
    assert smtp_tls.received == []
    code, out, err = cli(["inbox"])
    assert code == 1 and "the mailbox has no IMAP server set up" in err


def test_the_password_env_var_is_read_once_and_removed(
    vault_path: Path, cli: Runner, smtp_tls: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from broker_audit.cli.app import main

    _setup(cli, smtp_tls, None, monkeypatch)
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    with pytest.raises(SystemExit):  # main itself, not the `cli` fixture (which acts as a shell)
        main(["send", "--dry-run"])
    assert "BROKER_AUDIT_MAIL_PASSWORD" not in os.environ


def test_hostile_reply_text_never_reaches_the_terminal(
    vault_path: Path,
    cli: Runner,
    smtp_tls: SmtpServer,
    imap: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = cli(["request", "lexisnexis", "--kind", "delete", "--via", "email", "--json"])
    (letter,) = data(out)["letters"]
    _setup(cli, smtp_tls, imap, monkeypatch)
    hostile = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\u202egnp.exe\x9b31m"
    imap.deliver(
        reply_message(
            sender="privacy@lexisnexis.com",
            subject=f"ref. {letter['reference']} {hostile}",
            body=f"We have received your request. {hostile}",
            attachment=(f"x{hostile}.pdf", "application/pdf", tiny_pdf("x")),
        )
    )
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["inbox", "--cafile", str(imap.cafile)])
    assert code == 0, err
    code, shown, err2 = cli(["show", str(letter["id"])])
    for text in (out, err, shown, err2):
        assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text and "\x07" not in text
    assert "click" in out and "gnp.exe" in shown


def test_cli_tls_failure_server_down_and_a_forged_reply(
    vault_path: Path,
    cli: Runner,
    smtp_tls: SmtpServer,
    smtp_starttls: SmtpServer,
    imap: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mailservers import free_port

    code, out, err = cli(["request", "lexisnexis", "--kind", "delete", "--via", "email", "--json"])
    (letter,) = data(out)["letters"]
    _setup(cli, smtp_tls, imap, monkeypatch)
    # the wrong certificate authority: TLS fails, one line, exit 1, nothing marked
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes", "--cafile", str(smtp_starttls.cafile)])
    assert code == 1 and "Traceback" not in err
    assert (
        f"error: TLS with the SMTP server 127.0.0.1:{smtp_tls.port} failed: its certificate could not" in err
    )
    # the server is down
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    port = free_port()
    code, _, err = cli(
        ["mail", "setup", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-user", USER]
    )
    assert code == 0, err
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes"])
    assert code == 1 and f"error: cannot reach the SMTP server 127.0.0.1:{port}: Connection refused" in err
    assert (
        smtp_tls.received == [] and data(cli(["show", str(letter["id"]), "--json"])[1])["state"] == "drafted"
    )
    # a forged reference from an unknown domain: listed, exit 1, nothing changed or stored
    _setup(cli, smtp_tls, imap, monkeypatch)
    imap.deliver(
        reply_message(
            sender="privacy@lexisnexis.help",
            subject=f"Re: (ref. {letter['reference']})",
            body="We have deleted your data.",
        )
    )
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["inbox", "--accept", "--cafile", str(imap.cafile)])
    assert code == 1
    assert f"FLAGGED, not trusted (#{letter['id']})" in out and "lexisnexis.help" in out
    assert "error: some messages need your attention" in err
    shown = data(cli(["show", str(letter["id"]), "--json"])[1])
    assert shown["state"] == "drafted" and shown["replies"] == []
