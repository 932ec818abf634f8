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
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from broker_audit.errors import MailError, MessageRefused, UserError
from broker_audit.i18n import _
from broker_audit.mail.match import Known, Senders, broker_senders, references_in
from broker_audit.mail.parse import domain_of, message_ids
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.services.replies import (
    Binding,
    PendingReply,
    ReplyBuffer,
    ReplyContent,
    ReplySummary,
    apply_reply,
    summarize,
)
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.mail_records import ReplyStored, reply_identity
from broker_audit.tracking.next_step import in_chain
from broker_audit.tracking.states import AWAITING

if TYPE_CHECKING:
    from broker_audit.mail.bounds import Limits
    from broker_audit.mail.imap import Envelope, ImapSession
    from broker_audit.registry.load import Registry
    from broker_audit.services.resources import Resources

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


@dataclass(frozen=True)
class InboxOptions:
    """What the user chose for `inbox`."""

    since: dt.date | None = None  # None: from the first day an open request was sent
    folder: str = "INBOX"
    max_mb: int = DEFAULT_MAX_MB  # a larger message is left on the server, listed
    file_into: str | None = None  # move the matched messages into this folder (after asking)
    minutes: float = DEFAULT_MINUTES  # the whole run
    message_seconds: float = MESSAGE_SECONDS  # one message, or one chunk of headers
    cafile: Path | None = None  # the IMAP server's certificate authority, if not the system's

    def check(self, today: dt.date) -> None:
        if self.max_mb < 1:
            raise UserError("--max-size must be at least 1 (MB)")
        if self.minutes <= 0:
            raise UserError("--time-limit must be more than 0 minutes")
        if self.since is not None and self.since > today:
            raise UserError(f"--since {self.since.isoformat()} is in the future")

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024


@dataclass(frozen=True)
class InboxAsks:
    """What `inbox` asks the user (None: nothing is asked, nothing is applied or filed)."""

    decide: Callable[[ReplySummary], str | None] | None = None  # the state a stored reply leads to
    # for a reply whose sender was not authenticated: apply `state` after the warning?
    confirm_unauthenticated: Callable[[ReplySummary, str], bool] | None = None
    confirm_filing: Callable[[int, str], bool] | None = None  # move N messages into the folder?
    progress: Callable[[int, int], None] | None = None  # (messages looked at, of all)


@dataclass(frozen=True)
class Heads:
    """What `inbox` reads of a message's headers before it fetches the message (each header
    read once): enough to tell whether it may be about a request, and to list it."""

    sender: str  # the From: address as parsed (matched against the brokers' senders)
    from_addr: str  # the same, cleaned, for show
    subject: str  # cleaned, for show
    subject_refs: tuple[str, ...]  # our references (BA-...) in the Subject
    message_id: str  # lower case, with <>; "" if none
    reply_ids: tuple[str, ...]  # the Message-IDs of In-Reply-To and References
    report: bool  # a multipart/report (a delivery notice)


def _get(head: Message, name: str) -> str:
    try:
        return " ".join(str(head.get(name, "") or "").split())
    except Exception:  # a header the parser cannot decode
        return ""


def heads_of(head: Message) -> Heads:
    """The headers `inbox` looks at, each read from the parsed header block once."""
    from email.utils import parseaddr

    from broker_audit.cleantext import clean_line

    sender = parseaddr(_get(head, "From"))[1]
    subject = _get(head, "Subject")
    return Heads(
        sender=sender,
        from_addr=clean_line(sender),
        subject=clean_line(subject),
        subject_refs=tuple(references_in(subject)),
        message_id=(message_ids(_get(head, "Message-ID")) or ("",))[0],
        reply_ids=message_ids(f"{_get(head, 'In-Reply-To')} {_get(head, 'References')}"),
        report="multipart/report" in _get(head, "Content-Type").lower(),
    )


