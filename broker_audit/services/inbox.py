"""`broker-audit inbox`: read the brokers' replies from the user's mailbox and keep them as evidence.

Read-only on the server (EXAMINE, BODY.PEEK) unless the user asks to file the matched messages
into a folder. Headers are read for every message since the date; whole messages only for those
that may be about a request (our reference, a Message-ID we sent, a known broker's domain, a
delivery failure notice). Matched replies are stored encrypted in the vault with a suggested
status; flagged, unmatched and too-large ones are listed; everything else is ignored and never
stored. Each message is parsed in memory: no file is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import UserError
from broker_audit.mail.match import Known, broker_domains, domain_belongs, references_in
from broker_audit.mail.parse import domain_of, message_ids
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.services.replies import ReplyBuffer, ReplySummary, apply_reply, summarize
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.mail_records import ReplyStored
from broker_audit.tracking.next_step import in_chain
from broker_audit.tracking.states import AWAITING

if TYPE_CHECKING:
    from broker_audit.registry.load import Registry

DEFAULT_MAX_MB = 25
DEFAULT_SINCE_DAYS = 30


@dataclass(frozen=True)
class InboxNotice:
    """A message that needs the user: flagged, unmatched from a broker, a bounce, too large."""

    kind: str  # "flagged", "unmatched", "bounce", "too-large"
    received: dt.datetime
    from_addr: str
    subject: str
    reason: str
    request_id: int | None = None
    candidates: tuple[int, ...] = ()
    size: int = 0


@dataclass(frozen=True)
class Applied:
    reply_id: int
    request_id: int
    state: str
    error: str = ""


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

    @property
    def needs_attention(self) -> bool:
        return any(n.kind in ("flagged", "too-large", "bounce") for n in self.notices)


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

    references: dict[str, int] = {}
    broker_of: dict[int, str] = {}
    open_requests: dict[str, list[int]] = {}
    domains: dict[str, frozenset[str]] = {}
    names: dict[str, str] = {}
    for request in journal.requests.values():
        root = root_request(journal, request.id)
        references.setdefault(request.reference, root)
        broker_of[request.id] = request.broker_id
        if not request.broker_id or request.broker_id in domains:
            continue
        try:
            broker = registry.get(request.broker_id)
        except (KeyError, UnknownBroker):
            domains[request.broker_id] = frozenset()
            continue
        names[broker.id] = broker.name
        domains[broker.id] = broker_domains(
            (r.value for r in broker.routes if r.channel == "email"), broker.website
        )
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
        domains=domains,
        open_requests=open_requests,
        broker_names=names,
        own_addresses=frozenset({own.lower()}) if own else frozenset(),
    )


def default_since(journal: Journal, today: dt.date) -> dt.date:
    """From the first day an open request was sent (a day earlier), else the last 30 days."""
    sent = [v.sent for v in journal.views() if v.sent is not None and v.state in AWAITING]
    return min(sent) - dt.timedelta(days=1) if sent else today - dt.timedelta(days=DEFAULT_SINCE_DAYS)


def _may_be_about_us(header: bytes, known: Known, text_hits: bool) -> bool:
    if text_hits:
        return True
    head = BytesHeaderParser(policy=default_policy).parsebytes(header)
    subject = str(head.get("Subject", "") or "")
    if references_in(subject):
        return True
    ids = message_ids(f"{head.get('In-Reply-To', '') or ''} {head.get('References', '') or ''}")
    if any(i in known.message_ids for i in ids):
        return True
    if "multipart/report" in str(head.get("Content-Type", "") or "").lower():
        return True
    domain = domain_of(str(head.get("From", "") or ""))
    return bool(domain) and any(domain_belongs(domain, ds) for ds in known.domains.values())


def _header_request(header: bytes, known: Known) -> int | None:
    """The request a message's headers point at (for a message not read further), or None."""
    head = BytesHeaderParser(policy=default_policy).parsebytes(header)
    ids = message_ids(f"{head.get('In-Reply-To', '') or ''} {head.get('References', '') or ''}")
    hit = next((known.message_ids[i] for i in ids if i in known.message_ids), None)
    if hit is None:
        refs = [r for r in references_in(str(head.get("Subject", "") or "")) if r in known.references]
        hit = known.references[refs[0]] if refs else None
    return hit


