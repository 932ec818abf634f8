"""`broker-audit inbox`: read the brokers' replies from the user's mailbox and keep them as evidence.

Read-only on the server (EXAMINE, BODY.PEEK) unless the user asks to file the matched messages
into a folder. Headers are read for every message since the date; whole messages only for those
that may be about a request (our reference, a Message-ID we sent, a broker's sender, a delivery
failure notice). Each message is parsed in memory within the bounds of mail/bounds.py: one over a
bound is listed as skipped (by UID, Message-ID, sender and subject, read without a parser), never
stored, and the run goes on. The server is held to its own word (mail/imap.py): a message larger
than announced, or a server slower than the time limits, ends the run with a clear message and
every reply read before it kept.

Matched replies are stored encrypted in the vault, a hundred at a time, each batch in one
transaction: under the writer lock each is matched again against the log as it is then, given the
next free id, and skipped if the same message is kept already (services/replies.ReplyBuffer).
Flagged, unmatched and too-large ones are listed; everything else is ignored and never stored. A
reply whose sender the user's mail server did not authenticate is stored and shown, but its
suggested state is applied only if the user confirms it after a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import MailError, MessageRefused, UserError
from broker_audit.mail.match import Known, Senders, broker_senders, references_in
from broker_audit.mail.parse import domain_of, message_ids
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.services.replies import (
    Binding,
    PendingReply,
    ReplyBuffer,
    ReplySummary,
    apply_reply,
    summarize,
)
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.mail_records import ReplyStored, reply_identity
from broker_audit.tracking.next_step import in_chain
from broker_audit.tracking.states import AWAITING

if TYPE_CHECKING:
    from broker_audit.mail.imap import Envelope
    from broker_audit.mail.parse import ParsedMessage
    from broker_audit.registry.load import Registry

DEFAULT_MAX_MB = 25
DEFAULT_SINCE_DAYS = 30
DEFAULT_MINUTES = 20  # the whole run
MESSAGE_SECONDS = 180.0  # one message (or one chunk of headers)


@dataclass(frozen=True)
class InboxNotice:
    """A message that needs the user: flagged, unmatched from a broker, a bounce, too large, or
    skipped by the parser's bounds."""

    kind: str  # "flagged", "unmatched", "bounce", "too-large", "skipped"
    received: dt.datetime
    from_addr: str
    subject: str
    reason: str
    request_id: int | None = None
    candidates: tuple[int, ...] = ()
    size: int = 0
    uid: int = 0
    message_id: str = ""


@dataclass(frozen=True)
class Applied:
    reply_id: int
    request_id: int
    state: str
    error: str = ""
    sender_checked: bool = False  # applied although the sender was not authenticated


@dataclass(frozen=True)
class InboxResult:
    folder: str
    since: dt.date
    scanned: int
    fetched: int
    stored: list[ReplySummary] = field(default_factory=list)
    already_stored: int = 0
    notices: list[InboxNotice] = field(default_factory=list)
    ignored: int = 0
    applied: list[Applied] = field(default_factory=list)
    withdrawn: list[tuple[int, int]] = field(default_factory=list)  # (follow-up, reply): answered
    filed: int = 0
    filed_how: str = ""
    filed_into: str = ""
    stopped: str = ""  # why reading ended early (a lying or slow server); what was read is kept

    @property
    def needs_attention(self) -> bool:
        return bool(self.stopped) or any(
            n.kind in ("flagged", "too-large", "bounce", "skipped") for n in self.notices
        )


def root_request(journal: Journal, request_id: int) -> int:
    """The request a chain letter (follow-up, appeal) is about: replies belong there."""
    seen = set()
    current = journal.requests[request_id]
    while current.linked_to is not None and in_chain(current.kind) and current.id not in seen:
        seen.add(current.id)
        parent = journal.requests.get(current.linked_to)
        if parent is None:
            break
        current = parent
    return current.id


