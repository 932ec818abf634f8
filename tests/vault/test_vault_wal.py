"""Old states never open silently (issue 12, item 2): damage to vault.db-wal that holds commits,
a restored backup, a sync conflict. The last state seen is kept outside the vault (a MACed file
in the user config folder, or the keyring item); the WAL is read before SQLite replays it."""

from __future__ import annotations

import json
import random
import shutil
import stat
from pathlib import Path

import pytest
from vault_testlib import PASSPHRASE, MemoryKeyring, make_vault

from broker_audit.errors import VaultCorrupt, VaultOlder
from broker_audit.vault.seen import seen_dir
from broker_audit.vault.vault import Vault

FIRST = [f"record {i}".encode() * 20 for i in range(1, 4)]
MORE = [f"appended {i}".encode() * 40 for i in range(1, 7)]


def _open(path: Path) -> Vault:
    return Vault.open(path, passphrase=lambda: PASSPHRASE)


def _live_copy(tmp_path: Path) -> tuple[bytes, bytes]:
    """(db, wal) bytes of a vault whose last 6 commits are only in its WAL, as a backup or sync
    tool (or a crash) leaves them; the last state seen here is the full one (9 records)."""
    path = tmp_path / "live" / "vault.db"
    make_vault(path, FIRST)
    vault = _open(path)
    for record in MORE:
        vault.append(record)
    db, wal = path.read_bytes(), Path(str(path) + "-wal").read_bytes()
    vault.close()
    return db, wal


