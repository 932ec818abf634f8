"""The keyring slot: a real Secret Service (gnome-keyring on a private D-Bus), and refusal of
backends that keep secrets in the clear."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import fast_kdf
import keyring
import pytest
from keyring.backends import chainer, fail, null
from vault_testlib import PASSPHRASE, MemoryKeyring, raw_sql

from broker_audit.errors import VaultLocked
from broker_audit.vault import keys
from broker_audit.vault.vault import Vault, keyring_available

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("vault_keyring_child.py")
KEYRING_PASSWORD = "test-keyring-password"


def _child(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(CHILD), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(f"child {args[0]} failed: {result.stderr[-3000:]}")
    return result.stdout.strip()


def test_real_secret_service_keyring_slot(secret_service: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "vault" / "vault.db"
    assert _child(secret_service, "available") == "True keyring.backends.SecretService"
    assert _child(secret_service, "create", str(path)) == "keyring,recovery"
    ((vault_id,),) = raw_sql(path, "SELECT value FROM meta WHERE key = 'vault_id'")
    assert isinstance(vault_id, bytes)
    assert _child(secret_service, "peek", vault_id.hex()) == "present"
    assert _child(secret_service, "open", str(path)) == "one,two"
    # without the keyring (this process uses the fail backend) there is no way in
    with pytest.raises(VaultLocked, match="keyring"):
        Vault.open(path, passphrase=lambda: PASSPHRASE)
    assert _child(secret_service, "forget", str(path)) == "forgotten"
    assert not path.exists()
    assert _child(secret_service, "peek", vault_id.hex()) == "absent"


def test_fail_and_null_backends_are_no_keyring(tmp_path: Path) -> None:
    for backend in (fail.Keyring(), null.Keyring()):
        keyring.set_keyring(backend)
        assert keyring_available() is False
        with pytest.raises(VaultLocked, match="passphrase"):
            Vault.create(tmp_path / "vault.db", passphrase=None, use_keyring=True)
        assert not (tmp_path / "vault.db").exists()


def test_plaintext_keyring_is_no_keyring(tmp_path: Path) -> None:
    pytest.importorskip("keyrings.alt")
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "plaintext-keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    assert keyring_available() is False
    with pytest.raises(VaultLocked) as info:
        Vault.create(tmp_path / "vault.db", passphrase=None, use_keyring=True)
    assert "passphrase" in (info.value.hint or "")
    vault, _ = Vault.create(tmp_path / "vault.db", passphrase=PASSPHRASE, use_keyring=True)
    assert vault.slots() == ["passphrase", "recovery"]
    vault.close()
    assert not (tmp_path / "plaintext-keyring.cfg").exists()


def test_plaintext_keyring_selected_by_env_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("keyrings.alt")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(fast_kdf.FOLDER), str(REPO)]))
    for name in ("keyrings.alt.file.PlaintextKeyring", "keyring.backends.fail.Keyring"):
        env["PYTHON_KEYRING_BACKEND"] = name
        assert _child(env, "available") == "False None"


def test_chainer_uses_only_its_secure_member(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = fail.Keyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain, memory_keyring])
    keyring.set_keyring(chainer.ChainerBackend())
    assert keys.secure_backend() is memory_keyring
    vault, _ = Vault.create(tmp_path / "vault.db", passphrase=None, use_keyring=True)
    assert vault.slots() == ["keyring", "recovery"]
    vault.close()
    # the key's secret and the last-seen state, both in the secure member only
    assert sorted(u.partition(":")[2] for _, u in memory_keyring.entries) == ["", "last-seen"]
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain])
    assert keyring_available() is False


def test_keyring_errors_mean_unavailable(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("no D-Bus")

    monkeypatch.setattr(memory_keyring, "set_password", broken)
    with pytest.raises(VaultLocked):
        Vault.create(tmp_path / "vault.db", passphrase=None, use_keyring=True)
    vault, _ = Vault.create(tmp_path / "vault.db", passphrase=PASSPHRASE, use_keyring=True)
    assert vault.slots() == ["passphrase", "recovery"]
    vault.close()
    monkeypatch.setattr(memory_keyring, "get_password", broken)
    Vault.open(tmp_path / "vault.db", passphrase=lambda: PASSPHRASE).close()


def test_keyring_backend_that_raises_on_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise RuntimeError("keyring config is broken")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    assert keyring_available() is False


def test_cli_uses_the_real_keyring_without_a_passphrase(
    secret_service: dict[str, str], tmp_path: Path
) -> None:
    """`broker-audit init` with a usable keyring asks no passphrase; later commands unlock
    through the keyring alone."""
    env = dict(secret_service, BROKER_AUDIT_VAULT=str(tmp_path / "v" / "vault.db"))
    env.pop("BROKER_AUDIT_PASSPHRASE", None)
    demo = REPO / "examples" / "demo-profile.toml"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "broker_audit", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    made = cli("init", "--profile", str(demo), "--json")
    assert made.returncode == 0, made.stderr
    assert '"keyring"' in made.stdout and '"passphrase"' not in made.stdout
    shown = cli("profile", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    assert "Núñez" in shown.stdout
    # the same vault without the keyring: locked, exit 3, one line saying how to unlock
    locked = subprocess.run(
        [sys.executable, "-m", "broker_audit", "--no-keyring", "status"],
        env=dict(env, BROKER_AUDIT_PASSPHRASE="guess"),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert locked.returncode == 3
    assert "Traceback" not in locked.stderr
