"""Clinic mode: a spreadsheet of clients in, one print-ready batch out, every letter logged."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import UserError
from broker_audit.i18n import _, ngettext
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.client_ids import vault_client_ids
from broker_audit.services.duplicates import Key, OpenRequest, open_requests
from broker_audit.services.letters import (
    LetterJob,
    NoRoute,
    address_unfit,
    clinic_mailbox,
    email_draft_of,
    no_route_entry,
    plan_letter,
    reading_copy_document,
    refuse_fcra_to_non_agencies,
    render_job,
    repeat_entry,
    request_record,
    route_document,
    sent_for_client,
)
from broker_audit.tracking.journal import BatchMade, ClientSet, Journal, Record, now
from broker_audit.tracking.model import EmailDraft
from broker_audit.tracking.records import agent_set
from broker_audit.words import kind_word

if TYPE_CHECKING:
    from broker_audit.intake import BadRow, Client, Intake
    from broker_audit.law.schema import Law
    from broker_audit.letters.document import Document
    from broker_audit.profile import AgentProfile
    from broker_audit.registry.load import Registry
    from broker_audit.registry.schema import Broker
    from broker_audit.services.resources import Resources
    from broker_audit.vocabulary import LetterKind

Progress = Callable[[int, int], None]
MAX_WORKERS = 32
"""Processes drawing PDFs at most (each holds ~60 MB)."""


@dataclass(frozen=True)
class RowRead:
    """What the dry run read from one spreadsheet row, to check before anything is written."""

    row: int
    client_id: str
    name: str
    birth_date: dt.date | None
    state: str
    zip: str
    language: str


@dataclass(frozen=True)
class Repeat:
    """A client x broker x kind the batch did not write again: an open request exists."""

    row: int
    client_id: str
    broker_id: str
    kind: str
    request_id: int
    state: str


@dataclass(frozen=True)
class BatchResult:
    batch_id: str
    clients: int
    letters: int  # letters written and logged (every route)
    bad_rows: list[BadRow]
    duplicates: list[tuple[int, int]]
    unmapped_columns: list[str]
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    dry_run: bool = False
    first_request: int | None = None
    last_request: int | None = None
    by_channel: dict[str, int] = field(default_factory=dict)  # letters per route channel
    no_route: int = 0  # letters not written: no route known to the broker
    no_route_brokers: list[str] = field(default_factory=list)
    # What the letters tell, in words, and the brokers that get each: "each client's name, ...".
    disclosure: dict[str, list[str]] = field(default_factory=dict)
    read: list[RowRead] = field(default_factory=list)  # dry run only: what each good row says
    notes: list[str] = field(default_factory=list)  # e.g. a label left out: its address cannot fit
    repeats: list[Repeat] = field(default_factory=list)  # pairs skipped: an open request exists
    repeats_checked: bool = True  # False for a dry run without a vault to check against
    date_order: str = ""  # how the birth dates were read (see intake/dates.py)


@dataclass(frozen=True)
class PlannedLetter:
    """One client's letter, planned (route, law, context) before anything is rendered."""

    request_id: int
    job: LetterJob


@dataclass(frozen=True)
class ClientPlan:
    """One client's letters, planned before anything is rendered."""

    client: Client
    law: Law
    letters: list[PlannedLetter]
    unsent: list[NoRoute]

    def by_mail(self) -> list[PlannedLetter]:
        return [p for p in self.letters if p.job.channel == "mail"]

    def online(self) -> list[PlannedLetter]:
        return [p for p in self.letters if p.job.channel != "mail"]


def disclosure_groups(plans: Sequence[ClientPlan]) -> dict[str, list[str]]:
    """What the batch's letters tell their brokers, as a sentence per kind of letter with the
    brokers that get it: printed before anything is written (also by a dry run)."""
    from broker_audit.i18n import N_, _, current_language
    from broker_audit.letters.disclosure import client_field_words, join_words
    from broker_audit.vocabulary import IDENTITY_FIELDS

    language = current_language()
    replies = {  # whole clauses: Spanish joins "a" + "el" as "al"
        "home": N_("answers go to the client's home"),
        "reply-address": N_("answers go to the client's reply address"),
        "email": N_("answers go to the client's e-mail only"),
        "clinic": N_("answers go to the clinic"),
    }
    fields: dict[tuple[bool, str], set[str]] = {}
    brokers: dict[tuple[bool, str], dict[str, None]] = {}
    for plan in plans:
        for planned in plan.letters:
            d = planned.job.disclosure
            clinic = d.reply_lines[0].removeprefix("c/o ") if d.reply == "clinic" and d.reply_lines else ""
            reply = (
                _("answers go to {organization}").format(organization=clinic)
                if clinic
                else _(replies[d.reply])
            )
            key = (d.minimal, reply)
            fields.setdefault(key, set()).update(d.given)
            brokers.setdefault(key, {})[planned.job.recipient_name] = None
    out: dict[str, list[str]] = {}
    for (minimal, reply), given in fields.items():
        words = [client_field_words(f, language) for f in IDENTITY_FIELDS if f in given]
        what = _("the client's {fields} (what each client has)").format(
            fields=join_words([client_field_words("name", language), *words], language)
        )
        if minimal:
            kept = _("the home address") if "phone" in given else _("the home address or phone")
            what += _(
                ", never {kept} (they sell to government, police or immigration enforcement, or "
                "hold phones' location data)"
            ).format(kept=kept)
        out[_("{what}; {answers}").format(what=what, answers=reply)] = list(brokers[(minimal, reply)])
    return out


