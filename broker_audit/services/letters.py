"""Writing letters (requests and follow-ups) and logging each as a drafted request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from broker_audit.dates import check_date
from broker_audit.errors import NoViaRoute, UserError
from broker_audit.i18n import N_, _, current_language, data_text
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.resources import Resources
from broker_audit.tracking.journal import Journal, Record, now
from broker_audit.tracking.model import Disclosed, EmailDraft, RequestMade
from broker_audit.vocabulary import CHANNELS
from broker_audit.words import channel_name, channel_to, grade_word, kind_word

if TYPE_CHECKING:
    from collections.abc import Callable

    from broker_audit.law.claim import Claim
    from broker_audit.law.deadlines import Clock
    from broker_audit.law.schema import Law
    from broker_audit.letters.compose import Earlier
    from broker_audit.letters.context import LetterContext, RequesterContext, UnreachableContext
    from broker_audit.letters.disclosure import Disclosure
    from broker_audit.letters.document import Document
    from broker_audit.profile import AgentProfile, Profile
    from broker_audit.registry.agencies import AgencyRoute
    from broker_audit.registry.load import Registry
    from broker_audit.registry.schema import Broker, Route
    from broker_audit.services.duplicates import OpenRequest
    from broker_audit.vocabulary import LetterKind


class LetterResult(msgspec.Struct, frozen=True):
    """A letter written and logged as a drafted request; its JSON keys (`request --json`) are
    the names given to `msgspec.field`."""

    request_id: int = msgspec.field(name="id")
    broker_id: str = msgspec.field(name="broker")
    broker_name: str
    kind: str
    law_id: str = msgspec.field(name="law")
    reference: str
    files: list[Path]
    warnings: list[str] = msgspec.field(default_factory=list)
    linked_to: int | None = None
    channel: str = ""
    # where it goes: the postal lines, email address, form URL or number
    route: str = msgspec.field(default="", name="send_to")
    disclosure: str = ""  # "This letter tells X: your name, ...": printed before it was written
    # the identity fields it gives
    given: list[str] = msgspec.field(default_factory=list, name="disclosed")
    cannot_reach: str = ""  # what a state-law request may not reach at this broker
    also: list[str] = msgspec.field(default_factory=list)  # other artefacts written for it: "web-form: URL"
    # The requester's reading copy in their language (a translation, never sent or recorded as
    # one of the request's files): letters/reading_copy.py.
    reading_copies: list[Path] = msgspec.field(default_factory=list)


@dataclass(frozen=True)
class Announcement:
    """What one planned letter will tell its recipient, printed before anything is written."""

    recipient: str
    kind: str
    line: str  # "This letter tells LexisNexis Risk Solutions: your name, ...; Not told: ..."
    cannot_reach: str = ""


class NoRoute(msgspec.Struct, frozen=True):
    """A letter that was not written, and why: by default no way to reach the broker is known
    yet; else its address cannot be printed whole, or an open request of its kind exists."""

    broker_id: str = msgspec.field(name="broker")
    broker_name: str
    kind: str
    advice: list[str]
    reason: str = N_("no route known yet")  # translated where it is shown
    repeats: int | None = None  # the open request this letter would have repeated
    repeats_state: str = ""
    unfit: bool = False  # its postal address cannot be printed whole


class LettersResult(msgspec.Struct, frozen=True):
    """The letters a run wrote, those it could not, and what it says about the whole run: the
    data of `request`, `followup` and `resend --json`."""

    letters: list[LetterResult]
    no_route: list[NoRoute] = msgspec.field(default_factory=list)
    warnings: list[str] = msgspec.field(default_factory=list)  # about the whole run (e.g. residence)
    notes: list[str] = msgspec.field(default_factory=list)  # what else the requester can do (e.g. DROP)


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
    # What the letter claims under its law (law/claim.py), decided when it was planned: the
    # template, the clock, the cover sheet and the warnings read it. None: a records request.
    claim: Claim | None = None
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
    # The company's own web form for the same request, when the letter goes by mail: its
    # submission sheet is written beside the letter (registry.routes.portal_beside).
    alternative: Route | None = None
    # The broker the request is about, when it goes to `broker`, its parent, because that one
    # cannot be reached.
    about: Broker | None = None
    # Files its e-mail carries as MIME parts (name, type, bytes): the timeline a follow-up says
    # is enclosed. Other formats name them in the text only.
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    # The clinic client the letter is written for (a follow-up or a letter written again): the
    # request is filed under the client, and its e-mail goes from the clinic's mailbox.
    client_id: str | None = None
    # The language that client reads (the sheet's): their reading copy is in it, whatever language
    # the volunteer runs the tool in. None: the run's.
    reader_language: str | None = None
    # A complaint that a broker cannot be reached: the reference of each letter to its parent
    # company that its context names (`UnreachableContext.parent_letters`, in the same order).
    cites: tuple[str, ...] = ()

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
        if self.broker is None:
            return self.context.broker.name
        if self.about is not None:
            return f"{self.broker.name} (for {self.about.name})"
        return self.broker.name

    @property
    def routes(self) -> list[str]:
        """Every route an artefact is written for, the letter's first: "mail: ..."."""
        out = [f"{self.route.channel}: {self.route.address()}"] if self.route is not None else []
        if self.alternative is not None:
            out.append(f"{self.alternative.channel}: {self.alternative.address()}")
        return out


