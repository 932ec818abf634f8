"""`broker-audit scan`: look for the requester's listing on people-search sites, only when asked.

Nothing is sent before `confirm` has seen the exact list of URLs and said yes; `dry_run` shows the
list and sends nothing. Results are stored in the vault (a `ScanResultSet`) and feed the audit.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import msgspec

from broker_audit.errors import UserError
from broker_audit.registry.load import Registry
from broker_audit.registry.schema import Broker
from broker_audit.scan.plan import PlannedSearch
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.resources import Resources
from broker_audit.tracking.journal import ScanFinding, ScanResultSet, now

DEFAULT_DELAY = 2.0
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class ScanPlan:
    searches: list[PlannedSearch]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (broker id, why)


@dataclass(frozen=True)
class ScanReport:
    plan: ScanPlan
    sent: bool  # whether anything went over the network
    results: list[ScanFinding] = field(default_factory=list)
    dry_run: bool = False


class SearchSent(msgspec.Struct, frozen=True, kw_only=True):
    """One search of the plan: the site, and the name it gets."""

    broker: str
    name: str  # the broker's name
    url: str
    verified: bool  # the site's reading rules were checked against a real page
    searched_as: str  # the name searched, as sent
    variant: str  # which variant of the person's name it is


class SiteSkipped(msgspec.Struct, frozen=True):
    broker: str
    why: str


class SiteResult(msgspec.Struct, frozen=True, kw_only=True):
    """What one site showed."""

    broker: str
    outcome: str  # found, not-found, blocked, could-not-read, error
    listing_url: str
    matched_name: str
    matched_location: str
    detail: str
    date: dt.date


class ScanSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The searches planned (and sent, unless a dry run) and what each site showed: the data of
    `scan --json`."""

    dry_run: bool
    sent: bool  # whether anything went over the network
    searches: list[SearchSent]
    skipped: list[SiteSkipped]
    results: list[SiteResult]


def scan_summary(report: ScanReport) -> ScanSummary:
    return ScanSummary(
        dry_run=report.dry_run,
        sent=report.sent,
        searches=[
            SearchSent(
                broker=s.broker_id,
                name=s.broker_name,
                url=s.url,
                verified=s.verified,
                searched_as=s.name,
                variant=s.why,
            )
            for s in report.plan.searches
        ],
        skipped=[SiteSkipped(b, why) for b, why in report.plan.skipped],
        results=[
            SiteResult(
                broker=f.broker_id,
                outcome=f.outcome,
                listing_url=f.listing_url,
                matched_name=f.matched_name,
                matched_location=f.matched_location,
                detail=f.detail,
                date=f.on,
            )
            for f in report.results
        ],
    )


def _clean(text: str) -> str:
    from broker_audit.cleantext import clean_line

    return clean_line(text or "")[:2000]


def _chosen_brokers(registry: Registry, wanted: Sequence[str]) -> tuple[list[Broker], list[tuple[str, str]]]:
    """The brokers to search: those named, else every one with a search rule except those that
    sell to government, police or immigration enforcement (a search from your connection tells
    them your name and your city, as a letter would: letters/disclosure.py); they are listed as
    skipped, and searched only when named."""
    from broker_audit.letters.disclosure import government_ties

    if not wanted:
        chosen, skipped = [], []
        for broker in (b for b in registry.active() if b.search is not None):
            ties = government_ties(broker)
            if ties:
                skipped.append(
                    (
                        broker.id,
                        f"{ties}: a search tells it your name and city; name it to search it anyway "
                        f"(--broker {broker.id})",
                    )
                )
            else:
                chosen.append(broker)
        return chosen, skipped
    chosen, skipped = [], []
    for text in wanted:
        broker = registry.resolve(text)
        if broker.search is None:
            skipped.append((broker.id, "no public search rule in the registry"))
        elif broker not in chosen:
            chosen.append(broker)
    return chosen, skipped


def run_scan(
    access: VaultAccess,
    *,
    resources: Resources,
    confirm: Callable[[ScanPlan], bool],
    brokers: Sequence[str] = (),
    search_name: str | None = None,
    dry_run: bool = False,
    delay: float = DEFAULT_DELAY,
    timeout: float = DEFAULT_TIMEOUT,
    base_url: str | None = None,
    base_urls: dict[str, str] | None = None,
    today: dt.date | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[PlannedSearch, ScanFinding], None] | None = None,
) -> ScanReport:
    """Plan the searches, ask `confirm` (unless `dry_run`), send them one by one, store the results.

    A site is searched under each variant of the person's name in turn (both surnames, the
    first surname, other names; with and without accents) until a listing is found or the site
    says anything but "not found"; its finding is one per site.

    `base_url` (every broker) or `base_urls` (per broker id) replace the sites' addresses: the hook
    tests use to point the rules at a local server.
    """
    registry = resources.registry
    from broker_audit.scan.fetch import Pacer, check_site
    from broker_audit.scan.plan import person_from_profile, plan_searches

    chosen, skipped = _chosen_brokers(registry, brokers)
    with open_journal(access) as journal:
        person = person_from_profile(require_profile(journal), search_name)
        plan = ScanPlan(plan_searches(chosen, person, base_url=base_url, base_urls=base_urls), skipped)
        if not plan.searches:
            raise UserError(
                "none of the chosen brokers has a public search rule",
                "run `broker-audit scan --dry-run` to see the brokers that have one",
            )
        if dry_run:
            return ScanReport(plan=plan, sent=False, dry_run=True)
        if not confirm(plan):
            return ScanReport(plan=plan, sent=False)
        on = today or dt.date.today()
        pacer = Pacer(delay=delay, sleep=sleep)
        rules = {b.id: b.search for b in chosen if b.search is not None}
        results = []
        by_site: dict[str, list[PlannedSearch]] = {}
        for search in plan.searches:
            by_site.setdefault(search.broker_id, []).append(search)
        for broker_id, searches in by_site.items():
            reading, sent = check_site(searches, rules[broker_id], person, pacer=pacer, timeout=timeout)
            detail = reading.detail
            if reading.outcome == "not-found" and len(sent) > 1:
                detail = f"not found under any of {len(sent)} names: " + "; ".join(s.name for s in sent)
            # What a page says is kept as text only: no escape sequences or control characters
            # reach the vault (and from there a terminal).
            finding = ScanFinding(
                broker_id=broker_id,
                outcome=reading.outcome,  # type: ignore[arg-type]
                on=on,
                listing_url=_clean(reading.listing_url),
                matched_name=_clean(reading.matched_name),
                matched_location=_clean(reading.matched_location),
                detail=_clean(detail),
            )
            results.append(finding)
            if progress is not None:
                progress((sent or searches)[-1], finding)
        journal.append([ScanResultSet(results=results, recorded=now())])
    return ScanReport(plan=plan, sent=True, results=results)
