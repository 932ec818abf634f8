"""`broker-audit profile show|edit`."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, parse_date
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _

app = typer.Typer(
    help=N_(
        "See or change the requester's profile (kept only inside the vault).\n\n"
        "Example: broker-audit profile show"
    ),
    no_args_is_help=True,
)


@app.command("show")
def show(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON."))
) -> None:
    """Show the profile that letters are written from.

    Example: broker-audit profile show --json
    """
    from broker_audit.services import show_profile

    profile = show_profile(access(ctx))
    if as_json:
        emit(ctx, profile)
        return
    from broker_audit.cli.render.profile import render_profile

    render_profile(profile)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: str = typer.Option(None, help=N_("Full name.")),
    other_name: list[str] = typer.Option(None, "--other-name", help=N_("Other names used (repeat).")),
    email: str = typer.Option(None, help=N_("Email for replies.")),
    phone: str = typer.Option(None, help=N_("Phone number.")),
    birth_date: str = typer.Option(None, "--birth-date", help=N_("Date of birth, YYYY-MM-DD.")),
    state: str = typer.Option(None, help=N_("State of residence, two letters.")),
    advertising_id: list[str] = typer.Option(
        None,
        "--advertising-id",
        help=N_(
            "Your phone's mobile advertising ID (repeat for several phones): location-data brokers "
            "match on it. README: Advertising IDs says how to find it and what giving it means."
        ),
    ),
    licence_number: str = typer.Option(
        None, "--licence-number", help=N_("Driver's licence number: given only where you --disclose it.")
    ),
    disclose: str = typer.Option(
        None,
        "--disclose",
        metavar="FIELDS",
        help=N_(
            "What letters to brokers with no known sales to government or police give besides your "
            "name, comma-separated, of {fields}; 'standard' for the usual set."
        ),
    ),
    from_file: Path = typer.Option(
        None, "--from-file", help=N_("Replace the whole profile with this TOML file (addresses too).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the new profile as JSON.")),
) -> None:
    """Change fields of the profile; the old version stays in the encrypted log.

    Addresses and the reply address change with --from-file (same keys as `init --profile`).
    The profile is never written to disk in the clear, so there is no editor session.

    Example: broker-audit profile edit --email me@example.org --state CO
    """
    from broker_audit.letters.disclosure import ALL, parse_disclose
    from broker_audit.profile import load_profile_file
    from broker_audit.services import ProfileChanges, edit_profile
    from broker_audit.vocabulary import STANDARD_DISCLOSURE

    default: list[str] | None = None
    if disclose is not None:
        named = parse_disclose([disclose.replace("standard", ALL)])
        default = list(STANDARD_DISCLOSURE) if ALL in named else list(named)

    changes = ProfileChanges(
        name=name,
        other_names=list(other_name) if other_name else None,
        email=email,
        phone=phone,
        birth_date=parse_date(birth_date, "--birth-date") if birth_date else None,
        state=state,
        advertising_ids=list(advertising_id) if advertising_id else None,
        licence_number=licence_number,
        disclose=default,
        replace_with=load_profile_file(from_file) if from_file else None,
    )
    profile = edit_profile(access(ctx), changes)
    if as_json:
        emit(ctx, profile)
    else:
        typer.echo(_("Profile updated."))
