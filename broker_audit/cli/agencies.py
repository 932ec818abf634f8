"""`broker-audit agencies list|show`: the directory of agencies a records request goes to."""

from __future__ import annotations

import typer

from broker_audit.cli.common import resources
from broker_audit.cli.output import emit
from broker_audit.i18n import N_

app = typer.Typer(
    help=N_(
        "The agencies a records request goes to: Colorado's sheriffs and state agencies.\n\n"
        "Example: broker-audit agencies list --without-route"
    ),
    no_args_is_help=True,
)


@app.command("list")
def list_command(
    ctx: typer.Context,
    group: str = typer.Option(None, "--group", help=N_("Only this group: co-sheriffs, co-state or co-all.")),
    without_route: bool = typer.Option(
        False, "--without-route", help=N_("Only the agencies no campaign letter can reach yet.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON.")),
) -> None:
    """Each agency, the route a campaign letter takes to it (or none), and what is unknown.

    Example: broker-audit agencies list --group co-sheriffs
    """
    from broker_audit.services.agencies import list_agencies

    rows = list_agencies(resources(ctx).agencies, group=group, without_route=without_route)
    if as_json:
        emit(ctx, rows)
        return
    from broker_audit.cli.render.listing import render_agency_table

    render_agency_table(rows)


@app.command("show")
def show_command(
    ctx: typer.Context,
    agency_id: str = typer.Argument(..., help=N_("The agency's id, e.g. sheriff-jefferson.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the record as JSON.")),
) -> None:
    """One agency: every route with its source, grade and door, and what is not known.

    Example: broker-audit agencies show sheriff-jefferson
    """
    from broker_audit.registry.agencies import choose_agency_route

    agency = resources(ctx).agencies.get(agency_id)
    if as_json:
        emit(ctx, agency)
        return
    from broker_audit.cli.render.campaign import render_agency

    render_agency(agency, choose_agency_route(agency))
