"""`broker-audit evidence ID --out DIR`: a complaint packet for one request.

The packet: `timeline.pdf`, one page saying what was asked, under which law and right, when and how
it was sent, when it was received, every reply and what it said, the legal deadline and how it was
missed; copies of the letters (the files recorded on the request and on its follow-ups, where they
still exist); `mailing-proof.txt` (tracking numbers, the mail server's acceptance, Message-IDs) with
each message exactly as sent; and every reply with its attachments, decrypted from the vault. Every
file is written 0600 through the one safe-write helper, into a 0700 folder; nothing else is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.cleantext import clean_line
from broker_audit.errors import UserError
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.replies import confirmed_state, excerpt
from broker_audit.tracking.due import days_left, is_overdue
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade, RequestView
from broker_audit.tracking.states import State

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.letters.document import Block, Document
    from broker_audit.tracking.mail_records import ReplyStored

ANSWER_STATES = (State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED)
_MAX_LETTER_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class TimelineRow:
    on: dt.date
    what: str


@dataclass(frozen=True)
class EvidenceResult:
    request_id: int
    out_dir: Path
    files: list[Path]
    missing: list[str] = field(default_factory=list)  # what was not copied, and why (gone, a link, changed)
    timeline: list[TimelineRow] = field(default_factory=list)
    deadline: str = ""


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _chain(journal: Journal, request_id: int) -> list[RequestView]:
    """The follow-ups, appeals and complaints written about this request, oldest first."""
    return [journal.view(i) for i, r in sorted(journal.requests.items()) if r.linked_to == request_id]


def _law(laws: Sequence[Law], law_id: str) -> Law | None:
    return next((law for law in laws if law.id == law_id), None)


def _asked(view: RequestView, law: Law | None) -> tuple[str, str]:
    """(what was asked, under which law and right) in words."""
    from broker_audit.vocabulary import KIND_ALIASES, KINDS

    request = view.request
    kind = KINDS.get(KIND_ALIASES.get(request.kind, request.kind))
    title = kind.title if kind else request.kind
    if law is None or law.kind == "none":
        return title, f"{request.law_name or 'no privacy law'} (no statute cited)"
    rights = kind.rights if kind else ()
    cited = next(((r, law.rights[r]) for r in rights if r in law.rights), None)
    if cited is None:
        return title, f"the {law.name} ({law.citation}); it gives no {request.kind} right: asked as a request"
    right, rule = cited
    return title, f"the {law.name}, right to {right} ({rule.citation})"


def _courtesy(view: RequestView, today: dt.date) -> str:
    """A request under no privacy law: the date its letter asked for, never called a deadline."""
    asked = f"No law sets a deadline; the letter asked for an answer within {view.request.courtesy_days} days"
    due = f"of receipt (a courtesy date: {_long(view.due)})" if view.due else "of receipt"
    late = f" No complete answer by {_long(today)}." if is_overdue(view, today) else ""
    return f"{asked} {due}.{late}"


def _deadline(journal: Journal, view: RequestView, today: dt.date) -> str:
    request = view.request
    if request.deadline_days is None and request.courtesy_days and view.due is not None:
        return _courtesy(view, today)
    if request.deadline_days is None or view.due is None:
        if view.sent is None:
            return "Not sent yet: no deadline runs."
        return "No legal response period applies in our data."
    unit = "business days" if request.working_days else "days"
    counted = "from receipt" if not view.due_estimated else "from receipt (receipt estimated as the day sent)"
    extension = next((e for e in view.events if e.state is State.EXTENDED), None)
    period = f"{request.deadline_days} {unit} {counted}"
    if extension is not None and request.extension_days:
        reply = journal.replies.get(extension.reply_id) if extension.reply_id is not None else None
        if reply is not None and not reply.trusted:
            period += (
                f", plus a {request.extension_days}-day extension claimed in an unauthenticated email "
                f"(reply #{reply.id}; its sender was not verified)"
            )
        else:
            period += f", plus the {request.extension_days}-day extension the company took"
    due = _long(view.due)
    answered = next((e for e in view.events if e.state in ANSWER_STATES), None)
    if answered is not None:
        late = (answered.on - view.due).days
        how = f"answered ({answered.state.value}) on {_long(answered.on)}"
        return f"The law gave {period}: due {due}. The company {how}, " + (
            f"{late} days after the deadline." if late > 0 else "within the deadline."
        )
    if is_overdue(view, today):
        left = days_left(view, today) or 0
        return f"The law gave {period}: due {due}. No complete answer by {_long(today)}: {-left} days late."
    if view.state in (State.NO_RESPONSE, State.COMPLAINED, State.APPEALED):
        return f"The law gave {period}: due {due}. State now: {view.state.value}."
    return f"The law gives {period}: due {due}; not yet passed on {_long(today)}."


def timeline_rows(journal: Journal, view: RequestView) -> list[TimelineRow]:
    """Every dated fact about the request and its chain, in order."""
    from broker_audit.vocabulary import CHANNEL_WORDS

    request = view.request
    rows = [TimelineRow(request.dated, f"Letter dated (reference {request.reference}).")]
    sent_mail = {s.message_id: s for s in journal.sent_mail.get(request.id, [])}
    for event in view.events:
        if event.reply_id is not None:
            continue  # shown with its reply
        if event.state is State.SENT:
            how = CHANNEL_WORDS.get(event.via, event.via or "by an unrecorded channel")
            text = f"Sent {how}"
            proof = sent_mail.get(event.tracking)
            if proof is not None:
                text += (
                    f" to {', '.join(proof.to_addrs)}; accepted by the mail server {proof.server} at "
                    f"{proof.sent_at:%H:%M} UTC ({proof.reply_text}); Message-ID {proof.message_id}"
                )
            elif event.tracking:
                text += f", tracking number {event.tracking}"
            rows.append(TimelineRow(event.on, text + "."))
        elif event.state is State.DELIVERED:
            rows.append(
                TimelineRow(
                    event.on, "Received by the company" + (f" ({event.note})" if event.note else "") + "."
                )
            )
        else:
            note = f": {event.note}" if event.note else ""
            rows.append(TimelineRow(event.on, f"Recorded as {event.state.value}{note}."))
    for reply in journal.request_replies(request.id):
        status = confirmed_state(journal, reply)
        said = (
            f"recorded as {status}" + ("" if reply.trusted else " on your word")
            if status
            else (f"suggested: {reply.suggested}" if reply.suggested else "no status recorded")
        )
        who = reply.from_addr or ("a letter by post" if reply.source == "file" else "the company")
        if not reply.trusted:
            who += " (sender not authenticated)"
        what = f'"{reply.subject}"' if reply.subject else reply.original_name
        summary = excerpt(reply.text, 160)
        files = f"; {len(reply.attachments)} attachment(s)" if reply.attachments else ""
        rows.append(
            TimelineRow(
                reply.received.date(),
                f"Reply #{reply.id} from {who}: {what} ({said}{files})"
                + (f'. It says: "{summary}"' if summary else "."),
            )
        )
    for linked in _chain(journal, request.id):
        if linked.sent is not None:
            via = next((e.via for e in linked.events if e.state is State.SENT), "")
            rows.append(
                TimelineRow(
                    linked.sent,
                    f"{linked.request.kind.capitalize()} sent {CHANNEL_WORDS.get(via, via)} "
                    f"(reference {linked.request.reference}).",
                )
            )
    rows.extend(_flag_rows(journal, request.id))
    rows.sort(key=lambda r: r.on)
    return rows


def _flag_rows(journal: Journal, request_id: int) -> list[TimelineRow]:
    """Immigration enforcement named as a recipient in a confirmed finding: flagged in the timeline."""
    from broker_audit.services.findings import immigration_flags

    rows = []
    for current in immigration_flags(journal, request_id):
        f, reply = current.finding, journal.replies.get(current.reply_id)
        on = reply.received.date() if reply else f.on or journal.requests[request_id].dated
        dated = f" on {f.on.isoformat()}" if f.on else ""
        rows.append(
            TimelineRow(
                on,
                f"FLAG: the company's answer (reply #{current.reply_id}) names immigration enforcement as a "
                f'recipient of my data: {f.value}{dated} (confirmed finding {f.n}: "{f.line}").',
            )
        )
    return rows


def timeline_document(
    journal: Journal,
    view: RequestView,
    law: Law | None,
    today: dt.date,
    *,
    excerpt_limit: int = 160,
    max_rows: int = 60,
) -> Document:
    from broker_audit.letters.document import Bullets, Document, Heading, Lines, Paragraph

    request = view.request
    asked, under = _asked(view, law)
    rows = timeline_rows(journal, view)
    if len(rows) > max_rows:  # the first events and the latest, and how many are left out
        head, tail = rows[: max_rows // 2], rows[-(max_rows - max_rows // 2 - 1) :]
        skipped = len(rows) - len(head) - len(tail)
        gap = TimelineRow(tail[0].on, f"... {skipped} more events: see mailing-proof.txt and replies/.")
        rows = [*head, gap, *tail]
    if excerpt_limit < 160:
        rows = [
            TimelineRow(
                r.on, r.what if len(r.what) <= excerpt_limit + 120 else r.what[: excerpt_limit + 119] + "…"
            )
            for r in rows
        ]
    blocks: list[Block] = [
        Lines(
            tuple(
                clean_line(line)
                for line in (
                    f"Request: {asked}",
                    f"To: {request.recipient_name}",
                    f"Under: {under}",
                    f"Reference: {request.reference}",
                )
            )
        ),
        Heading("What happened"),
        Bullets(tuple(clean_line(f"{r.on.isoformat()}: {r.what}") for r in rows)),
        Heading("The legal deadline"),
        Paragraph(clean_line(_deadline(journal, view, today))),
        Heading("Enclosed"),
        Paragraph(
            "Copies of the letter, the proof of mailing (tracking numbers, the mail server's acceptance, "
            "Message-IDs and each message as sent) and every reply with its attachments, as kept in "
            f"an encrypted log by broker-audit. Prepared {_long(today)}."
        ),
    ]
    return Document(
        kind="timeline",
        subject=clean_line(f"Timeline of my request {request.reference} to {request.recipient_name}"),
        sender=(),
        recipient=(),
        date=today,
        reference=request.reference,
        blocks=tuple(blocks),
        email_to=None,
        email_from=None,
        compact=True,
    )


def timeline_pdf(journal: Journal, view: RequestView, law: Law | None, today: dt.date) -> bytes:
    """The timeline as a one-page PDF: long replies are quoted shorter until it fits."""
    from broker_audit.letters.pdf import pdf_bytes_and_pages

    data = b""
    for limit, rows in ((160, 60), (100, 60), (60, 40), (20, 30), (20, 20), (0, 12)):
        document = timeline_document(journal, view, law, today, excerpt_limit=limit, max_rows=rows)
        data, pages = pdf_bytes_and_pages(document)
        if pages == 1:
            return data
    return data


def _read_letter(path: Path, request: RequestMade) -> bytes | str:
    """A letter file recorded on the request, or why it is not copied: gone, a link, a hard link,
    not a regular file (the strict safe-read helper), or an `.eml` no longer as written."""
    from broker_audit.files import read_own_file

    try:
        data = read_own_file(path, what="letter", limit=_MAX_LETTER_BYTES)
    except UserError as exc:
        return exc.message
    draft = request.email_draft
    if draft is not None and Path(draft.file) == path:
        from broker_audit.mail.draft import differences

        try:
            changed = differences(draft, data)
        except UserError as exc:
            return exc.message
        if changed:
            return f"{path} is not the letter written ({'; '.join(changed)}): not copied"
    return data


def _mailing_proof(journal: Journal, views: Sequence[RequestView]) -> str:
    """The proof of mailing as text, every line cleaned like terminal text (notes, tracking numbers
    and servers' answers come from outside)."""
    from broker_audit.cleantext import clean_line

    return "\n".join(clean_line(line) for line in _mailing_lines(journal, views).split("\n"))


def _mailing_lines(journal: Journal, views: Sequence[RequestView]) -> str:
    lines = ["Proof of mailing", "================", ""]
    for view in views:
        request = view.request
        lines.append(f"Request #{request.id} ({request.kind}, reference {request.reference})")
        for event in view.events:
            if event.state in (State.SENT, State.DELIVERED):
                lines.append(
                    f"  {event.on.isoformat()} {event.state.value}"
                    + (f" via {event.via}" if event.via else "")
                    + (f", tracking {event.tracking}" if event.tracking else "")
                    + (f" ({event.note})" if event.note else "")
                )
        for n, sent in enumerate(journal.sent_mail.get(request.id, []), start=1):
            lines += [
                f"  Email sent {sent.sent_at.isoformat()} from {sent.from_addr} "
                f"to {', '.join(sent.to_addrs)}",
                f"    accepted by the mail server {sent.server}: {sent.reply_text}",
                f"    Message-ID: {sent.message_id}",
                f"    SHA-256 of the message as sent: {sent.sha256} (sent-{request.id}-{n}.eml)",
            ]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_evidence(
    access: VaultAccess, request_id: int, *, out_dir: Path, today: dt.date, laws: Sequence[Law]
) -> EvidenceResult:
    """Write the complaint packet for `request_id` into `out_dir`: what the vault holds is read
    first (`_packet`), then every file is written; on a failure what was written is removed."""
    with open_journal(access) as journal:
        view = journal.view(request_id)
        if view.request.linked_to is not None and view.request.kind in ("followup", "appeal", "complaint"):
            raise UserError(
                f"#{request_id} is a {view.request.kind} about #{view.request.linked_to}",
                f"make the packet for the request itself: `broker-audit evidence {view.request.linked_to}`",
            )
        outputs, missing = _packet(journal, view, today, laws)
        rows = timeline_rows(journal, view)
        deadline = _deadline(journal, view, today)
    return EvidenceResult(
        request_id=request_id,
        out_dir=out_dir,
        files=_write_packet(out_dir, outputs),
        missing=missing,
        timeline=rows,
        deadline=deadline,
    )


def _packet(
    journal: Journal, view: RequestView, today: dt.date, laws: Sequence[Law]
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Every file of the packet (name, bytes), in order, and what could not be included: the
    timeline, the letters of the request and the letters about it, the mailing proof, the
    confirmed findings, the e-mails as sent, the replies and their attachments."""
    from broker_audit.services.findings import findings_text

    request_id = view.request.id
    chain = [view, *_chain(journal, request_id)]
    pdf = timeline_pdf(journal, view, _law(laws, view.request.law_id), today)
    outputs: list[tuple[str, bytes]] = [("timeline.pdf", pdf)]
    missing: list[str] = []
    for item in chain:
        for name in item.request.files:
            data = _read_letter(Path(name), item.request)
            if isinstance(data, str):
                missing.append(data)
            else:
                outputs.append((f"letter-{item.request.id}-{Path(name).name}", data))
    outputs.append(("mailing-proof.txt", _mailing_proof(journal, chain).encode("utf-8")))
    confirmed = findings_text(journal, request_id)
    if confirmed:
        outputs.append(("findings.txt", confirmed.encode("utf-8")))
    for item in chain:
        for n, sent in enumerate(journal.sent_mail.get(item.request.id, []), start=1):
            outputs.append((f"sent-{item.request.id}-{n}.eml", journal.read_payload(sent.message)))
    for reply in journal.request_replies(request_id):
        outputs += _reply_files(journal, reply, missing)
    return outputs, missing


def _reply_files(journal: Journal, reply: ReplyStored, missing: list[str]) -> list[tuple[str, bytes]]:
    """A reply as kept (its original bytes) and, for an e-mail, each of its attachments (an
    e-mail kept before the parser's bounds and over one: said in `missing`)."""
    from broker_audit.errors import MessageRefused
    from broker_audit.mail.bounds import Limits, parse_bounded
    from broker_audit.mail.parse import iter_attachments

    original = journal.read_payload(reply.original)
    if reply.original_type != "message/rfc822":
        return [(f"replies/reply-{reply.id}-{reply.original_name}", original)]
    files = [(f"replies/reply-{reply.id}-message.eml", original)]
    limits = Limits(max_bytes=len(original), max_decoded=len(original))
    try:
        msg = parse_bounded(original, limits)
    except MessageRefused as exc:  # kept before the bounds: the .eml alone is copied
        missing.append(f"the attachments of reply #{reply.id} ({exc.message})")
        return files
    for index, (name, _, data) in enumerate(iter_attachments(msg), start=1):
        files.append((f"replies/reply-{reply.id}-{index}-{name}", data))
    return files


def _write_packet(out_dir: Path, outputs: list[tuple[str, bytes]]) -> list[Path]:
    """Every file into `out_dir` (replies/ made by us, never a planted link), each folder synced
    once; on a failure what was written is removed."""
    from broker_audit.files import deferred_folder_sync, ensure_folder, write_bytes

    written: list[Path] = []
    try:
        ensure_folder(out_dir, what="evidence folder")
        with deferred_folder_sync():
            for name, data in outputs:
                path = out_dir / name
                if path.parent != out_dir:  # replies/: ours to make, never a planted link
                    ensure_folder(path.parent, what="evidence folder", own=True)
                written.append(write_bytes(path, data, what="evidence file"))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