def request_letters(
    access: VaultAccess,
    broker_names: Sequence[str],
    kinds: Sequence[str],
    *,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    today: dt.date,
    resources: Resources,
    law_override: str | None = None,
    via: str | None = None,
    templates_dir: Path | None = None,
    details: str = "",
    disclose: Sequence[str] = (),
    announce: Callable[[list[Announcement]], None] | None = None,
    again: bool = False,
    ask_again: Callable[[list[OpenRequest]], bool] | None = None,
    reading_copy: str | None = None,
) -> LettersResult:
    """Write a letter per broker and kind by its route, and log each as a drafted request.

    A broker no request can reach (no route at all, or only addresses that are not doors for
    requests) gets two letters instead, where it can: one to its parent company's request channel
    asking it to forward the request or name the company that controls the data (logged as a
    request, with the law's clock), and one to the state's complaint office saying the broker
    cannot be reached. A broker that has routes, but none for this request, gets no letter: it is
    listed with what the user can do instead. With `via`, only brokers that have a route by that
    channel get letters; the others are listed. Raises UserError when no letter at all is written
    for lack of a `via` route. `disclose`: identity
    fields to give every letter of this run besides its default (`all`: what letters gave before).
    `announce` is called with what each letter will tell whom, after the letters are planned and
    before any is written.
    A letter that repeats an open request (the same kind to the same broker) is written only with
    `again`, or when `ask_again` (shown the open requests) says yes; else it is listed as not
    written, with the request it would repeat. `reading_copy`: a language the requester reads
    (`es`): beside each letter, its reading copy in that language (letters/reading_copy.py).
    """
    registry = resources.registry
    laws = resources.laws
    from broker_audit.law.choose import law_for_state, residence_warning
    from broker_audit.letters.compose import check_kind
    from broker_audit.letters.disclosure import parse_disclose

    letters = list({k.id: k for k in (check_kind(k) for k in kinds)}.values())
    reading_copy = check_reading_language(reading_copy)
    asked = parse_disclose(disclose)
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError(
            _("name at least one broker"),
            _("e.g. {command}").format(command="`broker-audit request lexisnexis`"),
        )
    refuse_fcra_to_non_agencies(brokers, letters)
    if via is not None and via not in CHANNELS:
        raise UserError(
            _("unknown channel {channel}").format(channel=repr(via)),
            _("--via is one of: {channels}").format(channels=", ".join(CHANNELS)),
        )
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
            planned = [
                _plan_or_miss(
                    broker,
                    letter,
                    profile,
                    state_law,
                    laws,
                    today,
                    details,
                    via,
                    asked,
                    registry.family(broker),
                )
                for letter in letters
            ]
            missing = [job for job in planned if isinstance(job, LetterJob) and job.route is None]
            if missing and via is None and unreachable(broker):
                jobs += plan_unreachable(
                    broker,
                    missing,
                    profile=profile,
                    state_law=state_law,
                    laws=laws,
                    registry=registry,
                    today=today,
                    details=details,
                    disclose=asked,
                )
                continue
            _sort_planned(planned, jobs, no_route, profile.state, laws)
        jobs, repeated = _without_repeats(journal, jobs, again=again, ask_again=ask_again)
        no_route += repeated
        if not jobs and via is not None and no_route and all(n.reason == _no_via(via) for n in no_route):
            names = ", ".join(dict.fromkeys(n.broker_id for n in no_route))
            raise UserError(
                _("no {channel} route is known for {brokers}: no letter was written").format(
                    channel=channel_name(via), brokers=names
                ),
                _("run it again without --via to use the best route each broker has"),
            )
        warnings += _second_address_warning(journal, profile, jobs)
        if announce is not None and jobs:
            announce([announcement_of(job) for job in jobs])
        results = issue_letters(
            journal,
            profile,
            jobs,
            out_dir=out_dir,
            formats=formats,
            today=today,
            templates_dir=templates_dir,
            reading_copy=reading_copy,
        )
    return LettersResult(
        letters=results,
        no_route=no_route,
        warnings=warnings,
        notes=_request_notes(jobs, letters, profile, laws),
    )


def _sort_planned(
    planned: list[LetterJob | NoRoute],
    jobs: list[LetterJob],
    no_route: list[NoRoute],
    state: str,
    laws: Sequence[Law],
) -> None:
    """A broker's planned letters into `jobs` (to write) and `no_route` (not written: no route by
    the channel asked, no route at all, or an address the envelope's window cannot show)."""
    for job in planned:
        if isinstance(job, NoRoute):
            no_route.append(job)
        elif job.route is None:
            no_route.append(no_route_entry(job, state, laws))
        elif unfit := address_unfit(job):
            no_route.append(unfit)
        else:
            jobs.append(job)


def _second_address_warning(journal: Journal, profile: Profile, jobs: Sequence[LetterJob]) -> list[str]:
    """A warning when the mailbox set up for `send` is not the address the e-mail letters give."""
    mailbox = journal.mail_account.from_addr if journal.mail_account is not None else ""
    by_email = [job for job in jobs if job.channel == "email"]
    if not (by_email and mailbox and mailbox.lower() != profile.email.lower()):
        return []
    gives = _("give {email}").format(email=profile.email) if profile.email else _("give no e-mail address")
    return [
        _(
            "your mailbox sends from {mailbox}, but the letters that go by e-mail {gives}: "
            "`broker-audit send` will not send them from it (the broker would learn a second "
            "address); send them from the address they give, or change the profile's e-mail "
            "and write them again"
        ).format(mailbox=mailbox, gives=gives)
    ]


