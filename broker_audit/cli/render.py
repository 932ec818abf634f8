"""The one place that draws for humans: rich tables and panels on the terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import TaskID

console = Console()
err_console = Console(stderr=True)


def _e(value: Any) -> str:
    """Data shown inside rich markup, escaped so that brackets in it stay text."""
    return escape(str(value))


def add_text_row(table: Table, *values: Any, style: str | None = None) -> None:
    """Add a row of plain text: data never goes through rich markup (a name like "[/]"
    would break it, or restyle the table)."""
    table.add_row(*(v if isinstance(v, Text) else Text(str(v)) for v in values), style=style)


def render_profile(profile: Any) -> None:
    table = Table(show_header=False, box=None)
    add_text_row(table, "Name", profile.name)
    if profile.other_names:
        add_text_row(table, "Other names", "; ".join(profile.other_names))
    add_text_row(table, "State", profile.state)
    for address in profile.addresses:
        add_text_row(table, "Address" + (" (current)" if address.current else ""), address.one_line())
    add_text_row(table, "Email", profile.email or "-")
    add_text_row(table, "Phone", profile.phone or "-")
    add_text_row(table, "Date of birth", profile.birth_date.isoformat() if profile.birth_date else "-")
    console.print(table)


def render_broker_table(brokers: list[Any]) -> None:
    table = Table(title=f"{len(brokers)} brokers")
    table.add_column("id", style="bold")
    table.add_column("name")
    table.add_column("categories")
    table.add_column("sells to government", style="red")
    for b in brokers:
        recipients = sorted({e.recipient for e in b.law_enforcement})
        add_text_row(table, b.id, b.name, ", ".join(b.categories), ", ".join(recipients))
    console.print(table)


def _route_lines(route: Any) -> list[str]:
    limits = []
    if route.rights:
        limits.append("for " + ", ".join(route.rights))
    if route.states:
        limits.append("residents of " + ", ".join(route.states))
    if route.only_for:
        limits.append("only for " + route.only_for)
    where = route.provenance() or f"checked {route.checked}"
    head = f"  {route.channel}: {route.address()}" + (f" ({'; '.join(limits)})" if limits else "")
    out = [_e(head), f"      {_e(route.grade)}: {_e(route.source)} ({_e(where)})"]
    if route.via_parent:
        out.append(f"      the privacy desk of {_e(route.via_parent)}")
    if route.note:
        out.append(f"      note: {_e(route.note)}")
    return out


def render_broker(b: Any) -> None:
    lines = [f"[bold]{_e(b.name)}[/bold] ({_e(b.id)})"]
    if b.legal_name:
        lines.append(f"  legal name: {_e(b.legal_name)}")
    if b.parent:
        lines.append(f"  parent: {_e(b.parent)}")
    if b.brands:
        lines.append("  brands: " + ", ".join(b.brands))
    lines.append("  categories: " + ", ".join(b.categories))
    if b.holds:
        lines.append("  holds: " + ", ".join(b.holds))
    lines.append("[bold]How to send a request[/bold]")
    if not b.routes:
        lines.append("  [yellow]no route known yet: no letter can be sent[/yellow]")
    for route in b.routes:
        lines += _route_lines(route)
    if b.rights:
        lines.append("  rights honoured: " + ", ".join(b.rights))
    v = b.verification
    if v is not None:
        if v.asks_ssn:
            lines.append(
                "[bold red]  Warning: asks for a Social Security number. Do not volunteer "
                "it; ask why it is needed.[/bold red]"
            )
        if v.asks_id_copy:
            lines.append(
                "[bold red]  Warning: asks for a copy of an ID. Send one only if you must, "
                "with the number partly covered.[/bold red]"
            )
        if v.details:
            lines.append(f"  verification: {_e(v.details)}")
        lines.append(f"      source: {_e(v.source)} (checked {_e(v.checked)})")
    if b.residency_limit is not None:
        lines.append(f"[yellow]  Answers only some states' residents: {_e(b.residency_limit.value)}[/yellow]")
        lines.append(
            f"      source: {_e(b.residency_limit.source)} (checked {_e(b.residency_limit.checked)})"
        )
    if b.law_enforcement:
        lines.append("[bold]Documented sales or sharing with government[/bold]")
        for e in b.law_enforcement:
            lines.append(f"  {_e(e.year)} {_e(e.agency)} ({_e(e.recipient)}): {_e(e.summary)}")
            lines.append(f"      source: {_e(e.source)} (checked {_e(e.checked)})")
    lines.append("[bold]Sources[/bold]")
    for s in b.sources:
        lines.append(f"  {_e(s.url)} (checked {_e(s.checked)})")
    if b.notes:
        lines.append(f"  notes: {_e(b.notes)}")
    for line in lines:
        console.print(line, highlight=False)


def render_status(rows: list[Any], today: dt.date) -> None:
    if not rows:
        console.print("No requests yet. Make one with: broker-audit request BROKER --kind access")
        return
    table = Table(title=f"Requests on {today.isoformat()}")
    for col in ("id", "broker", "kind", "state", "sent", "due", "days left"):
        table.add_column(col, justify="right" if col in ("id", "days left") else "left")
    estimated = False
    for r in rows:
        style = "bold red" if r.overdue else None
        left = "" if r.days_left is None else str(r.days_left)
        if r.overdue:
            left += " OVERDUE"
        due = r.due.isoformat() if r.due else "-"
        if r.due and r.due_estimated:
            due, estimated = f"~{due}", True
        add_text_row(
            table,
            str(r.id),
            r.broker_name,
            r.kind,
            r.state,
            r.sent.isoformat() if r.sent else "-",
            due,
            left,
            style=style,
        )
    console.print(table)
    if estimated:
        console.print(
            "~ an estimate: the legal clock runs from the day the letter was received; record it with "
            "`broker-audit mark ID delivered --on DATE` (certified-mail tracking or a return receipt).",
            highlight=False,
            markup=False,
        )


def render_letters(
    letters: list[Any], no_route: list[Any], warnings: list[str], notes: Sequence[str] = ()
) -> None:
    """What `request`, `followup` and `demo` wrote: each letter, where it goes, what was not written."""
    for warning in dict.fromkeys([*warnings, *(w for r in letters for w in r.warnings)]):
        err_console.print(f"warning: {warning}", highlight=False, markup=False)
    for r in letters:
        about = f", about #{r.linked_to}" if r.linked_to else ""
        console.print(
            f"#{r.request_id} {r.broker_name} ({r.kind}, {r.law_id}{about}) {r.channel} to {r.route}: "
            + ", ".join(str(f) for f in r.files),
            highlight=False,
            markup=False,
        )
    for n in no_route:
        console.print(
            f"no letter: {n.broker_name} ({n.kind}): no route known yet. You can:",
            highlight=False,
            markup=False,
        )
        for advice in n.advice:
            console.print(f"  - {advice}", highlight=False, markup=False)
    for note in notes:
        err_console.print(f"note: {note}", highlight=False, markup=False)


def view_dict(view: Any, today: dt.date) -> dict[str, Any]:
    from broker_audit.tracking.due import days_left, is_overdue

    r = view.request
    return {
        "id": r.id,
        "broker": r.broker_id,
        "broker_name": r.recipient_name,
        "kind": r.kind,
        "law": r.law_id,
        "reference": r.reference,
        "state": view.state.value,
        "sent": view.sent,
        "delivered": view.delivered,
        "due": view.due,
        "due_estimated": view.due_estimated,
        "channel": r.channel,
        "channels": r.channels,
        "days_left": days_left(view, today),
        "overdue": is_overdue(view, today),
        "created": r.created,
        "files": r.files,
        "linked_to": r.linked_to,
        "history": [
            {
                "state": e.state.value,
                "on": e.on,
                "via": e.via,
                "tracking": e.tracking,
                "note": e.note,
                "recorded": e.recorded,
            }
            for e in view.events
        ],
    }


def render_view(view: Any, today: dt.date) -> None:
    r = view.request
    console.print(
        f"[bold]#{r.id} {escape(r.recipient_name)}[/bold] — {r.kind} under {escape(r.law_name)}",
        highlight=False,
    )
    console.print(f"  reference {r.reference}, drafted {r.created:%Y-%m-%d}", highlight=False, markup=False)
    state = view.state.value
    due = ""
    if view.due:
        due = f"; due {view.due.isoformat()}"
        if view.due_estimated:
            due += " (estimated: record the day it was received with `mark ID delivered --on DATE`)"
    console.print(f"  state: {state}{due}", highlight=False, markup=False)
    for f in r.files:
        console.print(f"  file: {f}", highlight=False, markup=False)
    table = Table(title="History")
    for col in ("on", "state", "via", "tracking", "note"):
        table.add_column(col)
    add_text_row(table, f"{r.created:%Y-%m-%d}", "drafted", "", "", "")
    for e in view.events:
        add_text_row(table, e.on.isoformat(), e.state.value, e.via, e.tracking, e.note)
    console.print(table)


class progress_bar:
    """A rich progress bar on stderr with rate and time left; yields `advance(done, total)`."""

    def __init__(self, title: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn(title),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Any:
        self._progress.start()
        self._task = self._progress.add_task("work", total=None, rate="")

        def advance(done: int, total: int) -> None:
            task = self._progress.tasks[0]
            elapsed = task.elapsed or 0.0
            rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
            assert self._task is not None
            self._progress.update(self._task, completed=done, total=total, rate=rate)

        return advance

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def render_batch(summary: dict[str, Any]) -> None:
    if summary["dry_run"]:
        console.print(
            f"Dry run: {summary['clients']} clients would get {summary['letters']} "
            "letters. Nothing was written.",
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"Batch {summary['batch']}: {summary['letters']} letters for "
            f"{summary['clients']} clients, {summary['pages']} pages "
            f"(requests #{summary['first_request']} to #{summary['last_request']}).",
            highlight=False,
            markup=False,
        )
        for path in summary["files"]:
            console.print(f"  {path}", highlight=False, markup=False)
    channels = summary.get("by_channel") or {}
    if channels or summary.get("no_route"):
        parts = [f"{n} by {channel}" for channel, n in sorted(channels.items())]
        if summary.get("no_route"):
            unknown = ", ".join(summary["no_route_brokers"])
            parts.append(f"{summary['no_route']} not written (no route known: {unknown})")
        console.print("Routes: " + "; ".join(parts) + ".", highlight=False, markup=False)
        if any(c != "mail" for c in channels):
            console.print(
                "The print PDF holds the cover sheets and the mailed letters; the work list (-worklist.csv, "
                "-worklist.pdf, -email/) holds the letters to send by email, web form or phone.",
                highlight=False,
                markup=False,
            )
    if summary["unmapped_columns"]:
        console.print(
            "Columns not used: " + ", ".join(summary["unmapped_columns"]), highlight=False, markup=False
        )
    if summary["duplicates"]:
        console.print(
            f"[yellow]{len(summary['duplicates'])} possible duplicate clients:[/yellow] "
            + ", ".join(f"row {d['row']} = row {d['same_as_row']}" for d in summary["duplicates"][:10]),
            highlight=False,
        )
    bad = summary["rows_to_fix"]
    if bad:
        table = Table(title=f"{len(bad)} rows skipped: fix them and run again")
        table.add_column("row", justify="right")
        table.add_column("why")
        for b in bad[:50]:
            add_text_row(table, str(b["row"]), b["reason"])
        console.print(table)
    if not summary["dry_run"]:
        console.print(
            f"After mailing: broker-audit bulk mark {summary['batch']} sent --via mail",
            highlight=False,
            markup=False,
        )


def render_clinic_summary(groups: dict[str, Any], by: str, today: dt.date) -> None:
    buckets = ("drafted", "pending", "due-this-week", "overdue", "answered", "closed")
    table = Table(title=f"Requests by {by} on {today.isoformat()}")
    table.add_column(by)
    for b in buckets:
        table.add_column(b, justify="right", style="bold red" if b == "overdue" else None)
    for name, counts in sorted(groups.items()):
        add_text_row(table, name, *(str(counts.get(b, 0) or "") for b in buckets))
    console.print(table)


def render_stats(stats: Any) -> None:
    table = Table(title=f"{stats.requests} requests")
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


def render_audit(report: Any) -> None:
    from broker_audit.audit.rank import TIERS

    s = report.score
    console.print(
        f"[bold]Exposure audit[/bold] ({report.today.isoformat()}, {report.state}, {escape(report.law)})",
        highlight=False,
    )
    console.print(
        f"Progress {s.percent}%: asked {s.covered}, answered {s.answered}, "
        f"deleted {s.deleted} of {s.listed} brokers",
        highlight=False,
        markup=False,
    )
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("broker")
    table.add_column("why (details and sources: --html or --json)")
    table.add_column("your requests")
    colours = {1: "bold red", 2: "red", 3: "yellow", 4: ""}
    for n, row in enumerate(report.rows, start=1):
        r = row.ranked
        shorts = list(dict.fromkeys(x.short or x.text for x in r.reasons))
        sure = [x for x in shorts if not x.endswith("?")]
        maybe = len(shorts) - len(sure)
        reasons = ", ".join(sure) + (f" (+{maybe} that may apply)" if maybe else "")
        requests = (
            "\n".join(
                f"#{q.id} {q.kind}: {q.state}" + (" OVERDUE" if q.overdue else "") for q in row.requests
            )
            or "none yet"
        )
        name = Text(r.broker.name, style=colours[r.tier] or "")
        name.append("\n" + TIERS[r.tier], style="dim")
        add_text_row(table, str(n), name, Text(reasons), Text(requests))
    console.print(table)
    if report.actions:
        console.print("[bold]Next[/bold]")
        for n, action in enumerate(report.actions, start=1):
            console.print(f" {n}. {action.text}\n    {action.command}", highlight=False, markup=False)
