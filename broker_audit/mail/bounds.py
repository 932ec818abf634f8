"""Parsing a message from outside with bounds, so that no message can stop a run.

The standard library's parser has no limits of its own: a `From:` of 3,000 nested comments ends
in RecursionError, so does a multipart nested 1,200 deep, and an 800 kB subject of encoded words
takes gigabytes (its cost grows with the square of the header's length). Here every bound is
checked before the standard library interprets what it bounds:

- the whole message: at most `Limits.max_bytes`, checked before anything is read into a parser;
- each header block, as the parser meets it and before any header in it is parsed: its size, its
  number of fields, each field's size (a MIME field such as Content-Type smaller still, and its
  number of parameters), the nesting of comments in the structured fields (addresses, dates,
  Message-ID, the MIME fields) and the number of encoded words (`=?utf-8?q?...?=`), per field and
  per message;
- the structure: a part one level deeper than `max_depth`, or one part more than `max_parts`, is
  refused as the parser creates it, before it descends into it;
- the bodies: the size they decode to (base64 shrinks, the others do not grow), summed over every
  part before any part is decoded.

A message over a bound raises `MessageRefused` with a short reason ("too deeply nested") and the
figures; `rough_fields` then gives what is safe to show about it (sender, subject, Message-ID),
read with no parser at all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import Policy
from email.policy import default as default_policy
from typing import Any

from broker_audit.errors import MessageRefused
from broker_audit.i18n import N_, _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of a message is read. Real mail stays far inside every one of these."""

    max_bytes: int = 25 * MB
    max_depth: int = 16  # levels of parts (a multipart or a message inside a message)
    max_parts: int = 128
    max_header_block: int = 256 * 1024  # the message's own headers
    max_part_header_block: int = 16 * 1024  # the headers of each part
    max_header_fields: int = 1_000  # fields in one header block
    max_field: int = 16 * 1024  # one header field, unfolded
    max_address_field: int = 4 * 1024  # From, To, Cc, Reply-To, ... (about a hundred addresses)
    max_mime_field: int = 1024  # Content-Type, Content-Disposition, ...
    max_mime_params: int = 12  # parameters of one MIME field
    max_comment_depth: int = 8  # comments inside comments, in a structured field
    max_encoded_words: int = 64  # in one field
    max_encoded_words_total: int = 512  # in every header of the message
    max_decoded: int = 25 * MB  # what every body decodes to, together


DEFAULT_LIMITS = Limits()
_HINT = N_("it was not read further and is not stored; if it is a genuine reply, ask for it again as a PDF")

_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?")
_ADDRESS_FIELDS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "sender"}
    | {f"resent-{n}" for n in ("from", "to", "cc", "bcc", "sender")}
)
_PARAM_SEP = re.compile(r";")


@functools.cache
def _structured() -> frozenset[str]:
    """The fields the standard library parses with its recursive parser (not plain text)."""
    import email.headerregistry as registry

    known = registry.HeaderRegistry()
    names = getattr(registry, "_default_header_map", {})
    return frozenset(n for n in names if not issubclass(known[n], registry.UnstructuredHeader))


def _comment_depth(value: str, limit: int) -> int:
    """The deepest nesting of (comments) in `value`, as a structured-field parser reads it
    (a quoted string or a backslash escape does not open one); stops counting past `limit`."""
    depth = deepest = 0
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and depth == 0:
            quoted = True
        elif char == "(":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char == ")" and depth:
            depth -= 1
    return deepest


def _refuse(reason: str, detail: str) -> MessageRefused:
    return MessageRefused(reason, detail, _(_HINT))


