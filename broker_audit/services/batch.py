"""Clinic mode: a spreadsheet of clients in, one print-ready batch out, every letter logged."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broker_audit.errors import UserError
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.duplicates import Key, OpenRequest, open_requests
from broker_audit.services.letters import (
    LetterJob,
    NoRoute,
    address_unfit,
    clinic_mailbox,
    email_draft_of,
    no_route_entry,
    plan_letter,
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

if TYPE_CHECKING:
    from broker_audit.intake import Client
    from broker_audit.law.schema import Law
    from broker_audit.letters.document import Document
    from broker_audit.profile import AgentProfile
    from broker_audit.registry.load import Registry
    from broker_audit.registry.schema import Broker
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
    bad_rows: list[Any]
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
    replies = {
        "home": N_("the client's home"),
        "reply-address": N_("the client's reply address"),
        "email": N_("the client's e-mail only"),
        "clinic": N_("the clinic"),
    }
    fields: dict[tuple[bool, str], set[str]] = {}
    brokers: dict[tuple[bool, str], dict[str, None]] = {}
    for plan in plans:
        for planned in plan.letters:
            d = planned.job.disclosure
            reply = (
                d.reply_lines[0].removeprefix("c/o ") if d.reply == "clinic" and d.reply_lines else ""
            ) or _(replies[d.reply])
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
        out[_("{what}; answers go to {reply}").format(what=what, reply=reply)] = list(
            brokers[(minimal, reply)]
        )
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
        raise UserError("name the brokers", "use --brokers ID,ID or --preset ice-linked")
    return chosen


def clinic_of(journal: Journal, clinic: AgentProfile | None) -> AgentProfile:
    if clinic is not None:
        return clinic
    if journal.agent is None:
        raise UserError(
            "the vault has no clinic profile for the cover sheets' return address",
            "pass --clinic clinic.toml once "
            "(keys: organization, contact_name, address, email, phone, reply_to)",
        )
    return journal.agent


def run_batch(
    access: VaultAccess,
    clients_csv: Path,
    *,
    brokers: Sequence[str] = (),
    preset: str | None = None,
    kinds: Sequence[str],
    out_dir: Path,
    today: dt.date,
    registry: Registry,
    laws: Sequence[Law],
    column_map: Mapping[str, str] | None = None,
    language: str = "en",
    clinic: AgentProfile | None = None,
    split: bool = False,
    as_agent: bool = False,
    dry_run: bool = False,
    templates_dir: Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    disclose: Sequence[str] = (),
    date_order: str | None = None,
    again: bool = False,
) -> BatchResult:
    """Read the spreadsheet, write every client's cover sheet and letters, log them all.

    Each letter goes by the route that fits the client's state. The print PDF holds every
    client's cover sheet and the letters that go by mail (with labels and the certified-mail
    book); letters that go by email, web form or phone go into a work list for the volunteer
    (a CSV, a printable sheet per letter, and `.eml` files). A broker with no known route gets no
    letter: the cover sheet says so. Bad rows never stop the batch: they are reported and written
    to a CSV to fix. Nothing is logged until every file is written; if logging fails the files are
    removed again, so the vault and the folder always agree. `workers` (processes drawing the PDF)
    defaults to the usable cores.

    What each letter tells its broker is decided per letter (letters/disclosure.py): a letter to
    a broker that sells to government, police or immigration enforcement gives the client's name,
    past addresses and e-mail, with the clinic's address as the return address and the address
    for answers, never the client's home or phone unless `disclose` names them.
    A client x broker x kind that already has an open request in the vault is not written again
    unless `again`: it is listed (`repeats`) and the client's cover sheet says so (a dry run checks
    this when the vault exists).
    """
    from broker_audit.intake import read_clients, write_bad_rows_csv
    from broker_audit.letters.compose import check_kind
    from broker_audit.letters.cover import LANGUAGES
    from broker_audit.letters.disclosure import parse_disclose

    if language not in LANGUAGES:
        raise UserError(f"no cover sheet in {language!r}", "languages: " + ", ".join(LANGUAGES))
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UserError(
            f"--workers must be between 1 and {MAX_WORKERS}, not {workers}",
            "the number of processes drawing PDFs; leave it out for one per usable core",
        )
    if workers is None:
        from broker_audit.letters.batch_pdf import usable_cores

        workers = min(usable_cores(), MAX_WORKERS)
    letters = list({k.id: k for k in (check_kind(k) for k in kinds)}.values())
    asked = parse_disclose(disclose)
    chosen = batch_brokers(registry, brokers, preset)
    refuse_fcra_to_non_agencies(chosen, letters)
    intake = read_clients(
        clients_csv, column_map=column_map, default_language=language, date_order=date_order
    )
    batch_id = new_batch_id(today)

    repeats: list[Repeat] = []

    def summary(plans: list[ClientPlan], checked: bool = True) -> BatchResult:
        unsent = [u for plan in plans for u in plan.unsent if not u.repeats]
        ids = [p.request_id for plan in plans for p in plan.letters]
        return BatchResult(
            batch_id=batch_id,
            clients=len(plans),
            letters=len(ids),
            bad_rows=intake.bad,
            duplicates=intake.duplicates,
            unmapped_columns=intake.unmapped_columns,
            dry_run=dry_run,
            first_request=min(ids) if ids else None,
            last_request=max(ids) if ids else None,
            by_channel=dict(Counter(p.job.channel for plan in plans for p in plan.letters)),
            no_route=len(unsent),
            no_route_brokers=sorted({u.broker_id for u in unsent}),
            disclosure=disclosure_groups(plans),
            read=[row_read(c) for c in intake.clients] if dry_run else [],
            date_order=intake.date_order.describe(),
            repeats=repeats,
            repeats_checked=checked,
        )

    if dry_run:  # plans the letters (routes, laws); reads the vault, if there is one, for repeats
        from broker_audit.profile import AgentProfile

        # Nothing is written: a clinic not given here stands in by name for the reply address.
        stand_in = clinic or AgentProfile(organization="the clinic", address=["(the clinic's address)"])
        open_now = None
        first_id = 1
        if access.path.exists():
            with open_journal(access) as journal:
                open_now = {} if again else open_requests(journal)
                first_id = journal.next_request_id()
        plans = plan_clients(
            intake.clients,
            chosen,
            letters,
            laws=laws,
            today=today,
            first_id=first_id,
            agent=clinic if as_agent else None,
            clinic=stand_in,
            disclose=asked,
            open_now=open_now,
        )
        plans = _without_repeated_clients(plans, repeats)
        return summary(plans, checked=open_now is not None)
    with open_journal(access) as journal, journal.write():  # ids are read under the writer lock
        agent = clinic_of(journal, clinic)
        plans = plan_clients(
            intake.clients,
            chosen,
            letters,
            laws=laws,
            today=today,
            first_id=journal.next_request_id(),
            agent=agent if as_agent else None,
            clinic=agent,
            disclose=asked,
            open_now={} if again else open_requests(journal),
        )
        plans = _without_repeated_clients(plans, repeats)
        mailbox = clinic_mailbox(journal, agent)
        if mailbox is None and any(p.job.channel == "email" for plan in plans for p in plan.letters):
            raise UserError(
                "the clinic has no mailbox for the From: of its clients' e-mails",
                "add `email` to clinic.toml (--clinic) or set up the mailbox with `broker-audit mail setup`",
            )
        from broker_audit.files import deferred_folder_sync, ensure_folder

        ensure_folder(out_dir, what="batch folder")
        files: list[Path] = []
        notes: list[str] = []
        drafts: dict[int, EmailDraft] = {}  # request id -> its `.eml` as written
        try:
            with deferred_folder_sync():  # each folder fsynced once, before the batch is logged
                pages = _write_pdfs(
                    plans,
                    agent,
                    out_dir,
                    batch_id,
                    today=today,
                    laws=laws,
                    templates_dir=templates_dir,
                    split=split,
                    files=files,
                    progress=progress,
                    workers=workers,
                )
                files += _write_mailing(plans, out_dir, batch_id, notes)
                files += _write_worklist(
                    plans,
                    out_dir,
                    batch_id,
                    today=today,
                    templates_dir=templates_dir,
                    workers=workers,
                    clinic=agent,
                    mailbox=mailbox,
                    drafts=drafts,
                )
                if intake.bad:
                    bad_csv = out_dir / f"{batch_id}-rows-to-fix.csv"
                    write_bad_rows_csv(intake.bad, bad_csv)
                    files.append(bad_csv)
            _log_batch(
                journal, plans, agent, clinic is not None, batch_id, today, chosen, letters, files, drafts
            )
        except BaseException:
            for path in files:
                path.unlink(missing_ok=True)
            raise
    return replace(summary(plans), files=files, pages=pages, notes=notes)


def _without_repeated_clients(plans: list[ClientPlan], repeats: list[Repeat]) -> list[ClientPlan]:
    """The plans with something new to print; every pair skipped as a repeat goes to `repeats`.
    A client whose every letter repeats an open request gets no new cover sheet."""
    kept = []
    for plan in plans:
        repeats += [
            Repeat(plan.client.row, plan.client.client_id, u.broker_id, u.kind, u.repeats, u.repeats_state)
            for u in plan.unsent
            if u.repeats is not None
        ]
        if plan.letters or any(u.repeats is None for u in plan.unsent):
            kept.append(plan)
    return kept


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
                    unsent.append(repeat_entry(found, again="bulk letters ... --again"))
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
) -> list[Document]:
    """The cover sheet, then each letter that goes by mail, for one client.

    As the client's agent, a letter the law lets an agent make is followed by the authorization
    page for the client to sign; any other letter stays the client's own, signed by the client,
    with the clinic as the return address.
    """
    from broker_audit.law.choose import platform_for
    from broker_audit.letters.compose import sender_lines
    from broker_audit.letters.cover import CoverLetter, cover_context, template_kind
    from broker_audit.letters.disclosure import summary
    from broker_audit.letters.exempt import cannot_reach
    from broker_audit.letters.render import render_letter

    profile = plan.client.profile
    language = plan.client.language
    listed = [
        CoverLetter(
            broker_name=p.job.recipient_name,
            kind=p.job.kind,
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
    docs = [cover]
    for planned in plan.online():  # the authorization an e-mail will carry: for the client to sign
        job = planned.job
        if job.channel == "email" and job.context.agent is not None and job.context.agent.standing:
            docs.append(
                render_job(
                    job, today=today, email_from=None, templates_dir=templates_dir, template="authorization"
                )
            )
    for planned in plan.by_mail():
        job = planned.job
        docs.append(render_job(job, today=today, templates_dir=templates_dir))
        if job.context.agent is not None and job.context.agent.standing:
            docs.append(render_job(job, today=today, templates_dir=templates_dir, template="authorization"))
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
    kinds: tuple[LetterKind, ...] = ()  # the letter kinds the parent knew (one added at run time too)

    def __call__(self, plan: ClientPlan) -> list[Document]:
        _know_kinds(self.kinds)
        return client_documents(
            plan, self.agent, today=self.today, laws=self.laws, templates_dir=self.templates_dir
        )


@dataclass(frozen=True)
class SheetRenderer:
    """Fills in one letter that goes online and makes its work-list pages (the submission sheet
    for a web form or a call, the letter itself for an email), in a worker process."""

    today: dt.date
    templates_dir: Path | None
    kinds: tuple[LetterKind, ...] = ()

    def __call__(self, item: tuple[LetterJob, Any]) -> list[Document]:
        _know_kinds(self.kinds)
        job, _profile = item
        letter = render_job(job, today=self.today, templates_dir=self.templates_dir)
        return [route_document(job, letter)]


def _known_kinds() -> tuple[LetterKind, ...]:
    from broker_audit.vocabulary import KINDS

    return tuple(KINDS.values())


def _know_kinds(kinds: tuple[LetterKind, ...]) -> None:
    """In a worker: the letter kinds the parent knew (a spawned worker starts from the shipped
    table; one added at run time must come along)."""
    from broker_audit.vocabulary import KINDS

    for known in kinds:
        KINDS.setdefault(known.id, known)


def _write_pdfs(
    plans: list[ClientPlan],
    agent: AgentProfile,
    out_dir: Path,
    batch_id: str,
    *,
    today: dt.date,
    laws: Sequence[Law],
    templates_dir: Path | None,
    split: bool,
    files: list[Path],
    progress: Progress | None,
    workers: int | None,
) -> int:
    """The print PDF: every client's cover sheet and mailed letters, the templates filled in by
    the worker processes that draw them (the parent plans and joins)."""
    from broker_audit.letters.batch_pdf import DEFAULT_CHUNK_SIZE, write_batch_pdf, write_pdf_per_group

    total = sum(1 + len(p.by_mail()) for p in plans)  # progress counts clients' covers and mailed letters
    renderer = ClientRenderer(
        agent=agent, today=today, laws=tuple(laws), templates_dir=templates_dir, kinds=_known_kinds()
    )

    def tick(n: int) -> None:
        if progress is not None:
            progress(min(n, total), total)

    if split:
        folder = out_dir / batch_id
        groups = ((p.client.client_id, p) for p in plans)
        written = write_pdf_per_group(groups, folder, render=renderer, workers=workers, progress=tick)
        files.extend(written.paths)
        return written.pages
    documents = sum(
        1 + sum(1 + _signed_by_client(m) for m in p.by_mail()) + sum(_signed_by_client(m) for m in p.online())
        for p in plans
    )
    per_client = max(1, round(documents / max(1, len(plans))))
    path = out_dir / f"{batch_id}.pdf"
    result = write_batch_pdf(
        plans,
        path,
        render=renderer,
        workers=workers,
        chunk_size=max(1, round(DEFAULT_CHUNK_SIZE / per_client)),
        start_on_odd=True,
        progress=tick,
        title=f"broker-audit batch {batch_id}",
    )
    files.append(path)
    return result.pages


def _write_mailing(plans: list[ClientPlan], out_dir: Path, batch_id: str, notes: list[str]) -> list[Path]:
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
                f"no address label for request #{piece.request_id} ({piece.recipient[0]}): "
                f"{problems[0]}; its window envelope needs none"
            )
        else:
            labelled.append(piece.recipient)
    files = []
    if labelled:
        labels = out_dir / f"{batch_id}-labels.pdf"
        write_labels_pdf(labelled, labels)
        files.append(labels)
    book_pdf = out_dir / f"{batch_id}-certified-mail.pdf"
    book_csv = out_dir / f"{batch_id}-certified-mail.csv"
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
    plans: list[ClientPlan],
    out_dir: Path,
    batch_id: str,
    *,
    today: dt.date,
    templates_dir: Path | None,
    workers: int | None = None,
    clinic: AgentProfile | None = None,
    mailbox: str | None = None,
    drafts: dict[int, EmailDraft] | None = None,
) -> list[Path]:
    """The volunteer's work list for letters that go by email, web form or phone: a CSV, one PDF
    with a page set per letter (the submission sheet, or the email to send), and the `.eml`s.
    The PDF is drawn, and its letters filled in, by the worker processes, like the print PDF.
    The e-mails go from the clinic's `mailbox`, saying that the clinic sends them for the client
    (`sent_for_client`)."""
    from broker_audit.files import ensure_folder
    from broker_audit.intake.csvsafe import write_safe_csv
    from broker_audit.letters.batch_pdf import write_batch_pdf
    from broker_audit.letters.formats import write_letter
    from broker_audit.letters.pdf import pdf_bytes

    online = [(plan, p) for plan in plans for p in plan.online()]
    if not online:
        return []
    written: list[Path] = []
    rows: list[list[str]] = []
    email_dir = out_dir / f"{batch_id}-email"
    try:
        for plan, planned in online:
            job, profile = planned.job, plan.client.profile
            file = ""
            if job.channel == "email":
                letter = render_job(job, today=today, email_from=mailbox, templates_dir=templates_dir)
                if clinic is not None:
                    standing = job.context.agent is not None and job.context.agent.standing
                    authorization = (
                        pdf_bytes(
                            render_job(
                                job,
                                today=today,
                                email_from=None,
                                templates_dir=templates_dir,
                                template="authorization",
                            )
                        )
                        if standing
                        else None
                    )
                    letter = sent_for_client(
                        letter,
                        job,
                        client=profile.name,
                        clinic=clinic,
                        mailbox=mailbox,
                        authorization=authorization,
                    )
                ensure_folder(email_dir, what="folder for the batch's e-mails")
                stem = (
                    email_dir / f"{plan.client.client_id}-{job.recipient_id}-{job.kind}-{planned.request_id}"
                )
                (eml,) = write_letter(letter, stem, ("eml",))
                written.append(eml)
                file = str(eml.relative_to(out_dir))
                if drafts is not None:
                    draft = email_draft_of([eml])
                    if draft is not None:
                        drafts[planned.request_id] = draft
            rows.append(
                [
                    str(planned.request_id),
                    plan.client.client_id,
                    profile.name,
                    job.recipient_name,
                    job.kind,
                    job.channel,
                    job.route.address() if job.route else "",
                    job.reference,
                    file,
                ]
            )
        csv_path = out_dir / f"{batch_id}-worklist.csv"
        write_safe_csv(csv_path, WORKLIST_COLUMNS, rows)
        written.append(csv_path)
        pdf_path = out_dir / f"{batch_id}-worklist.pdf"
        write_batch_pdf(
            [(p.job, plan.client.profile) for plan, p in online],
            pdf_path,
            render=SheetRenderer(today=today, templates_dir=templates_dir, kinds=_known_kinds()),
            workers=workers,
            start_on_odd=False,
            title=f"broker-audit batch {batch_id}: work list",
        )
        written.append(pdf_path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _log_batch(
    journal: Journal,
    plans: list[ClientPlan],
    agent: AgentProfile,
    store_agent: bool,
    batch_id: str,
    today: dt.date,
    brokers: list[Broker],
    letters: list[LetterKind],
    files: list[Path],
    drafts: dict[int, EmailDraft] | None = None,
) -> None:
    created = now()
    records: list[Record] = [agent_set(agent, created)] if store_agent else []
    for plan in plans:
        client = plan.client
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
        for planned in plan.letters:
            records.append(
                request_record(
                    planned.job,
                    request_id=planned.request_id,
                    today=today,
                    created=created,
                    client_id=client.client_id,
                    batch_id=batch_id,
                    email_draft=(drafts or {}).get(planned.request_id),
                )
            )
    ids = [p.request_id for plan in plans for p in plan.letters]
    if ids:
        records.append(
            BatchMade(
                batch_id=batch_id,
                created=created,
                dated=today,
                first_request=min(ids),
                last_request=max(ids),
                clients=len(plans),
                brokers=[b.id for b in brokers],
                kinds=[k.id for k in letters],
                files=[str(f.resolve()) for f in files],
            )
        )
    journal.append(records)
