"""`broker-audit send`: send the drafted requests broker-audit can deliver itself: e-mail from the
user's own mailbox, and any channel with a sender registered (services/senders.py).

Each request goes to the sender of its route's channel (`sender_for`); a request by a channel with
no sender (mail, a web form, a call) is one the person sends, and `send` says so. The stages are
send's own: plan (what may go, checked against the vault), claim (under the writer lock), deliver
(the sender, no lock held), log (the `sent` event by that channel, with the receipt). What follows
is e-mail's part.

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
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from broker_audit.errors import MailError, UserError, VaultError
from broker_audit.i18n import _
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.email_sender import EmailSender, Letter, check_letter
from broker_audit.services.mail import account_password, cafile_for, require_account
from broker_audit.services.senders import (
    Delivery,
    NoSender,
    OutgoingLetter,
    Prepared,
    Sender,
    SenderOptions,
    SendOutcome,
    has_sender,
    register_sender,
    sender_for,
)
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import EmailNotSent, EmailSending, EmailSent, MailAccountSet, Payload
from broker_audit.tracking.model import RequestMade
from broker_audit.tracking.states import State

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.profile import Profile
    from broker_audit.registry.load import Registry
    from broker_audit.services.resources import Resources

# The senders broker-audit ships: e-mail. Another channel's sender is registered by its module
# (`senders.register_sender`).
for _shipped in (EmailSender(),):
    if not has_sender(_shipped.channel):
        register_sender(_shipped)

DEFAULT_PACE_SECONDS = 5.0
DEFAULT_DAILY_CAP = 20


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
    channel: str = "email"  # the channel it goes by, and so its sender


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
        return _(
            "the letter gives {who} the e-mail {given}, but your mailbox sends from "
            "{mailbox}, which would tell {who} a second address: send it from {given} "
            "(broker-audit mail setup --from {given}), or put {mailbox} in your profile "
            "and write the letter again"
        ).format(who=who, given=given[0], mailbox=mailbox)
    return _(
        "the letter gives {who} no e-mail address, and sending it from your mailbox "
        "would tell {who} {mailbox}: send it by another route, or write it again with "
        "--disclose email"
    ).format(who=who, mailbox=mailbox)


def _plan_one(
    journal: Journal,
    request: RequestMade,
    registry: Registry,
    sender: Sender,
    mailbox: str = "",
    force: bool = False,
) -> PlannedSend | str:
    """A request ready to go by its channel's `sender`, or why it is not: still drafted,
    unclaimed, not a follow-up answered since (unless `force`); then an e-mail's letter as
    recorded and from `mailbox` (`_plan_email`), any other channel's to its route (`_plan_route`)."""
    view = journal.view(request.id)
    if view.state is not State.DRAFTED:
        return _("it is {value}, not drafted").format(value=view.state.value)
    if journal.open_claims(request.id):
        return _("a run ended while sending it: it may have gone out; it is settled before it is sent again")
    answered = "" if force else _answered_followup(journal, request)
    if answered:
        return answered
    if sender.mailbox_claims:
        return _plan_email(journal, request, registry, mailbox)
    return _plan_route(journal, request, registry)


def _plan_email(
    journal: Journal, request: RequestMade, registry: Registry, mailbox: str
) -> PlannedSend | str:
    """An e-mail request: its letter as recorded (`_checked_letter`), addressed to a route of its
    recipient, telling no second address."""
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


def _plan_route(journal: Journal, request: RequestMade, registry: Registry) -> PlannedSend | str:
    """A request by another channel: to its recipient's route of that channel as the registry (or,
    for an agency, the campaign) has it now, with its letter's files still there."""
    from broker_audit.tracking.next_step import in_chain
    from broker_audit.vocabulary import KINDS

    route = _route_value(journal, request, registry)
    if not route:
        return _(
            "{recipient_name} has no {channel} route now; check `broker-audit brokers show {broker_id}`"
        ).format(recipient_name=request.recipient_name, channel=request.channel, broker_id=request.broker_id)
    files = [Path(name) for name in request.files]
    if not files:
        return _("no letter file is recorded for it; make it again with `broker-audit request ...`")
    gone = next((p for p in files if not p.exists()), None)
    if gone is not None:
        return _("its letter {gone} is gone; make it again with `broker-audit request ...`").format(gone=gone)
    letter = KINDS.get(request.kind)
    return PlannedSend(
        request_id=request.id,
        broker_name=request.recipient_name,
        kind=request.kind,
        reference=request.reference,
        to=(route,),
        subject=f"{letter.title if letter else request.kind} (ref. {request.reference})",
        file=files[0],
        encloses_timeline_of=request.linked_to if in_chain(request.kind) else None,
        channel=request.channel,
    )


