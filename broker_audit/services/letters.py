"""Writing letters (requests and follow-ups) and logging each as a drafted request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.model import Disclosed, RequestMade

if TYPE_CHECKING:
    from collections.abc import Callable

    from broker_audit.law.deadlines import Clock
    from broker_audit.law.schema import Law
    from broker_audit.letters.compose import Earlier
    from broker_audit.letters.context import LetterContext, RequesterContext
    from broker_audit.letters.disclosure import Disclosure
    from broker_audit.letters.document import Document
    from broker_audit.profile import AgentProfile, Profile
    from broker_audit.registry.agencies import AgencyRoute
    from broker_audit.registry.load import Registry
    from broker_audit.registry.schema import Broker, Route
    from broker_audit.tracking.records import Record
    from broker_audit.vocabulary import LetterKind


@dataclass(frozen=True)
class LetterResult:
    request_id: int
    broker_id: str
    broker_name: str
    kind: str
    law_id: str
    reference: str
    files: list[Path]
    warnings: list[str] = field(default_factory=list)
    linked_to: int | None = None
    channel: str = ""
    route: str = ""  # where it goes: the postal lines, email address, form URL or number
    disclosure: str = ""  # "This letter tells X: your name, ...": printed before it was written
    given: list[str] = field(default_factory=list)  # the identity fields it gives
    cannot_reach: str = ""  # what a state-law request may not reach at this broker


@dataclass(frozen=True)
class Announcement:
    """What one planned letter will tell its recipient, printed before anything is written."""

    recipient: str
    kind: str
    line: str  # "This letter tells LexisNexis Risk Solutions: your name, ...; Not told: ..."
    cannot_reach: str = ""


@dataclass(frozen=True)
class NoRoute:
    """A letter that was not written: no way to reach the broker is known yet."""

    broker_id: str
    broker_name: str
    kind: str
    advice: list[str]


@dataclass(frozen=True)
class LettersResult:
    letters: list[LetterResult]
    no_route: list[NoRoute] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the whole run (e.g. residence)
    notes: list[str] = field(default_factory=list)  # what else the requester can do (e.g. DROP)


@dataclass(frozen=True)
class LetterJob:
    """One letter to render, write and log: typed, planned before anything is rendered."""

    broker: Broker | None  # None for a letter to an agency (a sheriff's records request)
    letter: LetterKind
    law: Law
    context: LetterContext
    route: Route | AgencyRoute | None  # an agency's route for a campaign's records request
    channels: tuple[str, ...]
    recipient: tuple[str, ...]
    sender: tuple[str, ...]
    email_to: str | None
    reference: str
    clock: Clock
    disclosure: Disclosure
    recipient_kind: str = "broker"
    warnings: list[str] = field(default_factory=list)
    linked_to: int | None = None
    summary: str = ""  # the disclosure in words: "your name, your e-mail; answers go to ..."
    announcement: str = ""  # the line printed before writing
    cannot_reach: str = ""
    # Who the letter is from when that is not the profile as it stands (a campaign's requester):
    # the .eml's From and what a web form is given. Empty: the profile's, as disclosed.
    email_from: str = ""
    identity: tuple[str, ...] = ()
    # The agency's id, for file names (a campaign's letters); else a slug of its name.
    agency_id: str = ""

    @property
    def kind(self) -> str:
        return self.letter.id

    @property
    def recipient_id(self) -> str:
        """The broker's id, or a slug of the agency's name (for file names only)."""
        if self.broker is not None:
            return self.broker.id
        if self.agency_id:
            return self.agency_id
        return "agency-" + (
            re.sub(r"[^a-z0-9]+", "-", self.context.broker.name.lower()).strip("-") or "unnamed"
        )

    @property
    def channel(self) -> str:
        """The channel the letter is made for: its route's, else the first it may go by."""
        if self.route is not None:
            return self.route.channel
        return self.channels[0] if self.channels else ""

    @property
    def recipient_name(self) -> str:
        return self.broker.name if self.broker is not None else self.context.broker.name