def _request_notes(
    jobs: Sequence[LetterJob], letters: Sequence[LetterKind], profile: Profile, laws: Sequence[Law]
) -> list[str]:
    notes = []
    # a complaint office or an agency answers by e-mail by design; a broker's letter asks for an
    # e-mail answer only when there is no reply address to give, which adding one changes
    if profile.reply_address is None and any(
        job.disclosure.reply == "email" and job.recipient_kind == "broker" for job in jobs
    ):
        notes.append(
            _(
                "Some letters ask for the answer by e-mail only, because they withhold your home address. "
                "If a company will answer only by post, add a reply_address (a P.O. box, a trusted friend, "
                "a clinic) to your profile and write that letter again."
            )
        )
    platform = platform_sentence(profile.state, laws)
    if platform and any(k.id in ("delete", "opt-out") for k in letters):
        notes.append(platform[0].upper() + platform[1:])
    return notes


def _plan_or_miss(
    broker: Broker,
    letter: LetterKind,
    profile: Profile,
    state_law: Law,
    laws: Sequence[Law],
    today: dt.date,
    details: str,
    via: str | None,
    disclose: Sequence[str] = (),
    family: Sequence[Broker] = (),
) -> LetterJob | NoRoute:
    """The planned letter, or (with `via`) why the broker gets none by that channel."""
    try:
        return plan_letter(
            broker,
            letter,
            profile=profile,
            state_law=state_law,
            laws=laws,
            today=today,
            details=details,
            via=via,
            disclose=disclose,
            family=family,
        )
    except NoViaRoute as exc:
        advice = [exc.hint] if exc.hint else []
        if unreachable(broker):
            advice.append(
                _(
                    "without --via, `broker-audit request` writes to its parent company (if known) and to "
                    "your state's complaint office that it cannot be reached"
                )
            )
        else:
            advice.append(
                _("without --via, the letter goes by the best route it has: {why}").format(why=exc.message)
            )
        return NoRoute(
            broker_id=broker.id,
            broker_name=broker.name,
            kind=letter.id,
            advice=advice,
            reason=_no_via(via),
        )


def _no_via(via: str | None) -> str:
    return _("no {channel} route").format(channel=channel_name(via or ""))


def unreachable(broker: Broker) -> bool:
    """Whether no request can reach `broker` by any route: it has none, or only addresses that
    are not doors for requests (a registered office) or that serve only some requesters."""
    from broker_audit.registry.routes import is_door

    return not any(is_door(r) for r in broker.routes)


def will_write(broker: Broker, kind_id: str, *, state: str, law: Law, registry: Registry) -> bool:
    """Whether `broker-audit request BROKER --kind KIND_ID` writes something for a resident of
    `state` under `law`: a letter by one of its routes, or, for a broker no request can reach,
    the letter to its parent company or the complaint to the law's complaint office."""
    from broker_audit.registry.routes import ranked_routes
    from broker_audit.vocabulary import kind

    rights = kind(kind_id).rights
    if ranked_routes(broker, rights, state):
        return True
    if not unreachable(broker):
        return False
    parent = parent_of(broker, registry)
    reachable = law.complaint is not None and law.complaint.reachable
    return (parent is not None and bool(ranked_routes(parent, rights, state))) or reachable


def parent_of(broker: Broker, registry: Registry) -> Broker | None:
    """The broker's parent company as a record of the registry, when it has one."""
    from broker_audit.errors import UnknownBroker

    if not broker.parent:
        return None
    try:
        parent = registry.resolve(broker.parent)
    except UnknownBroker:
        return None
    return parent if parent.id != broker.id else None


def plan_unreachable(
    broker: Broker,
    missing: Sequence[LetterJob],
    *,
    profile: Profile,
    state_law: Law,
    laws: Sequence[Law],
    registry: Registry,
    today: dt.date,
    details: str = "",
    disclose: Sequence[str] = (),
) -> list[LetterJob]:
    """For a broker no request can reach: a letter per request to its parent company's request
    channel, asking it to forward it or to name the company that controls the data, then one
    complaint to the state's complaint office saying the broker cannot be reached (where the law
    names one). Either may be missing: no parent, or a parent with no route for the request; no
    complaint office."""
    from broker_audit.letters.context import UnreachableContext
    from broker_audit.registry.agencies import AgencyRoute
    from broker_audit.vocabulary import kind

    out: list[LetterJob] = []
    parent = parent_of(broker, registry)
    if parent is not None:
        for job in missing:
            forward = plan_letter(
                parent,
                job.letter,
                profile=profile,
                state_law=state_law,
                laws=laws,
                today=today,
                details=details,
                forward_for=broker,
                disclose=disclose,
            )
            # a parent's route that takes requests only on its own form (the Annual Credit Report
            # Request Service) cannot carry a request to forward
            route = forward.route
            if route is not None and not isinstance(route, AgencyRoute) and route.form is None:
                note = _(
                    "{id}: no way to reach it is known; this {kind} request goes to its parent "
                    "company, {parent}, asking it to forward the request or to name the company "
                    "that controls your data"
                ).format(id=broker.id, kind=kind_word(job.kind), parent=parent.name)
                out.append(replace(forward, about=broker, warnings=[note, *forward.warnings]))
    if state_law.complaint is None or not state_law.complaint.reachable:  # the requester's own law's office
        return out
    known = [
        (
            "head office or registered address"  # i18n: English on purpose (the complaint's words)
            if r.door_kind == "registered"
            else f"given only to {r.only_for}"  # i18n: English on purpose
        )
        + f": {r.address()}"
        for r in broker.routes
    ]
    letters = [parent_letter_line(job, today, job.reference) for job in out]
    # what --disclose adds is for the company; a state office may forward a complaint to it and
    # keep it as a public record: the complaint takes only what a complaint may carry
    from broker_audit.letters.disclosure import ALL, COMPLAINT_FIELDS, field_words

    kept_back = [f for f in disclose if f not in COMPLAINT_FIELDS]
    complaint = plan_letter(
        broker,
        kind("unreachable"),
        profile=profile,
        state_law=state_law,
        laws=laws,
        today=today,
        unreachable=UnreachableContext(
            known=known, parent=parent.name if out and parent else "", parent_letters=letters
        ),
        disclose=[f for f in disclose if f in COMPLAINT_FIELDS],
    )
    office = complaint.law.complaint.office if complaint.law.complaint else _("complaint office")
    notes = [
        _("{id}: no way to reach it is known; a complaint to the {office} says so").format(
            id=broker.id, office=office
        )
    ]
    if kept_back:
        notes.append(
            _(
                "the complaint to the {office} does not carry what --disclose adds ({fields}): a "
                "state office may forward a complaint to the company and keep it as a public record"
            ).format(office=office, fields=", ".join(f if f == ALL else field_words(f) for f in kept_back))
        )
    return [*out, replace(complaint, warnings=notes, cites=tuple(job.reference for job in out))]


