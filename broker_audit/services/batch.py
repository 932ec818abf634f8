"""Clinic mode: a spreadsheet of clients in, one print-ready batch out, every letter logged."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker_audit.errors import UserError
from broker_audit.law.schema import Law
from broker_audit.registry.load import Registry
from broker_audit.registry.schema import Broker
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.letters import plan_letter, render_job, request_record
from broker_audit.tracking.journal import AgentProfile, AgentSet, BatchMade, ClientSet, Journal, now

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchResult:
    batch_id: str
    clients: int
    letters: int
    bad_rows: list[Any]
    duplicates: list[tuple[int, int]]
    unmapped_columns: list[str]
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    dry_run: bool = False
    first_request: int | None = None
    last_request: int | None = None


@dataclass(frozen=True)
class _Planned:
    """One client's letters, planned before anything is rendered."""

    client: Any  # broker_audit.intake.Client
    law: Law
    letters: list[tuple[int, Broker, str, str]]  # request id, broker, kind, reference


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
            "pass --clinic clinic.toml once (keys: organization, contact_name, address, email, phone)",
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
    workers: int = 2,
) -> BatchResult:
    """Read the spreadsheet, write every client's cover sheet and letters, log them all.

    Bad rows never stop the batch: they are reported and written to a CSV to fix. Nothing is
    logged until every file is written; if logging fails the files are removed again, so the
    vault and the folder always agree.
    """
    from broker_audit.intake import read_clients, write_bad_rows_csv
    from broker_audit.law.choose import law_for_state
    from broker_audit.letters.compose import check_kind
    from broker_audit.letters.cover import LANGUAGES

    if language not in LANGUAGES:
        raise UserError(f"no cover sheet in {language!r}", "languages: " + ", ".join(LANGUAGES))
    kinds = list(dict.fromkeys(check_kind(k) for k in kinds))
    chosen = batch_brokers(registry, brokers, preset)
    intake = read_clients(clients_csv, column_map=column_map, default_language=language)
    batch_id = new_batch_id(today)
    if dry_run:
        return BatchResult(
            batch_id=batch_id,
            clients=len(intake.clients),
            letters=len(intake.clients) * len(chosen) * len(kinds),
            bad_rows=intake.bad,
            duplicates=intake.duplicates,
            unmapped_columns=intake.unmapped_columns,
            dry_run=True,
        )
    with open_journal(access) as journal:
        agent = clinic_of(journal, clinic)
        next_id = journal.next_request_id()
        plans = []
        for client in intake.clients:
            law = law_for_state(laws, client.profile.state, on=today)
            letters = []
            for broker in chosen:
                for kind in kinds:
                    letters.append((next_id, broker, kind, _reference()))
                    next_id += 1
            plans.append(_Planned(client=client, law=law, letters=letters))
        total = sum(len(p.letters) for p in plans)
        out_dir.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []
        try:
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
                total=total,
                workers=workers,
                as_agent=as_agent,
            )
            files += _write_mailing(plans, agent, out_dir, batch_id)
            if intake.bad:
                bad_csv = out_dir / f"{batch_id}-rows-to-fix.csv"
                write_bad_rows_csv(intake.bad, bad_csv)
                files.append(bad_csv)
            _log_batch(journal, plans, agent, clinic is not None, batch_id, today, chosen, kinds, files, laws)
        except BaseException:
            for path in files:
                path.unlink(missing_ok=True)
            raise
    return BatchResult(
        batch_id=batch_id,
        clients=len(plans),
        letters=total,
        bad_rows=intake.bad,
        duplicates=intake.duplicates,
        unmapped_columns=intake.unmapped_columns,
        files=files,
        pages=pages,
        first_request=plans[0].letters[0][0] if total else None,
        last_request=plans[-1].letters[-1][0] if total else None,
    )


def _reference() -> str:
    from broker_audit.letters.compose import new_reference

    return new_reference()


def _clinic_dict(agent: AgentProfile) -> dict[str, Any]:
    return {
        "organization": agent.organization,
        "contact_name": agent.contact_name,
        "address": list(agent.address),
        "email": agent.email,
        "phone": agent.phone,
    }


