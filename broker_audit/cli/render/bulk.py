"""`bulk letters`, `bulk status` and `bulk stats`: a clinic's batch, its dashboard, its counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, joined, say

if TYPE_CHECKING:
    from broker_audit.services.batchsummary import BatchSummary
    from broker_audit.services.clinic import Stats


def render_batch(summary: BatchSummary) -> None:
    """`bulk letters`: what was written (or would be), by which routes, what was read, and the
    rows and letters passed over, each part drawn by its own function."""
    if summary.dry_run:
        say(f"Dry run: {summary.clients} clients would get {summary.letters} letters. Nothing was written.")
    else:
        say(
            f"Batch {summary.batch}: {summary.letters} letters for {summary.clients} clients, "
            f"{summary.pages} pages (requests #{summary.first_request} to #{summary.last_request})."
        )
        for path in summary.files:
            say(f"  {clean(path)}")
    _batch_routes(summary)
    for group in summary.disclosure:
        say(f"Letters to {joined(group.brokers)} give {clean(group.tells)}.", err=True)
    if summary.unmapped_columns:
        say("Columns not used: " + joined(summary.unmapped_columns))
    if summary.date_order:
        say(summary.date_order[:1].upper() + summary.date_order[1:] + ".")
    _batch_read(summary)
    _batch_passed_over(summary)
    for note in summary.notes:
        say(f"note: {clean(note)}")
    if not summary.dry_run:
        say(f"After mailing: broker-audit bulk mark {summary.batch} sent --via mail")


def _batch_routes(summary: BatchSummary) -> None:
    """How many letters go by each channel, and those with no route known."""
    channels = summary.by_channel
    if not channels and not summary.no_route:
        return
    parts = [f"{n} by {clean(channel)}" for channel, n in sorted(channels.items())]
    if summary.no_route:
        unknown = joined(summary.no_route_brokers)
        parts.append(f"{summary.no_route} not written (no route known: {unknown})")
    say("Routes: " + "; ".join(parts) + ".")
    if any(c != "mail" for c in channels):
        say(
            "The print PDF holds the cover sheets and the mailed letters; the work list (-worklist.csv, "
            "-worklist.pdf, -email/) holds the letters to send by email, web form or phone."
        )


def _batch_read(summary: BatchSummary) -> None:
    """A dry run's table of what was read from each row, and the possible duplicate clients."""
    if summary.read:
        read = Table(title="What was read from each row")
        for column in ("row", "name", "birth date", "state", "ZIP", "language"):
            read.add_column(column, justify="right" if column == "row" else "left")
        for r in summary.read:
            birth = r.birth_date.isoformat() if r.birth_date else "-"
            add_text_row(read, str(r.row), r.name, birth, r.state, r.zip, r.language)
        console.print(read)
    if summary.duplicates:
        say(
            (f"{len(summary.duplicates)} possible duplicate clients:", "yellow"),
            " " + ", ".join(f"row {d.row} = row {d.same_as_row}" for d in summary.duplicates[:10]),
        )


def _batch_passed_over(summary: BatchSummary) -> None:
    """The letters not written again (an open request of the kind) and the rows to fix."""
    repeats = summary.repeats_skipped
    if repeats:
        table = Table(
            title=f"{len(repeats)} letters not written again: an open request of the kind exists "
            "(--again writes them)"
        )
        for column in ("row", "client", "broker", "kind", "open request"):
            table.add_column(column)
        for rep in repeats[:50]:
            add_text_row(table, str(rep.row), rep.client, rep.broker, rep.kind, f"#{rep.open_request}")
        console.print(table)
    elif summary.dry_run and not summary.repeats_checked:
        say("No vault yet: letters that repeat open requests were not looked for.")
    bad = summary.rows_to_fix
    if bad:
        table = Table(title=f"{len(bad)} rows skipped: fix them and run again")
        table.add_column("row", justify="right")
        table.add_column("why")
        for b in bad[:50]:
            add_text_row(table, str(b.row), b.reason)
        console.print(table)


def render_clinic_summary(groups: dict[str, Counter[str]], by: str, today: dt.date) -> None:
    buckets = ("drafted", "pending", "due-this-week", "overdue", "answered", "closed")
    table = Table(title=f"Requests by {by} on {today.isoformat()}")
    table.add_column(by)
    for b in buckets:
        table.add_column(b, justify="right", style="bold red" if b == "overdue" else None)
    for name, counts in sorted(groups.items()):
        add_text_row(table, name, *(str(counts.get(b, 0) or "") for b in buckets))
    console.print(table)


def render_stats(stats: Stats) -> None:
    table = Table(
        title=f"{stats.requests} requests (counts under {stats.suppressed_below} shown as "
        f"<{stats.suppressed_below})"
    )
    table.add_column("broker")
    table.add_column("outcomes")
    table.add_column("median days to answer", justify="right")
    for broker, outcomes in stats.by_broker.items():
        days = stats.days_to_answer.get(broker)
        add_text_row(
            table,
            broker,
            ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
            "" if days is None else f"{days:g}",
        )
    console.print(table)