def request_letters(
    access: VaultAccess,
    broker_names: Sequence[str],
    kinds: Sequence[str],
    *,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    today: dt.date,
    registry: Registry,
    laws: Sequence[Law],
    law_override: str | None = None,
    via: str | None = None,
    templates_dir: Path | None = None,
    details: str = "",
    disclose: Sequence[str] = (),
    announce: Callable[[list[Announcement]], None] | None = None,
) -> LettersResult:
    """Write a letter per broker and kind by its route, and log each as a drafted request.

    A broker with no known route gets no letter: it is listed with what the user can do instead.
    `disclose`: identity fields to give every letter of this run besides its default (`all`: what
    letters gave before). `announce` is called with what each letter will tell whom, after the
    letters are planned and before any is written.
    """
    from broker_audit.law.choose import law_for_state, residence_warning
    from broker_audit.letters.compose import check_kind
    from broker_audit.letters.disclosure import parse_disclose

    letters = list({k.id: k for k in (check_kind(k) for k in kinds)}.values())
    asked = parse_disclose(disclose)
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError("name at least one broker", "e.g. `broker-audit request lexisnexis`")
    with open_journal(access) as journal:
        profile = require_profile(journal)
        state_law = law_for_state(laws, profile.state, on=today, override=law_override)
        warnings = []
        current = profile.current_address
        moved = residence_warning(profile.state, current.state if current else None)
        if moved:
            warnings.append(moved)
        jobs: list[LetterJob] = []
        no_route: list[NoRoute] = []
        for broker in brokers:
            for letter in letters:
                job = plan_letter(
                    broker,
                    letter,
                    profile=profile,
                    state_law=state_law,
                    laws=laws,
                    today=today,
                    details=details,
                    via=via,
                    disclose=asked,
                )
                if job.route is None:
                    no_route.append(no_route_entry(job, profile.state, laws))
                else:
                    jobs.append(job)
        mailbox = journal.mail_account.from_addr if journal.mail_account is not None else ""
        by_email = [job for job in jobs if job.channel == "email"]
        if by_email and mailbox and mailbox.lower() != profile.email.lower():
            gives = f"give {profile.email}" if profile.email else "give no e-mail address"
            warnings.append(
                f"your mailbox sends from {mailbox}, but the letters that go by e-mail {gives}: "
                "`broker-audit send` will not send them from it (the broker would learn a second "
                "address); send them from the address they give, or change the profile's e-mail "
                "and write them again"
            )
        if announce is not None and jobs:
            announce([announcement_of(job) for job in jobs])
        results = issue_letters(
            journal, profile, jobs, out_dir=out_dir, formats=formats, today=today, templates_dir=templates_dir
        )
    notes = []
    if any(job.disclosure.reply == "email" for job in jobs):
        notes.append(
            "Some letters ask for the answer by e-mail only, because they withhold your home address. "
            "If a company will answer only by post, add a reply_address (a P.O. box, a trusted friend, "
            "a clinic) to your profile and write that letter again."
        )
    platform = platform_sentence(profile.state, laws)
    if platform and any(k.id in ("delete", "opt-out") for k in letters):
        notes.append(platform[0].upper() + platform[1:])
    return LettersResult(letters=results, no_route=no_route, warnings=warnings, notes=notes)


def no_route_entry(job: LetterJob, state: str, laws: Sequence[Law]) -> NoRoute:
    """A planned letter to a broker with no known route, with what the user can do instead."""
    from broker_audit.registry.routes import no_route_advice

    assert job.broker is not None, "a letter to an agency always has its address"
    return NoRoute(
        broker_id=job.broker.id,
        broker_name=job.broker.name,
        kind=job.kind,
        advice=no_route_advice(
            job.broker,
            complaint_office=job.context.law.complaint_office,
            platform=platform_sentence(state, laws),
        ),
    )


def platform_sentence(state: str, laws: Sequence[Law]) -> str:
    """What a state's deletion platform (California's DROP) does for this requester, or ""."""
    from broker_audit.law.choose import platform_for

    p = platform_for(laws, state)
    if p is None:
        return ""
    where = f"as a resident of {state.upper()}, you can also use the {p.name} ({p.url})"
    return f"{where}: {p.covers}. But {p.excludes}."


