"""What lands on disk: private modes, and no record plaintext anywhere in the files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, make_vault, raw_sql

from broker_audit.vault.vault import Vault

MARKER = b"PLAINTEXT-MARKER-Maria-Lopez-7f3a"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def test_modes_private_even_with_loose_umask(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "a" / "b" / "vault.db"
    vault, _ = Vault.create(path, passphrase=PASSPHRASE, use_keyring=False)
    vault.append(b"x")
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700
    for side in ("-wal", "-shm"):
        side_path = Path(str(path) + side)
        assert side_path.exists() and _mode(side_path) == 0o600
    vault.close()
    reopened = Vault.open(path, passphrase=lambda: PASSPHRASE)
    reopened.append(b"y")
    for side in ("", "-wal", "-shm"):
        assert _mode(Path(str(path) + side)) == 0o600
    reopened.close()


def test_existing_parent_is_left_alone(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    make_vault(tmp_path / "vault.db", [])
    assert _mode(tmp_path) == 0o755
    assert _mode(tmp_path / "vault.db") == 0o600


def _all_bytes(path: Path) -> bytes:
    return b"".join(
        Path(str(path) + side).read_bytes()
        for side in ("", "-wal", "-shm", "-journal")
        if Path(str(path) + side).exists()
    )


def test_no_plaintext_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "v" / "vault.db"
    vault, recovery = Vault.create(path, passphrase=PASSPHRASE, use_keyring=False)
    vault.append(MARKER)
    vault.append_many([MARKER * 3, b"x" + MARKER])
    assert Path(str(path) + "-wal").stat().st_size > 0
    everything = _all_bytes(path)  # while open: the records live in the WAL
    assert MARKER not in everything and MARKER[:12] not in everything
    assert PASSPHRASE.encode() not in everything
    assert recovery.encode() not in everything and recovery.replace("-", "").encode() not in everything
    vault.close()
    everything = _all_bytes(path)  # after close: merged into the main file
    assert MARKER not in everything and MARKER[:12] not in everything
    assert sorted(p.name for p in path.parent.iterdir()) == ["vault.db"]


def test_replaced_passphrase_slot_is_gone_from_disk(tmp_path: Path) -> None:
    """After change_passphrase and close, the old wrapped key is nowhere in the files."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, [b"x"])
    ((old_wrapped,),) = raw_sql(path, "SELECT wrapped FROM slots WHERE kind = 'passphrase'")
    assert isinstance(old_wrapped, bytes) and old_wrapped in _all_bytes(path)
    vault = Vault.open(path, passphrase=lambda: PASSPHRASE)
    vault.change_passphrase("new one")
    vault.close()
    assert old_wrapped not in _all_bytes(path)
    assert b"new one" not in _all_bytes(path)
