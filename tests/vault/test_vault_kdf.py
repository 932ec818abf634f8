"""Argon2id costs in a key slot are bounded and pinned before anything is derived (issue 12,
item 7), and the shipped code has no switch that weakens them (item 11)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, make_vault, raw_sql, refresh_header_checksum

from broker_audit.errors import ExitCode, VaultCorrupt, VaultLocked
from broker_audit.tracking.journal import Journal
from broker_audit.vault import crypto
from broker_audit.vault.vault import Vault

REPO = Path(__file__).resolve().parents[2]
FORMAT1 = REPO / "tests" / "fixtures" / "vaults" / "format1.db"


def _edit_passphrase_params(path: Path, change: dict[str, object], drop: tuple[str, ...] = ()) -> None:
    ((params,),) = raw_sql(path, "SELECT params FROM slots WHERE kind = 'passphrase'")
    value = json.loads(params)  # type: ignore[arg-type]
    value.update(change)
    for key in drop:
        value.pop(key)
    new = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    raw_sql(path, "UPDATE slots SET params = ? WHERE kind = 'passphrase'", (new,))
    refresh_header_checksum(path)


@pytest.mark.parametrize(
    ("change", "drop", "reason"),
    [
        ({"m_kib": 64 * 1024 * 1024}, (), "memory cost is out of range"),  # 64 GiB: MemoryError before
        ({"t": 100_000}, (), "time cost is out of range"),  # a hang of minutes before
        ({"p": 0}, (), "parallelism is out of range"),
        ({"p": 1000}, (), "parallelism is out of range"),
        ({"t": 2}, (), "cost is not one broker-audit writes"),  # was "wrong passphrase"
        ({"m_kib": 128}, (), "cost is not one broker-audit writes"),
        ({"t": "3"}, (), "not numbers"),
        ({"kdf": "scrypt"}, (), "not Argon2id"),
        ({"salt": "00"}, (), "salt has the wrong length"),
        ({"v": 3}, (), "not ones broker-audit writes"),
        ({"extra": 1}, (), "not ones broker-audit writes"),
    ],
)
def test_changed_cost_is_refused_before_deriving(
    vault_path: Path, change: dict[str, object], drop: tuple[str, ...], reason: str
) -> None:
    """Proves: an edited cost (with the unkeyed checksum fixed up) is 'the vault's key slot was
    changed' (exit 4) within a second, before the passphrase is even asked for."""
    make_vault(vault_path, [b"x"])
    _edit_passphrase_params(vault_path, change, drop)
    asked = []

    def prompt() -> str:
        asked.append(True)
        return PASSPHRASE

    start = time.process_time()  # CPU time: no key derivation ran (it costs seconds of CPU)
    with pytest.raises(VaultCorrupt) as info:
        Vault.open(vault_path, passphrase=prompt)
    assert time.process_time() - start < 2
    assert str(info.value).startswith("the vault's key slot was changed")
    assert reason in str(info.value)
    assert info.value.exit_code == ExitCode.INTEGRITY
    assert asked == []


def test_bounds_hold_for_legacy_slots_too(tmp_path: Path) -> None:
    """Proves: a slot from before format 2 (no version, any cost) is still only bounded, not
    pinned, so old vaults open; but an absurd cost in one is refused all the same."""
    path = tmp_path / "old.db"
    shutil.copyfile(FORMAT1, path)
    _edit_passphrase_params(path, {"m_kib": 1 << 30})
    with pytest.raises(VaultCorrupt, match="memory cost is out of range"):
        Vault.open(path, passphrase=lambda: "format one passphrase")


def test_wrong_passphrase_is_still_locked(vault_path: Path) -> None:
    """Proves: an unchanged slot with a wrong passphrase is exit 3, not 'changed'."""
    make_vault(vault_path, [])
    with pytest.raises(VaultLocked, match="wrong passphrase"):
        Vault.open(vault_path, passphrase=lambda: "not it")


def test_limits_reject_absurd_costs_in_crypto_itself() -> None:
    """Proves: passphrase_key refuses to run on an out-of-range cost, whoever calls it."""
    with pytest.raises(ValueError, match="memory"):
        crypto.passphrase_key("x", bytes(16), crypto.Argon2Params(t=1, m_kib=1 << 40, p=1))
    assert crypto.argon2_params_problem(crypto.STRONG_ARGON2) is None


