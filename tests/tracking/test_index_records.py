"""The derived index keeps every record type, not only requests and their status changes: the text
read from replies, the findings proposed and reviewed, the campaigns and what each agency's answer
showed, the sending claims and how each was settled, the routes a letter was written for, courtesy
dates and DROP rows. What a command asks of the journal (campaign_member, linked, open_claims,
replies_by_request, reply identities, status rows) is the same read through the stored index,
through a rebuilt one, through one whose rest was damaged, and from a fold of every record."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from record_makers import AT, campaign, claim, not_sent, reply, sent

from broker_audit.errors import UnknownRequest, VaultError
from broker_audit.services import VaultAccess, verify_vault
from broker_audit.services.tracking import StatusQuery, _report_from_index, report_over
from broker_audit.tracking.campaign_records import AgencyFindingRecorded
from broker_audit.tracking.finding_records import (
    AnswerRead,
    Finding,
    FindingDecision,
    FindingsProposed,
    FindingsReviewed,
)
from broker_audit.tracking.index import REST, listed_of
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import Record
from broker_audit.tracking.states import State
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"
DAY = dt.date(2026, 3, 2)
ROUTES = ["mail: 1 Main St / Denver CO 80202", "web-form: https://broker.example/privacy"]


def request(request_id: int, **fields: object) -> RequestMade:
    base: dict[str, object] = {
        "id": request_id,
        "broker_id": "acme",
        "broker_name": "Acme Data",
        "kind": "access",
        "law_id": "co-cpa",
        "law_name": "Colorado Privacy Act",
        "deadline_days": 45,
        "reference": f"BA-{request_id}",
        "dated": DAY,
        "created": AT,
        "channel": "mail",
    }
    base.update(fields)
    return RequestMade(**base)  # type: ignore[arg-type]


def event(request_id: int, state: State, *, reply_id: int | None = None) -> StatusChanged:
    return StatusChanged(
        request_id=request_id, state=state, on=DAY, via="mail", recorded=AT, reply_id=reply_id
    )


CAMPAIGN = campaign("C-20260302-ABCDEF", 1, day=DAY)

HISTORY: list[list[Record]] = [
    [
        request(1, routes=ROUTES, deadline_days=None, courtesy_days=45),  # no law: a courtesy date
        request(2, kind="followup", linked_to=1),
        request(3, kind="drop-result", recipient="platform"),
        request(4, channel="email"),
    ],
    [CAMPAIGN],
    [event(1, State.SENT), event(3, State.SENT), event(3, State.PENDING), event(4, State.SENT)],
    [reply(1, 1)],
    [event(1, State.DENIED, reply_id=1)],
    [
        AnswerRead(reply_id=1, request_id=1, recorded=AT),
        FindingsProposed(
            reply_id=1,
            request_id=1,
            findings=[Finding(n=1, kind="verdict", value="refused")],
            recorded=AT,
        ),
        FindingsReviewed(request_id=1, decisions=[FindingDecision(n=1, decision="accepted")], recorded=AT),
    ],
    [
        AgencyFindingRecorded(
            campaign_id=CAMPAIGN.campaign_id,
            agency_id="denver-sheriff",
            request_id=2,
            finding="none",
            on=DAY,
            recorded=AT,
        )
    ],
    [claim(4, "<A@mail.example>")],
    [not_sent(4, "<a@mail.example>")],
    [claim(4, "<b@mail.example>")],  # left open: a run that ended between the claim and its outcome
    [claim(2, "<c@mail.example>")],
    [sent(2, "<C@MAIL.EXAMPLE>")],  # settles the claim (Message-IDs compare in lower case)
]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "v" / "vault.db"
    Vault.create(path, passphrase=PASS, use_keyring=False)[0].close()
    journal = opened(path)
    for records in HISTORY:
        journal.append(records)
    journal.vault.close()
    return path


def opened(path: Path, **kw: bool) -> Journal:
    return Journal(Vault.open(path, passphrase=lambda: PASS), **kw)


def check_what_services_ask(journal: Journal) -> None:
    campaign, member = journal.campaign_member(2) or (None, None)  # the follow-up: through request 1
    assert campaign == CAMPAIGN and member == CAMPAIGN.members[0]
    assert journal.campaign_member(3) is None
    assert dict(journal.linked) == {1: [2]}
    assert list(journal.campaigns) == [CAMPAIGN.campaign_id]
    assert [f.request_id for f in journal.agency_findings] == [2]
    assert list(journal.sending) == ["<b@mail.example>"]
    assert [c.message_id for c in journal.open_claims(4)] == ["<b@mail.example>"]
    assert journal.open_claims(2) == [] and journal.open_claims(1) == []
    assert [s.message_id for s in journal.sent_mail[2]] == ["<C@MAIL.EXAMPLE>"]
    assert journal.replies_by_request[1] == [1] and [r.id for r in journal.request_replies(1)] == [1]
    assert journal.reply_identities() == {"message-id <r1@broker.example>": 1}
    assert journal.next_reply_id() == 2
    assert list(journal.answer_reads) == [1]
    assert [p.reply_id for p in journal.proposals] == [1] and len(journal.reviews) == 1
    assert journal.view(1).state is State.DENIED and journal.view(3).state is State.PENDING


def check_status_rows(journal: Journal) -> None:
    """The rows `status` reads from the index carry the routes ("by") and the courtesy mark, a
    DROP row's state, and equal the rows over a fold of every record."""
    truth = Journal(journal.vault, use_snapshot=False)
    index = journal.index
    assert index is not None
    today = DAY + dt.timedelta(days=10)
    with journal.vault.reading():
        got = _report_from_index(index, today=today, limit=None, urgent_first=False)
        listed = [listed_of(r, now) for r, now in truth.current()]
        assert got == report_over(listed, today=today, query=StatusQuery(), limit=None, urgent_first=False)
    rows = {row.id: row for row in got.rows}
    assert rows[1].routes == ROUTES and rows[1].due_courtesy and rows[1].due is not None
    assert rows[4].routes == [] and not rows[4].due_courtesy
    assert rows[3].state == "pending" and got.by_state["pending"] == 1


