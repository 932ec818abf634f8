"""Replies kept in the vault: storing one (from `inbox` or `reply --file`), applying its status,
and listing a request's replies for `show`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import UserError
from broker_audit.i18n import _
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import (
    AttachmentInfo,
    MatchedBy,
    Payload,
    ReplySource,
    ReplyStored,
    reply_identity,
)
from broker_audit.tracking.model import RequestView, StatusChanged
from broker_audit.tracking.shown import RequestRecord, request_record
from broker_audit.tracking.states import State, parse_state, transitions_for

if TYPE_CHECKING:
    from broker_audit.mail.parse import ParsedMessage


@dataclass(frozen=True)
class ReplySummary:
    """One stored reply as `show`, `inbox` and `reply` present it."""

    reply_id: int
    request_id: int
    broker_name: str
    received: dt.datetime
    source: str
    matched_by: str
    from_addr: str
    subject: str
    suggested: str
    reason: str
    confirmed: str  # the state applied from this reply, or ""
    attachments: tuple[tuple[str, int], ...]  # (name, size)
    original_name: str
    original_size: int
    excerpt: str
    request_state: str = ""
    can_apply: bool = False  # the lifecycle allows the suggested state now
    why_not: str = ""
    authenticated: bool | None = None  # None: a file added by hand (or kept before the check)
    auth_note: str = ""
    trusted: bool = False  # authenticated, or added by hand: may be applied without a warning


def confirmed_state(journal: Journal, reply: ReplyStored) -> str:
    for event in journal.view(reply.request_id).events:  # one request's chunk, not every request
        if event.reply_id == reply.id:
            return event.state.value
    return ""


def excerpt(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def summarize(journal: Journal, reply: ReplyStored) -> ReplySummary:
    view = journal.view(reply.request_id)
    confirmed = confirmed_state(journal, reply)
    can_apply, why_not = False, ""
    if confirmed:
        why_not = _("already applied: {confirmed}").format(confirmed=confirmed)
    elif not reply.suggested:
        why_not = _("no suggestion")
    else:
        allowed = transitions_for(view.request.kind).get(view.state, frozenset())
        can_apply = State(reply.suggested) in allowed
        if not can_apply:
            why_not = _("request #{request_id} is {value}; it cannot become {suggested}").format(
                request_id=reply.request_id, value=view.state.value, suggested=reply.suggested
            )
            if view.state is State.DRAFTED:
                why_not += _(" (record how it was sent first: `broker-audit mark ID sent --via ...`)")
    return ReplySummary(
        reply_id=reply.id,
        request_id=reply.request_id,
        broker_name=view.request.recipient_name,
        received=reply.received,
        source=reply.source,
        matched_by=reply.matched_by,
        from_addr=reply.from_addr,
        subject=reply.subject,
        suggested=reply.suggested,
        reason=reply.suggestion_reason,
        confirmed=confirmed,
        attachments=tuple((a.name, a.size) for a in reply.attachments),
        original_name=reply.original_name,
        original_size=reply.original_size,
        excerpt=excerpt(reply.text),
        request_state=view.state.value,
        can_apply=can_apply,
        why_not=why_not,
        authenticated=reply.authenticated,
        auth_note=reply.auth_note,
        trusted=reply.trusted,
    )


@dataclass(frozen=True)
class Binding:
    """Which request a reply is kept with, how it was linked, and whether its sender was
    authenticated (None: not asked, for a file added by hand)."""

    request_id: int
    matched_by: MatchedBy
    authenticated: bool | None = None
    auth_note: str = ""


@dataclass(frozen=True)
class ReplyContent:
    """What a reply says, as it is kept: an e-mail's sender, recipient, subject, Message-ID,
    headers and text; a file's text (if it is text) and the file as its attachment."""

    from_addr: str = ""
    to_addr: str = ""
    subject: str = ""
    message_id: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    text: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()

    @classmethod
    def of_message(cls, parsed: ParsedMessage) -> ReplyContent:
        return cls(
            from_addr=parsed.from_addr,
            to_addr=parsed.to_addr,
            subject=parsed.subject,
            message_id=parsed.message_id,
            headers=parsed.headers,
            text=parsed.text,
            attachments=parsed.attachments,
        )