def parent_letter_line(job: LetterJob, dated: dt.date, reference: str) -> str:
    """How a complaint that a broker cannot be reached names a request to its parent company:
    the request `job` plans, dated `dated` with `reference` (its own, or the open request's it
    repeats)."""
    # i18n: English on purpose (the complaint's words)
    return (
        f"my {job.kind} request of {dated:%B} {dated.day}, {dated.year}, reference {reference}, "
        f"{channel_to(job.channel, 'en')} {job.route.address() if job.route else ''}"
    )


def _cite_open_requests(
    jobs: list[LetterJob], repeats: Sequence[tuple[LetterJob, OpenRequest]]
) -> list[LetterJob]:
    """`jobs` with each complaint that a broker cannot be reached naming, for a request to the
    parent company left out as a repeat, the open request it repeats (its date and reference),
    never the reference of a letter that was not written."""
    instead = {
        job.reference: parent_letter_line(job, found.dated, found.reference)
        for job, found in repeats
        if job.about is not None
    }
    if not instead:
        return jobs
    out = []
    for job in jobs:
        told = job.context.unreachable
        if told is not None and job.cites:
            lines = [instead.get(ref, line) for ref, line in zip(job.cites, told.parent_letters, strict=True)]
            told = msgspec.structs.replace(told, parent_letters=lines)
            job = replace(job, context=msgspec.structs.replace(job.context, unreachable=told))
        out.append(job)
    return out


def _without_repeats(
    journal: Journal,
    jobs: list[LetterJob],
    *,
    again: bool,
    ask_again: Callable[[list[OpenRequest]], bool] | None,
) -> tuple[list[LetterJob], list[NoRoute]]:
    """The jobs to write, and those left out because they would repeat an open request."""
    from broker_audit.services.duplicates import open_requests

    if again or not jobs:
        return jobs, []
    found = open_requests(journal)
    repeats = [
        (job, found[(None, job.recipient_id, job.kind)])
        for job in jobs
        if (None, job.recipient_id, job.kind) in found
    ]
    if not repeats or (ask_again is not None and ask_again([r for _, r in repeats])):
        return jobs, []
    left_out = {id(job) for job, _ in repeats}
    kept = _cite_open_requests([j for j in jobs if id(j) not in left_out], repeats)
    return kept, [repeat_entry(r) for _, r in repeats]


def repeat_entry(found: OpenRequest, *, again: str = "add --again") -> NoRoute:
    """A letter not written because it would repeat the open request `found`."""
    from broker_audit.services.duplicates import duplicate_advice

    return NoRoute(
        broker_id=found.broker_id,
        broker_name=found.broker_name,
        kind=found.kind,
        advice=duplicate_advice(found, again=again),
        reason=_("an open {kind} request to it exists: {which}").format(
            kind=kind_word(found.kind), which=found.describe()
        ),
        repeats=found.request_id,
        repeats_state=found.state,
    )


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


def address_unfit(job: LetterJob) -> NoRoute | None:
    """A mailed letter whose address cannot be printed whole in the envelope window (and, as the
    window is, in the certified-mail list), as a letter not written; else None.

    Checked before anything is drawn, so that no letter or list is printed with an address cut or
    too small to read (letters/address_fit.py). A clinic's address label is checked on its own:
    one that cannot hold the address is left out and said (the window envelope needs none)."""
    if job.channel != "mail" or job.broker is None:
        return None
    from broker_audit.letters.address_fit import LIST_ROW, WINDOW, address_problems

    problems = address_problems(job.recipient, (WINDOW, LIST_ROW))
    if not problems:
        return None
    others = sorted({r.channel for r in job.broker.routes if r.channel != "mail"})
    advice = [_("send it by another route: {option}").format(option=f"--via {c}") for c in others]
    advice.append(_("or correct the address in the registry (brokers.toml) so that each line is shorter"))
    return NoRoute(
        broker_id=job.broker.id,
        broker_name=job.broker.name,
        kind=job.kind,
        advice=advice,
        reason=_(
            "its postal address does not fit, even abbreviated and at the smallest readable size: {problems}"
        ).format(problems="; ".join(problems)),
        unfit=True,
    )


