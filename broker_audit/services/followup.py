"""Follow-up, appeal and complaint letters for requests that are late or refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.i18n import _
from broker_audit.law.schema import Law
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.findings import compliance_details
from broker_audit.services.letters import (
    LetterJob,
    LettersResult,
    check_reading_language,
    issue_letters,
    plan_letter,
)
from broker_audit.services.resources import Resources
from broker_audit.tracking.earlier import earlier_of
from broker_audit.tracking.model import Disclosed, RequestView
from broker_audit.tracking.next_step import followable, next_step
from broker_audit.tracking.states import State
from broker_audit.words import kind_word, state_word

if TYPE_CHECKING:
    from broker_audit.letters.compose import Earlier
    from broker_audit.profile import AgentProfile, Profile
    from broker_audit.registry.schema import Broker
    from broker_audit.tracking.journal import Journal

# Days a follow-up letter gives the company before the complaint is the next step.
FOLLOWUP_GRACE_DAYS = 10


class FollowupResult(LettersResult, frozen=True):
    """The follow-ups, appeals and complaints written, and the requests passed over: the data
    of `followup --json`."""

    skipped: list[tuple[int, str]] = []  # (request id, why no letter was written)


def _grace_over(followup: RequestView, today: dt.date) -> bool:
    """Whether the days a sent follow-up gives the company have passed: it asks for an answer
    "within 10 days of receiving this letter", so they count from its receipt (recorded, else
    estimated: sent plus its channel's delivery allowance), and the tenth day is still the
    company's."""
    from broker_audit.tracking.due import delivery_allowance

    if followup.sent is None:
        return False
    received = followup.delivered or followup.sent + dt.timedelta(
        days=delivery_allowance(followup.request.channel)
    )
    return (today - received).days > FOLLOWUP_GRACE_DAYS


def _choose(view: RequestView, linked: list[RequestView], law: Law, today: dt.date) -> str | None:
    step = next_step(
        view,
        today,
        appeal_available=bool(law.appeal and law.appeal.available),
        complaint_known=law.complaint is not None and law.complaint.reachable,
    )
    if step == "followup":
        sent_followups = [v for v in linked if v.request.kind == "followup" and v.sent]
        late = [v for v in sent_followups if _grace_over(v, today)]
        if late and law.complaint is not None and law.complaint.reachable:
            return "complaint"
        if sent_followups:
            return None  # a follow-up is out and its grace period is still running
    if step == "complaint" and view.state is State.APPEALED:
        # the request's appeal clock counts from the day the appeal went out; the appeal's own
        # counts from its receipt (estimated or recorded): no complaint before that has passed
        appeals = [v for v in linked if v.request.kind == "appeal" and v.sent]
        if any(v.due is not None and today <= v.due for v in appeals):
            return None
    return step


def with_timeline(
    journal: Journal,
    job: LetterJob,
    about: RequestView,
    law: Law,
    today: dt.date,
    formats: Sequence[str] | None,
) -> LetterJob:
    """The job with the timeline of the request it is about, as the PDF its `.eml` carries:
    the letter says "a timeline with copies is enclosed", so the e-mail encloses it."""
    import dataclasses

    from broker_audit.letters.formats import formats_for
    from broker_audit.services.evidence import timeline_pdf

    if "eml" not in formats_for(job.channel, formats):
        return job
    timeline = (
        f"timeline-{about.request.reference}.pdf",
        "application/pdf",
        timeline_pdf(journal, about, law, today),
    )
    return dataclasses.replace(job, attachments=(*job.attachments, timeline))


def plan_followup(
    broker: Broker,
    kind_id: str,
    *,
    profile: Profile,
    law: Law,
    laws: Sequence[Law],
    today: dt.date,
    details: str,
    earlier: Earlier,
    linked_to: int,
    via: str | None,
    earlier_disclosed: Disclosed | None = None,
    clinic: AgentProfile | None = None,
) -> LetterJob:
    """The next letter about an earlier request, sent the way the first went when it still can,
    telling its recipient no more than the first did (`earlier_disclosed`; a request logged
    before disclosures were recorded gets today's default for its broker). When the first route
    is gone, another channel; never e-mail when the request did not give the e-mail (an e-mail
    goes from the requester's address). `clinic`: a clinic client's request, whose answers go to
    the clinic when the home address is withheld."""
    from broker_audit.errors import UserError
    from broker_audit.vocabulary import channels_by_rank, kind

    def plan(channel: str | None) -> LetterJob:
        return plan_letter(
            broker,
            kind(kind_id),
            profile=profile,
            state_law=law,
            laws=laws,
            today=today,
            details=details,
            earlier=earlier,
            linked_to=linked_to,
            via=channel,
            earlier_disclosed=earlier_disclosed,
            clinic=clinic,
        )

    gave_email = earlier_disclosed is None or "email" in earlier_disclosed.given
    # The first route; else the best one now; else each channel (e-mail only if it was given).
    tried: list[str | None] = [via] if via else []
    tried += [None, *(c for c in channels_by_rank() if c != via and (gave_email or c != "email"))]
    errors: dict[str | None, UserError] = {}
    for channel in tried:
        try:
            return plan(channel)
        except UserError as exc:  # no such route now, or it would tell more: the next one
            errors[channel] = exc
    # the best route's reason (e.g. it would go by an e-mail the request did not give), else the first
    raise errors.get(None) or next(iter(errors.values()))


def followup_letters(
    access: VaultAccess,
    request_ids: Sequence[int] | None,
    *,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    today: dt.date,
    resources: Resources,
    templates_dir: Path | None = None,
    details: str = "",
    reading_copy: str | None = None,
) -> FollowupResult:
    """Write the next letter for each late or refused request (or just those in request_ids).

    Each letter is logged as a new request linked to the one it is about. A request that
    already has a pending letter of the same kind is skipped, so running this twice is safe.
    `reading_copy`: a language the requester reads (`es`): each letter's reading copy beside it; a
    clinic client's letter has its copy in the language the client reads (the sheet's), whatever
    the run's.
    """
    asked = _Asked(
        today=today,
        resources=resources,
        formats=formats,
        details=details,
        explicit=bool(request_ids),
    )
    with open_journal(access) as journal, journal.write():  # "already drafted" is read under the lock
        profile = journal.profile  # a clinic's vault may have none: its campaigns need none
        views = [journal.view(i) for i in request_ids] if request_ids else journal.views()
        jobs: list[LetterJob] = []
        skipped: list[tuple[int, str]] = []
        for view in views:
            planned = _next_letter(journal, view, asked)
            if isinstance(planned, LetterJob):
                jobs.append(planned)
            elif planned:
                skipped.append((view.request.id, planned))
        letters = (
            issue_letters(
                journal,
                profile,
                jobs,
                out_dir=out_dir,
                formats=formats,
                today=today,
                templates_dir=templates_dir,
                reading_copy=check_reading_language(reading_copy),
            )
            if jobs
            else []
        )
    return FollowupResult(letters=letters, skipped=skipped)


@dataclass(frozen=True)
class _Asked:
    """What `followup_letters` was asked for, as each request's next letter needs it."""

    today: dt.date
    resources: Resources
    formats: Sequence[str] | None
    details: str
    explicit: bool  # the requests were named: say why one gets no letter

    @functools.cached_property
    def _laws_by_id(self) -> dict[str, Law]:
        return {law.id: law for law in self.resources.laws}

    def law(self, law_id: str) -> Law | None:
        return self._laws_by_id.get(law_id)


def _next_letter(journal: Journal, view: RequestView, asked: _Asked) -> LetterJob | str:
    """The next letter about `view`'s request (a follow-up, an appeal or a complaint), or why it
    gets none ("" where nothing need be said: a request not named that has nothing due)."""
    from broker_audit.services.campaign import campaign_followup

    request = view.request
    if request.recipient == "agency":  # a campaign's records request: its own follow-up
        planned = campaign_followup(journal, view, today=asked.today, resources=asked.resources)
        if isinstance(planned, LetterJob) or not asked.explicit:
            return planned if isinstance(planned, LetterJob) else ""
        return planned or _("no follow-up letter for a records request")
    if not followable(request.kind):
        return (
            _("no follow-up letter for a {kind} letter").format(kind=kind_word(request.kind))
            if asked.explicit
            else ""
        )
    law = asked.law(request.law_id)
    if law is None:
        return _("law {law_id!r} is no longer in the data").format(law_id=request.law_id)
    linked = [journal.view(i) for i, r in journal.requests.items() if r.linked_to == request.id]
    kind = _choose(view, linked, law, asked.today)
    letter_details = asked.details
    # A confirmed finding that the broker broke this request (compliance watch): complain.
    broken = compliance_details(journal, request.id)
    if broken and law.complaint is not None and not any(v.request.kind == "complaint" for v in linked):
        kind, letter_details = "complaint", f"{asked.details}\n\n{broken}".strip()
    if kind is None:
        due = view.due.isoformat() if view.due else "none"
        return (
            _("nothing to send yet ({value}, due {due})").format(value=state_word(view.state.value), due=due)
            if asked.explicit
            else ""
        )
    pending = [v for v in linked if v.request.kind == kind and v.state is State.DRAFTED]
    if pending:
        return _("a {kind} is already drafted as #{id}").format(
            kind=kind_word(kind), id=pending[0].request.id
        )
    client = journal.clients.get(request.client_id) if request.client_id else None
    if request.client_id and client is None:
        return _("client {client_id} is not in the vault").format(client_id=request.client_id)
    job = plan_followup(
        asked.resources.registry.resolve(request.broker_id),
        kind,
        # a clinic client's request: the client's own profile, answers to the clinic
        profile=client.profile if client is not None else require_profile(journal),
        clinic=journal.agent if client is not None else None,
        law=law,
        laws=asked.resources.laws,
        today=asked.today,
        details=letter_details,
        earlier=earlier_of(view, journal.agent),
        linked_to=request.id,
        via=request.channel or None,
        earlier_disclosed=request.disclosed,
    )
    if client is not None:  # filed under the client, its e-mail sent by the clinic
        job = dataclasses.replace(job, client_id=request.client_id, reader_language=client.language)
    return with_timeline(journal, job, view, law, asked.today, asked.formats)
