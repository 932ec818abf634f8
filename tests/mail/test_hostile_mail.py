"""Mail from strangers: a hostile mailbox in the real Dovecot, and a hostile IMAP server.

No message stops `inbox`: one over the parser's bounds is listed as skipped (UID, Message-ID,
sender, subject) and never stored; a sender counts as the broker only where its routes say; only
the user's own server's Authentication-Results authenticates; a lying or slow server ends the run
with a clear message and keeps what was read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, email_request, set_up_mail
from hostile_imap import Hostile, hostile_imap
from mailservers import AUTHSERV_ID, PASSWORD, USER, ImapServer, reply_message

from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, mark, open_journal
from broker_audit.services.inbox import InboxAsks, InboxOptions, InboxResult, read_inbox
from broker_audit.services.mail import MailSettings, setup_mail
from broker_audit.services.resources import Resources
from broker_audit.tracking.states import State

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Requests:
    ids: dict[str, int]
    refs: dict[str, str]


@pytest.fixture
def requests(access: VaultAccess, tmp_path: Path) -> Requests:
    """Requests sent by email to LexisNexis, to the FastPeopleSearch network (its route is a desk on
    zendesk.com), and to LO-EmailList (its route is a gmail.com address)."""
    plan = {
        "lexis": "lexisnexis",
        "fps": "fastpeoplesearch-network",
        "gmail": "lo-emaillistcom",
    }
    ids, refs = {}, {}
    for name, broker in plan.items():
        letter = email_request(access, tmp_path, broker, "access")
        mark(access, letter.request_id, "sent", today=TODAY, via="email")
        ids[name], refs[name] = letter.request_id, letter.reference
    return Requests(ids, refs)


def _inbox(access: VaultAccess, imap: ImapServer, asks: InboxAsks = InboxAsks()) -> InboxResult:
    return read_inbox(
        access,
        InboxOptions(cafile=imap.cafile),
        resources=Resources(registry=shipped_registry()),
        today=TODAY,
        password=lambda: PASSWORD,
        asks=asks,
    )


def _raw(headers: list[str], body: str = "Hello.") -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def _nested_mime(levels: int, ref: str) -> bytes:
    head = (
        "From: consumer.documents@lexisnexis.com\r\nTo: " + USER + f"\r\nSubject: ref. {ref} nested\r\n"
        "Message-ID: <nested@lexisnexis.com>\r\nMIME-Version: 1.0\r\n"
    )
    out = head.encode()
    for i in range(levels):
        out += b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nWe have deleted your data.\r\n"
    for i in reversed(range(levels)):
        out += b"--b%d--\r\n" % i
    return out


def test_a_hostile_mailbox_never_stops_inbox(
    access: VaultAccess, requests: Requests, imap: ImapServer
) -> None:
    set_up_mail(access, None, imap)
    lexis, fps, gmail = requests.refs["lexis"], requests.refs["fps"], requests.refs["gmail"]
    auth = f"Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from=lexisnexis.com"
    hostile = {
        "few-comments": _raw(
            [
                auth,
                "From: " + "(" * 100 + "x" + ")" * 100 + " <consumer.documents@lexisnexis.com>",
                f"Subject: ref. {lexis} deep comments",
                "Message-ID: <deep@lexisnexis.com>",
            ]
        ),
        "comments": _raw(
            [
                auth,
                "From: " + "(" * 3000 + "x" + ")" * 3000 + " <consumer.documents@lexisnexis.com>",
                f"Subject: ref. {lexis} comments",
                "Message-ID: <comments@lexisnexis.com>",
            ]
        ),
        "mime": _nested_mime(1200, lexis),
        "huge-subject": _raw(
            [
                auth,
                "From: consumer.documents@lexisnexis.com",
                f"Subject: ref. {lexis} " + " ".join(["=?utf-8?q?=C3=A9t=C3=A9?="] * 60_000),
                "Message-ID: <huge@lexisnexis.com>",
            ]
        ),
        "many-words": _raw(
            [
                auth,
                "From: consumer.documents@lexisnexis.com",
                f"Subject: ref. {lexis} " + " ".join(["=?utf-8?q?a?="] * 500),
                "Message-ID: <words@lexisnexis.com>",
            ]
        ),
    }
    for raw in hostile.values():
        imap.deliver(raw, arrived=NOW - dt.timedelta(minutes=40))
    good = {
        # a genuine reply after them, authenticated by the user's own server
        "lexis": reply_message(
            sender="consumer.documents@lexisnexis.com",
            subject=f"Re: ref. {lexis}",
            body="We have received your request.",
        ),
        # the broker's own desk on zendesk.com (its route names this exact address)
        "fps": reply_message(
            sender="privacy@mtalley.zendesk.com",
            subject=f"Ticket about {fps}",
            body="We have received your request.",
        ),
        # its own gmail address
        "gmail": reply_message(
            sender="JayDunsing@gmail.com", subject=f"Re: {gmail}", body="We have deleted your data."
        ),
    }
    strangers = [
        # a shop's helpdesk on zendesk.com, and a stranger at gmail.com: not brokers, not stored
        reply_message(sender="orders@shop.zendesk.com", subject="Your order has shipped", body="Fulfilled!"),
        reply_message(
            sender="neighbour@gmail.com", subject="Dinner?", body="We have completed your request."
        ),
        # a stranger quoting our reference from a shared host: flagged, nothing stored
        reply_message(
            sender="help@fps-support.zendesk.com", subject=f"Re: {fps}", body="We have deleted your data."
        ),
        reply_message(
            sender="privacy.team@gmail.com", subject=f"Re: {gmail}", body="We have deleted your data."
        ),
    ]
    for raw in [*good.values(), *strangers]:
        imap.deliver(raw, arrived=NOW - dt.timedelta(minutes=20))

    result = _inbox(access, imap)  # finishes: no RecursionError, no MemoryError
    skipped = {n.subject.split()[2][:3]: n for n in result.notices if n.kind == "skipped"}
    assert set(skipped) == {"dee", "com", "nes", "été", "aaa"}
    assert "skipped: too deeply nested (from: comments nested more than 8 deep)" in skipped["dee"].reason
    assert "skipped: header too long (from: 6,0" in skipped["com"].reason  # 3,000 levels: 6 kB
    assert "skipped: too deeply nested (parts nested more than 16 deep)" in skipped["nes"].reason
    assert "skipped: header too long (subject:" in skipped["été"].reason  # cut at 64 kB by the server
    assert "skipped: too many encoded words (subject: 500 encoded words" in skipped["aaa"].reason
    for notice in skipped.values():
        assert notice.uid > 0 and notice.subject.startswith(f"ref. {lexis}") and len(notice.subject) <= 200
    assert skipped["com"].message_id == "<comments@lexisnexis.com>"
    assert skipped["nes"].message_id == "<nested@lexisnexis.com>"
    assert skipped["nes"].from_addr == "consumer.documents@lexisnexis.com"
    stored = {r.request_id: r for r in result.stored}
    assert set(stored) == {requests.ids["lexis"], requests.ids["fps"], requests.ids["gmail"]}
    assert stored[requests.ids["fps"]].from_addr == "privacy@mtalley.zendesk.com"
    assert stored[requests.ids["gmail"]].from_addr == "JayDunsing@gmail.com"
    assert all(r.authenticated for r in stored.values())
    flagged = sorted(n.from_addr for n in result.notices if n.kind == "flagged")
    assert flagged == ["help@fps-support.zendesk.com", "privacy.team@gmail.com"]
    assert result.ignored == 2 and result.needs_attention
    with open_journal(access) as journal:
        assert len(journal.replies) == 3
        assert all(journal.view(i).state is State.SENT for i in requests.ids.values())
    again = _inbox(access, imap)
    assert again.stored == [] and again.already_stored == 3 and len(again.notices) == len(result.notices)


def test_reply_file_refuses_a_hostile_message(
    access: VaultAccess, requests: Requests, tmp_path: Path
) -> None:
    from broker_audit.errors import MessageRefused
    from broker_audit.services.replies import add_reply_file

    saved = tmp_path / "saved.eml"
    saved.write_bytes(_nested_mime(1200, requests.refs["lexis"]))
    with pytest.raises(MessageRefused, match="too deeply nested: parts nested more than 16 deep"):
        add_reply_file(access, requests.ids["lexis"], saved, today=TODAY)
    with open_journal(access) as journal:
        assert not journal.replies


@pytest.mark.parametrize(
    ("auth", "outcome"),
    [
        ("dmarc=pass", "authenticated"),
        ("dmarc=fail", "flagged"),
        ("DMARC=Fail (p=reject)", "flagged"),
        ("dmarc=permerror", "unauthenticated"),
        ("dmarc=temperror", "unauthenticated"),
        ("dmarc=none", "unauthenticated"),
        ("dkim=pass header.d=evil.example", "unauthenticated"),
        ("spf=softfail smtp.mailfrom=lexisnexis.com", "unauthenticated"),
        (None, "unauthenticated"),  # the provider added no result at all
    ],
)
def test_dmarc_variants(
    access: VaultAccess, requests: Requests, imap: ImapServer, auth: str | None, outcome: str
) -> None:
    set_up_mail(access, None, imap)
    imap.deliver(
        reply_message(
            sender="consumer.documents@lexisnexis.com",
            subject=f"Re: ref. {requests.refs['lexis']}",
            body="We are extending the time to respond by an additional 45 days.",
            auth=auth,
        )
    )
    result = _inbox(
        access, imap, InboxAsks(decide=lambda r: r.suggested if r.can_apply and r.trusted else None)
    )
    if outcome == "flagged":
        assert result.stored == [] and [n.kind for n in result.notices] == ["flagged"]
        assert "found it forged" in result.notices[0].reason
        return
    (reply,) = result.stored
    assert reply.authenticated is (outcome == "authenticated") and reply.suggested == "extended"


def test_forged_authentication_results_are_not_evidence(
    access: VaultAccess, requests: Requests, imap: ImapServer
) -> None:
    """A pass the sender wrote itself, under another server's name or below the provider's own."""
    set_up_mail(access, None, imap)
    ref = requests.refs["lexis"]
    base = ["From: consumer.documents@lexisnexis.com", f"Subject: ref. {ref}", "To: " + USER]
    imap.deliver(
        _raw(
            [
                "Authentication-Results: mx.google.com; dmarc=pass header.from=lexisnexis.com",
                *base,
                "Message-ID: <a@x>",
            ],
            "We have deleted your data.",
        )
    )
    imap.deliver(
        _raw(
            [
                f"Authentication-Results: {AUTHSERV_ID}; dmarc=none",
                *base,
                "Message-ID: <b@x>",
                f"Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from=lexisnexis.com",
            ],
            "We have deleted your data.",
        )
    )
    result = _inbox(access, imap)
    assert len(result.stored) == 2 and not any(r.authenticated for r in result.stored)


def test_accept_never_applies_an_unauthenticated_extension(
    access: VaultAccess, requests: Requests, imap: ImapServer, tmp_path: Path
) -> None:
    """`--accept` on a reply with no authentication moved a due date by 45 days and the timeline
    stated it as fact: now it is stored and listed, not applied; applied only on the user's word,
    and the complaint timeline says so."""
    import io

    from pypdf import PdfReader

    from broker_audit.services.evidence import write_evidence

    set_up_mail(access, None, imap)
    lexis = requests.ids["lexis"]
    with open_journal(access) as journal:
        due = journal.view(lexis).due
    imap.deliver(
        reply_message(
            sender="consumer.documents@lexisnexis.com",
            subject=f"Re: ref. {requests.refs['lexis']}",
            body="We are extending the time to respond by an additional 45 days.",
            auth=None,
        )
    )
    result = _inbox(
        access, imap, InboxAsks(decide=lambda r: r.suggested)
    )  # as --accept would, without the trust test
    (applied,) = result.applied
    assert applied.error.startswith(
        "reply #1 claims to come from consumer.documents@lexisnexis.com, but your"
    )
    assert "--sender-checked" in applied.error
    with open_journal(access) as journal:
        assert journal.view(lexis).due == due and journal.view(lexis).state is State.SENT
    # the user checked it and says so
    view = mark(access, lexis, "extended", today=TODAY, reply_id=1, sender_checked=True)
    assert view.state is State.EXTENDED
    packet = tmp_path / "packet"
    write_evidence(access, lexis, out_dir=packet, today=TODAY, resources=Resources())
    text = " ".join(
        PdfReader(io.BytesIO((packet / "timeline.pdf").read_bytes())).pages[0].extract_text().split()
    )
    assert "sender not authenticated" in text and "recorded as extended on your word" in text
    assert "claimed in an unauthenticated email" in text


def test_no_authserv_id_means_nothing_is_authenticated(
    access: VaultAccess, requests: Requests, imap: ImapServer
) -> None:
    setup_mail(
        access,
        MailSettings("127.0.0.1", 465, "tls", USER, imap_host="127.0.0.1", imap_port=imap.port),
        password=lambda: PASSWORD,
        use_keyring=False,
    )
    imap.deliver(
        reply_message(
            sender="consumer.documents@lexisnexis.com", subject=f"ref. {requests.refs['lexis']}", body="Hi"
        )
    )
    (reply,) = _inbox(access, imap).stored
    assert reply.authenticated is False and "no authserv-id" in reply.auth_note


def test_a_message_without_message_id_is_stored_once(
    access: VaultAccess, requests: Requests, imap: ImapServer
) -> None:
    set_up_mail(access, None, imap)
    imap.deliver(
        _raw(
            [
                f"Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from=lexisnexis.com",
                "From: consumer.documents@lexisnexis.com",
                f"Subject: ref. {requests.refs['lexis']} {uuid.uuid4().hex}",
            ],
            "We have received your request.",
        )
    )
    assert len(_inbox(access, imap).stored) == 1
    again = _inbox(access, imap)
    assert again.stored == [] and again.already_stored == 1


# --- a hostile IMAP server -----------------------------------------------------------------


def _account_on(access: VaultAccess, server: Hostile) -> None:
    setup_mail(
        access,
        MailSettings(
            "127.0.0.1",
            465,
            "tls",
            USER,
            imap_host="127.0.0.1",
            imap_port=server.port,
            authserv_id=AUTHSERV_ID,
        ),
        password=lambda: PASSWORD,
        use_keyring=False,
    )


def _server_inbox(access: VaultAccess, server: Hostile, **options: Any) -> InboxResult:
    return read_inbox(
        access,
        InboxOptions(cafile=server.cafile, **options),
        resources=Resources(registry=shipped_registry()),
        today=TODAY,
        password=lambda: PASSWORD,
    )


def _three(requests: Requests) -> list[bytes]:
    ref = requests.refs["lexis"]
    return [
        reply_message(
            sender="consumer.documents@lexisnexis.com",
            subject=f"ref. {ref} one",
            body="We have received your request.",
        ),
        reply_message(sender="consumer.documents@lexisnexis.com", subject=f"ref. {ref} two", body="x" * 5000),
        reply_message(
            sender="consumer.documents@lexisnexis.com", subject=f"ref. {ref} three", body="We deny it."
        ),
    ]


def test_a_server_that_announces_1_kb_and_sends_100_mb(
    access: VaultAccess, requests: Requests, tmp_path: Path
) -> None:
    with hostile_imap(tmp_path, Hostile(_three(requests), bad_uid=2, mode="lying-size")) as server:
        _account_on(access, server)
        result = _server_inbox(access, server)
    assert "announced 104,857,600 bytes where it had announced the message as 1,024 bytes" in result.stopped
    assert [r.subject.split()[-1] for r in result.stored] == ["one"]  # what was read before is kept
    assert server.sent_bytes < 100 * 1024 * 1024  # the client hung up: the rest was never read
    with open_journal(access) as journal:
        assert len(journal.replies) == 1


def test_a_server_that_sends_one_byte_at_a_time(
    access: VaultAccess, requests: Requests, tmp_path: Path
) -> None:
    with hostile_imap(
        tmp_path, Hostile(_three(requests), bad_uid=2, mode="slow", drip_seconds=0.05)
    ) as server:
        _account_on(access, server)
        result = _server_inbox(access, server, message_seconds=1.0)
    assert "took longer than 1 s to send message 2: stopped reading" in result.stopped
    assert [r.subject.split()[-1] for r in result.stored] == ["one"]


def test_a_slow_greeting_meets_the_run_limit(access: VaultAccess, requests: Requests, tmp_path: Path) -> None:
    from broker_audit.errors import MailServerMisbehaved

    with hostile_imap(tmp_path, Hostile(_three(requests), mode="slow-greeting", drip_seconds=0.3)) as server:
        _account_on(access, server)
        with pytest.raises(MailServerMisbehaved, match="took longer than"):
            _server_inbox(access, server, minutes=1.0 / 60)


def test_a_server_answer_nested_too_deeply(access: VaultAccess, requests: Requests, tmp_path: Path) -> None:
    with hostile_imap(tmp_path, Hostile(_three(requests), bad_uid=2, mode="deep-parens")) as server:
        _account_on(access, server)
        result = _server_inbox(access, server)
    assert "sent an answer that cannot be read" in result.stopped
    assert result.stored == []  # the headers of the chunk could not be read: nothing half-read is kept


def test_the_cli_says_why_it_stopped(
    access: VaultAccess, requests: Requests, tmp_path: Path, cli: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    with hostile_imap(tmp_path, Hostile(_three(requests), bad_uid=2, mode="lying-size")) as server:
        _account_on(access, server)
        monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
        code, out, err = cli(["inbox", "--cafile", str(server.cafile)])  # type: ignore[operator]
    assert code == 1 and "Traceback" not in err
    assert (
        f"error: stopped reading: the IMAP server 127.0.0.1:{server.port} announced 104,857,600 bytes" in err
    )
    assert "reply #1 to #" in out and "Everything read before is kept" in out
