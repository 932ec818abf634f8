"""Long listings, drawn without rich: `status` (up to 100,000 requests) and `brokers list`.

rich renders about 3,000 table rows a second; these listings are plain tables from
`table.py` instead (and this module imports no rich, which saves 20 ms of start-up).
Like the rest of `cli/render/`, this is a place that prints; nothing else does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from broker_audit.cli.render import table
from broker_audit.i18n import _, ngettext
from broker_audit.words import (
    category_word,
    channel_name,
    door_word,
    grade_word,
    kind_word,
    recipient_word,
    state_word,
)

if TYPE_CHECKING:
    from broker_audit.registry.listing import BrokerRow
    from broker_audit.services.agencies import AgencyListing
    from broker_audit.services.campaign import CampaignReport
    from broker_audit.services.tracking import StatusReport, StatusRow


def render_status(report: StatusReport) -> None:
    """The summary by state, then the rows (most urgent first), drawn as a plain table: rich
    would take a minute for 100,000 rows. Through a pager on a terminal when it is long."""
    if report.total == 0:
        table.show(
            [
                _("No requests yet. Make one with: {command}").format(
                    command="broker-audit bulk letters clients.csv --preset ice-linked --dry-run"
                    if report.clinic
                    else "broker-audit request BROKER --kind access"
                )
            ]
        )
        return
    colour = table.use_colour()
    head = ngettext("{count} request on {day}", "{count} requests on {day}", report.matched).format(
        count=f"{report.matched:,}", day=report.today.isoformat()
    )
    if report.matched != report.total:
        head += " " + _("(of {count} in the vault)").format(count=f"{report.total:,}")
    urgent = ", ".join(
        (
            ngettext("{count} overdue", "{count} overdue", report.overdue).format(
                count=f"{report.overdue:,}"
            ),
            ngettext("{count} due within a week", "{count} due within a week", report.due_soon).format(
                count=f"{report.due_soon:,}"
            ),
        )
    )
    lines = [head + ": " + urgent]
    if report.by_state:
        lines.append("  " + ", ".join(f"{state_word(state)} {n:,}" for state, n in report.by_state.items()))
    if report.rows:
        columns = [
            table.Column("id", right=True, shrink=False),
            table.Column(_("broker"), min_width=12),
            table.Column(_("kind")),
            table.Column(_("by")),
            table.Column(_("state")),
            table.Column(_("sent")),
            table.Column(_("due")),
            table.Column(_("days left"), right=True),
        ]
        cells = []
        estimated = courtesy = False
        words: dict[str, str] = {}  # a word per state, kind and channel: looked up once, not per row

        def word(value: str, look_up: Callable[[str], str]) -> str:
            found = words.get(value)
            if found is None:
                found = words[value] = look_up(value)
            return found

        overdue_word = " " + _("OVERDUE")
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
                    table.clean(word(r.kind, kind_word)),
                    _by(r, word),
                    word(r.state, state_word),
                    r.sent.isoformat() if r.sent else "-",
                    due,
                    left + overdue_word if r.overdue else left,
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
        lines += _due_notes(estimated, courtesy)
    if report.hidden:
        lines.append(
            _(
                "{count} more not shown: --all for every one, --limit N for N; "
                "filter with --state, --broker, --client, --batch."
            ).format(count=f"{report.hidden:,}")
        )
    table.show(lines)


def _due_notes(estimated: bool, courtesy: bool) -> list[str]:
    """What the marks in the due column mean: ~ an estimate, c a courtesy date."""
    lines: list[str] = []
    if estimated:
        lines.append(
            "~ "
            + _(
                "an estimate: the legal clock runs from the day the letter was received; record it with "
                "`broker-audit mark ID delivered --on DATE` (certified-mail tracking or a return "
                "receipt)."
            )
        )
    if courtesy:
        lines.append(
            "c "
            + _(
                "a courtesy date, not a legal deadline: no privacy law of the state sets one; the letter "
                "asked for an answer within 45 days of receipt."
            )
        )
    return lines


def _by(row: StatusRow, word: Callable[[str, Callable[[str], str]], str]) -> str:
    """The channels a request was written for: "mail", or "mail+web-form" with a sheet beside."""
    channels = [route.split(":", 1)[0] for route in row.routes] or ([row.channel] if row.channel else [])
    return table.clean("+".join(word(c, channel_name) for c in dict.fromkeys(channels))) or "-"


def render_broker_table(brokers: list[BrokerRow]) -> None:
    """Listing rows (registry/listing.py) as a plain table, paged on a terminal."""
    cells = [
        [
            table.clean(b.id),
            table.clean(b.name),
            table.clean(", ".join(category_word(c) for c in b.categories)),
            table.clean(", ".join(recipient_word(r) for r in b.documented)),
        ]
        for b in brokers
    ]
    columns = [
        table.Column("id", shrink=False),
        table.Column(_("name"), min_width=12),
        table.Column(_("categories"), min_width=10),
        table.Column(_("sells to government"), min_width=10),
    ]
    colour = table.use_colour()
    lines = [ngettext("{count} broker", "{count} brokers", len(brokers)).format(count=len(brokers)), ""]
    lines += table.format_table(columns, cells, width=table.terminal_width(), colour=colour)
    table.show(lines)


def render_campaign_status(report: CampaignReport) -> None:
    """`status --campaign ID`: who answered, who is late, who asked for fees, agency by agency
    (the late ones first), as a plain table."""
    counts = [
        ngettext("{count} letter", "{count} letters", report.letters).format(count=report.letters),
        ngettext("{count} answered", "{count} answered", report.answered).format(count=report.answered),
        ngettext("{count} late", "{count} late", report.late).format(count=report.late),
        ngettext("{count} asked for fees", "{count} asked for fees", report.fees).format(count=report.fees),
        ngettext("{count} without a route", "{count} without a route", report.without_route).format(
            count=report.without_route
        ),
    ]
    head = _("Campaign {campaign} ({scope}, {dated}) on {day}: {counts}").format(
        campaign=report.campaign_id,
        scope=table.clean(report.scope),
        dated=report.dated.isoformat(),
        day=report.today.isoformat(),
        counts=", ".join(counts),
    ) + (_(", {count} asked before").format(count=report.asked_before) if report.asked_before else "")
    columns = [
        table.Column("id", right=True, shrink=False),
        table.Column(_("agency"), min_width=14),
        table.Column(_("via")),
        table.Column(_("state")),
        table.Column(_("sent")),
        table.Column(_("due")),
        table.Column(_("answer")),
        table.Column(_("fee")),
        table.Column(_("follow-up")),
        table.Column(_("findings"), min_width=8),
    ]
    cells = []
    estimated = False
    for r in report.rows:
        due = r.due.isoformat() if r.due else "-"
        if r.due and r.due_estimated:
            due, estimated = f"~{due}", True
        if r.late:
            due += " " + _("LATE")
        answer = (
            _("yes ({count} kept)").format(count=r.replies)
            if r.replies
            else (_("yes") if r.answered else "-")
        )
        follow = f"#{r.followup_id} {state_word(r.followup_state)}" if r.followup_id else "-"
        cells.append(
            [
                str(r.request_id) if r.request_id is not None else "-",
                table.clean(r.agency_name),
                channel_name(r.channel) if r.channel else "-",
                state_word(r.state) if r.state else r.state,
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
            "~ "
            + _(
                "an estimate: the Open Records Act's clock runs from receipt; record it with "
                "`broker-audit mark ID delivered --on DATE`. Criminal justice records: a reasonable time."
            )
        )
    if report.late:
        lines.append(
            _("Late agencies get a follow-up letter: {command}").format(command="broker-audit followup")
        )
    table.show(lines)


def render_agency_table(rows: list[AgencyListing]) -> None:
    """`agencies list`: each agency and the route a campaign letter takes, as a plain table."""
    cells = [
        [
            table.clean(a.id),
            table.clean(a.name),
            f"{channel_name(a.channel)} ({door_word(a.door or '')}, {grade_word(a.grade or '')})"
            if a.channel
            else _("none"),
            table.clean(a.send_to)
            if a.send_to
            else table.clean(_("unknown: {what}").format(what=", ".join(a.unknown))),
        ]
        for a in rows
    ]
    columns = [
        table.Column("id", shrink=False),
        table.Column(_("name"), min_width=12),
        table.Column(_("route")),
        table.Column(_("send to / unknown"), min_width=12),
    ]
    routed = sum(1 for a in rows if a.channel is not None)
    lines = [
        _("{count} agencies, {routed} with a route a campaign letter can take").format(
            count=len(rows), routed=routed
        ),
        "",
    ]
    lines += table.format_table(columns, cells, width=table.terminal_width(), colour=table.use_colour())
    table.show(lines)