def announcement_of(job: LetterJob) -> Announcement:
    return Announcement(
        recipient=job.recipient_name, kind=job.kind, line=job.announcement, cannot_reach=job.cannot_reach
    )


def identity_warnings(
    broker: Broker, profile: Profile, letter: LetterKind, disclosure: Disclosure | None = None
) -> list[str]:
    """What the broker is known to ask for to find or verify someone, the risk of each and the
    least-risk alternative (from its `[broker.verification]` data), and, for a location-data
    broker, what its advertising ID match means, with what else the letter gives (`disclosure`:
    the letter's; None: the default for this broker)."""
    from broker_audit.letters.disclosure import decide, join_words, told
    from broker_audit.registry.schema import IDENTITY_ITEM_WORDS

    out = []
    v = broker.verification
    if v is not None and v.asks:
        for ask in v.asks:
            when = f" ({ask.when})" if ask.when else ""
            out.append(
                f"{broker.id}: known to ask for {IDENTITY_ITEM_WORDS[ask.item]}{when} "
                f"[{ask.grade} source]. Instead: {ask.instead}"
            )
        out.append(
            f"{broker.id}: what giving each of these risks, and the sources: "
            f"broker-audit brokers show {broker.id}"
        )
    else:
        if v is not None and v.asks_ssn:
            out.append(f"{broker.id}: asks for a Social Security number; do not volunteer one")
        if v is not None and v.asks_id_copy:
            out.append(f"{broker.id}: asks for a copy of an ID; send one only if you must")
    if "location-data" in broker.categories:
        if disclosure is None:
            disclosure = decide(profile, broker=broker, letter=letter)
        if disclosure.gives("advertising-id"):
            others = [w for w in told(disclosure, profile) if w != "your phone's advertising ID"]
            out.append(
                f"{broker.id}: the letter gives your phone's advertising ID, the key its location data "
                "is filed under: it lets the company tie where your phone has been (home, work, a "
                f"clinic, a court) to {join_words(others)}. After you send it, reset or delete the ID "
                "on the phone so new data is not linked to it; keep the old one in your profile, as "
                "the answer is about it (README: Advertising IDs)."
            )
        elif profile.advertising_ids:
            out.append(
                f"{broker.id}: the letter does not give your phone's advertising ID (the request it "
                "follows did not), so the company may not find its location data on you."
            )
        else:
            out.append(
                f"{broker.id}: its location data is filed under phones' advertising IDs, so without "
                "one it will likely answer that it holds nothing on you. To add yours: advertising_ids "
                "in your profile (README: Advertising IDs says how to find it and what giving it means)."
            )
        if letter.id == "access":
            out.append(
                f"{broker.id}: an answer to an access request is a record of where your phone has "
                "been: keep it safe, or ask for deletion instead."
            )
    return out


def broker_warnings(
    broker: Broker,
    law: Law,
    letter: LetterKind,
    profile: Profile | None = None,
    disclosure: Disclosure | None = None,
) -> list[str]:
    """What the requester should know before sending this letter, besides its route."""
    out = []
    if profile is not None:
        out += identity_warnings(broker, profile, letter, disclosure)
    else:
        v = broker.verification
        if v is not None and v.asks_ssn:
            out.append(f"{broker.id}: asks for a Social Security number; do not volunteer one")
        if v is not None and v.asks_id_copy:
            out.append(f"{broker.id}: asks for a copy of an ID; send one only if you must")
    if law.kind == "none":
        out.append(
            f"{broker.id}: your state has no privacy law in our data; "
            "the letter asks politely and cites no statute"
        )
        if broker.residency_limit is not None:
            out.append(
                f"{broker.id}: may refuse requests from your state: "
                f"{broker.residency_limit.value} (source: {broker.residency_limit.source})"
            )
    elif letter.rights and not any(r in law.rights for r in letter.rights):
        out.append(
            f"{broker.id}: the {law.name} gives no {letter.id} right; the letter asks for it as a request"
        )
    if letter.id == "fcra-disclosure" and "consumer-reporting" not in broker.categories:
        out.append(f"{broker.id}: not known as a consumer reporting agency; the FCRA may not apply")
    return out


