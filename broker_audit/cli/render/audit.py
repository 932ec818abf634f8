"""`audit`: the exposure report (what the answers showed is drawn by `findings.render_flow`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from broker_audit.cli.render.base import add_text_row, clean, console, say
from broker_audit.i18n import _, ngettext
from broker_audit.words import kind_word, state_word

if TYPE_CHECKING:
    from broker_audit.audit.told import Told
    from broker_audit.services.audit import AuditReport


def render_audit(report: AuditReport) -> None:
    from broker_audit.audit.rank import TIERS

    s = report.score
    say(
        (_("Exposure audit"), "bold"),
        f" ({report.today.isoformat()}, {clean(report.state)}, {clean(report.law)})",
    )
    say(
        _(
            "Progress {percent}%: asked {asked}, answered {answered}, deleted {deleted} of {listed} brokers"
        ).format(percent=s.percent, asked=s.covered, answered=s.answered, deleted=s.deleted, listed=s.listed)
    )
    table = Table()
    table.add_column("#", justify="right")
    table.add_column(_("broker"))
    table.add_column(_("why (details and sources: --html or --json)"))
    table.add_column(_("your requests"))
    colours = {1: "bold red", 2: "red", 3: "yellow", 4: ""}
    for n, row in enumerate(report.rows, start=1):
        r = row.ranked
        shorts = list(dict.fromkeys(clean(x.short or x.text) for x in r.reasons))
        sure = [x for x in shorts if not x.endswith("?")]
        maybe = len(shorts) - len(sure)
        reasons = ", ".join(sure) + (
            " " + _("(+{count} that may apply)").format(count=maybe) if maybe else ""
        )
        requests = "\n".join(
            f"#{q.id} {clean(kind_word(q.kind))}: {clean(state_word(q.state))}"
            + (" " + _("OVERDUE") if q.overdue else "")
            for q in row.requests
        ) or _("none yet")
        name = Text(clean(r.broker.name), style=colours[r.tier] or "")
        name.append("\n" + _(TIERS[r.tier]), style="dim")
        add_text_row(table, str(n), name, Text(reasons), Text(requests))
    console.print(table)
    if report.actions:
        say((_("Next"), "bold"))
        for n, action in enumerate(report.actions, start=1):
            say(f" {n}. {clean(action.text)}")
            say(f"    {clean(action.command)}")
    render_told(report.told, report.drafted)


def render_told(told: Sequence[Told], drafted: int) -> None:
    """What each sent letter told whom (the audit's last section)."""
    from broker_audit.letters.disclosure import reason_in

    say((_("What your letters told whom"), "bold"))
    if not told:
        say(" " + _("No letter has been sent yet."))
    for t in told:
        sent = t.sent.isoformat() if t.sent else "?"
        say(
            " "
            + _("#{id} {kind} to {recipient} (sent {day}): {told}").format(
                id=t.request_id,
                kind=clean(kind_word(t.kind)),
                recipient=clean(t.recipient),
                day=sent,
                told=clean(t.told),
            )
        )
        if t.withheld:
            why = f" ({clean(reason_in(t.reason))})" if t.reason else ""
            say("    " + _("not told: {fields}").format(fields=clean(", ".join(t.withheld))) + why)
    if drafted:
        say(
            " "
            + ngettext(
                "{count} letter drafted and not yet sent: `broker-audit show ID` says what it will tell.",
                "{count} letters drafted and not yet sent: `broker-audit show ID` says what each will tell.",
                drafted,
            ).format(count=drafted)
        )
