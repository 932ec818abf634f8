"""`broker-audit demo`: the whole path on a built-in fictional requester, no prompts."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import resources, today
from broker_audit.i18n import N_, _


def demo_command(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("broker-audit-demo"), "--out", "-o", help=N_("Folder for the demo letters.")
    ),
) -> None:
    """See the whole path on a fictional person in a throwaway vault: letters written, logged, tracked.

    It writes access letters for a fictional Colorado resident to LexisNexis Risk Solutions (by
    mail, its portal's sheet beside) and for Appriss Insights (to its parent, Equifax, and a
    complaint to the Colorado AG: it names no door), logs them in a throwaway encrypted vault, and
    shows the status today and in 60 days. The vault is shredded at the end; only the letters stay.

    Example: broker-audit demo --out demo-letters
    """
    from broker_audit.cli.render.listing import render_status
    from broker_audit.services import run_demo

    day = today()
    result = run_demo(out, today=day, resources=resources(ctx))
    from broker_audit.cli.render.requests import render_letters
    from broker_audit.words import channel_done

    typer.echo(_("Letters written for the fictional requester in examples/demo-profile.toml:"))
    render_letters(result.letters, result.no_route, [], told=True)
    typer.echo("")
    if result.letters:
        first = result.letters[0]
        how = channel_done(first.channel) or first.channel
        typer.echo(
            _("Request #{id} was marked sent {how} today. Status today:").format(id=first.request_id, how=how)
        )
    render_status(result.status_today)
    typer.echo("")
    typer.echo(
        _("Status on {day}, when the 45-day deadline has passed:").format(day=result.later.isoformat())
    )
    render_status(result.status_later)
    typer.echo(
        _(
            "The demo vault was crypto-shredded. Start for real with: broker-audit init "
            "(from this folder: .venv/bin/broker-audit init, or activate .venv first)"
        )
    )
