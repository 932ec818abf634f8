"""The derived index (issue 27): a command reads only what it shows, and the index never shows a
state the records do not support: a damaged, stale, swapped or missing part is found and the index
is rebuilt from the records, never trusted."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_makers import campaign, claim, not_sent, reply, sent

from broker_audit.profile import Profile
from broker_audit.services.tracking import StatusQuery, _report_from_index, report_over
from broker_audit.tracking import dueindex, indexformat
from broker_audit.tracking import index as index_module
from broker_audit.tracking.finding_records import FindingsProposed, FindingsReviewed
from broker_audit.tracking.index import DUE, ENTRIES, FACTS, REST, RequestIndex, chunk_of, listed_of
from broker_audit.tracking.journal import Journal, ProfileSet, Record, encode, now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import TRANSITIONS, State
from broker_audit.vault import crypto
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"
DAY = dt.date(2026, 3, 2)
TODAYS = (dt.date(2026, 3, 1), dt.date(2026, 5, 10), dt.date(2026, 6, 20))


def request(request_id: int) -> RequestMade:
    return RequestMade(
        id=request_id,
        broker_id=f"broker-{request_id % 7}",
        broker_name=f"Broker {request_id % 7}",
        kind="access" if request_id % 2 else "delete",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        extension_days=45,
        appeal_days=45,
        reference=f"BA-{request_id}",
        dated=DAY,
        created=now(),
        client_id=f"C{request_id % 3}",
        batch_id=f"B{request_id % 2}",
        channel="mail",
    )


def event(request_id: int, state: State, days: int = 0) -> StatusChanged:
    return StatusChanged(
        request_id=request_id, state=state, on=DAY + dt.timedelta(days=days), via="mail", recorded=now()
    )


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "v" / "vault.db"
    Vault.create(path, passphrase=PASS, use_keyring=False)[0].close()
    yield path


def opened(path: Path, **kw: bool) -> Journal:
    return Journal(Vault.open(path, passphrase=lambda: PASS), **kw)


def raw_append(path: Path, records: list[bytes]) -> None:
    """Append through the vault alone (as a writer that does not keep the index would)."""
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        vault.append_many(records)


def sql(path: Path, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def flip(path: Path, table: str, rowid: object, at: int) -> None:
    """Flip one bit of byte `at` of the sealed column of a row."""
    ((sealed,),) = sql(path, f"SELECT sealed FROM {table} WHERE rowid = ?", (rowid,))
    assert isinstance(sealed, bytes)
    changed = sealed[:at] + bytes([sealed[at] ^ 1]) + sealed[at + 1 :]
    sql(path, f"UPDATE {table} SET sealed = ? WHERE rowid = ?", (changed, rowid))


def fill(journal: Journal, count: int) -> None:
    """`count` requests, each sent on its own day; every third acknowledged, every fifth answered."""
    start = journal.next_request_id()
    for request_id in range(start, start + count):
        journal.append([request(request_id)])
        journal.append([event(request_id, State.SENT, days=request_id % 40)])
        if request_id % 3 == 0:
            journal.append([event(request_id, State.ACKNOWLEDGED, days=50)])
        if request_id % 5 == 0:
            journal.append([event(request_id, State.FULFILLED, days=60)])


def expected_reports(
    truth: Journal, today: dt.date, limit: int | None, *, urgent_first: bool = True
) -> object:
    """The status report over every request of a fold of the records."""
    listed = [listed_of(r, state) for r, state in truth.current()]
    return report_over(listed, today=today, query=StatusQuery(), limit=limit, urgent_first=urgent_first)


def check_against_the_records(path: Path) -> None:
    """What a fresh reader of the index answers equals a fold of every record: each request's
    view, the status report (counts, urgent rows) on several days, and the whole state."""
    check_against_the_records_with(path, PASS)


def check_against_the_records_with(path: Path, passphrase: str) -> None:
    truth = Journal(Vault.open(path, passphrase=lambda: passphrase), use_snapshot=False)
    reader = Journal(Vault.open(path, passphrase=lambda: passphrase))
    for request_id in sorted(truth.requests):
        assert reader.view(request_id) == truth.view(request_id)
    index = reader.index
    assert index is not None
    with reader.vault.reading():
        for today in TODAYS:
            for limit in (1, 3, 50):
                got = _report_from_index(index, today=today, limit=limit, urgent_first=True)
                assert got == expected_reports(truth, today, limit)
            for by_id_limit in (None, 2):  # `status --json`: every request (or the first n) by id
                got = _report_from_index(index, today=today, limit=by_id_limit, urgent_first=False)
                assert got == expected_reports(truth, today, by_id_limit, urgent_first=False)
    assert reader.state() == truth.state()
    reader.vault.close()
    truth.vault.close()


class Decrypts:
    """What was decrypted: records, parts by kind and key, and the rest (head, root)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[str, int, int]] = []
        real = crypto.Sealer.open
        seen = self.seen

        def counting(sealer: crypto.Sealer, nonce: bytes, sealed: bytes, ad: bytes) -> bytes:
            if ad.startswith(b"broker-audit record"):
                seen.append(("record", 0, 0))
            elif ad.startswith(b"broker-audit part v1\x00"):
                kind = int.from_bytes(ad[-12:-8], "big")
                key = int.from_bytes(ad[-8:], "big", signed=True)
                seen.append(("part", kind, key))
            else:
                seen.append(("other", 0, 0))
            return real(sealer, nonce, sealed, ad)

        monkeypatch.setattr(crypto.Sealer, "open", counting)

    def parts(self) -> list[tuple[int, int]]:
        return [(kind, key) for what, kind, key in self.seen if what == "part"]

    def records(self) -> int:
        return sum(1 for what, _, _ in self.seen if what == "record")


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 request ids and due-date pages of at most 4 keys, so a few dozen requests
    fill many parts."""
    monkeypatch.setattr(indexformat, "CHUNK", 4)
    monkeypatch.setattr(dueindex, "PAGE_MAX", 4)
    monkeypatch.setattr(dueindex, "PAGE_FILL", 2)


# --- reading only what is asked ---------------------------------------------------------------


def test_every_append_writes_the_index_with_its_records(path: Path) -> None:
    """Proves: each append writes the index's root bound to its own last record, in the same
    transaction, so a reopened vault has no record to apply after it."""
    journal = opened(path)
    fill(journal, 6)
    assert journal.vault.snapshot_count == journal.vault.count
    journal.vault.close()
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        loaded = vault.load()
        assert loaded.records == [] and loaded.snapshot_count == vault.count
        assert loaded.snapshot is not None and loaded.snapshot.startswith(b"broker-audit index ")


def test_show_reads_one_chunk_and_mark_what_it_changes(
    path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: reading one request decrypts no record and only that request's chunk of records;
    marking it also reads its chunk of listed facts and the due-date pages its old and new due
    dates fall in, and nothing of the other requests."""
    fill(opened(path), 40)  # 10 chunks, 40 - 8 answered awaiting: several due-date pages
    journal = opened(path)
    decrypts = Decrypts(monkeypatch)
    view = journal.view(17)
    assert view.state is State.SENT
    assert decrypts.records() == 0
    assert decrypts.parts() == [(ENTRIES, chunk_of(17))]
    decrypts.seen.clear()
    journal.change_status(17, State.DELIVERED, on=DAY + dt.timedelta(days=30))
    parts = decrypts.parts()
    assert decrypts.records() == 0
    assert (FACTS, chunk_of(17)) in parts and ENTRIES not in {kind for kind, _ in parts}
    assert {kind for kind, _ in parts} <= {FACTS, DUE}
    assert sum(1 for kind, _ in parts if kind == DUE) <= 2
    assert sum(1 for kind, _ in parts if kind == FACTS) == 1
    journal.vault.close()
    check_against_the_records(path)


