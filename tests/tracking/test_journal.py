"""The journal over a real vault file: versioned records (issue 13) and reading in O(new records)
from a sealed snapshot that is rebuilt whenever it is stale or damaged (issue 15)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broker_audit.errors import ExitCode, RecordTooNew
from broker_audit.tracking import journal as journal_module
from broker_audit.tracking.journal import Journal, encode, now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.snapshot import DerivedState, encode_state
from broker_audit.tracking.states import TRANSITIONS, State
from broker_audit.vault import crypto
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"
DAY = dt.date(2026, 3, 2)


def request(request_id: int) -> RequestMade:
    return RequestMade(
        id=request_id,
        broker_id=f"broker-{request_id % 7}",
        broker_name="Broker",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        extension_days=45,
        reference=f"BA-{request_id}",
        dated=DAY,
        created=now(),
    )


def event(request_id: int, state: State) -> StatusChanged:
    return StatusChanged(request_id=request_id, state=state, on=DAY, via="mail", recorded=now())


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "v" / "vault.db"
    Vault.create(path, passphrase=PASS, use_keyring=False)[0].close()
    yield path


def opened(path: Path, **kw: bool) -> Journal:
    return Journal(Vault.open(path, passphrase=lambda: PASS), **kw)


def raw_append(path: Path, records: list[bytes]) -> None:
    """Append through the vault alone (as another process, or an older version, would): the
    journal's snapshot is not refreshed."""
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        vault.append_many(records)


def sql(path: Path, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


# --- versioned records --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        {"type": "reply", "v": 1, "request_id": 1, "text": "we got it"},  # a type added later
        {"type": "event", "v": 2, "request_id": 1, "state": "sent", "on": "2026-03-02", "recorded": 0},
        {"type": "event", "v": 2, "changed": "everything"},  # a newer version that does not decode
    ],
)
def test_a_record_from_a_newer_version_is_too_new_not_damaged(path: Path, record: dict[str, object]) -> None:
    """Proves: an authenticated record of an unknown type or a newer version raises RecordTooNew
    (exit 5, 'made by a newer broker-audit'), not VaultCorrupt (exit 4), and is never filed as
    something else (the old fold filed any unknown record as a batch)."""
    raw_append(path, [encode(request(1)), msgspec.msgpack.encode(record)])
    with pytest.raises(RecordTooNew) as info:
        opened(path)
    assert str(info.value).startswith("this vault has records made by a newer broker-audit (record 2 is")
    assert info.value.exit_code == ExitCode.TOO_NEW == 5
    assert "upgrade" in (info.value.hint or "")


def test_a_newer_optional_field_is_read(path: Path) -> None:
    """Proves: a field added by a newer version within the same record version (forward
    compatible by the rule in tracking/records.py) does not stop this version."""
    data = msgspec.to_builtins(event(1, State.SENT)) | {"carrier": "USPS"}
    raw_append(path, [encode(request(1)), msgspec.msgpack.encode(data)])
    assert opened(path).view(1).state is State.SENT


def test_every_record_type_carries_its_version() -> None:
    """Proves: each record type in the union has a tag and a version, written in every record."""
    from broker_audit.tracking.records import RECORD_TYPES, RECORD_VERSIONS

    assert set(RECORD_VERSIONS) == {
        "profile",
        "request",
        "event",
        "client",
        "agent",
        "batch",
        "answers",
        "scan",
        "mail-account",
        "email-sent",
        "reply",
        "answer-read",
        "findings-proposed",
        "findings-reviewed",
        "campaign",
        "agency-finding",
        "email-sending",
        "email-not-sent",
    }
    assert len(RECORD_TYPES) == len(RECORD_VERSIONS)
    assert msgspec.msgpack.decode(encode(event(1, State.SENT)))["v"] == 1


# --- the snapshot -------------------------------------------------------------------------------


@pytest.fixture
def small_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_module, "SNAPSHOT_AFTER", 5)


def fill(journal: Journal, count: int) -> None:
    start = journal.next_request_id()
    for request_id in range(start, start + count):
        journal.append([request(request_id)])
        journal.append([event(request_id, State.SENT)])


def test_snapshot_follows_the_log(path: Path, small_snapshots: None) -> None:
    """Proves: once enough records follow it, an append seals a new snapshot bound to the last
    record; a reader then decrypts only the records after it (the chain is still checked)."""
    journal = opened(path)
    fill(journal, 6)
    assert journal.vault.snapshot_count is not None and journal.vault.snapshot_count >= 10
    journal.vault.close()
    vault = Vault.open(path, passphrase=lambda: PASS)
    assert vault.snapshot_count is not None
    loaded = vault.load()
    assert loaded.snapshot is not None
    assert [n for n, _ in loaded.records] == list(range(loaded.snapshot_count + 1, vault.count + 1))
    vault.close()