def known_for(journal: Journal, registry: Registry, own: str) -> Known:
    from broker_audit.errors import UnknownBroker
    from broker_audit.registry.shared_hosts import shared_hosts

    shared = shared_hosts()
    references: dict[str, int] = {}
    broker_of: dict[int, str] = {}
    open_requests: dict[str, list[int]] = {}
    senders: dict[str, Senders] = {}
    names: dict[str, str] = {}
    for request in journal.requests.values():
        root = root_request(journal, request.id)
        references.setdefault(request.reference, root)
        broker_of[request.id] = request.broker_id
        if not request.broker_id or request.broker_id in senders:
            continue
        try:
            broker = registry.get(request.broker_id)
        except (KeyError, UnknownBroker):
            senders[request.broker_id] = Senders()
            continue
        names[broker.id] = broker.name
        senders[broker.id] = broker_senders(((r.channel, r.value) for r in broker.routes), shared)
    for view in journal.views():
        request = view.request
        if request.broker_id and not in_chain(request.kind) and view.state in AWAITING:
            open_requests.setdefault(request.broker_id, []).append(request.id)
    sent_ids = {
        sent.message_id.lower(): root_request(journal, request_id)
        for request_id, items in journal.sent_mail.items()
        for sent in items
    }
    return Known(
        references=references,
        message_ids=sent_ids,
        broker_of=broker_of,
        senders=senders,
        open_requests=open_requests,
        broker_names=names,
        own_addresses=frozenset({own.lower()}) if own else frozenset(),
    )


def default_since(journal: Journal, today: dt.date) -> dt.date:
    """From the first day an open request was sent (a day earlier), else the last 30 days."""
    sent = [v.sent for v in journal.views() if v.sent is not None and v.state in AWAITING]
    return min(sent) - dt.timedelta(days=1) if sent else today - dt.timedelta(days=DEFAULT_SINCE_DAYS)


def _get(head: Message, name: str) -> str:
    try:
        return " ".join(str(head.get(name, "") or "").split())
    except Exception:  # a header the parser cannot decode
        return ""


def _may_be_about_us(head: Message, known: Known, text_hits: bool) -> bool:
    if text_hits:
        return True
    if references_in(_get(head, "Subject")):
        return True
    ids = message_ids(f"{_get(head, 'In-Reply-To')} {_get(head, 'References')}")
    if any(i in known.message_ids for i in ids):
        return True
    if "multipart/report" in _get(head, "Content-Type").lower():
        return True
    from email.utils import parseaddr

    sender = parseaddr(_get(head, "From"))[1]
    return bool(domain_of(sender)) and bool(known.brokers_of_sender(sender))


def _header_request(head: Message, known: Known) -> int | None:
    """The request a message's headers point at (for a message not read further), or None."""
    ids = message_ids(f"{_get(head, 'In-Reply-To')} {_get(head, 'References')}")
    hit = next((known.message_ids[i] for i in ids if i in known.message_ids), None)
    if hit is None:
        refs = [r for r in references_in(_get(head, "Subject")) if r in known.references]
        hit = known.references[refs[0]] if refs else None
    return hit


def _header_fields(head: Message) -> tuple[str, str, str]:
    from email.utils import parseaddr

    from broker_audit.cleantext import clean_line

    return (
        clean_line(parseaddr(_get(head, "From"))[1]),
        clean_line(_get(head, "Subject")),
        (message_ids(_get(head, "Message-ID")) or ("",))[0],
    )


def _skipped(env: Envelope, raw: bytes, refused: MessageRefused) -> InboxNotice:
    from broker_audit.mail.bounds import rough_fields

    sender, subject, message_id = rough_fields(raw)
    return InboxNotice(
        "skipped",
        env.arrived,
        sender,
        subject,
        f"skipped: {refused.reason} ({refused.detail}); left on the server, not stored",
        size=env.size,
        uid=env.uid,
        message_id=message_id,
    )


def _binder(registry: Registry, own: str) -> Callable[[Journal], Callable[[PendingReply], Binding | str]]:
    """Under the writer lock: match each reply again against the log as it is then."""
    from broker_audit.mail.match import match_message

    def bind_all(journal: Journal) -> Callable[[PendingReply], Binding | str]:
        known = known_for(journal, registry, own)

        def bind(pending: PendingReply) -> Binding | str:
            parsed: ParsedMessage = pending.context
            found = match_message(parsed, known)
            if found.outcome != "matched" or found.request_id is None:
                return found.reason or f"no longer matches a request ({found.outcome})"
            return Binding(
                request_id=found.request_id,
                matched_by=found.matched_by or "reference",
                authenticated=found.authenticated,
                auth_note=parsed.auth_detail,
            )

        return bind

    return bind_all


def _withdraw_answered(journal: Journal, kept: list[ReplyStored], today: dt.date) -> list[tuple[int, int]]:
    """Drafted follow-ups of the requests that just got a reply are withdrawn (services/answered.py)."""
    from broker_audit.services.answered import withdraw_followups

    return withdraw_followups(journal, [(r.request_id, r.id) for r in kept], today) if kept else []


