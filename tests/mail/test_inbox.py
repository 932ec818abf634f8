"""`inbox` against a real IMAP server (Dovecot over TLS on 127.0.0.1) holding saved broker replies."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, email_request, set_up_mail
from mailservers import PASSWORD, ImapServer, SmtpServer, reply_message, tiny_pdf

from broker_audit.errors import MailLoginFailed, MailServerUnreachable, MailTLSFailed
from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, open_journal
from broker_audit.services.inbox import InboxAsks, InboxOptions, InboxResult, read_inbox
from broker_audit.services.resources import Resources
from broker_audit.services.send import SendAsks, SendOptions, send_requests
from broker_audit.tracking.states import State

# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Sent:
    ids: dict[str, int]  # name -> request id
    refs: dict[str, str]  # name -> reference
    msgids: dict[str, str]  # name -> Message-ID we sent


def _inbox(
    access: VaultAccess,
    imap: ImapServer,
    *,
    password: Callable[[], str] = lambda: PASSWORD,
    asks: InboxAsks = InboxAsks(),
    **options: Any,
) -> InboxResult:
    return read_inbox(
        access,
        InboxOptions(**{"cafile": imap.cafile, **options}),
        resources=Resources(registry=shipped_registry()),
        today=TODAY,
        password=password,
        asks=asks,
    )


@pytest.fixture
def sent(access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer, imap: ImapServer) -> Sent:
    """Five requests sent by email: LexisNexis delete and access, TransUnion, Experian, Equifax."""
    plan = {
        "lexis": ("lexisnexis", "delete"),
        "lexis2": ("lexisnexis", "access"),
        "transunion": ("transunion", "access"),
        "experian": ("experian", "access"),
        "equifax": ("equifax", "delete"),
    }
    letters = {name: email_request(access, tmp_path, broker, kind) for name, (broker, kind) in plan.items()}
    set_up_mail(access, smtp_tls, imap)
    result = send_requests(
        access,
        SendOptions(pace=0, cafile=smtp_tls.cafile),
        resources=Resources(registry=shipped_registry()),
        today=TODAY,
        password=lambda: PASSWORD,
        asks=SendAsks(confirm=lambda p: True),
    )
    by_id = {s.request_id: s.message_id for s in result.sent}
    return Sent(
        ids={n: letter.request_id for n, letter in letters.items()},
        refs={n: letter.reference for n, letter in letters.items()},
        msgids={n: by_id[letter.request_id] for n, letter in letters.items()},
    )


def _deliver_the_set(imap: ImapServer, sent: Sent, marker: str) -> bytes:
    """The saved broker replies of the issue; returns the fulfilment's PDF bytes."""
    pdf = tiny_pdf(f"Consumer file {marker}")
    replies = [
        # an acknowledgement answering our Message-ID
        reply_message(
            sender="LexisNexis Consumer Center <consumer.documents@lexisnexis.com>",
            subject="Re: Request to delete my personal data",
            body=f"Dear consumer, we have received your request. Case {marker}-ack.",
            in_reply_to=sent.msgids["lexis"],
        ),
        # an ID demand carrying our reference in the subject
        reply_message(
            sender="privacy@transunion.com",
            subject=f"Your privacy request (ref. {sent.refs['transunion']})",
            body="To proceed we need to verify your identity. Please send a copy of your driver's "
            f"license. {marker}",
        ),
        # an extension notice: the reference only in the body, from a subdomain of the broker
        reply_message(
            sender="noreply@privacy.experian.com",
            subject="About your request",
            body=f"Reference: {sent.refs['experian']}\nWe are extending the time to respond by an "
            f"additional 45 days, as the law allows. {marker}",
        ),
        # a denial
        reply_message(
            sender="usprivacy@equifax.com",
            subject=f"Re: ref. {sent.refs['equifax']}",
            body=f"We are unable to honor your request because the data is exempt from the act. {marker}",
        ),
        # a fulfilment with a PDF attachment
        reply_message(
            sender="privacy@transunion.com",
            subject=f"Re: (ref. {sent.refs['transunion']}) your file",
            body=f"Please find attached a copy of the personal information we hold. {marker}",
            attachment=("consumer-file.pdf", "application/pdf", pdf),
        ),
        # a reply in Spanish, by our reference
        reply_message(
            sender="consumer.documents@lexisnexis.com",
            subject=f"Solicitud {sent.refs['lexis2']}",
            body=f"Hemos recibido su solicitud y le responderemos pronto. {marker}",
        ),
        # an unrelated newsletter
        reply_message(
            sender="news@shop.example",
            subject="Big sale this week",
            body=f"Everything must go. {marker}-newsletter",
        ),
    ]
    for n, raw in enumerate(replies):
        imap.deliver(raw, arrived=NOW - dt.timedelta(minutes=30 - n))
    return pdf