def test_every_record_type_is_kept_by_the_index(path: Path) -> None:
    """Proves: after the history above, a reader of the stored index (no record decrypted at
    open) answers every question a service asks as a fold of every record does, and its whole
    state is the fold's."""
    journal = opened(path)
    assert journal.vault.snapshot_count == journal.vault.count  # the index, with every record
    truth = opened(path, use_snapshot=False)
    for each in (journal, truth):
        check_what_services_ask(each)
    assert journal.state() == truth.state()
    check_status_rows(opened(path))


def test_the_rebuilt_index_keeps_them_too(path: Path) -> None:
    """Proves: an index rebuilt from the records (as after damage, or by `vault verify`) holds
    them all, and verify finds the stored one whole, each reply bound to its request."""
    journal = opened(path)
    journal.rebuild_index()
    journal.vault.close()
    reader = opened(path)
    check_what_services_ask(reader)
    check_status_rows(reader)
    assert reader.state() == opened(path, use_snapshot=False).state()
    result = verify_vault(VaultAccess(path=path, passphrase=lambda: PASS))
    assert (result.index, result.replies) == ("matches the records", 1)


def test_a_damaged_rest_is_rebuilt_with_them(path: Path) -> None:
    """Proves: a damaged part holding the campaigns, findings and claims is not trusted: the index
    is rebuilt from the records and answers as before."""
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE parts SET sealed = CAST(zeroblob(length(sealed)) AS BLOB) WHERE kind = {REST}")
    conn.close()
    journal = opened(path)
    check_what_services_ask(journal)
    assert journal.index is not None and journal.index.origin == "rebuilt"
    assert journal.state() == opened(path, use_snapshot=False).state()


def test_appends_are_checked_through_the_index(path: Path) -> None:
    """Proves: inside the lock, through the index (reading only the requests concerned), a second
    claim on a request being sent, a reply id already taken, a reply to no request and a state
    read from another request's reply are refused, and nothing is stored."""
    journal = opened(path)
    count = journal.vault.count
    with pytest.raises(VaultError, match="is being sent, or was"):
        journal.append([claim(4, "<d@mail.example>")])
    with pytest.raises(VaultError, match="reply #1 was just stored by another"):
        journal.append([reply(1, 4)])
    with pytest.raises(UnknownRequest, match="no request with id 9"):
        journal.append([reply(2, 9)])
    with pytest.raises(VaultError, match="reply #1 does not belong to request #4"):
        journal.append([event(4, State.DENIED, reply_id=1)])
    assert journal.vault.count == count
    journal.append([claim(2, "<d@mail.example>"), reply(2, 4), event(4, State.DENIED, reply_id=2)])
    assert journal.view(4).state is State.DENIED
    assert [c.request_id for c in journal.sending.values()] == [4, 2]
    journal.vault.close()
    assert opened(path).state() == opened(path, use_snapshot=False).state()


