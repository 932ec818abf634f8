"""`audit`: the exposure report (what the answers showed is drawn by `findings.render_flow`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from broker_audit.cli.render.base import add_text_row, clean, console, say

if TYPE_CHECKING:
    from broker_audit.audit.told import Told
    from broker_audit.services.audit import AuditReport


def render_audit(report: AuditReport) -> None:
    from broker_audit.audit.rank import TIERS

    s = report.score
    say(
        ("Exposure audit", "bold"),
        f" ({report.today.isoformat()}, {clean(report.state)}, {clean(report.law)})",
    )
    say(
        f"Progress {s.percent}%: asked {s.covered}, answered {s.answered}, "
        f"deleted {s.deleted} of {s.listed} brokers"
    )
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("broker")
    table.add_column("why (details and sources: --html or --json)")
    table.add_column("your requests")
    colours = {1: "bold red", 2: "red", 3: "yellow", 4: ""}
    for n, row in enumerate(report.rows, start=1):
        r = row.ranked
        shorts = list(dict.fromkeys(clean(x.short or x.text) for x in r.reasons))
        sure = [x for x in shorts if not x.endswith("?")]
        maybe = len(shorts) - len(sure)
        reasons = ", ".join(sure) + (f" (+{maybe} that may apply)" if maybe else "")
        requests = (
            "\n".join(
                f"#{q.id} {clean(q.kind)}: {clean(q.state)}" + (" OVERDUE" if q.overdue else "")
                for q in row.requests
            )
            or "none yet"
        )
        name = Text(clean(r.broker.name), style=colours[r.tier] or "")
        name.append("\n" + TIERS[r.tier], style="dim")
        add_text_row(table, str(n), name, Text(reasons), Text(requests))
    console.print(table)
    if report.actions:
        say(("Next", "bold"))
        for n, action in enumerate(report.actions, start=1):
            say(f" {n}. {clean(action.text)}")
            say(f"    {clean(action.command)}")
    render_told(report.told, report.drafted)


def render_told(told: Sequence[Told], drafted: int) -> None:
    """What each sent letter told whom (the audit's last section)."""
    say(("What your letters told whom", "bold"))
    if not told:
        say(" No letter has been sent yet.")
    for t in told:
        sent = t.sent.isoformat() if t.sent else "?"
        say(f" #{t.request_id} {clean(t.kind)} to {clean(t.recipient)} (sent {sent}): {clean(t.told)}")
        if t.withheld:
            why = f" ({clean(t.reason)})" if t.reason else ""
            say(f"    not told: {clean(', '.join(t.withheld))}{why}")
    if drafted:
        letters = f"{drafted} letter{'s' if drafted != 1 else ''}"
        say(f" {letters} drafted and not yet sent: `broker-audit show ID` says what each will tell.")
