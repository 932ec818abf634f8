"""Every test gets its own home, vault folder, no keyring, a fast KDF and no network."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sitecustom"))
import fast_kdf  # noqa: E402  (test-only: the weak Argon2id cost, here and in child processes)

pytest_plugins = ["keyring_session"]  # the real Secret Service fixture: secret_service

DEMO_PROFILE = ROOT / "examples" / "demo-profile.toml"
TEST_PASSPHRASE = "correct horse battery staple"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", help="also run the tests marked slow (CI and scripts/test.sh do)"
    )
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from the current templates"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (scripts/test.sh does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("BROKER_AUDIT_VAULT", raising=False)
    monkeypatch.delenv("BROKER_AUDIT_PASSPHRASE", raising=False)
    monkeypatch.delenv("BROKER_AUDIT_TODAY", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("BROKER_AUDIT_TEST_FAST_KDF", raising=False)  # no longer read by anything
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv(
        "BROKER_AUDIT_LANG", "en"
    )  # whatever the machine's LANG says; tests of Spanish pass --lang
    monkeypatch.setenv("PYTHONPATH", fast_kdf.child_env()["PYTHONPATH"])  # children: the weak cost too
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    """Each test starts and ends in English (a test under --lang es leaves the module state)."""
    from broker_audit import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A weak Argon2id cost for new passphrase slots, accepted when read back (test-only)."""
    from broker_audit.vault import crypto

    monkeypatch.setattr(crypto, "PASSPHRASE_COSTS", fast_kdf.costs(crypto))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback and unix sockets: a test that reaches further fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise OSError(f"test tried to reach {host}: no network in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], tuple[int, str, str]]:
    """`cli(args)` runs `broker-audit args` in-process; returns (exit code, stdout, stderr).

    Like a shell, which hands every new process the same environment, the passphrase variables
    the command takes out of os.environ are put back for the next command.
    """
    import os

    from broker_audit.cli.app import main
    from broker_audit.cli.common import SECRET_VARIABLES
    from broker_audit.cli.render import base

    def run(args: list[str]) -> tuple[int, str, str]:
        shell = {name: os.environ[name] for name in SECRET_VARIABLES if name in os.environ}
        # A new process reads COLUMNS when its consoles are made; these were made once, at the
        # first import, under whatever COLUMNS an earlier test had: read it again, as a shell would.
        for console in (base.console, base.err_console):
            console.width = None  # type: ignore[assignment]
        code = 0
        try:
            main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            os.environ.update(shell)
        out, err = capsys.readouterr()
        return code, out, err

    return run
