"""Helpers for the vault tests (importable by name: tests/vault is on sys.path under pytest)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from keyring_session import MemoryKeyring  # noqa: F401  (re-exported for the vault tests)

from broker_audit.vault.vault import Vault

PASSPHRASE = "correct horse battery staple"


def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def make_vault(path: Path, records: list[bytes], passphrase: str | None = PASSPHRASE) -> str:
    """Create a vault holding `records` (one append each), close it, return the recovery key."""
    vault, recovery = Vault.create(path, passphrase=passphrase, use_keyring=False)
    for record in records:
        vault.append(record)
    vault.close()
    return recovery


def raw_sql(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run SQL on the vault file directly, as an attacker or a broken disk would."""
    conn = sqlite3.connect(path)
    try:
        if ";" in sql:  # a script of several statements, no results
            conn.executescript(sql)
            return []
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
    finally:
        conn.close()
    return rows


def refresh_header_checksum(path: Path) -> None:
    """Recompute the clear header's unkeyed checksum after editing a slot, as a deliberate
    tamperer would (so the edit gets past the accidental-damage check)."""
    from broker_audit.vault.keys import Slot
    from broker_audit.vault.store import Header

    ((version,),) = raw_sql(path, "SELECT value FROM meta WHERE key = 'format_version'")
    ((vault_id,),) = raw_sql(path, "SELECT value FROM meta WHERE key = 'vault_id'")
    slots = tuple(Slot(k, p, w) for k, p, w in raw_sql(path, "SELECT kind, params, wrapped FROM slots"))  # type: ignore[arg-type]
    header = Header(int(version), vault_id, slots)  # type: ignore[arg-type]
    raw_sql(path, "UPDATE meta SET value = ? WHERE key = 'header_sha256'", (header.digest(),))


def copy_vault(source: Path, target: Path) -> None:
    """Copy a closed vault file (and its -wal if one was left) to `target`."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    for side in ("-wal", "-shm"):
        Path(str(target) + side).unlink(missing_ok=True)
        if Path(str(source) + side).exists():
            shutil.copyfile(str(source) + side, str(target) + side)