def row_read(client: Client) -> RowRead:
    profile = client.profile
    address = profile.current_address
    return RowRead(
        row=client.row,
        client_id=client.client_id,
        name=profile.name,
        birth_date=profile.birth_date,
        state=profile.state,
        zip=address.zip if address else "",
        language=client.language,
    )


def new_batch_id(today: dt.date) -> str:
    return f"B-{today:%Y%m%d}-" + secrets.token_hex(3).upper()


def batch_brokers(registry: Registry, brokers: Sequence[str], preset: str | None) -> list[Broker]:
    chosen: list[Broker] = []
    if preset:
        chosen += [registry.get(b) for b in registry.preset(preset).brokers]
    chosen += [registry.resolve(b) for b in brokers]
    chosen = list({b.id: b for b in chosen if not b.successor}.values())
    if not chosen:
        raise UserError(_("name the brokers"), _("use --brokers ID,ID or --preset ice-linked"))
    return chosen


def clinic_of(journal: Journal, clinic: AgentProfile | None) -> AgentProfile:
    if clinic is not None:
        return clinic
    if journal.agent is None:
        raise UserError(
            _("the vault has no clinic profile for the cover sheets' return address"),
            _(
                "pass --clinic clinic.toml once (keys: organization, contact_name, address, "
                "email, phone, reply_to)"
            ),
        )
    return journal.agent


@dataclass(frozen=True)
class BatchOptions:
    """What the user chose for a clinic batch (`bulk letters`), as given: `choose` checks it."""

    kinds: tuple[str, ...]  # letter kinds: "access", "delete", ...
    brokers: tuple[str, ...] = ()  # broker ids or names, besides the preset's
    preset: str | None = None
    language: str = "en"  # the cover sheet's language for a row that names none
    column_map: Mapping[str, str] = field(default_factory=dict)  # spreadsheet column -> field
    date_order: str | None = None  # how numeric birth dates read (intake/dates.py); None: guess
    as_agent: bool = False  # the clinic writes as each client's authorized agent where it may
    disclose: tuple[str, ...] = ()  # what else the letters tell every broker (`--disclose`)
    again: bool = False  # write a letter that repeats an open request too
    split: bool = False  # one print PDF per client instead of one for the batch
    workers: int | None = None  # processes drawing PDFs; None: one per usable core
    templates_dir: Path | None = None  # the clinic's own templates
    dry_run: bool = False  # plan and report; write and log nothing


