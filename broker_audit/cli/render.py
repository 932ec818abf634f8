"""The one place that draws for humans: rich tables and lines on the terminal.

Data is never interpreted as rich markup (``privacy[at]example.com`` stays as it is, a ``[/]`` in a
field is text): it goes into ``Text`` objects, never into a markup string. Every piece of text
from outside (registry, imports, scans, the vault, spreadsheets) passes :func:`_c` or
:func:`add_text_row`, which strip escape sequences and control characters
(:mod:`broker_audit.cleantext`), before it reaches the terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from broker_audit.cleantext import clean_lines, clean_value

if TYPE_CHECKING:
    from rich.progress import TaskID

    from broker_audit.services.batchsummary import BatchSummary

console = Console()
err_console = Console(stderr=True)


def _c(value: Any) -> str:
    """One line of data, safe for the terminal."""
    return clean_value(value)


def _cell(value: Any) -> Text:
    if isinstance(value, Text):
        plain = clean_lines(value.plain)
        return value if plain == value.plain else Text(plain, style=value.style)
    return Text(clean_lines(value if isinstance(value, str) else str(value)))


def add_text_row(table: Table, *values: Any, style: str | None = None) -> None:
    """Add a row of plain text: data never goes through rich markup (a name like "[/]"
    would break it, or restyle the table) and loses its control characters."""
    table.add_row(*(_cell(v) for v in values), style=style)


def say(*parts: str | tuple[str, str], err: bool = False) -> None:
    """Print one line of plain text (no markup); a part may be (text, style). Data is cleaned."""
    line = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, "")
        line.append(clean_lines(text), style=style)
    (_stderr() if err else console).print(line, highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return err_console


def render_profile(profile: Any) -> None:
    table = Table(show_header=False, box=None)
    add_text_row(table, "Name", profile.name)
    if profile.other_names:
        add_text_row(table, "Other names", "; ".join(profile.other_names))
    add_text_row(table, "State", profile.state)
    for address in profile.addresses:
        years = f" ({address.years()})" if address.years() else ""
        add_text_row(table, "Address" + (" (current)" if address.current else ""), address.one_line() + years)
    add_text_row(table, "Email", profile.email or "-")
    add_text_row(table, "Phone", profile.phone or "-")
    add_text_row(table, "Date of birth", profile.birth_date.isoformat() if profile.birth_date else "-")
    reply = profile.reply_address
    add_text_row(table, "Reply address", ", ".join(reply.lines()) if reply else "- (answers by e-mail)")
    for ad_id in profile.advertising_ids:
        add_text_row(table, "Advertising ID", ad_id)
    if profile.licence_number:
        add_text_row(table, "Licence number", "on file (given only where you --disclose it)")
    default = "standard" if profile.disclose is None else (", ".join(profile.disclose) or "name only")
    add_text_row(table, "Letters to other brokers give", default)
    add_text_row(
        table,
        "Letters to government-linked brokers",
        "name, past addresses, e-mail and a reply address (add more with --disclose)",
    )
    console.print(table)


def _route_lines(route: Any) -> list[tuple[str, str]]:
    limits = []
    if route.rights:
        limits.append("for " + _join(route.rights))
    if route.states:
        limits.append("residents of " + _join(route.states))
    if route.only_for:
        limits.append("only for " + _c(route.only_for))
    where = route.provenance() or f"checked {route.checked}"
    door = {"request-channel": "request channel", "contact": "contact", "registered": "registered address"}
    kind = door.get(route.door_kind, route.door_kind)
    head = f"  {_c(route.channel)} [{kind}]: {_c(route.address())}" + (
        f" ({'; '.join(limits)})" if limits else ""
    )
    out = [(head, ""), (f"      {_c(route.grade)}: {_c(route.source)} ({_c(where)})", "")]
    if route.door_words:
        out.append((f"      its words: {_c(route.door_words)}", ""))
    if route.form is not None:
        out.append((f"      only on its own form: {_c(route.form.name)} ({_c(route.form.where)})", ""))
    if route.via_parent:
        out.append((f"      the privacy desk of {_c(route.via_parent)}", ""))
    if route.note:
        out.append((f"      note: {_c(route.note)}", ""))
    return out


def _join(values: Iterable[Any]) -> str:
    return ", ".join(_c(v) for v in values)


def render_broker(b: Any) -> None:
    bold, warn = "bold", "bold red"
    lines: list[tuple[str, str]] = [(f"{_c(b.name)} ({_c(b.id)})", bold)]
    if b.legal_name:
        lines.append((f"  legal name: {_c(b.legal_name)}", ""))
    if b.parent:
        lines.append((f"  parent: {_c(b.parent)}", ""))
    if b.brands:
        lines.append(("  brands: " + _join(b.brands), ""))
    lines.append(("  categories: " + _join(b.categories), ""))
    if b.holds:
        lines.append(("  holds: " + _join(b.holds), ""))
    cra = b.consumer_reporting
    if cra is not None:
        who = f" ({_c(cra.entity)})" if cra.entity else ""
        what = (
            f"  a consumer reporting agency{who}: FCRA file disclosures (15 U.S.C. 1681g) apply"
            if cra.agency
            else "  not a consumer reporting agency: no FCRA file disclosure"
        )
        lines.append((what, ""))
        lines.append((f"      source: {_c(cra.source)} ({_c(cra.grade)}, checked {_c(cra.checked)})", ""))
    lines.append(("How to send a request", bold))
    if not b.routes:
        lines.append(("  no route known yet: no letter can be sent", "yellow"))
    for route in b.routes:
        lines += _route_lines(route)
    if b.rights:
        lines.append(("  rights honoured: " + _join(b.rights), ""))
    v = b.verification
    if v is not None:
        if v.asks_ssn:
            lines.append(
                (
                    "  Warning: asks for a Social Security number. Do not volunteer "
                    "it; ask why it is needed.",
                    warn,
                )
            )
        if v.asks_id_copy:
            lines.append(
                (
                    "  Warning: asks for a copy of an ID. Send one only if you must, "
                    "with the number partly covered.",
                    warn,
                )
            )
        if v.details:
            lines.append((f"  verification: {_c(v.details)}", ""))
        lines.append((f"      source: {_c(v.source)} (checked {_c(v.checked)})", ""))
        if v.asks:
            from broker_audit.registry.schema import IDENTITY_ITEM_WORDS

            lines.append(("What it asks to identify you, the risk, and the least-risk way", bold))
            for a in v.asks:
                when = f" ({_c(a.when)})" if a.when else ""
                lines.append((f"  {_c(IDENTITY_ITEM_WORDS[a.item])}{when}", warn))
                lines.append((f"      risk: {_c(a.risk)}", ""))
                lines.append((f"      instead: {_c(a.instead)}", ""))
                lines.append((f"      {_c(a.grade)}: {_c(a.source)} (checked {_c(a.checked)})", ""))
                if a.risk_source:
                    lines.append((f"      the risk, source: {_c(a.risk_source)}", ""))
    from broker_audit.letters.disclosure import government_ties

    ties = government_ties(b)
    lines.append(
        (
            f"  Letters to it give only your name, past addresses and a reply channel ({_c(ties)}); "
            "add more with --disclose"
            if ties
            else "  Letters to it give your profile's default details (no known sales to government)",
            "",
        )
    )
    if b.exempt_data is not None:
        from broker_audit.letters.exempt import cannot_reach

        lines.append((f"  {_c(cannot_reach(b, 'delete'))}", "yellow"))
        lines.append((f"      its words: {_c(b.exempt_data.summary)}", ""))
        lines.append((f"      {_c(b.exempt_data.grade)}: {_c(b.exempt_data.source)}", ""))
    if b.residency_limit is not None:
        lines.append((f"  Answers only some states' residents: {_c(b.residency_limit.value)}", "yellow"))
        lines.append(
            (f"      source: {_c(b.residency_limit.source)} (checked {_c(b.residency_limit.checked)})", "")
        )
    if b.law_enforcement:
        lines.append(("Documented sales or sharing with government", bold))
        for e in b.law_enforcement:
            lines.append((f"  {_c(e.year)} {_c(e.agency)} ({_c(e.recipient)}): {_c(e.summary)}", ""))
            lines.append((f"      source: {_c(e.source)} (checked {_c(e.checked)})", ""))
    lines.append(("Sources", bold))
    for s in b.sources:
        lines.append((f"  {_c(s.url)} (checked {_c(s.checked)})", ""))
    if b.notes:
        lines.append((f"  notes: {_c(b.notes)}", ""))
    for text, style in lines:
        say((text, style))


def render_letters(
    letters: Sequence[Any],
    no_route: Sequence[Any],
    warnings: list[str],
    notes: Sequence[str] = (),
    *,
    told: bool = False,
) -> None:
    """What `request`, `followup` and `demo` wrote: each letter, where it goes, what was not written.
    `told`: also what each letter tells its recipient (when it was not announced before writing)."""
    for warning in dict.fromkeys([*warnings, *(w for r in letters for w in r.warnings)]):
        say(f"warning: {_c(warning)}", err=True)
    for r in letters:
        about = f", about #{r.linked_to}" if r.linked_to else ""
        say(
            f"#{r.request_id} {_c(r.broker_name)} ({_c(r.kind)}, {_c(r.law_id)}{about}) "
            f"{_c(r.channel)} to {_c(r.route)}: " + ", ".join(_c(f) for f in r.files)
        )
        for also in getattr(r, "also", ()):
            say(f"    and its sheet for {_c(also)}: the fast way; the letter is the one that leaves proof")
        if told and r.disclosure:
            say(f"  {_c(r.disclosure)}")
    for n in no_route:
        reason = getattr(n, "reason", "no route known yet")
        say(f"no letter: {_c(n.broker_name)} ({_c(n.kind)}): {_c(reason)}. You can:")
        for advice in n.advice:
            say(f"  - {_c(advice)}")
    for note in notes:
        say(f"note: {_c(note)}", err=True)


def render_announcements(items: Sequence[Any]) -> None:
    """What each planned letter will tell whom, printed (on stderr) before any is written, with
    what a state-law request may not reach at that broker."""
    for item in items:
        say(f"{_c(item.line)}", err=True)
    for reach in dict.fromkeys(i.cannot_reach for i in items if i.cannot_reach):
        say(f"note: {_c(reach)}", err=True)


def disclosure_line(request: Any) -> str:
    """What a logged letter told its recipient, for `show` and the audit."""
    from broker_audit.letters.disclosure import field_words

    d = request.disclosed
    if d is None:
        return "not recorded (a letter from before disclosures were kept: it gave the whole profile)"

    def words(name: str) -> str:
        try:
            return field_words(name)
        except KeyError:  # a field a newer broker-audit knows
            return name

    line = d.summary or ", ".join(["your name", *(words(f) for f in d.given)])
    if d.withheld:
        line += "; not told: " + ", ".join(words(f) for f in d.withheld)
    if d.reason:
        line += f" ({d.reason})"
    return line


def render_view(view: Any, today: dt.date) -> None:
    r = view.request
    say((f"#{r.id} {_c(r.recipient_name)}", "bold"), f" — {_c(r.kind)} under {_c(r.law_name)}")
    say(f"  reference {_c(r.reference)}, drafted {r.created:%Y-%m-%d}")
    state = view.state.value
    due = ""
    if view.due:
        due = f"; due {view.due.isoformat()}"
        if view.due_courtesy:
            due += " (a courtesy date the letter asked for, not a legal deadline)"
        if view.due_estimated:
            due += " (estimated: record the day it was received with `mark ID delivered --on DATE`)"
    say(f"  state: {state}{due}")
    for n, route in enumerate(r.routes):
        say(f"  {'route' if n == 0 else 'also'}: {_c(route)}")
    say(f"  told {_c(r.recipient_name)}: {_c(disclosure_line(r))}")
    for f in r.files:
        say(f"  file: {_c(f)}")
    table = Table(title="History")
    for col in ("on", "state", "via", "tracking", "note"):
        table.add_column(col)
    add_text_row(table, f"{r.created:%Y-%m-%d}", "drafted", "", "", "")
    for e in view.events:
        add_text_row(table, e.on.isoformat(), e.state.value, e.via, e.tracking, e.note)
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
            TextColumn(title),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Any:
        self._progress.start()
        self._task = self._progress.add_task("work", total=None, rate="")

        def advance(done: int, total: int) -> None:
            task = self._progress.tasks[0]
            elapsed = task.elapsed or 0.0
            rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
            assert self._task is not None
            self._progress.update(self._task, completed=done, total=total, rate=rate)

        return advance

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def render_batch(summary: BatchSummary) -> None:
    if summary.dry_run:
        say(f"Dry run: {summary.clients} clients would get {summary.letters} letters. Nothing was written.")
    else:
        say(
            f"Batch {summary.batch}: {summary.letters} letters for {summary.clients} clients, "
            f"{summary.pages} pages (requests #{summary.first_request} to #{summary.last_request})."
        )
        for path in summary.files:
            say(f"  {_c(path)}")
    channels = summary.by_channel
    if channels or summary.no_route:
        parts = [f"{n} by {_c(channel)}" for channel, n in sorted(channels.items())]
        if summary.no_route:
            unknown = _join(summary.no_route_brokers)
            parts.append(f"{summary.no_route} not written (no route known: {unknown})")
        say("Routes: " + "; ".join(parts) + ".")
        if any(c != "mail" for c in channels):
            say(
                "The print PDF holds the cover sheets and the mailed letters; the work list (-worklist.csv, "
                "-worklist.pdf, -email/) holds the letters to send by email, web form or phone."
            )
    for group in summary.disclosure:
        say(f"Letters to {_join(group.brokers)} give {_c(group.tells)}.", err=True)
    if summary.unmapped_columns:
        say("Columns not used: " + _join(summary.unmapped_columns))
    if summary.date_order:
        say(summary.date_order[:1].upper() + summary.date_order[1:] + ".")
    if summary.read:
        read = Table(title="What was read from each row")
        for column in ("row", "name", "birth date", "state", "ZIP", "language"):
            read.add_column(column, justify="right" if column == "row" else "left")
        for r in summary.read:
            birth = r.birth_date.isoformat() if r.birth_date else "-"
            add_text_row(read, str(r.row), r.name, birth, r.state, r.zip, r.language)
        console.print(read)
    if summary.duplicates:
        say(
            (f"{len(summary.duplicates)} possible duplicate clients:", "yellow"),
            " " + ", ".join(f"row {d.row} = row {d.same_as_row}" for d in summary.duplicates[:10]),
        )
    repeats = summary.repeats_skipped
    if repeats:
        table = Table(
            title=f"{len(repeats)} letters not written again: an open request of the kind exists "
            "(--again writes them)"
        )
        for column in ("row", "client", "broker", "kind", "open request"):
            table.add_column(column)
        for rep in repeats[:50]:
            add_text_row(table, str(rep.row), rep.client, rep.broker, rep.kind, f"#{rep.open_request}")
        console.print(table)
    elif summary.dry_run and not summary.repeats_checked:
        say("No vault yet: letters that repeat open requests were not looked for.")
    bad = summary.rows_to_fix
    if bad:
        table = Table(title=f"{len(bad)} rows skipped: fix them and run again")
        table.add_column("row", justify="right")
        table.add_column("why")
        for b in bad[:50]:
            add_text_row(table, str(b.row), b.reason)
        console.print(table)
    for note in summary.notes:
        say(f"note: {_c(note)}")
    if not summary.dry_run:
        say(f"After mailing: broker-audit bulk mark {summary.batch} sent --via mail")


def render_clinic_summary(groups: dict[str, Any], by: str, today: dt.date) -> None:
    buckets = ("drafted", "pending", "due-this-week", "overdue", "answered", "closed")
    table = Table(title=f"Requests by {by} on {today.isoformat()}")
    table.add_column(by)
    for b in buckets:
        table.add_column(b, justify="right", style="bold red" if b == "overdue" else None)
    for name, counts in sorted(groups.items()):
        add_text_row(table, name, *(str(counts.get(b, 0) or "") for b in buckets))
    console.print(table)


def render_stats(stats: Any) -> None:
    table = Table(
        title=f"{stats.requests} requests (counts under {stats.suppressed_below} shown as "
        f"<{stats.suppressed_below})"
    )
    table.add_column("broker")
    table.add_column("outcomes")
    table.add_column("median days to answer", justify="right")
    for broker, outcomes in stats.by_broker.items():
        days = stats.days_to_answer.get(broker)
        add_text_row(
            table,
            broker,
            ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
            "" if days is None else f"{days:g}",
        )
    console.print(table)


def render_audit(report: Any) -> None:
    from broker_audit.audit.rank import TIERS

    s = report.score
    say(("Exposure audit", "bold"), f" ({report.today.isoformat()}, {_c(report.state)}, {_c(report.law)})")
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
        shorts = list(dict.fromkeys(_c(x.short or x.text) for x in r.reasons))
        sure = [x for x in shorts if not x.endswith("?")]
        maybe = len(shorts) - len(sure)
        reasons = ", ".join(sure) + (f" (+{maybe} that may apply)" if maybe else "")
        requests = (
            "\n".join(
                f"#{q.id} {_c(q.kind)}: {_c(q.state)}" + (" OVERDUE" if q.overdue else "")
                for q in row.requests
            )
            or "none yet"
        )
        name = Text(_c(r.broker.name), style=colours[r.tier] or "")
        name.append("\n" + TIERS[r.tier], style="dim")
        add_text_row(table, str(n), name, Text(reasons), Text(requests))
    console.print(table)
    if report.actions:
        say(("Next", "bold"))
        for n, action in enumerate(report.actions, start=1):
            say(f" {n}. {_c(action.text)}")
            say(f"    {_c(action.command)}")
    render_told(report.told, report.drafted)


def render_told(told: Sequence[Any], drafted: int) -> None:
    """What each sent letter told whom (the audit's last section)."""
    say(("What your letters told whom", "bold"))
    if not told:
        say(" No letter has been sent yet.")
    for t in told:
        sent = t.sent.isoformat() if t.sent else "?"
        say(f" #{t.request_id} {_c(t.kind)} to {_c(t.recipient)} (sent {sent}): {_c(t.told)}")
        if t.withheld:
            why = f" ({_c(t.reason)})" if t.reason else ""
            say(f"    not told: {_c(', '.join(t.withheld))}{why}")
    if drafted:
        letters = f"{drafted} letter{'s' if drafted != 1 else ''}"
        say(f" {letters} drafted and not yet sent: `broker-audit show ID` says what each will tell.")


# --------------------------------------------------------------------------- registry


def render_import(result: Any) -> None:
    """What `registry import` and `registry update` did (every name and reason is from the file)."""
    say(
        f"Imported {result.brokers} brokers from {result.rows} rows ({_c(result.form)}) "
        f"into {_c(result.into)}"
    )
    say(f"  with an email or web address: {result.usable} of {result.rows} ({result.coverage:.1%})")
    curated = [m for m in result.matched if m[2] == "curated"]
    say(
        f"  matched to curated brokers: {len(curated)}"
        + (" (" + _join(sorted({i for _, i, _ in curated})) + ")" if curated else "")
    )
    say(f"  new: {len(result.new)}, changed: {len(result.changed)}, gone: {len(result.gone)}")
    for label, ids in (("gone", result.gone), ("changed", result.changed)):
        if ids:
            say(f"  {label}: " + _join(ids[:20]) + (" ..." if len(ids) > 20 else ""))
    if result.unmapped:
        say("columns not understood (left out): " + "; ".join(_c(u) for u in result.unmapped), err=True)
    if result.ignored:
        say(f"columns recognised and not kept: {len(result.ignored)} (request metrics)", err=True)
    for line, why in result.skipped[:20]:
        say(f"skipped {_c(result.file)}:{line}: {_c(why)}", err=True)


def render_check(report: Any) -> None:
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
    warnings: dict[str, list[Any]] = defaultdict(list)
    for f in report.findings:
        if f.severity == "warning":
            warnings[f.rule].append(f)
    for rule, found in sorted(warnings.items()):
        say(f"{rule}: {len(found)} warnings. Fix: {_c(fixes.get(rule, ''))}")
        for f in found[:3]:
            say(f"  {_c(f.broker)} {_c(f.where)}: {_c(f.message)}")
        if len(found) > 3:
            say(f"  ... and {len(found) - 3} more (--json lists them all)")
    for rule in sorted({f.rule for f in errors}):
        say(f"{rule}: {_c(fixes.get(rule, ''))}")
    extra = f", {report.links_checked} links checked" if report.links_checked else ""
    say(
        f"{report.brokers} brokers, {report.laws} laws and {report.agencies} agencies checked{extra}: "
        f"{report.errors} errors, {report.warnings} warnings"
    )


# --------------------------------------------------------------------------- scan


def render_scan_plan(plan: Any) -> None:
    """The searches `scan` would send, on stderr, before anything is sent."""
    say(
        f"These {len(plan.searches)} searches would send your name, city and state to these sites, "
        "one at a time (a site's next name only while it has found nothing):",
        err=True,
    )
    for s in plan.searches:
        note = "" if s.verified else "  (reading rules not checked against a real page)"
        how = f" [{_c(s.name)}: {_c(s.why)}]" if getattr(s, "why", "") else ""
        say(f"  {_c(s.broker_name)}{how}: {_c(s.url)}{note}", err=True)
    for broker_id, why in plan.skipped:
        say(f"  skipped {_c(broker_id)}: {_c(why)}", err=True)
    say(
        "Each site first gets a request for its robots.txt (without your name); a site whose "
        "robots.txt forbids the search is not searched.",
        err=True,
    )


def render_scan_progress(search: Any, finding: Any) -> None:
    say(f"  {_c(search.broker_name)}: {_c(finding.outcome.replace('-', ' '))}", err=True)


def render_scan_results(report: Any) -> None:
    """What each scanned site showed (names, places and links come from the scanned pages)."""
    names = {s.broker_id: s for s in report.plan.searches}
    table = Table()
    for column in ("broker", "result", "details"):
        table.add_column(column)
    for f in report.results:
        details = "\n".join(_c(x) for x in (f.matched_name, f.matched_location, f.listing_url, f.detail) if x)
        add_text_row(table, names[f.broker_id].broker_name, f.outcome.replace("-", " "), details)
    console.print(table)
    for f in (f for f in report.results if f.outcome == "found"):
        form = names[f.broker_id].opt_out
        say(
            f"Ask {_c(names[f.broker_id].broker_name)} to take the listing down: "
            f"broker-audit request {_c(f.broker_id)} --kind opt-out"
            + (f"  (or its opt-out form: {_c(form)})" if form else "")
        )
    if any(f.outcome in ("blocked", "could-not-read", "error") for f in report.results):
        say("Blocked or unreadable sites were not checked: look there yourself in a browser.")


# --- mail: setup, send, inbox, reply, evidence ----------------------------------------------------


def _safe(text: object) -> str:
    """Text from mail (a subject, a sender, a quoted reply) comes from outside: cleaned."""
    return clean_value(text)


def _say(text: str, *, err: bool = False) -> None:
    """One line of mail data (subjects, senders and quoted replies come from outside): cleaned."""
    say(text, err=err)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


def render_mail_setup(result: Any) -> None:
    a = result.account
    _say(
        f"Sending from {a.from_addr} through {a.smtp_host}:{a.smtp_port} ({a.smtp_security}) as {a.smtp_user}"
    )
    if a.imap_host:
        _say(f"Reading replies from {a.imap_host}:{a.imap_port} (TLS) as {a.imap_user}")
        if a.authserv_id:
            _say(f"A reply's sender counts as genuine only by the Authentication-Results of {a.authserv_id}.")
        else:
            _say(
                "No --authserv-id: no reply's sender can be authenticated, so no suggested state is "
                "applied without your confirmation. Set it to the first word of the "
                "Authentication-Results header your provider adds (e.g. mx.google.com)."
            )
    if result.password_in_keyring:
        _say("The password is kept in your OS keyring.")
    else:
        _say(
            "No secure OS keyring: the password is not kept anywhere; `send` and `inbox` ask for it "
            "(or read BROKER_AUDIT_MAIL_PASSWORD once)."
        )


def render_send_plan(plan: Any) -> None:
    if plan.to_send:
        _say(f"From {plan.from_addr} through {plan.server}:", err=True)
        for item in plan.to_send:
            _say(
                f"  #{item.request_id} {item.broker_name} ({item.kind}) to {', '.join(item.to)}: "
                f"{item.subject}"
                + (
                    f" (with the timeline of #{item.encloses_timeline_of})"
                    if item.encloses_timeline_of is not None
                    else ""
                ),
                err=True,
            )
    for item in plan.over_cap:
        _say(
            f"  #{item.request_id} {item.broker_name}: left for another day (daily cap {plan.cap}, "
            f"{plan.sent_today} sent today)",
            err=True,
        )
    for skip in plan.skipped:
        _say(f"  #{skip.request_id}: not sent: {skip.reason}", err=True)


def render_send_result(result: Any) -> None:
    plan = result.plan
    for one in result.settled:
        what = "logged as sent" if one.outcome == "sent" else "left drafted (not sent)"
        _say(f"#{one.request_id}: the email an earlier run was sending ({one.message_id}) {what}: {one.how}")
    for doubt in plan.in_doubt:
        _say(
            f"#{doubt.request_id} {doubt.broker_name}: MAY HAVE BEEN SENT at "
            f"{doubt.started:%Y-%m-%d %H:%M} UTC "
            f"({doubt.message_id}); not sent again until you say: `broker-audit send --was-sent "
            f"{doubt.request_id}` or `--not-sent {doubt.request_id}`"
        )
    if result.dry_run:
        render_send_plan(plan)
        _say(f"Dry run: {len(plan.to_send)} email(s) would be sent. Nothing was sent.")
        return
    if not plan.to_send:
        render_send_plan(plan)
        _say("No drafted email request to send.")
        return
    if not result.confirmed:
        _say("Nothing was sent.")
        return
    for one in result.sent:
        _say(
            f"#{one.request_id} {one.broker_name}: sent to {', '.join(one.to)}, {one.message_id} "
            f"({one.acceptance})"
        )
    for fail in result.failed:
        _say(f"#{fail.request_id} {fail.broker_name}: NOT sent, still drafted: {fail.reason}")
    for item in result.not_attempted:
        _say(f"#{item.request_id} {item.broker_name}: not attempted, still drafted")
    if result.sent:
        _say(
            "The legal clock runs from receipt; for email that is taken as the day sent (an estimate "
            "until you record it: `broker-audit mark ID delivered --on DATE`). "
            "`broker-audit inbox` reads the replies."
        )


def ask_if_sent(doubt: Any, looked: str) -> str | None:
    """Ask whether a message an earlier run was sending went out; None to leave it open."""
    import typer

    _say(
        f"#{doubt.request_id} {doubt.broker_name}: a run ended while its email ({doubt.message_id}, to "
        f"{', '.join(doubt.to)}) was with the server at {doubt.started:%Y-%m-%d %H:%M} UTC; {looked}.",
        err=True,
    )
    answer = typer.prompt(
        "  Did it go out? (sent / not-sent / Enter: decide later)", default="", show_default=False, err=True
    ).strip()
    return answer if answer in ("sent", "not-sent") else None


def _reply_line(r: Any) -> str:
    files = ", ".join(f"{name} ({_size(size)})" for name, size in r.attachments)
    status = (
        f"confirmed {r.confirmed}"
        if r.confirmed
        else (f"suggested {r.suggested}" if r.suggested else "no suggestion")
    )
    unverified = "" if r.trusted else " (sender NOT authenticated)"
    return (
        f"reply #{r.reply_id} to #{r.request_id} ({r.broker_name}), {r.received:%Y-%m-%d} from "
        f"{r.from_addr or r.source}{unverified}: {r.subject or r.original_name} [{status}]"
        + (f"; attachments: {files}" if files else "")
    )


def ask_reply_state(r: Any) -> str | None:
    """Ask the user which state a reply means (Enter takes the suggestion); None to leave it."""
    import typer

    _say(_reply_line(r), err=True)
    if r.excerpt:
        _say(f"  \u201c{r.excerpt}\u201d", err=True)
    if r.reason:
        _say(f"  why: {r.reason}", err=True)
    if r.why_not and not r.can_apply:
        _say(f"  ({r.why_not})", err=True)
    if not r.trusted:
        _say(
            f"  warning: your mail server did not authenticate the sender ({r.auth_note or 'no result'}): "
            "anyone can send such an email",
            err=True,
        )
    default = r.suggested if r.can_apply and r.trusted else ""
    answer = typer.prompt(
        f"  State for #{r.request_id} (Enter: {default or 'leave it'}; or a state; '-' to leave it)",
        default=default or "-",
        show_default=False,
        err=True,
    ).strip()
    return None if answer in ("", "-") else answer


def confirm_unauthenticated(r: Any, state: str) -> bool:
    """Ask before a state is read from a reply whose sender was not authenticated."""
    import typer

    return bool(
        typer.confirm(
            f"  Record #{r.request_id} as {state} on the word of an unauthenticated email? The timeline "
            "will say so",
            default=False,
            err=True,
        )
    )


def render_inbox(result: Any) -> None:
    _say(
        f"{result.folder} since {result.since.isoformat()}: {result.scanned} messages, {len(result.stored)} "
        f"replies kept, {result.already_stored} kept before, {result.ignored} not about a request "
        "(not stored)."
    )
    for r in result.stored:
        _say(_reply_line(r))
        if r.reason and not r.confirmed:
            _say(f"  why: {r.reason}")
        if r.suggested and not r.confirmed and r.can_apply and r.trusted:
            _say(f"  to apply: broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id}")
        elif r.suggested and not r.confirmed and r.can_apply:
            _say(
                f"  the sender was not authenticated ({r.auth_note or 'no result'}); if you checked it "
                f"is genuine: broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id} "
                "--sender-checked"
            )
        elif r.why_not and not r.confirmed and r.suggested:
            _say(f"  ({r.why_not})")
    for a in result.applied:
        if a.error:
            _say(f"reply #{a.reply_id}: not applied: {a.error}")
        else:
            checked = " on your word: the sender was not authenticated" if a.sender_checked else ""
            _say(f"#{a.request_id} is now {a.state} (from reply #{a.reply_id}{checked})")
    for followup, reply in getattr(result, "withdrawn", ()):
        _say(f"follow-up #{followup} withdrawn: the company answered (reply #{reply}) before it was sent")
    labels = {
        "flagged": "FLAGGED, not trusted",
        "unmatched": "from a broker, not matched",
        "bounce": "NOT DELIVERED",
        "too-large": "too large",
        "skipped": "SKIPPED",
    }
    for n in result.notices:
        about = f" (#{n.request_id})" if n.request_id else ""
        cands = f"; open requests: {', '.join('#' + str(c) for c in n.candidates)}" if n.candidates else ""
        where = f"UID {n.uid}" + (f", {n.message_id}" if n.message_id else "") if n.uid else ""
        _say(
            f"{labels.get(n.kind, n.kind)}{about}: {n.received:%Y-%m-%d} from {n.from_addr or '(unknown)'}: "
            f"{n.subject or '(no subject)'}" + (f" [{where}]" if where else "")
        )
        _say(f"  {n.reason}{cands}")
    if result.filed:
        _say(f"{result.filed} matched message(s) {result.filed_how} into {result.filed_into}.")
    if result.stopped:
        _say(f"Stopped reading: {result.stopped}. Everything read before is kept.")


def render_reply_added(added: Any) -> None:
    _say(_reply_line(added.reply))
    if added.applied:
        _say(f"#{added.reply.request_id} is now {added.applied}")
    elif added.reply.suggested:
        _say(f"  why: {added.reply.reason}")
        _say(
            f"  to apply: broker-audit mark {added.reply.request_id} {added.reply.suggested} "
            f"--reply {added.reply.reply_id}"
        )
    for followup in getattr(added, "withdrawn", ()):
        _say(
            f"follow-up #{followup} withdrawn: the company answered (reply #{added.reply.reply_id}) "
            "before it was sent"
        )


def render_replies(replies: Sequence[Any]) -> None:
    if not replies:
        return
    table = Table(title="Replies")
    for col in ("#", "received", "from", "subject", "status", "attachments"):
        table.add_column(col)
    for r in replies:
        status = r.confirmed or (f"suggested: {r.suggested}" if r.suggested else "-")
        files = "\n".join(f"{name} ({_size(size)})" for name, size in r.attachments) or "-"
        add_text_row(
            table,
            str(r.reply_id),
            f"{r.received:%Y-%m-%d}",
            _safe(r.from_addr or ("by post / by hand" if r.source == "file" else "-")),
            _safe(r.subject or r.original_name),
            status,
            _safe(files),
        )
    console.print(table)


def render_evidence(result: Any) -> None:
    _say(f"Complaint packet for #{result.request_id} in {result.out_dir}:")
    for path in result.files:
        _say(f"  {path}")
    for why in result.missing:
        _say(f"  not copied: {why}", err=True)
    _say(result.deadline)


# --------------------------------------------------------------------------- campaigns and agencies


def render_campaign_started(result: Any) -> None:
    """What `cora --all` wrote: each agency's letter and where it goes, then the agencies without
    a route, then what to do next."""
    for warning in dict.fromkeys(result.warnings):
        say(f"warning: {_c(warning)}", err=True)
    who = "the clinic" if result.requester == "clinic" else "you (name and e-mail only)"
    say(
        f"Campaign {result.campaign_id} ({_c(result.scope)}), from {who}: "
        f"{len(result.letters)} letters, {len(result.without_route)} agencies without a known route"
    )
    for r in result.letters:
        say(
            f"#{r.request_id} {_c(r.broker_name)}: {_c(r.channel)} to {_c(r.route)}: "
            + ", ".join(_c(f) for f in r.files)
        )
    if result.without_route:
        say("No letter (no request channel or contact known; see `broker-audit agencies show ID`):")
        for m in result.without_route:
            leads = f" Leads to confirm: {'; '.join(m.leads)}" if m.leads else ""
            say(f"  {_c(m.agency_name)} ({_c(m.agency_id)}).{_c(leads)}")
    say("Sign the statement at the end of each letter before you send it (C.R.S. 24-72-305.5).", err=True)
    say("When you send one: broker-audit mark ID sent --via ROUTE (the route printed above)", err=True)
    say(f"Then: broker-audit status --campaign {result.campaign_id}", err=True)


def render_campaign_list(campaigns: Sequence[Any]) -> None:
    if not campaigns:
        say("No campaigns yet. Start one with: broker-audit cora --all co-sheriffs")
        return
    for c in campaigns:
        say(
            f"{c.campaign_id}  {c.dated.isoformat()}  {_c(c.scope)}: "
            f"{c.letters} letters to {c.agencies} agencies"
        )


def render_finding(record: Any) -> None:
    from broker_audit.vocabulary import FINDING_WORDS

    amount = f" ({_c(record.amount)})" if record.amount else ""
    evidence = f"reply #{record.reply_id}" if record.reply_id is not None else _c(record.evidence)
    say(
        f"{_c(record.agency_id)}: {FINDING_WORDS.get(record.finding, record.finding)}{amount}, "
        f"{record.on.isoformat()}, evidence: {evidence}"
    )


def render_export(result: Any) -> None:
    say(f"Campaign {result.campaign_id}: {len(result.rows)} rows")
    for path in result.files:
        say(f"  {_c(path)}")


def render_agency(agency: Any, choice: Any) -> None:
    """`agencies show`: the agency, its routes with where each was read, what is unknown."""
    lines: list[tuple[str, str]] = [(f"{_c(agency.name)} ({_c(agency.id)}), {_c(agency.kind)}", "bold")]
    if choice.route is not None:
        lines.append(
            (f"  a campaign letter goes: {_c(choice.route.channel)} to {_c(choice.route.address())}", "")
        )
    else:
        lines.append(("  no route a letter can use is known", "red"))
    for w in choice.warnings:
        lines.append((f"  warning: {_c(w)}", "yellow"))
    for r in agency.routes:
        lines.append((f"  {_c(r.channel)}: {_c(r.address())}", ""))
        lines.append((f"      {r.door}, {r.grade}; source: {_c(r.source)} (checked {r.checked})", ""))
        if r.note:
            lines.append((f"      {_c(r.note)}", "dim"))
    if agency.unknown:
        lines.append((f"  unknown: {_c('; '.join(agency.unknown))}", ""))
    if agency.notes:
        lines.append((f"  notes: {_c(agency.notes)}", ""))
    for text, style in lines:
        say((text, style))


def render_drop(result: Any) -> None:
    """A DROP request, or one broker's DROP status, as just recorded."""
    view = result.view
    r = view.request
    due = f"; every registered broker must have processed it by {view.due.isoformat()}" if view.due else ""
    if r.kind == "drop":
        ref = f" (DROP ID {r.platform_ref})" if r.platform_ref else ""
        given = f"; identifiers given: {', '.join(r.identifiers)}" if r.identifiers else ""
        say(f"#{r.id} {result.platform}: request of {r.dated.isoformat()} recorded{ref}{given}{due}")
        return
    verb = "recorded" if result.created else "updated"
    say(f"#{r.id} DROP status for {_safe(r.broker_name)} {verb}: {view.state.value}{due}")