def _route_value(journal: Journal, request: RequestMade, registry: Registry) -> str:
    """The value of the recipient's route of the request's channel: the broker's in the registry
    (not one only for some requests), or the agency route a campaign's request was written for."""
    from broker_audit.errors import UnknownBroker

    if request.recipient == "agency":
        found = journal.campaign_member(request.id)
        route = found[1].route if found is not None else None
        return route.address if route is not None and route.channel == request.channel else ""
    try:
        broker = registry.get(request.broker_id)
    except (KeyError, UnknownBroker):
        return ""
    return next((r.value for r in broker.routes if r.channel == request.channel and not r.only_for), "")


def _checked_letter(journal: Journal, request: RequestMade) -> tuple[Path, Letter] | str:
    """The request's `.eml` letter, checked against what was recorded, carrying its reference and
    a To: address; or why it cannot be sent."""
    path = letter_file(journal, request)
    if path is None:
        return _(
            "no .eml letter is recorded for it; write it as an e-mail with "
            "`broker-audit resend {id} --via email`"
        ).format(id=request.id)
    if not path.exists() and not path.is_symlink():
        return _(
            "its letter {path} is gone; write it again with `broker-audit resend {id} --via email`"
        ).format(path=path, id=request.id)
    try:
        letter = check_letter(request, path)
    except UserError as exc:
        return exc.message
    if request.reference not in letter.subject and request.reference not in letter.text:
        return _("its letter {path} does not carry its reference {reference}").format(
            path=path, reference=request.reference
        )
    if not letter.to:
        return _("its letter {path} has no To: address").format(path=path)
    return path, letter


def _unknown_recipients(journal: Journal, request: RequestMade, letter: Letter, registry: Registry) -> str:
    """Why the letter may not go to its To: addresses (one is not an e-mail route of the broker in
    the registry, or of the agency in the directory), or ""."""
    if request.recipient == "agency":  # a campaign's records request: the route it was written for
        allowed, where = _agency_emails(journal, request.id), _("the agency directory")
    else:
        allowed, where = _broker_emails(registry, request.broker_id), _("the registry")
    strange = [a for a in letter.to if a not in allowed]
    if not strange:
        return ""
    check = (
        _("`broker-audit status --campaign ID`")
        if request.recipient == "agency"
        else _("`broker-audit brokers show {broker_id}`").format(broker_id=request.broker_id)
    )
    return _(
        "its letter is addressed to {strange}, which is not an email route of "
        "{recipient_name} in {where}; check {check}"
    ).format(strange=", ".join(strange), recipient_name=request.recipient_name, where=where, check=check)