def test_inbox_matches_stores_and_suggests(access: VaultAccess, sent: Sent, imap: ImapServer) -> None:
    marker = uuid.uuid4().hex
    _deliver_the_set(imap, sent, marker)
    flags_before = imap.flags()
    result = _inbox(access, imap)
    assert result.scanned == 7 and result.ignored == 1 and not result.notices
    got = {(r.request_id, r.subject.split(" ")[0]): r for r in result.stored}
    by_request = {r.request_id: [] for r in result.stored}
    for r in result.stored:
        by_request[r.request_id].append((r.matched_by, r.suggested))
    assert by_request == {
        sent.ids["lexis"]: [("message-id", "acknowledged")],
        sent.ids["transunion"]: [("reference", "needs-verification"), ("reference", "fulfilled")],
        sent.ids["experian"]: [("reference", "extended")],
        sent.ids["equifax"]: [("reference", "denied")],
        sent.ids["lexis2"]: [("reference", "acknowledged")],
    }
    assert len(got) == 6
    fulfilment = next(r for r in result.stored if r.suggested == "fulfilled")
    (attachment,) = fulfilment.attachments
    assert attachment[0] == "consumer-file.pdf" and attachment[1] > 500
    spanish = next(r for r in result.stored if r.request_id == sent.ids["lexis2"])
    assert "hemos recibido su solicitud" in spanish.reason.lower()
    # read-only: no flag changed on the server
    assert imap.flags() == flags_before
    # nothing is applied without a decision; a second run stores nothing twice
    with open_journal(access) as journal:
        assert all(journal.view(i).state is State.SENT for i in sent.ids.values())
        assert len(journal.replies) == 6
        assert "Everything must go" not in " ".join(r.text for r in journal.replies.values())
    again = _inbox(access, imap)
    assert again.stored == [] and again.already_stored == 6


def test_accepting_applies_and_an_extension_moves_the_due_date(
    access: VaultAccess, sent: Sent, imap: ImapServer
) -> None:
    _deliver_the_set(imap, sent, uuid.uuid4().hex)
    with open_journal(access) as journal:
        before = journal.view(sent.ids["experian"]).due
        extension = journal.requests[sent.ids["experian"]].extension_days
    assert before is not None and extension == 45  # Colorado: 45 days, extendable by 45
    result = _inbox(access, imap, asks=InboxAsks(decide=lambda r: r.suggested if r.can_apply else None))
    applied = {(a.request_id, a.state) for a in result.applied if not a.error}
    assert (sent.ids["experian"], "extended") in applied
    assert (sent.ids["equifax"], "denied") in applied
    with open_journal(access) as journal:
        view = journal.view(sent.ids["experian"])
        assert view.state is State.EXTENDED and view.due == before + dt.timedelta(days=45)
        assert view.events[-1].reply_id is not None
        # TransUnion: the ID demand, then the fulfilment: both apply in order
        assert journal.view(sent.ids["transunion"]).state is State.FULFILLED


