"""Replies: the date comes from the message's own Date: (or --on); a reply dated before its
request was sent is refused, never moved to fit; a reply quoting another request's reference is
flagged and not filed under the wrong request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY
from mailservers import reply_message

from broker_audit.errors import UserError
from broker_audit.services import mark
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.letters import request_letters
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources

SENT = TODAY - dt.timedelta(days=20)


def _sent_request(access: VaultAccess, tmp_path: Path, broker: str) -> tuple[int, str]:
    result = request_letters(
        access,
        [broker],
        ["delete"],
        out_dir=tmp_path / "letters",
        today=SENT,
        resources=Resources(),
        via="email",
        again=True,
    )
    (letter,) = result.letters
    mark(access, letter.request_id, "sent", today=TODAY, on=SENT, via="email")
    return letter.request_id, letter.reference


def _saved(
    tmp_path: Path, day: dt.date, body: str = "We deny your request.", name: str = "reply.eml"
) -> Path:
    path = tmp_path / name
    path.write_bytes(
        reply_message(
            sender="privacy@lexisnexis.com",
            subject="Your request",
            body=body,
            date=dt.datetime.combine(day, dt.time(15, 0), tzinfo=dt.UTC),
        )
    )
    return path


def test_replies_the_date_is_the_messages_own(access: VaultAccess, tmp_path: Path) -> None:
    request_id, _ = _sent_request(access, tmp_path, "lexisnexis")
    written = SENT + dt.timedelta(days=12)
    added = add_reply_file(access, request_id, _saved(tmp_path, written), today=TODAY, state="denied")
    assert added.reply.received.date() == written  # not today, the day the file was added
    with open_journal(access) as journal:
        assert journal.view(request_id).events[-1].on == written  # the denial is dated that day


def test_replies_on_says_the_day_instead(access: VaultAccess, tmp_path: Path) -> None:
    request_id, _ = _sent_request(access, tmp_path, "lexisnexis")
    came = SENT + dt.timedelta(days=3)
    added = add_reply_file(
        access, request_id, _saved(tmp_path, SENT + dt.timedelta(days=1)), today=TODAY, on=came
    )
    assert added.reply.received.date() == came


def test_replies_a_date_before_the_request_was_sent_is_refused(access: VaultAccess, tmp_path: Path) -> None:
    """The issue: a reply dated before sending was accepted and the appeal then named a date no
    one gave."""
    request_id, _ = _sent_request(access, tmp_path, "lexisnexis")
    before = SENT - dt.timedelta(days=2)
    with pytest.raises(UserError, match=f"dated {before.isoformat()}, before request {request_id} was sent"):
        add_reply_file(access, request_id, _saved(tmp_path, before), today=TODAY, state="denied")
    with pytest.raises(UserError, match="before request"):
        add_reply_file(access, request_id, _saved(tmp_path, SENT), today=TODAY, on=before)
    with open_journal(access) as journal:
        assert journal.request_replies(request_id) == []  # nothing stored
        assert journal.view(request_id).state.value == "sent"


def test_replies_a_stored_reply_is_never_moved_to_a_later_date(access: VaultAccess, tmp_path: Path) -> None:
    request_id, _ = _sent_request(access, tmp_path, "lexisnexis")
    added = add_reply_file(access, request_id, _saved(tmp_path, SENT + dt.timedelta(days=5)), today=TODAY)
    mark(access, request_id, "acknowledged", today=TODAY, on=SENT + dt.timedelta(days=9))
    with pytest.raises(UserError, match=r"before request .* last recorded change"):
        mark(access, request_id, "denied", today=TODAY, reply_id=added.reply.reply_id)


def test_replies_a_reference_of_another_request_is_flagged_as_in_inbox(
    access: VaultAccess, tmp_path: Path
) -> None:
    first, first_ref = _sent_request(access, tmp_path, "lexisnexis")
    second, second_ref = _sent_request(access, tmp_path, "equifax")
    about_first = _saved(tmp_path, TODAY, body=f"About your request {first_ref}: we deny it.")
    with pytest.raises(UserError, match=f"carries the reference {first_ref} of request #{first}") as raised:
        add_reply_file(access, second, about_first, today=TODAY)
    assert f"broker-audit reply {first} --file" in (raised.value.hint or "")
    with open_journal(access) as journal:
        assert journal.request_replies(second) == []
    # filed where it belongs, it is kept; a reply quoting both references is kept too
    assert add_reply_file(access, first, about_first, today=TODAY).reply.request_id == first
    both = _saved(tmp_path, TODAY, body=f"Re {second_ref} (and {first_ref}).", name="both.eml")
    assert add_reply_file(access, second, both, today=TODAY).reply.request_id == second
