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