@dataclass(frozen=True)
class Chosen:
    """The options checked against the registry and the table of letter kinds."""

    letters: tuple[LetterKind, ...]
    brokers: tuple[Broker, ...]
    disclose: tuple[str, ...]
    workers: int
    # Each broker's group in the registry (its parent, the companies it owns), by broker id: a
    # company of the group that sells to government makes its letters minimal too.
    families: Mapping[str, tuple[Broker, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchPlan:
    """Every client's letters planned (request ids, routes, laws, what each tells), before
    anything is written: the clients with something new to print, and the pairs skipped as
    repeats of open requests."""

    batch_id: str
    intake: Intake
    clients: list[ClientPlan]
    repeats: list[Repeat]
    repeats_checked: bool = True  # False for a dry run without a vault to check against

    def request_ids(self) -> list[int]:
        return [p.request_id for plan in self.clients for p in plan.letters]


@dataclass(frozen=True)
class WriteSettings:
    """Where and how a batch's files are made (shared by the write stage's parts)."""

    out_dir: Path
    batch_id: str
    today: dt.date
    laws: tuple[Law, ...]
    clinic: AgentProfile  # the cover sheets' return address and the e-mails' sender
    mailbox: str | None  # the From: of the clients' e-mails
    templates_dir: Path | None
    workers: int
    split: bool
    # The batch's letter kinds by id (a kind registered at run time among them): the cover
    # sheets name the letters not written by them. A planned letter carries its own kind.
    kinds: Mapping[str, LetterKind] = field(default_factory=dict)


@dataclass(frozen=True)
class WrittenBatch:
    """What the write stage made: every file (in the order written), the print PDF's pages,
    notes for the volunteer, and each e-mail letter's `.eml` as written (request id -> draft)."""

    files: list[Path]
    pages: int
    notes: list[str]
    drafts: dict[int, EmailDraft]

    def remove(self) -> None:
        for path in self.files:
            path.unlink(missing_ok=True)


def run_batch(
    access: VaultAccess,
    clients_csv: Path,
    options: BatchOptions,
    *,
    out_dir: Path,
    today: dt.date,
    resources: Resources,
    clinic: AgentProfile | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Read the spreadsheet, write every client's cover sheet and letters, log them all.

    Each letter goes by the route that fits the client's state. The print PDF holds every
    client's cover sheet and the letters that go by mail (with labels and the certified-mail
    book); letters that go by email, web form or phone go into a work list for the volunteer
    (a CSV, a printable sheet per letter, and `.eml` files). A broker with no known route gets no
    letter: the cover sheet says so. Bad rows never stop the batch: they are reported and written
    to a CSV to fix. Nothing is logged until every file is written; if logging fails the files are
    removed again, so the vault and the folder always agree.

    In stages: `choose` checks the options, the spreadsheet is read, `plan_batch` plans every
    letter (under the writer lock, so the request ids are the next free ones), `write_batch`
    writes every file, `log_batch` logs every letter in one transaction.

    What each letter tells its broker is decided per letter (letters/disclosure.py): a letter to
    a broker that sells to government, police or immigration enforcement gives the client's name,
    past addresses and e-mail, with the clinic's address as the return address and the address
    for answers, never the client's home or phone unless `options.disclose` names them.
    A client x broker x kind that already has an open request in the vault is not written again
    unless `options.again`: it is listed (`repeats`) and the client's cover sheet says so (a dry
    run checks this when the vault exists).
    """
    from broker_audit.intake import read_clients

    registry, laws = resources.registry, resources.laws
    chosen = choose(options, registry)
    intake = read_clients(
        clients_csv,
        column_map=options.column_map,
        default_language=options.language,
        date_order=options.date_order,
    )
    batch_id = new_batch_id(today)
    if options.dry_run:
        return batch_result(_preview(access, intake, chosen, options, clinic, batch_id, laws, today), options)
    with open_journal(access) as journal, journal.write():  # ids are read under the writer lock
        agent = clinic_of(journal, clinic)
        plan = plan_batch(
            vault_client_ids(intake, journal),
            chosen,
            batch_id=batch_id,
            laws=laws,
            today=today,
            first_id=journal.next_request_id(),
            agent=agent if options.as_agent else None,
            clinic=agent,
            open_now={} if options.again else open_requests(journal),
        )
        _check_something_new(plan, clients_csv)
        settings = WriteSettings(
            out_dir=out_dir,
            batch_id=batch_id,
            today=today,
            laws=tuple(laws),
            clinic=agent,
            mailbox=_mailbox_for(plan, journal, agent),
            templates_dir=options.templates_dir,
            workers=chosen.workers,
            split=options.split,
            kinds={k.id: k for k in chosen.letters},
        )
        written = write_batch(plan, settings, progress=progress)
        try:
            log_batch(
                journal, plan, written, chosen, agent=agent, store_agent=clinic is not None, today=today
            )
        except BaseException:
            written.remove()
            raise
    return batch_result(plan, options, written)


def choose(options: BatchOptions, registry: Registry) -> Chosen:
    """The options checked: the cover sheet's language, the workers, the letter kinds, what to
    disclose, the brokers (an FCRA disclosure only to consumer reporting agencies)."""
    from broker_audit.letters.compose import check_kind
    from broker_audit.letters.cover import LANGUAGES
    from broker_audit.letters.disclosure import parse_disclose

    if options.language not in LANGUAGES:
        raise UserError(
            _("no cover sheet in {language!r}").format(language=options.language),
            _("languages: {languages}").format(languages=", ".join(LANGUAGES)),
        )
    workers = options.workers
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UserError(
            _("--workers must be between 1 and {most}, not {workers}").format(
                most=MAX_WORKERS, workers=workers
            ),
            _("the number of processes drawing PDFs; leave it out for one per usable core"),
        )
    if workers is None:
        from broker_audit.letters.batch_pdf import usable_cores

        workers = min(usable_cores(), MAX_WORKERS)
    letters = tuple({k.id: k for k in (check_kind(k) for k in options.kinds)}.values())
    from broker_audit.vocabulary import batch_kinds

    for letter in letters:
        if letter.id not in batch_kinds():  # no --details in a batch: the letter would say nothing
            raise UserError(
                _("a batch does not write {kind} letters: each says what is wrong about one person").format(
                    kind=kind_word(letter.id)
                ),
                _("leave {kind} out of --kind").format(kind=letter.id),
            )
    disclose = parse_disclose(options.disclose)
    brokers = batch_brokers(registry, options.brokers, options.preset)
    refuse_fcra_to_non_agencies(brokers, letters)
    families = {b.id: registry.family(b) for b in brokers}
    return Chosen(
        letters=letters, brokers=tuple(brokers), disclose=disclose, workers=workers, families=families
    )


def _preview(
    access: VaultAccess,
    intake: Intake,
    chosen: Chosen,
    options: BatchOptions,
    clinic: AgentProfile | None,
    batch_id: str,
    laws: Sequence[Law],
    today: dt.date,
) -> BatchPlan:
    """The dry run's plan: the letters planned as the batch would plan them, nothing written; the
    vault, if there is one, is read for the next request id and the open requests a letter would
    repeat."""
    from broker_audit.profile import AgentProfile

    # Nothing is written: a clinic not given here stands in by name for the reply address.
    stand_in = clinic or AgentProfile(organization=_("the clinic"), address=[_("(the clinic's address)")])
    open_now = None
    first_id = 1
    if access.path.exists():
        with open_journal(access) as journal:
            open_now = {} if options.again else open_requests(journal)
            first_id = journal.next_request_id()
            intake = vault_client_ids(intake, journal)
    return plan_batch(
        intake,
        chosen,
        batch_id=batch_id,
        laws=laws,
        today=today,
        first_id=first_id,
        agent=clinic if options.as_agent else None,
        clinic=stand_in,
        open_now=open_now,
    )


def plan_batch(
    intake: Intake,
    chosen: Chosen,
    *,
    batch_id: str,
    laws: Sequence[Law],
    today: dt.date,
    first_id: int,
    agent: AgentProfile | None,
    clinic: AgentProfile,
    open_now: Mapping[Key, OpenRequest] | None,
) -> BatchPlan:
    """Every client's letters (see `plan_clients`), without the clients whose every letter
    repeats an open request in `open_now` (None: the repeats were not looked for)."""
    plans = plan_clients(
        intake.clients,
        chosen.brokers,
        chosen.letters,
        laws=laws,
        today=today,
        first_id=first_id,
        agent=agent,
        clinic=clinic,
        disclose=chosen.disclose,
        open_now=open_now,
        families=chosen.families,
    )
    kept, repeats = _without_repeated_clients(plans)
    return BatchPlan(
        batch_id=batch_id,
        intake=intake,
        clients=kept,
        repeats=repeats,
        repeats_checked=open_now is not None,
    )


def _check_something_new(plan: BatchPlan, clients_csv: Path) -> None:
    """Refuse a batch with no client to print for: nothing would be written or logged."""
    if plan.clients:
        return
    if plan.repeats:
        raise UserError(
            ngettext(
                "every letter of this batch repeats an open request ({repeats} letter): nothing written",
                "every letter of this batch repeats an open request ({repeats} letters): nothing written",
                len(plan.repeats),
            ).format(repeats=len(plan.repeats)),
            _("`bulk letters ... --dry-run` lists them; --again writes them again"),
        )
    raise UserError(
        ngettext(
            "no row of {name} can make a letter ({bad} row to fix): nothing written",
            "no row of {name} can make a letter ({bad} rows to fix): nothing written",
            len(plan.intake.bad),
        ).format(name=clients_csv.name, bad=len(plan.intake.bad)),
        _("`bulk letters ... --dry-run` lists each row and what to fix"),
    )


def _mailbox_for(plan: BatchPlan, journal: Journal, clinic: AgentProfile) -> str | None:
    """The From: of the batch's e-mails: the clinic's mailbox (refused without one when the batch
    has e-mail letters)."""
    mailbox = clinic_mailbox(journal, clinic)
    if mailbox is None and any(p.job.channel == "email" for c in plan.clients for p in c.letters):
        raise UserError(
            _("the clinic has no mailbox for the From: of its clients' e-mails"),
            _("add `email` to clinic.toml (--clinic) or set up the mailbox with `broker-audit mail setup`"),
        )
    return mailbox


def write_batch(
    plan: BatchPlan, settings: WriteSettings, *, progress: Progress | None = None
) -> WrittenBatch:
    """Every file of the batch: the print PDF (cover sheets and mailed letters), the labels and
    the certified-mail book, the work list (with the `.eml`s), the rows to fix. On any failure
    what was written is removed again."""
    from broker_audit.files import deferred_folder_sync, ensure_folder
    from broker_audit.intake import write_bad_rows_csv

    ensure_folder(settings.out_dir, what=_("batch folder"))
    files: list[Path] = []
    notes: list[str] = []
    drafts: dict[int, EmailDraft] = {}  # request id -> its `.eml` as written
    pages = 0
    try:
        with deferred_folder_sync():  # each folder fsynced once, before the batch is logged
            printed, pages = _write_pdfs(plan.clients, settings, progress)
            files += printed
            files += _write_mailing(plan.clients, settings, notes)
            files += _write_worklist(plan.clients, settings, drafts)
            if plan.intake.bad:
                bad_csv = settings.out_dir / f"{settings.batch_id}-rows-to-fix.csv"
                write_bad_rows_csv(plan.intake.bad, bad_csv)
                files.append(bad_csv)
    except BaseException:
        for path in files:
            path.unlink(missing_ok=True)
        raise
    return WrittenBatch(files=files, pages=pages, notes=notes, drafts=drafts)


def batch_result(plan: BatchPlan, options: BatchOptions, written: WrittenBatch | None = None) -> BatchResult:
    """What the batch did (a dry run: would do), for the CLI to show."""
    clients = plan.clients
    unsent = [u for c in clients for u in c.unsent if not u.repeats]
    ids = plan.request_ids()
    intake = plan.intake
    return BatchResult(
        batch_id=plan.batch_id,
        clients=len(clients),
        letters=len(ids),
        bad_rows=intake.bad,
        duplicates=intake.duplicates,
        unmapped_columns=intake.unmapped_columns,
        files=written.files if written else [],
        pages=written.pages if written else 0,
        dry_run=options.dry_run,
        first_request=min(ids) if ids else None,
        last_request=max(ids) if ids else None,
        by_channel=dict(Counter(p.job.channel for c in clients for p in c.letters)),
        no_route=len(unsent),
        no_route_brokers=sorted({u.broker_id for u in unsent}),
        disclosure=disclosure_groups(clients),
        read=[row_read(c) for c in intake.clients] if options.dry_run else [],
        notes=written.notes if written else [],
        repeats=plan.repeats,
        repeats_checked=plan.repeats_checked,
        date_order=intake.date_order.describe(),
    )


def _without_repeated_clients(plans: list[ClientPlan]) -> tuple[list[ClientPlan], list[Repeat]]:
    """The plans with something new to print, and every pair skipped as a repeat. A client whose
    every letter repeats an open request gets no new cover sheet."""
    kept = []
    repeats = []
    for plan in plans:
        repeats += [
            Repeat(plan.client.row, plan.client.client_id, u.broker_id, u.kind, u.repeats, u.repeats_state)
            for u in plan.unsent
            if u.repeats is not None
        ]
        if plan.letters or any(u.repeats is None for u in plan.unsent):
            kept.append(plan)
    return kept, repeats


def plan_clients(
    clients: Sequence[Client],
    brokers: Sequence[Broker],
    letters: Sequence[LetterKind],
    *,
    laws: Sequence[Law],
    today: dt.date,
    first_id: int,
    agent: AgentProfile | None,
    clinic: AgentProfile | None = None,
    disclose: Sequence[str] = (),
    open_now: Mapping[Key, OpenRequest] | None = None,
    families: Mapping[str, Sequence[Broker]] | None = None,
) -> list[ClientPlan]:
    """Every client's letters, with request ids from `first_id`; no route, no letter; a letter
    that repeats an open request of the client in `open_now` is not written either.

    `clinic`: the reply address of every letter that withholds the client's current address."""
    from broker_audit.law.choose import law_for_state
    from broker_audit.letters.compose import new_reference

    next_id = first_id
    plans = []
    for client in clients:
        law = law_for_state(laws, client.profile.state, on=today)
        planned: list[PlannedLetter] = []
        unsent: list[NoRoute] = []
        for broker in brokers:
            for letter in letters:
                found = (open_now or {}).get((client.client_id, broker.id, letter.id))
                if found is not None:
                    unsent.append(repeat_entry(found, again=_("bulk letters ... --again")))
                    continue
                job = plan_letter(
                    broker,
                    letter,
                    profile=client.profile,
                    state_law=law,
                    laws=laws,
                    today=today,
                    agent=agent,
                    reference=new_reference(),
                    disclose=disclose,
                    clinic=clinic,
                    family=(families or {}).get(broker.id, ()),
                )
                if job.route is None:
                    unsent.append(no_route_entry(job, client.profile.state, laws))
                    continue
                unfit = address_unfit(job)
                if unfit is not None:
                    unsent.append(unfit)
                    continue
                planned.append(PlannedLetter(request_id=next_id, job=job))
                next_id += 1
        plans.append(ClientPlan(client=client, law=law, letters=planned, unsent=unsent))
    return plans


def client_documents(
    plan: ClientPlan,
    agent: AgentProfile,
    *,
    today: dt.date,
    laws: Sequence[Law],
    templates_dir: Path | None,
    kinds: Mapping[str, LetterKind] | None = None,
) -> list[Document]:
    """The cover sheet, then each letter that goes by mail, for one client.

    Each letter's kind is its own (`job.letter`); a letter not written is named by its kind
    in `kinds` (the batch's kinds by id), so a worker process needs no table of its own.

    As the client's agent, a letter the law lets an agent make is followed by the authorization
    page for the client to sign (and, for a client who reads Spanish, its reading copy); any other
    letter stays the client's own, signed by the client, with the clinic as the return address.
    """
    from broker_audit.law.choose import platform_for
    from broker_audit.letters.compose import sender_lines
    from broker_audit.letters.cover import CoverLetter, cover_context, template_kind
    from broker_audit.letters.disclosure import summary
    from broker_audit.letters.exempt import cannot_reach
    from broker_audit.letters.reading_copy import READING_LANGUAGES
    from broker_audit.letters.render import render_letter

    profile = plan.client.profile
    language = plan.client.language
    listed = [
        CoverLetter(
            broker_name=p.job.recipient_name,
            kind=p.job.kind,
            letter=p.job.letter,
            reference=p.job.reference,
            channel=p.job.channel,
            address=p.job.route.address() if p.job.route and p.job.channel != "mail" else "",
            tells=summary(p.job.disclosure, profile, language),
            cannot_reach=(
                cannot_reach(p.job.broker, p.job.kind, language, for_client=True) if p.job.broker else ""
            ),
            claim=p.job.claim,
        )
        for p in plan.letters
    ] + [
        CoverLetter(
            broker_name=u.broker_name,
            kind=u.kind,
            letter=(kinds or {}).get(u.kind),
            not_written="repeat" if u.repeats is not None else "address" if u.unfit else "no-route",
            repeats=u.repeats,
        )
        for u in plan.unsent
    ]
    platform = platform_for(laws, profile.state)
    cover = render_letter(
        template_kind(language),
        cover_context(
            client_name=profile.name,
            language=language,
            clinic=agent,
            letters=listed,
            law=plan.law,
            today=today,
            platform=platform,
        ),
        sender=(agent.organization, *agent.address),
        recipient=tuple(sender_lines(profile)),
        date=today,
        reference=f"{plan.client.client_id}",
        templates_dir=templates_dir,
        language=language,
    )

    def to_sign(job: LetterJob) -> list[Document]:
        """The authorization the client signs, and its reading copy in the client's language
        (the client signs the English page, and should read what it says first)."""
        signed = render_job(
            job, today=today, email_from=None, templates_dir=templates_dir, template="authorization"
        )
        if language not in READING_LANGUAGES:
            return [signed]
        copy = reading_copy_document(
            job, today=today, templates_dir=templates_dir, language=language, template="authorization"
        )
        return [signed, copy]

    docs = [cover]
    for planned in plan.online():  # the authorization an e-mail will carry: for the client to sign
        job = planned.job
        if job.channel == "email" and job.context.agent is not None and job.context.agent.standing:
            docs += to_sign(job)
    for planned in plan.by_mail():
        job = planned.job
        docs.append(render_job(job, today=today, templates_dir=templates_dir))
        if job.context.agent is not None and job.context.agent.standing:
            docs += to_sign(job)
    return docs


def _signed_by_client(letter: PlannedLetter) -> int:
    """1 if the letter comes with an authorization page for the client to sign (see below)."""
    agent = letter.job.context.agent
    return 1 if agent is not None and agent.standing else 0


@dataclass(frozen=True)
class ClientRenderer:
    """Fills in one client's cover sheet and mailed letters, in a worker process (sent to each
    worker once, with what every client shares); the client's plan comes with its chunk."""

    agent: AgentProfile
    today: dt.date
    laws: tuple[Law, ...]
    templates_dir: Path | None
    kinds: Mapping[str, LetterKind] = field(default_factory=dict)  # the batch's kinds by id

    def __call__(self, plan: ClientPlan) -> list[Document]:
        return client_documents(
            plan,
            self.agent,
            today=self.today,
            laws=self.laws,
            templates_dir=self.templates_dir,
            kinds=self.kinds,
        )


@dataclass(frozen=True)
class SheetRenderer:
    """Makes one online letter's work-list pages (the submission sheet for a web form or a call,
    the letter itself for an email), in a worker process. An e-mail letter comes filled in
    already (the parent filled it in for its `.eml`: each letter is filled in once); any other
    is filled in here."""

    today: dt.date
    templates_dir: Path | None

    def __call__(self, item: tuple[LetterJob, Document | None]) -> list[Document]:
        job, letter = item
        if letter is None:
            letter = render_job(job, today=self.today, templates_dir=self.templates_dir)
        return [route_document(job, letter)]


def _write_pdfs(
    plans: list[ClientPlan], settings: WriteSettings, progress: Progress | None
) -> tuple[list[Path], int]:
    """The print PDF (or one per client, split): every client's cover sheet and mailed letters,
    the templates filled in by the worker processes that draw them (the parent plans and joins).
    The files written and their pages."""
    from broker_audit.letters.batch_pdf import DEFAULT_CHUNK_SIZE, write_batch_pdf, write_pdf_per_group

    total = sum(1 + len(p.by_mail()) for p in plans)  # progress counts clients' covers and mailed letters
    renderer = ClientRenderer(
        agent=settings.clinic,
        today=settings.today,
        laws=settings.laws,
        templates_dir=settings.templates_dir,
        kinds=settings.kinds,
    )

    def tick(n: int) -> None:
        if progress is not None:
            progress(min(n, total), total)

    if settings.split:
        folder = settings.out_dir / settings.batch_id
        groups = ((p.client.client_id, p) for p in plans)
        written = write_pdf_per_group(
            groups, folder, render=renderer, workers=settings.workers, progress=tick
        )
        return list(written.paths), written.pages
    documents = sum(
        1 + sum(1 + _signed_by_client(m) for m in p.by_mail()) + sum(_signed_by_client(m) for m in p.online())
        for p in plans
    )
    per_client = max(1, round(documents / max(1, len(plans))))
    path = settings.out_dir / f"{settings.batch_id}.pdf"
    result = write_batch_pdf(
        plans,
        path,
        render=renderer,
        workers=settings.workers,
        chunk_size=max(1, round(DEFAULT_CHUNK_SIZE / per_client)),
        start_on_odd=True,
        progress=tick,
        title=f"broker-audit batch {settings.batch_id}",
    )
    return [path], result.pages


def _write_mailing(plans: list[ClientPlan], settings: WriteSettings, notes: list[str]) -> list[Path]:
    """Labels and the certified-mail firm book for the letters that go by post. The book names,
    for each letter, the return address its envelope carries. An address that a label cannot
    hold whole (even abbreviated, at 8 pt) gets no label: it is said in `notes`."""
    from broker_audit.letters.address_fit import LABEL, address_problems
    from broker_audit.letters.mailing import MailPiece, write_firm_mailing_list, write_labels_pdf

    pieces = [
        MailPiece(
            reference=p.job.reference,
            request_id=str(p.request_id),
            recipient=list(p.job.recipient),
            sender_name=plan.client.profile.name,
            kind=p.job.kind,
            sender=p.job.sender,  # the return address its letter carries: the book names the same
        )
        for plan in plans
        for p in plan.by_mail()
    ]
    if not pieces:
        return []
    labelled = []
    for piece in pieces:
        problems = address_problems(piece.recipient, (LABEL,))
        if problems:
            notes.append(
                _(
                    "no address label for request #{request_id} ({recipient}): {problems}; its "
                    "window envelope needs none"
                ).format(request_id=piece.request_id, recipient=piece.recipient[0], problems=problems[0])
            )
        else:
            labelled.append(piece.recipient)
    files = []
    if labelled:
        labels = settings.out_dir / f"{settings.batch_id}-labels.pdf"
        write_labels_pdf(labelled, labels)
        files.append(labels)
    book_pdf = settings.out_dir / f"{settings.batch_id}-certified-mail.pdf"
    book_csv = settings.out_dir / f"{settings.batch_id}-certified-mail.csv"
    write_firm_mailing_list(pieces, book_pdf, book_csv)
    return [*files, book_pdf, book_csv]


WORKLIST_COLUMNS = (
    "request_id",
    "client_id",
    "client_name",
    "broker",
    "kind",
    "channel",
    "send_to",
    "reference",
    "file",
)


def _write_worklist(
    plans: list[ClientPlan], settings: WriteSettings, drafts: dict[int, EmailDraft]
) -> list[Path]:
    """The volunteer's work list for letters that go by email, web form or phone: a CSV, one PDF
    with a page set per letter (the submission sheet, or the email to send), and the `.eml`s
    (each one's draft recorded in `drafts`). Each e-mail letter is filled in once, here, as its
    `.eml` is written, and handed on to the worker processes that draw the PDF; the other
    letters are filled in by the workers."""
    from broker_audit.intake.csvsafe import write_safe_csv
    from broker_audit.letters.batch_pdf import write_batch_pdf

    online = [(plan, p) for plan in plans for p in plan.online()]
    if not online:
        return []
    emails: list[Path] = []
    rows: list[list[str]] = []

    def pages_to_draw() -> Iterator[tuple[LetterJob, Document | None]]:
        """Each online letter for the PDF, an e-mail filled in (and its `.eml` written) on the way."""
        for plan, planned in online:
            job, letter, file = planned.job, None, ""
            if job.channel == "email":
                letter = render_job(
                    job,
                    today=settings.today,
                    email_from=settings.mailbox,
                    templates_dir=settings.templates_dir,
                )
                eml = _write_eml(plan, planned, letter, settings, drafts)
                emails.append(eml)
                file = str(eml.relative_to(settings.out_dir))
            rows.append(_worklist_row(plan, planned, file))
            yield job, letter

    written: list[Path] = []
    csv_path = settings.out_dir / f"{settings.batch_id}-worklist.csv"
    pdf_path = settings.out_dir / f"{settings.batch_id}-worklist.pdf"
    try:
        write_batch_pdf(
            pages_to_draw(),
            pdf_path,
            render=SheetRenderer(today=settings.today, templates_dir=settings.templates_dir),
            workers=settings.workers,
            count=len(online),
            start_on_odd=False,
            title=f"broker-audit batch {settings.batch_id}: work list",
        )
        written.append(pdf_path)
        write_safe_csv(csv_path, WORKLIST_COLUMNS, rows)
    except BaseException:
        for path in [*emails, *written]:
            path.unlink(missing_ok=True)
        raise
    return [*emails, csv_path, pdf_path]


def _write_eml(
    plan: ClientPlan,
    planned: PlannedLetter,
    letter: Document,
    settings: WriteSettings,
    drafts: dict[int, EmailDraft],
) -> Path:
    """One e-mail letter's `.eml`, sent from the clinic's mailbox saying that the clinic sends it
    for the client (`sent_for_client`, with the authorization for the client to sign where the
    clinic writes as the client's agent); its draft goes into `drafts`."""
    from broker_audit.files import ensure_folder
    from broker_audit.letters.formats import write_letter

    job = planned.job
    sent = sent_for_client(
        letter,
        job,
        clinic=settings.clinic,
        mailbox=settings.mailbox,
        today=settings.today,
        templates_dir=settings.templates_dir,
    )
    email_dir = settings.out_dir / f"{settings.batch_id}-email"
    ensure_folder(email_dir, what=_("folder for the batch's e-mails"))
    stem = email_dir / f"{plan.client.client_id}-{job.recipient_id}-{job.kind}-{planned.request_id}"
    (eml,) = write_letter(sent, stem, ("eml",))
    draft = email_draft_of([eml])
    if draft is not None:
        drafts[planned.request_id] = draft
    return eml


def _worklist_row(plan: ClientPlan, planned: PlannedLetter, file: str) -> list[str]:
    job = planned.job
    return [
        str(planned.request_id),
        plan.client.client_id,
        plan.client.profile.name,
        job.recipient_name,
        job.kind,
        job.channel,
        job.route.address() if job.route else "",
        job.reference,
        file,
    ]


def log_batch(
    journal: Journal,
    plan: BatchPlan,
    written: WrittenBatch,
    chosen: Chosen,
    *,
    agent: AgentProfile,
    store_agent: bool,
    today: dt.date,
) -> None:
    """Every letter of the batch in one transaction: the clinic (when given now), each client
    whose details are new or changed, each request (with its `.eml`'s draft), and the batch."""
    created = now()
    records: list[Record] = [agent_set(agent, created)] if store_agent else []
    for client_plan in plan.clients:
        client = client_plan.client
        known = journal.clients.get(client.client_id)
        if known is None or known.profile != client.profile or known.language != client.language:
            records.append(
                ClientSet(
                    client_id=client.client_id,
                    profile=client.profile,
                    language=client.language,
                    recorded=created,
                )
            )
        for planned in client_plan.letters:
            records.append(
                request_record(
                    planned.job,
                    request_id=planned.request_id,
                    today=today,
                    created=created,
                    client_id=client.client_id,
                    batch_id=plan.batch_id,
                    email_draft=written.drafts.get(planned.request_id),
                )
            )
    ids = plan.request_ids()
    if ids:
        records.append(
            BatchMade(
                batch_id=plan.batch_id,
                created=created,
                dated=today,
                first_request=min(ids),
                last_request=max(ids),
                clients=len(plan.clients),
                brokers=[b.id for b in chosen.brokers],
                kinds=[k.id for k in chosen.letters],
                files=[str(f.resolve()) for f in written.files],
            )
        )
    journal.append(records)
