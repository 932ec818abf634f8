"""Round trips, unlocking, slots, forget, formats: the vault's public behaviour."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vault_testlib import PASSPHRASE, MemoryKeyring, make_vault, raw_sql

from broker_audit.errors import (
    ExitCode,
    UserError,
    VaultCorrupt,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    VaultTooNew,
)
from broker_audit.vault import crypto
from broker_audit.vault.store import FORMAT_VERSION, MIGRATIONS
from broker_audit.vault.vault import Vault, default_vault_path

records_strategy = st.lists(st.binary(max_size=400), max_size=12)


@settings(max_examples=40, deadline=None)
@given(batches=st.lists(records_strategy, max_size=4))
def test_round_trip_property(batches: list[list[bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.db"
        vault, recovery = Vault.create(path, passphrase=PASSPHRASE, use_keyring=False)
        expected: list[bytes] = []
        for batch in batches:
            if len(batch) == 1:
                assert vault.append(batch[0]) == len(expected) + 1
            else:
                numbers = vault.append_many(batch)
                assert numbers == list(range(len(expected) + 1, len(expected) + len(batch) + 1))
            expected += batch
        assert vault.records() == list(enumerate(expected, start=1))
        vault.close()
        for reopened in (
            Vault.open(path, passphrase=lambda: PASSPHRASE),
            Vault.open(path, recovery_key=recovery),
        ):
            assert reopened.records() == list(enumerate(expected, start=1))
            reopened.close()


@settings(max_examples=200, deadline=None)
@given(plain=st.binary(max_size=200), ad=st.binary(max_size=40), data=st.data())
def test_sealer_detects_any_flipped_byte(plain: bytes, ad: bytes, data: st.DataObject) -> None:
    sealer = crypto.Sealer(crypto.new_key())
    nonce, sealed = sealer.seal(plain, ad)
    assert sealer.open(nonce, sealed, ad) == plain
    blob = bytearray(nonce + sealed)
    index = data.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= data.draw(st.integers(1, 255))
    with pytest.raises(crypto.InvalidTag):
        sealer.open(bytes(blob[:12]), bytes(blob[12:]), ad)


@given(raw=st.binary(min_size=crypto.RECOVERY_BYTES, max_size=crypto.RECOVERY_BYTES))
def test_recovery_key_text_round_trip(raw: bytes) -> None:
    text = crypto.format_recovery_key(raw)
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert crypto.parse_recovery_key(text) == raw
    sloppy = text.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert crypto.parse_recovery_key(sloppy) == raw


def test_recovery_key_has_at_least_128_bits() -> None:
    assert crypto.RECOVERY_BYTES * 8 >= 128
    assert len({crypto.new_recovery_key()[0] for _ in range(50)}) == 50


def test_passphrase_slot_records_its_kdf_params(vault_path: Path) -> None:
    make_vault(vault_path, [])
    (params,) = raw_sql(vault_path, "SELECT params FROM slots WHERE kind = 'passphrase'")[0]
    assert b'"kdf":"argon2id"' in params and b'"salt":' in params and b'"m_kib":64' in params


def test_wrong_passphrase_is_locked(vault_path: Path) -> None:
    make_vault(vault_path, [b"one"])
    with pytest.raises(VaultLocked) as info:
        Vault.open(vault_path, passphrase=lambda: "not it")
    assert info.value.exit_code == ExitCode.VAULT_LOCKED
    assert str(info.value) == "wrong passphrase for this vault"
    assert "recovery key" in (info.value.hint or "")
    assert "not it" not in str(info.value) + (info.value.hint or "")


def test_no_key_given_is_locked(vault_path: Path) -> None:
    make_vault(vault_path, [])
    with pytest.raises(VaultLocked, match="no key was given"):
        Vault.open(vault_path)


def test_recovery_key_unlocks(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [b"one", b"two"])

    def no_prompt() -> str:
        raise AssertionError("the passphrase must not be asked for")

    vault = Vault.open(vault_path, passphrase=no_prompt, recovery_key=recovery)
    assert vault.records() == [(1, b"one"), (2, b"two")]
    vault.close()


def test_wrong_or_malformed_recovery_key_is_locked(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [])
    other = crypto.new_recovery_key()[0]
    with pytest.raises(VaultLocked, match="does not fit"):
        Vault.open(vault_path, recovery_key=other)
    with pytest.raises(VaultLocked, match="not a well-formed recovery key") as info:
        Vault.open(vault_path, recovery_key=recovery[:-2] + "U!")
    assert recovery[:10] not in str(info.value)


def test_change_passphrase(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [b"kept"])
    vault = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    vault.change_passphrase("a new one")
    vault.append(b"after")
    vault.close()
    with pytest.raises(VaultLocked):
        Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    for vault in (
        Vault.open(vault_path, passphrase=lambda: "a new one"),
        Vault.open(vault_path, recovery_key=recovery),
    ):
        assert vault.records() == [(1, b"kept"), (2, b"after")]
        assert vault.slots() == ["passphrase", "recovery"]
        vault.close()
    with pytest.raises(UserError):
        Vault.open(vault_path, recovery_key=recovery).change_passphrase("")


def test_change_passphrase_adds_a_slot(memory_keyring: MemoryKeyring, vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, passphrase=None, use_keyring=True)
    assert vault.slots() == ["keyring", "recovery"]
    vault.change_passphrase("added")
    assert vault.slots() == ["keyring", "passphrase", "recovery"]
    vault.close()
    vault = Vault.open(vault_path, passphrase=lambda: "added", use_keyring=False)
    vault.close()


def test_keyring_slot_unlocks_without_passphrase(memory_keyring: MemoryKeyring, vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, passphrase=PASSPHRASE, use_keyring=True)
    vault.append(b"x")
    vault.close()
    # two entries: the key's secret, and the last state seen on this computer (rollback check)
    key_entries = {u: v for (_, u), v in memory_keyring.entries.items() if ":" not in u}
    (secret,) = key_entries.values()
    assert len(secret) == 44  # base64 of 32 random bytes
    assert {u.split(":")[-1] for (_, u) in memory_keyring.entries if ":" in u} == {"last-seen"}

    def no_prompt() -> str:
        raise AssertionError("the passphrase must not be asked for")

    vault = Vault.open(vault_path, passphrase=no_prompt)
    assert vault.records() == [(1, b"x")]
    vault.close()
    # keyring refused or entry lost: fall back to the passphrase
    vault = Vault.open(vault_path, passphrase=lambda: PASSPHRASE, use_keyring=False)
    vault.close()
    memory_keyring.entries.clear()
    Vault.open(vault_path, passphrase=lambda: PASSPHRASE).close()


def test_keyring_only_vault_without_keyring_is_locked(
    memory_keyring: MemoryKeyring, vault_path: Path
) -> None:
    Vault.create(vault_path, passphrase=None, use_keyring=True)[0].close()
    memory_keyring.entries.clear()
    with pytest.raises(VaultLocked, match="keyring did not give"):
        Vault.open(vault_path, passphrase=lambda: "anything")


def test_create_without_any_unlock_slot_is_locked(vault_path: Path) -> None:
    with pytest.raises(VaultLocked) as info:
        Vault.create(vault_path, passphrase=None, use_keyring=True)
    assert "passphrase" in str(info.value) + (info.value.hint or "")
    assert not vault_path.exists()
    with pytest.raises(UserError):
        Vault.create(vault_path, passphrase="", use_keyring=False)


def test_create_refuses_existing_file(vault_path: Path) -> None:
    make_vault(vault_path, [])
    with pytest.raises(VaultExists):
        Vault.create(vault_path, passphrase=PASSPHRASE, use_keyring=False)


def test_missing_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound) as info:
        Vault.open(tmp_path / "nope.db", passphrase=lambda: PASSPHRASE)
    assert "broker-audit init" in (info.value.hint or "")
    assert not (tmp_path / "nope.db").exists()


def test_not_a_vault(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    raw_sql(other, "CREATE TABLE t (x)")
    with pytest.raises(VaultCorrupt, match="not a broker-audit vault"):
        Vault.open(other, passphrase=lambda: PASSPHRASE)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello, not sqlite at all" * 100)
    with pytest.raises(VaultCorrupt):
        Vault.open(junk, passphrase=lambda: PASSPHRASE)


def test_newer_format_is_refused(vault_path: Path) -> None:
    make_vault(vault_path, [b"x"])
    raw_sql(vault_path, "UPDATE meta SET value = ? WHERE key = 'format_version'", (99,))
    with pytest.raises(VaultTooNew) as info:
        Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    assert "upgrade" in (info.value.hint or "")


def test_migrations_are_named_and_recorded(vault_path: Path) -> None:
    make_vault(vault_path, [])
    assert [(v, n) for v, n, _ in MIGRATIONS] == [
        (1, "0001_initial"),
        (2, "0002_snapshot_blobs"),
        (3, "0003_derived_parts"),
    ]
    assert raw_sql(vault_path, "SELECT version, name FROM migrations") == [
        (1, "0001_initial"),
        (2, "0002_snapshot_blobs"),
        (3, "0003_derived_parts"),
    ]
    assert raw_sql(vault_path, "SELECT value FROM meta WHERE key = 'format_version'") == [(FORMAT_VERSION,)]


def test_slots_and_appends_continue_after_reopen(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [b"a"])
    vault = Vault.open(vault_path, recovery_key=recovery)
    assert vault.slots() == ["passphrase", "recovery"]
    assert vault.append(b"b") == 2
    assert vault.append_many([]) == []
    vault.close()
    with pytest.raises(VaultError, match="closed"):
        vault.append(b"c")


def test_two_handles_interleave_appends(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [])
    first = Vault.open(vault_path, recovery_key=recovery)
    second = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    assert first.append(b"1") == 1
    assert second.append(b"2") == 2
    assert first.append_many([b"3", b"4"]) == [3, 4]
    assert second.records() == [(1, b"1"), (2, b"2"), (3, b"3"), (4, b"4")]
    first.close()
    second.close()


def test_forget_destroys_slots_keyring_entry_and_file(
    memory_keyring: MemoryKeyring, vault_path: Path
) -> None:
    vault, recovery = Vault.create(vault_path, passphrase=PASSPHRASE, use_keyring=True)
    vault.append(b"secret")
    assert memory_keyring.entries
    vault.forget()
    assert memory_keyring.entries == {}
    assert list(vault_path.parent.iterdir()) == []
    with pytest.raises(VaultNotFound):
        Vault.open(vault_path, recovery_key=recovery)


def test_forget_overwrites_slots_before_deleting(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy taken just before the file is removed can no longer be unlocked by any key."""
    recovery = make_vault(vault_path, [b"secret"])
    vault = Vault.open(vault_path, recovery_key=recovery)
    copy = vault_path.with_name("left-behind.db")
    from broker_audit.vault import vault as vault_module

    def keep_a_copy(path: Path) -> None:
        copy.write_bytes(path.read_bytes())

    monkeypatch.setattr(vault_module, "remove_files", keep_a_copy)
    vault.forget()
    with pytest.raises((VaultLocked, VaultCorrupt)):
        Vault.open(copy, recovery_key=recovery)
    with pytest.raises((VaultLocked, VaultCorrupt)):
        Vault.open(copy, passphrase=lambda: PASSPHRASE)
    assert not vault_path.with_name("vault.db-wal").exists()


