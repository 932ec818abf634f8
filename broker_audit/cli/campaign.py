"""`broker-audit campaign list|finding|export`: a records campaign's findings, agency by agency."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, parse_date, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_

app = typer.Typer(
    help=N_(
        "A records campaign (`cora --all`): what each agency's answer showed, and the table of it.\n\n"
        "Example: broker-audit campaign finding 12 appriss --reply 3"
    ),
    no_args_is_help=True,
)


@app.command("list")
def list_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON."))
) -> None:
    """The campaigns in this vault, oldest first.

    Example: broker-audit campaign list
    """
    from broker_audit.services.campaign import list_campaigns

    campaigns = list_campaigns(access(ctx))
    if as_json:
        emit(ctx, campaigns)
        return
    from broker_audit.cli.render.campaign import render_campaign_list

    render_campaign_list(campaigns)


@app.command("finding")
def finding_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(
        ..., help=N_("The agency's request (or its follow-up), from `status --campaign`.")
    ),
    finding: str = typer.Argument(..., help=N_("{findings}.")),
    reply: int = typer.Option(
        None,
        "--reply",
        help=N_("The stored reply it rests on (`show ID` lists them; add one with `reply ID --file`)."),
    ),
    evidence: str = typer.Option("", "--evidence", help=N_("Another reference, when no reply is stored.")),
    on: str = typer.Option(
        None, "--on", help=N_("The day of the answer, YYYY-MM-DD (default: the reply's).")
    ),
    amount: str = typer.Option("", "--amount", help=N_("For `fee`: the amount asked, as written.")),
    note: str = typer.Option("", "--note", help=N_("A short note kept with it (e.g. the contract's title).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the finding as JSON.")),
) -> None:
    """Record what an agency's answer showed, with the reply as evidence.

    A finding is yours to read from the answer: a contract with Appriss or LexisNexis, a VINE
    agreement, ICE access, another vendor, none (the agency says it has no such records),
    refused, or a fee asked. Record one per thing shown; each goes into `campaign export`.

    Example: broker-audit campaign finding 12 appriss --reply 3 --note "VINE service agreement 2021"
    """
    from broker_audit.services.campaign import record_finding

    record = record_finding(
        access(ctx),
        request_id,
        finding,
        today=today(),
        reply_id=reply,
        evidence=evidence,
        on=parse_date(on, "--on") if on else None,
        amount=amount,
        note=note,
    )
    if as_json:
        emit(ctx, record)
        return
    from broker_audit.cli.render.campaign import render_finding

    render_finding(record)


@app.command("export")
def export_command(
    ctx: typer.Context,
    campaign_id: str = typer.Argument(..., help=N_("The campaign id, from `campaign list`.")),
    out: Path = typer.Option(Path("."), "--out", "-o", help=N_("Folder for the CSV and the PDF.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the rows and files as JSON.")),
) -> None:
    """Write the campaign's table (agency, finding, date, evidence reference, request, status) as a
    CSV that spreadsheets open safely and as a printable PDF.

    Example: broker-audit campaign export C-20261207-1A2B3C --out findings
    """
    from broker_audit.services.campaign import export_findings

    result = export_findings(access(ctx), campaign_id, out_dir=out, today=today())
    if as_json:
        emit(ctx, result)
        return
    from broker_audit.cli.render.campaign import render_export

    render_export(result)