def _answered_followup(journal: Journal, request: RequestMade) -> str:
    """Why a drafted follow-up must not go out unless forced: its request was answered since it
    was drafted ("I have not received a complete response" would be false). See services/answered.py."""
    from broker_audit.services.answered import answered_since_drafted

    why = answered_since_drafted(journal, request)
    return (
        _("{why}: it says no complete response came; not sent (--force sends it anyway)").format(why=why)
        if why
        else ""
    )


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
    """What may go now, each request by the sender of its channel, within the daily cap. Named
    requests that cannot go are listed with why; when every one named goes by a channel with no
    sender, that is the error (NoSender: one line and how to send it instead)."""
    account = journal.mail_account
    if cap < 1:
        raise UserError("--daily-cap must be at least 1")
    if batch is not None and batch not in journal.batches:
        raise UserError(
            _("no clinic batch {batch!r} in the vault").format(batch=batch),
            _("`broker-audit bulk status` lists them"),
        )
    explicit = bool(request_ids)
    ids = list(dict.fromkeys(request_ids)) if request_ids else sorted(journal.requests)
    ready: list[PlannedSend] = []
    skipped: list[SendSkip] = []
    no_sender: list[NoSender] = []
    for request_id in ids:
        request = journal.view(request_id).request  # raises UnknownRequest for a wrong id
        outside = _outside_batch(request, batch)
        if outside or not has_sender(request.channel):
            if explicit:
                if not outside:
                    no_sender.append(NoSender(request_id, request.channel))
                why = outside or f"{no_sender[-1].message}; {no_sender[-1].hint}"
                skipped.append(SendSkip(request_id, why))
            continue
        sender = sender_for(request_id, request.channel)
        if sender.mailbox_claims and account is None:
            require_account(journal)  # e-mail goes from a mailbox set up first: says how
        mailbox = account.from_addr if account is not None else ""
        planned = _plan_one(journal, request, registry, sender, mailbox, force)
        if isinstance(planned, PlannedSend):
            ready.append(planned)
        elif explicit or journal.view(request_id).state is State.DRAFTED:
            skipped.append(SendSkip(request_id, planned))
    if no_sender and len(no_sender) == len(ids):  # nothing named can go by broker-audit
        raise no_sender[0]
    if account is None and not ready:
        require_account(journal)
    sent_today = sent_by_email_on(journal, today)
    room = max(0, cap - sent_today)
    return SendPlan(
        to_send=ready[:room],
        skipped=skipped,
        over_cap=ready[room:],
        sent_today=sent_today,
        cap=cap,
        from_addr=account.from_addr if account is not None else "",
        server=f"{account.smtp_host}:{account.smtp_port}" if account is not None else "",
        in_doubt=in_doubt(journal),
    )


def _outside_batch(request: RequestMade, batch: str | None) -> str:
    """Why a request is not sent by a run for `batch` (None: the requests of no batch), or ""."""
    if request.batch_id and request.batch_id != batch:
        return _("it belongs to clinic batch {batch_id}: add --batch {batch_id} to send from a batch").format(
            batch_id=request.batch_id
        )
    if batch is not None and request.batch_id != batch:
        return _("it is not in batch {batch}").format(batch=batch)
    return ""


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
            how = f"found in your Sent folder {folder!r}"  # i18n: English on purpose (stored)
            _log_sent(
                journal,
                claim,
                min(claim.started.date(), today),
                f"{how} on {today}: your mail server took it",  # i18n: English on purpose (stored)
                0,
            )
            shown = _("found in your Sent folder {folder!r}").format(folder=folder)
            settled.append(Settled(doubt.request_id, doubt.message_id, "sent", shown))
            continue
        answer = ask(doubt, looked)
        if answer == "sent":
            _log_sent(
                journal,
                claim,
                min(claim.started.date(), today),
                "you said it went out (no answer was seen)",  # i18n: English on purpose (stored)
                0,
            )
            settled.append(Settled(doubt.request_id, doubt.message_id, "sent", _("you said so")))
        elif answer == "not-sent":
            with journal.write():
                journal.append(
                    [
                        EmailNotSent(
                            request_id=claim.request_id,
                            message_id=claim.message_id,
                            reason="you said it did not go out",  # i18n: English on purpose (stored)
                            recorded=now(),
                        )
                    ]
                )
            settled.append(Settled(doubt.request_id, doubt.message_id, "not-sent", _("you said so")))
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
                return _("your mailbox has no Sent folder to look in")
            for doubt in doubts:
                if session.holds_message_id(folder, doubt.message_id):
                    where[doubt.message_id.lower()] = folder
            return _(
                "it is not in your Sent folder {folder!r} (some providers keep no copy of mail sent so)"
            ).format(folder=folder)
    except MailError as exc:
        return _("the Sent folder could not be searched ({message})").format(message=exc.message)


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
    resources: Resources,
    today: dt.date,
    password: Callable[[], str],
    asks: SendAsks,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = now,
) -> SendResult:
    """Send the drafted requests (all, or `options.request_ids`), each by the sender of its
    channel, after `asks.confirm(plan)` says yes, first settling what an earlier run left open
    (`asks.ask` answers for what the Sent folder does not show; None leaves those open). `sleep`
    and `clock` are the pace's and the messages' time (tests pass their own)."""
    from broker_audit.vault.sendlock import send_lock

    if options.pace < 0:
        raise UserError("--pace cannot be negative")
    with open_journal(access) as journal, send_lock(journal.vault.path) as held:
        account = journal.mail_account
        if not held:
            raise UserError(
                _("another `broker-audit send` is sending from this vault"),
                _("wait until it is done, then run `broker-audit send` again"),
            )
        secret = _Password(account, password) if account is not None else None
        settled: list[Settled] = []
        # A claim is an e-mail's, made with a mailbox (`cafile` is the SMTP server's; IMAP: the account's).
        if not options.dry_run and journal.sending and account is not None and secret is not None:
            settled = settle_claims(
                journal, account, secret, today=today, ask=asks.ask or (lambda d, why: None), cafile=None
            )
        plan = plan_sending(
            journal,
            options.request_ids or None,
            batch=options.batch,
            registry=resources.registry,
            today=today,
            cap=options.cap,
            force=options.force,
        )
        if options.dry_run or not plan.to_send or not asks.confirm(plan):
            return SendResult(plan=plan, dry_run=options.dry_run, confirmed=False, settled=settled)
        sender_options = SenderOptions(
            clock=clock,
            from_addr=account.from_addr if account is not None else "",
            account=account,
            secret=secret,
            cafile=options.cafile,
        )
        with ExitStack() as connections:
            deliveries = _open_deliveries(plan.to_send, sender_options, connections)
            if secret is not None:
                secret.forget()  # the servers have it
            stage = _Sender(journal, deliveries, today, resources.laws)
            sent, failed, not_attempted = stage.send_all(plan.to_send, options.pace, sleep, asks.progress)
    return SendResult(
        plan=plan,
        dry_run=False,
        confirmed=True,
        sent=sent,
        failed=failed,
        not_attempted=not_attempted,
        settled=settled,
    )