def test_default_vault_path() -> None:
    path = default_vault_path()
    assert path.name == "vault.db" and "broker-audit" in str(path)


def test_errors_never_carry_record_content(vault_path: Path) -> None:
    marker = b"Maria Lopez, 12 Elm St"
    recovery = make_vault(vault_path, [marker, b"two"])
    raw_sql(vault_path, "UPDATE records SET sealed = CAST(sealed || x'00' AS BLOB) WHERE n = 2")
    with pytest.raises(VaultCorrupt) as info:
        Vault.open(vault_path, recovery_key=recovery)
    text = str(info.value) + (info.value.hint or "") + repr(info.value.args)
    assert "Maria" not in text and recovery not in text and PASSPHRASE not in text
    assert info.value.exit_code == ExitCode.INTEGRITY


def test_odd_path_characters(tmp_path: Path) -> None:
    path = tmp_path / "dossier 100% ?#ñ" / "vault.db"
    recovery = make_vault(path, [b"x"])
    vault = Vault.open(path, recovery_key=recovery)
    assert vault.records() == [(1, b"x")]
    vault.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["vault.db"]


def test_prompt_errors_are_not_reported_as_corruption(vault_path: Path) -> None:
    make_vault(vault_path, [])

    def prompt() -> str:
        raise KeyError("the prompt failed")

    with pytest.raises(KeyError):
        Vault.open(vault_path, passphrase=prompt)


