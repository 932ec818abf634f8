"""Records of the types beside requests and status changes (replies, sending claims and their
outcomes, findings, campaigns), made small for the index's tests."""

from __future__ import annotations

import datetime as dt

from broker_audit.tracking.campaign_records import CampaignMade, CampaignMember
from broker_audit.tracking.mail_records import EmailNotSent, EmailSending, EmailSent, Inline, ReplyStored

AT = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def reply(reply_id: int, request_id: int) -> ReplyStored:
    text = f"reply {reply_id}"
    return ReplyStored(
        id=reply_id,
        request_id=request_id,
        received=AT,
        source="imap",
        matched_by="reference",
        message_id=f"<r{reply_id}@broker.example>",
        text=text,
        original_name="message.eml",
        original_type="message/rfc822",
        original_size=len(text),
        sha256="0" * 64,
        original=Inline(data=text.encode()),
        recorded=AT,
    )


def claim(request_id: int, message_id: str) -> EmailSending:
    return EmailSending(
        request_id=request_id,
        message_id=message_id,
        started=AT,
        from_addr="ana@example.org",
        to_addrs=["privacy@broker.example"],
        server="smtp.example.org:587",
        sha256="1" * 64,
        message=Inline(data=b"message"),
    )


def sent(request_id: int, message_id: str) -> EmailSent:
    return EmailSent(
        request_id=request_id,
        message_id=message_id,
        sent_at=AT,
        from_addr="ana@example.org",
        to_addrs=["privacy@broker.example"],
        server="smtp.example.org:587",
        reply_code=250,
        reply_text="OK",
        sha256="1" * 64,
        message=Inline(data=b"message"),
    )


def not_sent(request_id: int, message_id: str) -> EmailNotSent:
    return EmailNotSent(request_id=request_id, message_id=message_id, reason="refused", recorded=AT)


def campaign(campaign_id: str, request_id: int | None, *, day: dt.date) -> CampaignMade:
    return CampaignMade(
        campaign_id=campaign_id,
        created=AT,
        dated=day,
        scope="co-sheriffs",
        requester="person",
        since=day,
        members=[
            CampaignMember(agency_id="denver-sheriff", agency_name="Denver Sheriff", request_id=request_id),
            CampaignMember(agency_id="otero-sheriff", agency_name="Otero Sheriff", why_not="no route known"),
        ],
    )
