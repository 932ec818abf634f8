"""`registry import`, `registry update` and `registry check`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, joined, say
from broker_audit.i18n import _, ngettext, pgettext_in

if TYPE_CHECKING:
    from broker_audit.registry.check import CheckReport, Finding
    from broker_audit.services.registry import ImportResult


def render_import(result: ImportResult) -> None:
    """What `registry import` and `registry update` did (every name and reason is from the file)."""
    say(
        _("Imported {brokers} brokers from {rows} rows ({form}) into {into}").format(
            brokers=result.brokers, rows=result.rows, form=clean(result.form), into=clean(result.into)
        )
    )
    say(
        "  "
        + _("with an email or web address: {usable} of {rows} ({share})").format(
            usable=result.usable, rows=result.rows, share=f"{result.coverage:.1%}"
        )
    )
    curated = [m for m in result.matched if m[2] == "curated"]
    say(
        "  "
        + _("matched to curated brokers: {count}").format(count=len(curated))
        + (" (" + joined(sorted({i for _a, i, _b in curated})) + ")" if curated else "")
    )
    say(
        "  "
        + _("new: {new}, changed: {changed}, gone: {gone}").format(
            new=len(result.new), changed=len(result.changed), gone=len(result.gone)
        )
    )
    for label, ids in ((_("gone: {ids}"), result.gone), (_("changed: {ids}"), result.changed)):
        if ids:
            say("  " + label.format(ids=joined(ids[:20]) + (" ..." if len(ids) > 20 else "")))
    if result.unmapped:
        say(
            _("columns not understood (left out): {columns}").format(
                columns="; ".join(clean(u) for u in result.unmapped)
            ),
            err=True,
        )
    if result.ignored:
        say(
            _("columns recognised and not kept: {count} (request metrics)").format(count=len(result.ignored)),
            err=True,
        )
    for line, why in result.skipped[:20]:
        say(
            _("skipped {file}:{line}: {why}").format(file=clean(result.file), line=line, why=clean(why)),
            err=True,
        )


def render_check(report: CheckReport) -> None:
    """`registry check`: errors in full; warnings counted by rule with a few examples (all of them
    with --json)."""
    from collections import defaultdict

    fixes = {r.id: r.fix for r in report.rules}
    errors = [f for f in report.findings if f.severity == "error"]
    if errors:
        table = Table(
            title=ngettext("{count} error", "{count} errors", len(errors)).format(count=len(errors))
        )
        for column in (_("rule"), pgettext_in(None, "check column", "subject"), _("where"), _("message")):
            table.add_column(column)
        for f in errors:
            add_text_row(table, f.rule, f.broker, f.where, f.message, style="red")
        console.print(table)
    warnings: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.severity == "warning":
            warnings[f.rule].append(f)
    for rule, found in sorted(warnings.items()):
        say(
            ngettext(
                "{rule}: {count} warning. Fix: {fix}", "{rule}: {count} warnings. Fix: {fix}", len(found)
            ).format(rule=rule, count=len(found), fix=clean(fixes.get(rule, "")))
        )
        for f in found[:3]:
            say(f"  {clean(f.broker)} {clean(f.where)}: {clean(f.message)}")
        if len(found) > 3:
            say("  " + _("... and {count} more (--json lists them all)").format(count=len(found) - 3))
    for rule in sorted({f.rule for f in errors}):
        say(f"{rule}: {clean(fixes.get(rule, ''))}")
    extra = _(", {count} links checked").format(count=report.links_checked) if report.links_checked else ""
    counted = ngettext("{count} error", "{count} errors", report.errors).format(count=report.errors)
    counted += ", " + ngettext("{count} warning", "{count} warnings", report.warnings).format(
        count=report.warnings
    )
    say(
        _("{brokers} brokers, {laws} laws and {agencies} agencies checked{extra}: {counted}").format(
            brokers=report.brokers, laws=report.laws, agencies=report.agencies, extra=extra, counted=counted
        )
    )
