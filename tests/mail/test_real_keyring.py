"""The mail password in a real Secret Service (GNOME Keyring on a private D-Bus session): stored by
`mail setup`, used by `send` without asking, removed by `vault forget`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailservers import PASSWORD, USER, SmtpServer

# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

REPO = Path(__file__).resolve().parents[2]
PEEK = (
    "import sys\n"
    "from keyring.backends.SecretService import Keyring\n"
    "print(Keyring().get_password('broker-audit-mail', sys.argv[1]) or 'absent')\n"
)
ACCOUNT_ID = (
    "from broker_audit.services import VaultAccess, open_journal, vault_path\n"
    "with open_journal(VaultAccess(path=vault_path())) as journal:\n"
    "    print(journal.mail_account.account_id)\n"
)


def _stop(process: subprocess.Popen[bytes]) -> None:
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
        PYTHONPATH=str(REPO),
        BROKER_AUDIT_TEST_FAST_KDF="1",
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
        daemon.stdin.write(b"test-keyring-password")
        daemon.stdin.close()
        probe = "from broker_audit.vault.keys import keyring_available as k; print(k())"
        for _ in range(50):
            out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
            if out.stdout.strip() == "True":
                break
            time.sleep(0.1)
        else:
            pytest.skip("gnome-keyring-daemon did not offer the Secret Service")
        yield env
    finally:
        if daemon is not None:
            _stop(daemon)
        _stop(bus)


def test_the_mail_password_lives_in_the_real_keyring(
    secret_service: dict[str, str], tmp_path: Path, smtp_tls: SmtpServer
) -> None:
    env = dict(secret_service, BROKER_AUDIT_VAULT=str(tmp_path / "v" / "vault.db"))
    for name in ("BROKER_AUDIT_PASSPHRASE", "BROKER_AUDIT_MAIL_PASSWORD", "BROKER_AUDIT_TODAY"):
        env.pop(name, None)

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "broker_audit", *args],
            env=dict(env, **extra),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    made = cli("init", "--profile", str(REPO / "examples" / "demo-profile.toml"))
    assert made.returncode == 0, made.stderr
    assert (
        cli("request", "lexisnexis", "--kind", "delete", "--via", "email", "--out", str(tmp_path)).returncode
        == 0
    )
    setup = cli(
        "mail",
        "setup",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(smtp_tls.port),
        "--smtp-security",
        "tls",
        "--smtp-user",
        USER,
        "--cafile",
        str(smtp_tls.cafile),
        BROKER_AUDIT_MAIL_PASSWORD=PASSWORD,
    )
    assert setup.returncode == 0, setup.stderr
    assert "The password is kept in your OS keyring." in setup.stdout
    # no password in the environment and no terminal: it comes from the keyring
    sent = cli("send", "--yes", "--pace", "0")
    assert sent.returncode == 0, sent.stderr
    assert len(smtp_tls.received) == 1 and smtp_tls.logins == [USER]
    vault_bytes = (tmp_path / "v" / "vault.db").read_bytes()
    assert PASSWORD.encode() not in vault_bytes

    def python(code: str, *args: str) -> str:
        run = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    account_id = python(ACCOUNT_ID)
    assert len(account_id) == 32 and python(PEEK, account_id) == PASSWORD
    gone = cli("vault", "forget", "--confirm", "forget")
    assert gone.returncode == 0, gone.stderr
    assert python(PEEK, account_id) == "absent"
