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
from broker_audit.i18n import N_, _, current_language, format_date, gettext_in, ngettext_in
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.replies import confirmed_state, excerpt
from broker_audit.services.resources import Resources
from broker_audit.tracking.due import days_left, due_date, is_overdue
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade, RequestView
from broker_audit.tracking.states import State
from broker_audit.words import channel_words, kind_word, state_word

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.letters.document import Block, Document
    from broker_audit.tracking.mail_records import ReplyStored

ANSWER_STATES = (State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED)
READING_COPY_NOTE = N_(
    "READING COPY: a translation for your information. The English timeline is the one that goes "
    "with the complaint."
)
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


def _long(day: dt.date, language: str = "en") -> str:
    if language != "en":
        return format_date(day, "long", language)
    return f"{day:%B} {day.day}, {day.year}"


def _chain(journal: Journal, request_id: int) -> list[RequestView]:
    """The follow-ups, appeals and complaints written about this request, oldest first."""
    return [journal.view(i) for i, r in sorted(journal.requests.items()) if r.linked_to == request_id]


def _law(laws: Sequence[Law], law_id: str) -> Law | None:
    return next((law for law in laws if law.id == law_id), None)


def _asked(view: RequestView, law: Law | None, language: str = "en") -> tuple[str, str]:
    """(what was asked, under which law and right) in words."""
    from broker_audit.vocabulary import KIND_ALIASES, KINDS

    request = view.request
    kind = KINDS.get(KIND_ALIASES.get(request.kind, request.kind))
    title = kind.title_in(language) if kind else request.kind
    if law is None or law.kind == "none":
        return title, gettext_in(language, "{law} (no statute cited)").format(
            law=request.law_name or gettext_in(language, "no privacy law")
        )
    rights = kind.rights if kind else ()
    cited = next(((r, law.rights[r]) for r in rights if r in law.rights), None)
    if cited is None:
        return title, gettext_in(
            language, "the {law} ({citation}); it gives no {kind} right: asked as a request"
        ).format(law=law.name, citation=law.citation, kind=kind_word(request.kind, language))
    right, rule = cited
    return title, gettext_in(language, "the {law}, right to {right} ({citation})").format(
        law=law.name, right=kind_word(right, language), citation=rule.citation
    )


def _courtesy(view: RequestView, today: dt.date, language: str = "en") -> str:
    """A request under no privacy law: the date its letter asked for, never called a deadline."""
    days = view.request.courtesy_days
    if view.due:
        text = gettext_in(
            language,
            "No law sets a deadline; the letter asked for an answer within {days} days of receipt "
            "(a courtesy date: {date}).",
        ).format(days=days, date=_long(view.due, language))
    else:
        text = gettext_in(
            language, "No law sets a deadline; the letter asked for an answer within {days} days of receipt."
        ).format(days=days)
    if is_overdue(view, today):
        text += " " + gettext_in(language, "No complete answer by {date}.").format(
            date=_long(today, language)
        )
    return text


