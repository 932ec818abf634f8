"""`cora --all`, `campaign list|finding|export` and `agencies show` (`agencies list` and a
campaign's status are plain listings: `listing.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, say

if TYPE_CHECKING:
    from broker_audit.registry.agencies import Agency, AgencyRouteChoice
    from broker_audit.services.campaign import CampaignResult, CampaignSummary, ExportResult
    from broker_audit.tracking.campaign_records import AgencyFindingRecorded


def render_campaign_started(result: CampaignResult) -> None:
    """What `cora --all` wrote: each agency's letter and where it goes, then the agencies without
    a route, then what to do next."""
    for warning in dict.fromkeys(result.warnings):
        say(f"warning: {clean(warning)}", err=True)
    who = "the clinic" if result.requester == "clinic" else "you (name and e-mail only)"
    say(
        f"Campaign {result.campaign_id} ({clean(result.scope)}), from {who}: "
        f"{len(result.letters)} letters, {len(result.without_route)} agencies without a known route"
    )
    for r in result.letters:
        say(
            f"#{r.request_id} {clean(r.broker_name)}: {clean(r.channel)} to {clean(r.route)}: "
            + ", ".join(clean(f) for f in r.files)
        )
    if result.without_route:
        say("No letter (no request channel or contact known; see `broker-audit agencies show ID`):")
        for m in result.without_route:
            leads = f" Leads to confirm: {'; '.join(m.leads)}" if m.leads else ""
            say(f"  {clean(m.agency_name)} ({clean(m.agency_id)}).{clean(leads)}")
    say("Sign the statement at the end of each letter before you send it (C.R.S. 24-72-305.5).", err=True)
    say("When you send one: broker-audit mark ID sent --via ROUTE (the route printed above)", err=True)
    say(f"Then: broker-audit status --campaign {result.campaign_id}", err=True)


def render_campaign_list(campaigns: Sequence[CampaignSummary]) -> None:
    if not campaigns:
        say("No campaigns yet. Start one with: broker-audit cora --all co-sheriffs")
        return
    for c in campaigns:
        say(
            f"{c.campaign_id}  {c.dated.isoformat()}  {clean(c.scope)}: "
            f"{c.letters} letters to {c.agencies} agencies"
        )


def render_finding(record: AgencyFindingRecorded) -> None:
    from broker_audit.vocabulary import FINDING_WORDS

    amount = f" ({clean(record.amount)})" if record.amount else ""
    evidence = f"reply #{record.reply_id}" if record.reply_id is not None else clean(record.evidence)
    say(
        f"{clean(record.agency_id)}: {FINDING_WORDS.get(record.finding, record.finding)}{amount}, "
        f"{record.on.isoformat()}, evidence: {evidence}"
    )


def render_export(result: ExportResult) -> None:
    say(f"Campaign {result.campaign_id}: {len(result.rows)} rows")
    for path in result.files:
        say(f"  {clean(path)}")


def render_agency(agency: Agency, choice: AgencyRouteChoice) -> None:
    """`agencies show`: the agency, its routes with where each was read, what is unknown."""
    lines: list[tuple[str, str]] = [
        (f"{clean(agency.name)} ({clean(agency.id)}), {clean(agency.kind)}", "bold")
    ]
    if choice.route is not None:
        lines.append(
            (
                f"  a campaign letter goes: {clean(choice.route.channel)} to {clean(choice.route.address())}",
                "",
            )
        )
    else:
        lines.append(("  no route a letter can use is known", "red"))
    for w in choice.warnings:
        lines.append((f"  warning: {clean(w)}", "yellow"))
    for r in agency.routes:
        lines.append((f"  {clean(r.channel)}: {clean(r.address())}", ""))
        lines.append((f"      {r.door}, {r.grade}; source: {clean(r.source)} (checked {r.checked})", ""))
        if r.note:
            lines.append((f"      {clean(r.note)}", "dim"))
    if agency.unknown:
        lines.append((f"  unknown: {clean('; '.join(agency.unknown))}", ""))
    if agency.notes:
        lines.append((f"  notes: {clean(agency.notes)}", ""))
    for text, style in lines:
        say((text, style))
