"""`broker-audit send`: send the drafted email requests from the user's own mailbox.

The message sent is rebuilt from what the vault recorded when `request` (or a clinic batch) wrote
the `.eml` letter (`EmailDraft`: its headers and a digest of its text): From the user's mailbox,
To the broker's email route, the letter's Subject, a fresh Date and a fresh Message-ID that we
keep to match replies, and the letter's text. Nothing else in the file is copied. A file whose
headers or text differ from what was recorded is refused, naming each difference (a planted
`Cc:` or `Reply-To:` would send the broker's answer, with the person's file, to someone else); a
letter logged before drafts were recorded is held to the headers the letter writer writes. It
goes only to an address that is one of the broker's email routes in the registry.

Exactly once: each message is claimed in the vault (`EmailSending`, with its Message-ID and its
bytes) before it goes to the server, and its outcome logged after (the `sent` event with the
server's acceptance and the exact message, or `EmailNotSent` with the server's refusal). The
writer lock is held only for those two short steps, never while the server talks. A claim left
open (the run was killed after the server took the message, or the connection broke during DATA)
is settled by the next `send` before anything else: found in the mailbox's Sent folder over IMAP,
it is logged as sent; otherwise the user is asked (`--was-sent ID`, `--not-sent ID` for scripts).
Until then that request is never sent again. One `send` runs at a time (vault/sendlock.py).
A drafted follow-up whose request was answered after it was drafted is not sent ("I have not
received a complete response" would be false) unless `force`.

Receipt: the acceptance comes from the user's own provider, not from the broker's mail server, so it
proves sending, not receipt, and no `delivered` event is recorded. The due date counts from the day
sent (email arrives the day it is sent: each channel's `delivery_days`) and is shown as an
estimate until a receipt is recorded (`mark ID delivered --on DATE`, e.g. the day of the broker's
acknowledgement).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from broker_audit.errors import MailError, MailServerUnreachable, MessageRefused, UserError, VaultError
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import EmailNotSent, EmailSending, EmailSent, MailAccountSet, Payload
from broker_audit.tracking.model import RequestMade
from broker_audit.tracking.states import State

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.mail.smtp import SmtpSession
    from broker_audit.registry.load import Registry

DEFAULT_PACE_SECONDS = 5.0
DEFAULT_DAILY_CAP = 20
MAX_LETTER_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PlannedSend:
    request_id: int
    broker_name: str
    kind: str
    reference: str
    to: tuple[str, ...]
    subject: str
    file: Path
    # A follow-up or appeal says "a timeline with copies is enclosed": the timeline of the
    # request it is about goes with it as a PDF, made in memory when it is sent.
    encloses_timeline_of: int | None = None


@dataclass(frozen=True)
class SendSkip:
    request_id: int
    reason: str


@dataclass(frozen=True)
class InDoubt:
    """A claim left open by an earlier run: the message may have gone out."""

    request_id: int
    broker_name: str
    message_id: str
    started: dt.datetime
    to: tuple[str, ...]


@dataclass(frozen=True)
class Settled:
    """A claim of an earlier run, settled before this one sent anything."""

    request_id: int
    message_id: str
    outcome: Literal["sent", "not-sent"]
    how: str  # "found in the Sent folder 'Sent'", "you said so"


@dataclass(frozen=True)
class SendPlan:
    to_send: list[PlannedSend]
    skipped: list[SendSkip]
    over_cap: list[PlannedSend]  # left for another day by the daily cap
    sent_today: int
    cap: int
    from_addr: str
    server: str
    in_doubt: list[InDoubt] = field(default_factory=list)  # never sent again until settled


@dataclass(frozen=True)
class SentOne:
    request_id: int
    broker_name: str
    to: tuple[str, ...]
    message_id: str
    acceptance: str
    sent_at: dt.datetime


@dataclass(frozen=True)
class SendFailure:
    request_id: int
    broker_name: str
    to: tuple[str, ...]
    reason: str
    maybe_sent: bool = False
    stop: bool = False  # the connection is gone: nothing more is tried


@dataclass(frozen=True)
class SendResult:
    plan: SendPlan
    dry_run: bool
    confirmed: bool
    sent: list[SentOne] = field(default_factory=list)
    failed: list[SendFailure] = field(default_factory=list)
    not_attempted: list[PlannedSend] = field(default_factory=list)
    settled: list[Settled] = field(default_factory=list)


def sent_by_email_on(journal: Journal, day: dt.date) -> int:
    """How many requests went out by email on `day` (by `send`, or marked by hand)."""
    return sum(
        1
        for events in journal.events.values()
        for e in events
        if e.state is State.SENT and e.via == "email" and e.on == day
    )


def letter_file(journal: Journal, request: RequestMade) -> Path | None:
    """The request's `.eml`: recorded on the request, or in its clinic batch's email folder."""
    if request.email_draft is not None:
        return Path(request.email_draft.file)
    for name in request.files:
        if name.endswith(".eml"):
            return Path(name)
    if request.batch_id and request.batch_id in journal.batches:
        suffix = f"-{request.kind}-{request.id}.eml"
        for name in journal.batches[request.batch_id].files:
            if name.endswith(suffix):
                return Path(name)
    return None


@dataclass(frozen=True)
class Letter:
    """A letter file checked against what the vault recorded: what may be sent of it."""

    to: tuple[str, ...]
    to_header: str
    subject: str
    display_name: str
    text: str
    from_addrs: tuple[str, ...] = ()  # the addresses of its From: (lower case): what it gives
    # PDFs the letter was written with (a follow-up's timeline, a clinic agent's authorization):
    # (file name, bytes); only from a letter whose recorded digest matched
    attachments: tuple[tuple[str, bytes], ...] = ()


def check_letter(request: RequestMade, path: Path) -> Letter:
    """Read `path` (no link, no hard link, no special file), compare it with the letter as
    written (UserError naming each difference), and return only what the message is rebuilt
    from."""
    import email.utils

    from broker_audit.files import read_own_file
    from broker_audit.mail.bounds import parse_bounded
    from broker_audit.mail.draft import LETTER_LIMITS, differences, unwritten_headers

    raw = read_own_file(path, what="letter", limit=MAX_LETTER_BYTES)
    try:
        if request.email_draft is not None:
            changed = differences(request.email_draft, raw)
        else:
            changed = unwritten_headers(raw)
        msg = parse_bounded(raw, LETTER_LIMITS)
    except MessageRefused as exc:
        raise UserError(f"its letter {path} cannot be read safely: {exc.message}") from None
    if changed:
        raise UserError(
            f"its letter {path} is not the letter written: {'; '.join(changed)}",
            "someone or something changed the file; check it, then make the letter again with "
            "`broker-audit request ... --via email`",
        )
    attachments: list[tuple[str, bytes]] = []
    for part in msg.iter_attachments():
        name = part.get_filename() or ""
        if (
            request.email_draft is None  # no recorded digest: nothing proves it was written so
            or part.get_content_type() != "application/pdf"
            or not name.startswith(_WRITTEN_ATTACHMENTS)
        ):
            raise UserError(f"its letter {path} has an attachment broker-audit did not write ({name!r})")
        attachments.append((name, bytes(part.get_content())))
    try:
        subject = " ".join(str(msg.get("Subject", "")).split())
        to_header = " ".join(str(msg.get("To", "")).split())
        to = tuple(addr.lower() for _, addr in email.utils.getaddresses([to_header]) if addr)
        from_header = str(msg.get("From", "") or "")
        display = email.utils.parseaddr(from_header)[0]
        from_addrs = tuple(addr.lower() for _, addr in email.utils.getaddresses([from_header]) if addr)
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
    except (ValueError, LookupError, TypeError, AttributeError) as exc:
        raise UserError(f"its letter {path} cannot be read ({type(exc).__name__})") from None
    return Letter(
        to=to,
        to_header=to_header,
        subject=subject,
        display_name=display,
        text=str(text),
        from_addrs=from_addrs,
        attachments=tuple(attachments),
    )


# The attachments broker-audit writes into a letter's .eml (services/followup.py, clinic batches).
_WRITTEN_ATTACHMENTS = ("timeline-", "authorization-")


def _broker_emails(registry: Registry, broker_id: str) -> set[str]:
    from broker_audit.errors import UnknownBroker

    try:
        broker = registry.get(broker_id)
    except (KeyError, UnknownBroker):
        return set()
    return {r.value.lower() for r in broker.routes if r.channel == "email" and not r.only_for}


def _agency_emails(journal: Journal, request_id: int) -> set[str]:
    """The e-mail a campaign's records request (or its follow-up) was written for, from the agency
    directory when the campaign was made."""
    found = journal.campaign_member(request_id)
    route = found[1].route if found is not None else None
    return {route.address.lower()} if route is not None and route.channel == "email" else set()


def sender_problem(journal: Journal, request: RequestMade, letter: Letter, mailbox: str) -> str:
    """Why the letter may not go out from `mailbox` (the sent message's From), or "".

    The sent message is From the mailbox, so the mailbox's address is told to the recipient: it
    must be the e-mail the letter gives (decided with the letter, letters/disclosure.py), or, for
    a clinic's letter (a batch, a campaign), the clinic's own address, which names no client. A
    letter that gives no e-mail is not sent from a mailbox whose address it would add."""
    own = mailbox.strip().lower()
    given = list(letter.from_addrs)
    if own in given:
        return ""
    clinic = journal.agent
    clinic_letter = request.batch_id is not None or request.recipient == "agency"
    if clinic_letter and clinic is not None and clinic.email and own == clinic.email.strip().lower():
        return ""
    who = request.recipient_name
    if given:
        return (
            f"the letter gives {who} the e-mail {given[0]}, but your mailbox sends from {mailbox}, "
            f"which would tell {who} a second address: send it from {given[0]} (broker-audit mail "
            f"setup --from {given[0]}), or put {mailbox} in your profile and write the letter again"
        )
    return (
        f"the letter gives {who} no e-mail address, and sending it from your mailbox would tell "
        f"{who} {mailbox}: send it by another route, or write it again with --disclose email"
    )


def _plan_one(
    journal: Journal, request: RequestMade, registry: Registry, mailbox: str = "", force: bool = False
) -> PlannedSend | str:
    """A request ready to send from `mailbox`, or why it is not: still drafted, unclaimed, not a
    follow-up answered since (unless `force`), made for e-mail, and its letter as recorded
    (`_checked_letter`), addressed to a route of its recipient, telling no second address."""
    view = journal.view(request.id)
    if view.state is not State.DRAFTED:
        return f"it is {view.state.value}, not drafted"
    if journal.open_claims(request.id):
        return "a run ended while sending it: it may have gone out; it is settled before it is sent again"
    answered = "" if force else _answered_followup(journal, request)
    if answered:
        return answered
    if request.channel != "email":
        return f"it was made for {request.channel or 'no route'}, not email"
    checked = _checked_letter(journal, request)
    if isinstance(checked, str):
        return checked
    path, letter = checked
    problem = _unknown_recipients(journal, request, letter, registry)
    if not problem and mailbox:
        problem = sender_problem(journal, request, letter, mailbox)
    if problem:
        return problem
    from broker_audit.tracking.next_step import in_chain

    return PlannedSend(
        request_id=request.id,
        broker_name=request.recipient_name,
        kind=request.kind,
        reference=request.reference,
        to=letter.to,
        subject=letter.subject,
        file=path,
        encloses_timeline_of=request.linked_to if in_chain(request.kind) else None,
    )


def _checked_letter(journal: Journal, request: RequestMade) -> tuple[Path, Letter] | str:
    """The request's `.eml` letter, checked against what was recorded, carrying its reference and
    a To: address; or why it cannot be sent."""
    path = letter_file(journal, request)
    if path is None:
        return "no .eml letter is recorded for it; make it again with `broker-audit request ... --via email`"
    if not path.exists() and not path.is_symlink():
        return f"its letter {path} is gone; make it again with `broker-audit request ... --via email`"
    try:
        letter = check_letter(request, path)
    except UserError as exc:
        return exc.message
    if request.reference not in letter.subject and request.reference not in letter.text:
        return f"its letter {path} does not carry its reference {request.reference}"
    if not letter.to:
        return f"its letter {path} has no To: address"
    return path, letter


def _unknown_recipients(journal: Journal, request: RequestMade, letter: Letter, registry: Registry) -> str:
    """Why the letter may not go to its To: addresses (one is not an e-mail route of the broker in
    the registry, or of the agency in the directory), or ""."""
    if request.recipient == "agency":  # a campaign's records request: the route it was written for
        allowed, where = _agency_emails(journal, request.id), "the agency directory"
    else:
        allowed, where = _broker_emails(registry, request.broker_id), "the registry"
    strange = [a for a in letter.to if a not in allowed]
    if not strange:
        return ""
    check = (
        "`broker-audit status --campaign ID`"
        if request.recipient == "agency"
        else f"`broker-audit brokers show {request.broker_id}`"
    )
    return (
        f"its letter is addressed to {', '.join(strange)}, which is not an email route of "
        f"{request.recipient_name} in {where}; check {check}"
    )


def _answered_followup(journal: Journal, request: RequestMade) -> str:
    """Why a drafted follow-up must not go out unless forced: its request was answered since it
    was drafted ("I have not received a complete response" would be false). See services/answered.py."""
    from broker_audit.services.answered import answered_since_drafted

    why = answered_since_drafted(journal, request)
    return f"{why}: it says no complete response came; not sent (--force sends it anyway)" if why else ""


def in_doubt(journal: Journal) -> list[InDoubt]:
    out = []
    for claim in journal.sending.values():
        request = journal.requests.get(claim.request_id)
        out.append(
            InDoubt(
                request_id=claim.request_id,
                broker_name=request.recipient_name if request is not None else "",
                message_id=claim.message_id,
                started=claim.started,
                to=tuple(claim.to_addrs),
            )
        )
    return sorted(out, key=lambda d: d.request_id)


def plan_sending(
    journal: Journal,
    request_ids: Sequence[int] | None,
    *,
    batch: str | None,
    registry: Registry,
    today: dt.date,
    cap: int,
    force: bool = False,
) -> SendPlan:
    account = require_account(journal)
    if cap < 1:
        raise UserError("--daily-cap must be at least 1")
    if batch is not None and batch not in journal.batches:
        raise UserError(f"no clinic batch {batch!r} in the vault", "`broker-audit bulk status` lists them")
    explicit = bool(request_ids)
    ids = list(dict.fromkeys(request_ids)) if request_ids else sorted(journal.requests)
    ready: list[PlannedSend] = []
    skipped: list[SendSkip] = []
    for request_id in ids:
        request = journal.view(request_id).request  # raises UnknownRequest for a wrong id
        if request.batch_id and request.batch_id != batch:
            if explicit:
                skipped.append(
                    SendSkip(
                        request_id,
                        f"it belongs to clinic batch {request.batch_id}: add --batch {request.batch_id} "
                        "to send from a batch",
                    )
                )
            continue
        if batch is not None and request.batch_id != batch:
            if explicit:
                skipped.append(SendSkip(request_id, f"it is not in batch {batch}"))
            continue
        planned = _plan_one(journal, request, registry, account.from_addr, force)
        if isinstance(planned, PlannedSend):
            ready.append(planned)
        elif explicit or (request.channel == "email" and journal.view(request_id).state is State.DRAFTED):
            skipped.append(SendSkip(request_id, planned))
    sent_today = sent_by_email_on(journal, today)
    room = max(0, cap - sent_today)
    return SendPlan(
        to_send=ready[:room],
        skipped=skipped,
        over_cap=ready[room:],
        sent_today=sent_today,
        cap=cap,
        from_addr=account.from_addr,
        server=f"{account.smtp_host}:{account.smtp_port}",
        in_doubt=in_doubt(journal),
    )


# Headers of the written letter that the message as sent does not copy: who sends and when are
# set afresh; the MIME structure is rebuilt (the letter may carry attachments: a timeline).
_NOT_COPIED = frozenset(
    {
        "from",
        "sender",
        "date",
        "message-id",
        "bcc",
        "return-path",
        "received",
        "content-type",
        "content-transfer-encoding",
        "mime-version",
    }
)


def outgoing_message(
    letter: Letter,
    from_addr: str,
    sent_at: dt.datetime,
    enclosures: Sequence[tuple[str, bytes]] = (),
) -> tuple[bytes, str]:
    """The message as it goes out, built from the checked letter only: From the user's mailbox
    (with the letter's display name), To and Subject as written, a fresh Date and Message-ID, the
    letter's text, and the enclosures. (bytes, Message-ID)."""
    import email.policy
    import email.utils
    from email.headerregistry import Address

    msg = EmailMessage(policy=email.policy.SMTP)
    local, _, domain = from_addr.partition("@")
    try:
        msg["From"] = Address(display_name=letter.display_name, username=local, domain=domain)
    except (ValueError, IndexError):
        msg["From"] = from_addr
    msg["To"] = ", ".join(letter.to)
    msg["Subject"] = letter.subject
    msg["Date"] = email.utils.format_datetime(sent_at)
    message_id = email.utils.make_msgid(domain=domain or "broker-audit.invalid")
    msg["Message-ID"] = message_id
    msg.set_content(letter.text, charset="utf-8", cte="quoted-printable")
    for name, data in (*letter.attachments, *enclosures):
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes(), message_id


# --- settling what an earlier run left open ------------------------------------------------


Answer = Literal["sent", "not-sent"] | None


def settle_claims(
    journal: Journal,
    account: MailAccountSet,
    secret: Callable[[], str],
    *,
    today: dt.date,
    ask: Callable[[InDoubt, str], Answer],
    cafile: Path | None,
) -> list[Settled]:
    """Settle each open claim (no other `send` runs: the caller holds the send lock): a message
    found in the Sent folder is logged as sent; otherwise `ask` (the user) says; unanswered ones
    stay open and their requests are not sent."""
    doubts = in_doubt(journal)
    if not doubts:
        return []
    where: dict[str, str] = {}
    looked = ""
    if account.imap_host:
        looked = _look_in_sent(journal, account, secret, doubts, where, cafile)
    settled: list[Settled] = []
    for doubt in doubts:
        claim = journal.sending.get(doubt.message_id.lower())
        if claim is None:
            continue
        folder = where.get(doubt.message_id.lower())
        if folder is not None:
            how = f"found in your Sent folder {folder!r}"
            _log_sent(
                journal,
                claim,
                min(claim.started.date(), today),
                f"{how} on {today}: your mail server took it",
                0,
            )
            settled.append(Settled(doubt.request_id, doubt.message_id, "sent", how))
            continue
        answer = ask(doubt, looked)
        if answer == "sent":
            _log_sent(
                journal,
                claim,
                min(claim.started.date(), today),
                "you said it went out (no answer was seen)",
                0,
            )
            settled.append(Settled(doubt.request_id, doubt.message_id, "sent", "you said so"))
        elif answer == "not-sent":
            with journal.write():
                journal.append(
                    [
                        EmailNotSent(
                            request_id=claim.request_id,
                            message_id=claim.message_id,
                            reason="you said it did not go out",
                            recorded=now(),
                        )
                    ]
                )
            settled.append(Settled(doubt.request_id, doubt.message_id, "not-sent", "you said so"))
    return settled


def _look_in_sent(
    journal: Journal,
    account: MailAccountSet,
    secret: Callable[[], str],
    doubts: Sequence[InDoubt],
    where: dict[str, str],
    cafile: Path | None,
) -> str:
    """Search the Sent folder for each Message-ID; what was looked at, in words."""
    from broker_audit.mail.imap import ImapSession, ImapSettings

    settings = ImapSettings(
        host=account.imap_host,
        port=account.imap_port,
        user=account.imap_user or account.smtp_user,
        cafile=cafile_for(account, cafile),
    )
    try:
        with ImapSession(settings, secret()) as session:
            folder = session.sent_folder()
            if folder is None:
                return "your mailbox has no Sent folder to look in"
            for doubt in doubts:
                if session.holds_message_id(folder, doubt.message_id):
                    where[doubt.message_id.lower()] = folder
            return f"it is not in your Sent folder {folder!r} (some providers keep no copy of mail sent so)"
    except MailError as exc:
        return f"the Sent folder could not be searched ({exc.message})"


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOptions:
    """What the user chose for `send`."""

    request_ids: tuple[int, ...] = ()  # none: every drafted e-mail request not in a batch
    batch: str | None = None  # send this clinic batch's e-mail requests
    dry_run: bool = False  # plan and show; send nothing
    cap: int = DEFAULT_DAILY_CAP  # at most this many e-mails a day, counting earlier sends
    pace: float = DEFAULT_PACE_SECONDS  # seconds between two e-mails
    force: bool = False  # send a follow-up whose request was answered after it was drafted
    cafile: Path | None = None  # the SMTP server's certificate authority, if not the system's


@dataclass(frozen=True)
class SendAsks:
    """What `send` asks the user."""

    confirm: Callable[[SendPlan], bool]  # send these now?
    # an earlier run's claim the Sent folder does not show: did it go out? (None: left open)
    ask: Callable[[InDoubt, str], Answer] | None = None
    progress: Callable[[int, int], None] | None = None  # (sent, of all)


class _Password:
    """The mailbox password, asked for once when first needed (to look in the Sent folder or to
    log in to the SMTP server) and forgotten once the SMTP server has it."""

    def __init__(self, account: MailAccountSet, password: Callable[[], str]) -> None:
        self._account, self._password = account, password
        self._known: list[str] = []

    def __call__(self) -> str:
        if not self._known:
            self._known.append(account_password(self._account, self._password))
        return self._known[0]

    def forget(self) -> None:
        self._known.clear()


def send_requests(
    access: VaultAccess,
    options: SendOptions,
    *,
    registry: Registry,
    today: dt.date,
    password: Callable[[], str],
    asks: SendAsks,
    laws: Sequence[Law] = (),
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = now,
) -> SendResult:
    """Send the drafted email requests (all, or `options.request_ids`) after `asks.confirm(plan)`
    says yes, first settling what an earlier run left open (`asks.ask` answers for what the Sent
    folder does not show; None leaves those open). `sleep` and `clock` are the pace's and the
    messages' time (tests pass their own)."""
    from broker_audit.mail.smtp import SmtpSession, SmtpSettings
    from broker_audit.vault.sendlock import send_lock

    if options.pace < 0:
        raise UserError("--pace cannot be negative")
    with open_journal(access) as journal, send_lock(journal.vault.path) as held:
        account = require_account(journal)
        if not held:
            raise UserError(
                "another `broker-audit send` is sending from this vault",
                "wait until it is done, then run `broker-audit send` again",
            )
        secret = _Password(account, password)
        settled: list[Settled] = []
        if not options.dry_run and journal.sending:  # (`cafile` is the SMTP server's; IMAP: the account's)
            settled = settle_claims(
                journal, account, secret, today=today, ask=asks.ask or (lambda d, why: None), cafile=None
            )
        plan = plan_sending(
            journal,
            options.request_ids or None,
            batch=options.batch,
            registry=registry,
            today=today,
            cap=options.cap,
            force=options.force,
        )
        if options.dry_run or not plan.to_send or not asks.confirm(plan):
            return SendResult(plan=plan, dry_run=options.dry_run, confirmed=False, settled=settled)
        settings = SmtpSettings(
            host=account.smtp_host,
            port=account.smtp_port,
            security=account.smtp_security,
            user=account.smtp_user,
            cafile=cafile_for(account, options.cafile),
        )
        with SmtpSession(settings, secret()) as session:
            secret.forget()
            sender = _Sender(journal, session, account.from_addr, today, laws, clock)
            sent, failed, not_attempted = sender.send_all(plan.to_send, options.pace, sleep, asks.progress)
    return SendResult(
        plan=plan,
        dry_run=False,
        confirmed=True,
        sent=sent,
        failed=failed,
        not_attempted=not_attempted,
        settled=settled,
    )


@dataclass(frozen=True)
class _Sender:
    """One run's sending, once confirmed: the vault, the SMTP session, the mailbox it sends from,
    the day, the laws (for a follow-up's timeline) and the clock that dates each message."""

    journal: Journal
    session: SmtpSession
    from_addr: str
    today: dt.date
    laws: Sequence[Law]
    clock: Callable[[], dt.datetime]

    def send_all(
        self,
        to_send: list[PlannedSend],
        pace: float,
        sleep: Callable[[float], None],
        progress: Callable[[int, int], None] | None,
    ) -> tuple[list[SentOne], list[SendFailure], list[PlannedSend]]:
        """Each planned message in turn, `pace` seconds apart: what was sent, what failed, and what
        was not tried (the connection or the vault gave out)."""
        sent: list[SentOne] = []
        failed: list[SendFailure] = []
        for index, item in enumerate(to_send):
            if index:
                sleep(pace)
            try:
                outcome = self.send_one(item)
            except VaultError as exc:  # the vault is in use: stop before sending more
                failed.append(SendFailure(item.request_id, item.broker_name, item.to, exc.message))
                return sent, failed, to_send[index + 1 :]
            if isinstance(outcome, SentOne):
                sent.append(outcome)
                if progress is not None:
                    progress(index + 1, len(to_send))
                continue
            failed.append(outcome)
            if outcome.stop:
                return sent, failed, to_send[index + 1 :]
        return sent, failed, []

    def claim(self, item: PlannedSend) -> tuple[EmailSending, bytes] | str:
        """Under the writer lock: check the request is still drafted and unclaimed, build the
        message from the checked letter, and log the claim (durable before the server sees a
        byte). A string says why it is not sent."""
        from broker_audit.mail.parse import sha256

        journal = self.journal
        with journal.write():
            view = journal.view(item.request_id)
            if view.state is not State.DRAFTED:
                return (
                    f"it is {view.state.value} now (another broker-audit recorded it meanwhile); "
                    "not sent again"
                )
            if journal.open_claims(item.request_id):
                return "another run claimed it meanwhile; not sent again"
            try:
                letter = check_letter(view.request, item.file)  # again: it may have changed since the plan
                if tuple(letter.to) != tuple(item.to):
                    to = ", ".join(letter.to)
                    return f"its letter {item.file} changed since the plan (To: {to}); not sent"
                carried = any(name.startswith("timeline-") for name, _ in letter.attachments)
                enclosures = [] if carried else _enclosures(journal, item, self.laws, self.today)
            except UserError as exc:
                return exc.message
            sent_at = self.clock()
            data, message_id = outgoing_message(letter, self.from_addr, sent_at, enclosures)
            server = self.session.settings.server

            def build(payloads: list[Payload]) -> EmailSending:
                return EmailSending(
                    request_id=item.request_id,
                    message_id=message_id,
                    started=sent_at,
                    from_addr=self.from_addr,
                    to_addrs=list(item.to),
                    server=server,
                    sha256=sha256(data),
                    message=payloads[0],
                )

            claim = journal.append_with_payloads([data], build)
            assert isinstance(claim, EmailSending)
            return claim, data

    def send_one(self, item: PlannedSend) -> SentOne | SendFailure:
        """Claim, send (no vault lock held), and log the outcome of one planned request."""
        from broker_audit.mail.smtp import MaybeSent, Refused

        def failure(reason: str, *, stop: bool = False, maybe_sent: bool = False) -> SendFailure:
            return SendFailure(
                item.request_id, item.broker_name, item.to, reason, maybe_sent=maybe_sent, stop=stop
            )

        claimed = self.claim(item)
        if isinstance(claimed, str):
            return failure(claimed)
        claim, data = claimed
        try:
            accepted = self.session.send(self.from_addr, list(item.to), data)
        except Refused as exc:
            _not_sent(self.journal, claim, exc.reason)
            return failure(exc.reason)
        except MailServerUnreachable as exc:  # the connection is gone before the message was handed over
            _not_sent(self.journal, claim, exc.message)
            return failure(exc.message, stop=True)
        except MaybeSent:
            return failure(
                "the connection broke while the message was handed over: it may have been sent; the next "
                "`broker-audit send` looks for it in your Sent folder (or asks you) before it sends it again",
                stop=True,
                maybe_sent=True,
            )
        acceptance = f"{accepted.code} {accepted.text}".strip()
        _log_sent(self.journal, claim, self.today, acceptance, accepted.code, data=data)
        return SentOne(
            item.request_id, item.broker_name, item.to, claim.message_id, acceptance, claim.started
        )


def _not_sent(journal: Journal, claim: EmailSending, reason: str) -> None:
    with journal.write():
        journal.append(
            [
                EmailNotSent(
                    request_id=claim.request_id,
                    message_id=claim.message_id,
                    reason=reason[:300],
                    recorded=now(),
                )
            ]
        )


def _enclosures(
    journal: Journal, item: PlannedSend, laws: Sequence[Law], today: dt.date
) -> list[tuple[str, bytes]]:
    """The timeline a follow-up or appeal says is enclosed, as a PDF made in memory."""
    if item.encloses_timeline_of is None or item.encloses_timeline_of not in journal.requests:
        return []
    from broker_audit.services.evidence import timeline_pdf

    view = journal.view(item.encloses_timeline_of)
    law = next((x for x in laws if x.id == view.request.law_id), None)
    return [(f"timeline-{view.request.reference}.pdf", timeline_pdf(journal, view, law, today))]


def _log_sent(
    journal: Journal,
    claim: EmailSending,
    on: dt.date,
    acceptance: str,
    code: int,
    *,
    data: bytes | None = None,
) -> None:
    """The `sent` event (if the request is still drafted) and the proof of sending with the exact
    message, in one transaction; this settles the claim."""
    with journal.write():
        message = data if data is not None else journal.read_payload(claim.message)
        before = []
        if journal.view(claim.request_id).state is State.DRAFTED:
            before.append(
                journal.status_event(
                    claim.request_id,
                    State.SENT,
                    on=on,
                    via="email",
                    tracking=claim.message_id,
                    note=f"accepted by {claim.server} at {claim.started:%H:%M:%S} UTC: {acceptance}"[:300],
                )
            )

        def build(payloads: list[Payload]) -> EmailSent:
            return EmailSent(
                request_id=claim.request_id,
                message_id=claim.message_id,
                sent_at=claim.started,
                from_addr=claim.from_addr,
                to_addrs=list(claim.to_addrs),
                server=claim.server,
                reply_code=code,
                reply_text=acceptance,
                sha256=claim.sha256,
                message=payloads[0],
            )

        journal.append_with_payloads([message], build, before=before)