@dataclass(frozen=True)
class PendingReply:
    """A reply read but not yet stored (see `ReplyBuffer`)."""

    binding: Binding
    received: dt.datetime
    source: ReplySource
    original: bytes
    original_name: str
    original_type: str
    content: ReplyContent = ReplyContent()
    suggested: str = ""
    reason: str = ""
    note: str = ""
    context: ParsedMessage | None = None  # the message read from the mailbox, to match it again

    @functools.cached_property
    def identity(self) -> str:
        from broker_audit.mail.parse import sha256

        return reply_identity(self.content.message_id, sha256(self.original))

    def record(self, reply_id: int, binding: Binding, payload: Payload) -> ReplyStored:
        from broker_audit.mail.parse import sha256, stored_text

        content = self.content
        kept_text, truncated = stored_text(content.text)
        return ReplyStored(
            id=reply_id,
            request_id=binding.request_id,
            received=self.received,
            source=self.source,
            matched_by=binding.matched_by,
            from_addr=content.from_addr,
            to_addr=content.to_addr,
            subject=content.subject,
            message_id=content.message_id,
            headers=list(content.headers),
            text=kept_text,
            text_truncated=truncated,
            original_name=self.original_name,
            original_type=self.original_type,
            original_size=len(self.original),
            sha256=sha256(self.original),
            original=payload,
            attachments=list(content.attachments),
            suggested=self.suggested,
            suggestion_reason=self.reason,
            note=self.note,
            recorded=now(),
            authenticated=binding.authenticated,
            auth_note=binding.auth_note,
        )


Binder = Callable[[PendingReply], "Binding | str"]  # i18n: not user-facing
"""Under the writer lock: the request a pending reply belongs to now, or why it no longer does."""


@dataclass
class Flushed:
    stored: list[ReplyStored] = field(default_factory=list)
    duplicates: list[tuple[PendingReply, int]] = field(default_factory=list)  # (reply, the id it has)
    dropped: list[tuple[PendingReply, str]] = field(default_factory=list)  # (reply, why not stored)


