"""The one place that draws for humans: rich tables and panels on the terminal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console()


def render_profile(profile: Any) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("Name", profile.name)
    if profile.other_names:
        table.add_row("Other names", "; ".join(profile.other_names))
    table.add_row("State", profile.state)
    for address in profile.addresses:
        table.add_row("Address" + (" (current)" if address.current else ""), address.one_line())
    table.add_row("Email", profile.email or "-")
    table.add_row("Phone", profile.phone or "-")
    table.add_row("Date of birth", profile.birth_date.isoformat() if profile.birth_date else "-")
    console.print(table)


def render_broker_table(brokers: list[Any]) -> None:
    table = Table(title=f"{len(brokers)} brokers")
    table.add_column("id", style="bold")
    table.add_column("name")
    table.add_column("categories")
    table.add_column("sells to government", style="red")
    for b in brokers:
        recipients = sorted({e.recipient for e in b.law_enforcement})
        table.add_row(b.id, b.name, ", ".join(b.categories), ", ".join(recipients))
    console.print(table)


def _fact(label: str, fact: Any) -> list[str]:
    if fact is None:
        return [f"  {label}: unknown"]
    return [f"  {label}: {fact.value}", f"      source: {fact.source} (checked {fact.checked})"]


def render_broker(b: Any) -> None:
    lines = [f"[bold]{b.name}[/bold] ({b.id})"]
    if b.legal_name:
        lines.append(f"  legal name: {b.legal_name}")
    if b.parent:
        lines.append(f"  parent: {b.parent}")
    if b.brands:
        lines.append("  brands: " + ", ".join(b.brands))
    lines.append("  categories: " + ", ".join(b.categories))
    if b.holds:
        lines.append("  holds: " + ", ".join(b.holds))
    lines.append("[bold]Contact[/bold]")
    c = b.contact
    lines += _fact("email", c.email) + _fact("web form", c.web_form) + _fact("phone", c.phone)
    if c.postal:
        lines.append("  postal: " + " / ".join(c.postal.lines()))
        lines.append(f"      source: {c.postal.source} (checked {c.postal.checked})")
    else:
        lines.append("  postal: unknown")
    if b.channels:
        lines.append("  send by, in order: " + ", ".join(b.channels))
    if b.rights:
        lines.append("  rights honoured: " + ", ".join(b.rights))
    v = b.verification
    if v is not None:
        if v.asks_ssn:
            lines.append("[bold red]  Warning: asks for a Social Security number. Do not volunteer "
                         "it; ask why it is needed.[/bold red]")
        if v.asks_id_copy:
            lines.append("[bold red]  Warning: asks for a copy of an ID. Send one only if you must, "
                         "with the number partly covered.[/bold red]")
        if v.details:
            lines.append(f"  verification: {v.details}")
        lines.append(f"      source: {v.source} (checked {v.checked})")
    if b.law_enforcement:
        lines.append("[bold]Documented sales or sharing with government[/bold]")
        for e in b.law_enforcement:
            lines.append(f"  {e.year} {e.agency} ({e.recipient}): {e.summary}")
            lines.append(f"      source: {e.source} (checked {e.checked})")
    lines.append("[bold]Sources[/bold]")
    for s in b.sources:
        lines.append(f"  {s.url} (checked {s.checked})")
    if b.notes:
        lines.append(f"  notes: {b.notes}")
    for line in lines:
        console.print(line, highlight=False)


def render_status(rows: list[Any], today: dt.date) -> None:
    if not rows:
        console.print("No requests yet. Make one with: broker-audit request BROKER --kind access")
        return
    table = Table(title=f"Requests on {today.isoformat()}")
    for col in ("id", "broker", "kind", "state", "sent", "due", "days left"):
        table.add_column(col, justify="right" if col in ("id", "days left") else "left")
    for r in rows:
        style = "bold red" if r.overdue else None
        left = "" if r.days_left is None else str(r.days_left)
        if r.overdue:
            left += " OVERDUE"
        table.add_row(
            str(r.id), r.broker_name, r.kind, r.state,
            r.sent.isoformat() if r.sent else "-", r.due.isoformat() if r.due else "-", left,
            style=style,
        )
    console.print(table)


def view_dict(view: Any, today: dt.date) -> dict[str, Any]:
    from broker_audit.tracking.due import days_left, is_overdue

    r = view.request
    return {
        "id": r.id, "broker": r.broker_id, "broker_name": r.broker_name, "kind": r.kind,
        "law": r.law_id, "reference": r.reference, "state": view.state.value, "sent": view.sent,
        "due": view.due, "days_left": days_left(view, today), "overdue": is_overdue(view, today),
        "created": r.created, "files": r.files, "linked_to": r.linked_to,
        "history": [
            {"state": e.state.value, "on": e.on, "via": e.via, "tracking": e.tracking,
             "note": e.note, "recorded": e.recorded}
            for e in view.events
        ],
    }


def render_view(view: Any, today: dt.date) -> None:
    r = view.request
    console.print(f"[bold]#{r.id} {r.broker_name}[/bold] — {r.kind} under {r.law_name}",
                  highlight=False)
    console.print(f"  reference {r.reference}, drafted {r.created:%Y-%m-%d}", highlight=False)
    state = view.state.value
    due = f"; due {view.due.isoformat()}" if view.due else ""
    console.print(f"  state: {state}{due}", highlight=False)
    for f in r.files:
        console.print(f"  file: {f}", highlight=False)
    table = Table(title="History")
    for col in ("on", "state", "via", "tracking", "note"):
        table.add_column(col)
    table.add_row(f"{r.created:%Y-%m-%d}", "drafted", "", "", "")
    for e in view.events:
        table.add_row(e.on.isoformat(), e.state.value, e.via, e.tracking, e.note)
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
            TextColumn(title), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )
        self._task = None

    def __enter__(self) -> Any:
        self._progress.start()
        self._task = self._progress.add_task("work", total=None, rate="")

        def advance(done: int, total: int) -> None:
            task = self._progress.tasks[0]
            elapsed = task.elapsed or 0.0
            rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
            self._progress.update(self._task, completed=done, total=total, rate=rate)

        return advance

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def render_batch(summary: dict[str, Any]) -> None:
    if summary["dry_run"]:
        console.print(f"Dry run: {summary['clients']} clients would get {summary['letters']} "
                      "letters. Nothing was written.", highlight=False)
    else:
        console.print(f"Batch {summary['batch']}: {summary['letters']} letters for "
                      f"{summary['clients']} clients, {summary['pages']} pages "
                      f"(requests #{summary['first_request']} to #{summary['last_request']}).",
                      highlight=False)
        for path in summary["files"]:
            console.print(f"  {path}", highlight=False)
    if summary["unmapped_columns"]:
        console.print("Columns not used: " + ", ".join(summary["unmapped_columns"]), highlight=False)
    if summary["duplicates"]:
        console.print(f"[yellow]{len(summary['duplicates'])} possible duplicate clients:[/yellow] "
                      + ", ".join(f"row {d['row']} = row {d['same_as_row']}"
                                  for d in summary["duplicates"][:10]), highlight=False)
    bad = summary["rows_to_fix"]
    if bad:
        table = Table(title=f"{len(bad)} rows skipped: fix them and run again")
        table.add_column("row", justify="right")
        table.add_column("why")
        for b in bad[:50]:
            table.add_row(str(b["row"]), b["reason"])
        console.print(table)
    if not summary["dry_run"]:
        console.print(f"After mailing: broker-audit bulk mark {summary['batch']} sent",
                      highlight=False)


def render_clinic_summary(groups: dict[str, Any], by: str, today: dt.date) -> None:
    buckets = ("drafted", "pending", "due-this-week", "overdue", "answered", "closed")
    table = Table(title=f"Requests by {by} on {today.isoformat()}")
    table.add_column(by)
    for b in buckets:
        table.add_column(b, justify="right", style="bold red" if b == "overdue" else None)
    for name, counts in sorted(groups.items()):
        table.add_row(name, *(str(counts.get(b, 0) or "") for b in buckets))
    console.print(table)


def render_stats(stats: Any) -> None:
    table = Table(title=f"{stats.requests} requests")
    table.add_column("broker")
    table.add_column("outcomes")
    table.add_column("median days to answer", justify="right")
    for broker, outcomes in stats.by_broker.items():
        days = stats.days_to_answer.get(broker)
        table.add_row(broker, ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
                      "" if days is None else f"{days:g}")
    console.print(table)


def render_audit(report: Any) -> None:
    from broker_audit.audit.rank import TIERS

    s = report.score
    console.print(f"[bold]Exposure audit[/bold] ({report.today.isoformat()}, {report.state}, "
                  f"{report.law})", highlight=False)
    console.print(f"Progress {s.percent}%: asked {s.covered}, answered {s.answered}, "
                  f"deleted {s.deleted} of {s.listed} brokers", highlight=False)
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("broker")
    table.add_column("why (details and sources: --html or --json)")
    table.add_column("your requests")
    colours = {1: "bold red", 2: "red", 3: "yellow", 4: ""}
    for n, row in enumerate(report.rows, start=1):
        r = row.ranked
        reasons = ", ".join(dict.fromkeys(x.short or x.text for x in r.reasons))
        requests = "\n".join(f"#{q.id} {q.kind}: {q.state}" + (" OVERDUE" if q.overdue else "")
                             for q in row.requests) or "none yet"
        table.add_row(str(n), f"[{colours[r.tier]}]{r.broker.name}[/]\n{TIERS[r.tier]}",
                      reasons, requests)
    console.print(table)
    if report.actions:
        console.print("[bold]Next[/bold]")
        for n, action in enumerate(report.actions, start=1):
            console.print(f" {n}. {action.text}\n    {action.command}", highlight=False)