def may_be_about_us(heads: Heads, known: Known, text_hit: bool) -> bool:
    """Worth fetching whole: our reference in its text or subject, an answer to a message we
    sent, a delivery notice, or mail from a broker's sender."""
    if text_hit or heads.subject_refs:
        return True
    if any(i in known.message_ids for i in heads.reply_ids):
        return True
    if heads.report:
        return True
    return bool(domain_of(heads.sender)) and bool(known.brokers_of_sender(heads.sender))


def header_request(heads: Heads, known: Known) -> int | None:
    """The request a message's headers point at (for a message not read further), or None."""
    hit = next((known.message_ids[i] for i in heads.reply_ids if i in known.message_ids), None)
    if hit is None:
        refs = [r for r in heads.subject_refs if r in known.references]
        hit = known.references[refs[0]] if refs else None
    return hit


def _skipped(env: Envelope, raw: bytes, refused: MessageRefused) -> InboxNotice:
    from broker_audit.mail.bounds import rough_fields

    sender, subject, message_id = rough_fields(raw)
    return InboxNotice(
        "skipped",
        env.arrived,
        sender,
        subject,
        _("skipped: {reason} ({detail}); left on the server, not stored").format(
            reason=refused.reason, detail=refused.detail
        ),
        size=env.size,
        uid=env.uid,
        message_id=message_id,
    )


