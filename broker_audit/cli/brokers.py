"""`broker-audit brokers list|show`: browse the registry."""

from __future__ import annotations

import typer

from broker_audit.cli.common import resources
from broker_audit.cli.output import emit
from broker_audit.i18n import N_

app = typer.Typer(
    help=N_(
        "Browse the registry of data brokers.\n\n"
        "Example: broker-audit brokers list --sells-to immigration-enforcement"
    ),
    no_args_is_help=True,
)


@app.command("list")
def list_command(
    ctx: typer.Context,
    category: str = typer.Option(None, help=N_("Only this category, e.g. people-search.")),
    sells_to: str = typer.Option(
        None,
        "--sells-to",
        help=N_(
            "Only brokers with documented sales to: immigration-enforcement, law-enforcement, "
            "federal-government."
        ),
    ),
    registry: str = typer.Option(None, help=N_("Only brokers in this state registry: ca, vt, tx, or.")),
    search: str = typer.Option(None, "--search", "-s", help=N_("Text to look for in names and brands.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON.")),
) -> None:
    """List the brokers in the registry.

    Example: broker-audit brokers list --sells-to immigration-enforcement
    """
    from broker_audit.cli.render.listing import render_broker_table
    from broker_audit.services.brokers import list_broker_rows, list_brokers

    filters = {"category": category, "sells_to": sells_to, "state_registry": registry, "text": search}
    if as_json:
        emit(ctx, list_brokers(resources(ctx).registry, **filters))
        return
    render_broker_table(list_broker_rows(**filters))


@app.command("show")
def show_command(
    ctx: typer.Context,
    broker: str = typer.Argument(..., help=N_("Broker id, name, alias or brand.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON.")),
) -> None:
    """Show everything we know about one broker, with sources.

    Example: broker-audit brokers show accurint
    """

    registry = resources(ctx).registry
    record = registry.resolve(broker)
    if as_json:
        emit(ctx, record)
        return
    from broker_audit.cli.render.brokers import render_broker
    from broker_audit.services.brokers import letters_minimal_because

    render_broker(record, letters_minimal_because(registry, record))
