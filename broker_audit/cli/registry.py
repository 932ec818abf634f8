"""`broker-audit registry import|update|check`: refresh from the state registries; validate.

Human output is drawn by cli/render/registry.py; `--json` prints one object on stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import err, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_

if TYPE_CHECKING:
    from broker_audit.registry.check import CheckReport
    from broker_audit.services.registry import ImportResult

app = typer.Typer(
    help=N_(
        "Refresh the registry from official state registries, and validate it.\n\n"
        "Example: broker-audit registry import --source ca registry.csv"
    ),
    no_args_is_help=True,
)

_INTO_HELP = N_(
    "Imported-brokers file to write (default: $BROKER_AUDIT_IMPORTED, else brokers.imported.json beside "
    "brokers.toml). If the install folder is read-only, write elsewhere and set BROKER_AUDIT_IMPORTED to "
    "that file so the other commands read it."
)


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help=N_("The registry export (CSV, or a saved HTML results page for Oregon)."),
    ),
    source: str = typer.Option(..., "--source", help=N_("Which registry: {registries}.")),
    into: Path = typer.Option(None, "--into", help=_INTO_HELP),
    source_url: str = typer.Option(
        None,
        "--source-url",
        help=N_("The official page the facts are sourced to (default: the registry's own page)."),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the import report as JSON.")),
) -> None:
    """Import a state data-broker registry export; curated facts are never overwritten.

    Example: broker-audit registry import --source ca registry.csv --into ./brokers.imported.json
    """
    from broker_audit.services.registry import import_registry

    result = import_registry(source, file, today=today(), into=into, source_url=source_url)
    _print_import(ctx, result, as_json)


@app.command("update")
def update_command(
    ctx: typer.Context,
    url: str = typer.Option(
        None,
        "--url",
        help=N_("Where to download the California export from (default: the CPPA's registry.csv)."),
    ),
    into: Path = typer.Option(None, "--into", help=_INTO_HELP),
    timeout: float = typer.Option(30.0, help=N_("Seconds to wait for the server.")),
    retries: int = typer.Option(3, help=N_("Further attempts after a timeout or a server error.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the import report as JSON.")),
) -> None:
    """Download California's current data broker registry and import it (the only network use).

    Example: broker-audit registry update --into ./brokers.imported.json
    """
    from broker_audit.services.registry import DEFAULT_UPDATE_URL, update_registry

    err(f"downloading {url or DEFAULT_UPDATE_URL} ...")
    result = update_registry(
        today=today(), url=url or DEFAULT_UPDATE_URL, into=into, timeout=timeout, retries=retries
    )
    _print_import(ctx, result, as_json)


@app.command("check")
def check_command(
    ctx: typer.Context,
    online: bool = typer.Option(
        False, "--online", help=N_("Also check that each web form and website answers.")
    ),
    max_age_days: int = typer.Option(365, "--max-age-days", help=N_("Warn about facts checked longer ago.")),
    max_urls: int = typer.Option(200, "--max-urls", help=N_("With --online: check at most this many URLs.")),
    delay: float = typer.Option(
        1.0, "--delay", help=N_("With --online: seconds between requests to one host.")
    ),
    timeout: float = typer.Option(
        10.0, "--timeout", help=N_("With --online: seconds to wait for an answer.")
    ),
    brokers_file: Path = typer.Option(
        None, "--brokers", help=N_("Curated file to check (default: the shipped one).")
    ),
    imported: Path = typer.Option(
        None, "--imported", help=N_("Imported file to check (default: the shipped one).")
    ),
    agencies: Path = typer.Option(
        None, "--agencies", help=N_("Agency directory to check (default: the shipped one).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the findings as JSON.")),
) -> None:
    """Validate the registry, the laws and the agency directory with named rules; exit 1 when any rule
    finds an error.

    Example: broker-audit registry check --json
    """
    from broker_audit.services.registry import check_registry

    report = check_registry(
        today=today(),
        online=online,
        max_age_days=max_age_days,
        max_urls=max_urls,
        timeout=timeout,
        delay=delay,
        brokers_file=brokers_file,
        imported_file=imported,
        agencies_file=agencies,
    )
    if as_json:
        from broker_audit.registry.check import check_summary

        emit(ctx, check_summary(report))
    else:
        _print_check(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_import(ctx: typer.Context, result: ImportResult, as_json: bool) -> None:
    if as_json:
        from broker_audit.services.registry import import_summary

        emit(ctx, import_summary(result))
        return
    from broker_audit.cli.render.registry import render_import

    render_import(result)


def _print_check(report: CheckReport) -> None:
    from broker_audit.cli.render.registry import render_check

    render_check(report)