def plan_letter(
    broker: Broker,
    letter: LetterKind,
    *,
    profile: Profile,
    state_law: Law,
    laws: Sequence[Law],
    today: dt.date,
    details: str = "",
    earlier: Earlier | None = None,
    agent: AgentProfile | None = None,
    linked_to: int | None = None,
    reference: str | None = None,
    via: str | None = None,
    disclose: Sequence[str] = (),
    clinic: AgentProfile | None = None,
    earlier_disclosed: Disclosed | None = None,
) -> LetterJob:
    """Everything one letter needs before it is rendered: its law, route, context, addresses,
    and what it tells its recipient (decided here, once, and carried to every artefact).

    A complaint goes to the law's complaint office (its online form), not to the broker;
    everything else to the broker by the route that fits the request and the requester's state.
    `agent` (a clinic) changes the return address and the wording. `disclose`: fields the
    requester adds to this letter (letters/disclosure.py). `clinic`: a clinic batch's clinic,
    the reply address of letters that withhold the current address. `earlier_disclosed`: what
    the request a follow-up is about gave (the follow-up gives no more).
    """
    from broker_audit.law.choose import federal_law, law_for_letter
    from broker_audit.law.deadlines import clock_for
    from broker_audit.letters.compose import (
        complaint_recipient_lines,
        letter_context,
        new_reference,
        recipient_lines,
        sender_lines,
    )
    from broker_audit.letters.disclosure import announcement, decide, summary
    from broker_audit.letters.exempt import cannot_reach
    from broker_audit.registry.routes import choose_route

    law = law_for_letter(state_law, letter.id, laws)
    reference = reference or new_reference()
    complaint = letter.recipient == "complaint-office"
    route: Route | None = None
    channels: tuple[str, ...] = ()
    warnings: list[str] = []
    if complaint:
        channels = ("web-form",)
    else:
        rights = letter.rights or _earlier_rights(earlier)
        choice = choose_route(broker, rights=rights, state=profile.state, via=via)
        route, channels = choice.route, choice.channels
        warnings += choice.warnings
    disclosure = decide(
        profile,
        broker=broker,
        letter=letter,
        asked=disclose,
        channel=route.channel if route is not None else (channels[0] if channels else ""),
        clinic=clinic,
        earlier=earlier_disclosed.given if earlier_disclosed is not None else None,
        earlier_reason=(
            f"as in the request it follows ({earlier_disclosed.reason})"
            if earlier_disclosed is not None and earlier_disclosed.reason
            else ""
        ),
        earlier_values=earlier_disclosed.values if earlier_disclosed is not None else None,
    )
    if not complaint:
        warnings += broker_warnings(broker, law, letter, profile, disclosure)
    context = letter_context(
        letter=letter,
        profile=profile,
        broker=broker,
        law=law,
        fcra=federal_law(laws),
        today=today,
        reference=reference,
        route=route,
        details=details,
        earlier=earlier,
        agent=agent,
        disclosure=disclosure,
    )
    to_whom = law.complaint.office if complaint and law.complaint else broker.name
    return LetterJob(
        broker=broker,
        letter=letter,
        law=law,
        context=context,
        route=route,
        channels=channels,
        recipient=tuple(complaint_recipient_lines(law) if complaint else recipient_lines(broker, route)),
        sender=tuple(sender_lines(profile, context.agent, disclosure)),
        email_to=route.value if route is not None and route.channel == "email" else None,
        reference=reference,
        clock=clock_for(law, letter),
        disclosure=disclosure,
        recipient_kind=letter.recipient,
        warnings=warnings,
        linked_to=linked_to,
        summary=summary(disclosure, profile),
        announcement=announcement(disclosure, profile, to_whom),
        cannot_reach=cannot_reach(broker, letter.id),
    )


