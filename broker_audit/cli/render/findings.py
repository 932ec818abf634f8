"""`findings` and `bulk recipients`, and the audit's part about the answers (
every value from an answer goes through `say` or `add_text_row`, which clean it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from broker_audit.cli.render.base import add_text_row, console, say

if TYPE_CHECKING:
    from broker_audit.findings.flowmap import FlowMap
    from broker_audit.findings.steps import Step
    from broker_audit.services.clinic_findings import RecipientCounts
    from broker_audit.services.findings import FindingsOverview, FindingsReport
    from broker_audit.tracking.finding_records import Finding

_STATUS = {
    "proposed": ("proposed", "yellow"),
    "accepted": ("CONFIRMED", "green"),
    "rejected": ("rejected", "dim"),
}
_SOURCE_WORDS = {"email-body": "e-mail text", "text": "text", "pdf-text": "PDF text", "ocr": "OCR"}


def _what(f: Finding, display: dict[str, str]) -> str:
    if f.kind == "holds":
        return f"holds {f.value}"
    if f.kind == "verdict":
        return f"verdict: {f.value}" + (f" ({f.detail})" if f.detail else "")
    if f.kind == "compliance":
        return f"COMPLIANCE: {f.value}"
    matched = f" = {display.get(f.matched, f.matched)}" if f.matched else ""
    role = f" [{f.role}]" if f.role and f.role != "other" else ""
    dated = f" on {f.on.isoformat()}" if f.on else ""
    return f"{f.kind}: {f.value}{matched}{role}{dated}"


def render_findings(report: FindingsReport) -> None:
    from rich.table import Table

    say(
        (f"Request #{report.request_id} to {report.broker_name}", "bold"),
        f" ({report.kind}, {report.reference})",
    )
    if not report.readings:
        say("No reply kept for this request yet: add one with `broker-audit reply ID --file ...` or `inbox`.")
    for reading in report.readings:
        read = ", ".join(
            f"{name} ({_SOURCE_WORDS.get(source, source)}, {pages} page{'s' if pages != 1 else ''}"
            + (f", OCR on {len(ocr)}" if ocr and source != "ocr" else "")
            + ")"
            for name, source, pages, ocr in reading.parts
        )
        say(f"Reply #{reading.reply_id} of {reading.received.isoformat()}: read {read or 'nothing'}")
        for name, why in reading.skipped:
            say(("  skipped ", "yellow"), f"{name}: {why}")
    if report.ocr_missing:
        say(
            ("OCR: ", "yellow"),
            f"{report.ocr_missing}; install it with `bash scripts/install.sh ocr`, "
            "then run `broker-audit findings ID --reread`.",
        )
    if report.findings:
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for column in ("#", "status", "finding", "from the line"):
            table.add_column(column, overflow="fold")
        for c in report.findings:
            word, style = _STATUS[c.status]
            f = c.finding
            where = f"reply #{c.reply_id}, {f.part} p.{f.page} l.{f.line_no}: “{f.line}”"
            if f.detail:
                where = f"{f.detail}\n{where}"
            add_text_row(
                table,
                str(f.n),
                word + (" (edited)" if c.edited else ""),
                _what(f, report.display),
                where,
                style=style if c.status == "rejected" else None,
            )
        console.print(table)
        waiting = [c.finding.n for c in report.findings if c.status == "proposed"]
        if waiting:
            say(
                ("Not yet facts: ", "yellow"),
                f"{len(waiting)} proposed finding(s). Check each against its line, then "
                f"`broker-audit findings {report.request_id} --accept N,M` "
                "(or --reject, or --edit N --value ...).",
            )
    for step in report.steps:
        say(("Next: ", "bold"), step.text)
        if step.command:
            say("      ", (step.command, "cyan"))


def render_overview(overview: FindingsOverview) -> None:
    if overview.read_now:
        say(f"Read {overview.read_now} new repl{'y' if overview.read_now == 1 else 'ies'}.")
    if not overview.requests:
        say("No replies kept yet: `broker-audit inbox`, or `broker-audit reply ID --file ...`.")
        return
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for column in ("request", "broker", "replies", "proposed", "confirmed", "rejected"):
        table.add_column(column)
    for row in overview.requests:
        add_text_row(
            table,
            f"#{row.request_id}",
            row.broker_name,
            row.replies,
            row.proposed,
            row.accepted,
            row.rejected,
        )
    console.print(table)
    for reply_id, name, why in overview.skipped:
        say(("skipped ", "yellow"), f"reply #{reply_id}, {name}: {why}")
    if overview.ocr_missing:
        say(
            ("OCR: ", "yellow"),
            f"{overview.ocr_missing}; `bash scripts/install.sh ocr`, then `findings ID --reread`.",
        )
    if any(r.proposed for r in overview.requests):
        say("Review the proposed findings of a request: `broker-audit findings ID`.")


def render_recipient_counts(result: RecipientCounts) -> None:
    from rich.table import Table

    say(
        f"Clients with confirmed findings: {result.clients}. Counts under {result.threshold} are shown as "
        f'"<{result.threshold}"; no names.'
    )
    table = Table(show_header=True, header_style="bold")
    for column in ("broker", "recipient", "clients"):
        table.add_column(column)
    for broker, counts in result.by_broker.items():
        for recipient, count in counts.items():
            add_text_row(table, broker, recipient, count)
    console.print(table)


def render_flow(flow: FlowMap, steps: Sequence[Step]) -> None:
    """The audit's part about the answers: each confirmed edge, marked, with its evidence."""
    if flow.empty and not flow.proposed:
        return
    say(("What the brokers' answers showed", "bold"), " (confirmed findings only)")
    if flow.empty:
        say(
            f"No confirmed findings yet; {flow.proposed} proposed: `broker-audit findings ID` to review them."
        )
        return
    nodes = {n.key: n for n in flow.nodes}
    for edge in flow.edges:
        mark = {"immigration-enforcement": " IMMIGRATION ENFORCEMENT", "law-enforcement": " LAW ENFORCEMENT"}
        how = " (documented in public records)" if edge.documented else ""
        where = "; ".join(
            f"request #{ev.request_id} {ev.reference}, reply #{ev.reply_id} of {ev.reply_date.isoformat()}, "
            f"finding {ev.finding}"
            for ev in edge.evidence
        )
        say(
            f" {edge.number}. {nodes[edge.source].label} -> {nodes[edge.target].label}",
            (mark.get(edge.role, ""), "bold red"),
            how,
            f" [{where}]" if where else "",
        )
    if flow.proposed:
        say(f"{flow.proposed} proposed finding(s) await your review and are not shown.")
    for step in steps:
        say(("Next: ", "bold"), step.text)
        if step.command:
            say("      ", (step.command, "cyan"))