def test_a_batch_refused_midway_leaves_nothing_in_memory(path: Path) -> None:
    """Proves: when a record of a batch with payloads is refused after the records before it
    were applied (a reply to no request), nothing of the batch is stored, and the journal shows
    none of it afterwards (its fold and index are read again from the vault)."""
    journal = opened(path)
    assert journal.replies_by_request[1] == [1]  # every request in memory
    count = journal.vault.count
    items = [([b"two"], lambda refs: reply(2, 4)), ([b"three"], lambda refs: reply(3, 99))]
    with pytest.raises(UnknownRequest, match="no request with id 99"):
        journal.append_many_with_payloads(items)
    assert journal.vault.count == count
    assert 2 not in journal.replies and journal.request_replies(4) == [] and journal.next_reply_id() == 2
    assert journal.state() == opened(path, use_snapshot=False).state()


FORMAT2_MAIN = Path(__file__).resolve().parents[1] / "fixtures" / "vaults" / "format2-main.db"


def test_a_format2_vault_of_main_is_migrated_with_every_record_type(tmp_path: Path) -> None:
    """Proves: a vault written by main before the index (format 2, its whole-state snapshot at
    version 3 after record 18, records 19 and 20 after it: tests/fixtures/vaults/
    make_format2_main.py) is migrated by 0003_derived_parts, its snapshot is never read as an
    index, and the index built from its records holds every type main added, including the
    claim settled after the snapshot; `vault verify` finds it whole."""
    import json
    import shutil

    path = tmp_path / "format2-main.db"
    shutil.copyfile(FORMAT2_MAIN, path)
    secrets_ = json.loads(FORMAT2_MAIN.with_name("format2-main.db.json").read_text())
    journal = Journal(Vault.open(path, passphrase=lambda: secrets_["passphrase"]))
    assert journal.index is not None and journal.index.origin == "rebuilt"  # the v3 snapshot: not an index
    assert journal.vault.snapshot_count == journal.vault.count == 20  # the index, written at open
    found = journal.campaign_member(2)
    assert found is not None and found[0].campaign_id == "C-20260302-M2M2M2" and found[1].request_id == 1
    assert dict(journal.linked) == {1: [2]}
    assert list(journal.sending) == ["<b@mail.example>"]  # <c@...> was settled after the snapshot
    assert [c.request_id for c in journal.open_claims(4)] == [4] and journal.open_claims(2) == []
    assert journal.replies_by_request[1] == [1] and list(journal.answer_reads) == [1]
    assert len(journal.proposals) == len(journal.reviews) == 1
    assert [f.request_id for f in journal.agency_findings] == [2]
    assert [journal.view(i).state for i in (1, 2, 3, 4)] == [
        State.DENIED,
        State.SENT,
        State.PENDING,
        State.SENT,
    ]
    index = journal.index
    with journal.vault.reading():
        report = _report_from_index(index, today=DAY, limit=None, urgent_first=False)
    row = report.rows[0]
    main_routes = ["mail: 1 Main St / Denver CO 80202", "web-form: https://acme.example/privacy"]
    assert (row.id, row.routes, row.due_courtesy) == (1, main_routes, True)
    assert journal.state() == Journal(journal.vault, use_snapshot=False).state()
    journal.vault.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchall() == [(3,)]
    conn.close()
    result = verify_vault(VaultAccess(path=path, passphrase=lambda: secrets_["passphrase"]))
    assert (result.records, result.requests, result.replies, result.index) == (
        20,
        4,
        1,
        "matches the records",
    )


def test_an_older_copy_is_read_through_its_index_and_not_written_until_accepted(path: Path) -> None:
    """Proves: a backup restored over a newer vault is read through the index it holds (every
    question answered as its records say) but nothing is written to it, not even the index, until
    the user accepts it; then appends keep its index, and the next open reads it."""
    import shutil

    from broker_audit.errors import VaultOlder

    backup = path.with_name("backup.db")
    shutil.copyfile(path, backup)
    journal = opened(path)
    journal.append([request(5)])
    journal.vault.close()
    shutil.copyfile(backup, path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT n, sealed FROM snapshot").fetchall()
    conn.close()
    older = opened(path)
    assert older.vault.read_only_until_accepted
    check_what_services_ask(older)
    assert older.next_request_id() == 5
    with pytest.raises(VaultOlder):
        older.append([request(5)])
    older.save_index()  # nothing to write, and nothing is written
    older.vault.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT n, sealed FROM snapshot").fetchall() == before
    conn.close()
    accepted = opened(path)
    assert accepted.vault.accept()
    accepted.append([request(5)])
    assert accepted.vault.snapshot_count == accepted.vault.count  # the index, with the new record
    accepted.vault.close()
    again = opened(path)
    assert again.view(5).state is State.DRAFTED and not again.vault.read_only_until_accepted
    assert again.state() == opened(path, use_snapshot=False).state()