def _open_deliveries(
    to_send: Sequence[PlannedSend], options: SenderOptions, connections: ExitStack
) -> dict[str, tuple[Sender, Delivery]]:
    """Each channel's sender connected (logged in) before anything is sent, in the order the
    channels first come: a server that refuses the login stops the run with nothing sent."""
    opened: dict[str, tuple[Sender, Delivery]] = {}
    for item in to_send:
        if item.channel not in opened:
            sender = sender_for(item.request_id, item.channel)
            opened[item.channel] = (sender, connections.enter_context(sender.open(options)))
    return opened


@dataclass(frozen=True)
class _Sender:
    """One run's sending stage, once confirmed: the vault, each channel's sender and its open
    delivery, the day, and the laws (for a follow-up's timeline). The stage claims and logs; the
    senders only prepare and deliver."""

    journal: Journal
    deliveries: dict[str, tuple[Sender, Delivery]]
    today: dt.date
    laws: Sequence[Law]

    def send_all(
        self,
        to_send: list[PlannedSend],
        pace: float,
        sleep: Callable[[float], None],
        progress: Callable[[int, int], None] | None,
    ) -> tuple[list[SentOne], list[SendFailure], list[PlannedSend]]:
        """Each planned request in turn, `pace` seconds apart: what was sent, what failed, and what
        was not tried (a connection or the vault gave out)."""
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

    def claim(self, item: PlannedSend) -> tuple[Prepared, EmailSending | None] | str:
        """Under the writer lock: check the request is still drafted and unclaimed, have its
        sender prepare it (the exact bytes), and, for e-mail, log the claim (durable before the
        server sees a byte). A string says why it is not sent."""
        from broker_audit.mail.parse import sha256

        journal = self.journal
        sender, delivery = self.deliveries[item.channel]
        with journal.write():
            view = journal.view(item.request_id)
            if view.state is not State.DRAFTED:
                return _(
                    "it is {value} now (another broker-audit recorded it meanwhile); not sent again"
                ).format(value=view.state.value)
            if journal.open_claims(item.request_id):
                return _("another run claimed it meanwhile; not sent again")
            try:
                prepared = delivery.prepare(_outgoing(journal, view.request, item, self.laws, self.today))
            except UserError as exc:
                return exc.message
            if isinstance(prepared, str):
                return prepared
            if not sender.mailbox_claims:
                return prepared, None

            def build(payloads: list[Payload]) -> EmailSending:
                return EmailSending(
                    request_id=item.request_id,
                    message_id=prepared.receipt_id,
                    started=prepared.started,
                    from_addr=_from_of(journal),
                    to_addrs=list(prepared.to),
                    server=prepared.server,
                    sha256=sha256(prepared.data),
                    message=payloads[0],
                )

            claim = journal.append_with_payloads([prepared.data], build)
            assert isinstance(claim, EmailSending)
            return prepared, claim

    def send_one(self, item: PlannedSend) -> SentOne | SendFailure:
        """Claim, deliver (no vault lock held), and log the outcome of one planned request."""
        claimed = self.claim(item)
        if isinstance(claimed, str):
            return SendFailure(item.request_id, item.broker_name, item.to, claimed)
        prepared, claim = claimed
        _, delivery = self.deliveries[item.channel]
        outcome = delivery.deliver(prepared)
        if not outcome.sent:
            if claim is not None and not outcome.maybe_sent:  # refused, or never handed over
                _not_sent(self.journal, claim, outcome.error)
            return SendFailure(
                item.request_id,
                item.broker_name,
                item.to,
                outcome.error,
                maybe_sent=outcome.maybe_sent,
                stop=outcome.stop,
            )
        if claim is not None:
            _log_sent(self.journal, claim, self.today, outcome.acceptance, outcome.code, data=prepared.data)
        else:
            _log_delivered(self.journal, prepared, outcome, self.today)
        return SentOne(
            item.request_id,
            item.broker_name,
            item.to,
            outcome.receipt_id or prepared.receipt_id,
            outcome.acceptance,
            prepared.started,
        )


