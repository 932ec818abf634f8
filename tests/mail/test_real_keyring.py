"""The mail password in a real Secret Service (GNOME Keyring on a private D-Bus session): stored by
`mail setup`, used by `send` without asking, removed by `vault forget`."""

from __future__ import annotations

import subprocess
import sys
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
