"""`broker-audit cora`: a Colorado Open Records Act request to a sheriff, or the same request to a
whole group of agencies (every sheriff) as one campaign."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, err, parse_date, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, current_language


def cora_command(
    ctx: typer.Context,
    agency: str = typer.Option(
        None, "--agency", help=N_('One agency you name, e.g. "Adams County Sheriff\'s Office".')
    ),
    address: str = typer.Option(None, "--address", help=N_("Its postal address, lines separated by ';'.")),
    email: str = typer.Option(None, "--email", help=N_("The records custodian's email, for the .eml.")),
    group: str = typer.Option(
        None,
        "--all",
        metavar="GROUP",
        help=N_("A campaign to every agency of a group of the directory: co-sheriffs, co-state or co-all."),
    ),
    agencies: Path = typer.Option(
        None,
        "--agencies",
        help=N_("A campaign to the agencies listed in this file (one directory id a line)."),
    ),
    as_kind: str = typer.Option(
        None,
        "--as",
        metavar="clinic|person",
        help=N_(
            "Who asks: the clinic in its own name, or you with your name and e-mail only (default: "
            "you for one agency; for a campaign, the clinic when the vault has one)."
        ),
    ),
    via: str = typer.Option(
        None, "--via", help=N_("Campaign: prefer this channel ({agency_channels}) where an agency has it.")
    ),
    since: str = typer.Option("2019-01-01", "--since", help=N_("Ask for records from this date.")),
    out: Path = typer.Option(Path("letters"), "--out", "-o", help=N_("Folder for the letters.")),
    formats: str = typer.Option(
        None,
        "--format",
        help=N_(
            "Any of {formats}, comma-separated (default: pdf,txt for one agency; each route's own for a "
            "campaign)."
        ),
    ),
    disclose: list[str] = typer.Option(
        None,
        "--disclose",
        metavar="FIELD",
        help=N_(
            "One agency, as yourself: also tell the agency this (repeat or comma-separate): "
            "{fields}; by default the letter gives only your name and e-mail."
        ),
    ),
    clinic: Path = typer.Option(
        None, "--clinic", help=N_("The clinic's profile (TOML), with --as clinic (default: the vault's).")
    ),
    again: bool = typer.Option(
        False,
        "--again",
        help=N_("A campaign: write to an agency even when a records request to it is still open."),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the letters written as JSON.")),
) -> None:
    """Ask a Colorado sheriff or state agency for its records of sharing booking data with data
    brokers and immigration enforcement.

    The request is made to a sheriff for booking data it shares with data brokers (Appriss/VINE,
    LexisNexis, ...) and with immigration enforcement, under the Criminal Justice Records Act
    (criminal justice records: released at the custodian's discretion, at reasonable times) and
    the Colorado Open Records Act (its other public records, e.g. vendor contracts). The letter
    carries the statement the CCJRA asks you to sign. The request is logged; the vault tracks the
    Open Records Act's clock for the records it governs. No ID is needed to ask.

    With --all co-sheriffs (or --agencies FILE) it writes the same request to every agency of the
    directory that has a known route, each as its route's artefact (a window-envelope PDF, an
    .eml, a web form sheet), logs each under its own clock and groups them as one campaign; the
    agencies without a route are listed. Then: `status --campaign ID`, `followup`, `reply ID
    --file`, `campaign finding`, `campaign export`.

    The agency sees everything in the letter: it gives only your name and the e-mail the records
    go to (no home address, no phone) unless you add more with --disclose, or names no one at all
    with --as clinic (the clinic asks in its own name).

    Example: broker-audit cora --agency "Example County Sheriff" --address "1 Main St;Town, CO 80000"

    Example: broker-audit cora --all co-sheriffs --out letters/sheriffs
    """
    from broker_audit.cli.render.requests import render_announcements
    from broker_audit.services import parse_formats
    from broker_audit.services.clinic import load_clinic_file

    if as_kind is not None and as_kind not in ("clinic", "person"):
        raise typer.BadParameter(_("--as is clinic or person"))
    if group is not None or agencies is not None:
        if agency or address or email or disclose:
            raise typer.BadParameter(
                _("--agency, --address, --email and --disclose are for one agency, not a campaign")
            )
        _campaign(ctx, group, agencies, as_kind, via, since, out, formats, as_json, again)
        return
    if not agency or not address:
        raise typer.BadParameter(
            _("name the agency and its address (--agency, --address), or use --all GROUP")
        )
    from broker_audit.services.cora import records_request

    result = records_request(
        access(ctx),
        agency=agency,
        address=address.split(";"),
        email=email,
        out_dir=out,
        formats=parse_formats(formats or "pdf,txt"),
        today=today(),
        resources=resources(ctx),
        since=parse_date(since, "--since"),
        disclose=disclose or (),
        as_clinic=as_kind == "clinic",
        clinic=load_clinic_file(clinic) if clinic else None,
        announce=render_announcements,
        reading_copy=current_language(),
    )
    if as_json:
        emit(ctx, result)
        return
    from broker_audit.cli.render.base import say

    say(
        _("#{id} {agency} (CCJRA and CORA): {files}").format(
            id=result.request_id, agency=result.broker_name, files=", ".join(str(f) for f in result.files)
        )
    )
    from broker_audit.cli.render.requests import render_reading_copies

    render_reading_copies(result.request_id, result.reading_copies)
    err(_("Sign the statement at the end of the letter before you send it (C.R.S. 24-72-305.5)."))
    err(
        _("When you send it: {command}").format(
            command=f"broker-audit mark {result.request_id} sent --via mail"
        )
    )


def _campaign(
    ctx: typer.Context,
    group: str | None,
    agencies: Path | None,
    as_kind: str | None,
    via: str | None,
    since: str,
    out: Path,
    formats: str | None,
    as_json: bool,
    again: bool,
) -> None:
    from broker_audit.cli.render.requests import render_announcements
    from broker_audit.services import parse_formats
    from broker_audit.services.campaign import start_campaign

    result = start_campaign(
        access(ctx),
        resources=resources(ctx),
        out_dir=out,
        today=today(),
        group=group,
        agency_list=agencies,
        since=parse_date(since, "--since"),
        as_kind=as_kind,  # type: ignore[arg-type]
        prefer=via,
        reading_copy=current_language(),
        formats=parse_formats(formats) if formats else None,
        announce=render_announcements,
        again=again,
    )
    if as_json:
        emit(ctx, result)
        return
    from broker_audit.cli.render.campaign import render_campaign_started

    render_campaign_started(result)