def _from_of(journal: Journal) -> str:
    account = journal.mail_account
    return account.from_addr if account is not None else ""


def _outgoing(
    journal: Journal, request: RequestMade, item: PlannedSend, laws: Sequence[Law], today: dt.date
) -> OutgoingLetter:
    """The request as its sender gets it: where it goes, its letter's files, the requester's name
    and the values the letter gives (nothing it withholds), and the timeline it encloses."""
    client = journal.clients.get(request.client_id) if request.client_id else None
    profile = client.profile if client is not None else journal.profile
    files = (item.file, *(Path(f) for f in request.files if Path(f) != item.file))
    return OutgoingLetter(
        request=request,
        route=item.to[0] if item.to else "",
        to=item.to,
        files=files,
        requester=profile.name if profile is not None else "",
        given=_given(request, profile),
        enclosures=tuple(_enclosures(journal, item, laws, today)),
    )


def _given(request: RequestMade, profile: Profile | None) -> dict[str, tuple[str, ...]]:
    """The identity values the letter gave, as text: the fields its disclosure gave and, where
    the values' digests were kept, only those values (a value changed since is not given)."""
    from broker_audit.letters.disclosure import field_values, value_digest
    from broker_audit.profile import Address

    disclosed = request.disclosed
    if profile is None or disclosed is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name in disclosed.given:
        values = field_values(profile, name)
        allowed = disclosed.values.get(name)
        if disclosed.values:
            values = [v for v in values if allowed and value_digest(name, v) in allowed]
        text = tuple(
            v.one_line() if isinstance(v, Address) else v.isoformat() if isinstance(v, dt.date) else v
            for v in values
        )
        if text:
            out[name] = text
    return out


def _log_delivered(journal: Journal, prepared: Prepared, outcome: SendOutcome, on: dt.date) -> None:
    """A request sent by a channel without mailbox claims: its `sent` event by that channel, with
    the receiver's id for it and its words (if it is still drafted)."""
    request = prepared.letter.request
    with journal.write():
        if journal.view(request.id).state is not State.DRAFTED:
            return
        journal.append(
            [
                journal.status_event(
                    request.id,
                    State.SENT,
                    on=on,
                    via=request.channel,  # i18n: English on purpose (stored)
                    tracking=outcome.receipt_id or prepared.receipt_id,
                    note=f"accepted by {prepared.server} at {prepared.started:%H:%M:%S} UTC: "
                    f"{outcome.acceptance}"[:300],
                )
            ]
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
                    note=f"accepted by {claim.server} at {claim.started:%H:%M:%S} UTC: {acceptance}"[
                        :300
                    ],  # i18n: English on purpose (stored)
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
