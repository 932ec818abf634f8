"""`broker-audit scan`: look for your listing on people-search sites (online, only when asked).

Human output (the plan on stderr, a results table on stdout) is drawn by cli/render/scan.py; `--json`
prints one object on stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import access, err, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from broker_audit.services.scan import ScanPlan, ScanReport


def _show_plan(plan: ScanPlan) -> None:
    from broker_audit.cli.render.scan import render_scan_plan

    render_scan_plan(plan)


def scan_command(
    ctx: typer.Context,
    broker: list[str] = typer.Option(None, "--broker", help=N_("Only this broker (id or name; repeat).")),
    name: str = typer.Option(
        None,
        "--name",
        help=N_(
            "Search only this name instead of the profile's names and their variants, e.g. a name "
            "you are better known by."
        ),
    ),
    yes: bool = typer.Option(
        False, "--yes", help=N_("Send without asking (for scripts); the list is still shown.")
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help=N_("Show what would be searched where; send nothing.")
    ),
    delay: float = typer.Option(
        2.0, "--delay", min=1.0, help=N_("Seconds between two requests to the same site (at least 1).")
    ),
    timeout: float = typer.Option(20.0, "--timeout", min=1.0, help=N_("Seconds to wait for a site.")),
    base_url: str = typer.Option(
        None, "--base-url", hidden=True, help=N_("Send every search to this server instead (for tests).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the plan and results as JSON.")),
) -> None:
    """Look for a public listing of you on people-search sites (sends your name; only when asked).

    For each people-search broker whose registry record has search rules, searches its public
    search page for your name plus city and state, honouring robots.txt, with a delay between
    requests and a clear User-Agent. Your name is tried the ways it may be listed: both
    surnames, the first surname, the last word, your other names, with and without accents; a
    site gets the next name only while it has found nothing. The exact URLs are shown and confirmed before
    anything is sent. Results (found / not found / blocked / could not read / error) are kept in
    the vault and appear in `broker-audit audit`, with the opt-out to send for each listing.

    Example: broker-audit scan --dry-run
    """
    from broker_audit.services.scan import run_scan

    def confirm(plan: ScanPlan) -> bool:
        _show_plan(plan)
        if yes:
            return True
        try:
            return typer.confirm(
                ngettext(
                    "Send this {count} search?", "Send these {count} searches?", len(plan.searches)
                ).format(count=len(plan.searches)),
                default=False,
                err=True,
            )
        except (typer.Abort, EOFError):
            return False

    from broker_audit.cli.render.scan import render_scan_progress as progress

    report = run_scan(
        access(ctx),
        resources=resources(ctx),
        confirm=confirm,
        brokers=broker or (),
        search_name=name,
        dry_run=dry_run,
        delay=delay,
        timeout=timeout,
        base_url=base_url,
        today=today(),
        progress=None if as_json else progress,
    )
    if report.dry_run and not as_json:
        _show_plan(report.plan)
    if not report.sent:
        err(_("Nothing was sent."))
    if as_json:
        from broker_audit.services.scan import scan_summary

        emit(ctx, scan_summary(report))
        return
    if report.sent:
        _render_results(report)


def _render_results(report: ScanReport) -> None:
    from broker_audit.cli.render.scan import render_scan_results

    render_scan_results(report)
