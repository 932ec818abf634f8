"""`bulk letters`, `bulk status` and `bulk stats`: a clinic's batch, its dashboard, its counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, joined, say
from broker_audit.i18n import NP_, _, ngettext, pgettext_in
from broker_audit.words import channel_name, kind_word

if TYPE_CHECKING:
    from broker_audit.services.batchsummary import BatchSummary
    from broker_audit.services.clinic import Stats


def render_batch(summary: BatchSummary) -> None:
    """`bulk letters`: what was written (or would be), by which routes, what was read, and the
    rows and letters passed over, each part drawn by its own function."""
    letters = ngettext("{count} letter", "{count} letters", summary.letters).format(count=summary.letters)
    if summary.dry_run:
        say(
            ngettext(
                "Dry run: {clients} client would get {letters}. Nothing was written.",
                "Dry run: {clients} clients would get {letters}. Nothing was written.",
                summary.clients,
            ).format(clients=summary.clients, letters=letters)
        )
    else:
        clients = ngettext("{count} client", "{count} clients", summary.clients).format(count=summary.clients)
        pages = ngettext("{count} page", "{count} pages", summary.pages).format(count=summary.pages)
        made = (
            _(" (requests #{first} to #{last})").format(
                first=summary.first_request, last=summary.last_request
            )
            if summary.first_request is not None
            else ""
        )
        say(
            _("Batch {batch}: {letters} for {clients}, {pages}{requests}.").format(
                batch=summary.batch, letters=letters, clients=clients, pages=pages, requests=made
            )
        )
        for path in summary.files:
            say(f"  {clean(path)}")
    _batch_routes(summary)
    for group in summary.disclosure:
        say(
            _("Letters to {brokers} give {tells}.").format(
                brokers=joined(group.brokers), tells=clean(group.tells)
            ),
            err=True,
        )
    if summary.unmapped_columns:
        say(_("Columns not used: {columns}").format(columns=joined(summary.unmapped_columns)))
    if summary.date_order:
        say(summary.date_order[:1].upper() + summary.date_order[1:] + ".")
    _batch_read(summary)
    _batch_passed_over(summary)
    for note in summary.notes:
        say(_("note: {note}").format(note=clean(note)))
    if not summary.dry_run:
        say(
            _("After mailing: {command}").format(
                command=f"broker-audit bulk mark {summary.batch} sent --via mail"
            )
        )


def _batch_routes(summary: BatchSummary) -> None:
    """How many letters go by each channel, and those with no route known."""
    channels = summary.by_channel
    if not channels and not summary.no_route:
        return
    parts = [
        _("{count} by {channel}").format(count=n, channel=clean(channel_name(channel)))
        for channel, n in sorted(channels.items())
    ]
    if summary.no_route:
        unknown = joined(summary.no_route_brokers)
        parts.append(
            _("{count} not written (no route known: {brokers})").format(
                count=summary.no_route, brokers=unknown
            )
        )
    say(_("Routes: {routes}.").format(routes="; ".join(parts)))
    if any(c != "mail" for c in channels):
        say(
            _(
                "The print PDF holds the cover sheets and the mailed letters; the work list "
                "(-worklist.csv, "
                "-worklist.pdf, -email/) holds the letters to send by email, web form or phone."
            )
        )


def _batch_read(summary: BatchSummary) -> None:
    """A dry run's table of what was read from each row, and the possible duplicate clients."""
    if summary.read:
        read = Table(title=_("What was read from each row"))
        for n, column in enumerate(
            (_("row"), _("name"), _("birth date"), _("state"), _("ZIP"), _("language"))
        ):
            read.add_column(column, justify="right" if n == 0 else "left")
        for r in summary.read:
            birth = r.birth_date.isoformat() if r.birth_date else "-"
            add_text_row(read, str(r.row), r.name, birth, r.state, r.zip, r.language)
        console.print(read)
    if summary.duplicates:
        say(
            (
                ngettext(
                    "{count} possible duplicate client:",
                    "{count} possible duplicate clients:",
                    len(summary.duplicates),
                ).format(count=len(summary.duplicates)),
                "yellow",
            ),
            " "
            + ", ".join(
                _("row {row} = row {same}").format(row=d.row, same=d.same_as_row)
                for d in summary.duplicates[:10]
            ),
        )


def _batch_passed_over(summary: BatchSummary) -> None:
    """The letters not written again (an open request of the kind) and the rows to fix."""
    repeats = summary.repeats_skipped
    if repeats:
        table = Table(
            title=ngettext(
                "{count} letter not written again: an open request of the kind exists (--again writes it)",
                "{count} letters not written again: an open request of the kind exists (--again writes them)",
                len(repeats),
            ).format(count=len(repeats))
        )
        for column in (_("row"), _("client"), _("broker"), _("kind"), _("open request")):
            table.add_column(column)
        for rep in repeats[:50]:
            add_text_row(
                table,
                str(rep.row),
                rep.client,
                rep.broker,
                kind_word(rep.kind),
                _("#{id}").format(id=rep.open_request),
            )
        console.print(table)
    elif summary.dry_run and not summary.repeats_checked:
        say(_("No vault yet: letters that repeat open requests were not looked for."))
    bad = summary.rows_to_fix
    if bad:
        table = Table(
            title=ngettext(
                "{count} row skipped: fix it and run again",
                "{count} rows skipped: fix them and run again",
                len(bad),
            ).format(count=len(bad))
        )
        table.add_column(_("row"), justify="right")
        table.add_column(_("why"))
        for b in bad[:50]:
            add_text_row(table, str(b.row), b.reason)
        console.print(table)


BUCKET_WORDS = {
    "drafted": NP_("status bucket", "drafted"),
    "pending": NP_("status bucket", "pending"),
    "due-this-week": NP_("status bucket", "due-this-week"),
    "overdue": NP_("status bucket", "overdue"),
    "answered": NP_("status bucket", "answered"),
    "closed": NP_("status bucket", "closed"),
}
GROUPING_WORDS = {  # services/clinic.py GROUPINGS; another grouping shows as its id
    "broker": NP_("grouping", "broker"),
    "client": NP_("grouping", "client"),
}


def render_clinic_summary(groups: dict[str, Counter[str]], by: str, today: dt.date) -> None:
    buckets = tuple(BUCKET_WORDS)
    grouping = pgettext_in(None, "grouping", GROUPING_WORDS[by]) if by in GROUPING_WORDS else by
    table = Table(title=_("Requests by {grouping} on {day}").format(grouping=grouping, day=today.isoformat()))
    # a long id wraps onto the next line (never "equifax…": which Equifax?)
    table.add_column(grouping, overflow="fold")
    for b in buckets:
        table.add_column(
            pgettext_in(None, "status bucket", BUCKET_WORDS[b]),
            justify="right",
            style="bold red" if b == "overdue" else None,
        )
    for name, counts in sorted(groups.items()):
        add_text_row(table, name, *(str(counts.get(b, 0) or "") for b in buckets))
    console.print(table)


def render_stats(stats: Stats) -> None:
    table = Table(
        title=_("{requests} requests (counts under {below} shown as <{below})").format(
            requests=stats.requests, below=stats.suppressed_below
        )
    )
    table.add_column(_("broker"))
    table.add_column(_("outcomes"))
    table.add_column(_("median days to answer"), justify="right")
    for broker, outcomes in stats.by_broker.items():
        days = stats.days_to_answer.get(broker)
        add_text_row(
            table,
            broker,
            ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
            "" if days is None else f"{days:g}",
        )
    console.print(table)
