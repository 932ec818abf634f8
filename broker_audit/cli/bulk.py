"""`broker-audit bulk letters|mark|status|stats`: clinic mode."""

from __future__ import annotations

from pathlib import Path

import typer

from broker_audit.cli.common import access, err, parse_date, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, ngettext

app = typer.Typer(
    help=N_(
        "Clinic mode: many clients from a spreadsheet, one print-ready batch.\n\n"
        "Example: broker-audit bulk letters clients.csv --preset ice-linked"
    ),
    no_args_is_help=True,
)


@app.command("letters")
def letters(
    ctx: typer.Context,
    clients: Path = typer.Argument(
        ..., help=N_("The intake spreadsheet (CSV from Excel, LibreOffice or Google Sheets).")
    ),
    brokers: str = typer.Option("", "--brokers", help=N_("Broker ids or names, comma-separated.")),
    preset: str = typer.Option(
        None, "--preset", help=N_("A named set: ice-linked, people-search, consumer-reporting.")
    ),
    kind: str = typer.Option(
        "access", "--kind", "-k", help=N_("Letter kinds, comma-separated: {batch_kinds}.")
    ),
    out: Path = typer.Option(Path("batch"), "--out", "-o", help=N_("Folder for the batch files.")),
    lang: str = typer.Option(
        "en", "--lang", help=N_("Cover sheet language when the spreadsheet has no language column: en or es.")
    ),
    column: list[str] = typer.Option(None, "--map", help=N_("COLUMN=field, e.g. 'Apellidos=last_name'.")),
    clinic: Path = typer.Option(
        None, "--clinic", help=N_("The clinic's profile (TOML); stored in the vault for later batches.")
    ),
    split: bool = typer.Option(False, "--split", help=N_("One PDF per client instead of one per batch.")),
    agent: bool = typer.Option(
        False,
        "--agent",
        help=N_(
            "The clinic acts as each client's authorized "
            "agent where the law allows it (with a signed-authorization page)."
        ),
    ),
    date_order: str = typer.Option(
        None,
        "--date-order",
        help=N_(
            "How the sheet writes birth dates: dmy (14/03/1987), mdy (03/14/1987) or ymd. "
            "Default: what the column header or a day over 12 shows; a date that reads both ways is "
            "sent to fix."
        ),
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help=N_("Check the spreadsheet and show what was read from each row; write nothing."),
    ),
    again: bool = typer.Option(
        False,
        "--again",
        help=N_(
            "Write a client's letter even where an open request of its kind to the broker exists "
            "(by default those are skipped and listed)."
        ),
    ),
    templates: Path = typer.Option(
        None, "--templates", help=N_("The clinic's own templates folder; overrides ours by file name.")
    ),
    workers: int = typer.Option(
        None, "--workers", help=N_("Processes drawing the PDF (default: one per usable core).")
    ),
    disclose: list[str] = typer.Option(
        None,
        "--disclose",
        metavar="FIELD",
        help=N_(
            "Also tell the brokers this about each client (repeat or comma-separate): {fields}; all: "
            "what letters gave before."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the summary as JSON.")),
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
    from broker_audit.services.batch import BatchOptions, run_batch
    from broker_audit.services.clinic import load_clinic_file

    mapping = {}
    for item in column or []:
        name, sep, field = item.partition("=")
        if not sep:
            from broker_audit.errors import UserError

            raise UserError(_("--map {item} needs COLUMN=field").format(item=repr(item)))
        mapping[name.strip()] = field.strip()
    import contextlib

    from broker_audit.cli.render.base import progress_bar

    bar = contextlib.nullcontext(None) if dry_run else progress_bar(_("Writing letters"))
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
            resources=resources(ctx),
            clinic=load_clinic_file(clinic) if clinic else None,
            progress=advance,
        )
    from broker_audit.services.batchsummary import batch_summary

    summary = batch_summary(result)
    if as_json:
        emit(ctx, summary)
        return
    from broker_audit.cli.render.bulk import render_batch

    render_batch(summary)


@app.command("mark")
def mark(
    ctx: typer.Context,
    batch: str = typer.Argument(..., help=N_("Batch id, e.g. B-20261125-1A2B3C.")),
    state: str = typer.Argument("sent", help=N_("The new state for every request of the batch.")),
    on: str = typer.Option(None, "--on", help=N_("The day it happened, YYYY-MM-DD (default today).")),
    via: str = typer.Option("mail", "--via", help=N_("The route the letters went by: {channels}.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the result as JSON.")),
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
        emit(ctx, result)
        return
    from broker_audit.words import state_word

    typer.echo(
        ngettext(
            "Marked {count} request of {batch} as {state}; left {left} alone.",
            "Marked {count} requests of {batch} as {state}; left {left} alone.",
            result.marked,
        ).format(
            count=result.marked, batch=result.batch_id, state=state_word(state), left=len(result.skipped)
        )
    )
    for left in result.skipped[:20]:
        err(_("#{id} left as it is: {reason}").format(id=left.request_id, reason=left.reason))
    if len(result.skipped) > 20:
        err(_("... and {count} more").format(count=len(result.skipped) - 20))


@app.command("status")
def status(
    ctx: typer.Context,
    batch: str = typer.Option(None, "--batch", help=N_("Only this batch.")),
    by: str = typer.Option("client", "--by", help=N_("Group the table by {groupings}.")),
    csv_file: Path = typer.Option(None, "--csv", help=N_("Also write every request to this CSV.")),
    ics_file: Path = typer.Option(None, "--ics", help=N_("Also write due dates to this calendar.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print every request as JSON.")),
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
        err(
            ngettext("wrote {count} request to {path}", "wrote {count} requests to {path}", len(rows)).format(
                count=len(rows), path=csv_file
            )
        )
    if ics_file:
        count = write_due_calendar(rows, ics_file, calendar_name=_("broker-audit: due dates"))
        err(
            ngettext("wrote {count} due date to {path}", "wrote {count} due dates to {path}", count).format(
                count=count, path=ics_file
            )
        )
    if as_json:
        emit(ctx, rows)
        return
    if not rows:  # not an empty table: say so, and how to start
        typer.echo(
            _("No client requests yet. Make the first batch with: {command}").format(
                command="broker-audit bulk letters clients.csv --preset ice-linked --dry-run"
            )
        )
        return
    from broker_audit.cli.render.bulk import render_clinic_summary

    render_clinic_summary(summary, by, day)


@app.command("stats")
def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(True, "--json/--table", help=N_("JSON (default) or a table.")),
) -> None:
    """Anonymised counts to publish: requests by broker, kind and outcome, and days to answer.
    No client data is in it; a count under 5 is shown as "<5" (a count of 1 can point at one
    client), and a median needs 5 answers.

    Example: broker-audit bulk stats > clinic-stats.json
    """
    from broker_audit.services.clinic import clinic_stats

    result = clinic_stats(access(ctx), today=today())
    if as_json:
        emit(ctx, result)
        return
    from broker_audit.cli.render.bulk import render_stats

    render_stats(result)


# --- what the brokers' answers disclosed, across clients (services/clinic_findings.py) ---------


@app.command("recipients")
def recipients(
    ctx: typer.Context,
    as_json: bool = typer.Option(True, "--json/--table", help=N_("JSON (default) or a table.")),
) -> None:
    """Anonymised counts to publish: per broker, how many clients' confirmed findings name each
    kind of recipient (immigration enforcement, law enforcement, ...) and each known agency or
    broker. Counts under 5 are shown as "<5". No client data, no free-text names.

    Example: broker-audit bulk recipients > disclosed-recipients.json
    """
    from broker_audit.services.clinic_findings import recipient_counts
    from broker_audit.services.findings import name_directory

    result = recipient_counts(access(ctx), names=name_directory(resources(ctx).registry).display)
    if as_json:
        emit(ctx, result)
        return
    from broker_audit.cli.render.findings import render_recipient_counts

    render_recipient_counts(result)