class ReplyBuffer:
    """Replies waiting to be stored together: one vault transaction for many (inbox), flushed by
    count or size. A reply is in the vault only once `flush` returns.

    Everything that decides where a reply goes is read inside the writer lock, in `flush`: its id
    (the next free one then), whether the same message is kept already (its Message-ID, else the
    digest of its bytes: a rerun or a parallel run never stores it twice), and, with a `binder`,
    the request it answers, matched again against the log as it is then."""

    def __init__(
        self,
        journal: Journal,
        *,
        binder: Callable[[Journal], Binder] | None = None,
        max_items: int = 100,
        max_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        self.journal = journal
        self.binder = binder
        self.max_items, self.max_bytes = max_items, max_bytes
        self._items: list[PendingReply] = []
        self._bytes = 0

    @property
    def full(self) -> bool:
        return len(self._items) >= self.max_items or self._bytes >= self.max_bytes

    def add(self, pending: PendingReply) -> None:
        self._items.append(pending)
        self._bytes += len(pending.original)

    def flush(self) -> Flushed:
        """Store every queued reply that is new and still matches, in one transaction."""
        items, self._items, self._bytes = self._items, [], 0
        out = Flushed()
        if not items:
            return out
        journal = self.journal
        with journal.write():
            kept = journal.reply_identities()
            bind = self.binder(journal) if self.binder is not None else None
            next_id = journal.next_reply_id()
            batch: list[tuple[list[bytes], Callable[[list[Payload]], ReplyStored]]] = []
            for pending in items:
                identity = pending.identity
                if identity in kept:
                    out.duplicates.append((pending, kept[identity]))
                    continue
                binding = bind(pending) if bind is not None else pending.binding
                if isinstance(binding, str):
                    out.dropped.append((pending, binding))
                    continue
                kept[identity] = next_id

                def build(
                    payloads: list[Payload],
                    pending: PendingReply = pending,
                    reply_id: int = next_id,
                    b: Binding = binding,
                ) -> ReplyStored:
                    return pending.record(reply_id, b, payloads[0])

                batch.append(([pending.original], build))
                next_id += 1
            records = journal.append_many_with_payloads(batch) if batch else []
        out.stored = [r for r in records if isinstance(r, ReplyStored)]
        return out


def store_reply(journal: Journal, pending: PendingReply) -> ReplyStored:
    """Keep one reply (its original bytes sealed in the vault) linked to its request; UserError
    if the same message or file is kept already."""
    buffer = ReplyBuffer(journal)
    buffer.add(pending)
    flushed = buffer.flush()
    if flushed.duplicates:
        (_pending, reply_id), *_others = flushed.duplicates
        other = journal.replies[reply_id]
        what = "message" if pending.content.message_id else "file"
        raise UserError(
            _("this {what} is kept already, as reply #{reply_id} of request #{request_id}").format(
                what=what, reply_id=reply_id, request_id=other.request_id
            ),
            _("`broker-audit show {request_id}` lists it").format(request_id=other.request_id),
        )
    (record,) = flushed.stored
    return record


def unauthenticated_warning(reply: ReplyStored) -> str:
    """Why a reply's word is not evidence by itself (said before its state is applied)."""
    why = reply.auth_note or _("no authentication result from your mail server")
    return _(
        "reply #{id} claims to come from {value}, but your mail server did not "
        "authenticate that sender ({why}): anyone can send such an email"
    ).format(id=reply.id, value=reply.from_addr or _("an unknown sender"), why=why)


def reply_status_event(
    journal: Journal, reply: ReplyStored, state_text: str, today: dt.date, *, sender_checked: bool = False
) -> StatusChanged:
    """The checked status change a reply leads to (not yet stored).

    It is dated the day the reply is dated (never after today). A reply dated before the request
    was sent, or before its last recorded change, is refused: its date is never moved to make it
    fit, so no letter later says the company answered on a day it did not.
    """
    state = parse_state(state_text)
    _refuse_sending_states(state)
    view = journal.view(reply.request_id)
    on = min(reply.received.date(), today)
    check_reply_date(view, on, what=f"reply #{reply.id}")
    check_extension_in_time(view, state, on)
    what = reply.subject or reply.original_name
    if not reply.trusted and not sender_checked:
        raise UserError(
            unauthenticated_warning(reply),
            _(
                "if you checked that it is genuine, run `broker-audit mark {request_id} "
                "{value} --reply {id} --sender-checked`"
            ).format(request_id=reply.request_id, value=state.value, id=reply.id),
        )
    unverified = (
        "" if reply.trusted else " (sender not authenticated; applied as the user confirmed)"
    )  # i18n: English on purpose (stored)
    return journal.status_event(
        reply.request_id,
        state,
        on=on,
        note=f"reply #{reply.id}: {what}"[: 200 - len(unverified)] + unverified,
        reply_id=reply.id,
    )


def check_extension_in_time(view: RequestView, state: State, on: dt.date) -> None:
    """Refuse an extension told after the deadline counted from a recorded receipt: the laws let
    a company extend only by telling the requester within the first period (Colorado: "within
    forty-five days after receipt of the request", C.R.S. 6-1-1306(2)(a)), so a late notice
    leaves the request overdue rather than moving its due date. A deadline counted from an
    estimated receipt, or a courtesy date, cannot say the notice was late."""
    if state is not State.EXTENDED or view.due is None or view.due_estimated or view.due_courtesy:
        return
    if on > view.due:
        raise UserError(
            _(
                "an extension told on {date} comes after the deadline of request {id} ({due}): the law "
                "lets a company extend only by telling you within the first period, so the request "
                "stays overdue"
            ).format(date=on.isoformat(), id=view.request.id, due=view.due.isoformat()),
            _("record its answer when it comes; `broker-audit followup {id}` writes the follow-up").format(
                id=view.request.id
            ),
        )


def check_reply_date(view: RequestView, on: dt.date, *, what: str = _("the reply")) -> None:
    """Refuse a reply dated before its request was sent (or, for one never recorded as sent,
    before the letter's own date), or before the request's last recorded change."""
    sent = view.sent
    if sent is not None and on < sent:
        raise UserError(
            _("{what} is dated {on}, before request {id} was sent ({sent})").format(
                what=what, on=on.isoformat(), id=view.request.id, sent=sent.isoformat()
            ),
            _("check the date: give the day it came with --on, or file it under the request it answers"),
        )
    if on < view.request.dated:
        raise UserError(
            _("{what} is dated {on}, before request {id}'s letter ({dated})").format(
                what=what, on=on.isoformat(), id=view.request.id, dated=view.request.dated.isoformat()
            ),
            _("check the date: give the day it came with --on, or file it under the request it answers"),
        )
    if view.events and on < view.events[-1].on:
        last = view.events[-1]
        raise UserError(
            _("{what} is dated {on}, before request {id}'s last recorded change ({value} on {on2})").format(
                what=what,
                on=on.isoformat(),
                id=view.request.id,
                value=last.state.value,
                on2=last.on.isoformat(),
            ),
            _("check both dates: changes are recorded in the order they happened"),
        )


def reply_date(headers: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dt.date | None:
    """The day a saved e-mail says it was written (its own Date: header), or None."""
    import email.utils

    value = next((v for name, v in headers if name.lower() == "date"), "")
    try:
        stamp = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    return stamp.date() if stamp is not None else None


def references_elsewhere(
    journal: Journal, request_id: int, *texts: str
) -> tuple[list[str], list[tuple[str, int]]]:
    """The references a reply quotes: (its own request's, [(reference, request id) of others]).
    A request's own are its reference and those of the letters about it (its follow-ups and
    appeals: replies to them belong to it, as in `inbox`)."""
    from broker_audit.mail.match import references_in
    from broker_audit.tracking.next_step import root_of

    own_root = root_of(journal.requests, request_id)
    by_reference = {r.reference: r.id for r in journal.requests.values()}
    own: list[str] = []
    others: list[tuple[str, int]] = []
    for reference in references_in(*texts):
        other = by_reference.get(reference)
        if other is None:
            continue
        if root_of(journal.requests, other) == own_root:
            own.append(reference)
        else:
            others.append((reference, other))
    return own, others


def apply_reply(
    journal: Journal, reply_id: int, state_text: str | None, today: dt.date, *, sender_checked: bool = False
) -> ReplySummary:
    """Apply a reply's suggested state (or `state_text`) to its request. A reply whose sender was
    not authenticated is applied only with `sender_checked` (the user confirmed it, warned)."""
    with journal.write():  # the reply, its request's state and the event, read under the lock
        reply = journal.replies.get(reply_id)
        if reply is None:
            raise UserError(
                _("no reply with id {reply_id}").format(reply_id=reply_id),
                _("`broker-audit show ID` lists a request's replies"),
            )
        if confirmed_state(journal, reply):
            raise UserError(
                _("reply #{reply_id} was already applied ({journal})").format(
                    reply_id=reply_id, journal=confirmed_state(journal, reply)
                )
            )
        chosen = state_text or reply.suggested
        if not chosen:
            raise UserError(
                _("reply #{reply_id} has no suggested state").format(reply_id=reply_id),
                _("name the state, e.g. `--state acknowledged`"),
            )
        event = reply_status_event(journal, reply, chosen, today, sender_checked=sender_checked)
        journal.append([event])
        return summarize(journal, reply)


# --- `broker-audit reply ID --file ...`: a reply that came by post or was saved by hand ---------

REPLY_FILE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": ("text/plain", ()),
    ".eml": ("message/rfc822", ()),
}
MAX_REPLY_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ReplyAdded:
    reply: ReplySummary
    applied: str = ""
    withdrawn: tuple[int, ...] = ()  # drafted follow-ups withdrawn: the company has answered


def read_reply_file(path: Path) -> bytes:
    """The file's bytes, read by the one strict helper: a regular file that is not a symbolic link
    and has no other hard link (a link to /proc/self/environ or to another user's file is
    refused), holding exactly its size, at most MAX_REPLY_FILE_BYTES."""
    from broker_audit.files import read_own_file

    return read_own_file(
        path,
        what=_("reply file"),
        limit=MAX_REPLY_FILE_BYTES,
        hint=_("scan it at a lower resolution, or split it into pages"),
    )


@dataclass(frozen=True)
class ReplyFile:
    """A reply file read by hand: its name as kept, its suffix and type, its bytes."""

    name: str
    suffix: str  # lower case, with the dot: ".pdf"
    content_type: str
    data: bytes


def read_reply(path: Path) -> ReplyFile:
    """The reply file at `path`, checked: one file (not a folder) of a type a reply is kept as,
    whose first bytes are what its name says (read by `read_reply_file`)."""
    from broker_audit.mail.parse import safe_name

    suffix = path.suffix.lower()
    if path.is_dir():
        raise UserError(
            _("{name} is a folder").format(name=path.name), _("give one reply file: --file FOLDER/reply.pdf")
        )
    if suffix not in REPLY_FILE_TYPES:
        raise UserError(
            _("{name}: a reply file is .pdf, .jpg, .png, .txt or .eml").format(name=path.name),
            _("save or scan it as one of those"),
        )
    content_type, magic = REPLY_FILE_TYPES[suffix]
    data = read_reply_file(path)
    if magic and not any(data.startswith(m) for m in magic):
        raise UserError(
            _("{name} does not look like a {value} file").format(name=path.name, value=suffix[1:].upper()),
            _("check the file"),
        )
    return ReplyFile(safe_name(path.name, f"reply{suffix}"), suffix, content_type, data)


def _file_content(
    journal: Journal, request_id: int, file: ReplyFile
) -> tuple[ReplyContent, Binding, dt.date | None]:
    """What a reply file says, the binding it is kept with, and the day it says it was written.

    An .eml is parsed within the bounds of mail/bounds.py (MessageRefused over one) and its
    sender's authentication read as the mailbox's own server wrote it (if one is set up); a .txt
    is its text; any other file is its own attachment."""
    from broker_audit.mail.parse import sha256

    if file.suffix == ".eml":
        from broker_audit.mail.bounds import Limits
        from broker_audit.mail.parse import parse_message

        account = journal.mail_account
        checked = account is not None and bool(account.authserv_id)
        parsed = parse_message(
            file.data,
            authserv_id=account.authserv_id if account is not None else "",
            limits=Limits(max_bytes=MAX_REPLY_FILE_BYTES, max_decoded=MAX_REPLY_FILE_BYTES),
        )
        binding = Binding(
            request_id=request_id,
            matched_by="by hand",  # i18n: English on purpose (stored)
            authenticated=parsed.authentication == "pass" if checked else None,
            auth_note=parsed.auth_detail if checked else "",
        )
        return ReplyContent.of_message(parsed), binding, reply_date(parsed.headers)
    from broker_audit.cleantext import clean_lines

    text = clean_lines(file.data.decode("utf-8", "replace")) if file.suffix == ".txt" else ""
    attachment = AttachmentInfo(
        name=file.name, content_type=file.content_type, size=len(file.data), sha256=sha256(file.data)
    )
    return (
        ReplyContent(text=text, attachments=(attachment,)),
        Binding(request_id, "by hand"),
        None,
    )  # i18n: English on purpose (stored)


def _refuse_sending_states(state: State) -> None:
    if state in (State.SENT, State.DELIVERED, State.DRAFTED):
        raise UserError(
            _("a reply cannot make a request {value}").format(value=state.value),
            _("record sending or receipt with `broker-audit mark ID sent|delivered`"),
        )


def add_reply_file(
    access: VaultAccess,
    request_id: int,
    path: Path,
    *,
    today: dt.date,
    on: dt.date | None = None,
    state: str | None = None,
    note: str = "",
) -> ReplyAdded:
    """Keep a reply saved by hand (a scan or photo of a letter, a saved email, a text) in the vault,
    linked to its request; with `state`, apply that state to the request too.

    An .eml is parsed within the bounds of mail/bounds.py (MessageRefused, nothing stored, over
    one) and dated by its own Date: unless `on` says otherwise; a reply dated before its request
    was sent, or quoting another request's reference and not this one's, is refused. A reply kept
    withdraws the request's drafted follow-ups (services/answered.py)."""
    from broker_audit.mail.rules import suggest_state

    file = read_reply(Path(path))
    with open_journal(access) as journal:
        view = journal.view(request_id)  # UnknownRequest for a wrong id
        content, binding, dated = _file_content(journal, view.request.id, file)
        on = on or dated or today  # an e-mail's own date, unless --on says otherwise
        if on > today:
            raise UserError(
                _("{on} is in the future").format(on=on.isoformat()),
                _("give the day the reply came with --on"),
            )
        check_reply_date(view, on)
        _check_reply_reference(journal, request_id, content.subject, content.text)
        if state is not None:  # refuse a state that cannot be applied before anything is stored
            from broker_audit.tracking.states import check_transition

            wanted = parse_state(state)
            _refuse_sending_states(wanted)
            check_transition(view.state, wanted, request_id, view.request.kind)
        suggestion = suggest_state(content.subject, content.text) if content.text else None
        pending = PendingReply(
            binding=binding,
            received=dt.datetime.combine(on, dt.time(12, 0), tzinfo=dt.UTC),
            source="file",
            original=file.data,
            original_name=file.name,
            original_type=file.content_type,
            content=content,
            suggested=suggestion.state if suggestion else "",
            reason=suggestion.reason if suggestion else "",
            note=note,
        )
        with journal.write():  # the id, the duplicate check and the state change under one lock
            reply = store_reply(journal, pending)
            applied = ""
            if state is not None:
                applied = apply_reply(journal, reply.id, state, today).confirmed
        from broker_audit.services.answered import withdraw_followups

        withdrawn = withdraw_followups(journal, [(request_id, reply.id)], today)
        return ReplyAdded(
            reply=summarize(journal, journal.replies[reply.id]),
            applied=applied,
            withdrawn=tuple(f for f, _ in withdrawn),
        )


def _check_reply_reference(journal: Journal, request_id: int, subject: str, text: str) -> None:
    """Refuse a reply that quotes another request's reference and not this one's: it answers
    that request (as `inbox` flags it: nothing is stored under the wrong request)."""
    own, others = references_elsewhere(journal, request_id, subject, text)
    if others and not own:
        reference, other = others[0]
        name = journal.requests[other].recipient_name
        raise UserError(
            _(
                "the reply carries the reference {reference} of request #{other} ({name}), not "
                "that of #{request_id} ({reference2}): not stored"
            ).format(
                reference=reference,
                other=other,
                name=name,
                request_id=request_id,
                reference2=journal.requests[request_id].reference,
            ),
            _("file it under the request it answers: `broker-audit reply {other} --file ...`").format(
                other=other
            ),
        )


def request_replies(access: VaultAccess, request_id: int) -> list[ReplySummary]:
    with open_journal(access) as journal:
        journal.view(request_id)
        return [summarize(journal, r) for r in journal.request_replies(request_id)]


class ShownRequest(RequestRecord, frozen=True, kw_only=True):
    """One request, its history and its replies: the data of `show --json`."""

    replies: list[ReplySummary]


def shown_request(view: RequestView, replies: list[ReplySummary], today: dt.date) -> ShownRequest:
    """The request of `view` with its replies, its days left counted on `today`."""
    import msgspec

    return ShownRequest(**msgspec.structs.asdict(request_record(view, today)), replies=replies)


def request_detail(access: VaultAccess, request_id: int) -> tuple[RequestView, list[ReplySummary]]:
    """A request's view and its replies, read in one unlock (for `show`)."""
    with open_journal(access) as journal:
        view = journal.view(request_id)
        return view, [summarize(journal, r) for r in journal.request_replies(request_id)]