def _deadline(journal: Journal, view: RequestView, today: dt.date, language: str = "en") -> str:
    request = view.request
    if request.deadline_days is None and request.courtesy_days and view.due is not None:
        return _courtesy(view, today, language)
    # After an appeal the view's due date is the appeal's: the request's own deadline is the one
    # its events before the appeal give.
    appeal_at = next((i for i, e in enumerate(view.events) if e.state is State.APPEALED), len(view.events))
    before_appeal = view.events[:appeal_at]
    own = due_date(request, before_appeal)
    if request.deadline_days is None or own.date is None:
        if view.sent is None:
            return gettext_in(language, "Not sent yet: no deadline runs.")
        return gettext_in(language, "No legal response period applies in our data.")
    days = request.deadline_days
    if request.working_days:
        unit = ngettext_in(language, "{days} business day", "{days} business days", days).format(days=days)
    else:
        unit = ngettext_in(language, "{days} day", "{days} days", days).format(days=days)
    counted = (
        gettext_in(language, "from receipt")
        if not own.estimated
        else gettext_in(language, "from receipt (receipt estimated as the day sent)")
    )
    extension = next((e for e in before_appeal if e.state is State.EXTENDED), None)
    period = f"{unit} {counted}"
    if extension is not None and request.extension_days:
        reply = journal.replies.get(extension.reply_id) if extension.reply_id is not None else None
        if reply is not None and not reply.trusted:
            period += gettext_in(
                language,
                ", plus a {days}-day extension claimed in an unauthenticated email "
                "(reply #{reply}; its sender was not verified)",
            ).format(days=request.extension_days, reply=reply.id)
        else:
            period += gettext_in(language, ", plus the {days}-day extension the company took").format(
                days=request.extension_days
            )
    due = _long(own.date, language)
    answered = next((e for e in view.events if e.state in ANSWER_STATES), None)
    if answered is not None:
        late = (answered.on - own.date).days
        gave = gettext_in(
            language, "The law gave {period}: due {due}. The company answered ({state}) on {date},"
        ).format(
            period=period,
            due=due,
            state=state_word(answered.state.value, language),
            date=_long(answered.on, language),
        )
        if late > 0:
            return (
                gave
                + " "
                + ngettext_in(
                    language, "{days} day after the deadline.", "{days} days after the deadline.", late
                ).format(days=late)
            )
        return gave + " " + gettext_in(language, "within the deadline.")
    if is_overdue(view, today):
        left = -(days_left(view, today) or 0)
        return (
            gettext_in(language, "The law gave {period}: due {due}. No complete answer by {date}:").format(
                period=period, due=due, date=_long(today, language)
            )
            + " "
            + ngettext_in(language, "{days} day late.", "{days} days late.", left).format(days=left)
        )
    if view.state in (State.NO_RESPONSE, State.COMPLAINED, State.APPEALED):
        return gettext_in(language, "The law gave {period}: due {due}. State now: {state}.").format(
            period=period, due=due, state=state_word(view.state.value, language)
        )
    return gettext_in(language, "The law gives {period}: due {due}; not yet passed on {date}.").format(
        period=period, due=due, date=_long(today, language)
    )