def _fields(lines: list[str]) -> list[tuple[str, str]]:
    """(lower-case name, unfolded value) of each field in a header block, as the parser splits it."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1][1].append(line)
            continue
        name, colon, rest = line.partition(":")
        if not colon:  # a "From " line or a stray line: the parser keeps it as a defect
            out.append(("", [line]))
            continue
        out.append((name.strip().lower(), [rest]))
    return [(name, "".join(parts).replace("\r", "").replace("\n", "")) for name, parts in out]


class _Counter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts = 0
        self.encoded_words = 0

    def check_block(self, lines: list[str], *, top: bool) -> None:
        """Every bound on one header block, before any field in it is parsed."""
        limits = self.limits
        size = sum(len(line) for line in lines)
        block_limit = limits.max_header_block if top else limits.max_part_header_block
        if size > block_limit:
            where = _("the message's headers") if top else _("the headers of a part")
            raise _refuse(
                _("headers too large"),
                _("{where} take {size:,} bytes; the limit is {block_limit:,}").format(
                    where=where, size=size, block_limit=block_limit
                ),
            )
        fields = _fields(lines)
        if len(fields) > limits.max_header_fields:
            raise _refuse(
                _("too many header fields"),
                _("{fields:,} fields; the limit is {max_header_fields:,}").format(
                    fields=len(fields), max_header_fields=limits.max_header_fields
                ),
            )
        structured = _structured()
        for name, value in fields:
            shown = name[:40] or "a header"
            mime = name.startswith("content-")
            if mime:
                field_limit = limits.max_mime_field
            elif name in _ADDRESS_FIELDS:
                field_limit = limits.max_address_field
            else:
                field_limit = limits.max_field
            if len(value) > field_limit:
                raise _refuse(
                    _("header too long"),
                    _("{shown}: {value:,} characters; the limit is {field_limit:,}").format(
                        shown=shown, value=len(value), field_limit=field_limit
                    ),
                )
            if mime and len(_PARAM_SEP.findall(value)) > limits.max_mime_params:
                raise _refuse(
                    _("too many parameters"),
                    _("{shown}: more than {max_mime_params} parameters").format(
                        shown=shown, max_mime_params=limits.max_mime_params
                    ),
                )
            if name in structured or mime:
                depth = _comment_depth(value, limits.max_comment_depth)
                if depth > limits.max_comment_depth:
                    raise _refuse(
                        _("too deeply nested"),
                        _("{shown}: comments nested more than {max_comment_depth} deep").format(
                            shown=shown, max_comment_depth=limits.max_comment_depth
                        ),
                    )
            words = len(_ENCODED_WORD.findall(value)) if "=?" in value else 0
            if words > limits.max_encoded_words:
                raise _refuse(
                    _("too many encoded words"),
                    _("{shown}: {words:,} encoded words; the limit is {max_encoded_words}").format(
                        shown=shown, words=words, max_encoded_words=limits.max_encoded_words
                    ),
                )
            self.encoded_words += words
            if self.encoded_words > limits.max_encoded_words_total:
                raise _refuse(
                    _("too many encoded words"),
                    _("more than {max_encoded_words_total} encoded words in the headers").format(
                        max_encoded_words_total=limits.max_encoded_words_total
                    ),
                )

    def check_new_part(self, depth: int) -> None:
        limits = self.limits
        self.parts += 1
        if depth > limits.max_depth:
            raise _refuse(
                _("too deeply nested"),
                _("parts nested more than {max_depth} deep").format(max_depth=limits.max_depth),
            )
        if self.parts > limits.max_parts:
            raise _refuse(
                _("too many parts"), _("more than {max_parts} parts").format(max_parts=limits.max_parts)
            )


def _parser_class() -> type:
    from email.feedparser import BytesFeedParser

    class BoundedFeedParser(BytesFeedParser):
        """The standard library's parser, stopped at each bound before it goes past it: a new
        part is counted (and its depth checked) as it is created, a header block checked as a
        whole before its fields are stored (the parser reads a field only when asked for it:
        Content-Type, right after)."""

        def __init__(self, counter: _Counter, policy: Policy) -> None:
            super().__init__(policy=policy)
            self._counter = counter

        def _new_message(self) -> None:
            self._counter.check_new_part(len(self._msgstack) + 1)  # type: ignore[attr-defined]
            super()._new_message()  # type: ignore[misc]

        def _parse_headers(self, lines: list[str]) -> None:
            self._counter.check_block(lines, top=len(self._msgstack) <= 1)  # type: ignore[attr-defined]
            super()._parse_headers(lines)  # type: ignore[misc]

    return BoundedFeedParser


_BoundedFeedParser = functools.cache(_parser_class)


def _decoded_size(part: Message) -> int:
    """What a leaf part's body decodes to, at most (from its raw length; nothing is decoded)."""
    payload = part.get_payload()
    size = len(payload) if isinstance(payload, str | bytes) else 0
    cte = str(part.get("content-transfer-encoding", "") or "").strip().lower()
    return size * 3 // 4 + 3 if cte == "base64" else size