def platform_sentence(state: str, laws: Sequence[Law]) -> str:
    """What a state's deletion platform (California's DROP) does for this requester, or ""."""
    from broker_audit.law.choose import platform_for

    p = platform_for(laws, state)
    if p is None:
        return ""
    return _(
        "as a resident of {state}, you can also use the {platform} ({url}): {covers}. But {excludes}."
    ).format(state=state.upper(), platform=p.name, url=p.url, covers=p.covers, excludes=p.excludes)


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
    from broker_audit.letters.disclosure import decide, field_words, join_words, told
    from broker_audit.registry.schema import IDENTITY_ITEM_WORDS

    out = []
    v = broker.verification
    if v is not None and v.asks:
        for ask in v.asks:
            when = f" ({data_text(ask.when)})" if ask.when else ""
            out.append(
                _("{id}: known to ask for {item}{when} [{grade}]. Instead: {instead}").format(
                    id=broker.id,
                    item=_(IDENTITY_ITEM_WORDS[ask.item]),
                    when=when,
                    grade=_("{grade} source").format(grade=grade_word(ask.grade)),
                    instead=data_text(ask.instead),
                )
            )
        out.append(
            _("{id}: what giving each of these risks, and the sources: {command}").format(
                id=broker.id, command=f"broker-audit brokers show {broker.id}"
            )
        )
    else:
        if v is not None and v.asks_ssn:
            out.append(
                _("{id}: asks for a Social Security number; do not volunteer one").format(id=broker.id)
            )
        if v is not None and v.asks_id_copy:
            out.append(_("{id}: asks for a copy of an ID; send one only if you must").format(id=broker.id))
    if "location-data" in broker.categories:
        if disclosure is None:
            disclosure = decide(profile, broker=broker, letter=letter)
        if disclosure.gives("advertising-id"):
            language = current_language()
            ad_id = field_words("advertising-id", language)
            others = [w for w in told(disclosure, profile, language) if w != ad_id]
            out.append(
                _(
                    "{id}: the letter gives your phone's advertising ID, the key its location data "
                    "is filed under: it lets the company tie where your phone has been (home, work, a "
                    "clinic, a court) to {others}. After you send it, reset or delete the ID "
                    "on the phone so new data is not linked to it; keep the old one in your profile, as "
                    "the answer is about it (README: Advertising IDs)."
                ).format(id=broker.id, others=join_words(others, language))
            )
        elif profile.advertising_ids:
            out.append(
                _(
                    "{id}: the letter does not give your phone's advertising ID (the request it "
                    "follows did not), so the company may not find its location data on you."
                ).format(id=broker.id)
            )
        else:
            out.append(
                _(
                    "{id}: its location data is filed under phones' advertising IDs, so without "
                    "one it will likely answer that it holds nothing on you. To add yours: advertising_ids "
                    "in your profile (README: Advertising IDs says how to find it and what giving it means)."
                ).format(id=broker.id)
            )
        if letter.id == "access":
            out.append(
                _(
                    "{id}: an answer to an access request is a record of where your phone has "
                    "been: keep it safe, or ask for deletion instead."
                ).format(id=broker.id)
            )
    return out


def broker_warnings(
    broker: Broker,
    claim: Claim,
    profile: Profile | None = None,
    disclosure: Disclosure | None = None,
) -> list[str]:
    """What the requester should know before sending this letter, besides its route."""
    law, letter = claim.law, claim.letter
    out = []
    if profile is not None:
        out += identity_warnings(broker, profile, letter, disclosure)
    else:
        v = broker.verification
        if v is not None and v.asks_ssn:
            out.append(
                _("{id}: asks for a Social Security number; do not volunteer one").format(id=broker.id)
            )
        if v is not None and v.asks_id_copy:
            out.append(_("{id}: asks for a copy of an ID; send one only if you must").format(id=broker.id))
    if law.kind == "none":
        out.append(
            _(
                "{id}: your state has no privacy law in our data; "
                "the letter asks politely and cites no statute"
            ).format(id=broker.id)
        )
        if broker.residency_limit is not None:
            out.append(
                _("{id}: may refuse requests from your state: {limit} (source: {source})").format(
                    id=broker.id, limit=broker.residency_limit.value, source=broker.residency_limit.source
                )
            )
    elif claim.asks_as_request:
        out.append(
            _("{id}: the {law} gives no {kind} right; the letter asks for it as a request").format(
                id=broker.id, law=law.name, kind=kind_word(letter.id)
            )
        )
    return out


