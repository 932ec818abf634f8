"""The journal over a real vault file: versioned records (issue 13), each record decrypted once,
attachments. The derived index it reads through is tested in test_index.py (issue 27)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from broker_audit.errors import ExitCode, RecordTooNew
from broker_audit.tracking.journal import Journal, encode, now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State
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


# --- reading ---------------------------------------------------------------------------------


def test_each_record_is_decrypted_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: opening a vault without an index and folding it (building the index) decrypts
    each record once (the old code decrypted everything twice: the chain check, then the
    journal), plus the head."""
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