def _too_large(env: Envelope, heads: Heads, known: Known, max_mb: int) -> InboxNotice:
    return InboxNotice(
        "too-large",
        env.arrived,
        heads.from_addr,
        heads.subject,
        _(
            "{value:.1f} MB, over the {max_mb} MB limit: left on the server, not stored; "
            "to keep it run again with --max-size {value2}"
        ).format(value=env.size / 2**20, max_mb=max_mb, value2=env.size // 2**20 + 1),
        request_id=header_request(heads, known),
        size=env.size,
        uid=env.uid,
        message_id=heads.message_id,
    )


def _binder(registry: Registry, own: str) -> Callable[[Journal], Callable[[PendingReply], Binding | str]]:
    """Under the writer lock: match each reply again against the log as it is then."""
    from broker_audit.mail.match import match_message

    def bind_all(journal: Journal) -> Callable[[PendingReply], Binding | str]:
        known = known_for(journal, registry, own)

        def bind(pending: PendingReply) -> Binding | str:
            parsed = pending.context
            if parsed is None:
                return "no longer matches a request (not read from the mailbox)"  # i18n: English on purpose
            found = match_message(parsed, known)
            if found.outcome != "matched" or found.request_id is None:
                return (
                    found.reason or f"no longer matches a request ({found.outcome})"
                )  # i18n: English on purpose (stored)
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


Skip = Literal["ignored", "already"]
"""A message passed over: not about a request, or kept already."""


@dataclass
class _Scan:
    """What the scan has looked at so far: messages passed over, fetched, listed."""

    uids: list[int] = field(default_factory=list)
    fetched: int = 0
    ignored: int = 0
    already: int = 0
    notices: list[InboxNotice] = field(default_factory=list)

    def count(self, outcome: Skip | InboxNotice) -> None:
        if outcome == "ignored":
            self.ignored += 1
        elif outcome == "already":
            self.already += 1
        else:
            assert isinstance(outcome, InboxNotice)
            self.notices.append(outcome)


class _Store:
    """The store stage: matched replies queued and stored a batch at a time (ReplyBuffer), the
    identities kept (the vault's and this run's), the UIDs of what was stored (for filing)."""

    def __init__(self, journal: Journal, buffer: ReplyBuffer, scan: _Scan) -> None:
        self.buffer = buffer
        self.scan = scan
        self.identities = set(journal.reply_identities())
        self.uids: dict[str, int] = {}  # identity -> UID
        self.kept: list[ReplyStored] = []
        self.to_file: list[int] = []

    def add(self, pending: PendingReply, uid: int) -> None:
        self.identities.add(pending.identity)
        self.uids[pending.identity] = uid
        self.buffer.add(pending)
        if self.buffer.full:
            self.flush()

    def flush(self) -> None:
        flushed = self.buffer.flush()
        self.kept.extend(flushed.stored)
        self.scan.already += len(flushed.duplicates)
        for pending, why in flushed.dropped:
            self.scan.notices.append(
                InboxNotice(
                    "flagged",
                    pending.received,
                    pending.content.from_addr,
                    pending.content.subject,
                    why,
                    uid=self.uids.get(pending.identity, 0),
                )
            )
        for record in flushed.stored:
            uid = self.uids.get(record.identity)
            if uid is not None:
                self.to_file.append(uid)


def triage(
    env: Envelope, known: Known, kept: Container[str], options: InboxOptions, limits: Limits, text_hit: bool
) -> Heads | InboxNotice | Skip:
    """The scan stage, for one message: its headers (bounded), then whether to fetch it whole
    (`Heads`), list it (a notice: skipped by the bounds, or too large), or pass it over (not
    about a request, or its Message-ID among the `kept` reply identities)."""
    from broker_audit.mail.bounds import parse_bounded

    try:
        head = parse_bounded(env.header, limits, headers_only=True)
    except MessageRefused as refused:
        return _skipped(env, env.header, refused)
    heads = heads_of(head)
    if not may_be_about_us(heads, known, text_hit):
        return "ignored"
    if heads.message_id and reply_identity(heads.message_id, "") in kept:
        return "already"
    if env.size > options.max_bytes:
        return _too_large(env, heads, known, options.max_mb)
    return heads


def match_fetched(
    env: Envelope,
    raw: bytes,
    heads: Heads,
    known: Known,
    kept: Container[str],
    authserv_id: str,
    limits: Limits,
) -> PendingReply | InboxNotice | Skip:
    """The match stage, for one message fetched whole: parsed (bounded), matched to a request
    (mail/match.py), and made a reply to store, a notice, or passed over (not about a request,
    or, without a Message-ID, its digest among the `kept` reply identities)."""
    from broker_audit.mail.match import match_message
    from broker_audit.mail.parse import parse_message, sha256
    from broker_audit.mail.rules import suggest_state

    if not heads.message_id and reply_identity("", sha256(raw)) in kept:
        return "already"
    try:
        parsed = parse_message(raw, authserv_id=authserv_id, limits=limits)
    except MessageRefused as refused:
        return _skipped(env, raw, refused)
    found = match_message(parsed, known)
    if found.outcome == "ignored":
        return "ignored"
    if found.outcome != "matched" or found.request_id is None:
        return InboxNotice(
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
    suggestion = suggest_state(parsed.subject, parsed.text)
    return PendingReply(
        binding=Binding(found.request_id, found.matched_by or "reference", found.authenticated),
        received=env.arrived,
        source="imap",
        original=raw,
        original_name="message.eml",
        original_type="message/rfc822",
        content=ReplyContent.of_message(parsed),
        suggested=suggestion.state,
        reason=suggestion.reason,
        context=parsed,
    )


def _scan_and_store(
    session: ImapSession,
    since: dt.date,
    known: Known,
    store: _Store,
    options: InboxOptions,
    progress: Callable[[int, int], None] | None,
    authserv_id: str,
) -> str:
    """Scan every message since `since`, fetch and match those that may be about a request, and
    store the matched ones a batch at a time. Returns why reading stopped early, or ""; what was
    read before is stored either way."""
    from broker_audit.mail.bounds import Limits

    limits = Limits(max_bytes=options.max_bytes, max_decoded=options.max_bytes)
    scan = store.scan
    try:
        session.examine(options.folder)
        scan.uids = session.search_since(since)
        text_hits = set(session.search_since(since, "BA-")) if scan.uids else set()
        for done, env in enumerate(session.envelopes(scan.uids), start=1):
            if progress is not None and done % 100 == 0:
                progress(done, len(scan.uids))
            heads = triage(env, known, store.identities, options, limits, env.uid in text_hits)
            if not isinstance(heads, Heads):
                scan.count(heads)
                continue
            raw = session.message(env.uid, announced=env.size, limit=options.max_bytes)
            scan.fetched += 1
            outcome = match_fetched(env, raw, heads, known, store.identities, authserv_id, limits)
            del raw
            if isinstance(outcome, PendingReply):
                store.add(outcome, env.uid)
            else:
                scan.count(outcome)
    except MailError as exc:  # a lying, slow or vanished server: keep what was read
        return exc.message
    finally:  # what was read is kept even if the connection breaks off
        store.flush()
    return ""


def read_inbox(
    access: VaultAccess,
    options: InboxOptions = InboxOptions(),
    *,
    resources: Resources,
    today: dt.date,
    password: Callable[[], str],
    asks: InboxAsks = InboxAsks(),
) -> InboxResult:
    """Read replies since `options.since`; store the matched ones; let `asks.decide` choose each
    one's state (for a reply whose sender was not authenticated, only if
    `asks.confirm_unauthenticated` says so).

    In stages: scan each message's headers (`triage`), fetch and match those that may be about a
    request (`match_fetched`), store the matched ones a batch at a time (`_Store`), then file
    them (if asked), withdraw answered follow-ups and apply the states chosen (`_apply_stage`)."""
    registry = resources.registry
    from broker_audit.mail.imap import ImapSession, ImapSettings

    options.check(today)
    with open_journal(access) as journal:
        account = require_account(journal, imap=True)
        known = known_for(journal, registry, account.from_addr)
        since = options.since or default_since(journal, today)
        settings = ImapSettings(
            host=account.imap_host,
            port=account.imap_port,
            user=account.imap_user or account.smtp_user,
            cafile=cafile_for(account, options.cafile),
        )
        secret = account_password(account, password)
        store = _Store(journal, ReplyBuffer(journal, binder=_binder(registry, account.from_addr)), _Scan())
        filed_how = ""
        with ImapSession(
            settings, secret, op_seconds=options.message_seconds, run_seconds=options.minutes * 60
        ) as session:
            del secret
            stopped = _scan_and_store(
                session, since, known, store, options, asks.progress, account.authserv_id
            )
            if not stopped and _filing_confirmed(store, options, asks):
                filed_how = session.file_into(store.to_file, options.file_into or "")
        stored, withdrawn, applied = _apply_stage(journal, store.kept, today, asks)
    scan = store.scan
    return InboxResult(
        folder=options.folder,
        since=since,
        scanned=len(scan.uids),
        fetched=scan.fetched,
        stored=stored,
        already_stored=scan.already,
        notices=scan.notices,
        ignored=scan.ignored,
        applied=applied,
        withdrawn=withdrawn,
        filed=len(store.to_file) if filed_how else 0,
        filed_how=filed_how,
        filed_into=options.file_into or "",
        stopped=stopped,
    )


def _filing_confirmed(store: _Store, options: InboxOptions, asks: InboxAsks) -> bool:
    if not options.file_into or not store.to_file:
        return False
    return asks.confirm_filing is None or asks.confirm_filing(len(store.to_file), options.file_into)


def _apply_stage(
    journal: Journal, kept: list[ReplyStored], today: dt.date, asks: InboxAsks
) -> tuple[list[ReplySummary], list[tuple[int, int]], list[Applied]]:
    """The apply stage: the stored replies summed up, the follow-ups they answer withdrawn, the
    states the user chose applied; the summaries read again after."""
    stored = [summarize(journal, reply) for reply in kept]
    withdrawn = _withdraw_answered(journal, kept, today)
    applied = _apply_decisions(journal, stored, today, asks.decide, asks.confirm_unauthenticated)
    return [summarize(journal, journal.replies[s.reply_id]) for s in stored], withdrawn, applied


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
                        + _(
                            "; not applied (if you checked it is genuine: `broker-audit mark {request_id} "
                            "{state} --reply {reply_id} --sender-checked`)"
                        ).format(request_id=summary.request_id, state=state, reply_id=summary.reply_id),
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
