"""Fixtures for the mail tests: a vault with the demo profile, real SMTP and IMAP servers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailservers import (
    AUTHSERV_ID,
    PASSWORD,
    USER,
    ImapServer,
    SmtpServer,
    dovecot_binary,
    imap_server,
    smtp_server,
)

from broker_audit.profile import load_profile_file
from broker_audit.services import VaultAccess
from broker_audit.services.letters import LetterResult, request_letters
from broker_audit.services.mail import MailSettings, setup_mail
from broker_audit.services.resources import Resources
from broker_audit.services.vaults import init_vault

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.toml"
PASS = "correct horse battery staple"
TODAY = dt.date.today()


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "vault" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    init_vault(path, load_profile_file(DEMO), passphrase=PASS, use_keyring=False)
    return path


@pytest.fixture
def access(vault_path: Path) -> VaultAccess:
    return VaultAccess(path=vault_path, passphrase=lambda: PASS, use_keyring=False)


@pytest.fixture
def smtp_tls(tmp_path: Path) -> Iterator[SmtpServer]:
    with smtp_server(tmp_path, "tls") as server:
        yield server


@pytest.fixture
def smtp_starttls(tmp_path: Path) -> Iterator[SmtpServer]:
    with smtp_server(tmp_path, "starttls") as server:
        yield server


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    if dovecot_binary() is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; scripts/test.sh does as root)")
    with imap_server() as server:
        yield server


def set_up_mail(
    access: VaultAccess,
    smtp: SmtpServer | None = None,
    imap: ImapServer | None = None,
    *,
    cafile: bool = True,
) -> None:
    """Point the vault's mail account at the test servers (the password is asked each time); with
    both, the account trusts a bundle of both servers' certificates."""
    bundle = None
    if smtp and imap and cafile:
        bundle = imap.root / "both-ca.pem"
        bundle.write_bytes(smtp.cafile.read_bytes() + imap.cafile.read_bytes())
    setup_mail(
        access,
        MailSettings(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port if smtp else 1,
            smtp_security=smtp.security if smtp else "tls",
            smtp_user=USER,
            imap_host="127.0.0.1" if imap else "",
            imap_port=imap.port if imap else 993,
            cafile=bundle or ((smtp.cafile if smtp else imap.cafile if imap else None) if cafile else None),
            authserv_id=AUTHSERV_ID if imap else "",
        ),
        password=lambda: PASSWORD,
        use_keyring=False,
    )


def email_request(
    access: VaultAccess, tmp_path: Path, broker: str = "lexisnexis", kind: str = "delete"
) -> LetterResult:
    """A drafted request whose route is email (LexisNexis: consumer.documents@lexisnexis.com)."""
    result = request_letters(
        access,
        [broker],
        [kind],
        out_dir=tmp_path / "letters",
        today=TODAY,
        resources=Resources(),
        via="email",
    )
    (letter,) = result.letters
    assert letter.channel == "email"
    return letter