def refuse_fcra_to_non_agencies(brokers: Sequence[Broker], letters: Sequence[LetterKind]) -> None:
    """An FCRA file disclosure goes only to brokers recorded, with a source, as consumer reporting
    agencies (15 U.S.C. 1681g binds no one else): refuse the whole request, naming the others."""
    if not any(letter.id == "fcra-disclosure" for letter in letters):
        return
    others = [b for b in brokers if not b.is_consumer_reporting_agency()]
    if not others:
        return
    if len(others) == 1:
        from broker_audit.errors import NotConsumerReporting

        raise NotConsumerReporting(others[0].id, others[0].name)
    raise UserError(
        _(
            "not recorded as consumer reporting agencies, so the FCRA's file disclosure (15 U.S.C. 1681g) "
            "does not bind them: {brokers}"
        ).format(brokers=", ".join(b.id for b in others)),
        _("leave them out of this request, or ask them for access instead (--kind access)"),
    )


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
    forward_for: Broker | None = None,
    unreachable: UnreachableContext | None = None,
    family: Sequence[Broker] = (),
) -> LetterJob:
    """Everything one letter needs before it is rendered: its law, route, context, addresses,
    and what it tells its recipient (decided here, once, and carried to every artefact).

    A complaint goes to the law's complaint office (its online form), not to the broker;
    everything else to the broker by the route that fits the request and the requester's state.
    `agent` (a clinic) changes the return address and the wording. `disclose`: fields the
    requester adds to this letter (letters/disclosure.py). `clinic`: a clinic batch's clinic,
    the reply address of letters that withhold the current address. `earlier_disclosed`: what
    the request a follow-up is about gave (the follow-up gives no more). `forward_for`:
    `broker` is the parent of that company, which cannot be reached; `unreachable`: what a
    complaint about a broker that cannot be reached says was tried.
    """
    from broker_audit.law.choose import federal_law, law_for_letter
    from broker_audit.law.claim import claim_for
    from broker_audit.letters.compose import (
        complaint_recipient_lines,
        letter_context,
        new_reference,
        recipient_lines,
        sender_lines,
    )
    from broker_audit.letters.disclosure import announcement, as_in_request, decide, government_ties, summary
    from broker_audit.letters.exempt import cannot_reach
    from broker_audit.registry.routes import choose_route

    law = law_for_letter(state_law, letter.id, laws)
    claim = claim_for(law, letter)  # the one decision of what this letter claims, and its clock
    reference = reference or new_reference()
    complaint = letter.recipient == "complaint-office"
    route: Route | None = None
    alternative: Route | None = None
    channels: tuple[str, ...] = ()
    warnings: list[str] = []
    if complaint:
        channels = ("web-form",)
    else:
        rights = letter.rights or _earlier_rights(earlier)
        choice = choose_route(broker, rights=rights, state=profile.state, via=via)
        route, channels, alternative = choice.route, choice.channels, choice.alternative
        warnings += choice.warnings
    # A request forwarded through a parent tells what the company it is about would be told: the
    # parent is asked to pass it on (the tighter rule of the two wins).
    told_as = forward_for if forward_for is not None and government_ties(forward_for) else broker
    disclosure = decide(
        profile,
        broker=told_as,
        letter=letter,
        asked=disclose,
        channel=route.channel if route is not None else (channels[0] if channels else ""),
        clinic=clinic,
        earlier=earlier_disclosed.given if earlier_disclosed is not None else None,
        earlier_reason=(
            as_in_request(earlier_disclosed.reason)
            if earlier_disclosed is not None and earlier_disclosed.reason
            else ""
        ),
        earlier_values=earlier_disclosed.values if earlier_disclosed is not None else None,
        family=family if told_as is broker else (),
    )
    if not complaint:
        warnings += broker_warnings(broker, claim, profile, disclosure)
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
        forward_for=forward_for,
        unreachable=unreachable,
        claim=claim,
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
        clock=claim.clock,
        claim=claim,
        disclosure=disclosure,
        recipient_kind=letter.recipient,
        warnings=warnings,
        linked_to=linked_to,
        summary=summary(disclosure, profile),
        announcement=announcement(disclosure, profile, to_whom),
        cannot_reach=cannot_reach(broker, letter.id),
        alternative=alternative,
    )


def _earlier_rights(earlier: Earlier | None) -> tuple[str, ...]:
    """A follow-up or appeal goes by a route that takes the original request's right."""
    from broker_audit.vocabulary import KINDS

    found = KINDS.get(earlier.kind) if earlier is not None else None
    return found.rights if found else ()


def mailbox_of(name: str, address: str) -> str | None:
    """ "Name <address>" for a From: header, or None without an address."""
    return f"{name} <{address}>" if address else None


def clinic_mailbox(journal: Journal, agent: AgentProfile) -> str | None:
    """The From: of the e-mails a clinic sends for its clients: the mailbox set up for `send`,
    else the clinic profile's e-mail address."""
    address = journal.mail_account.from_addr if journal.mail_account else agent.email
    return mailbox_of(agent.organization, address)


def sent_for_client(
    document: Document,
    job: LetterJob,
    *,
    clinic: AgentProfile,
    mailbox: str | None,
    today: dt.date,
    templates_dir: Path | None,
) -> Document:
    """An e-mail letter a clinic sends from its own mailbox for a client: From: the clinic's
    mailbox, Reply-To: what the clinic chose, and the first line and the line under the signature
    saying who sends it for whom: as the client's authorized agent where the law lets an agent
    act (the authorization for the client to sign attached), otherwise at the client's request."""
    import dataclasses

    from broker_audit.letters.pdf import pdf_bytes

    organization = clinic.organization
    client = job.context.requester.name
    agent = job.context.agent
    authorization = None
    if agent is not None and agent.standing:
        authorization = pdf_bytes(
            render_job(
                job, today=today, email_from=None, templates_dir=templates_dir, template="authorization"
            )
        )
        cited = f" ({agent.citation})" if agent.citation else ""
        first = (
            f"{organization} sends this request on behalf of {client}, as {client}'s authorized "
            f"agent{cited}. The authorization is attached."
        )
        signed = f"Sent by {organization}, authorized agent of {client}."
    else:
        first = (
            f"{organization} sends this e-mail at the request of {client}: the request below is "
            f"{client}'s own."
        )
        signed = f"Sent at the request of {client} by {organization}."
    attachments = document.attachments
    if authorization is not None:
        attachments = (*attachments, (f"authorization-{job.reference}.pdf", "application/pdf", authorization))
    return dataclasses.replace(
        document,
        email_from=mailbox,
        reply_to=clinic.reply_to or None,
        on_behalf=first,
        signed_for=signed,
        attachments=attachments,
    )


