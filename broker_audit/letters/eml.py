"""RFC 5322 e-mail letters (``.eml``), built with the standard library's ``email`` package."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import email.utils
import re
from email.headerregistry import Address
from email.message import EmailMessage

from broker_audit.errors import UserError
from broker_audit.letters.document import Document, label
from broker_audit.letters.text import body_text

_ID_DOMAIN = "broker-audit.invalid"
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def _header(value: str) -> str:
    """A header value on one line: line breaks and control characters become spaces."""
    return _BREAKS.sub(" ", value).strip()


def _address(value: str) -> str | Address:
    """An address header: ``Name <addr>`` is built from its parts, so the display name is quoted
    as needed (Python's header parser crashes on some bare names, such as "." or ",.")."""
    value = _header(value)
    name, sep, rest = value.rpartition("<")
    if sep and rest.endswith(">") and name.strip():
        with contextlib.suppress(ValueError, IndexError, AttributeError):
            return Address(display_name=name.strip(), addr_spec=rest[:-1].strip())
    return value


def _msgid_domain(address: str | None) -> str:
    """The sender's mail domain, or a neutral one: never the host name (it can identify a person)."""
    if address:
        _, addr = email.utils.parseaddr(address)
        domain = addr.rpartition("@")[2]
        if domain and domain.isascii() and all(c.isalnum() or c in ".-" for c in domain):
            return domain
    return _ID_DOMAIN


def _postal_sender(doc: Document) -> bool:
    """Whether the letter's sender block holds a postal address (a line besides the name that is
    not an e-mail address): the letter then asks for the answer at "my postal address above" or
    "care of the clinic at the address above", so the e-mail body starts with that block as the
    letter does; a block of only the name and e-mail stays out (the From: line says it)."""
    return any("@" not in line for line in doc.sender[1:])


def to_eml(doc: Document) -> bytes:
    """The letter as a UTF-8 e-mail message (CRLF line ends) ready to open in a mail client.

    Every message has From:, Date: and Message-ID: (an e-mail without a sender is refused: the
    caller gives the person's or the clinic's mailbox), Reply-To: when one is chosen, the line
    saying who sends it for whom first (`on_behalf`) and under the signature (`signed_for`),
    the return address above the letter (its closing may ask for the answer there), and each
    attachment as a real MIME part."""
    if not doc.email_from:
        raise UserError(
            "an e-mail letter needs a From: address, and none is known",
            "add your e-mail address (`broker-audit profile edit --email ...`, or `email` in a clinic's "
            "clinic.toml), or set up your mailbox (`broker-audit mail setup`)",
        )
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = _header(doc.subject)
    if doc.email_to:
        msg["To"] = _address(doc.email_to)
    msg["From"] = _address(doc.email_from)
    if doc.reply_to:
        msg["Reply-To"] = _address(doc.reply_to)
    sent = dt.datetime.combine(doc.date, dt.time(9, 0), tzinfo=dt.UTC)
    msg["Date"] = email.utils.format_datetime(sent)
    msg["Message-ID"] = email.utils.make_msgid(domain=_msgid_domain(doc.email_from))
    first = f"{doc.on_behalf}\n\n" if doc.on_behalf else ""
    if _postal_sender(doc):  # the letter's "my postal address above" is in the e-mail too
        first += "\n".join(doc.sender) + "\n\n"
    last = f"\n\n{doc.signed_for}" if doc.signed_for else ""
    body = f"{first}{label('reference', doc.language)}: {doc.reference}\n\n{body_text(doc)}{last}\n"
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    for name, content_type, data in doc.attachments:
        maintype, _, subtype = content_type.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=_header(name))
    return msg.as_bytes()
