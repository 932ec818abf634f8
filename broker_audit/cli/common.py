"""What every command shares: the vault options, passphrase prompts, today, and output."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from broker_audit.errors import UserError, VaultLocked
from broker_audit.i18n import N_, _

if TYPE_CHECKING:
    from broker_audit.services.access import VaultAccess
    from broker_audit.services.resources import Resources
    from broker_audit.vault.vault import OpenInfo


@dataclass
class Globals:
    vault: Path | None = None
    no_keyring: bool = False
    debug: bool = False
    resources: Resources | None = None  # made on first use, one per run


def globals_of(ctx: typer.Context) -> Globals:
    root = ctx.find_root()
    if not isinstance(root.obj, Globals):
        root.obj = Globals()
    return root.obj


def today() -> dt.date:
    """Today, or BROKER_AUDIT_TODAY (YYYY-MM-DD) to see the state of things on another day
    (within the range every date must fall in: broker_audit/dates.py)."""
    text = os.environ.get("BROKER_AUDIT_TODAY")
    if text:
        return parse_date(text, "BROKER_AUDIT_TODAY")
    return dt.date.today()


def parse_date(text: str, what: str) -> dt.date:
    """A YYYY-MM-DD option, range-checked (1900-01-01 to ten years from now) before any use."""
    from broker_audit.dates import parse_date as parse_checked

    return parse_checked(text, what)


MAIL_PASSWORD_ENV = "BROKER_AUDIT_MAIL_PASSWORD"
SECRET_VARIABLES = ("BROKER_AUDIT_PASSPHRASE", "BROKER_AUDIT_NEW_PASSPHRASE", MAIL_PASSWORD_ENV)
"""Environment variables that hold a passphrase or the mail password: taken out of os.environ as
soon as they are read."""

_secrets: dict[str, str] = {}
SCRUB_WARNING = N_(
    "warning: the passphrase or mail password could not be wiped from this process's start-up "
    "environment (other programs of yours can read it while this runs); prefer --passphrase-fd "
    "or the OS keyring"
)


def take_secrets() -> bool:
    """Move the passphrase variables out of the environment, for this command only; False if
    their values could not be wiped from the process's start-up environment block.

    Once read they are gone from ``os.environ`` and from the kernel's view of the environment
    (/proc/PID/environ, `ps e`: cli/environ.py overwrites them where they lie): worker processes,
    anything a template or a library might read from the environment, other programs of the user
    and crash reports never see them.
    """
    from broker_audit.cli.environ import scrub

    _secrets.clear()
    values, wiped = scrub(SECRET_VARIABLES)
    _secrets.update(values)
    return wiped


def read_passphrase_fd(fd: int) -> None:
    """`--passphrase-fd N`: the passphrase from an open file descriptor (its first line), so it
    is never in the environment at all. The descriptor is closed."""
    if fd < 0:
        raise UserError(_("--passphrase-fd must be an open file descriptor (a number from 0)"))
    chunks: list[bytes] = []
    try:
        while sum(len(c) for c in chunks) <= 4096:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\n" in chunk:
                break
    except OSError as exc:
        raise UserError(
            _("--passphrase-fd {fd}: cannot read it ({why})").format(
                fd=fd, why=exc.strerror or type(exc).__name__
            ),
            _("open the descriptor for reading, e.g. `broker-audit --passphrase-fd 3 status 3<passfile`"),
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    line = b"".join(chunks).split(b"\n", 1)[0].rstrip(b"\r")
    if not line:
        raise UserError(_("--passphrase-fd {fd}: no passphrase was read from it").format(fd=fd))
    try:
        _secrets["BROKER_AUDIT_PASSPHRASE"] = line.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(_("--passphrase-fd {fd}: the passphrase is not UTF-8 text").format(fd=fd)) from None


def _secret(name: str) -> str | None:
    value = os.environ.pop(name, None)  # set after take_secrets (a library caller): take it now
    if value:
        _secrets[name] = value
    return _secrets.get(name)


def passphrase_prompt(*, confirm: bool = False, env_name: str = "BROKER_AUDIT_PASSPHRASE") -> str:
    """The passphrase from the environment variable `env_name`, else asked on the terminal."""
    env = _secret(env_name)
    if env:
        return env
    if not sys.stdin.isatty():
        if env_name != "BROKER_AUDIT_PASSPHRASE":  # the vault is open: the new one is missing
            raise UserError(
                _("the new passphrase is needed and there is no terminal to ask for it twice"),
                _("set {variable}, or run the command in a terminal").format(variable=env_name),
            )
        raise VaultLocked(
            _("the vault needs its passphrase and there is no terminal to ask on"),
            _("set {variable}, or run the command in a terminal").format(variable=env_name),
        )
    while True:
        first = str(typer.prompt(_("Vault passphrase"), hide_input=True, err=True))
        if not confirm:
            return first
        if len(first) < 8:
            typer.echo(_("Use at least 8 characters; a few unrelated words are best."), err=True)
            continue
        if typer.prompt(_("Repeat the passphrase"), hide_input=True, err=True) == first:
            return first
        typer.echo(_("The two did not match; try again."), err=True)


def mail_password_prompt() -> str:
    """The mail password: BROKER_AUDIT_MAIL_PASSWORD (taken at start-up), else asked, hidden."""
    from broker_audit.errors import MailPasswordMissing

    value = _secret(MAIL_PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise MailPasswordMissing(
            _("the mail password is needed and there is no terminal to ask on"),
            _("set {variable} for this run, or run the command in a terminal").format(
                variable=MAIL_PASSWORD_ENV
            ),
        )
    return str(typer.prompt(_("Mail password (or app password)"), hide_input=True, err=True))


def ask_yes(question: str, *, yes: bool, what: str) -> bool:
    """True with --yes; else ask on the terminal; with no terminal, refuse with a hint."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UserError(
            _("refusing to {what} without confirmation").format(what=what),
            _("pass --yes (scripts) or run it in a terminal"),
        )
    return typer.confirm(question, default=False, err=True)


def access(ctx: typer.Context, *, recovery_key: str | None = None) -> VaultAccess:
    from broker_audit.services import VaultAccess, vault_path

    g = globals_of(ctx)
    return VaultAccess(
        path=vault_path(g.vault),
        passphrase=passphrase_prompt,
        recovery_key=recovery_key,
        use_keyring=not g.no_keyring,
        on_unlock=show_unlock,
    )


def resources(ctx: typer.Context) -> Resources:
    """The registry, laws and agencies for this run, each loaded when a service first reads it."""
    g = globals_of(ctx)
    if g.resources is None:
        from broker_audit.services.resources import Resources

        g.resources = Resources()
    return g.resources


def show_unlock(info: OpenInfo) -> None:
    """On stderr: "vault: N records, last change DATE", then any warning about the vault (our
    own words and numbers only; plain text, so it costs no rich import)."""
    err(_("vault: {summary}").format(summary=info.summary()))
    for warning in info.warnings:
        err(_("warning: {warning}").format(warning=warning))


def err(message: str) -> None:
    """A line on stderr; data in it loses its escape sequences and control characters."""
    from broker_audit.cleantext import clean_lines

    typer.echo(clean_lines(message), err=True)
