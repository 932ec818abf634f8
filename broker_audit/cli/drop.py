"""`broker-audit drop record|result`: California's DROP, tracked like any other request."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import access, parse_date, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _

if TYPE_CHECKING:
    from broker_audit.services.drop import DropResult

app = typer.Typer(
    help=N_(
        "California's DROP: record your one deletion request to every registered data broker, and\n"
        "the status DROP shows for each broker; `status` tracks them with the rest.\n\n"
        "Example: broker-audit drop record --on 2026-09-01 --drop-id D-12345 --identifiers name,email,zip"
    ),
    no_args_is_help=True,
)


@app.command("record")
def record_command(
    ctx: typer.Context,
    on: str = typer.Option(..., "--on", help=N_("The day you submitted the request on DROP, YYYY-MM-DD.")),
    drop_id: str = typer.Option(
        "", "--drop-id", help=N_("The DROP ID shown on DROP's confirmation, if any.")
    ),
    identifiers: str = typer.Option(
        "",
        "--identifiers",
        help=N_(
            "Which kinds of identifiers you gave DROP, comma-separated: {identifiers} (only the kinds "
            "are kept, not the values)."
        ),
    ),
    client: str = typer.Option(
        None, "--client", help=N_("A clinic's client id: the request is the client's.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the recorded request as JSON.")),
) -> None:
    """Record the DROP request you made on privacy.ca.gov/drop (California residents only).

    Registered data brokers must check DROP at least every 45 days from 2026-08-01 and process a
    request within 45 days of getting it; `status` shows the day by which each should have.
    DROP does not reach exempt data (public records, FCRA reports, GLBA and HIPAA data, data a
    company got from you), gives you no copy of your data, and reaches registered brokers only.

    Example: broker-audit drop record --on 2026-09-01 --drop-id D-12345 --identifiers name,email,zip
    """
    from broker_audit.services.drop import record_drop

    result = record_drop(
        access(ctx),
        submitted=parse_date(on, "--on"),
        today=today(),
        resources=resources(ctx),
        drop_id=drop_id,
        identifiers=[x for x in identifiers.split(",") if x.strip()],
        client_id=client,
    )
    _render(ctx, result, as_json)
    typer.echo(
        _("When DROP shows a broker's status: {command}").format(
            command="broker-audit drop result BROKER deleted|opted-out|exempted|not-found|pending"
        ),
        err=True,
    )


@app.command("result")
def result_command(
    ctx: typer.Context,
    broker: str = typer.Argument(..., help=N_("The broker, by id, name or alias.")),
    state: str = typer.Argument(..., help=N_("{drop_states}.")),
    on: str = typer.Option(
        None, "--on", help=N_("The day DROP showed this status, YYYY-MM-DD (default today).")
    ),
    client: str = typer.Option(
        None, "--client", help=N_("A clinic's client id: the DROP request is the client's.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the broker's DROP row as JSON.")),
) -> None:
    """Record the status DROP shows for one broker (its row in `status` is made the first time).

    Example: broker-audit drop result lexisnexis exempted --on 2026-10-20
    """
    from broker_audit.services.drop import record_drop_result

    result = record_drop_result(
        access(ctx),
        broker,
        state,
        today=today(),
        resources=resources(ctx),
        on=parse_date(on, "--on") if on else None,
        client_id=client,
    )
    _render(ctx, result, as_json)


def _render(ctx: typer.Context, result: DropResult, as_json: bool) -> None:
    if as_json:
        from broker_audit.tracking.shown import request_record

        emit(ctx, request_record(result.view, today()))
        return
    from broker_audit.cli.render.drop import render_drop

    render_drop(result)
