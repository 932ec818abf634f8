"""`inbox` in stages, without a server: each header of a message read once for the scan, what the
scan decides from the headers alone, and what the match stage makes of a message read whole."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from email.message import Message

import pytest

from broker_audit.mail.bounds import Limits, parse_bounded
from broker_audit.mail.imap import Envelope
from broker_audit.mail.match import Known, Senders
from broker_audit.services.inbox import (
    Heads,
    InboxNotice,
    InboxOptions,
    heads_of,
    match_fetched,
    triage,
)
from broker_audit.services.replies import PendingReply
from broker_audit.tracking.mail_records import reply_identity

ARRIVED = dt.datetime(2026, 1, 8, 15, 0, tzinfo=dt.UTC)
KNOWN = Known(
    references={"BA-ABCDEFGH": 1},
    message_ids={"<sent-1@example.org>": 1},
    broker_of={1: "lexis"},
    senders={"lexis": Senders(frozenset({"lexisnexis.com"}))},
    open_requests={"lexis": [1]},
    own_addresses=frozenset({"me@example.org"}),
)
LIMITS = Limits()
ANSWER = (
    b"From: Privacy Desk <privacy@lexisnexis.com>\r\n"
    b"Subject: =?utf-8?q?Re:_your_request_BA-ABCDEFGH?=\r\n"
    b"Message-ID: <Answer-9@LexisNexis.com>\r\n"
    b"In-Reply-To: <sent-1@example.org>\r\n"
    b"References: <older@example.org> <sent-1@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
)


def _env(header: bytes, size: int = 2_000, uid: int = 7) -> Envelope:
    return Envelope(uid=uid, size=size, arrived=ARRIVED, header=header)


def test_each_header_the_scan_looks_at_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan used to read Subject three times, From and the reply headers twice each (to
    decide, to list, to find the request of a message too large to fetch)."""
    reads: Counter[str] = Counter()
    real_get = Message.get

    def counted(self: Message, name: str, failobj: object = None) -> object:
        reads[name.lower()] += 1
        return real_get(self, name, failobj)

    head = parse_bounded(ANSWER, LIMITS, headers_only=True)
    monkeypatch.setattr(Message, "get", counted)
    heads = heads_of(head)
    assert reads == {
        "from": 1,
        "subject": 1,
        "message-id": 1,
        "in-reply-to": 1,
        "references": 1,
        "content-type": 1,
    }
    assert heads == Heads(
        sender="privacy@lexisnexis.com",
        from_addr="privacy@lexisnexis.com",
        subject="Re: your request BA-ABCDEFGH",
        subject_refs=("BA-ABCDEFGH",),
        message_id="<answer-9@lexisnexis.com>",
        reply_ids=("<sent-1@example.org>", "<older@example.org>"),  # In-Reply-To first
        report=False,
    )


def test_the_scan_decides_from_the_headers_alone() -> None:
    options = InboxOptions(max_mb=1)
    heads = triage(_env(ANSWER), KNOWN, set(), options, LIMITS, text_hit=False)
    assert isinstance(heads, Heads) and heads.message_id == "<answer-9@lexisnexis.com>"
    # kept already (by its Message-ID): not fetched again
    kept = {reply_identity("<answer-9@lexisnexis.com>", "")}
    assert triage(_env(ANSWER), KNOWN, kept, options, LIMITS, text_hit=False) == "already"
    # over --max-size: listed with the request its headers point at, not fetched
    large = triage(_env(ANSWER, size=3 * 2**20), KNOWN, set(), options, LIMITS, text_hit=False)
    assert isinstance(large, InboxNotice) and large.kind == "too-large"
    assert large.request_id == 1 and large.subject == "Re: your request BA-ABCDEFGH"
    assert "run again with --max-size 4" in large.reason
    # a newsletter: not about a request, unless the server found our reference in its text
    news = b"From: Shop <deals@shop.example>\r\nSubject: Sale\r\nMessage-ID: <n@shop.example>\r\n\r\n"
    assert triage(_env(news), KNOWN, set(), options, LIMITS, text_hit=False) == "ignored"
    assert isinstance(triage(_env(news), KNOWN, set(), options, LIMITS, text_hit=True), Heads)
    # a broker's sender with no reference: fetched (the domain may match an open request)
    plain = b"From: Desk <desk@lexisnexis.com>\r\nSubject: Hello\r\n\r\n"
    assert isinstance(triage(_env(plain), KNOWN, set(), options, LIMITS, text_hit=False), Heads)
    # headers over a bound: listed as skipped, by what can be read without a parser
    nested = b"From: " + b"(" * 50 + b"x" + b")" * 50 + b" <a@b.example>\r\nSubject: Deep\r\n\r\n"
    skipped = triage(_env(nested), KNOWN, set(), options, LIMITS, text_hit=False)
    assert isinstance(skipped, InboxNotice) and skipped.kind == "skipped"
    assert "too deeply nested" in skipped.reason and skipped.subject == "Deep"


def test_the_match_stage_makes_a_reply_a_notice_or_passes_over() -> None:
    options = InboxOptions()
    raw = ANSWER.replace(b"Content-Type", b"Authentication-Results: mx.example; dmarc=pass\r\nContent-Type")
    raw += b"We have received your request.\r\n"
    heads = triage(_env(raw), KNOWN, set(), options, LIMITS, text_hit=False)
    assert isinstance(heads, Heads)
    pending = match_fetched(_env(raw), raw, heads, KNOWN, set(), "mx.example", LIMITS)
    assert isinstance(pending, PendingReply)
    assert pending.binding.request_id == 1 and pending.binding.matched_by == "message-id"
    assert pending.binding.authenticated is True
    assert pending.content.subject == "Re: your request BA-ABCDEFGH"
    assert pending.content.from_addr == "privacy@lexisnexis.com"
    assert pending.suggested == "acknowledged" and pending.context is not None
    # the same message from a sender that is not the broker's: flagged, never stored
    forged = raw.replace(b"privacy@lexisnexis.com", b"privacy@lexisnexis.example")
    flagged = match_fetched(_env(forged), forged, heads, KNOWN, set(), "mx.example", LIMITS)
    assert isinstance(flagged, InboxNotice) and flagged.kind == "flagged" and flagged.request_id == 1
    # without a Message-ID, a message kept already is known by its digest
    bare = raw.replace(b"Message-ID: <Answer-9@LexisNexis.com>\r\n", b"")
    bare_heads = triage(_env(bare), KNOWN, set(), options, LIMITS, text_hit=False)
    assert isinstance(bare_heads, Heads) and bare_heads.message_id == ""
    import hashlib

    kept = {reply_identity("", hashlib.sha256(bare).hexdigest())}
    assert match_fetched(_env(bare), bare, bare_heads, KNOWN, kept, "mx.example", LIMITS) == "already"