def test_a_forged_reference_from_an_unknown_domain_is_flagged(
    access: VaultAccess, sent: Sent, imap: ImapServer
) -> None:
    imap.deliver(
        reply_message(
            sender="LexisNexis Privacy <privacy@lexisnexis-support.example>",
            subject=f"Re: ref. {sent.refs['lexis']} we have deleted your data",
            body="We have deleted your data. Reply with your SSN to confirm.",
        )
    )
    imap.deliver(
        reply_message(
            sender="helpdesk@unknown.example",
            subject="Re: your request",
            body="Verify your identity here",
            in_reply_to=sent.msgids["equifax"],
        )
    )
    imap.deliver(  # the reference only in the body: found by the server-side text search
        reply_message(
            sender="support@mailer.example",
            subject="Important notice",
            body=f"Regarding {sent.refs['experian']}: we have completed your request.",
        )
    )
    result = _inbox(access, imap, asks=InboxAsks(decide=lambda r: r.suggested))
    assert result.stored == [] and result.applied == []
    kinds = sorted((n.kind, n.request_id) for n in result.notices)
    assert kinds == sorted(
        [("flagged", sent.ids["lexis"]), ("flagged", sent.ids["equifax"]), ("flagged", sent.ids["experian"])]
    )
    forged = next(n for n in result.notices if n.request_id == sent.ids["lexis"])
    assert "lexisnexis-support.example" in forged.reason and "not trusted, nothing changed" in forged.reason
    assert result.needs_attention
    with open_journal(access) as journal:
        assert not journal.replies
        assert journal.view(sent.ids["lexis"]).state is State.SENT
        assert journal.view(sent.ids["experian"]).state is State.SENT


def test_unmatched_mail_from_a_broker_is_listed(access: VaultAccess, sent: Sent, imap: ImapServer) -> None:
    imap.deliver(
        reply_message(sender="noreply@lexisnexis.com", subject="Your request", body="We are working on it.")
    )
    result = _inbox(access, imap)
    (notice,) = result.notices
    assert notice.kind == "unmatched"
    assert set(notice.candidates) == {sent.ids["lexis"], sent.ids["lexis2"]}
    assert result.stored == []


