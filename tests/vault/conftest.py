"""Shared fixtures for the vault tests.

Every test gets the fast (weak) Argon2id cost (tests/conftest.py) and the keyring `fail` backend,
so no test ever touches the developer's real keyring; tests that want a keyring install one
explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from vault_testlib import MemoryKeyring, backend_name

from broker_audit.vault import keys


@pytest.fixture(autouse=True)
def _vault_test_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """Select an in-memory keyring and treat it as a secure backend for this test."""
    backend = MemoryKeyring()
    monkeypatch.setattr(keys, "SECURE_BACKENDS", keys.SECURE_BACKENDS | {backend_name(backend)})
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault.db"