def _place(folder: Path, db: bytes, wal: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vault.db"
    path.write_bytes(db)
    Path(str(path) + "-wal").write_bytes(wal)
    Path(str(path) + "-shm").unlink(missing_ok=True)
    return path


def _outcome(path: Path) -> str:
    """refused | whole | older-warned | older-SILENT, for opening the vault at `path`."""
    try:
        vault = _open(path)
    except VaultCorrupt:
        return "refused"
    try:
        records = [r for _, r in vault.records()]
        assert records == (FIRST + MORE)[: len(records)], "a mix of states"
        if len(records) == len(FIRST + MORE):
            return "whole"
        return "older-warned" if vault.info.warnings else "older-SILENT"
    finally:
        vault.close()


@pytest.mark.slow
@pytest.mark.parametrize("seen_state", ["kept", "lost"])
def test_wal_damage_never_opens_an_older_state_silently(tmp_path: Path, seen_state: str) -> None:
    """Proves: a flipped byte anywhere in a WAL holding 6 commits either is refused (the WAL is
    left as it was, for recovery) or opens at an older state with a warning, never silently
    (the old code: 255 of 255 silent, and the WAL deleted). With the last seen state lost
    (another computer), commits after the damage are still found in the WAL itself."""
    db, wal = _live_copy(tmp_path)
    if seen_state == "lost":
        shutil.rmtree(seen_dir())
    rng = random.Random(12)
    positions = sorted(set(rng.sample(range(len(wal)), 120)) | {0, 10, 20, 31, 40, len(wal) - 1})
    counts: dict[str, int] = {}
    for index in positions:
        damaged = bytearray(wal)
        damaged[index] ^= 1 << rng.randrange(8)
        path = _place(tmp_path / f"flip{index}", db, bytes(damaged))
        result = _outcome(path)
        counts[result] = counts.get(result, 0) + 1
        assert result != "older-SILENT", f"byte {index}: an older state opened without a word"
        if result != "whole":
            assert Path(str(path) + "-wal").read_bytes() == bytes(damaged), "the damaged WAL was changed"
    print(f"\n{seen_state}: {counts}")
    assert counts.get("refused", 0) > len(positions) // 2, counts


def test_refused_wal_is_kept_and_writes_are_refused(tmp_path: Path) -> None:
    """Proves: damage in the last commit (nothing after it to see) opens read-only at the
    state before it, says so, refuses every write, and keeps the WAL for recovery; moving
    the WAL aside (the hint) opens the older state with the warning, read-only until the user
    accepts it, then writable."""
    db, wal = _live_copy(tmp_path)
    damaged = bytearray(wal)
    damaged[-100] ^= 0x40  # inside the last frame: the last commit
    path = _place(tmp_path / "v", db, bytes(damaged))
    vault = _open(path)
    assert vault.count == len(FIRST + MORE) - 1
    assert any(
        "older than the one last seen" in w and "it has 8 records, 9 were seen" in w
        for w in vault.info.warnings
    )
    with pytest.raises(VaultCorrupt, match=r"write-ahead log .* lost saved changes") as info:
        vault.append(b"more")
    assert "move vault.db-wal" in (info.value.hint or "")
    vault.close()
    assert Path(str(path) + "-wal").read_bytes() == bytes(damaged)
    shutil.move(str(path) + "-wal", tmp_path / "kept-wal")
    Path(str(path) + "-shm").unlink(missing_ok=True)
    vault = _open(path)
    assert vault.info.warnings and vault.count == len(FIRST)  # the db file alone: before the WAL
    with pytest.raises(VaultOlder, match="older than the one last seen"):  # read-only until accepted
        vault.append(b"new history")
    assert vault.accept()
    assert vault.append(b"new history") == len(FIRST) + 1
    vault.close()
    vault = _open(path)
    assert vault.info.warnings == ()  # written to: this history is now the one followed
    vault.close()


def test_torn_unacknowledged_write_is_not_an_alarm(tmp_path: Path) -> None:
    """Proves: a WAL whose last transaction is torn (the writer was killed before its commit
    returned, so the last state seen here does not include it) opens without a warning, at the
    last acknowledged state, and takes writes."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, FIRST)
    seen_before = {p.name: p.read_bytes() for p in seen_dir().glob("*.json")}
    vault = _open(path)
    vault.append(b"never acknowledged")
    copy = path.read_bytes(), Path(str(path) + "-wal").read_bytes()
    vault.close()
    for name, data in seen_before.items():  # as if the process died before recording it
        (seen_dir() / name).write_bytes(data)
    torn = _place(tmp_path / "torn", copy[0], copy[1][:-1000])
    vault = _open(torn)
    assert vault.count == len(FIRST) and vault.info.warnings == ()
    assert vault.append(b"after the crash") == len(FIRST) + 1
    vault.close()


def test_restored_backup_is_reported_with_both_counts(tmp_path: Path) -> None:
    """Proves: a whole-file rollback (a backup of 3 records restored over a vault of 5) opens with
    a warning naming both counts; unlocking says 'N records, last change DATE'."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, FIRST)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    vault = _open(path)
    vault.append_many([b"four", b"five"])
    assert vault.info.summary().startswith("3 records, last change 20")
    vault.close()
    shutil.copyfile(backup, path)
    vault = _open(path)
    (warning,) = vault.info.warnings
    assert "older than the one last seen on this computer: it has 3 records, 5 were seen" in warning
    assert vault.info.summary().startswith("3 records, last change ")
    vault.close()


def test_diverged_copy_is_reported(tmp_path: Path) -> None:
    """Proves: a copy with the same number of records but another history (a sync conflict
    between two computers) is reported as different, not taken silently."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, FIRST)
    other = tmp_path / "other.db"
    shutil.copyfile(path, other)
    vault = _open(path)
    vault.append(b"written on computer A")
    vault.close()
    seen = {p: p.read_bytes() for p in seen_dir().glob("*.json")}
    for p in seen:  # computer B remembers nothing of A
        p.unlink()
    vault = _open(other)
    vault.append(b"written on computer B")
    vault.close()
    for p, data in seen.items():  # computer A's memory, then B's file arrives by sync
        p.write_bytes(data)
    shutil.copyfile(other, path)
    vault = _open(path)
    assert any("differs from the one last seen" in w for w in vault.info.warnings)
    with pytest.raises(VaultOlder, match="differs from the one last seen"):
        vault.append(b"a write that would forget computer A's history")
    vault.close()


def test_last_seen_file_is_private_and_macd(tmp_path: Path) -> None:
    """Proves: the file is 0600 in a 0700 folder, holds no key or record, and an edit to it
    (raising the count to hide a rollback, or lowering it) is detected and reported."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, FIRST)
    (file,) = seen_dir().glob("*.json")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(seen_dir().stat().st_mode) == 0o700
    data = json.loads(file.read_text())
    assert set(data) == {"v", "count", "head", "changed", "seen", "mac"} and data["count"] == 3
    data["count"] = 2
    file.write_text(json.dumps(data))
    vault = _open(path)
    assert any("was changed" in w for w in vault.info.warnings)
    vault.close()


def test_last_seen_lives_in_the_keyring_when_the_vault_has_one(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    """Proves: with a keyring slot, the last seen state is a keyring item (no file), and a
    restored backup is still reported."""
    path = tmp_path / "v" / "vault.db"
    vault, _ = Vault.create(path, passphrase=PASSPHRASE, use_keyring=True)
    vault.append(b"one")
    vault.close()
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    vault = Vault.open(path)
    vault.append(b"two")
    vault.close()
    assert not list(seen_dir().glob("*.json"))
    assert any(u.endswith(":last-seen") for _, u in memory_keyring.entries)
    shutil.copyfile(backup, path)
    vault = Vault.open(path)
    assert any("it has 1 records, 2 were seen" in w for w in vault.info.warnings)
    vault.close()


def test_a_restored_backup_is_read_only_until_accepted(tmp_path: Path) -> None:
    """Proves: an older copy (restored over a newer vault) is read but never written until the
    user accepts it: a write would make this computer forget the newer copy's five records, and
    the loss would be permanent. After `accept` it is the copy followed, with no warning."""
    path = tmp_path / "v" / "vault.db"
    make_vault(path, FIRST)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    vault = _open(path)
    vault.append_many([b"four", b"five"])
    vault.close()
    shutil.copyfile(backup, path)
    for _ in range(2):  # and again: refusing never makes the warning go away by itself
        vault = _open(path)
        assert vault.read_only_until_accepted and vault.info.warnings
        with pytest.raises(VaultOlder) as info:
            vault.append(b"a write that would forget the newer copy")
        assert "broker-audit vault accept" in (info.value.hint or "")
        assert int(info.value.exit_code) == 4
        vault.close()
    vault = _open(path)
    assert vault.accept()
    assert vault.append(b"going on with the backup") == len(FIRST) + 1
    vault.close()
    vault = _open(path)
    assert vault.info.warnings == () and not vault.read_only_until_accepted
    vault.close()


def test_vault_accept_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: object
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    path = tmp_path / "v" / "vault.db"
    profile = Path(__file__).resolve().parents[2] / "examples" / "demo-profile.toml"
    run = cli  # type: ignore[assignment]
    assert run(["--vault", str(path), "init", "--passphrase", "--profile", str(profile)])[0] == 0  # type: ignore[operator]
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    assert run(["--vault", str(path), "profile", "edit", "--phone", "555-0100"])[0] == 0  # type: ignore[operator]
    shutil.copyfile(backup, path)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    code, out, err = run(["--vault", str(path), "profile", "edit", "--phone", "555-0199"])  # type: ignore[operator]
    assert code == 4 and "it is read, not written" in err and "broker-audit vault accept" in err
    code, out, err = run(["--vault", str(path), "vault", "accept", "--yes"])  # type: ignore[operator]
    assert code == 0 and "Accepted" in out
    assert run(["--vault", str(path), "profile", "edit", "--phone", "555-0199"])[0] == 0  # type: ignore[operator]