class _ParsedOnce:
    """A header factory that parses each (name, value) once per message: the standard library
    builds a header object anew on every read (`msg.get`, `get_content_type`, ...), so a part's
    Content-Type was parsed a dozen times. Header objects are immutable; the cache lives as long
    as the message that holds this policy."""

    def __init__(self) -> None:
        import email.headerregistry

        self._registry = email.headerregistry.HeaderRegistry()
        self._made: dict[tuple[str, str], Any] = {}

    def __getitem__(self, name: str) -> Any:
        return self._registry[name]

    def __call__(self, name: str, value: str) -> Any:
        key = (name.lower(), value)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._registry(name, value)
        return made


def parse_bounded(
    raw: bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    headers_only: bool = False,
    policy: Policy = default_policy,
) -> EmailMessage:
    """The message in `raw`, parsed by the standard library within `limits` (MessageRefused
    otherwise). With `headers_only`, the body is kept as text and not parsed."""
    if len(raw) > limits.max_bytes:
        raise _refuse(
            _("too large"),
            _("{raw:,} bytes; the limit is {max_bytes:,}").format(raw=len(raw), max_bytes=limits.max_bytes),
        )
    counter = _Counter(limits)
    parser = _BoundedFeedParser()(counter, policy.clone(header_factory=_ParsedOnce()))  # type: ignore[call-arg]
    if headers_only:
        parser._set_headersonly()
    try:
        parser.feed(raw)
        msg: Any = parser.close()
    except RecursionError:  # a bound above should have stopped it first; never a traceback
        raise _refuse(_("too deeply nested"), _("the parser ran out of depth")) from None
    if not headers_only:
        total = 0
        for part in msg.walk():
            if not part.is_multipart():
                total += _decoded_size(part)
        if total > limits.max_decoded:
            raise _refuse(
                _("too large when decoded"),
                _("its parts decode to {total:,} bytes; the limit is {max_decoded:,}").format(
                    total=total, max_decoded=limits.max_decoded
                ),
            )
    checked: EmailMessage = msg
    return checked


# --- what is safe to show about a refused message -------------------------------------------

_FIELD = re.compile(rb"^(from|subject|message-id):[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_ADDR = re.compile(r"[\w.+\-=]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}")
_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_ROUGH_BYTES = 64 * 1024
_SHOWN = 200


def rough_fields(raw: bytes) -> tuple[str, str, str]:
    """(sender address, subject, Message-ID) of a message, found by plain pattern matching in its
    first 64 kB with no parser, each cut short and cleaned: what may be shown of a message
    refused by the bounds. Empty strings for what is not found."""
    from broker_audit.cleantext import clean_line

    head = raw[:_ROUGH_BYTES]
    end = re.search(rb"\r?\n\r?\n", head)
    if end:
        head = head[: end.start()]
    found: dict[str, str] = {}
    for match in _FIELD.finditer(head):
        name = match.group(1).decode("ascii").lower()
        if name not in found:
            found[name] = match.group(2)[: _SHOWN * 4].decode("utf-8", "replace")
    sender = _ADDR.search(found.get("from", ""))
    subject = found.get("subject", "")[: _SHOWN * 2]
    if "=?" in subject:
        subject = _decode_words(subject)
    msgid = _MSGID.search(found.get("message-id", ""))
    return (
        clean_line(sender.group(0)).lower() if sender else "",
        " ".join(clean_line(subject).split())[:_SHOWN],
        clean_line(msgid.group(0)).lower() if msgid else "",
    )


def _decode_words(text: str) -> str:
    from email.header import decode_header

    try:
        pieces = decode_header(" ".join(text.split()))
    except Exception:
        return text
    out = []
    for piece, charset in pieces:
        if isinstance(piece, bytes):
            try:
                out.append(piece.decode(charset or "ascii", "replace"))
            except LookupError:
                out.append(piece.decode("ascii", "replace"))
        else:
            out.append(piece)
    return "".join(out)