def test_format1_vault_opens_migrates_and_upgrades_its_slot(tmp_path: Path) -> None:
    """Proves: a vault written by the previous version (format 1, a weak legacy passphrase slot,
    made by the old test switch) opens with its records, is migrated by the named migration,
    and its passphrase slot is re-wrapped as a version 2 slot once the passphrase is typed."""
    path = tmp_path / "format1.db"
    shutil.copyfile(FORMAT1, path)
    secrets_ = json.loads(FORMAT1.with_name("format1.db.json").read_text())
    vault = Vault.open(path, recovery_key=secrets_["recovery_key"])
    journal = Journal(vault)
    assert journal.profile is not None and journal.view(1).state.value == "sent"
    vault.close()
    assert raw_sql(path, "SELECT name FROM migrations ORDER BY version") == [
        ("0001_initial",),
        ("0002_snapshot_blobs",),
        ("0003_derived_parts",),
    ]
    ((params,),) = raw_sql(path, "SELECT params FROM slots WHERE kind = 'passphrase'")
    assert b'"v"' not in params  # opened with the recovery key: the passphrase slot stays as it was
    vault = Vault.open(path, passphrase=lambda: secrets_["passphrase"])
    assert [n for n, _ in vault.records()] == [1, 2, 3]
    vault.close()
    ((params,),) = raw_sql(path, "SELECT params FROM slots WHERE kind = 'passphrase'")
    slot = json.loads(params)  # type: ignore[arg-type]
    assert slot["v"] == 2 and (slot["t"], slot["m_kib"], slot["p"]) in [
        (c.t, c.m_kib, c.p) for c in crypto.PASSPHRASE_COSTS
    ]
    Vault.open(path, passphrase=lambda: secrets_["passphrase"]).close()
    Vault.open(path, recovery_key=secrets_["recovery_key"]).close()


def test_shipped_code_has_no_fast_kdf_switch(tmp_path: Path) -> None:
    """Proves: without the test suite's sitecustomize, BROKER_AUDIT_TEST_FAST_KDF=1 changes
    nothing: a new slot gets Argon2id t=3, 64 MiB, p=4; and no shipped module reads it."""
    path = tmp_path / "vault.db"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(REPO), BROKER_AUDIT_TEST_FAST_KDF="1")
    script = (
        "import sys; from pathlib import Path; from broker_audit.vault.vault import Vault;"
        "v, _ = Vault.create(Path(sys.argv[1]), passphrase='x', use_keyring=False); v.close()"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], env=env, check=True, timeout=60)
    ((params,),) = raw_sql(path, "SELECT params FROM slots WHERE kind = 'passphrase'")
    slot = json.loads(params)  # type: ignore[arg-type]
    assert (slot["t"], slot["m_kib"], slot["p"], slot["v"]) == (3, 65536, 4, 2)
    shipped = [p for p in (REPO / "broker_audit").rglob("*.py") if "TEST_FAST" in p.read_text()]
    assert shipped == []


def test_a_write_to_a_format1_vault_opened_read_only_migrates_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves: a format-1 vault opened read-only (its WAL had a torn tail, so nothing was
    migrated at open) is migrated before the first write, so the new head is never written
    into an old-format file; it then reopens with every record."""
    from broker_audit.vault import store
    from broker_audit.vault.wal import WalReport

    path = tmp_path / "format1.db"
    shutil.copyfile(FORMAT1, path)
    secrets_ = json.loads(FORMAT1.with_name("format1.db.json").read_text())
    with monkeypatch.context() as patch:
        patch.setattr(store, "inspect_wal", lambda _: WalReport(torn_frames=1))
        vault = Vault.open(path, recovery_key=secrets_["recovery_key"])
        assert vault.count == 3 and raw_sql(path, "SELECT count(*) FROM migrations") == [(1,)]
        assert vault.append(b"written after a crash") == 4
        vault.close()
    assert raw_sql(path, "SELECT count(*) FROM migrations") == [(3,)]
    vault = Vault.open(path, recovery_key=secrets_["recovery_key"])
    assert [n for n, _ in vault.records()] == [1, 2, 3, 4]
    vault.close()
