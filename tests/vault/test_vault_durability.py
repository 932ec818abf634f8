"""Durability: an acknowledged append survives SIGKILL at any instant."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import fast_kdf
import pytest
from vault_appender import payload
from vault_testlib import make_vault

from broker_audit.vault.vault import Vault

REPO = Path(__file__).resolve().parents[2]
APPENDER = Path(__file__).with_name("vault_appender.py")
ROUNDS = 30


def _child_env() -> dict[str, str]:
    env = fast_kdf.child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env["PYTHONPATH"], str(REPO)]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


@pytest.mark.slow
def test_acknowledged_appends_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    recovery = make_vault(path, [payload(1)])
    acknowledged = {1}
    rng = random.Random(20240611)
    deadline = time.monotonic() + 120
    for round_number in range(ROUNDS):
        if time.monotonic() > deadline:
            break
        child = subprocess.Popen(
            [sys.executable, str(APPENDER), str(path), recovery],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_env(),
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline().strip()
        if first != "ready":
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"round {round_number}: child failed to open the vault: {err[-2000:]}")
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        acknowledged.update(int(line) for line in out.split())
    vault = Vault.open(path, recovery_key=recovery)
    records = vault.records()
    stored = dict(records)
    assert [n for n, _ in records] == list(range(1, len(records) + 1))
    assert acknowledged <= stored.keys(), sorted(acknowledged - stored.keys())[:10]
    for n, content in records:
        assert content == payload(n), f"record {n} has the wrong content"
    assert len(acknowledged) > ROUNDS  # the children did real work
    assert vault.append(b"after the kills") == len(records) + 1
    vault.close()
