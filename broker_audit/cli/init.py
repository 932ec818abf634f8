"""`broker-audit init`: create the vault and the requester's profile."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from broker_audit.cli.common import err, globals_of, passphrase_prompt
from broker_audit.cli.output import emit

if TYPE_CHECKING:
    from broker_audit.profile import Profile

from broker_audit.i18n import N_, _

T = TypeVar("T")


def init_command(
    ctx: typer.Context,
    profile_file: Path = typer.Option(
        None, "--profile", help=N_("Read the profile from this TOML file instead of asking.")
    ),
    passphrase: bool = typer.Option(
        False, "--passphrase", help=N_("Protect the vault with a passphrase (also when a keyring exists).")
    ),
    clinic: Path = typer.Option(
        None, "--clinic", help=N_("A clinic's vault: the clinic's profile (TOML) instead of a person's.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the result as JSON.")),
) -> None:
    """Create the encrypted vault and store your profile in it.

    The vault key goes into the OS keyring when a secure one exists; otherwise (or with
    --passphrase) a passphrase protects it, asked twice or read from BROKER_AUDIT_PASSPHRASE.
    A recovery key is printed once: write it down.

    A clinic creates one vault for all its clients with --clinic clinic.toml (keys:
    organization, contact_name, address, email, phone).

    Example: BROKER_AUDIT_PASSPHRASE=... broker-audit init --passphrase --profile me.toml
    """
    from broker_audit.profile import load_profile_file
    from broker_audit.services import init_vault, vault_path
    from broker_audit.vault.vault import keyring_available

    g = globals_of(ctx)
    path = vault_path(g.vault)
    if path.exists():
        from broker_audit.errors import VaultExists

        raise VaultExists(
            _("a vault already exists at {path}").format(path=path),
            _("use it, choose another with --vault, or remove it with `broker-audit vault forget`"),
        )
    from broker_audit.services.clinic import load_clinic_file

    agent = load_clinic_file(clinic) if clinic else None
    profile: Profile | None = None
    if profile_file:
        profile = load_profile_file(profile_file)
    elif agent is None:
        profile = ask_profile()
    use_keyring = not g.no_keyring and keyring_available()
    secret = passphrase_prompt(confirm=True) if passphrase or not use_keyring else None
    result = init_vault(path, profile, passphrase=secret, use_keyring=use_keyring, clinic=agent)
    if as_json:
        emit(ctx, result)
        return
    typer.echo(_("Created the vault at {path}").format(path=result.path))
    typer.echo(
        _("Unlocked by: {slots}").format(slots=", ".join(_(SLOT_WORDS.get(s, s)) for s in result.slots))
    )
    typer.echo("")
    typer.echo(_("Recovery key (shown once; write it down and keep it apart from this computer):"))
    typer.echo(f"    {result.recovery_key}")
    if agent is not None:
        err(
            _("Next: {command}").format(
                command="broker-audit bulk letters clients.csv --preset ice-linked --kind access,delete "
                "--dry-run"
            )
        )
    else:
        err(
            _("Next: {first}, then {second}").format(
                first="broker-audit brokers list", second="broker-audit request BROKER --kind access"
            )
        )


SLOT_WORDS = {"keyring": N_("keyring"), "passphrase": N_("passphrase"), "recovery": N_("recovery")}
"""How `init` names the key slots that unlock the vault."""


def ask_profile() -> Profile:
    """Ask for the profile on the terminal, one field at a time."""
    import functools
    import sys
    from collections.abc import Callable

    from broker_audit.errors import UserError
    from broker_audit.profile import (
        Address,
        Profile,
        ReplyAddress,
        parse_birth_date,
        parse_state,
        parse_zip,
        validate_profile,
    )

    if not sys.stdin.isatty():
        raise UserError(
            _("no profile given and no terminal to ask on"),
            _("pass --profile me.toml (see README for its keys)"),
        )
    ask = typer.prompt

    def ask_valid(text: str, parse: Callable[[str], T], default: str | None = None) -> T:
        """Ask again until `parse` accepts the answer (it raises UserError with the reason)."""
        while True:
            answer = str(ask(text, err=True, default=default))
            try:
                return parse(answer)
            except UserError as exc:
                typer.echo("  " + _("{problem}; try again").format(problem=exc.message), err=True)

    name = ask(_("Full name, as it appears on your mail"), err=True)
    other = ask(_("Other names you have used (comma-separated, or empty)"), default="", err=True)
    state = ask_valid(_("State of residence (e.g. CO)"), parse_state)
    addresses = []
    current = True
    while True:
        label = _("Current address: street") if current else _("A previous address: street")
        line1 = ask(label, default="" if not current else None, err=True)
        if not line1:
            break
        line2 = ask("  " + _("apartment, suite (or empty)"), default="", err=True)
        city = ask("  " + _("city"), err=True)
        a_state = ask_valid("  " + _("state"), parse_state, default=state)
        zip_code = ask_valid("  " + _("ZIP code"), functools.partial(parse_zip, state=a_state))
        until = (
            None if current else ask_valid("  " + _("the year you moved out (or empty)"), _year, default="")
        )
        addresses.append(
            Address(
                line1=line1, line2=line2, city=city, state=a_state, zip=zip_code, current=current, until=until
            )
        )
        current = False
        if not typer.confirm(_("Add a previous address?"), default=False, err=True):
            break
    email = ask(_("Email (or empty)"), default="", err=True)
    phone = ask(_("Phone (or empty)"), default="", err=True)
    birth = ask_valid(
        _("Date of birth YYYY-MM-DD (optional; helps brokers find you)"), parse_birth_date, default=""
    )
    reply = None
    if typer.confirm(
        _(
            "Letters to brokers that sell to police or immigration enforcement do not give your home "
            "address. Do you have a mailing address for their answers that is not your home (a P.O. "
            "box, a trusted friend, a clinic)? Without one, they answer by e-mail"
        ),
        default=False,
        err=True,
    ):
        care_of = ask("  " + _("in care of (a name, or empty for your own P.O. box)"), default="", err=True)
        r_line1 = ask("  " + _("street or P.O. box"), err=True)
        r_city = ask("  " + _("city"), err=True)
        r_state = ask_valid("  " + _("state"), parse_state, default=state)
        r_zip = ask_valid("  " + _("ZIP code"), functools.partial(parse_zip, state=r_state))
        reply = ReplyAddress(
            care_of=f"c/o {care_of}" if care_of and not care_of.lower().startswith("c/o") else care_of,
            line1=r_line1,
            city=r_city,
            state=r_state,
            zip=r_zip,
        )
    profile = Profile(
        name=name,
        other_names=[n.strip() for n in other.split(",") if n.strip()],
        email=email,
        phone=phone,
        birth_date=birth,
        state=state,
        addresses=addresses,
        reply_address=reply,
    )
    return validate_profile(profile)


def _year(text: str) -> int | None:
    """'' -> None; a four-digit year between 1900 and this year."""
    import datetime as dt

    from broker_audit.errors import UserError

    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= dt.date.today().year:
        raise UserError(_("a year between 1900 and {year}, like 2019").format(year=dt.date.today().year))
    return int(value)
