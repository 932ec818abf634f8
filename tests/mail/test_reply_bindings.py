"""`vault verify` checks each reply's binding to its request, and the journal refuses to write a
broken one. The broken logs here are written below the journal, as an older broker-audit running
twice at once could have written them (the chain itself is intact)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, email_request

from broker_audit.errors import VaultCorrupt, VaultError
from broker_audit.services import VaultAccess, open_journal, verify_vault
from broker_audit.tracking.journal import encode
from broker_audit.tracking.mail_records import Inline, ReplyStored
from broker_audit.tracking.model import StatusChanged
from broker_audit.tracking.states import State

AT = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def _reply(reply_id: int, request_id: int, text: str, message_id: str = "") -> ReplyStored:
    return ReplyStored(
        id=reply_id,
        request_id=request_id,
        received=AT,
        source="imap",
        matched_by="reference",
        message_id=message_id,
        text=text,
        original_name="message.eml",
        original_type="message/rfc822",
        original_size=len(text),
        sha256=text.encode().hex()[:64].ljust(64, "0"),
        original=Inline(data=text.encode()),
        recorded=AT,
    )


def _write_raw(access: VaultAccess, *records: object) -> None:
    """Append records with no journal check (what a run with ids read outside the lock did)."""
    with open_journal(access) as journal, journal.vault.transaction() as tx:
        tx.append([encode(r) for r in records])  # type: ignore[arg-type]
        tx.commit()


def test_verify_finds_two_replies_under_one_id(access: VaultAccess, tmp_path: Path) -> None:
    first = email_request(access, tmp_path)
    second = email_request(access, tmp_path, broker="transunion", kind="access")
    assert verify_vault(access).replies == 0
    _write_raw(
        access,
        _reply(1, first.request_id, "We deny your request.", "<denial@lexisnexis.com>"),
        _reply(1, second.request_id, "Big sale this week", "<sale@shop.example>"),
    )
    with pytest.raises(VaultCorrupt, match=r"the log misfiles a reply: reply #1 is stored twice \(records"):
        verify_vault(access)


def test_verify_finds_a_state_read_from_another_requests_reply(access: VaultAccess, tmp_path: Path) -> None:
    first = email_request(access, tmp_path)
    second = email_request(access, tmp_path, broker="transunion", kind="access")
    _write_raw(access, _reply(1, first.request_id, "We deny your request."))
    event = StatusChanged(
        request_id=second.request_id, state=State.WITHDRAWN, on=TODAY, recorded=AT, reply_id=1
    )
    _write_raw(access, event)
    with pytest.raises(VaultCorrupt, match=f"from reply #1, which belongs to request #{first.request_id}"):
        verify_vault(access)


def test_verify_warns_of_the_same_message_kept_twice(access: VaultAccess, tmp_path: Path) -> None:
    first = email_request(access, tmp_path)
    _write_raw(
        access,
        _reply(1, first.request_id, "We have received it.", "<same@lexisnexis.com>"),
        _reply(2, first.request_id, "We have received it.", "<same@lexisnexis.com>"),
    )
    result = verify_vault(access)
    assert result.replies == 2 and result.warnings == ("replies #1 and #2 are the same message, kept twice",)


def test_the_journal_refuses_a_taken_reply_id_and_a_reply_of_another_request(
    access: VaultAccess, tmp_path: Path
) -> None:
    first = email_request(access, tmp_path)
    second = email_request(access, tmp_path, broker="transunion", kind="access")
    with open_journal(access) as journal:
        journal.append([_reply(1, first.request_id, "One.")])
        with pytest.raises(VaultError, match="reply #1 was just stored by another broker-audit"):
            journal.append([_reply(1, second.request_id, "Two.")])
        with pytest.raises(VaultError, match=f"reply #1 does not belong to request #{second.request_id}"):
            journal.append(
                [
                    StatusChanged(
                        request_id=second.request_id, state=State.WITHDRAWN, on=TODAY, recorded=AT, reply_id=1
                    )
                ]
            )
    assert verify_vault(access).replies == 1