def test_status_reads_the_summary_and_the_rows_it_shows(
    path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: the unfiltered status report (counts by state, overdue, due soon, the 3 most
    urgent rows) decrypts no record, no request's records, one due-date page per count and the
    pages and chunks of facts of the rows it shows, and equals the report over every request."""
    fill(opened(path), 40)
    journal = opened(path)
    truth = opened(path, use_snapshot=False)
    index = journal.index
    assert index is not None
    decrypts = Decrypts(monkeypatch)
    with journal.vault.reading():
        got = _report_from_index(index, today=dt.date(2026, 5, 10), limit=3, urgent_first=True)
    parts = decrypts.parts()
    assert decrypts.records() == 0 and ENTRIES not in {kind for kind, _ in parts}
    assert sum(1 for kind, _ in parts if kind == DUE) <= 4  # two counts, the first page (or two)
    assert sum(1 for kind, _ in parts if kind == FACTS) <= 3
    assert len(index.summary.due) > 4 and len(index.summary.chunks) == 10  # it could have read more
    assert got == expected_reports(truth, dt.date(2026, 5, 10), 3)
    assert got.overdue > 0 and got.due_soon > 0 and len(got.rows) == 3


def test_records_appended_without_the_index_are_applied_and_written(path: Path, small: None) -> None:
    """Proves: records appended by a writer that does not keep the index (an older version, the
    vault alone) are applied on the next open, and the index is written then."""
    fill(opened(path), 6)
    raw_append(path, [encode(request(i)) for i in range(7, 30)] + [encode(event(29, State.WITHDRAWN))])
    journal = opened(path)
    assert journal.vault.snapshot_count == journal.vault.count  # written at open
    assert journal.view(29).state is State.WITHDRAWN and journal.next_request_id() == 30
    journal.vault.close()
    check_against_the_records(path)


def test_a_second_writer_moves_the_index_and_the_first_follows(path: Path, small: None) -> None:
    """Proves: a journal that read the index before another process appended reads the other's
    index afterwards (no request applied twice, none missed), and its own append builds on it."""
    fill(opened(path), 8)
    first, second = opened(path), opened(path)
    assert first.view(3).state is State.ACKNOWLEDGED
    second.append([event(3, State.FULFILLED, days=70)])
    fill(second, 5)
    assert first.view(3).state is State.FULFILLED and first.next_request_id() == 14
    first.append([event(13, State.ACKNOWLEDGED, days=70)])
    first.vault.close()
    second.vault.close()
    check_against_the_records(path)


# --- damaged, stale, missing: rebuilt, never trusted -------------------------------------------

# byte 21 changed (to 00, or to 01 where it already was 00: a change every time)
FLIP = (
    "UPDATE {table} SET sealed = CAST(substr(sealed, 1, 20) || "
    "CASE WHEN substr(sealed, 21, 1) = x'00' THEN x'01' ELSE x'00' END || substr(sealed, 22) AS BLOB)"
)


@pytest.mark.parametrize(
    "damage",
    [
        FLIP.format(table="snapshot"),
        "UPDATE snapshot SET n = n - 1",
        "UPDATE snapshot SET nonce = zeroblob(12)",
        "UPDATE snapshot SET n = 10000",
        "DELETE FROM snapshot",
        FLIP.format(table="parts") + f" WHERE kind = {FACTS} AND key = 2",
        FLIP.format(table="parts") + f" WHERE kind = {ENTRIES} AND key = 1",
        FLIP.format(table="parts") + f" WHERE kind = {REST}",
        f"DELETE FROM parts WHERE kind = {DUE} AND key = (SELECT min(key) FROM parts WHERE kind = {DUE})",
        f"DELETE FROM parts WHERE kind = {ENTRIES} AND key = 3",
        "DELETE FROM parts",
        # two chunks' facts swapped; a chunk's facts and records swapped
        f"UPDATE parts SET key = -9 WHERE kind = {FACTS} AND key = 0; "
        f"UPDATE parts SET key = 0 WHERE kind = {FACTS} AND key = 1; "
        f"UPDATE parts SET key = 1 WHERE kind = {FACTS} AND key = -9",
        f"UPDATE parts SET kind = 99 WHERE kind = {FACTS} AND key = 0; "
        f"UPDATE parts SET kind = {FACTS} WHERE kind = {ENTRIES} AND key = 0; "
        f"UPDATE parts SET kind = {ENTRIES} WHERE kind = 99 AND key = 0",
    ],
)
def test_a_damaged_index_is_rebuilt_from_the_records(path: Path, small: None, damage: str) -> None:
    """Proves: a root or part that is damaged, moved, swapped or gone is never used: every
    answer (views, status, the whole state) comes from the records, and the rebuilt index is
    written back (the next reader finds it whole)."""
    journal = opened(path)
    journal.append([ProfileSet(profile=Profile(name="Ana Example", state="CO"), recorded=now())])
    fill(journal, 20)
    journal.vault.close()
    conn = sqlite3.connect(path)
    conn.executescript(damage)
    conn.close()
    first = opened(path)
    assert first.index is not None
    with first.vault.reading():  # read every part, as `vault verify` does
        truth = RequestIndex.empty(first.vault)
        truth.rebuild()
        assert first.index.differences(truth) == []
    assert first.index.origin == ("built" if damage == "DELETE FROM snapshot" else "rebuilt")
    first.save_index()  # as every command does when it is done
    first.vault.close()
    check_against_the_records(path)
    with Vault.open(path, passphrase=lambda: PASS) as vault:  # the first reader wrote it back
        reader = Journal(vault)
        assert reader.index is not None
        with vault.reading():
            truth = RequestIndex.empty(vault)
            truth.rebuild()
            assert reader.index.differences(truth) == []
        assert reader.index.origin == "stored"  # no part was found damaged


def test_a_part_put_back_from_an_older_state_is_stale(path: Path, small: None) -> None:
    """Proves: a part replaced by an older sealed copy of itself (authentic, but from before
    later changes) does not match the root's tag: the index is rebuilt, never shows the old
    state."""
    journal = opened(path)
    fill(journal, 8)
    old = sql(path, f"SELECT nonce, sealed FROM parts WHERE kind = {ENTRIES} AND key = 0")
    journal.append([event(2, State.DENIED, days=70)])
    journal.vault.close()
    sql(path, f"UPDATE parts SET nonce = ?, sealed = ? WHERE kind = {ENTRIES} AND key = 0", old[0])
    assert opened(path).view(2).state is State.DENIED
    check_against_the_records(path)


def test_an_older_index_put_back_whole_still_gives_the_current_state(path: Path, small: None) -> None:
    """Proves: putting back a whole older index (root and parts, all authentic) cannot roll the
    state back: its root stands for an earlier record, and the records after it are applied."""
    journal = opened(path)
    fill(journal, 6)
    root = sql(path, "SELECT n, nonce, sealed FROM snapshot")
    parts = sql(path, "SELECT kind, key, nonce, sealed FROM parts")
    fill(journal, 6)
    journal.append([event(1, State.DENIED, days=70)])
    journal.vault.close()
    sql(path, "DELETE FROM parts")
    for row in parts:
        sql(path, "INSERT INTO parts VALUES (?, ?, ?, ?)", row)
    sql(path, "UPDATE snapshot SET n = ?, nonce = ?, sealed = ?", root[0])
    again = opened(path)
    assert again.view(1).state is State.DENIED and again.next_request_id() == 13
    again.vault.close()
    check_against_the_records(path)


def test_an_index_made_by_other_rules_is_rebuilt(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: an index whose root carries another rules fingerprint (due dates computed by other
    code) is not read: it is rebuilt from the records with today's rules."""
    fill(opened(path), 5)
    for module in (index_module, indexformat):
        monkeypatch.setattr(module, "rules_fingerprint", lambda: b"other rules 0001")
    journal = opened(path)
    assert journal.index is not None and journal.index.origin == "rebuilt"
    journal.vault.close()
    check_against_the_records(path)


def test_verify_rebuilds_an_index_that_disagrees(path: Path) -> None:
    """Proves: `vault verify` compares the index, part by part, with one built from every record
    and rewrites it when they differ (a sealed but wrong index could only come from a bug), and
    says so; the next verify finds it whole."""
    from broker_audit.services import VaultAccess, verify_vault

    journal = opened(path)
    fill(journal, 6)
    index = journal.index
    assert index is not None
    with journal.write():  # a bug's index: sealed and well formed, but it forgot a request
        assert journal._tx is not None
        index.summary.by_state["sent"] += 1
        index.changed = True
        index.write(journal._tx)
        journal._tx.commit()
        index.committed()
    journal.vault.close()
    access = VaultAccess(path=path, passphrase=lambda: PASS)
    result = verify_vault(access)
    assert (result.records, result.requests, result.index) == (6 * 2 + 2 + 1, 6, "rebuilt")
    assert verify_vault(access).index == "matches the records"
    check_against_the_records(path)


# --- the property -----------------------------------------------------------------------------


def other_records(journal: Journal, action: str, request_id: int, arg: int) -> list[Record]:
    """A reply to the request; or a sending claim on it, or the outcome of its open claim (sent,
    or not); or a proposal, a review and a campaign about it."""
    if action == "reply":
        return [reply(journal.next_reply_id(), request_id)]
    if action == "claim":
        open_claims = journal.open_claims(request_id)
        if not open_claims:
            return [claim(request_id, f"<M{arg}-{journal.vault.count}@mail.example>")]
        settle = sent if arg % 2 else not_sent
        return [settle(request_id, open_claims[0].message_id.lower())]
    return [
        FindingsProposed(reply_id=arg, request_id=request_id, recorded=now()),
        FindingsReviewed(request_id=request_id, recorded=now()),
        campaign(f"C-{arg % 3}", request_id if arg % 2 else None, day=DAY),
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("request"), st.integers(1, 4)),
            st.tuples(st.just("event"), st.integers(0, 200)),
            st.tuples(st.just("raw"), st.integers(1, 4)),
            st.tuples(st.just("damage"), st.integers(0, 10_000)),
            st.tuples(st.just("stale"), st.integers(0, 10_000)),
            st.tuples(st.just("other"), st.integers(0, 200)),
            st.tuples(st.just("reply"), st.integers(0, 200)),
            st.tuples(st.just("claim"), st.integers(0, 200)),
            st.tuples(st.just("finding"), st.integers(0, 200)),
            st.tuples(st.just("reopen"), st.just(0)),
        ),
        max_size=20,
    ),
)
def test_the_index_never_shows_a_state_the_records_do_not_support(
    steps: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves (property): whatever mix of appends (requests, status changes, replies, sending
    claims and their outcomes, findings and campaigns), appends by another writer, appends behind
    the index's back, damaged bytes, parts put back from older states and reopening, every
    answer read through the index (each view, status on three days, the whole state) equals a
    fold of every record."""
    monkeypatch.setattr(indexformat, "CHUNK", 3)
    monkeypatch.setattr(dueindex, "PAGE_MAX", 3)
    monkeypatch.setattr(dueindex, "PAGE_FILL", 2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.db"
        Vault.create(path, passphrase=PASS, use_keyring=False)[0].close()
        journal = opened(path)
        other = opened(path)
        saved: list[list[tuple[object, ...]]] = []
        for action, arg in steps:
            if action == "request":
                with journal.write():
                    start = journal.next_request_id()
                    journal.append([request(i) for i in range(start, start + arg)])
            elif action in ("event", "other"):
                writer = journal if action == "event" else other
                with writer.write():
                    top = writer.next_request_id() - 1
                    if top:
                        request_id = 1 + arg % top
                        allowed = sorted(TRANSITIONS[writer.view(request_id).state] - {State.DELIVERED})
                        if allowed:
                            writer.append([event(request_id, allowed[arg % len(allowed)], days=arg % 90)])
            elif action in ("reply", "claim", "finding"):
                with journal.write():
                    top = journal.next_request_id() - 1
                    if top:
                        journal.append(other_records(journal, action, 1 + arg % top, arg))
            elif action == "raw":
                start = opened(path).next_request_id()
                raw_append(path, [encode(request(i)) for i in range(start, start + arg)])
            elif action == "damage":
                cells = sql(path, "SELECT 'parts', rowid, length(sealed) FROM parts")
                cells += sql(path, "SELECT 'snapshot', rowid, length(sealed) FROM snapshot")
                if cells:
                    table, rowid, size = cells[arg % len(cells)]
                    assert isinstance(size, int)
                    flip(path, str(table), rowid, arg % size)
            elif action == "stale":
                if saved and arg % 2:
                    rows = saved[arg % len(saved)]
                    row = rows[arg % len(rows)] if rows else None
                    if row is not None:
                        sql(path, "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)", row)
                else:
                    saved.append(sql(path, "SELECT kind, key, nonce, sealed FROM parts"))
            elif action == "reopen":
                journal.vault.close()
                journal = opened(path)
            check_against_the_records(path)
        journal.vault.close()
        other.vault.close()


# --- the due-date pages -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(st.tuples(st.booleans(), st.integers(0, 40), st.integers(1, 60)), max_size=120),
    probes=st.lists(st.integers(-1, 42), max_size=6),
)
def test_due_pages_agree_with_a_sorted_list(changes: list[tuple[bool, int, int]], probes: list[int]) -> None:
    """Proves (property): adding and removing keys in pages of at most 3 (split when full,
    dropped when empty), written and read back, the due-date index holds the same keys as a
    sorted list, counts the keys before any day and gives the first n, as the list does."""
    stored: dict[int, bytes] = {}
    model: list[tuple[int, int]] = []
    pages = dueindex.DueIndex([], 0, lambda key, tag: stored.get(key) if tag == b"t%d" % key else None)
    old_max = dueindex.PAGE_MAX
    dueindex.PAGE_MAX = 3
    try:
        for add, day, request_id in changes:
            key = (day, request_id)
            if add and key not in model:
                pages.add(key)
                model.append(key)
            elif not add and key in model:
                pages.remove(key)
                model.remove(key)
            for ref, data in pages.pages_to_write():  # write, then read back from "disk"
                stored[ref.key], ref.tag = data, b"t%d" % ref.key
            for key in pages.dropped:
                stored.pop(key)
            pages.written()
            pages = dueindex.DueIndex(pages.refs, pages.next_key, pages._load)
        model.sort()
        assert list(pages) == model and len(pages) == len(model)
        assert all(ref.count <= 3 for ref in pages.refs)
        for day in probes:
            assert pages.count_before(day) == sum(1 for d, _ in model if d < day)
            assert pages.first(day % 7) == model[: day % 7]
    finally:
        dueindex.PAGE_MAX = old_max


# --- older vaults --------------------------------------------------------------------------------

FORMAT2 = Path(__file__).resolve().parents[1] / "fixtures" / "vaults" / "format2.db"


def test_a_format2_vault_is_migrated_and_its_index_built(tmp_path: Path) -> None:
    """Proves: a vault written by the previous version (format 2, its whole-state snapshot after
    record 7, record 8 after it; tests/fixtures/vaults/make_format2.py) opens with every record,
    is migrated by the named migration 0003_derived_parts, and gets an index built from its
    records (the old snapshot is dropped, never read as an index) that `vault verify` finds
    whole."""
    import json
    import shutil

    from broker_audit.services import VaultAccess, verify_vault

    path = tmp_path / "format2.db"
    shutil.copyfile(FORMAT2, path)
    secrets_ = json.loads(FORMAT2.with_name("format2.db.json").read_text())
    journal = Journal(Vault.open(path, passphrase=lambda: secrets_["passphrase"]))
    assert journal.index is not None and journal.index.origin == "rebuilt"  # the old snapshot: unusable
    assert [journal.view(i).state for i in (1, 2, 3)] == [State.DELIVERED, State.DENIED, State.DRAFTED]
    assert journal.profile is not None and journal.profile.name == "Ana Example"
    assert journal.vault.snapshot_count == journal.vault.count == 8  # the index, written at open
    journal.vault.close()
    assert sql(path, "SELECT name FROM migrations ORDER BY version")[-1] == ("0003_derived_parts",)
    assert sql(path, "SELECT value FROM meta WHERE key = 'format_version'") == [(3,)]
    ((root,),) = sql(path, "SELECT sealed FROM snapshot")
    assert isinstance(root, bytes) and len(root) < 1000  # a small root now, not the whole state
    result = verify_vault(VaultAccess(path=path, passphrase=lambda: secrets_["passphrase"]))
    assert (result.records, result.requests, result.index) == (8, 3, "matches the records")
    check_against_the_records_with(path, secrets_["passphrase"])


def test_a_format2_vault_opened_read_only_is_read_through_an_index_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: a format-2 vault that must not be written (opened read-only: its write-ahead log
    had a torn tail) is read through an index built in memory, and nothing is written to it:
    it stays format 2 with its old snapshot."""
    import json
    import shutil

    from broker_audit.vault import store
    from broker_audit.vault.wal import WalReport

    path = tmp_path / "format2.db"
    shutil.copyfile(FORMAT2, path)
    secrets_ = json.loads(FORMAT2.with_name("format2.db.json").read_text())
    before = sql(path, "SELECT n, nonce, sealed FROM snapshot")
    monkeypatch.setattr(store, "inspect_wal", lambda _: WalReport(torn_frames=1))
    journal = Journal(Vault.open(path, recovery_key=secrets_["recovery_key"]))
    assert [journal.view(i).state for i in (1, 2, 3)] == [State.DELIVERED, State.DENIED, State.DRAFTED]
    assert journal.next_request_id() == 4
    journal.save_index()  # nothing to write into a vault opened read-only
    journal.vault.close()
    assert sql(path, "SELECT value FROM meta WHERE key = 'format_version'") == [(2,)]
    assert sql(path, "SELECT n, nonce, sealed FROM snapshot") == before


def test_status_json_rows_are_every_request_by_id(path: Path, small: None) -> None:
    """Proves: `status --json`'s rows, made a chunk of the index at a time, are every request by
    id as a fold of the records gives them; with a filter or a limit, the ones it selects."""
    from broker_audit.services import VaultAccess
    from broker_audit.services.tracking import iter_status_rows, row_of, status_rows

    fill(opened(path), 14)
    access = VaultAccess(path=path, passphrase=lambda: PASS)
    today = dt.date(2026, 5, 10)
    truth = opened(path, use_snapshot=False)
    expected = [row_of(listed_of(r, state), today) for r, state in truth.current()]
    assert list(iter_status_rows(access, today=today)) == expected == status_rows(access, today=today)
    assert [r.id for r in iter_status_rows(access, today=today, limit=3)] == [1, 2, 3]
    sent = StatusQuery(states=("sent",))
    assert list(iter_status_rows(access, today=today, query=sent)) == [
        r for r in expected if r.state == "sent"
    ]
    overdue = StatusQuery(overdue_only=True)
    assert list(iter_status_rows(access, today=today, query=overdue)) == [r for r in expected if r.overdue]


def test_many_records_after_the_index_are_read_again_not_kept(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: when more records follow the index than opening keeps (`KEEP_AT_OPEN`: the first
    open of a large vault without an index), they are verified at open, then read again as the
    index is built, with the same result as a fold of every record."""
    from broker_audit.vault import vault as vault_module

    monkeypatch.setattr(vault_module, "KEEP_AT_OPEN", 5)
    raw_append(path, [encode(request(i)) for i in range(1, 21)] + [encode(event(7, State.SENT))])
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        assert not isinstance(vault.load().records, list)
    journal = opened(path)
    assert journal.view(7).state is State.SENT and journal.next_request_id() == 21
    journal.vault.close()
    check_against_the_records(path)
