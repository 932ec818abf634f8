"""`broker-audit bulk letters|mark|status|stats`: clinic mode."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, err, parse_date, print_json, today

app = typer.Typer(
    help="Clinic mode: many clients from a spreadsheet, one print-ready batch.\n\n"
    "Example: broker-audit bulk letters clients.csv --preset ice-linked",
    no_args_is_help=True,
)


@app.command("letters")
def letters(
    ctx: typer.Context,
    clients: Path = typer.Argument(
        ..., help="The intake spreadsheet (CSV from Excel, LibreOffice or Google Sheets)."
    ),
    brokers: str = typer.Option("", "--brokers", help="Broker ids or names, comma-separated."),
    preset: str = typer.Option(
        None, "--preset", help="A named set: ice-linked, people-search, consumer-reporting."
    ),
    kind: str = typer.Option("access", "--kind", "-k", help="Letter kinds, comma-separated."),
    out: Path = typer.Option(Path("batch"), "--out", "-o", help="Folder for the batch files."),
    lang: str = typer.Option(
        "en", "--lang", help="Cover sheet language when the spreadsheet has no language column: en or es."
    ),
    column: list[str] = typer.Option(None, "--map", help="COLUMN=field, e.g. 'Apellidos=last_name'."),
    clinic: Path = typer.Option(
        None, "--clinic", help="The clinic's profile (TOML); stored in the vault for later batches."
    ),
    split: bool = typer.Option(False, "--split", help="One PDF per client instead of one per batch."),
    agent: bool = typer.Option(
        False,
        "--agent",
        help="The clinic acts as each client's authorized "
        "agent where the law allows it (with a signed-authorization page).",
    ),
    date_order: str = typer.Option(
        None,
        "--date-order",
        help="How the sheet writes birth dates: dmy (14/03/1987), mdy (03/14/1987) or ymd. "
        "Default: what the column header or a day over 12 shows; a date that reads both ways is sent to fix.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check the spreadsheet and show what was read from each row; write nothing."
    ),
    again: bool = typer.Option(
        False,
        "--again",
        help="Write a client's letter even where an open request of its kind to the broker exists "
        "(by default those are skipped and listed).",
    ),
    templates: Path = typer.Option(
        None, "--templates", help="The clinic's own templates folder; overrides ours by file name."
    ),
    workers: int = typer.Option(
        None, "--workers", help="Processes drawing the PDF (default: one per usable core)."
    ),
    disclose: list[str] = typer.Option(
        None,
        "--disclose",
        metavar="FIELD",
        help="Also tell the brokers this about each client (repeat or comma-separate): current-address, "
        "phone, birth-date, ...; all: what letters gave before.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Print every client's cover sheet and letters into one PDF, with address labels and a
    certified-mail list, and log every letter in the vault under its client.

    A letter to a broker that sells to government, police or immigration enforcement gives the
    client's name, past addresses and e-mail, with the clinic's address as its return address,
    never the client's home or phone (--disclose adds them). Each cover sheet says what each
    letter tells its company.

    Bad rows never stop the batch: they are listed at the end and written to a CSV to fix.

    Example: broker-audit bulk letters clients.csv --preset ice-linked --kind access,delete
    """
    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.batch import BatchOptions, run_batch
    from broker_audit.services.clinic import load_clinic_file

    mapping = {}
    for item in column or []:
        name, sep, field = item.partition("=")
        if not sep:
            from broker_audit.errors import UserError

            raise UserError(f"--map {item!r} needs COLUMN=field")
        mapping[name.strip()] = field.strip()
    import contextlib

    from broker_audit.cli.render import progress_bar

    bar = contextlib.nullcontext(None) if dry_run else progress_bar("Writing letters")
    with bar as advance:
        result = run_batch(
            access(ctx),
            clients,
            BatchOptions(
                kinds=tuple(k for k in kind.split(",") if k.strip()),
                brokers=tuple(b for b in brokers.split(",") if b.strip()),
                preset=preset,
                language=lang,
                column_map=mapping,
                date_order=date_order,
                as_agent=agent,
                disclose=tuple(disclose or ()),
                again=again,
                split=split,
                workers=workers,
                templates_dir=templates,
                dry_run=dry_run,
            ),
            out_dir=out,
            today=today(),
            registry=shipped_registry(),
            laws=shipped_laws(),
            clinic=load_clinic_file(clinic) if clinic else None,
            progress=advance,
        )
    summary = {
        "batch": result.batch_id,
        "dry_run": result.dry_run,
        "clients": result.clients,
        "letters": result.letters,
        "pages": result.pages,
        "files": result.files,
        "first_request": result.first_request,
        "last_request": result.last_request,
        "rows_to_fix": [{"row": b.row, "reason": b.reason} for b in result.bad_rows],
        "duplicates": [{"row": a, "same_as_row": b} for a, b in result.duplicates],
        "unmapped_columns": result.unmapped_columns,
        "by_channel": result.by_channel,
        "no_route": result.no_route,
        "no_route_brokers": result.no_route_brokers,
        "disclosure": [{"tells": what, "brokers": names} for what, names in result.disclosure.items()],
        "date_order": result.date_order,
        "notes": result.notes,
        "repeats_skipped": [
            {
                "row": r.row,
                "client": r.client_id,
                "broker": r.broker_id,
                "kind": r.kind,
                "open_request": r.request_id,
            }
            for r in result.repeats
        ],
        "repeats_checked": result.repeats_checked,
    }
    if result.dry_run:
        summary["read"] = [
            {
                "row": r.row,
                "client": r.client_id,
                "name": r.name,
                "birth_date": r.birth_date.isoformat() if r.birth_date else None,
                "state": r.state,
                "zip": r.zip,
                "language": r.language,
            }
            for r in result.read
        ]
    if as_json:
        print_json(summary)
        return
    from broker_audit.cli.render import render_batch

    render_batch(summary)