def _header_fields(header: bytes) -> tuple[str, str, str]:
    head = BytesHeaderParser(policy=default_policy).parsebytes(header)
    from email.utils import parseaddr

    def get(name: str) -> str:
        try:
            return " ".join(str(head.get(name, "") or "").split())
        except Exception:
            return ""

    return parseaddr(get("From"))[1], get("Subject"), (message_ids(get("Message-ID")) or ("",))[0]


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
    file_into: str | None = None,
    confirm_filing: Callable[[int, str], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> InboxResult:
    """Read replies since `since`; store the matched ones; let `decide` choose each one's state."""
    from broker_audit.mail.imap import ImapSession, ImapSettings
    from broker_audit.mail.match import match_message as _match
    from broker_audit.mail.parse import parse_message
    from broker_audit.mail.rules import suggest_state

    if max_mb < 1:
        raise UserError("--max-size must be at least 1 (MB)")
    if since is not None and since > today:
        raise UserError(f"--since {since.isoformat()} is in the future")
    max_bytes = max_mb * 1024 * 1024
    with open_journal(access) as journal:
        account = require_account(journal, imap=True)
        known = known_for(journal, registry, account.from_addr)
        since = since or default_since(journal, today)
        stored_ids = {r.message_id.lower() for r in journal.replies.values() if r.message_id}
        settings = ImapSettings(
            host=account.imap_host,
            port=account.imap_port,
            user=account.imap_user or account.smtp_user,
            cafile=cafile_for(account, cafile),
        )
        secret = account_password(account, password)
        buffer = ReplyBuffer(journal)  # replies are stored a hundred (or 16 MB) at a time
        kept: list[ReplyStored] = []
        stored: list[ReplySummary] = []
        notices: list[InboxNotice] = []
        ignored = already = fetched = 0
        to_file: list[int] = []
        filed_how = ""
        with ImapSession(settings, secret) as session:
            del secret
            session.examine(folder)
            uids = session.search_since(since)
            text_hits = set(session.search_since(since, "BA-")) if uids else set()
            try:
                for done, env in enumerate(session.envelopes(uids), start=1):
                    if progress is not None and done % 100 == 0:
                        progress(done, len(uids))
                    if not _may_be_about_us(env.header, known, env.uid in text_hits):
                        ignored += 1
                        continue
                    from_addr, subject, message_id = _header_fields(env.header)
                    if message_id and message_id in stored_ids:
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
                                request_id=_header_request(env.header, known),
                                size=env.size,
                            )
                        )
                        continue
                    raw = session.message(env.uid)
                    fetched += 1
                    parsed = parse_message(raw)
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
                            )
                        )
                        continue
                    suggestion = suggest_state(parsed.subject, parsed.text)
                    buffer.add(
                        request_id=found.request_id,
                        received=env.arrived,
                        source="imap",
                        matched_by=found.matched_by or "reference",
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
                    )
                    del raw
                    if parsed.message_id:
                        stored_ids.add(parsed.message_id)
                    to_file.append(env.uid)
                    if buffer.full:
                        kept += buffer.flush()
            finally:  # what was read is kept even if the connection breaks off
                kept += buffer.flush()
            stored = [summarize(journal, reply) for reply in kept]
            withdrawn = _withdraw_answered(journal, kept, today)
            if file_into and to_file and (confirm_filing is None or confirm_filing(len(to_file), file_into)):
                filed_how = session.file_into(to_file, file_into)
        applied: list[Applied] = []
        if decide is not None:
            for index, summary in enumerate(stored):
                fresh = summarize(journal, journal.replies[summary.reply_id])
                state = decide(fresh)
                if not state:
                    continue
                try:
                    stored[index] = apply_reply(journal, summary.reply_id, state, today)
                    applied.append(Applied(summary.reply_id, summary.request_id, state))
                except UserError as exc:
                    applied.append(Applied(summary.reply_id, summary.request_id, state, error=exc.message))
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
    )