def test_a_30_mb_attachment(access: VaultAccess, sent: Sent, imap: ImapServer) -> None:
    big = os.urandom(30 * 1024 * 1024)
    imap.deliver(
        reply_message(
            sender="privacy@transunion.com",
            subject=f"Re: ref. {sent.refs['transunion']}",
            body="Please find attached a copy of your file.",
            attachment=("scan.pdf", "application/pdf", b"%PDF-1.4\n" + big),
        )
    )
    first = _inbox(access, imap)
    (notice,) = first.notices
    assert notice.kind == "too-large" and "over the 25 MB limit" in notice.reason
    assert notice.request_id == sent.ids["transunion"]  # guessed from the subject, not trusted
    assert "--max-size 42" in notice.reason and first.stored == []
    with open_journal(access) as journal:
        assert not journal.replies  # nothing half-stored
    second = _inbox(access, imap, max_mb=64)
    (reply,) = second.stored
    assert reply.attachments == (("scan.pdf", len(big) + 9),)
    with open_journal(access) as journal:
        stored = journal.replies[reply.reply_id]
        assert stored.original_size > 40 * 1024 * 1024
        # kept in the vault's blob store, in 1 MiB chunks bound to the reply's record
        from broker_audit.tracking.mail_records import BlobRef

        assert isinstance(stored.original, BlobRef)
        assert stored.original.chunks == -(-stored.original_size // 2**20)
        report = journal.vault.verify()
        assert report.blobs >= 6 and report.chunks >= stored.original.chunks
        import email
        import email.policy

        from broker_audit.mail.parse import iter_attachments

        msg = email.message_from_bytes(journal.read_payload(stored.original), policy=email.policy.default)
        ((_, _, data),) = list(iter_attachments(msg))
        assert data[9:] == big


def test_wrong_password_bad_certificate_and_server_down(
    access: VaultAccess, sent: Sent, imap: ImapServer, smtp_tls: SmtpServer
) -> None:
    with pytest.raises(
        MailLoginFailed, match=r"IMAP server 127\.0\.0\.1:\d+ refused the user name or password"
    ):
        _inbox(access, imap, password=lambda: "wrong")
    with pytest.raises(MailTLSFailed, match="certificate could not be verified"):
        _inbox(access, imap, cafile=smtp_tls.cafile)
    from mailservers import free_port

    from broker_audit.services.mail import MailSettings, setup_mail

    setup_mail(
        access,
        MailSettings(
            "127.0.0.1",
            smtp_tls.port,
            "tls",
            "maria.nunez@example.org",
            imap_host="127.0.0.1",
            imap_port=free_port(),
        ),
        password=lambda: PASSWORD,
        use_keyring=False,
    )
    with pytest.raises(MailServerUnreachable, match="cannot reach the IMAP server"):
        _inbox(access, imap)


def _files_holding(needles: list[bytes], roots: list[Path], since: float, skip: Path) -> list[str]:
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if Path(folder).resolve().is_relative_to(skip.resolve()):
                dirs[:] = []
                continue
            for name in files:
                path = Path(folder) / name
                try:
                    info = path.lstat()  # regular files only: a FIFO or socket would block a read
                    if not stat.S_ISREG(info.st_mode) or info.st_mtime < since or info.st_size > 200 * 2**20:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                found += [f"{path}: {n[:20]!r}" for n in needles if n in data]
    return found


def test_no_plaintext_reply_or_attachment_on_disk(
    access: VaultAccess, sent: Sent, imap: ImapServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_tmp = Path(tempfile.gettempdir())
    private_tmp = tmp_path / "tmp"  # where any temporary file this process makes would go
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    started = time.time() - 1
    marker = uuid.uuid4().hex
    pdf = _deliver_the_set(imap, sent, marker)
    result = _inbox(access, imap, asks=InboxAsks(decide=lambda r: r.suggested if r.can_apply else None))
    assert len(result.stored) == 6
    # the reply's text; the attachment's bytes, raw and as one base64 line of the message. Only
    # bytes this PDF alone has: every reportlab file shares its first few hundred bytes, which
    # another test run's letters in the same /tmp hold too
    other = tiny_pdf(f"Consumer file {uuid.uuid4().hex}")
    own = next(k for k in range(len(pdf) // 57) if pdf[57 * k : 57 * k + 57] != other[57 * k : 57 * k + 57])
    as_sent = base64.b64encode(pdf[57 * own : 57 * own + 57])
    needles = [marker.encode(), pdf[57 * own : 57 * own + 60], pdf[-120:], as_sent]
    roots = [Path(os.environ["HOME"]), tmp_path, private_tmp, system_tmp]
    # the IMAP server's maildir stands for the provider's server: it holds the mail by design
    assert _files_holding(needles, roots, started, skip=imap.root) == []
    # and the search does find them where they are in the clear (so the check above can fail)
    in_clear = _files_holding(needles, [imap.root], 0, skip=tmp_path / "none")
    assert {entry.rpartition(": ")[2] for entry in in_clear} == {
        repr(marker.encode()[:20]),
        repr(as_sent[:20]),
    }


def test_file_into_moves_only_the_matched_replies(access: VaultAccess, sent: Sent, imap: ImapServer) -> None:
    _deliver_the_set(imap, sent, uuid.uuid4().hex)
    asked: list[tuple[int, str]] = []
    result = _inbox(
        access,
        imap,
        file_into="Data brokers",
        asks=InboxAsks(confirm_filing=lambda n, f: asked.append((n, f)) or True),
    )
    assert asked == [(6, "Data brokers")] and result.filed == 6 and result.filed_how == "moved"
    filed = list((imap.maildir / ".Data brokers" / "cur").iterdir()) + list(
        (imap.maildir / ".Data brokers" / "new").iterdir()
    )
    left = list((imap.maildir / "cur").iterdir()) + list((imap.maildir / "new").iterdir())
    assert len(filed) == 6 and len(left) == 1  # the newsletter stays where it was
    assert b"Everything must go" in left[0].read_bytes()
    declined = _inbox(
        access,
        imap,
        folder="Data brokers",
        file_into="Elsewhere",
        asks=InboxAsks(confirm_filing=lambda n, f: False),
    )
    assert declined.filed == 0 and declined.already_stored == 6
