"""A clinic's vault at 100,000 requests (issue 15), built by bench/vaultgen.py straight through
the vault's transactions: `vault verify` walks all of it, and reading it uses the snapshot."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from broker_audit.services import VaultAccess, status_rows, verify_vault
from broker_audit.vault.vault import Vault

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import vaultgen

PASS = "bench passphrase"


@pytest.mark.slow
def test_100k_requests_pass_vault_verify(tmp_path: Path) -> None:
    """Proves: the generator's 100,000 requests (about 240,000 records in 5,000-request
    batches) pass the full walk, the index matches one built from every record, and `status`
    lists every request from the index with the states the generator wrote."""
    path = tmp_path / "clinic.db"
    vaultgen.build(path, 100_000, passphrase=PASS)
    access = VaultAccess(path=path, passphrase=lambda: PASS)
    result = verify_vault(access)
    assert result.requests == 100_000
    assert result.records > 100_000 + 100_000  # requests, a sent event each, answers, clients
    assert result.index == "matches the records"
    with Vault.open(path, passphrase=lambda: PASS) as vault:
        assert vault.snapshot_count == vault.count  # opening reads no record: all in the index
    rows = status_rows(access, today=dt.date(2027, 6, 1))
    assert [r.id for r in rows] == list(range(1, 100_001))
    states = {r.state for r in rows}
    assert states == {"sent", "acknowledged", "fulfilled", "denied", "extended"}
    assert all(r.sent is not None and r.due is not None for r in rows if r.state == "sent")
