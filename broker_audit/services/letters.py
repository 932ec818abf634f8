"""Writing letters (requests and follow-ups) and logging each as a drafted request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.model import EmailDraft, RequestMade

if TYPE_CHECKING:
    from broker_audit.law.deadlines import Clock
    from broker_audit.law.schema import Law
    from broker_audit.letters.compose import Earlier
    from broker_audit.letters.context import LetterContext
    from broker_audit.letters.document import Document
    from broker_audit.profile import AgentProfile, Profile
    from broker_audit.registry.load import Registry
    from broker_audit.registry.schema import Broker, Route
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
    route: Route | None
    channels: tuple[str, ...]
    recipient: tuple[str, ...]
    sender: tuple[str, ...]
    email_to: str | None
    reference: str
    clock: Clock
    recipient_kind: str = "broker"
    warnings: list[str] = field(default_factory=list)
    linked_to: int | None = None

    @property
    def kind(self) -> str:
        return self.letter.id

    @property
    def recipient_id(self) -> str:
        """The broker's id, or a slug of the agency's name (for file names only)."""
        if self.broker is not None:
            return self.broker.id
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
) -> LettersResult:
    """Write a letter per broker and kind by its route, and log each as a drafted request.

    A broker with no known route gets no letter: it is listed with what the user can do instead.
    """
    from broker_audit.law.choose import law_for_state, residence_warning
    from broker_audit.letters.compose import check_kind

    letters = list({k.id: k for k in (check_kind(k) for k in kinds)}.values())
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
                )
                if job.route is None:
                    no_route.append(no_route_entry(job, profile.state, laws))
                else:
                    jobs.append(job)
        results = issue_letters(
            journal, profile, jobs, out_dir=out_dir, formats=formats, today=today, templates_dir=templates_dir
        )
    notes = []
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


def broker_warnings(broker: Broker, law: Law, letter: LetterKind) -> list[str]:
    """What the requester should know before sending this letter, besides its route."""
    out = []
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
) -> LetterJob:
    """Everything one letter needs before it is rendered: its law, route, context, addresses.

    A complaint goes to the law's complaint office (its online form), not to the broker;
    everything else to the broker by the route that fits the request and the requester's state.
    `agent` (a clinic) changes the return address and the wording.
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
        warnings += broker_warnings(broker, law, letter)
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
    )
    return LetterJob(
        broker=broker,
        letter=letter,
        law=law,
        context=context,
        route=route,
        channels=channels,
        recipient=tuple(complaint_recipient_lines(law) if complaint else recipient_lines(broker, route)),
        sender=tuple(sender_lines(profile, context.agent)),
        email_to=route.value if route is not None and route.channel == "email" else None,
        reference=reference,
        clock=clock_for(law, letter),
        recipient_kind=letter.recipient,
        warnings=warnings,
        linked_to=linked_to,
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
    email_from: str | None,
    templates_dir: Path | None,
    template: str | None = None,
) -> Document:
    """The job's Document (or, with `template`, another template over the same context, such as
    the authorization page that goes with an agent's letter)."""
    from broker_audit.letters import render

    return render.render_letter(
        template or job.letter.template_name,
        job.context,
        sender=job.sender,
        recipient=job.recipient,
        date=today,
        reference=job.reference,
        email_to=None if template else job.email_to,
        email_from=email_from,
        templates_dir=templates_dir,
    )


def route_document(job: LetterJob, document: Document, profile: Profile) -> Document:
    """The artefact of the job's route: the letter itself for mail and email, a submission sheet
    for a web form or a phone call."""
    if job.route is None or job.broker is None or job.route.channel not in ("web-form", "phone"):
        return document
    from broker_audit.letters.sheet import submission_sheet

    return submission_sheet(document, job.broker, job.route, identity_lines(profile))


def identity_lines(profile: Profile) -> list[str]:
    """What a form needs to find the person: the same details the letter gives, no more."""
    current = profile.current_address
    lines = [f"Name: {profile.name}"]
    if current is not None:
        lines.append(f"Address: {current.one_line()}")
    lines += [f"Previous address: {a.one_line()}" for a in profile.past_addresses]
    if profile.email:
        lines.append(f"Email: {profile.email}")
    if profile.phone:
        lines.append(f"Phone: {profile.phone}")
    if profile.birth_date:
        lines.append(f"Date of birth: {profile.birth_date.isoformat()} (only if the form requires it)")
    return lines


def request_record(
    job: LetterJob,
    *,
    request_id: int,
    today: dt.date,
    created: dt.datetime,
    files: Sequence[Path] = (),
    client_id: str | None = None,
    batch_id: str | None = None,
    email_draft: EmailDraft | None = None,
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
        email_draft=email_draft,
    )


def issue_letters(
    journal: Journal,
    profile: Profile,
    jobs: Sequence[LetterJob],
    *,
    out_dir: Path,
    formats: Sequence[str] | None,
    today: dt.date,
    templates_dir: Path | None,
) -> list[LetterResult]:
    """`_issue_letters_locked` under the vault's writer lock: the request ids it gives the
    letters (and their file names) are read inside it, so parallel runs never share an id."""
    check_date(today, "today")
    with journal.write():
        return _issue_letters_locked(
            journal, profile, jobs, out_dir=out_dir, formats=formats, today=today, templates_dir=templates_dir
        )


def _issue_letters_locked(
    journal: Journal,
    profile: Profile,
    jobs: Sequence[LetterJob],
    *,
    out_dir: Path,
    formats: Sequence[str] | None,
    today: dt.date,
    templates_dir: Path | None,
) -> list[LetterResult]:
    """Render every job, write the files, then log every letter as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """

    first_id = journal.next_request_id()
    documents = [
        route_document(
            job,
            render_job(job, today=today, email_from=profile.email or None, templates_dir=templates_dir),
            profile,
        )
        for job in jobs
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
    journal.append(
        [
            request_record(
                job,
                request_id=result.request_id,
                today=today,
                created=created,
                files=result.files,
                email_draft=email_draft_of(result.files),
            )
            for job, result in zip(jobs, results, strict=True)
        ]
    )
    return results


def email_draft_of(files: Sequence[Path]) -> EmailDraft | None:
    """The record of the `.eml` among `files` just written (what `send` will hold it to)."""
    from broker_audit.files import read_own_file
    from broker_audit.mail.draft import LETTER_LIMITS, draft_of

    for path in files:
        if path.suffix == ".eml":
            raw = read_own_file(path, what="letter", limit=LETTER_LIMITS.max_bytes)
            return draft_of(raw, str(path.resolve()))
    return None


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
                route=job.route.address() if job.route else " / ".join(job.recipient[1:]),
            )
        )
