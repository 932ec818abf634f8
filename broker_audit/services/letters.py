"""Writing request letters and logging them as drafted requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broker_audit.errors import UserError
from broker_audit.journal import now
from broker_audit.law.schema import Law
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


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UserError(
            f"unknown format {', '.join(bad) or '(none)'}", "formats are: " + ",".join(FORMATS)
        )
    return list(dict.fromkeys(formats))


def broker_warnings(broker: Broker, law: Law) -> list[str]:
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
) -> list[LetterResult]:
    """Write a letter per broker and kind, and log each as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """
    from broker_audit.compose import (
        check_kind,
        letter_context,
        new_reference,
        recipient_lines,
        sender_lines,
    )
    from broker_audit.law.choose import federal_law, law_for_state
    from broker_audit.letters import render

    kinds = list(dict.fromkeys(check_kind(k) for k in kinds))
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError("name at least one broker", "e.g. `broker-audit request lexisnexis`")
    with open_journal(access) as journal:
        profile = require_profile(journal)
        law = law_for_state(laws, profile.state, on=today, override=law_override)
        fcra = federal_law(laws)
        next_id = journal.next_request_id()
        planned = []
        for broker in brokers:
            for kind in kinds:
                reference = new_reference()
                context = letter_context(
                    kind=kind, profile=profile, broker=broker, law=law, fcra=fcra,
                    today=today, reference=reference,
                )
                document = render.render_letter(
                    kind,
                    context,
                    sender=tuple(sender_lines(profile)),
                    recipient=tuple(recipient_lines(broker)),
                    date=today,
                    reference=reference,
                    email_to=context["broker"]["email"] or None,
                    email_from=profile.email or None,
                    templates_dir=templates_dir,
                )
                planned.append((next_id, broker, kind, reference, document))
                next_id += 1
        written: list[Path] = []
        results = []
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for request_id, broker, kind, reference, document in planned:
                stem = out_dir / f"{today.isoformat()}-{broker.id}-{kind}-{request_id}"
                files = write_letter(document, stem, formats)
                written.extend(files)
                results.append(
                    LetterResult(
                        request_id=request_id, broker_id=broker.id, broker_name=broker.name,
                        kind=kind, law_id=law.id, reference=reference, files=files,
                        warnings=broker_warnings(broker, law),
                    )
                )
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        created = now()
        deadline = law.deadline
        journal.append(
            [
                RequestMade(
                    id=r.request_id, broker_id=r.broker_id, broker_name=r.broker_name,
                    kind=r.kind, law_id=law.id, law_name=law.name,
                    deadline_days=deadline.days if deadline else None,
                    extension_days=(deadline.extension_days or 0) if deadline else 0,
                    appeal_days=law.appeal.response_days if law.appeal else None,
                    reference=r.reference, dated=today, created=created,
                    files=[str(p.resolve()) for p in r.files],
                )
                for r in results
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
