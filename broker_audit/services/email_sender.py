"""E-mail, the first sender (services/senders.py): a letter's `.eml` checked against what the vault
recorded when it was written, the message rebuilt from it (From the user's mailbox, a fresh Date
and Message-ID), and handed to the user's own SMTP server.

Only what was recorded goes out: a file whose headers or text differ from the letter as written
is refused, naming each difference; a PDF attached is one broker-audit wrote (a follow-up's
timeline, a clinic agent's authorization), else the letter is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import MailServerUnreachable, MessageRefused, UserError
from broker_audit.i18n import N_, _
from broker_audit.services.senders import Delivery, OutgoingLetter, Prepared, SenderOptions, SendOutcome

if TYPE_CHECKING:
    from broker_audit.mail.smtp import SmtpSession
    from broker_audit.tracking.model import RequestMade

MAX_LETTER_BYTES = 5 * 1024 * 1024


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

    raw = read_own_file(path, what=N_("letter"), limit=MAX_LETTER_BYTES)
    try:
        if request.email_draft is not None:
            changed = differences(request.email_draft, raw)
        else:
            changed = unwritten_headers(raw)
        msg = parse_bounded(raw, LETTER_LIMITS)
    except MessageRefused as exc:
        raise UserError(
            _("its letter {path} cannot be read safely: {message}").format(path=path, message=exc.message)
        ) from None
    if changed:
        raise UserError(
            _("its letter {path} is not the letter written: {changed}").format(
                path=path, changed="; ".join(changed)
            ),
            _(
                "someone or something changed the file; check it, then make the letter again "
                "with `broker-audit request ... --via email`"
            ),
        )
    attachments: list[tuple[str, bytes]] = []
    for part in msg.iter_attachments():
        name = part.get_filename() or ""
        if (
            request.email_draft is None  # no recorded digest: nothing proves it was written so
            or part.get_content_type() != "application/pdf"
            or not name.startswith(_WRITTEN_ATTACHMENTS)
        ):
            raise UserError(
                _("its letter {path} has an attachment broker-audit did not write ({name!r})").format(
                    path=path, name=name
                )
            )
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
        raise UserError(
            _("its letter {path} cannot be read ({name__})").format(path=path, name__=type(exc).__name__)
        ) from None
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


class EmailSender:
    """Sends a request's `.eml` letter from the user's mailbox over SMTP (the account `mail setup`
    stored); each message is claimed in the vault before it goes (send's stage)."""

    channel = "email"
    mailbox_claims = True

    @contextmanager
    def open(self, options: SenderOptions) -> Iterator[Delivery]:
        from broker_audit.mail.smtp import SmtpSession, SmtpSettings
        from broker_audit.services.mail import cafile_for

        account = options.account
        if account is None or options.secret is None:
            raise UserError(
                _("no mail account is set up to send from"), _("set one up with `broker-audit mail setup`")
            )
        settings = SmtpSettings(
            host=account.smtp_host,
            port=account.smtp_port,
            security=account.smtp_security,
            user=account.smtp_user,
            cafile=cafile_for(account, options.cafile),
        )
        with SmtpSession(settings, options.secret()) as session:
            yield _EmailDelivery(session, options)


@dataclass(frozen=True)
class _EmailDelivery:
    session: SmtpSession
    options: SenderOptions

    def prepare(self, letter: OutgoingLetter) -> Prepared | str:
        """The letter file checked again (it may have changed since the plan), To: as planned, and
        the message built: its timeline enclosed unless the letter carries one."""
        file = letter.files[0]
        try:
            checked = check_letter(letter.request, file)
        except UserError as exc:
            return exc.message
        if tuple(checked.to) != tuple(letter.to):
            return _("its letter {file} changed since the plan (To: {to}); not sent").format(
                file=file, to=", ".join(checked.to)
            )
        carried = any(name.startswith("timeline-") for name, _ in checked.attachments)
        sent_at = self.options.clock()
        data, message_id = outgoing_message(
            checked, self.options.from_addr, sent_at, () if carried else letter.enclosures
        )
        return Prepared(
            letter=letter,
            data=data,
            receipt_id=message_id,
            to=letter.to,
            server=self.session.settings.server,
            started=sent_at,
        )

    def deliver(self, prepared: Prepared) -> SendOutcome:
        from broker_audit.mail.smtp import MaybeSent, Refused

        request_id = prepared.letter.request.id
        try:
            accepted = self.session.send(self.options.from_addr, list(prepared.to), prepared.data)
        except Refused as exc:
            return SendOutcome(request_id, sent=False, error=exc.reason)
        except MailServerUnreachable as exc:  # the connection is gone before the message was handed over
            return SendOutcome(request_id, sent=False, error=exc.message, stop=True)
        except MaybeSent:
            return SendOutcome(
                request_id,
                sent=False,
                error=_(
                    "the connection broke while the message was handed over: it may have been "
                    "sent; the next `broker-audit send` looks for it in your Sent folder (or asks "
                    "you) before it sends it again"
                ),
                maybe_sent=True,
                stop=True,
            )
        return SendOutcome(
            request_id,
            sent=True,
            receipt_id=prepared.receipt_id,
            acceptance=f"{accepted.code} {accepted.text}".strip(),
            code=accepted.code,
        )