def test_each_record_is_decrypted_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: opening a vault without a snapshot and folding it decrypts each record once (the
    old code decrypted everything twice: the chain check, then the journal), plus the head."""
    raw_append(path, [encode(request(i)) for i in range(1, 41)])
    calls = []
    real_open = crypto.Sealer.open

    def counting(self: crypto.Sealer, nonce: bytes, sealed: bytes, ad: bytes) -> bytes:
        calls.append(ad[:24])
        return real_open(self, nonce, sealed, ad)

    monkeypatch.setattr(crypto.Sealer, "open", counting)
    journal = opened(path)
    records = sum(1 for ad in calls if ad.startswith(b"broker-audit record"))
    assert records == 40 and len(journal.requests) == 40


def test_stale_snapshot_is_caught_up_and_rebuilt(path: Path, small_snapshots: None) -> None:
    """Proves: records appended without the journal (another process, an older version) after
    the snapshot are read on the next open, and a new snapshot covering them is sealed."""
    fill(opened(path), 3)
    raw_append(path, [encode(request(i)) for i in range(4, 30)] + [encode(event(29, State.WITHDRAWN))])
    journal = opened(path)
    assert sorted(journal.requests) == list(range(1, 30)) and journal.view(29).state is State.WITHDRAWN
    assert journal.vault.snapshot_count == journal.vault.count


@pytest.mark.parametrize(
    "damage",
    [
        # byte 41 changed (to 00, or to 01 where it already was 00: a change every time)
        "UPDATE snapshot SET sealed = CAST(substr(sealed, 1, 40) || "
        "CASE WHEN substr(sealed, 41, 1) = x'00' THEN x'01' ELSE x'00' END || substr(sealed, 42) AS BLOB)",
        "UPDATE snapshot SET n = n - 1",
        "UPDATE snapshot SET nonce = zeroblob(12)",
        "UPDATE snapshot SET n = 10000",
        "DELETE FROM snapshot",
    ],
)
def test_damaged_snapshot_is_rebuilt_never_trusted(path: Path, small_snapshots: None, damage: str) -> None:
    """Proves: a snapshot that is damaged, moved to another record or gone is ignored; the state
    comes from the records (the same as a fold of every record) and a good snapshot is sealed."""
    fill(opened(path), 8)
    sql(path, damage)
    journal = opened(path)
    assert journal.state() == opened(path, use_snapshot=False).state()
    assert journal.vault.snapshot_count == journal.vault.count
    assert len(journal.requests) == 8


def test_an_older_snapshot_still_gives_the_current_state(path: Path, small_snapshots: None) -> None:
    """Proves: putting back an older (valid) snapshot row cannot roll the state back: the records
    after its point are applied."""
    journal = opened(path)
    fill(journal, 4)
    old = sql(path, "SELECT n, nonce, sealed FROM snapshot")
    fill(journal, 4)
    journal.append([event(1, State.FULFILLED)])
    journal.vault.close()
    sql(path, "UPDATE snapshot SET n = ?, nonce = ?, sealed = ?", old[0])
    again = opened(path)
    assert again.view(1).state is State.FULFILLED and len(again.requests) == 8


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("request"), st.integers(1, 3)),
            st.tuples(st.just("event"), st.integers(0, 50)),
            st.tuples(st.just("raw"), st.integers(1, 4)),
            st.tuples(st.just("damage"), st.integers(0, 200)),
            st.tuples(st.just("reopen"), st.just(0)),
        ),
        max_size=25,
    ),
    every=st.integers(1, 6),
)
def test_snapshot_never_shows_a_state_the_records_do_not_support(
    steps: list[tuple[str, int]], every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves (property): whatever mix of journal appends, appends behind its back, snapshot
    damage and reopening, the state read through the snapshot equals a fold of every record."""
    monkeypatch.setattr(journal_module, "SNAPSHOT_AFTER", every)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.db"
        Vault.create(path, passphrase=PASS, use_keyring=False)[0].close()
        journal = opened(path)
        for action, arg in steps:
            if action == "request":
                start = journal.next_request_id()
                journal.append([request(i) for i in range(start, start + arg)])
            elif action == "event" and journal.requests:
                request_id = sorted(journal.requests)[arg % len(journal.requests)]
                allowed = sorted(TRANSITIONS[journal.view(request_id).state])
                if allowed:
                    journal.append([event(request_id, allowed[arg % len(allowed)])])
            elif action == "raw":
                journal.vault.close()
                start = max(opened(path).requests, default=0) + 1
                raw_append(path, [encode(request(i)) for i in range(start, start + arg)])
                journal = opened(path)
            elif action == "damage":
                journal.vault.close()
                sql(
                    path,
                    "UPDATE snapshot SET sealed = CAST(zeroblob(?) || substr(sealed, ? + 1) AS BLOB)",
                    (1, arg),
                )
                journal = opened(path)
            elif action == "reopen":
                journal.vault.close()
                journal = opened(path)
            truth = opened(path, use_snapshot=False)
            assert journal.state() == truth.state()
            assert opened(path).state() == truth.state()
        journal.vault.close()


def test_verify_rebuilds_a_snapshot_that_disagrees(path: Path, small_snapshots: None) -> None:
    """Proves: `vault verify` compares the snapshot with a fold of every record and reseals it
    when they differ (a sealed but wrong snapshot could only come from a bug)."""
    from broker_audit.services import VaultAccess, verify_vault

    journal = opened(path)
    fill(journal, 6)
    with journal.vault.transaction() as tx:  # a bug's snapshot: sealed, but it forgot everything
        tx.set_snapshot(encode_state(DerivedState()))
        tx.commit()
    journal.vault.close()
    wrong = opened(path)
    assert wrong.requests == {}  # this is what the bug would show until verify
    access = VaultAccess(path=path, passphrase=lambda: PASS)
    result = verify_vault(access)
    assert (result.records, result.requests, result.snapshot) == (12, 6, "rebuilt")
    assert len(opened(path).requests) == 6
    assert verify_vault(access).snapshot == "matches the records"


def test_journal_blob_api(path: Path) -> None:
    """Proves: the API issue 14 builds on: put_blob inside write() binds the blob to the next
    appended record; read_blob streams it back; outside write() it is refused."""
    journal = opened(path)
    with pytest.raises(RuntimeError, match="put_blob needs the writer lock"):
        journal.put_blob(b"x")
    with journal.write():
        ref = journal.put_blob(b"%PDF-1.7 a scanned reply" * 1000)
        journal.append([request(journal.next_request_id())])
    assert ref.record == journal.vault.count == 1
    assert b"".join(journal.read_blob(ref)) == b"%PDF-1.7 a scanned reply" * 1000
