"""A real Secret Service for tests: a private D-Bus session with an unlocked gnome-keyring.

`secret_service` (a fixture, loaded by tests/conftest.py) yields the environment that child
processes need to reach it; tests that need it skip, saying why, where the tools are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import fast_kdf
import keyring.backend
import pytest

REPO = Path(__file__).resolve().parents[1]
KEYRING_PASSWORD = "test-keyring-password"
_PROBE = "from broker_audit.vault.keys import keyring_available as k; print(k())"


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private D-Bus session with an unlocked gnome-keyring; yields the env for children."""
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install gnome-keyring dbus-x11)")
    home, runtime = tmp_path / "keyring-home", tmp_path / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=os.pathsep.join([str(fast_kdf.FOLDER), str(REPO)]),
    )
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, env=env
    )
    daemon = None
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            pytest.skip("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert daemon.stdin is not None
        daemon.stdin.write(KEYRING_PASSWORD.encode())
        daemon.stdin.close()
        for _ in range(50):
            out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True)
            if out.stdout.strip() == "True":
                break
            time.sleep(0.1)
        else:
            pytest.skip("gnome-keyring-daemon did not offer the Secret Service")
        yield env
    finally:
        if daemon is not None:
            stop(daemon)
        stop(bus)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring, allow-listed as secure only by the `memory_keyring` fixture."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)
