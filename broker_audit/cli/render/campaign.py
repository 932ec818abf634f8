"""`cora --all`, `campaign list|finding|export` and `agencies show` (`agencies list` and a
campaign's status are plain listings: `listing.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, say
from broker_audit.cli.render.requests import render_reading_copies
from broker_audit.i18n import _, data_text, ngettext
from broker_audit.words import agency_kind_word, channel_name, door_word, grade_word

if TYPE_CHECKING:
    from broker_audit.registry.agencies import Agency, AgencyRouteChoice
    from broker_audit.services.campaign import CampaignResult, CampaignSummary, ExportResult
    from broker_audit.tracking.campaign_records import AgencyFindingRecorded


def render_campaign_started(result: CampaignResult) -> None:
    """What `cora --all` wrote: each agency's letter and where it goes, then the agencies without
    a route, then what to do next."""
    for warning in dict.fromkeys(result.warnings):
        say(_("warning: {warning}").format(warning=clean(warning)), err=True)
    who = _("the clinic") if result.requester == "clinic" else _("you (name and e-mail only)")
    asked = [m for m in result.without_route if m.open_request is not None]
    unknown = [m for m in result.without_route if m.open_request is None]
    written = len(result.letters)
    letters = ngettext("{count} letter", "{count} letters", written).format(count=written)
    without = ngettext(
        "{count} agency without a known route", "{count} agencies without a known route", len(unknown)
    ).format(count=len(unknown))
    say(
        _("Campaign {campaign} ({scope}), from {who}: {letters}, {without}").format(
            campaign=result.campaign_id, scope=clean(result.scope), who=who, letters=letters, without=without
        )
        + (_(", {count} asked before").format(count=len(asked)) if asked else "")
    )
    for r in result.letters:
        say(
            _("#{id} {agency}: {channel} to {route}: {files}").format(
                id=r.request_id,
                agency=clean(r.broker_name),
                channel=clean(channel_name(r.channel)),
                route=clean(r.route),
                files=", ".join(clean(f) for f in r.files),
            )
        )
        render_reading_copies(r.request_id, r.reading_copies, err=False, indent="  ")
    if asked:
        say(_("Not written again (a records request to it is still open; --again writes it anyway):"))
        for m in asked:
            say(f"  {clean(m.agency_name)} ({clean(m.agency_id)}): #{m.open_request}")
    if unknown:
        say(_("No letter (no request channel or contact known; see `broker-audit agencies show ID`):"))
        for m in unknown:
            leads = " " + _("Leads to confirm: {leads}").format(leads="; ".join(m.leads)) if m.leads else ""
            say(f"  {clean(m.agency_name)} ({clean(m.agency_id)}).{clean(leads)}")
    say(_("Sign the statement at the end of each letter before you send it (C.R.S. 24-72-305.5)."), err=True)
    say(
        _("When you send one: {command} (the route printed above)").format(
            command="broker-audit mark ID sent --via ROUTE"
        ),
        err=True,
    )
    say(_("Then: {command}").format(command=f"broker-audit status --campaign {result.campaign_id}"), err=True)


def render_campaign_list(campaigns: Sequence[CampaignSummary]) -> None:
    if not campaigns:
        say(
            _("No campaigns yet. Start one with: {command}").format(
                command="broker-audit cora --all co-sheriffs"
            )
        )
        return
    for c in campaigns:
        # `agencies` is the whole scope: letters went only to those with a route
        letters = ngettext("{count} letter", "{count} letters", c.letters).format(count=c.letters)
        agencies = ngettext("{count} agency", "{count} agencies", c.agencies).format(count=c.agencies)
        say(
            f"{c.campaign_id}  {c.dated.isoformat()}  {clean(c.scope)}: "
            + _("{letters} ({agencies} in scope)").format(letters=letters, agencies=agencies)
        )


def render_finding(record: AgencyFindingRecorded) -> None:
    from broker_audit.vocabulary import FINDING_WORDS

    amount = f" ({clean(record.amount)})" if record.amount else ""
    evidence = (
        _("reply #{id}").format(id=record.reply_id) if record.reply_id is not None else clean(record.evidence)
    )
    found = FINDING_WORDS.get(record.finding)
    say(
        _("{agency}: {finding}{amount}, {day}, evidence: {evidence}").format(
            agency=clean(record.agency_id),
            finding=_(found) if found else record.finding,
            amount=amount,
            day=record.on.isoformat(),
            evidence=evidence,
        )
    )


def render_export(result: ExportResult) -> None:
    say(
        ngettext(
            "Campaign {campaign}: {count} row", "Campaign {campaign}: {count} rows", len(result.rows)
        ).format(campaign=result.campaign_id, count=len(result.rows))
    )
    for path in result.files:
        say(f"  {clean(path)}")


def render_agency(agency: Agency, choice: AgencyRouteChoice) -> None:
    """`agencies show`: the agency, its routes with where each was read, what is unknown."""
    lines: list[tuple[str, str]] = [
        (f"{clean(agency.name)} ({clean(agency.id)}), {clean(agency_kind_word(agency.kind))}", "bold")
    ]
    if choice.route is not None:
        lines.append(
            (
                "  "
                + _("a campaign letter goes: {channel} to {route}").format(
                    channel=clean(channel_name(choice.route.channel)), route=clean(choice.route.address())
                ),
                "",
            )
        )
    else:
        lines.append(("  " + _("no route a letter can use is known"), "red"))
    for w in choice.warnings:
        lines.append(("  " + _("warning: {warning}").format(warning=clean(w)), "yellow"))
    for r in agency.routes:
        lines.append((f"  {clean(channel_name(r.channel))}: {clean(r.address())}", ""))
        lines.append(
            (
                "      "
                + _("{door}, {grade}; source: {source} (checked {day})").format(
                    door=door_word(r.door), grade=grade_word(r.grade), source=clean(r.source), day=r.checked
                ),
                "",
            )
        )
        if r.note:
            lines.append((f"      {clean(r.note)}", "dim"))
    if agency.unknown:
        lines.append(
            (
                "  "
                + _("unknown: {what}").format(what=clean("; ".join(data_text(u) for u in agency.unknown))),
                "",
            )
        )
    if agency.notes:
        lines.append(("  " + _("notes: {notes}").format(notes=clean(agency.notes)), ""))
    for text, style in lines:
        say((text, style))