def render_job(
    job: LetterJob,
    *,
    today: dt.date,
    templates_dir: Path | None,
    template: str | None = None,
    email_from: str | None = None,
) -> Document:
    """The job's Document (or, with `template`, another template over the same context, such as
    the authorization page that goes with an agent's letter). The e-mail's From: `email_from`
    (a clinic's mailbox), else who the job says it is from, else the requester's address, which
    an e-mail letter's disclosure always gives."""
    import dataclasses

    from broker_audit.letters import render

    document = render.render_letter(
        template or job.letter.template_name,
        job.context,
        sender=job.sender,
        recipient=job.recipient,
        date=today,
        reference=job.reference,
        email_to=None if template else job.email_to,
        email_from=email_from
        or job.email_from
        or mailbox_of(job.context.requester.name, job.context.requester.email),
        templates_dir=templates_dir,
        postal=job.channel == "mail",
    )
    if job.attachments and template is None:
        document = dataclasses.replace(document, attachments=job.attachments)
    return document


def route_document(job: LetterJob, document: Document) -> Document:
    """The artefact of the job's route: the letter itself for mail and email, a submission sheet
    for a web form or a phone call (listing only what the letter's disclosure gives), and a sheet
    pointing to the recipient's own form for a route that takes requests only on that form (a
    letter sent there would be discarded)."""
    from broker_audit.registry.agencies import AgencyRoute

    if job.route is None:
        return document
    if job.broker is not None and not isinstance(job.route, AgencyRoute) and job.route.form is not None:
        from broker_audit.letters.sheet import official_form_sheet

        return official_form_sheet(
            document, job.broker, job.route, identity_lines(job.context.requester), current_language()
        )
    if not CHANNELS[job.route.channel].sheet:
        return document
    identity = list(job.identity) or identity_lines(job.context.requester)
    if isinstance(job.route, AgencyRoute):
        from broker_audit.letters.sheet import agency_submission_sheet

        return agency_submission_sheet(document, job.recipient_name, job.route, identity, current_language())
    if job.broker is None:
        return document
    from broker_audit.letters.disclosure import field_words, reason_in
    from broker_audit.letters.sheet import submission_sheet

    return submission_sheet(
        document,
        job.broker,
        job.route,
        identity,
        withheld=[field_words(f, current_language()) for f in job.disclosure.withheld],
        reason=reason_in(job.disclosure.reason),
        language=current_language(),
        withheld_fields=job.disclosure.withheld,
    )


def alternative_document(job: LetterJob, document: Document) -> Document | None:
    """The submission sheet for the company's web form written beside a mail letter, or None
    (listing only what the letter's disclosure gives)."""
    if job.alternative is None or job.broker is None:
        return None
    from broker_audit.letters.disclosure import field_words, reason_in
    from broker_audit.letters.sheet import submission_sheet

    return submission_sheet(
        document,
        job.broker,
        job.alternative,
        identity_lines(job.context.requester),
        withheld=[field_words(f, current_language()) for f in job.disclosure.withheld],
        reason=reason_in(job.disclosure.reason),
        language=current_language(),
        withheld_fields=job.disclosure.withheld,
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
        broker_name=job.recipient_name if broker is not None else "",
        agency="" if broker is not None else job.context.broker.name,
        kind=job.kind,
        law_id=job.law.id,
        law_name=job.law.name,
        deadline_days=None if clock.courtesy else clock.days,
        courtesy_days=clock.days if clock.courtesy else None,
        working_days=clock.working_days,
        calendar=clock.calendar,
        extension_days=clock.extension_days,
        appeal_days=clock.appeal_days,
        appeal_extension_days=clock.appeal_extension_days,
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
        about=job.about.id if job.about is not None else "",
        routes=job.routes,
        email_draft=email_draft,
        as_agent=job.context.agent is not None,
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
    client_id: str | None = None,
    also: Sequence[Record] = (),
    reading_copy: str | None = None,
) -> list[LetterResult]:
    """`_issue_letters_locked` under the vault's writer lock: the request ids it gives the
    letters (and their file names) are read inside it, so parallel runs never share an id.

    `profile` is None when every job says who it is from (a campaign in a clinic's vault).
    `also_log` makes records from the results that go into the same vault transaction as the
    requests (a campaign's record of which agency got which request); `also`, records known
    before; `client_id` files the requests under a clinic's client."""
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
            client_id=client_id,
            also=also,
            reading_copy=reading_copy,
        )


def check_reading_language(language: str | None) -> str | None:
    """The language of the requester's reading copies: None for English (the letters are theirs
    to read), a language with Spanish-style templates, or a UserError."""
    from broker_audit.i18n import _
    from broker_audit.letters.reading_copy import READING_LANGUAGES

    if language is None or language == "en":
        return None
    if language not in READING_LANGUAGES:
        raise UserError(
            _("no reading copy in {language}").format(language=repr(language)),
            _("reading copies are written in: {languages}").format(languages=", ".join(READING_LANGUAGES)),
        )
    return language


def _reading_language(job: LetterJob, run_language: str | None) -> str | None:
    """The language of `job`'s reading copy: its reader's (a clinic client's), else the run's;
    None for English or a language without reading-copy templates."""
    from broker_audit.letters.reading_copy import READING_LANGUAGES

    language = job.reader_language if job.reader_language is not None else run_language
    return language if language in READING_LANGUAGES else None


