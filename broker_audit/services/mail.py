"""`broker-audit mail setup`: the user's own mailbox, kept in the vault; its password in the OS
keyring where a secure one exists, else asked each time. Shared by `send` and `inbox`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from broker_audit.errors import MailNotSetUp, UserError
from broker_audit.i18n import _
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import MailAccountSet

_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$"
)
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class MailSettings:
    """What `mail setup` asks for. IMAP defaults to the SMTP user; port 993."""

    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    from_addr: str = ""
    imap_host: str = ""
    imap_port: int = 993
    imap_user: str = ""
    cafile: Path | None = None
    authserv_id: str = ""


@dataclass(frozen=True)
class MailSetupResult:
    account: MailAccountSet
    password_in_keyring: bool


def _check(settings: MailSettings) -> MailSettings:
    for what, host in (("--smtp-host", settings.smtp_host), ("--imap-host", settings.imap_host)):
        if host and not _HOST.match(host):
            raise UserError(
                _("{what}: {host!r} is not a host name").format(what=what, host=host),
                _("e.g. smtp.example.org"),
            )
    if not settings.smtp_host:
        raise UserError(_("give the SMTP server (--smtp-host)"), _("your provider's help pages name it"))
    for what, port in (("--smtp-port", settings.smtp_port), ("--imap-port", settings.imap_port)):
        if not 1 <= port <= 65535:
            raise UserError(_("{what}: {port} is not a port number").format(what=what, port=port))
    if settings.smtp_security not in ("starttls", "tls"):
        raise UserError(
            f"--smtp-security: {settings.smtp_security!r} is not starttls or tls",
            _("starttls (usually port 587) or tls (usually port 465); mail is never sent in the clear"),
        )
    if not settings.smtp_user:
        raise UserError(_("give the SMTP user name (--smtp-user)"), _("usually your email address"))
    from_addr = settings.from_addr or (settings.smtp_user if "@" in settings.smtp_user else "")
    if not _ADDRESS.match(from_addr):
        raise UserError(_("give the address to send from (--from)"), _("e.g. --from me@example.org"))
    if settings.cafile is not None and not settings.cafile.is_file():
        raise UserError(f"--cafile: {settings.cafile} is not a file")
    authserv_id = settings.authserv_id.strip().lower()
    if authserv_id and not _HOST.match(authserv_id):
        raise UserError(
            f"--authserv-id: {settings.authserv_id!r} is not a server name",
            _("the first word of the Authentication-Results header your provider adds, e.g. mx.google.com"),
        )
    return MailSettings(
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_security=settings.smtp_security,
        smtp_user=settings.smtp_user,
        from_addr=from_addr,
        imap_host=settings.imap_host,
        imap_port=settings.imap_port,
        imap_user=settings.imap_user or (settings.smtp_user if settings.imap_host else ""),
        cafile=settings.cafile,
        authserv_id=authserv_id,
    )


def setup_mail(
    access: VaultAccess, settings: MailSettings, *, password: Callable[[], str], use_keyring: bool = True
) -> MailSetupResult:
    """Record the account in the vault; keep the password in a secure OS keyring if there is one
    (and `use_keyring`), else keep nothing: `send` and `inbox` ask for it each time."""
    from broker_audit.mail.password import delete_password, store_password

    settings = _check(settings)
    with open_journal(access) as journal:
        old = journal.mail_account
        account_id = old.account_id if old is not None else secrets.token_hex(16)
        stored = False
        if use_keyring:
            from broker_audit.vault.keys import keyring_available

            if keyring_available():
                secret = password()
                if not secret:
                    raise UserError(_("the mail password is empty"))
                stored = store_password(account_id, secret)
        if not stored:
            delete_password(account_id)
        account = MailAccountSet(
            account_id=account_id,
            from_addr=settings.from_addr,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_security="tls" if settings.smtp_security == "tls" else "starttls",
            smtp_user=settings.smtp_user,
            imap_host=settings.imap_host,
            imap_port=settings.imap_port,
            imap_user=settings.imap_user,
            password_in_keyring=stored,
            cafile=str(settings.cafile.resolve()) if settings.cafile else "",
            recorded=now(),
            authserv_id=settings.authserv_id,
        )
        journal.append([account])
    return MailSetupResult(account=account, password_in_keyring=stored)


def require_account(journal: Journal, *, imap: bool = False) -> MailAccountSet:
    account = journal.mail_account
    if account is None:
        raise MailNotSetUp(
            _("no mailbox is set up"),
            _("run `broker-audit mail setup --smtp-host ... --smtp-user ...` first"),
        )
    if imap and not account.imap_host:
        raise MailNotSetUp(
            _("the mailbox has no IMAP server set up"),
            _("run `broker-audit mail setup ... --imap-host HOST` again"),
        )
    return account


def account_password(account: MailAccountSet, password: Callable[[], str]) -> str:
    """The password from the keyring when it holds it, else from `password` (prompt or env)."""
    from broker_audit.mail.password import fetch_password

    if account.password_in_keyring:
        found = fetch_password(account.account_id)
        if found:
            return found
    secret = password()
    if not secret:
        raise UserError(_("the mail password is empty"))
    return secret


def cafile_for(account: MailAccountSet, override: Path | None) -> Path | None:
    if override is not None:
        if not override.is_file():
            raise UserError(f"--cafile: {override} is not a file")
        return override
    return Path(account.cafile) if account.cafile else None


def forget_mail_password(journal: Journal) -> None:
    """Remove the mail password from the keyring (part of `vault forget`)."""
    from broker_audit.mail.password import delete_password

    if journal.mail_account is not None:
        delete_password(journal.mail_account.account_id)
