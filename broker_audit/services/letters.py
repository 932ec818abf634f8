"""Writing letters (requests and follow-ups) and logging each as a drafted request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker_audit.errors import UserError
from broker_audit.law.schema import Law
from broker_audit.profile import Profile
from broker_audit.registry.load import Registry
from broker_audit.registry.schema import Broker
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.tracking.journal import Journal, now
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
    sender: tuple[str, ...]
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
        if broker.residency_limit is not None:
            out.append(
                f"{broker.id}: may refuse requests from your state: "
                f"{broker.residency_limit.value} (source: {broker.residency_limit.source})"
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
    from broker_audit.law.choose import law_for_state
    from broker_audit.letters.compose import check_kind

    kinds = list(dict.fromkeys(check_kind(k) for k in kinds))
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError("name at least one broker", "e.g. `broker-audit request lexisnexis`")
    with open_journal(access) as journal:
        profile = require_profile(journal)
        state_law = law_for_state(laws, profile.state, on=today, override=law_override)
        jobs = [
            plan_letter(
                broker, kind, profile=profile, state_law=state_law, laws=laws, today=today, details=details
            )
            for broker in brokers
            for kind in kinds
        ]
        return issue_letters(
            journal, profile, jobs, out_dir=out_dir, formats=formats, today=today, templates_dir=templates_dir
        )


def plan_letter(
    broker: Broker,
    kind: str,
    *,
    profile: Profile,
    state_law: Law,
    laws: Sequence[Law],
    today: dt.date,
    details: str = "",
    earlier: Any = None,
    agent: Any = None,
    linked_to: int | None = None,
    reference: str | None = None,
) -> LetterJob:
    """Everything one letter needs before it is rendered: its law, context, addresses.

    A complaint goes to the law's complaint office, not to the broker; everything else to the
    broker's privacy desk. `agent` (a clinic) changes the return address and the wording.
    """
    from broker_audit.law.choose import federal_law, law_for_letter
    from broker_audit.letters.compose import (
        complaint_recipient_lines,
        letter_context,
        new_reference,
        recipient_lines,
        sender_lines,
    )

    law = law_for_letter(state_law, kind, laws)
    reference = reference or new_reference()
    context = letter_context(
        kind=kind,
        profile=profile,
        broker=broker,
        law=law,
        fcra=federal_law(laws),
        today=today,
        reference=reference,
        details=details,
        earlier=earlier,
        agent=agent,
    )
    complaint = kind == "complaint"
    return LetterJob(
        broker=broker,
        kind=kind,
        law=law,
        context=context,
        recipient=tuple(complaint_recipient_lines(law) if complaint else recipient_lines(broker)),
        sender=tuple(sender_lines(profile, context["agent"])),
        email_to=None if complaint else (context["broker"]["email"] or None),
        reference=reference,
        warnings=[] if complaint else broker_warnings(broker, law, kind),
        linked_to=linked_to,
    )


def render_job(
    job: LetterJob,
    *,
    today: dt.date,
    email_from: str | None,
    templates_dir: Path | None,
    kind: str | None = None,
) -> Any:
    """The job's Document (or, with `kind`, another template over the same context, such as
    the authorization page that goes with an agent's letter)."""
    from broker_audit.letters import render

    return render.render_letter(
        kind or job.kind,
        job.context,
        sender=job.sender,
        recipient=job.recipient,
        date=today,
        reference=job.reference,
        email_to=None if kind else job.email_to,
        email_from=email_from,
        templates_dir=templates_dir,
    )


def request_record(
    *,
    request_id: int,
    broker: Broker,
    kind: str,
    law: Law,
    reference: str,
    today: dt.date,
    created: dt.datetime,
    files: Sequence[Path] = (),
    linked_to: int | None = None,
    client_id: str | None = None,
    batch_id: str | None = None,
) -> RequestMade:
    """The log record of a drafted letter, with the legal clock it starts when sent."""
    from broker_audit.law.deadlines import clock_for

    clock = clock_for(law, kind)
    return RequestMade(
        id=request_id,
        broker_id=broker.id,
        broker_name=broker.name,
        kind=kind,
        law_id=law.id,
        law_name=law.name,
        deadline_days=clock.days,
        working_days=clock.working_days,
        extension_days=clock.extension_days,
        appeal_days=clock.appeal_days,
        reference=reference,
        dated=today,
        created=created,
        files=[str(p.resolve()) for p in files],
        linked_to=linked_to,
        client_id=client_id,
        batch_id=batch_id,
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
    first_id = journal.next_request_id()
    documents = [
        render_job(job, today=today, email_from=profile.email or None, templates_dir=templates_dir)
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
    journal.append(
        [
            request_record(
                request_id=result.request_id,
                broker=job.broker,
                kind=job.kind,
                law=job.law,
                reference=job.reference,
                today=today,
                created=created,
                files=result.files,
                linked_to=job.linked_to,
            )
            for job, result in zip(jobs, results, strict=True)
        ]
    )
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
