"""`broker-audit cora`: a Colorado Open Records Act request to a sheriff."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, err, parse_date, print_json, today


def cora_command(
    ctx: typer.Context,
    agency: str = typer.Option(
        ..., "--agency", help="The sheriff's office, e.g. \"Adams County Sheriff's Office\"."
    ),
    address: str = typer.Option(..., "--address", help="Its postal address, lines separated by ';'."),
    email: str = typer.Option(None, "--email", help="The records custodian's email, for the .eml."),
    since: str = typer.Option("2019-01-01", "--since", help="Ask for records from this date."),
    out: Path = typer.Option(Path("letters"), "--out", "-o", help="Folder for the letter."),
    formats: str = typer.Option("pdf,txt", "--format", help="Any of pdf,txt,eml,html."),
    disclose: list[str] = typer.Option(
        None,
        "--disclose",
        metavar="FIELD",
        help="Also tell the agency this (repeat or comma-separate): current-address, phone, ...; "
        "by default the letter gives only your name and e-mail.",
    ),
    as_clinic: bool = typer.Option(
        False, "--as-clinic", help="The clinic makes the request in its own name: the letter names no client."
    ),
    clinic: Path = typer.Option(
        None, "--clinic", help="The clinic's profile (TOML), with --as-clinic (default: the vault's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the letter written as JSON."),
) -> None:
    """Ask a Colorado sheriff for the records of sharing booking data with data brokers
    (Appriss/VINE, LexisNexis, ...) and with immigration enforcement, under the Criminal Justice
    Records Act (criminal justice records: released at the custodian's discretion, at reasonable
    times) and the Colorado Open Records Act (its other public records, e.g. vendor contracts).
    The letter carries the statement the CCJRA asks you to sign. The request is logged; the vault
    tracks the Open Records Act's clock for the records it governs. No ID is needed to ask.

    The agency sees everything in the letter: it gives only your name and the e-mail the records
    go to (no home address, no phone) unless you add more with --disclose, or names no one at all
    with --as-clinic.

    Example: broker-audit cora --agency "Example County Sheriff" --address "1 Main St;Town, CO 80000"
    """
    from broker_audit.law.load import shipped_laws
    from broker_audit.services import parse_formats
    from broker_audit.services.clinic import load_clinic_file
    from broker_audit.services.cora import records_request

    result = records_request(
        access(ctx),
        agency=agency,
        address=address.split(";"),
        email=email,
        out_dir=out,
        formats=parse_formats(formats),
        today=today(),
        laws=shipped_laws(),
        since=parse_date(since, "--since"),
        disclose=disclose or (),
        as_clinic=as_clinic,
        clinic=load_clinic_file(clinic) if clinic else None,
    )
    err(result.disclosure)
    if as_json:
        print_json(
            {
                "id": result.request_id,
                "agency": result.broker_name,
                "kind": result.kind,
                "law": result.law_id,
                "reference": result.reference,
                "files": result.files,
                "disclosed": result.given,
                "disclosure": result.disclosure,
            }
        )
        return
    from broker_audit.cli.render import say

    say(
        f"#{result.request_id} {result.broker_name} (CCJRA and CORA): "
        + ", ".join(str(f) for f in result.files)
    )
    err("Sign the statement at the end of the letter before you send it (C.R.S. 24-72-305.5).")
    err(f"When you send it: broker-audit mark {result.request_id} sent --via mail")
