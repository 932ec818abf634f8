"""Writing letters (requests and follow-ups) and logging each as a drafted request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker_audit.errors import UserError
from broker_audit.journal import Journal, now
from broker_audit.law.schema import Law
from broker_audit.profile import Profile
from broker_audit.registry.load import Registry
from broker_audit.registry.schema import Broker
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.tracking.model import RequestMade

FORMATS = ("pdf", "txt", "eml", "html")


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


@dataclass(frozen=True)
class LetterJob:
    """One letter to render, write and log."""

    broker: Broker
    kind: str
    law: Law
    context: dict[str, Any]
    recipient: tuple[str, ...]
    email_to: str | None
    reference: str
    warnings: list[str] = field(default_factory=list)
    linked_to: int | None = None


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UserError(f"unknown format {', '.join(bad) or '(none)'}", "formats are: " + ",".join(FORMATS))
    return list(dict.fromkeys(formats))


def broker_warnings(broker: Broker, law: Law, kind: str = "access") -> list[str]:
    """What the requester should know before sending this letter."""
    out = []
    if broker.contact.postal is None:
        out.append(f"{broker.id}: no confirmed postal address; send it by email or web form")
    v = broker.verification
    if v is not None and v.asks_ssn:
        out.append(f"{broker.id}: asks for a Social Security number; do not volunteer one")
    if v is not None and v.asks_id_copy:
        out.append(f"{broker.id}: asks for a copy of an ID; send one only if you must")
    if law.kind == "none":
        out.append(
            f"{broker.id}: your state has no privacy law in our data; the letter asks politely "
            "and cites no statute"
        )
    if kind == "fcra-disclosure" and "consumer-reporting" not in broker.categories:
        out.append(f"{broker.id}: not known as a consumer reporting agency; the FCRA may not apply")
    return out


def request_letters(
    access: VaultAccess,
    broker_names: Sequence[str],
    kinds: Sequence[str],
    *,
    out_dir: Path,
    formats: Sequence[str] = ("pdf", "txt"),
    today: dt.date,
    registry: Registry,
    laws: Sequence[Law],
    law_override: str | None = None,
    templates_dir: Path | None = None,
    details: str = "",
) -> list[LetterResult]:
    """Write a letter per broker and kind, and log each as a drafted request."""
    from broker_audit.compose import check_kind, letter_context, new_reference, recipient_lines
    from broker_audit.law.choose import federal_law, law_for_letter, law_for_state

    kinds = list(dict.fromkeys(check_kind(k) for k in kinds))
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError("name at least one broker", "e.g. `broker-audit request lexisnexis`")
    with open_journal(access) as journal:
        profile = require_profile(journal)
        state_law = law_for_state(laws, profile.state, on=today, override=law_override)
        fcra = federal_law(laws)
        jobs = []
        for broker in brokers:
            for kind in kinds:
                law = law_for_letter(state_law, kind, laws)
                reference = new_reference()
                context = letter_context(
                    kind=kind,
                    profile=profile,
                    broker=broker,
                    law=law,
                    fcra=fcra,
                    today=today,
                    reference=reference,
                    details=details,
                )
                jobs.append(
                    LetterJob(
                        broker=broker,
                        kind=kind,
                        law=law,
                        context=context,
                        recipient=tuple(recipient_lines(broker)),
                        email_to=context["broker"]["email"] or None,
                        reference=reference,
                        warnings=broker_warnings(broker, law, kind),
                    )
                )
        return issue_letters(
            journal, profile, jobs, out_dir=out_dir, formats=formats, today=today, templates_dir=templates_dir
        )


def issue_letters(
    journal: Journal,
    profile: Profile,
    jobs: Sequence[LetterJob],
    *,
    out_dir: Path,
    formats: Sequence[str],
    today: dt.date,
    templates_dir: Path | None,
) -> list[LetterResult]:
    """Render every job, write the files, then log every letter as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """
    from broker_audit.compose import sender_lines
    from broker_audit.law.deadlines import clock_for
    from broker_audit.letters import render

    sender = tuple(sender_lines(profile))
    first_id = journal.next_request_id()
    documents = [
        render.render_letter(
            job.kind,
            job.context,
            sender=sender,
            recipient=job.recipient,
            date=today,
            reference=job.reference,
            email_to=job.email_to,
            email_from=profile.email or None,
            templates_dir=templates_dir,
        )
        for job in jobs
    ]
    written: list[Path] = []
    results = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for offset, (job, document) in enumerate(zip(jobs, documents, strict=True)):
            request_id = first_id + offset
            stem = out_dir / f"{today.isoformat()}-{job.broker.id}-{job.kind}-{request_id}"
            files = write_letter(document, stem, formats)
            written.extend(files)
            results.append(
                LetterResult(
                    request_id=request_id,
                    broker_id=job.broker.id,
                    broker_name=job.broker.name,
                    kind=job.kind,
                    law_id=job.law.id,
                    reference=job.reference,
                    files=files,
                    warnings=job.warnings,
                    linked_to=job.linked_to,
                )
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    created = now()
    records = []
    for job, result in zip(jobs, results, strict=True):
        clock = clock_for(job.law, job.kind)
        records.append(
            RequestMade(
                id=result.request_id,
                broker_id=job.broker.id,
                broker_name=job.broker.name,
                kind=job.kind,
                law_id=job.law.id,
                law_name=job.law.name,
                deadline_days=clock.days,
                working_days=clock.working_days,
                extension_days=clock.extension_days,
                appeal_days=clock.appeal_days,
                reference=job.reference,
                dated=today,
                created=created,
                files=[str(p.resolve()) for p in result.files],
                linked_to=job.linked_to,
            )
        )
    journal.append(records)
    return results


def write_letter(document: object, stem: Path, formats: Sequence[str]) -> list[Path]:
    """Write one letter in each format next to `stem`; returns the paths written."""
    from broker_audit.letters import eml, html, pdf, text

    files = []
    for fmt in formats:
        path = stem.with_suffix("." + fmt)
        if fmt == "pdf":
            pdf.write_pdf([document], path)  # type: ignore[list-item]
        elif fmt == "txt":
            path.write_text(text.to_text(document), encoding="utf-8")  # type: ignore[arg-type]
        elif fmt == "eml":
            path.write_bytes(eml.to_eml(document))  # type: ignore[arg-type]
        else:
            path.write_text(html.to_html(document), encoding="utf-8")  # type: ignore[arg-type]
        files.append(path)
    return files