def test_forget_works_on_a_damaged_vault(vault_path: Path) -> None:
    recovery = make_vault(vault_path, [b"x"])
    vault = Vault.open(vault_path, recovery_key=recovery)
    raw_sql(vault_path, "DELETE FROM meta WHERE key = 'header_sha256'")
    vault.forget()
    assert not vault_path.exists()


def test_an_older_file_is_migrated_on_open(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The migration path: a current file meets a tool with one more (test-only) migration."""
    from broker_audit.vault import store

    recovery = make_vault(vault_path, [b"kept"])

    def add_table(conn: object) -> None:
        conn.execute("CREATE TABLE extra (x INTEGER) STRICT")  # type: ignore[attr-defined]

    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, (4, "0004_test_extra", add_table)])
    monkeypatch.setattr(store, "FORMAT_VERSION", 4)
    vault = Vault.open(vault_path, recovery_key=recovery)
    assert vault.append(b"new") == 2
    vault.close()
    assert raw_sql(vault_path, "SELECT name FROM migrations ORDER BY version") == [
        ("0001_initial",),
        ("0002_snapshot_blobs",),
        ("0003_derived_parts",),
        ("0004_test_extra",),
    ]
    vault = Vault.open(vault_path, passphrase=lambda: PASSPHRASE)
    assert vault.records() == [(1, b"kept"), (2, b"new")]
    vault.close()
    monkeypatch.setattr(store, "FORMAT_VERSION", 3)
    with pytest.raises(VaultTooNew):
        Vault.open(vault_path, recovery_key=recovery)