def reading_copy_document(
    job: LetterJob, *, today: dt.date, templates_dir: Path | None, language: str, template: str | None = None
) -> Document:
    """The job's letter (or, with `template`, another page of it, such as the authorization the
    client signs) as its requester's reading copy in `language` (never sent)."""
    from broker_audit.letters.compose import reading_recipient
    from broker_audit.letters.reading_copy import render_reading_copy

    return render_reading_copy(
        template or job.letter.template_name,
        job.context,
        language=language,
        sender=job.sender,
        recipient=reading_recipient(job.recipient, language),
        date=today,
        reference=job.reference,
        templates_dir=templates_dir,
        postal=job.channel == "mail",
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
    client_id: str | None = None,
    also: Sequence[Record] = (),
    reading_copy: str | None = None,
) -> list[LetterResult]:
    """Render every job, write the files, then log every letter as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """

    first_id = journal.next_request_id()
    # An e-mail letter is From the address it gives (its disclosure gives the e-mail whenever the
    # requester has one), never from another mailbox the recipient would learn: with none, no
    # `.eml` is written (letters/eml.py refuses a letter without a sender).
    letters = [render_job(job, today=today, templates_dir=templates_dir) for job in jobs]
    letters = [
        _from_clinic(journal, job, letter, today, templates_dir) if client_id or job.client_id else letter
        for job, letter in zip(jobs, letters, strict=True)
    ]
    documents = [
        (route_document(job, letter), alternative_document(job, letter))
        for job, letter in zip(jobs, letters, strict=True)
    ]
    languages = [_reading_language(job, reading_copy) for job in jobs]
    copies = [
        reading_copy_document(job, today=today, templates_dir=templates_dir, language=language)
        if language
        else None
        for job, language in zip(jobs, languages, strict=True)
    ]
    from broker_audit.files import deferred_folder_sync, ensure_folder

    written: list[Path] = []
    results: list[LetterResult] = []
    try:
        ensure_folder(out_dir, what=_("letters folder"))
        with deferred_folder_sync():  # the folder is fsynced once, before the requests are logged
            _write_all(jobs, documents, first_id, out_dir, today, formats, written, results, copies)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    created = now()
    records: list[Record] = [
        request_record(
            job,
            request_id=result.request_id,
            today=today,
            created=created,
            files=result.files,
            client_id=client_id or job.client_id,
            email_draft=email_draft_of(result.files),
        )
        for job, result in zip(jobs, results, strict=True)
    ]
    records += also
    if also_log is not None:
        records += also_log(results)
    try:
        journal.append(records)
    except BaseException:
        for path in written:  # nothing was logged: no letter the log does not know of
            path.unlink(missing_ok=True)
        raise
    return results


def _from_clinic(
    journal: Journal, job: LetterJob, letter: Document, today: dt.date, templates_dir: Path | None
) -> Document:
    """A clinic client's e-mail letter as the batch sends it (`sent_for_client`). Other letters,
    and a vault without a clinic, as they are."""
    clinic = journal.agent
    if job.channel != "email" or clinic is None:
        return letter
    return sent_for_client(
        letter,
        job,
        clinic=clinic,
        mailbox=clinic_mailbox(journal, clinic),
        today=today,
        templates_dir=templates_dir,
    )


def email_draft_of(files: Sequence[Path]) -> EmailDraft | None:
    """The record of the `.eml` among `files` just written (what `send` will hold it to)."""
    from broker_audit.files import read_own_file
    from broker_audit.mail.draft import LETTER_LIMITS, draft_of

    for path in files:
        if path.suffix == ".eml":
            raw = read_own_file(path, what=N_("letter"), limit=LETTER_LIMITS.max_bytes)
            return draft_of(raw, str(path.resolve()))
    return None


def _write_all(
    jobs: Sequence[LetterJob],
    documents: Sequence[tuple[Document, Document | None]],
    first_id: int,
    out_dir: Path,
    today: dt.date,
    formats: Sequence[str] | None,
    written: list[Path],
    results: list[LetterResult],
    copies: Sequence[Document | None] = (),
) -> None:
    from broker_audit.letters.formats import formats_for, write_letter
    from broker_audit.letters.reading_copy import reading_copy_stem

    for offset, (job, (document, beside)) in enumerate(zip(jobs, documents, strict=True)):
        request_id = first_id + offset
        stem = out_dir / f"{today.isoformat()}-{job.recipient_id}-{job.kind}-{request_id}"
        files = write_letter(document, stem, formats_for(job.channel, formats))
        written.extend(files)
        if beside is not None and job.alternative is not None:
            sheet = Path(f"{stem}-{job.alternative.channel}")
            # the formats asked for that fit a sheet (a web form is not e-mailed), else its own
            fits = [f for f in formats or () if f in ("pdf", "txt", "html")]
            extra = write_letter(beside, sheet, formats_for(job.alternative.channel, fits or None))
            written.extend(extra)
            files = [*files, *extra]
        copy = copies[offset] if offset < len(copies) else None
        reading: list[Path] = []
        if copy is not None:  # beside the letter; not one of the request's files (never sent)
            reading = write_letter(copy, reading_copy_stem(stem, copy.language), ["pdf", "txt"])
            written.extend(reading)
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
                also=job.routes[1:],
                reading_copies=reading,
            )
        )


def _send_to(job: LetterJob) -> str:
    """Where a letter without a route record goes, as one line: an agency's whole postal address
    (its first line is the agency's name or its office), else the lines after the name."""
    complaint = job.law.complaint
    if job.recipient_kind == "complaint-office" and complaint is not None:
        return complaint.url or complaint.email  # its block: the office, a heading, the form or address
    lines = job.recipient if job.broker is None and job.channel == "mail" else job.recipient[1:]
    return " / ".join(lines)
