"""`findings` and `bulk recipients`, and the audit's part about the answers (
every value from an answer goes through `say` or `add_text_row`, which clean it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from broker_audit.cli.render.base import add_text_row, console, say
from broker_audit.i18n import N_, NP_, _, ngettext, pgettext_in

if TYPE_CHECKING:
    from broker_audit.findings.flowmap import FlowMap
    from broker_audit.findings.steps import Step
    from broker_audit.services.clinic_findings import RecipientCounts
    from broker_audit.services.findings import FindingsOverview, FindingsReport
    from broker_audit.tracking.finding_records import Finding

_STATUS = {
    "proposed": (NP_("finding status", "proposed"), "yellow"),
    "accepted": (NP_("finding status", "CONFIRMED"), "green"),
    "rejected": (NP_("finding status", "rejected"), "dim"),
}
_SOURCE_WORDS = {
    "email-body": N_("e-mail text"),
    "text": N_("text"),
    "pdf-text": N_("PDF text"),
    "ocr": N_("OCR"),
}
_KIND_WORDS = {"source": N_("source: {value}"), "recipient": N_("recipient: {value}")}


def _status(status: str) -> tuple[str, str]:
    word, style = _STATUS[status]
    return pgettext_in(None, "finding status", word), style


def _source(source: str) -> str:
    found = _SOURCE_WORDS.get(source)
    return _(found) if found else source


def _what(f: Finding, display: dict[str, str]) -> str:
    if f.kind == "holds":
        return _("holds {value}").format(value=f.value)
    if f.kind == "verdict":
        from broker_audit.words import state_word

        return _("verdict: {value}").format(value=state_word(f.value)) + (
            f" ({f.detail})" if f.detail else ""
        )
    if f.kind == "compliance":
        return _("COMPLIANCE: {value}").format(value=f.value)
    matched = f" = {display.get(f.matched, f.matched)}" if f.matched else ""
    role = f" [{f.role}]" if f.role and f.role != "other" else ""
    dated = " " + _("on {day}").format(day=f.on.isoformat()) if f.on else ""
    kind = _KIND_WORDS.get(f.kind)
    head = _(kind).format(value=f.value) if kind else f"{f.kind}: {f.value}"
    return f"{head}{matched}{role}{dated}"


def render_findings(report: FindingsReport) -> None:
    from rich.table import Table

    from broker_audit.words import kind_word

    say(
        (_("Request #{id} to {broker}").format(id=report.request_id, broker=report.broker_name), "bold"),
        f" ({kind_word(report.kind)}, {report.reference})",
    )
    if not report.readings:
        say(
            _(
                "No reply kept for this request yet: add one with `broker-audit reply ID --file ...` or "
                "`inbox`."
            )
        )
    for reading in report.readings:
        read = ", ".join(
            f"{name} ({_source(source)}, "
            + ngettext("{count} page", "{count} pages", pages).format(count=pages)
            + (", " + _("OCR on {count}").format(count=len(ocr)) if ocr and source != "ocr" else "")
            + ")"
            for name, source, pages, ocr in reading.parts
        )
        say(
            _("Reply #{id} of {day}: read {what}").format(
                id=reading.reply_id, day=reading.received.isoformat(), what=read or _("nothing")
            )
        )
        for name, why in reading.skipped:
            say(("  " + _("skipped") + " ", "yellow"), f"{name}: {why}")
    if report.ocr_missing:
        say(
            ("OCR: ", "yellow"),
            _(
                "{missing}; install it with `bash scripts/install.sh ocr`, then run `broker-audit findings "
                "ID --reread`."
            ).format(missing=report.ocr_missing),
        )
    if report.findings:
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for column in ("#", _("status"), _("finding"), _("from the line")):
            table.add_column(column, overflow="fold")
        for c in report.findings:
            word, style = _status(c.status)
            f = c.finding
            where = _("reply #{id}, {part} p.{page} l.{line}: “{text}”").format(
                id=c.reply_id, part=f.part, page=f.page, line=f.line_no, text=f.line
            )
            if f.detail:
                where = f"{f.detail}\n{where}"
            add_text_row(
                table,
                str(f.n),
                word + (" " + _("(edited)") if c.edited else ""),
                _what(f, report.display),
                where,
                style=style if c.status == "rejected" else None,
            )
        console.print(table)
        waiting = [c.finding.n for c in report.findings if c.status == "proposed"]
        if waiting:
            say(
                (_("Not yet facts: "), "yellow"),
                ngettext(
                    "{count} proposed finding. Check it against its line, then `{command}` "
                    "(or --reject, or --edit N --value ...).",
                    "{count} proposed findings. Check each against its line, then `{command}` "
                    "(or --reject, or --edit N --value ...).",
                    len(waiting),
                ).format(
                    count=len(waiting), command=f"broker-audit findings {report.request_id} --accept N,M"
                ),
            )
    for step in report.steps:
        say((_("Next: "), "bold"), step.text)
        if step.command:
            say("      ", (step.command, "cyan"))


def render_overview(overview: FindingsOverview) -> None:
    if overview.read_now:
        say(
            ngettext("Read {count} new reply.", "Read {count} new replies.", overview.read_now).format(
                count=overview.read_now
            )
        )
    if not overview.requests:
        say(_("No replies kept yet: `broker-audit inbox`, or `broker-audit reply ID --file ...`."))
        return
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for column in (_("request"), _("broker"), _("replies"), _("proposed"), _("confirmed"), _("rejected")):
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
        say(
            (_("skipped") + " ", "yellow"),
            _("reply #{id}, {name}: {why}").format(id=reply_id, name=name, why=why),
        )
    if overview.ocr_missing:
        say(
            ("OCR: ", "yellow"),
            _("{missing}; `bash scripts/install.sh ocr`, then `findings ID --reread`.").format(
                missing=overview.ocr_missing
            ),
        )
    if any(r.proposed for r in overview.requests):
        say(_("Review the proposed findings of a request: `broker-audit findings ID`."))


def render_recipient_counts(result: RecipientCounts) -> None:
    from rich.table import Table

    say(
        _(
            "Clients with confirmed findings: {clients}. Counts under {threshold} are shown as "
            '"<{threshold}"; no names.'
        ).format(clients=result.clients, threshold=result.threshold)
    )
    table = Table(show_header=True, header_style="bold")
    for column in (_("broker"), _("recipient"), _("clients")):
        table.add_column(column)
    for broker, counts in result.by_broker.items():
        for recipient, count in counts.items():
            add_text_row(table, broker, recipient, count)
    console.print(table)


def render_flow(flow: FlowMap, steps: Sequence[Step]) -> None:
    """The audit's part about the answers: each confirmed edge, marked, with its evidence."""
    if flow.empty and not flow.proposed:
        return
    say((_("What the brokers' answers showed"), "bold"), " " + _("(confirmed findings only)"))
    if flow.empty:
        say(
            _(
                "No confirmed findings yet; {count} proposed: `broker-audit findings ID` to review them."
            ).format(count=flow.proposed)
        )
        return
    nodes = {n.key: n for n in flow.nodes}
    mark = {
        "immigration-enforcement": " " + _("IMMIGRATION ENFORCEMENT"),
        "law-enforcement": " " + _("LAW ENFORCEMENT"),
    }
    for edge in flow.edges:
        how = " " + _("(documented in public records)") if edge.documented else ""
        where = "; ".join(
            _("request #{request} {reference}, reply #{reply} of {day}, finding {finding}").format(
                request=ev.request_id,
                reference=ev.reference,
                reply=ev.reply_id,
                day=ev.reply_date.isoformat(),
                finding=ev.finding,
            )
            for ev in edge.evidence
        )
        say(
            f" {edge.number}. {nodes[edge.source].label} -> {nodes[edge.target].label}",
            (mark.get(edge.role, ""), "bold red"),
            how,
            f" [{where}]" if where else "",
        )
    if flow.proposed:
        say(
            ngettext(
                "{count} proposed finding awaits your review and is not shown.",
                "{count} proposed findings await your review and are not shown.",
                flow.proposed,
            ).format(count=flow.proposed)
        )
    for step in steps:
        say((_("Next: "), "bold"), step.text)
        if step.command:
            say("      ", (step.command, "cyan"))
