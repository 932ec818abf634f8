"""Long listings, drawn without rich: `status` (up to 100,000 requests) and `brokers list`.

rich renders about 3,000 table rows a second; these listings are plain tables from
`table.py` instead (and this module imports no rich, which saves 20 ms of start-up).
Like the rest of `cli/render/`, this is a place that prints; nothing else does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker_audit.cli.render import table

if TYPE_CHECKING:
    from broker_audit.registry.listing import BrokerRow
    from broker_audit.services.agencies import AgencyListing
    from broker_audit.services.campaign import CampaignReport
    from broker_audit.services.tracking import StatusReport, StatusRow


def render_status(report: StatusReport) -> None:
    """The summary by state, then the rows (most urgent first), drawn as a plain table: rich
    would take a minute for 100,000 rows. Through a pager on a terminal when it is long."""
    if report.total == 0:
        table.show(["No requests yet. Make one with: broker-audit request BROKER --kind access"])
        return
    colour = table.use_colour()
    head = f"{report.matched:,} requests on {report.today.isoformat()}"
    if report.matched != report.total:
        head += f" (of {report.total:,} in the vault)"
    urgent = f"{report.overdue:,} overdue, {report.due_soon:,} due within a week"
    lines = [head + ": " + urgent]
    if report.by_state:
        lines.append("  " + ", ".join(f"{state} {n:,}" for state, n in report.by_state.items()))
    if report.rows:
        columns = [
            table.Column("id", right=True, shrink=False),
            table.Column("broker", min_width=12),
            table.Column("kind"),
            table.Column("by"),
            table.Column("state"),
            table.Column("sent"),
            table.Column("due"),
            table.Column("days left", right=True),
        ]
        cells = []
        estimated = courtesy = False
        for r in report.rows:
            left = "" if r.days_left is None else str(r.days_left)
            due = r.due.isoformat() if r.due else "-"
            if r.due and r.due_estimated:
                due, estimated = f"~{due}", True
            if r.due and r.due_courtesy:
                due, courtesy = f"{due} c", True
            cells.append(
                [
                    str(r.id),
                    table.clean(r.broker_name),
                    table.clean(r.kind),
                    _by(r),
                    r.state,
                    r.sent.isoformat() if r.sent else "-",
                    due,
                    left + " OVERDUE" if r.overdue else left,
                ]
            )
        lines.append("")
        lines += table.format_table(
            columns,
            cells,
            width=table.terminal_width(),
            styles=["bold red" if r.overdue else None for r in report.rows],
            colour=colour,
        )
        if estimated:
            lines.append(
                "~ an estimate: the legal clock runs from the day the letter was received; record it with "
                "`broker-audit mark ID delivered --on DATE` (certified-mail tracking or a return receipt)."
            )
        if courtesy:
            lines.append(
                "c a courtesy date, not a legal deadline: no privacy law of the state sets one; the letter "
                "asked for an answer within 45 days of receipt."
            )
    if report.hidden:
        lines.append(
            f"{report.hidden:,} more not shown: --all for every one, --limit N for N; "
            "filter with --state, --broker, --client, --batch."
        )
    table.show(lines)


def _by(row: StatusRow) -> str:
    """The channels a request was written for: "mail", or "mail+web-form" with a sheet beside."""
    channels = [route.split(":", 1)[0] for route in row.routes] or ([row.channel] if row.channel else [])
    return table.clean("+".join(dict.fromkeys(channels))) or "-"


def render_broker_table(brokers: list[BrokerRow]) -> None:
    """Listing rows (registry/listing.py) as a plain table, paged on a terminal."""
    cells = [
        [
            table.clean(b.id),
            table.clean(b.name),
            table.clean(", ".join(b.categories)),
            table.clean(", ".join(b.documented)),
        ]
        for b in brokers
    ]
    columns = [
        table.Column("id", shrink=False),
        table.Column("name", min_width=12),
        table.Column("categories", min_width=10),
        table.Column("sells to government", min_width=10),
    ]
    colour = table.use_colour()
    lines = [f"{len(brokers)} brokers", ""]
    lines += table.format_table(columns, cells, width=table.terminal_width(), colour=colour)
    table.show(lines)


def render_campaign_status(report: CampaignReport) -> None:
    """`status --campaign ID`: who answered, who is late, who asked for fees, agency by agency
    (the late ones first), as a plain table."""
    head = (
        f"Campaign {report.campaign_id} ({table.clean(report.scope)}, {report.dated.isoformat()}) on "
        f"{report.today.isoformat()}: {report.letters} letters, {report.answered} answered, "
        f"{report.late} late, {report.fees} asked for fees, {report.without_route} without a route"
    )
    columns = [
        table.Column("id", right=True, shrink=False),
        table.Column("agency", min_width=14),
        table.Column("via"),
        table.Column("state"),
        table.Column("sent"),
        table.Column("due"),
        table.Column("answer"),
        table.Column("fee"),
        table.Column("follow-up"),
        table.Column("findings", min_width=8),
    ]
    cells = []
    estimated = False
    for r in report.rows:
        due = r.due.isoformat() if r.due else "-"
        if r.due and r.due_estimated:
            due, estimated = f"~{due}", True
        if r.late:
            due += " LATE"
        answer = f"yes ({r.replies} kept)" if r.replies else ("yes" if r.answered else "-")
        follow = f"#{r.followup_id} {r.followup_state}" if r.followup_id else "-"
        cells.append(
            [
                str(r.request_id) if r.request_id is not None else "-",
                table.clean(r.agency_name),
                r.channel or "-",
                r.state,
                r.sent.isoformat() if r.sent else "-",
                due,
                answer,
                table.clean(r.fee) or "-",
                follow,
                table.clean(", ".join(r.findings)) or "-",
            ]
        )
    lines = [head, ""]
    lines += table.format_table(
        columns,
        cells,
        width=table.terminal_width(),
        styles=["bold red" if r.late else ("dim" if r.request_id is None else None) for r in report.rows],
        colour=table.use_colour(),
    )
    if estimated:
        lines.append(
            "~ an estimate: the Open Records Act's clock runs from receipt; record it with "
            "`broker-audit mark ID delivered --on DATE`. Criminal justice records: a reasonable time."
        )
    if report.late:
        lines.append("Late agencies get a follow-up letter: broker-audit followup")
    table.show(lines)


def render_agency_table(rows: list[AgencyListing]) -> None:
    """`agencies list`: each agency and the route a campaign letter takes, as a plain table."""
    cells = [
        [
            table.clean(a.id),
            table.clean(a.name),
            f"{a.channel} ({a.door}, {a.grade})" if a.channel else "none",
            table.clean(a.send_to) if a.send_to else table.clean("unknown: " + ", ".join(a.unknown)),
        ]
        for a in rows
    ]
    columns = [
        table.Column("id", shrink=False),
        table.Column("name", min_width=12),
        table.Column("route"),
        table.Column("send to / unknown", min_width=12),
    ]
    routed = sum(1 for a in rows if a.channel is not None)
    lines = [f"{len(rows)} agencies, {routed} with a route a campaign letter can take", ""]
    lines += table.format_table(columns, cells, width=table.terminal_width(), colour=table.use_colour())
    table.show(lines)
