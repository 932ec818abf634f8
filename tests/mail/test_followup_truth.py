"""Follow-ups: an `.eml` follow-up carries its timeline PDF as a real attachment; a reply that
arrives for the request withdraws its drafted follow-ups (recorded and shown); `send` flags and
refuses, without --force, a follow-up whose request was answered after it was drafted."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
from pathlib import Path
from typing import Any

from conftest import TODAY, email_request, set_up_mail
from mailservers import PASSWORD, SmtpServer, reply_message
from pypdf import PdfReader

from broker_audit.law.load import shipped_laws
from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, mark, open_journal
from broker_audit.services.followup import followup_letters
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources
from broker_audit.services.send import SendAsks, SendOptions, SendResult, send_requests
from broker_audit.tracking.states import State

LATER = TODAY + dt.timedelta(days=60)  # Colorado: 45 days from receipt have passed


def _late_followup(access: VaultAccess, tmp_path: Path):  # type: ignore[no-untyped-def]
    letter = email_request(access, tmp_path)
    mark(access, letter.request_id, "sent", today=TODAY, via="email")
    (follow,) = followup_letters(
        access, None, out_dir=tmp_path / "f", today=LATER, resources=Resources()
    ).letters
    assert (follow.kind, follow.channel) == ("followup", "email")
    return letter, follow


def test_followups_an_eml_followup_carries_its_timeline_as_a_real_attachment(
    access: VaultAccess, tmp_path: Path
) -> None:
    """The issue: it said "A timeline with copies is enclosed" and had no attachment."""
    letter, follow = _late_followup(access, tmp_path)
    (eml,) = [f for f in follow.files if f.suffix == ".eml"]
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert "A timeline with copies is enclosed." in " ".join(msg.get_body(("plain",)).get_content().split())
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"timeline-{letter.reference}.pdf"
    text = " ".join(PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().split())
    assert f"Timeline of my request {letter.reference}" in text


def test_followups_a_reply_withdraws_the_drafted_followups_recorded_and_shown(
    access: VaultAccess, tmp_path: Path
) -> None:
    letter, follow = _late_followup(access, tmp_path)
    saved = tmp_path / "answer.eml"
    saved.write_bytes(
        reply_message(
            sender="privacy@lexisnexis.com",
            subject=f"Re: {letter.reference}",
            body="Here is your data.",
            date=dt.datetime.combine(LATER, dt.time(10, 0), tzinfo=dt.UTC),
        )
    )
    added = add_reply_file(access, letter.request_id, saved, today=LATER)
    assert added.withdrawn == (follow.request_id,)
    with open_journal(access) as journal:
        view = journal.view(follow.request_id)
    assert view.state is State.WITHDRAWN
    assert view.events[-1].note == f"the company answered (reply #{added.reply.reply_id}) before it was sent"


def test_followups_send_refuses_a_followup_answered_since_it_was_drafted_unless_forced(
    access: VaultAccess, tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    """An answer recorded by hand (no reply stored): the dry run flags it, `send` refuses it,
    `--force` sends it."""
    letter, follow = _late_followup(access, tmp_path)
    set_up_mail(access, smtp_tls)
    mark(access, letter.request_id, "acknowledged", today=LATER, on=LATER)

    def send(**options: Any) -> SendResult:
        return send_requests(
            access,
            SendOptions(pace=0, **options),
            resources=Resources(registry=shipped_registry(), laws=shipped_laws()),
            today=LATER,
            password=lambda: PASSWORD,
            asks=SendAsks(confirm=lambda plan: True),
        )

    dry = send(dry_run=True)
    assert dry.plan.to_send == []
    (skip,) = dry.plan.skipped
    assert skip.request_id == follow.request_id
    assert "was recorded as acknowledged" in skip.reason and "--force" in skip.reason
    assert send().sent == [] and smtp_tls.received == []
    forced = send(force=True)
    assert [s.request_id for s in forced.sent] == [follow.request_id]
    msg = email.message_from_bytes(smtp_tls.received[-1].data, policy=email.policy.default)
    assert [a.get_filename() for a in msg.iter_attachments()] == [f"timeline-{letter.reference}.pdf"]  # once
