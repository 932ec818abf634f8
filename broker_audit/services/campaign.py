"""A records-request campaign: the same request to every agency of a group (every Colorado sheriff)
or of a list, each by its own route, each logged as a records request under its own clock, grouped
under one campaign id; then who answered, who is late, who asked for fees, the follow-ups, and the
findings per agency with the reply they rest on.

The letters go through the one letter pipeline (`services/letters.issue_letters`): all rendered,
then all written, then the requests and the campaign record logged in one vault transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from broker_audit.errors import UserError
from broker_audit.i18n import _, ngettext
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.letters import (
    Announcement,
    LetterJob,
    LetterResult,
    check_reading_language,
    issue_letters,
)
from broker_audit.services.resources import Resources
from broker_audit.tracking.campaign_records import (
    AgencyFindingRecorded,
    CampaignMade,
    CampaignMember,
    MemberRoute,
)
from broker_audit.tracking.journal import Journal, now
from broker_audit.words import channel_done, state_word

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.letters.compose import Earlier
    from broker_audit.letters.records_identity import RecordsRequester, RequesterKind
    from broker_audit.registry.agencies import Agency, AgencyRoute, Directory
    from broker_audit.services.duplicates import OpenRequest
    from broker_audit.tracking.model import RequestView


def new_campaign_id(today: dt.date) -> str:
    return f"C-{today:%Y%m%d}-" + secrets.token_hex(3).upper()


def _laws(laws: Sequence[Law]) -> tuple[Law, Law | None]:
    cora = next((x for x in laws if x.id == "co-cora"), None)
    if cora is None:
        raise UserError(_("the law data has no Colorado Open Records Act entry (co-cora)"))
    return cora, next((x for x in laws if x.id == "co-ccjra"), None)


def agency_job(
    agency_name: str,
    agency_id: str,
    route: AgencyRoute | None,
    *,
    channel: str,
    recipient: Sequence[str],
    email_to: str | None,
    requester: RecordsRequester,
    data: tuple[str, str],
    laws: Sequence[Law],
    today: dt.date,
    since: dt.date,
    kind_id: str = "records",
    earlier: Earlier | None = None,
    linked_to: int | None = None,
    warnings: Sequence[str] = (),
) -> LetterJob:
    """One records letter (or follow-up) to an agency, planned for the pipeline."""
    from broker_audit.law.claim import claim_for
    from broker_audit.letters.compose import new_reference, records_context
    from broker_audit.vocabulary import kind

    cora, ccjra = _laws(laws)
    letter = kind(kind_id)
    reference = new_reference()
    context = records_context(
        profile=None,
        agency=agency_name,
        cora=cora,
        ccjra=ccjra,
        today=today,
        reference=reference,
        since=since,
        requester=requester.context(),
        organization=requester.organization,
        data=data,
        letter=letter,
        earlier=earlier,
    )
    return LetterJob(
        broker=None,
        letter=letter,
        law=cora,
        context=context,
        route=route,
        channels=(channel,),
        recipient=tuple(recipient),
        sender=requester.sender,
        email_to=email_to,
        reference=reference,
        clock=claim_for(cora, letter).clock,
        recipient_kind="agency",
        warnings=list(warnings),
        linked_to=linked_to,
        email_from=requester.email,
        identity=requester.identity,
        agency_id=agency_id,
        disclosure=requester.disclosure(),
        announcement=requester.announcement(agency_name),
    )


# --- starting a campaign ---------------------------------------------------------------------------


class CampaignResult(msgspec.Struct, frozen=True, kw_only=True):
    """A campaign started: its letters (each to an agency, whose id and name are the letter's
    `broker` and `broker_name`, as in `status` and `show`) and the agencies no letter could
    reach: the data of `cora --all --json`."""

    campaign_id: str = msgspec.field(name="campaign")
    scope: str
    requester: str  # "clinic" or "person"
    letters: list[LetterResult]
    without_route: list[CampaignMember]
    warnings: list[str] = []


def choose_agencies(
    directory: Directory, *, group: str | None, agency_list: Path | None
) -> tuple[str, list[Agency]]:
    """(the campaign's scope, its agencies) from `--all GROUP` or `--agencies FILE`."""
    from broker_audit.registry.agencies import read_agency_list

    if (group is None) == (agency_list is None):
        raise UserError(
            _("name the agencies once"), _("use --all co-sheriffs, or --agencies FILE (one id a line)")
        )
    if group is not None:
        return group.strip().lower(), directory.group(group)
    from broker_audit.files import read_input_text

    assert agency_list is not None
    text = read_input_text(agency_list, what=_("agency list"), limit=1024 * 1024)
    return "list", read_agency_list(text, directory)


def start_campaign(
    access: VaultAccess,
    *,
    resources: Resources,
    out_dir: Path,
    today: dt.date,
    group: str | None = None,
    agency_list: Path | None = None,
    since: dt.date = dt.date(2019, 1, 1),
    as_kind: RequesterKind | None = None,
    prefer: str | None = None,
    formats: Sequence[str] | None = None,
    templates_dir: Path | None = None,
    announce: Callable[[list[Announcement]], None] | None = None,
    again: bool = False,
    reading_copy: str | None = None,
) -> CampaignResult:
    """Write one records request to each chosen agency that has a route, each as its route's
    artefact, and log them all (and the campaign) in one transaction. Agencies without a route get
    no letter: they are listed, with the leads the directory has for them. Nor does an agency a
    records request is still open with (a campaign run twice would send it twice), unless
    `again`: it is listed with that request. `announce` is called, before anything is written,
    with what the letters tell the agencies (the same for each). `reading_copy`: a language the
    requester reads (`es`): each letter's reading copy in it is written beside the letter."""
    from broker_audit.letters.compose import route_block
    from broker_audit.services.duplicates import open_agency_requests

    laws = resources.laws
    directory = resources.agencies
    from broker_audit.letters.records_identity import records_requester
    from broker_audit.registry.agencies import choose_agency_route, letter_channels

    if since > today:
        raise UserError("--since is in the future")
    if prefer is not None and prefer not in letter_channels():
        raise UserError(
            f"--via {prefer!r}: a records request is made in writing",
            "--via is one of: " + ", ".join(letter_channels()),
        )
    scope, agencies = choose_agencies(directory, group=group, agency_list=agency_list)
    _laws(laws)
    campaign_id = new_campaign_id(today)
    with open_journal(access) as journal, journal.write():
        requester = records_requester(journal.profile, journal.agent, as_kind)
        jobs: list[LetterJob] = []
        planned: list[tuple[Agency, AgencyRoute, list[str]]] = []
        without: list[CampaignMember] = []
        still_open = {} if again else open_agency_requests(journal)
        for agency in agencies:
            choice = choose_agency_route(agency, prefer)
            leads = [f"{r.channel} ({r.door}, {r.grade}): {r.address()} [{r.source}]" for r in choice.leads]
            repeated = still_open.get(agency.name.casefold())
            if choice.route is not None and repeated is not None:
                without.append(
                    CampaignMember(
                        agency_id=agency.id,
                        agency_name=agency.name,
                        agency_kind=agency.kind,
                        why_not=_still_open_words(repeated),
                        leads=leads,
                        open_request=repeated.request_id,
                    )
                )
                continue
            if choice.route is None:
                without.append(
                    CampaignMember(
                        agency_id=agency.id,
                        agency_name=agency.name,
                        agency_kind=agency.kind,
                        why_not=_no_route_words(agency.unknown),
                        leads=leads,
                    )
                )
                continue
            route = choice.route
            planned.append((agency, route, leads))
            jobs.append(
                agency_job(
                    agency.name,
                    agency.id,
                    route,
                    channel=route.channel,
                    recipient=route_block(agency.name, route),
                    email_to=route.value if route.channel == "email" else None,
                    requester=requester,
                    data=agency.data_words(),
                    laws=laws,
                    today=today,
                    since=since,
                    warnings=choice.warnings,
                )
            )
        still = sum(1 for m in without if m.open_request is not None)
        if not jobs and still:
            raise UserError(
                ngettext(
                    "{count} agency with a route has an open records request: no letter was written",
                    "every one of the {count} agencies with a route has an open records request: "
                    "no letter was written",
                    still,
                ).format(count=still),
                _(
                    "`status --campaign ID` shows them and `followup` writes to the late ones; "
                    "--again writes them anyway"
                ),
            )
        if not jobs:
            raise UserError(
                ngettext(
                    "{count} agency has no known route: no letter was written",
                    "none of the {count} agencies has a known route: no letter was written",
                    len(agencies),
                ).format(count=len(agencies)),
                _("`broker-audit agencies list --without-route` lists them with what is known"),
            )

        if announce is not None:
            from broker_audit.letters.disclosure import AGENCY_SEES

            every = (
                ngettext("each of the {count} agency", "each of the {count} agencies", len(jobs)).format(
                    count=len(jobs)
                )
                if len(jobs) > 1
                else jobs[0].recipient_name
            )
            line = requester.announcement(every, len(jobs))
            announce([Announcement(every, "records", f"{line} {_(AGENCY_SEES)}")])

        def campaign_record(results: list[LetterResult]) -> list[CampaignMade]:
            members = [
                CampaignMember(
                    agency_id=agency.id,
                    agency_name=agency.name,
                    agency_kind=agency.kind,
                    request_id=result.request_id,
                    route=MemberRoute(
                        channel=route.channel,
                        address=route.address(),
                        recipient=list(job.recipient),
                        door=route.door,
                        grade=route.grade,
                        source=route.source,
                        note=route.note,
                    ),
                    leads=leads,
                    warnings=list(job.warnings),
                )
                for (agency, route, leads), job, result in zip(planned, jobs, results, strict=True)
            ]
            return [
                CampaignMade(
                    campaign_id=campaign_id,
                    created=now(),
                    dated=today,
                    scope=scope,
                    requester=requester.kind,
                    since=since,
                    members=members + without,
                )
            ]

        letters = issue_letters(
            journal,
            journal.profile,
            jobs,
            out_dir=out_dir,
            formats=formats,
            today=today,
            templates_dir=templates_dir,
            also_log=campaign_record,
            reading_copy=check_reading_language(reading_copy),
        )
    warnings = [w for job in jobs for w in job.warnings]
    return CampaignResult(
        campaign_id=campaign_id,
        scope=scope,
        requester=requester.kind,
        letters=letters,
        without_route=without,
        warnings=warnings,
    )


# --- where a campaign stands -----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyStatus:
    """One agency of a campaign, as `status --campaign` shows it."""

    agency_id: str
    agency_name: str
    request_id: int | None
    reference: str
    channel: str
    state: str  # the request's state, or "no route"
    sent: dt.date | None
    due: dt.date | None
    due_estimated: bool
    days_left: int | None
    late: bool
    answered: bool  # a reply is kept, or the request was marked answered
    replies: int
    followup_id: int | None
    followup_state: str
    fee: str  # "" (none asked), or the amount asked ("asked" when none was given)
    findings: list[str]
    why_not: str = ""


class CampaignReport(msgspec.Struct, frozen=True, kw_only=True):
    """Where a campaign stands, agency by agency: the data of `status --campaign ID --json`."""

    campaign_id: str = msgspec.field(name="campaign")
    dated: dt.date
    scope: str
    requester: str
    today: dt.date
    letters: int  # agencies written to
    answered: int
    late: int
    fees: int  # agencies that asked for a fee
    without_route: int  # agencies no letter could reach
    asked_before: int = 0  # agencies not written to: a records request to them was still open
    rows: list[AgencyStatus] = msgspec.field(name="agencies")


@dataclass(frozen=True)
class CampaignSummary:
    campaign_id: str
    dated: dt.date
    scope: str
    agencies: int
    letters: int


def find_campaign(journal: Journal, campaign_id: str) -> CampaignMade:
    wanted = campaign_id.strip().upper()
    found = journal.campaigns.get(wanted)
    if found is None:
        known = sorted(journal.campaigns)
        hint = (
            _("campaigns: {known}").format(known=", ".join(known[-10:]))
            if known
            else _("start one with `broker-audit cora --all co-sheriffs`")
        )
        raise UserError(_("no campaign {campaign_id!r} in this vault").format(campaign_id=campaign_id), hint)
    return found


def list_campaigns(access: VaultAccess) -> list[CampaignSummary]:
    with open_journal(access) as journal:
        return [
            CampaignSummary(
                campaign_id=c.campaign_id,
                dated=c.dated,
                scope=c.scope,
                agencies=len(c.members),
                letters=sum(m.request_id is not None for m in c.members),
            )
            for c in sorted(journal.campaigns.values(), key=lambda c: (c.dated, c.campaign_id))
        ]


_ANSWERED = frozenset({"fulfilled", "partially-fulfilled", "denied"})


def _chain(journal: Journal, request_id: int) -> list[int]:
    """The request and the follow-ups linked to it, in order."""
    return [request_id, *sorted(journal.linked.get(request_id, ()))]


def findings_of(
    journal: Journal, campaign: CampaignMade, member: CampaignMember
) -> list[AgencyFindingRecorded]:
    return [
        f
        for f in journal.agency_findings
        if f.campaign_id == campaign.campaign_id and f.agency_id == member.agency_id
    ]


def agency_status(
    journal: Journal, campaign: CampaignMade, member: CampaignMember, today: dt.date
) -> AgencyStatus:
    from broker_audit.tracking.due import days_left, is_overdue

    findings = [
        f
        for f in journal.agency_findings
        if f.campaign_id == campaign.campaign_id and f.agency_id == member.agency_id
    ]
    if member.request_id is None:
        return AgencyStatus(
            agency_id=member.agency_id,
            agency_name=member.agency_name,
            request_id=None,
            reference="",
            channel="",
            state="no route" if member.open_request is None else "asked before",  # i18n: not user-facing
            sent=None,
            due=None,
            due_estimated=False,
            days_left=None,
            late=False,
            answered=False,
            replies=0,
            followup_id=None,
            followup_state="",
            fee="",
            findings=[],
            why_not=member.why_not,
        )
    view = journal.view(member.request_id)
    chain = _chain(journal, member.request_id)
    followups = [journal.view(i) for i in chain[1:]]
    replies = sum(len(journal.replies_by_request.get(i, ())) for i in chain)
    answered = replies > 0 or any(journal.view(i).state.value in _ANSWERED for i in chain)
    fees = [f for f in findings if f.finding == "fee"]
    return AgencyStatus(
        agency_id=member.agency_id,
        agency_name=member.agency_name,
        request_id=member.request_id,
        reference=view.request.reference,
        channel=view.request.channel,
        state=view.state.value,
        sent=view.sent,
        due=view.due,
        due_estimated=view.due_estimated,
        days_left=days_left(view, today),
        late=is_overdue(view, today) and not answered,
        answered=answered,
        replies=replies,
        followup_id=followups[-1].request.id if followups else None,
        followup_state=followups[-1].state.value if followups else "",
        fee=(fees[-1].amount or "asked") if fees else "",
        findings=list(dict.fromkeys(f.finding for f in findings if f.finding != "fee")),
    )


def campaign_report(access: VaultAccess, campaign_id: str, *, today: dt.date) -> CampaignReport:
    with open_journal(access) as journal:
        campaign = find_campaign(journal, campaign_id)
        rows = [agency_status(journal, campaign, m, today) for m in campaign.members]
    rows.sort(key=lambda r: (r.request_id is None, not r.late, r.agency_name))
    return CampaignReport(
        campaign_id=campaign.campaign_id,
        dated=campaign.dated,
        scope=campaign.scope,
        requester=campaign.requester,
        today=today,
        letters=sum(r.request_id is not None for r in rows),
        answered=sum(r.answered for r in rows),
        late=sum(r.late for r in rows),
        fees=sum(bool(r.fee) for r in rows),
        without_route=sum(r.state == "no route" for r in rows),  # i18n: not user-facing (a state id)
        asked_before=sum(r.state == "asked before" for r in rows),  # i18n: not user-facing (a state id)
        rows=rows,
    )


# --- follow-ups ------------------------------------------------------------------------------------


def campaign_followup(
    journal: Journal, view: RequestView, *, today: dt.date, resources: Resources
) -> LetterJob | str | None:
    """The follow-up letter a campaign's late request gets (by the route it went), a reason it gets
    none yet (str), or None when it is not a campaign's request.

    Late: past the Open Records Act's clock (3 working days from receipt, 10 when extended; an
    estimate until receipt is recorded) with no answer kept, or marked no-response. Once a
    follow-up is drafted or sent, no other is written."""
    from broker_audit.letters.disclosure import value_digest
    from broker_audit.letters.records_identity import records_requester
    from broker_audit.tracking.due import is_overdue
    from broker_audit.tracking.earlier import earlier_of
    from broker_audit.tracking.states import State

    found = journal.campaign_member(view.request.id)
    if found is None or view.request.linked_to is not None:
        return None
    campaign, member = found
    if member.route is None:
        return _("no route")
    chain = _chain(journal, view.request.id)
    if len(chain) > 1:
        return _("a follow-up is already written as #{chain}").format(chain=chain[-1])
    if any(journal.replies_by_request.get(i) for i in chain):
        return _("a reply is kept: record what it showed with `broker-audit campaign finding`")
    late = view.state is State.NO_RESPONSE or is_overdue(view, today)
    if not late:
        due = view.due.isoformat() if view.due else _("none until it is sent")
        return _("nothing to send yet ({value}, due {due})").format(value=view.state.value, due=due)
    earlier = earlier_of(view)  # late: not answered, not appealed
    as_kind: RequesterKind = "clinic" if campaign.requester == "clinic" else "person"
    requester = records_requester(journal.profile, journal.agent, as_kind)
    gave = view.request.disclosed.values.get("email") if view.request.disclosed is not None else None
    if as_kind == "person" and gave and value_digest("email", requester.email) not in gave:
        return _(
            "your e-mail changed since the request: a follow-up would give the agency the "
            "new one; write to it from the address the request gave"
        )
    route = member.route
    return agency_job(
        member.agency_name,
        member.agency_id,
        _route_again(route, campaign.dated),
        channel=route.channel,
        recipient=route.recipient,
        email_to=route.address if route.channel == "email" else None,
        requester=requester,
        data=_data_words(member, resources.agencies),
        laws=resources.laws,
        today=today,
        since=campaign.since,
        kind_id="records-followup",
        earlier=earlier,
        linked_to=view.request.id,
    )


def _route_again(route: MemberRoute, checked: dt.date) -> AgencyRoute | None:
    """The campaign letter's route as an agency route, for a follow-up's sheet (web form, phone);
    a letter by mail or email needs only its recipient lines."""
    import msgspec

    from broker_audit.registry.agencies import AgencyRoute

    if route.channel not in ("web-form", "phone", "email"):
        return None
    fields = {
        "channel": route.channel,
        "value": route.address,
        "door": route.door,
        "grade": route.grade,
        "source": route.source,
        "checked": checked,
        "note": route.note,
    }
    return msgspec.convert(fields, AgencyRoute)  # checked again, as when it was read


def _data_words(member: CampaignMember, directory: Directory) -> tuple[str, str]:
    from broker_audit.registry.agencies import DATA_WORDS

    try:
        return directory.get(member.agency_id).data_words()
    except UserError:
        return DATA_WORDS.get(member.agency_kind, DATA_WORDS["county-sheriff"])


# --- findings --------------------------------------------------------------------------------------


def record_finding(
    access: VaultAccess,
    request_id: int,
    finding: str,
    *,
    today: dt.date,
    reply_id: int | None = None,
    evidence: str = "",
    on: dt.date | None = None,
    amount: str = "",
    note: str = "",
) -> AgencyFindingRecorded:
    """Record what an agency's answer showed, resting on a stored reply (or another reference the
    user gives). The request may be the campaign letter or its follow-up."""
    from broker_audit.dates import check_date
    from broker_audit.vocabulary import FINDINGS

    key = finding.strip().lower()
    if key not in FINDINGS:
        raise UserError(
            _("unknown finding {finding!r}").format(finding=finding),
            _("findings are: ") + ", ".join(FINDINGS),
        )
    if reply_id is None and not evidence.strip():
        raise UserError(
            _("a finding rests on evidence"),
            _(
                "name the stored reply it comes from (--reply N; `broker-audit show ID` lists "
                'them), or --evidence "what and where"'
            ),
        )
    if amount and key != "fee":
        raise UserError("--amount goes with the finding `fee`")
    with open_journal(access) as journal, journal.write():
        journal.view(request_id)  # UnknownRequest for a wrong id
        found = journal.campaign_member(request_id)
        if found is None:
            raise UserError(
                _("request {request_id} is not part of a campaign").format(request_id=request_id),
                _("findings go with a campaign's records requests (`broker-audit status --campaign ID`)"),
            )
        campaign, member = found
        assert member.request_id is not None
        day = on
        if reply_id is not None:
            reply = journal.replies.get(reply_id)
            if reply is None or reply.request_id not in _chain(journal, member.request_id):
                raise UserError(
                    _("reply #{reply_id} is not a reply to {agency_name}'s request").format(
                        reply_id=reply_id, agency_name=member.agency_name
                    ),
                    _(
                        "`broker-audit show {request_id}` lists its replies; keep one with "
                        "`broker-audit reply {request_id} --file SCAN`"
                    ).format(request_id=request_id),
                )
            day = day or reply.received.date()
        day = check_date(day or today, "--on")
        if day > today:
            raise UserError(
                _("{day} is in the future").format(day=day.isoformat()),
                _("give the day of the answer with --on"),
            )
        record = AgencyFindingRecorded(
            campaign_id=campaign.campaign_id,
            agency_id=member.agency_id,
            request_id=request_id,
            finding=key,
            on=day,
            reply_id=reply_id,
            evidence=evidence.strip(),
            amount=amount.strip(),
            note=note.strip(),
            recorded=now(),
        )
        journal.append([record])
        return record


def _still_open_words(repeated: OpenRequest) -> str:  # i18n: English on purpose (stored with the campaign)
    return (
        f"a records request to it is still open: {repeated.describe()}; follow it up "
        f"(broker-audit followup {repeated.request_id}) or add --again"
    )


def _no_route_words(unknown: Sequence[str]) -> str:  # i18n: English on purpose (stored with the campaign)
    still = f"; still unknown: {', '.join(unknown)}" if unknown else ""
    return f"no request channel or contact is known{still}"


# --- the table an advocate brings ---------------------------------------------------------------

EXPORT_COLUMNS = (
    "agency",
    "agency id",  # i18n: not user-facing (a CSV column name, read by programs)
    "finding",
    "date",
    "evidence",
    "request",
    "status",
    "note",
)


@dataclass(frozen=True)
class ExportRow:
    agency: str
    agency_id: str
    finding: str  # in words
    date: str
    evidence: str
    request: str  # "#3, ref. BA-..., by mail"
    status: str
    note: str = ""

    def cells(self) -> tuple[str, ...]:
        return (
            self.agency,
            self.agency_id,
            self.finding,
            self.date,
            self.evidence,
            self.request,
            self.status,
            self.note,
        )


class ExportResult(msgspec.Struct, frozen=True, kw_only=True):
    """A campaign's table as written: the data of `campaign export --json`."""

    campaign_id: str = msgspec.field(name="campaign")
    files: list[Path]
    rows: list[ExportRow]


def evidence_reference(journal: Journal, record: AgencyFindingRecorded) -> str:
    """Where the finding can be checked: the stored reply (its request's reference, the day it
    came, the file and the start of its SHA-256), and the user's own reference."""
    parts = []
    if record.reply_id is not None:
        reply = journal.replies.get(record.reply_id)
        if reply is not None:
            request = journal.requests[reply.request_id]
            name = reply.original_name or reply.subject or "reply"
            parts.append(
                _("reply #{id} to ref. {reference}, received {value} ({name}, sha256 {sha256})").format(
                    id=reply.id,
                    reference=request.reference,
                    value=reply.received.date().isoformat(),
                    name=name,
                    sha256=reply.sha256[:12],
                )
            )
    if record.evidence:
        parts.append(record.evidence)
    return "; ".join(parts)


def export_rows(journal: Journal, campaign: CampaignMade, today: dt.date) -> list[ExportRow]:
    """One row per finding; an agency without one gets one row saying where its request stands."""
    from broker_audit.vocabulary import FINDING_WORDS

    rows: list[ExportRow] = []
    for member in sorted(campaign.members, key=lambda m: m.agency_name):
        status = agency_status(journal, campaign, member, today)
        if member.request_id is None:
            where = _("no letter: no route known")
            request = ""
        else:
            how = channel_done(status.channel) or status.channel
            request = f"#{member.request_id}, ref. {status.reference}, {how}"
            where = (
                _("late") if status.late else (_("answered") if status.answered else state_word(status.state))
            )
            if status.followup_id:
                where += _("; follow-up #{id} ({state})").format(
                    id=status.followup_id, state=state_word(status.followup_state or "")
                )
        found = [
            f
            for f in journal.agency_findings
            if f.campaign_id == campaign.campaign_id and f.agency_id == member.agency_id
        ]
        if not found:
            why = member.why_not if member.request_id is None else ""
            rows.append(ExportRow(member.agency_name, member.agency_id, "", "", "", request, where, why))
            continue
        for f in found:
            words = _(FINDING_WORDS[f.finding]) if f.finding in FINDING_WORDS else f.finding
            if f.finding == "fee" and f.amount:
                words += f": {f.amount}"
            rows.append(
                ExportRow(
                    member.agency_name,
                    member.agency_id,
                    words,
                    f.on.isoformat(),
                    evidence_reference(journal, f),
                    request,
                    where,
                    f.note,
                )
            )
    return rows


def export_findings(access: VaultAccess, campaign_id: str, *, out_dir: Path, today: dt.date) -> ExportResult:
    """The campaign's table (agency x finding x date x evidence reference) as a CSV every
    spreadsheet opens safely and as a printable PDF page."""
    from broker_audit.files import deferred_folder_sync, ensure_folder
    from broker_audit.intake.csvsafe import write_safe_csv
    from broker_audit.letters.findings_pdf import write_findings_pdf

    with open_journal(access) as journal:
        campaign = find_campaign(journal, campaign_id)
        rows = export_rows(journal, campaign, today)
    ensure_folder(out_dir, what=_("export folder"))
    stem = out_dir / f"{campaign.campaign_id}-findings"
    csv_path, pdf_path = stem.with_suffix(".csv"), stem.with_suffix(".pdf")
    title = _("Records requests, campaign {campaign_id} ({scope}), as of {today}").format(
        campaign_id=campaign.campaign_id, scope=campaign.scope, today=today.isoformat()
    )
    with deferred_folder_sync():
        write_safe_csv(csv_path, EXPORT_COLUMNS, [r.cells() for r in rows])
        unreached = [r.agency for r in rows if not r.request]
        write_findings_pdf(
            pdf_path,
            title=title,
            note=(
                _(
                    "Letters dated {dated}, asking for records from {since}. Each finding is what "
                    "the agency's answer showed, as recorded by the requester; the evidence column "
                    "names the reply it rests on (kept encrypted by broker-audit, with its "
                    "SHA-256)."
                ).format(dated=campaign.dated.isoformat(), since=campaign.since.isoformat())
            ),
            columns=(_("Agency"), _("Finding"), _("Date"), _("Evidence"), _("Request"), _("Status")),
            rows=[(r.agency, r.finding, r.date, r.evidence, r.request, r.status) for r in rows if r.request],
            after=(
                _("No letter yet, as no request channel or contact is known ({unreached}): ").format(
                    unreached=len(unreached)
                )
                + "; ".join(unreached)
                + "."
                if unreached
                else ""
            ),
        )
    return ExportResult(campaign_id=campaign.campaign_id, rows=rows, files=[csv_path, pdf_path])
