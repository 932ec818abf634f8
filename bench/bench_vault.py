"""Vault figures: appends per second (one transaction each) and open+read of 10,000 records.

Run: python bench/bench_vault.py   (prints medians of 3 runs; never asserted in tests)
Open+read is timed with the recovery key (HKDF), so it measures the store and the record
chain; the strong Argon2id passphrase unlock is timed separately.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from broker_audit.vault import crypto
from broker_audit.vault.vault import Vault

RECORDS = 10_000
RECORD_BYTES = 500
APPENDS = 300


def _median(run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(3))


def _weak_kdf() -> None:
    """This benchmark times storage, not the KDF: new slots get a weak cost (bench only)."""
    weak = crypto.Argon2Params(t=1, m_kib=64, p=1)
    crypto.PASSPHRASE_COSTS = (weak, *crypto.PASSPHRASE_COSTS)


def appends_per_second() -> float:
    """Single-record appends, each its own durable transaction (and last-seen update)."""
    with tempfile.TemporaryDirectory() as tmp:
        vault, _ = Vault.create(Path(tmp) / "v.db", passphrase="bench", use_keyring=False)
        record = bytes(RECORD_BYTES)
        start = time.perf_counter()
        for _ in range(APPENDS):
            vault.append(record)
        elapsed = time.perf_counter() - start
        vault.close()
    return APPENDS / elapsed


def open_and_read_seconds(path: Path, recovery: str) -> float:
    """Open (verify the whole chain) and decrypt every record."""
    start = time.perf_counter()
    vault = Vault.open(path, recovery_key=recovery)
    records = vault.records()
    elapsed = time.perf_counter() - start
    vault.close()
    assert len(records) == RECORDS
    return elapsed


def strong_unlock_seconds() -> float:
    """One Argon2id derivation at the default (strong) cost."""
    cost = crypto.STRONG_ARGON2
    start = time.perf_counter()
    crypto.passphrase_key("a passphrase", bytes(16), cost)
    return time.perf_counter() - start


def main() -> None:
    _weak_kdf()
    # Vaults remember their last state in the user config folder: keep the benchmark's own there.
    config = tempfile.mkdtemp(prefix="bench-vault-config-")
    os.environ["XDG_CONFIG_HOME"] = config
    print(f"appends/s (1 record of {RECORD_BYTES} B per transaction): {_median(appends_per_second):.0f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.db"
        vault, recovery = Vault.create(path, passphrase="bench", use_keyring=False)
        vault.append_many([bytes(RECORD_BYTES)] * RECORDS)
        vault.close()
        seconds = _median(lambda: open_and_read_seconds(path, recovery))
        print(f"open+read+decrypt {RECORDS} records of {RECORD_BYTES} B: {seconds * 1000:.0f} ms")
    print(f"Argon2id unlock at t=3, m=64 MiB, p=4: {_median(strong_unlock_seconds) * 1000:.0f} ms")
    shutil.rmtree(config, ignore_errors=True)


if __name__ == "__main__":
    main()
