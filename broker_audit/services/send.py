"""`broker-audit send`: send the drafted email requests from the user's own mailbox.

The message sent is the `.eml` letter written by `request` (or by a clinic batch), with the user's
mailbox as From, a fresh Date and a fresh Message-ID that we keep to match replies. It goes only to
an address that is one of the broker's email routes in the registry (for a campaign's records
request, the agency's e-mail route it was written for). Each accepted message is
logged at once (the `sent` event, via email, with the Message-ID as its tracking number and the
server's acceptance as its note, and the exact message kept in the vault), so a run that breaks
off never forgets what went out; a refused one stays drafted with the server's reason.

Receipt: the acceptance comes from the user's own provider, not from the broker's mail server, so it
proves sending, not receipt, and no `delivered` event is recorded. The due date counts from the day
sent (email arrives the day it is sent: `tracking.due.DELIVERY_ALLOWANCE`) and is shown as an
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
from typing import TYPE_CHECKING

from broker_audit.errors import MailServerUnreachable, UserError, VaultError
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import EmailSent, Payload
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
class SendPlan:
    to_send: list[PlannedSend]
    skipped: list[SendSkip]
    over_cap: list[PlannedSend]  # left for another day by the daily cap
    sent_today: int
    cap: int
    from_addr: str
    server: str


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
    for name in request.files:
        if name.endswith(".eml"):
            return Path(name)
    if request.batch_id and request.batch_id in journal.batches:
        suffix = f"-{request.kind}-{request.id}.eml"
        for name in journal.batches[request.batch_id].files:
            if name.endswith(suffix):
                return Path(name)
    return None


def _read_letter(path: Path) -> bytes:
    from broker_audit.files import read_input

    return read_input(path, what="letter", limit=MAX_LETTER_BYTES)


def _load_letter(path: Path) -> EmailMessage:
    import email
    import email.policy

    msg = email.message_from_bytes(_read_letter(path), policy=email.policy.SMTP)
    assert isinstance(msg, EmailMessage)
    return msg


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


def sender_problem(journal: Journal, request: RequestMade, letter: EmailMessage, mailbox: str) -> str:
    """Why the letter may not go out from `mailbox` (the sent message's From), or "".

    The sent message is From the mailbox, so the mailbox's address is told to the recipient: it
    must be the e-mail the letter gives (decided with the letter, letters/disclosure.py), or, for
    a clinic's letter (a batch, a campaign), the clinic's own address, which names no client. A
    letter that gives no e-mail is not sent from a mailbox whose address it would add."""
    from email.utils import getaddresses

    own = mailbox.strip().lower()
    given = [addr.lower() for _, addr in getaddresses([str(letter.get("From", ""))]) if addr]
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
    journal: Journal, request: RequestMade, registry: Registry, mailbox: str = ""
) -> PlannedSend | str:
    """A request ready to send from `mailbox`, or why it is not."""
    from email.utils import getaddresses

    view = journal.view(request.id)
    if view.state is not State.DRAFTED:
        return f"it is {view.state.value}, not drafted"
    if request.channel != "email":
        return f"it was made for {request.channel or 'no route'}, not email"
    path = letter_file(journal, request)
    if path is None:
        return "no .eml letter is recorded for it; make it again with `broker-audit request ... --via email`"
    if not path.exists():
        return f"its letter {path} is gone; make it again with `broker-audit request ... --via email`"
    try:
        msg = _load_letter(path)
    except UserError as exc:
        return exc.message
    subject = " ".join(str(msg.get("Subject", "")).split())
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    if request.reference not in subject and request.reference not in text:
        return f"its letter {path} does not carry its reference {request.reference}"
    to = tuple(addr.lower() for _, addr in getaddresses([str(msg.get("To", ""))]) if addr)
    if not to:
        return f"its letter {path} has no To: address"
    if request.recipient == "agency":  # a campaign's records request: the route it was written for
        allowed, where = _agency_emails(journal, request.id), "the agency directory"
    else:
        allowed, where = _broker_emails(registry, request.broker_id), "the registry"
    strange = [a for a in to if a not in allowed]
    if strange:
        check = (
            "`broker-audit status --campaign ID`"
            if request.recipient == "agency"
            else f"`broker-audit brokers show {request.broker_id}`"
        )
        return (
            f"its letter is addressed to {', '.join(strange)}, which is not an email route of "
            f"{request.recipient_name} in {where}; check {check}"
        )
    if mailbox:
        problem = sender_problem(journal, request, msg, mailbox)
        if problem:
            return problem
    from broker_audit.tracking.next_step import in_chain

    return PlannedSend(
        request_id=request.id,
        broker_name=request.recipient_name,
        kind=request.kind,
        reference=request.reference,
        to=to,
        subject=subject,
        file=path,
        encloses_timeline_of=request.linked_to if in_chain(request.kind) else None,
    )


def plan_sending(
    journal: Journal,
    request_ids: Sequence[int] | None,
    *,
    batch: str | None,
    registry: Registry,
    today: dt.date,
    cap: int,
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
        planned = _plan_one(journal, request, registry, account.from_addr)
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
    )


def outgoing_message(
    letter: EmailMessage,
    from_addr: str,
    sent_at: dt.datetime,
    enclosures: Sequence[tuple[str, bytes]] = (),
) -> tuple[bytes, str]:
    """The letter as it goes out: From the user's mailbox (keeping the letter's display name), a
    fresh Date and Message-ID; Bcc and other envelope headers dropped. (bytes, Message-ID)."""
    import email.utils
    from email.headerregistry import Address

    msg = EmailMessage(policy=letter.policy)
    for name, value in letter.items():
        if name.lower() not in ("from", "sender", "date", "message-id", "bcc", "return-path", "received"):
            msg[name] = value
    display = ""
    old_from = letter.get("From")
    if old_from is not None:
        display, _ = email.utils.parseaddr(str(old_from))
    local, _, domain = from_addr.partition("@")
    try:
        msg["From"] = Address(display_name=display, username=local, domain=domain)
    except (ValueError, IndexError):
        msg["From"] = from_addr
    msg["Date"] = email.utils.format_datetime(sent_at)
    message_id = email.utils.make_msgid(domain=domain or "broker-audit.invalid")
    msg["Message-ID"] = message_id
    body = letter.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    for part in letter.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            maintype, _, subtype = part.get_content_type().partition("/")
            msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=part.get_filename())
    for name, data in enclosures:
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes(), message_id


def send_requests(
    access: VaultAccess,
    request_ids: Sequence[int] | None,
    *,
    registry: Registry,
    today: dt.date,
    password: Callable[[], str],
    confirm: Callable[[SendPlan], bool],
    batch: str | None = None,
    dry_run: bool = False,
    cap: int = DEFAULT_DAILY_CAP,
    pace: float = DEFAULT_PACE_SECONDS,
    cafile: Path | None = None,
    laws: Sequence[Law] = (),
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = now,
    progress: Callable[[int, int], None] | None = None,
) -> SendResult:
    """Send the drafted email requests (all, or `request_ids`) after `confirm(plan)` says yes."""
    from broker_audit.mail.smtp import SmtpSession, SmtpSettings

    if pace < 0:
        raise UserError("--pace cannot be negative")
    with open_journal(access) as journal:
        account = require_account(journal)
        plan = plan_sending(journal, request_ids, batch=batch, registry=registry, today=today, cap=cap)
        if dry_run or not plan.to_send:
            return SendResult(plan=plan, dry_run=dry_run, confirmed=False)
        if not confirm(plan):
            return SendResult(plan=plan, dry_run=False, confirmed=False)
        settings = SmtpSettings(
            host=account.smtp_host,
            port=account.smtp_port,
            security=account.smtp_security,
            user=account.smtp_user,
            cafile=cafile_for(account, cafile),
        )
        secret = account_password(account, password)
        sent: list[SentOne] = []
        failed: list[SendFailure] = []
        not_attempted: list[PlannedSend] = []
        with SmtpSession(settings, secret) as session:
            del secret
            for index, item in enumerate(plan.to_send):
                if index:
                    sleep(pace)
                try:
                    # Under the writer lock: the request is checked to be still drafted (another
                    # broker-audit may have sent it meanwhile), sent, and logged before anyone
                    # else writes, so it can never go out twice.
                    with journal.write():
                        outcome = _send_one(journal, session, item, account.from_addr, today, laws, clock)
                except VaultError as exc:  # the vault is in use: stop before sending more
                    failed.append(SendFailure(item.request_id, item.broker_name, item.to, exc.message))
                    not_attempted = plan.to_send[index + 1 :]
                    break
                if isinstance(outcome, SentOne):
                    sent.append(outcome)
                    if progress is not None:
                        progress(index + 1, len(plan.to_send))
                    continue
                failed.append(outcome)
                if outcome.stop:
                    not_attempted = plan.to_send[index + 1 :]
                    break
    return SendResult(
        plan=plan, dry_run=False, confirmed=True, sent=sent, failed=failed, not_attempted=not_attempted
    )


def _send_one(
    journal: Journal,
    session: SmtpSession,
    item: PlannedSend,
    from_addr: str,
    today: dt.date,
    laws: Sequence[Law],
    clock: Callable[[], dt.datetime],
) -> SentOne | SendFailure:
    """Send one planned request and log it (the caller holds the writer lock)."""
    from broker_audit.mail.smtp import MaybeSent, Refused

    def failure(reason: str, *, stop: bool = False, maybe_sent: bool = False) -> SendFailure:
        return SendFailure(
            item.request_id, item.broker_name, item.to, reason, maybe_sent=maybe_sent, stop=stop
        )

    state = journal.view(item.request_id).state
    if state is not State.DRAFTED:
        return failure(
            f"it is {state.value} now (another broker-audit recorded it meanwhile); not sent again"
        )
    sent_at = clock()
    try:
        enclosures = _enclosures(journal, item, laws, today)
        data, message_id = outgoing_message(_load_letter(item.file), from_addr, sent_at, enclosures)
        accepted = session.send(from_addr, list(item.to), data)
    except Refused as exc:
        return failure(exc.reason)
    except UserError as exc:  # the letter file changed or went away since the plan
        if isinstance(exc, MailServerUnreachable):
            return failure(exc.message, stop=True)
        return failure(exc.message)
    except MaybeSent:
        return failure(
            "the connection broke while the message was handed over: it may have been sent; look in "
            "your mailbox's Sent folder before you send it again",
            stop=True,
            maybe_sent=True,
        )
    acceptance = f"{accepted.code} {accepted.text}".strip()
    _log_sent(journal, item, today, message_id, acceptance, accepted.server, sent_at, data, from_addr)
    return SentOne(item.request_id, item.broker_name, item.to, message_id, acceptance, sent_at)


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
    item: PlannedSend,
    today: dt.date,
    message_id: str,
    acceptance: str,
    server: str,
    sent_at: dt.datetime,
    data: bytes,
    from_addr: str,
) -> None:
    """The `sent` event and the proof of sending with the exact message, in one transaction."""
    from broker_audit.mail.parse import sha256

    event = journal.status_event(
        item.request_id,
        State.SENT,
        on=today,
        via="email",
        tracking=message_id,
        note=f"accepted by {server} at {sent_at:%H:%M:%S} UTC: {acceptance}"[:300],
    )

    def build(payloads: list[Payload]) -> EmailSent:
        return EmailSent(
            request_id=item.request_id,
            message_id=message_id,
            sent_at=sent_at,
            from_addr=from_addr,
            to_addrs=list(item.to),
            server=server,
            reply_code=int(acceptance.split(" ", 1)[0]) if acceptance[:3].isdigit() else 0,
            reply_text=acceptance,
            sha256=sha256(data),
            message=payloads[0],
        )

    journal.append_with_payloads([data], build, before=[event])
