"""One writer at a time (issue 12, item 3): the writer lock, and ids and lifecycle checks read
inside it. Two handles in one process contend exactly as two processes do (SQLite's WAL write
lock); tests/cli/test_parallel_writers.py runs real processes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, make_vault

from broker_audit.errors import IllegalTransition, VaultError
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State
from broker_audit.vault import store
from broker_audit.vault.vault import Vault

DAY = dt.date(2026, 3, 2)


def _request(request_id: int) -> RequestMade:
    return RequestMade(
        id=request_id,
        broker_id="acme",
        broker_name="Acme",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        reference=f"BA-{request_id}",
        dated=DAY,
        created=now(),
    )


def _open(path: Path) -> Journal:
    return Journal(Vault.open(path, passphrase=lambda: PASSPHRASE))


def test_second_writer_waits_then_says_in_use(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: while one handle holds the lock, another waits about LOCK_WAIT_MS, then gets a
    VaultError saying the vault is in use; nothing it meant to write is stored."""
    make_vault(vault_path, [])
    monkeypatch.setattr(store, "LOCK_WAIT_MS", 300)
    holder, other = Vault.open(vault_path, passphrase=lambda: PASSPHRASE), None
    try:
        with holder.transaction():
            other = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)  # reading is never blocked
            start = time.monotonic()
            with pytest.raises(VaultError) as info:
                other.append(b"blocked")
            waited = time.monotonic() - start
        assert str(info.value) == "the vault is in use by another broker-audit"
        assert "retry" in (info.value.hint or "")
        assert 0.25 <= waited < 5
        assert other.append(b"after") == 1  # the lock is free again
    finally:
        holder.close()
        if other is not None:
            other.close()


def test_waiting_writer_gets_the_lock_when_it_is_released(vault_path: Path) -> None:
    """Proves: a writer that waits (within LOCK_WAIT_MS) proceeds once the holder commits, and
    sees the holder's records (numbers continue, nothing is overwritten)."""
    make_vault(vault_path, [])
    holder = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    waiter = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    got: list[int] = []
    with holder.transaction() as tx:
        thread = threading.Thread(target=lambda: got.extend(waiter.append_many([b"w1", b"w2"])))
        thread.start()
        time.sleep(0.3)
        assert got == []  # still waiting
        tx.append([b"h1"])
        tx.commit()
    thread.join(10)
    assert got == [2, 3]
    assert [r for _, r in holder.records()] == [b"h1", b"w1", b"w2"]
    holder.close()
    waiter.close()


def test_request_ids_are_read_inside_the_lock(vault_path: Path) -> None:
    """Proves: a journal opened before another process logged request 1 still gives the next
    request id 2 inside write(): it catches up with the other's records under the lock."""
    make_vault(vault_path, [])
    first, second = _open(vault_path), _open(vault_path)
    assert first.requests == {}  # its fold, read now: stale outside the lock once the other writes
    with second.write():
        second.append([_request(second.next_request_id())])
    assert first.next_request_id() == 1
    with first.write():
        request_id = first.next_request_id()
        first.append([_request(request_id)])
    assert request_id == 2
    assert sorted(_open(vault_path).requests) == [1, 2]


def test_taken_request_id_is_refused_under_the_lock(vault_path: Path) -> None:
    """Proves: a request computed outside the lock with an id someone else took meanwhile is
    refused at append (nothing written), never stored twice."""
    make_vault(vault_path, [])
    first, second = _open(vault_path), _open(vault_path)
    stale = _request(first.next_request_id())
    second.append([_request(1)])
    with pytest.raises(VaultError, match="request #1 was just made by another broker-audit"):
        first.append([stale])
    assert [r.id for r in _open(vault_path).requests.values()] == [1]


def test_lifecycle_is_checked_against_the_state_under_the_lock(vault_path: Path) -> None:
    """Proves: a status change computed from a stale state (another writer moved the request on
    meanwhile) is refused at append, so the log never holds a forbidden history (here:
    drafted -> withdrawn, then a stale 'sent' on top of it)."""
    make_vault(vault_path, [])
    first = _open(vault_path)
    first.append([_request(1)])
    second = _open(vault_path)
    stale = first.status_event(1, State.SENT, on=DAY, via="mail")  # checked against "drafted"
    second.append([second.status_event(1, State.WITHDRAWN, on=DAY)])
    with pytest.raises(IllegalTransition, match="request 1 is withdrawn; it cannot become sent"):
        first.append([stale])
    assert [e.state for e in _open(vault_path).view(1).events] == [State.WITHDRAWN]


def test_a_batch_of_changes_is_checked_in_order(vault_path: Path) -> None:
    """Proves: several changes in one append are checked one after another (sent then
    fulfilled is fine; a second 'sent' after it is not), and a refused batch writes nothing."""
    make_vault(vault_path, [])
    journal = _open(vault_path)
    journal.append([_request(1)])
    sent = StatusChanged(request_id=1, state=State.SENT, on=DAY, via="mail", recorded=now())
    done = StatusChanged(request_id=1, state=State.FULFILLED, on=DAY, recorded=now())
    with pytest.raises(IllegalTransition):
        journal.append([sent, done, sent])
    assert journal.view(1).events == ()
    journal.append([sent, done])
    assert journal.view(1).state is State.FULFILLED


def test_write_blocks_nest_and_release(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: write() is re-entrant, and the lock is released when the outer block ends, also
    when it raises (a later writer is not blocked)."""
    make_vault(vault_path, [])
    monkeypatch.setattr(store, "LOCK_WAIT_MS", 200)
    journal, other = _open(vault_path), _open(vault_path)
    with pytest.raises(RuntimeError), journal.write(), journal.write():
        raise RuntimeError("the caller failed")
    other.append([_request(1)])
    with journal.write():
        journal.append([_request(journal.next_request_id())])
    assert sorted(_open(vault_path).requests) == [1, 2]