def read_inbox(
    access: VaultAccess,
    *,
    registry: Registry,
    today: dt.date,
    password: Callable[[], str],
    since: dt.date | None = None,
    folder: str = "INBOX",
    cafile: Path | None = None,
    max_mb: int = DEFAULT_MAX_MB,
    decide: Callable[[ReplySummary], str | None] | None = None,
    confirm_unauthenticated: Callable[[ReplySummary, str], bool] | None = None,
    file_into: str | None = None,
    confirm_filing: Callable[[int, str], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    minutes: float = DEFAULT_MINUTES,
    message_seconds: float = MESSAGE_SECONDS,
) -> InboxResult:
    """Read replies since `since`; store the matched ones; let `decide` choose each one's state
    (for a reply whose sender was not authenticated, only if `confirm_unauthenticated` says so)."""
    from broker_audit.mail.bounds import Limits, parse_bounded
    from broker_audit.mail.imap import ImapSession, ImapSettings
    from broker_audit.mail.match import match_message as _match
    from broker_audit.mail.parse import parse_message, sha256
    from broker_audit.mail.rules import suggest_state

    if max_mb < 1:
        raise UserError("--max-size must be at least 1 (MB)")
    if minutes <= 0:
        raise UserError("--time-limit must be more than 0 minutes")
    if since is not None and since > today:
        raise UserError(f"--since {since.isoformat()} is in the future")
    max_bytes = max_mb * 1024 * 1024
    limits = Limits(max_bytes=max_bytes, max_decoded=max_bytes)
    with open_journal(access) as journal:
        account = require_account(journal, imap=True)
        known = known_for(journal, registry, account.from_addr)
        since = since or default_since(journal, today)
        kept_identities = set(journal.reply_identities())
        settings = ImapSettings(
            host=account.imap_host,
            port=account.imap_port,
            user=account.imap_user or account.smtp_user,
            cafile=cafile_for(account, cafile),
        )
        secret = account_password(account, password)
        buffer = ReplyBuffer(journal, binder=_binder(registry, account.from_addr))
        kept: list[ReplyStored] = []
        notices: list[InboxNotice] = []
        ignored = already = fetched = 0
        to_file: list[int] = []
        filed_how = stopped = ""
        uids: list[int] = []
        pending_uids: dict[str, int] = {}  # identity -> UID, for filing what was stored

        def flush() -> None:
            nonlocal already
            flushed = buffer.flush()
            kept.extend(flushed.stored)
            already += len(flushed.duplicates)
            for pending, why in flushed.dropped:
                parsed: ParsedMessage = pending.context
                notices.append(
                    InboxNotice(
                        "flagged",
                        pending.received,
                        parsed.from_addr,
                        parsed.subject,
                        why,
                        uid=pending_uids.get(pending.identity, 0),
                    )
                )
            for record in flushed.stored:
                uid = pending_uids.get(record.identity)
                if uid is not None:
                    to_file.append(uid)

        with ImapSession(settings, secret, op_seconds=message_seconds, run_seconds=minutes * 60) as session:
            del secret
            try:
                session.examine(folder)
                uids = session.search_since(since)
                text_hits = set(session.search_since(since, "BA-")) if uids else set()
                for done, env in enumerate(session.envelopes(uids), start=1):
                    if progress is not None and done % 100 == 0:
                        progress(done, len(uids))
                    try:
                        head = parse_bounded(env.header, limits, headers_only=True)
                    except MessageRefused as refused:
                        notices.append(_skipped(env, env.header, refused))
                        continue
                    if not _may_be_about_us(head, known, env.uid in text_hits):
                        ignored += 1
                        continue
                    from_addr, subject, message_id = _header_fields(head)
                    if message_id and reply_identity(message_id, "") in kept_identities:
                        already += 1
                        continue
                    if env.size > max_bytes:
                        notices.append(
                            InboxNotice(
                                "too-large",
                                env.arrived,
                                from_addr,
                                subject,
                                f"{env.size / 2**20:.1f} MB, over the {max_mb} MB limit: left on the server, "
                                f"not stored; to keep it run again with --max-size {env.size // 2**20 + 1}",
                                request_id=_header_request(head, known),
                                size=env.size,
                                uid=env.uid,
                                message_id=message_id,
                            )
                        )
                        continue
                    raw = session.message(env.uid, announced=env.size, limit=max_bytes)
                    fetched += 1
                    if not message_id and reply_identity("", sha256(raw)) in kept_identities:
                        already += 1
                        continue
                    try:
                        parsed = parse_message(raw, authserv_id=account.authserv_id, limits=limits)
                    except MessageRefused as refused:
                        notices.append(_skipped(env, raw, refused))
                        continue
                    found = _match(parsed, known)
                    if found.outcome == "ignored":
                        ignored += 1
                        continue
                    if found.outcome != "matched" or found.request_id is None:
                        notices.append(
                            InboxNotice(
                                found.outcome,
                                env.arrived,
                                parsed.from_addr,
                                parsed.subject,
                                found.reason,
                                request_id=found.request_id,
                                candidates=found.candidates,
                                size=env.size,
                                uid=env.uid,
                                message_id=parsed.message_id,
                            )
                        )
                        continue
                    suggestion = suggest_state(parsed.subject, parsed.text)
                    pending = PendingReply(
                        binding=Binding(
                            found.request_id, found.matched_by or "reference", found.authenticated
                        ),
                        received=env.arrived,
                        source="imap",
                        original=raw,
                        original_name="message.eml",
                        original_type="message/rfc822",
                        from_addr=parsed.from_addr,
                        to_addr=parsed.to_addr,
                        subject=parsed.subject,
                        message_id=parsed.message_id,
                        headers=parsed.headers,
                        text=parsed.text,
                        attachments=parsed.attachments,
                        suggested=suggestion.state,
                        reason=suggestion.reason,
                        context=parsed,
                    )
                    del raw
                    kept_identities.add(pending.identity)
                    pending_uids[pending.identity] = env.uid
                    buffer.add(pending)
                    if buffer.full:
                        flush()
            except MailError as exc:  # a lying, slow or vanished server: keep what was read
                stopped = exc.message
            finally:  # what was read is kept even if the connection breaks off
                flush()
            if (
                not stopped
                and file_into
                and to_file
                and (confirm_filing is None or confirm_filing(len(to_file), file_into))
            ):
                filed_how = session.file_into(to_file, file_into)
        stored = [summarize(journal, reply) for reply in kept]
        withdrawn = _withdraw_answered(journal, kept, today)
        applied = _apply_decisions(journal, stored, today, decide, confirm_unauthenticated)
        for index, summary in enumerate(stored):
            stored[index] = summarize(journal, journal.replies[summary.reply_id])
    return InboxResult(
        folder=folder,
        since=since,
        scanned=len(uids),
        fetched=fetched,
        stored=stored,
        already_stored=already,
        notices=notices,
        ignored=ignored,
        applied=applied,
        withdrawn=withdrawn,
        filed=len(to_file) if filed_how else 0,
        filed_how=filed_how,
        filed_into=file_into or "",
        stopped=stopped,
    )


def _apply_decisions(
    journal: Journal,
    stored: list[ReplySummary],
    today: dt.date,
    decide: Callable[[ReplySummary], str | None] | None,
    confirm_unauthenticated: Callable[[ReplySummary, str], bool] | None,
) -> list[Applied]:
    """Ask `decide` for each stored reply's state and apply it; an unauthenticated sender's reply
    only after `confirm_unauthenticated` (which shows the warning) says yes."""
    from broker_audit.services.replies import unauthenticated_warning

    applied: list[Applied] = []
    if decide is None:
        return applied
    for summary in stored:
        fresh = summarize(journal, journal.replies[summary.reply_id])
        state = decide(fresh)
        if not state:
            continue
        checked = False
        if not fresh.trusted:
            reply = journal.replies[summary.reply_id]
            if confirm_unauthenticated is None or not confirm_unauthenticated(fresh, state):
                applied.append(
                    Applied(
                        summary.reply_id,
                        summary.request_id,
                        state,
                        error=unauthenticated_warning(reply)
                        + "; not applied (if you checked it is genuine: `broker-audit mark "
                        f"{summary.request_id} {state} --reply {summary.reply_id} --sender-checked`)",
                    )
                )
                continue
            checked = True
        try:
            apply_reply(journal, summary.reply_id, state, today, sender_checked=checked)
            applied.append(Applied(summary.reply_id, summary.request_id, state, sender_checked=checked))
        except UserError as exc:
            applied.append(Applied(summary.reply_id, summary.request_id, state, error=exc.message))
    return applied