@app.command("mark")
def mark(
    ctx: typer.Context,
    batch: str = typer.Argument(..., help="Batch id, e.g. B-20261125-1A2B3C."),
    state: str = typer.Argument("sent", help="The new state for every request of the batch."),
    on: str = typer.Option(None, "--on", help="The day it happened, YYYY-MM-DD (default today)."),
    via: str = typer.Option("mail", "--via", help="mail, email, web-form, phone or fax."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Mark a whole batch at once. Sent or delivered `--via` a route marks only the letters that go
    by that route (a mailing marked sent never claims a web-form request went out); the others are
    left alone and counted.

    Example: broker-audit bulk mark B-20261125-1A2B3C sent --on 2026-11-26
    """
    from broker_audit.services.clinic import bulk_mark

    day = today()
    result = bulk_mark(
        access(ctx), batch, state, on=parse_date(on, "--on") if on else day, today=day, via=via
    )
    if as_json:
        print_json(
            {
                "batch": result.batch_id,
                "marked": result.marked,
                "skipped": [{"id": i, "reason": r} for i, r in result.skipped],
            }
        )
        return
    typer.echo(
        f"Marked {result.marked} requests of {result.batch_id} as {state}; left {len(result.skipped)} alone."
    )
    for request_id, reason in result.skipped[:20]:
        err(f"#{request_id} left as it is: {reason}")
    if len(result.skipped) > 20:
        err(f"... and {len(result.skipped) - 20} more")


@app.command("status")
def status(
    ctx: typer.Context,
    batch: str = typer.Option(None, "--batch", help="Only this batch."),
    by: str = typer.Option("client", "--by", help="Group the table by client or broker."),
    csv_file: Path = typer.Option(None, "--csv", help="Also write every request to this CSV."),
    ics_file: Path = typer.Option(None, "--ics", help="Also write due dates to this calendar."),
    as_json: bool = typer.Option(False, "--json", help="Print every request as JSON."),
) -> None:
    """The clinic's dashboard: per client (or broker), what is drafted, pending, due this week,
    overdue and answered.

    Example: broker-audit bulk status --by broker --ics due.ics
    """
    from broker_audit.services.clinic import clinic_rows, summarise, write_due_calendar, write_rows_csv

    day = today()
    rows = clinic_rows(access(ctx), today=day, batch_id=batch)
    summary = summarise(rows, by)
    if csv_file:
        write_rows_csv(rows, csv_file)
        err(f"wrote {len(rows)} requests to {csv_file}")
    if ics_file:
        count = write_due_calendar(rows, ics_file, calendar_name="broker-audit due dates")
        err(f"wrote {count} due dates to {ics_file}")
    if as_json:
        import dataclasses

        print_json([dataclasses.asdict(r) for r in rows])
        return
    from broker_audit.cli.render import render_clinic_summary

    render_clinic_summary(summary, by, day)


@app.command("stats")
def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(True, "--json/--table", help="JSON (default) or a table."),
) -> None:
    """Anonymised counts to publish: requests by broker, kind and outcome, and days to answer.
    No client data is in it; a count under 5 is shown as "<5" (a count of 1 can point at one
    client), and a median needs 5 answers.

    Example: broker-audit bulk stats > clinic-stats.json
    """
    import dataclasses

    from broker_audit.services.clinic import clinic_stats

    result = clinic_stats(access(ctx), today=today())
    if as_json:
        print_json(dataclasses.asdict(result))
        return
    from broker_audit.cli.render import render_stats

    render_stats(result)


# --- what the brokers' answers disclosed, across clients (services/clinic_findings.py) ---------


@app.command("recipients")
def recipients(
    ctx: typer.Context,
    as_json: bool = typer.Option(True, "--json/--table", help="JSON (default) or a table."),
) -> None:
    """Anonymised counts to publish: per broker, how many clients' confirmed findings name each
    kind of recipient (immigration enforcement, law enforcement, ...) and each known agency or
    broker. Counts under 5 are shown as "<5". No client data, no free-text names.

    Example: broker-audit bulk recipients > disclosed-recipients.json
    """
    import dataclasses

    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.clinic_findings import recipient_counts
    from broker_audit.services.findings import name_directory

    result = recipient_counts(access(ctx), names=name_directory(shipped_registry()).display)
    if as_json:
        print_json(dataclasses.asdict(result))
        return
    from broker_audit.cli.render_findings import render_recipient_counts

    render_recipient_counts(result)