def _earlier_rights(earlier: Earlier | None) -> tuple[str, ...]:
    """A follow-up or appeal goes by a route that takes the original request's right."""
    from broker_audit.vocabulary import KINDS

    found = KINDS.get(earlier.kind) if earlier is not None else None
    return found.rights if found else ()


def render_job(
    job: LetterJob,
    *,
    today: dt.date,
    templates_dir: Path | None,
    template: str | None = None,
) -> Document:
    """The job's Document (or, with `template`, another template over the same context, such as
    the authorization page that goes with an agent's letter). The e-mail's From is the
    requester's address only when the letter's disclosure gives it."""
    from broker_audit.letters import render

    return render.render_letter(
        template or job.letter.template_name,
        job.context,
        sender=job.sender,
        recipient=job.recipient,
        date=today,
        reference=job.reference,
        email_to=None if template else job.email_to,
        email_from=job.email_from or job.context.requester.email or None,
        templates_dir=templates_dir,
    )


def route_document(job: LetterJob, document: Document) -> Document:
    """The artefact of the job's route: the letter itself for mail and email, a submission sheet
    for a web form or a phone call (listing only what the letter's disclosure gives)."""
    if job.route is None or job.route.channel not in ("web-form", "phone"):
        return document
    from broker_audit.registry.agencies import AgencyRoute

    identity = list(job.identity) or identity_lines(job.context.requester)
    if isinstance(job.route, AgencyRoute):
        from broker_audit.letters.sheet import agency_submission_sheet

        return agency_submission_sheet(document, job.recipient_name, job.route, identity)
    if job.broker is None:
        return document
    from broker_audit.letters.disclosure import field_words
    from broker_audit.letters.sheet import submission_sheet

    return submission_sheet(
        document,
        job.broker,
        job.route,
        identity,
        withheld=[field_words(f) for f in job.disclosure.withheld],
        reason=job.disclosure.reason,
    )


def identity_lines(requester: RequesterContext) -> list[str]:
    """What a form needs to find the person: the same details the letter gives, no more."""
    lines = [f"Name: {requester.name}"]
    if requester.other_names:
        lines.append("Other names: " + "; ".join(requester.other_names))
    if requester.address:
        lines.append(f"Address: {requester.address}")
    lines += [f"Previous address: {a}" for a in requester.past_addresses]
    if requester.email:
        lines.append(f"Email: {requester.email}")
    if requester.phone:
        lines.append(f"Phone: {requester.phone}")
    if requester.birth_date:
        lines.append(f"Date of birth: {requester.birth_date} (only if the form requires it)")
    lines += [f"Mobile advertising ID: {a}" for a in requester.advertising_ids]
    if requester.licence_number:
        lines.append(f"Driver's licence number: {requester.licence_number}")
    return lines


def disclosed_record(job: LetterJob) -> Disclosed:
    """The log's copy of what the letter told its recipient."""
    d = job.disclosure
    return Disclosed(
        given=list(d.given),
        withheld=list(d.withheld),
        minimal=d.minimal,
        reason=d.reason,
        asked=list(d.asked),
        reply=d.reply,
        summary=job.summary,
        values=d.digests(),
    )


def request_record(
    job: LetterJob,
    *,
    request_id: int,
    today: dt.date,
    created: dt.datetime,
    files: Sequence[Path] = (),
    client_id: str | None = None,
    batch_id: str | None = None,
) -> RequestMade:
    """The log record of a drafted letter, with the legal clock it starts when received."""
    clock = job.clock
    broker = job.broker
    return RequestMade(
        id=request_id,
        # A complaint is about the broker (`recipient` says it went to the complaint office); a
        # records request has no broker: the agency is named in `agency`.
        broker_id=broker.id if broker is not None else "",
        broker_name=broker.name if broker is not None else "",
        agency="" if broker is not None else job.context.broker.name,
        kind=job.kind,
        law_id=job.law.id,
        law_name=job.law.name,
        deadline_days=clock.days,
        working_days=clock.working_days,
        extension_days=clock.extension_days,
        appeal_days=clock.appeal_days,
        deadline_stated=clock.stated,
        reference=job.reference,
        dated=today,
        created=created,
        files=[str(p.resolve()) for p in files],
        linked_to=job.linked_to,
        client_id=client_id,
        batch_id=batch_id,
        recipient=job.recipient_kind,
        channel=job.channel,
        channels=list(job.channels),
        disclosed=disclosed_record(job),
    )


