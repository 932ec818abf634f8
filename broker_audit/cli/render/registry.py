"""`registry import`, `registry update` and `registry check`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, joined, say

if TYPE_CHECKING:
    from broker_audit.registry.check import CheckReport, Finding
    from broker_audit.services.registry import ImportResult


def render_import(result: ImportResult) -> None:
    """What `registry import` and `registry update` did (every name and reason is from the file)."""
    say(
        f"Imported {result.brokers} brokers from {result.rows} rows ({clean(result.form)}) "
        f"into {clean(result.into)}"
    )
    say(f"  with an email or web address: {result.usable} of {result.rows} ({result.coverage:.1%})")
    curated = [m for m in result.matched if m[2] == "curated"]
    say(
        f"  matched to curated brokers: {len(curated)}"
        + (" (" + joined(sorted({i for _, i, _ in curated})) + ")" if curated else "")
    )
    say(f"  new: {len(result.new)}, changed: {len(result.changed)}, gone: {len(result.gone)}")
    for label, ids in (("gone", result.gone), ("changed", result.changed)):
        if ids:
            say(f"  {label}: " + joined(ids[:20]) + (" ..." if len(ids) > 20 else ""))
    if result.unmapped:
        say("columns not understood (left out): " + "; ".join(clean(u) for u in result.unmapped), err=True)
    if result.ignored:
        say(f"columns recognised and not kept: {len(result.ignored)} (request metrics)", err=True)
    for line, why in result.skipped[:20]:
        say(f"skipped {clean(result.file)}:{line}: {clean(why)}", err=True)


def render_check(report: CheckReport) -> None:
    """`registry check`: errors in full; warnings counted by rule with a few examples (all of them
    with --json)."""
    from collections import defaultdict

    fixes = {r.id: r.fix for r in report.rules}
    errors = [f for f in report.findings if f.severity == "error"]
    if errors:
        table = Table(title=f"{len(errors)} errors")
        for column in ("rule", "subject", "where", "message"):
            table.add_column(column)
        for f in errors:
            add_text_row(table, f.rule, f.broker, f.where, f.message, style="red")
        console.print(table)
    warnings: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.severity == "warning":
            warnings[f.rule].append(f)
    for rule, found in sorted(warnings.items()):
        say(f"{rule}: {len(found)} warnings. Fix: {clean(fixes.get(rule, ''))}")
        for f in found[:3]:
            say(f"  {clean(f.broker)} {clean(f.where)}: {clean(f.message)}")
        if len(found) > 3:
            say(f"  ... and {len(found) - 3} more (--json lists them all)")
    for rule in sorted({f.rule for f in errors}):
        say(f"{rule}: {clean(fixes.get(rule, ''))}")
    extra = f", {report.links_checked} links checked" if report.links_checked else ""
    say(
        f"{report.brokers} brokers, {report.laws} laws and {report.agencies} agencies checked{extra}: "
        f"{report.errors} errors, {report.warnings} warnings"
    )