def client_documents(
    plan: _Planned,
    agent: AgentProfile,
    *,
    today: dt.date,
    laws: Sequence[Law],
    templates_dir: Path | None,
    as_agent: bool = False,
) -> list[Any]:
    """The cover sheet, then each letter, for one client.

    As the client's agent, a letter the law lets an agent make is followed by the
    authorization page for the client to sign; any other letter stays the client's own,
    signed by the client, with the clinic as the return address.
    """
    from broker_audit.letters.compose import sender_lines
    from broker_audit.letters.cover import CoverLetter, cover_context, template_kind
    from broker_audit.letters.render import render_letter

    profile = plan.client.profile
    language = plan.client.language
    sender = tuple(sender_lines(profile))
    cover = render_letter(
        template_kind(language),
        cover_context(
            client_name=profile.name,
            language=language,
            clinic=_clinic_dict(agent),
            letters=[CoverLetter(b, k, r) for _, b, k, r in plan.letters],
            law=plan.law,
            today=today,
        ),
        sender=(agent.organization, *agent.address),
        recipient=sender,
        date=today,
        reference=f"{plan.client.client_id}",
        templates_dir=templates_dir,
        language=language,
    )
    docs = [cover]
    for _, broker, kind, reference in plan.letters:
        job = plan_letter(
            broker,
            kind,
            profile=profile,
            state_law=plan.law,
            laws=laws,
            today=today,
            agent=agent if as_agent else None,
            reference=reference,
        )
        email_from = profile.email or None
        docs.append(render_job(job, today=today, email_from=email_from, templates_dir=templates_dir))
        if job.context["agent"] and job.context["agent"]["standing"]:
            docs.append(
                render_job(
                    job, today=today, email_from=email_from, templates_dir=templates_dir, kind="authorization"
                )
            )
    return docs


def _write_pdfs(
    plans: list[_Planned],
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
    total: int,
    workers: int,
    as_agent: bool,
) -> int:
    from broker_audit.letters.batch_pdf import write_batch_pdf, write_pdf_per_group

    done = 0

    def documents() -> Iterator[Any]:
        for plan in plans:
            yield from client_documents(
                plan, agent, today=today, laws=laws, templates_dir=templates_dir, as_agent=as_agent
            )

    def tick(n: int) -> None:
        nonlocal done
        done = n
        if progress is not None:
            progress(min(done, total + len(plans)), total + len(plans))

    if split:
        folder = out_dir / batch_id
        groups = (
            (
                p.client.client_id,
                client_documents(
                    p, agent, today=today, laws=laws, templates_dir=templates_dir, as_agent=as_agent
                ),
            )
            for p in plans
        )
        written = write_pdf_per_group(groups, folder, workers=workers, progress=tick)
        files.extend(written.paths)
        return written.pages
    path = out_dir / f"{batch_id}.pdf"
    result = write_batch_pdf(documents(), path, workers=workers, start_on_odd=True, progress=tick)
    files.append(path)
    return result.pages


def _write_mailing(plans: list[_Planned], agent: AgentProfile, out_dir: Path, batch_id: str) -> list[Path]:
    """Labels and the certified-mail firm book for the letters that go by post."""
    from broker_audit.letters.mailing import MailPiece, write_firm_mailing_list, write_labels_pdf

    pieces = []
    for plan in plans:
        sender = plan.client.profile
        for request_id, broker, kind, reference in plan.letters:
            if broker.contact.postal is None:
                continue
            pieces.append(
                MailPiece(
                    reference=reference,
                    request_id=str(request_id),
                    recipient=broker.contact.postal.lines(),
                    sender_name=sender.name,
                    kind=kind,
                )
            )
    if not pieces:
        return []
    labels = out_dir / f"{batch_id}-labels.pdf"
    book_pdf = out_dir / f"{batch_id}-certified-mail.pdf"
    book_csv = out_dir / f"{batch_id}-certified-mail.csv"
    write_labels_pdf([p.recipient for p in pieces], labels)
    write_firm_mailing_list(pieces, book_pdf, book_csv, sender_lines=(agent.organization, *agent.address))
    return [labels, book_pdf, book_csv]


def _log_batch(
    journal: Journal,
    plans: list[_Planned],
    agent: AgentProfile,
    store_agent: bool,
    batch_id: str,
    today: dt.date,
    brokers: list[Broker],
    kinds: list[str],
    files: list[Path],
    laws: Sequence[Law],
) -> None:
    from broker_audit.law.choose import law_for_letter

    created = now()
    records: list[Any] = [AgentSet(agent=agent, recorded=created)] if store_agent else []
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
        for request_id, broker, kind, reference in plan.letters:
            records.append(
                request_record(
                    request_id=request_id,
                    broker=broker,
                    kind=kind,
                    law=law_for_letter(plan.law, kind, laws),
                    reference=reference,
                    today=today,
                    created=created,
                    client_id=client.client_id,
                    batch_id=batch_id,
                )
            )
    if plans and plans[0].letters:
        records.append(
            BatchMade(
                batch_id=batch_id,
                created=created,
                dated=today,
                first_request=plans[0].letters[0][0],
                last_request=plans[-1].letters[-1][0],
                clients=len(plans),
                brokers=[b.id for b in brokers],
                kinds=kinds,
                files=[str(f.resolve()) for f in files],
            )
        )
    journal.append(records)
