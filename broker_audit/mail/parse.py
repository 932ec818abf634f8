"""Reading a message in memory: who sent it, what it answers, its text and its attachments.

Nothing is written to disk: the standard library's parser works on bytes in memory, within the
bounds of mail/bounds.py (a message over one raises MessageRefused), and HTML is reduced to text
with the standard library's HTMLParser (no scripts, no network, no files). Whether the sender was
authenticated comes from the user's own mail server's Authentication-Results (mail/authres.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from broker_audit.mail.authres import Verdict, authenticate
from broker_audit.mail.bounds import DEFAULT_LIMITS, Limits, parse_bounded
from broker_audit.tracking.mail_records import TEXT_LIMIT, AttachmentInfo

# The headers a stored reply keeps (the original message keeps them all).
KEPT_HEADERS = (
    "From",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Authentication-Results",
)
_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ParsedMessage:
    from_addr: str
    from_domain: str
    to_addr: str
    subject: str
    message_id: str
    in_reply_to: tuple[str, ...]  # the Message-IDs of In-Reply-To and References
    headers: tuple[tuple[str, str], ...]
    text: str  # the whole plain text (cut when stored)
    attachments: tuple[AttachmentInfo, ...] = ()
    bounce: bool = False  # a delivery status notification (the message did not arrive)
    authentication: Verdict = "none"  # what the user's own mail server found about the sender
    auth_detail: str = ""
    body_ids: tuple[str, ...] = field(default=())  # Message-IDs quoted inside a bounce


def _clean(value: object) -> str:
    """A header value from outside, as one clean line (no escape sequences or controls)."""
    from broker_audit.cleantext import clean_line

    return " ".join(clean_line(str(value)).split())


def _kept_headers(msg: Message) -> dict[str, str]:
    """Each of KEPT_HEADERS the message has, read once, as one clean line ("" for a malformed
    one the parser cannot decode)."""
    out: dict[str, str] = {}
    for name in KEPT_HEADERS:
        try:
            value = msg.get(name)
        except Exception:  # a malformed header the parser cannot decode
            out[name] = ""
            continue
        if value is not None:
            out[name] = _clean(value)
    return out


def _all_headers(msg: Message, name: str) -> list[str]:
    """Every value of a header, topmost first (its raw text, unfolded: no structure parsed)."""
    out = []
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            out.append(" ".join(str(value).split()))
    return out


def domain_of(address: str) -> str:
    """The domain of an address, lower case, or ""."""
    return _domain(parseaddr(address)[1])


def _domain(addr: str) -> str:
    """The domain of a bare address (as parseaddr gives it), lower case, or ""."""
    return addr.rpartition("@")[2].strip().strip(".").lower() if "@" in addr else ""


def message_ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.lower() for m in _MSGID.findall(text)))


class _TextOfHtml(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title"})
    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        return ""
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _part_text(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else part.get_payload(decode=True)
    except (LookupError, ValueError, AssertionError, TypeError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode(part.get_content_charset() or "utf-8", "replace")
    return content if isinstance(content, str) else ""


def _is_attachment(part: Message) -> bool:
    if part.is_multipart():
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def safe_name(name: str, fallback: str) -> str:
    """A file name that is only a name: no folders, no dots in front, no control characters."""
    name = _CONTROL.sub("", name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    name = re.sub(r"[^\w.\- ()+,@]", "_", name)[:120]
    return name or fallback


def iter_attachments(msg: Message) -> Iterator[tuple[str, str, bytes]]:
    """(safe file name, content type, bytes) of each attachment, in order."""
    index = 0
    for part in msg.walk():
        if not _is_attachment(part):
            continue
        index += 1
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        content_type = part.get_content_type()
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            content_type, ".bin"
        )
        try:
            raw_name = part.get_filename() or ""
        except Exception:
            raw_name = ""
        yield safe_name(raw_name, f"attachment-{index}{extension}"), content_type, data


def _texts(msg: Message) -> tuple[list[str], list[str]]:
    plain, html = [], []
    for part in msg.walk():
        if part.is_multipart() or _is_attachment(part):
            continue
        if part.get_content_type() == "text/plain":
            plain.append(_part_text(part))
        elif part.get_content_type() == "text/html":
            html.append(_part_text(part))
    return plain, html


def parse_message(raw: bytes, *, authserv_id: str = "", limits: Limits = DEFAULT_LIMITS) -> ParsedMessage:
    """Parse a whole RFC 5322 message held in memory (MessageRefused over a bound); the sender
    counts as authenticated only by the Authentication-Results of `authserv_id`."""
    msg = parse_bounded(raw, limits)
    headers = _kept_headers(msg)  # each header read once
    _, from_addr = parseaddr(headers.get("From", ""))
    plain, html = _texts(msg)
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text and html:
        text = "\n\n".join(html_to_text(h) for h in html)
    from broker_audit.cleantext import clean_lines

    text = clean_lines(text)  # kept and shown: the original message keeps every byte
    attachments = tuple(
        AttachmentInfo(name=name, content_type=ctype, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        for name, ctype, data in iter_attachments(msg)
    )
    report = msg.get_content_type() == "multipart/report" and (
        (msg.get_param("report-type") or "") == "delivery-status"
    )
    body_ids: tuple[str, ...] = ()
    if report:
        quoted = []
        for part in msg.walk():
            if part.get_content_type() in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
                quoted.append(part.as_string() if part.is_multipart() else _part_text(part))
        body_ids = message_ids("\n".join(quoted))
    from_domain = _domain(from_addr)
    verdict = authenticate(_all_headers(msg, "Authentication-Results"), authserv_id, from_domain)
    references = " ".join((headers.get("In-Reply-To", ""), headers.get("References", "")))
    to = ", ".join(addr for _, addr in getaddresses([headers.get("To", "")]) if addr)
    return ParsedMessage(
        from_addr=_clean(from_addr),
        from_domain=from_domain,
        to_addr=to,
        subject=headers.get("Subject", ""),
        message_id=(message_ids(headers.get("Message-ID", "")) or ("",))[0],
        in_reply_to=message_ids(references),
        headers=tuple(headers.items()),
        text=text,
        attachments=attachments,
        bounce=report,
        authentication=verdict.verdict,
        auth_detail=verdict.detail,
        body_ids=body_ids,
    )


def stored_text(text: str) -> tuple[str, bool]:
    """The text as a reply record keeps it (cut at TEXT_LIMIT), and whether it was cut."""
    return (text[:TEXT_LIMIT], True) if len(text) > TEXT_LIMIT else (text, False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