def issue_letters(
    journal: Journal,
    profile: Profile | None,
    jobs: Sequence[LetterJob],
    *,
    out_dir: Path,
    formats: Sequence[str] | None,
    today: dt.date,
    templates_dir: Path | None,
    also_log: Callable[[list[LetterResult]], Sequence[Record]] | None = None,
) -> list[LetterResult]:
    """`_issue_letters_locked` under the vault's writer lock: the request ids it gives the
    letters (and their file names) are read inside it, so parallel runs never share an id.

    `profile` is None when every job says who it is from (a campaign in a clinic's vault).
    `also_log` makes records that go into the same vault transaction as the requests (a
    campaign's record of which agency got which request)."""
    check_date(today, "today")
    with journal.write():
        return _issue_letters_locked(
            journal,
            profile,
            jobs,
            out_dir=out_dir,
            formats=formats,
            today=today,
            templates_dir=templates_dir,
            also_log=also_log,
        )


def _issue_letters_locked(
    journal: Journal,
    profile: Profile | None,
    jobs: Sequence[LetterJob],
    *,
    out_dir: Path,
    formats: Sequence[str] | None,
    today: dt.date,
    templates_dir: Path | None,
    also_log: Callable[[list[LetterResult]], Sequence[Record]] | None = None,
) -> list[LetterResult]:
    """Render every job, write the files, then log every letter as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """

    first_id = journal.next_request_id()
    documents = [
        route_document(job, render_job(job, today=today, templates_dir=templates_dir)) for job in jobs
    ]
    from broker_audit.files import deferred_folder_sync, ensure_folder

    written: list[Path] = []
    results: list[LetterResult] = []
    try:
        ensure_folder(out_dir, what="letters folder")
        with deferred_folder_sync():  # the folder is fsynced once, before the requests are logged
            _write_all(jobs, documents, first_id, out_dir, today, formats, written, results)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    created = now()
    records: list[Record] = [
        request_record(job, request_id=result.request_id, today=today, created=created, files=result.files)
        for job, result in zip(jobs, results, strict=True)
    ]
    if also_log is not None:
        records += also_log(results)
    try:
        journal.append(records)
    except BaseException:
        for path in written:  # nothing was logged: no letter the log does not know of
            path.unlink(missing_ok=True)
        raise
    return results


def _write_all(
    jobs: Sequence[LetterJob],
    documents: Sequence[Document],
    first_id: int,
    out_dir: Path,
    today: dt.date,
    formats: Sequence[str] | None,
    written: list[Path],
    results: list[LetterResult],
) -> None:
    from broker_audit.letters.formats import formats_for, write_letter

    for offset, (job, document) in enumerate(zip(jobs, documents, strict=True)):
        request_id = first_id + offset
        stem = out_dir / f"{today.isoformat()}-{job.recipient_id}-{job.kind}-{request_id}"
        files = write_letter(document, stem, formats_for(job.channel, formats))
        written.extend(files)
        results.append(
            LetterResult(
                request_id=request_id,
                broker_id=job.recipient_id,
                broker_name=job.recipient_name,
                kind=job.kind,
                law_id=job.law.id,
                reference=job.reference,
                files=files,
                warnings=job.warnings,
                linked_to=job.linked_to,
                channel=job.channel,
                route=job.route.address() if job.route else _send_to(job),
                disclosure=job.announcement,
                given=list(job.disclosure.given),
                cannot_reach=job.cannot_reach,
            )
        )


def _send_to(job: LetterJob) -> str:
    """Where a letter without a route record goes, as one line: an agency's whole postal address
    (its first line is the agency's name or its office), else the lines after the name."""
    lines = job.recipient if job.broker is None and job.channel == "mail" else job.recipient[1:]
    return " / ".join(lines)
