"""`scan`: the searches planned (on stderr, before anything is sent), each site as it answers,
and what each showed (names, places and links come from the scanned pages: cleaned)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, say
from broker_audit.i18n import NP_, _, ngettext, pgettext_in

if TYPE_CHECKING:
    from broker_audit.scan.plan import PlannedSearch
    from broker_audit.services.scan import ScanPlan, ScanReport
    from broker_audit.tracking.records import ScanFinding


OUTCOME_WORDS = {
    "found": NP_("scan outcome", "found"),
    "not-found": NP_("scan outcome", "not found"),
    "blocked": NP_("scan outcome", "blocked"),
    "could-not-read": NP_("scan outcome", "could not read"),
    "error": NP_("scan outcome", "error"),
}


def outcome_word(outcome: str) -> str:
    found = OUTCOME_WORDS.get(outcome)
    return pgettext_in(None, "scan outcome", found) if found else outcome.replace("-", " ")


def render_scan_plan(plan: ScanPlan) -> None:
    """The searches `scan` would send, on stderr, before anything is sent."""
    say(
        ngettext(
            "This {count} search would send your name, city and state to this site, one at a time "
            "(a site's next name only while it has found nothing):",
            "These {count} searches would send your name, city and state to these sites, one at a time "
            "(a site's next name only while it has found nothing):",
            len(plan.searches),
        ).format(count=len(plan.searches)),
        err=True,
    )
    for s in plan.searches:
        note = "  " + _("(reading rules not checked against a real page)") if not s.verified else ""
        how = f" [{clean(s.name)}: {clean(s.why)}]" if getattr(s, "why", "") else ""
        say(f"  {clean(s.broker_name)}{how}: {clean(s.url)}{note}", err=True)
    for broker_id, why in plan.skipped:
        say("  " + _("skipped {broker}: {why}").format(broker=clean(broker_id), why=clean(why)), err=True)
    say(
        _(
            "Each site first gets a request for its robots.txt (without your name); a site whose "
            "robots.txt forbids the search is not searched."
        ),
        err=True,
    )


def render_scan_progress(search: PlannedSearch, finding: ScanFinding) -> None:
    say(f"  {clean(search.broker_name)}: {clean(outcome_word(finding.outcome))}", err=True)


def render_scan_results(report: ScanReport) -> None:
    """What each scanned site showed (names, places and links come from the scanned pages)."""
    names = {s.broker_id: s for s in report.plan.searches}
    table = Table()
    for column in (_("broker"), _("result"), _("details")):
        table.add_column(column)
    for f in report.results:
        details = "\n".join(
            clean(x) for x in (f.matched_name, f.matched_location, f.listing_url, f.detail) if x
        )
        add_text_row(table, names[f.broker_id].broker_name, outcome_word(f.outcome), details)
    console.print(table)
    for f in (f for f in report.results if f.outcome == "found"):
        form = names[f.broker_id].opt_out
        say(
            _("Ask {broker} to take the listing down: {command}").format(
                broker=clean(names[f.broker_id].broker_name),
                command=f"broker-audit request {clean(f.broker_id)} --kind opt-out",
            )
            + ("  " + _("(or its opt-out form: {url})").format(url=clean(form)) if form else "")
        )
    if any(f.outcome in ("blocked", "could-not-read", "error") for f in report.results):
        say(_("Blocked or unreadable sites were not checked: look there yourself in a browser."))