def timeline_rows(journal: Journal, view: RequestView, language: str = "en") -> list[TimelineRow]:
    """Every dated fact about the request and its chain, in order, in `language`."""
    request = view.request
    rows = [
        TimelineRow(
            request.dated,
            gettext_in(language, "Letter dated (reference {reference}).").format(reference=request.reference),
        )
    ]
    sent_mail = {s.message_id: s for s in journal.sent_mail.get(request.id, [])}
    for event in view.events:
        if event.reply_id is not None:
            continue  # shown with its reply
        if event.state is State.SENT:
            how = (
                channel_words(event.via, language)
                or event.via
                or gettext_in(language, "by an unrecorded channel")
            )
            text = gettext_in(language, "Sent {how}").format(how=how)
            proof = sent_mail.get(event.tracking)
            if proof is not None:
                text += " " + gettext_in(
                    language,
                    "to {addresses}; accepted by the mail server {server} at {time} UTC ({answer}); "
                    "Message-ID {message_id}",
                ).format(
                    addresses=", ".join(proof.to_addrs),
                    server=proof.server,
                    time=f"{proof.sent_at:%H:%M}",
                    answer=proof.reply_text,
                    message_id=proof.message_id,
                )
            elif event.tracking:
                text += gettext_in(language, ", tracking number {tracking}").format(tracking=event.tracking)
            rows.append(TimelineRow(event.on, text + "."))
        elif event.state is State.DELIVERED:
            rows.append(
                TimelineRow(
                    event.on,
                    gettext_in(language, "Received by the company")
                    + (f" ({event.note})" if event.note else "")
                    + ".",
                )
            )
        else:
            note = f": {event.note}" if event.note else ""
            said = gettext_in(language, "Recorded as {state}").format(
                state=state_word(event.state.value, language)
            )
            rows.append(TimelineRow(event.on, f"{said}{note}."))
    for reply in journal.request_replies(request.id):
        status = confirmed_state(journal, reply)
        said = (
            gettext_in(language, "recorded as {state}").format(state=state_word(status, language))
            + ("" if reply.trusted else " " + gettext_in(language, "on your word"))
            if status
            else (
                gettext_in(language, "suggested: {state}").format(state=state_word(reply.suggested, language))
                if reply.suggested
                else gettext_in(language, "no status recorded")
            )
        )
        who = reply.from_addr or (
            gettext_in(language, "a letter by post")
            if reply.source == "file"
            else gettext_in(language, "the company")
        )
        if not reply.trusted:
            who += " " + gettext_in(language, "(sender not authenticated)")
        what = f'"{reply.subject}"' if reply.subject else reply.original_name
        summary = excerpt(reply.text, 160)
        count = len(reply.attachments)
        files = (
            "; "
            + ngettext_in(language, "{count} attachment", "{count} attachments", count).format(count=count)
            if count
            else ""
        )
        head = gettext_in(language, "Reply #{reply} from {who}: {what}").format(
            reply=reply.id, who=who, what=what
        )
        rows.append(
            TimelineRow(
                reply.received.date(),
                f"{head} ({said}{files})"
                + (
                    ". " + gettext_in(language, 'It says: "{summary}"').format(summary=summary)
                    if summary
                    else "."
                ),
            )
        )
    for linked in _chain(journal, request.id):
        if linked.sent is not None:
            via = next((e.via for e in linked.events if e.state is State.SENT), "")
            rows.append(
                TimelineRow(
                    linked.sent,
                    gettext_in(language, "{kind} sent {how} (reference {reference}).").format(
                        kind=kind_word(linked.request.kind, language).capitalize(),
                        how=channel_words(via, language) or via,
                        reference=linked.request.reference,
                    ),
                )
            )
    rows.extend(_flag_rows(journal, request.id, language))
    rows.sort(key=lambda r: r.on)
    return rows


def _flag_rows(journal: Journal, request_id: int, language: str = "en") -> list[TimelineRow]:
    """Immigration enforcement named as a recipient in a confirmed finding: flagged in the timeline."""
    from broker_audit.services.findings import immigration_flags

    rows = []
    for current in immigration_flags(journal, request_id):
        f, reply = current.finding, journal.replies.get(current.reply_id)
        on = reply.received.date() if reply else f.on or journal.requests[request_id].dated
        dated = " " + gettext_in(language, "on {date}").format(date=f.on.isoformat()) if f.on else ""
        rows.append(
            TimelineRow(
                on,
                gettext_in(
                    language,
                    "FLAG: the company's answer (reply #{reply}) names immigration enforcement as a "
                    'recipient of my data: {value}{dated} (confirmed finding {finding}: "{line}").',
                ).format(reply=current.reply_id, value=f.value, dated=dated, finding=f.n, line=f.line),
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
    language: str = "en",
) -> Document:
    """The one-page timeline. English for the office the complaint goes to; another `language`
    makes the requester's reading copy, marked as a translation."""
    from broker_audit.letters.document import Bullets, Document, Heading, Lines, Paragraph

    request = view.request
    asked, under = _asked(view, law, language)
    rows = timeline_rows(journal, view, language)
    if len(rows) > max_rows:  # the first events and the latest, and how many are left out
        head, tail = rows[: max_rows // 2], rows[-(max_rows - max_rows // 2 - 1) :]
        skipped = len(rows) - len(head) - len(tail)
        gap = TimelineRow(
            tail[0].on,
            "... "
            + ngettext_in(
                language,
                "{count} more event: see mailing-proof.txt and replies/.",
                "{count} more events: see mailing-proof.txt and replies/.",
                skipped,
            ).format(count=skipped),
        )
        rows = [*head, gap, *tail]
    if excerpt_limit < 160:
        rows = [
            TimelineRow(
                r.on, r.what if len(r.what) <= excerpt_limit + 120 else r.what[: excerpt_limit + 119] + "…"
            )
            for r in rows
        ]
    blocks: list[Block] = []
    if language != "en":
        blocks.append(Paragraph(gettext_in(language, READING_COPY_NOTE)))
    blocks += [
        Lines(
            tuple(
                clean_line(line)
                for line in (
                    gettext_in(language, "Request: {what}").format(what=asked),
                    gettext_in(language, "To: {recipient}").format(recipient=request.recipient_name),
                    gettext_in(language, "Under: {law}").format(law=under),
                    gettext_in(language, "Reference: {reference}").format(reference=request.reference),
                )
            )
        ),
        Heading(gettext_in(language, "What happened")),
        Bullets(tuple(clean_line(f"{r.on.isoformat()}: {r.what}") for r in rows)),
        Heading(gettext_in(language, "The legal deadline")),
        Paragraph(clean_line(_deadline(journal, view, today, language))),
        Heading(gettext_in(language, "Enclosed")),
        Paragraph(
            gettext_in(
                language,
                "Copies of the letter, the proof of mailing (tracking numbers, the mail server's acceptance, "
                "Message-IDs and each message as sent) and every reply with its attachments, as kept in "
                "an encrypted log by broker-audit. Prepared {date}.",
            ).format(date=_long(today, language))
        ),
    ]
    return Document(
        kind="timeline",
        subject=clean_line(
            gettext_in(language, "Timeline of my request {reference} to {recipient}").format(
                reference=request.reference, recipient=request.recipient_name
            )
        ),
        sender=(),
        recipient=(),
        date=today,
        reference=request.reference,
        blocks=tuple(blocks),
        email_to=None,
        email_from=None,
        compact=True,
        language=language,
    )


def timeline_pdf(
    journal: Journal, view: RequestView, law: Law | None, today: dt.date, language: str = "en"
) -> bytes:
    """The timeline as a one-page PDF: long replies are quoted shorter until it fits."""
    from broker_audit.letters.pdf import pdf_bytes_and_pages

    data = b""
    for limit, rows in ((160, 60), (100, 60), (60, 40), (20, 30), (20, 20), (0, 12)):
        document = timeline_document(
            journal, view, law, today, excerpt_limit=limit, max_rows=rows, language=language
        )
        data, pages = pdf_bytes_and_pages(document)
        if pages == 1:
            return data
    return data


def _batch_letter(journal: Journal, request: RequestMade) -> str:
    """Where a batch request's letter is, since it is not copied: a page of a PDF the batch
    shares with its other letters (the print file for the post, the work list for the others),
    which carries other letters and the client's cover sheet."""
    batch_id = request.batch_id or ""
    made = journal.batches.get(batch_id)
    files = [Path(f) for f in made.files] if made is not None else []
    if request.channel == "mail":
        shared = [f for f in files if f.name == f"{batch_id}.pdf" or f.stem == request.client_id]
    else:
        shared = [f for f in files if f.name == f"{batch_id}-worklist.pdf"]
    return _(
        "#{id}'s letter is in the PDF of batch {batch}, {path}, with other letters: add its pages yourself"
    ).format(id=request.id, batch=batch_id, path=shared[0] if shared else _("not recorded"))


def _read_letter(path: Path, request: RequestMade) -> bytes | str:
    """A letter file recorded on the request, or why it is not copied: gone, a link, a hard link,
    not a regular file (the strict safe-read helper), or an `.eml` no longer as written."""
    from broker_audit.files import read_own_file

    try:
        data = read_own_file(path, what=N_("letter"), limit=_MAX_LETTER_BYTES)
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
            return _("{path} is not the letter written ({changes}): not copied").format(
                path=path, changes="; ".join(changed)
            )
    return data


def _mailing_proof(journal: Journal, views: Sequence[RequestView]) -> str:
    """The proof of mailing as text, every line cleaned like terminal text (notes, tracking numbers
    and servers' answers come from outside)."""
    from broker_audit.cleantext import clean_line

    return "\n".join(clean_line(line) for line in _mailing_lines(journal, views).split("\n"))


def _mailing_lines(journal: Journal, views: Sequence[RequestView]) -> str:  # i18n: English on purpose
    # The proof of mailing goes with the complaint to the office that reads it: English.
    lines = ["Proof of mailing", "================", ""]
    for view in views:
        request = view.request
        heading = f"Request #{request.id} ({request.kind}, reference {request.reference})"
        lines.append(heading)
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
    access: VaultAccess,
    request_id: int,
    *,
    out_dir: Path,
    today: dt.date,
    resources: Resources,
    language: str | None = None,
) -> EvidenceResult:
    """Write the complaint packet for `request_id` into `out_dir`: what the vault holds is read
    first (`_packet`), then every file is written; on a failure what was written is removed. The
    timeline the office reads is in English; a requester who reads another `language` (default:
    the one the tool speaks) also gets `timeline-<language>.pdf`, a reading copy marked as a
    translation. The rows and the deadline returned (for the screen) are in the language the tool
    speaks."""
    with open_journal(access) as journal:
        view = journal.view(request_id)
        if view.request.linked_to is not None and view.request.kind in ("followup", "appeal", "complaint"):
            raise UserError(
                _("#{id} is a {kind} about #{about}").format(
                    id=request_id, kind=kind_word(view.request.kind), about=view.request.linked_to
                ),
                _("make the packet for the request itself: `broker-audit evidence {about}`").format(
                    about=view.request.linked_to
                ),
            )
        outputs, missing = _packet(journal, view, today, resources.laws, language or current_language())
        rows = timeline_rows(journal, view, current_language())
        deadline = _deadline(journal, view, today, current_language())
    return EvidenceResult(
        request_id=request_id,
        out_dir=out_dir,
        files=_write_packet(out_dir, outputs),
        missing=missing,
        timeline=rows,
        deadline=deadline,
    )


def _packet(
    journal: Journal, view: RequestView, today: dt.date, laws: Sequence[Law], reader: str
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Every file of the packet (name, bytes), in order, and what could not be included: the
    timeline (and the `reader`'s reading copy when that is not English), the letters of the
    request and the letters about it, the mailing proof, the confirmed findings, the e-mails as
    sent, the replies and their attachments."""
    from broker_audit.services.findings import findings_text

    request_id = view.request.id
    chain = [view, *_chain(journal, request_id)]
    law = _law(laws, view.request.law_id)
    outputs: list[tuple[str, bytes]] = [("timeline.pdf", timeline_pdf(journal, view, law, today))]
    if reader != "en":  # the requester's reading copy; the office gets the English one
        outputs.append((f"timeline-{reader}.pdf", timeline_pdf(journal, view, law, today, reader)))
    missing: list[str] = []
    for item in chain:
        names = list(item.request.files)
        draft = item.request.email_draft
        if not names and draft is not None:  # a batch's e-mail: its own .eml, held to the draft
            names = [draft.file]
        elif not names and item.request.batch_id:
            missing.append(_batch_letter(journal, item.request))
        for name in names:
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
        missing.append(_("the attachments of reply #{reply} ({why})").format(reply=reply.id, why=exc.message))
        return files
    for index, (name, _type, data) in enumerate(iter_attachments(msg), start=1):
        files.append((f"replies/reply-{reply.id}-{index}-{name}", data))
    return files


def _write_packet(out_dir: Path, outputs: list[tuple[str, bytes]]) -> list[Path]:
    """Every file into `out_dir` (replies/ made by us, never a planted link), each folder synced
    once; on a failure what was written is removed."""
    from broker_audit.files import deferred_folder_sync, ensure_folder, write_bytes

    written: list[Path] = []
    try:
        ensure_folder(out_dir, what=_("evidence folder"))
        with deferred_folder_sync():
            for name, data in outputs:
                path = out_dir / name
                if path.parent != out_dir:  # replies/: ours to make, never a planted link
                    ensure_folder(path.parent, what=_("evidence folder"), own=True)
                written.append(write_bytes(path, data, what=_("evidence file")))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
