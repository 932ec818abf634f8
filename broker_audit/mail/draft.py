"""An `.eml` letter as `request` wrote it, and what has changed in it since.

The letters folder is the user's, and anything that can write there can change a letter before
`send` reads it: add a `Cc:` or `Reply-To:` (the broker's answer, with the person's file, would go
to someone else), change the `To:`, or the text. So when a letter is written its headers and a
digest of its body are logged with the request (`EmailDraft`), and `send` compares the file with
them before it builds the message it sends, naming each difference.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from broker_audit.i18n import _
from broker_audit.mail.bounds import Limits, parse_bounded
from broker_audit.tracking.model import EmailDraft

LETTER_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_decoded=5 * 1024 * 1024, max_parts=16)
# What the letter writer (letters/eml.py) puts in a letter's header; anything else was added.
WRITTEN_HEADERS = frozenset(
    {
        "subject",
        "to",
        "from",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


def _split(raw: bytes) -> tuple[bytes, bytes]:
    """(header block, body) of a message; the body with its line ends as LF."""
    data = raw.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    return (head, body) if sep else (data, b"")


def _headers(raw: bytes) -> list[tuple[str, str]]:
    msg = parse_bounded(raw, LETTER_LIMITS, headers_only=True)
    return [(name, " ".join(str(value).split())) for name, value in msg.raw_items()]


def draft_of(raw: bytes, file: str) -> EmailDraft:
    """The record of a letter just written (MessageRefused if it is not one a parser can read)."""
    return EmailDraft(
        file=file, headers=_headers(raw), body_sha256=hashlib.sha256(_split(raw)[1]).hexdigest()
    )


def differences(draft: EmailDraft, raw: bytes) -> list[str]:
    """How the letter in `raw` differs from the one written, in words; [] if it does not."""
    out: list[str] = []
    now = _headers(raw)
    was_names = Counter(name.lower() for name, _ in draft.headers)
    now_names = Counter(name.lower() for name, _ in now)
    labels = {name.lower(): name for name, _ in (*draft.headers, *now)}
    for name in sorted(set(was_names) | set(now_names)):
        label = labels[name]
        was, has = was_names[name], now_names[name]
        if not was:
            values = "; ".join(v for n, v in now if n.lower() == name)[:120]
            out.append(
                _("a {label}: header the letter did not have ({values})").format(label=label, values=values)
            )
        elif not has:
            out.append(_("its {label}: header is gone").format(label=label))
        elif was != has:
            out.append(
                _("{has} {label}: headers where the letter had {was}").format(has=has, label=label, was=was)
            )
        else:
            before = [v for n, v in draft.headers if n.lower() == name]
            after = [v for n, v in now if n.lower() == name]
            if before != after:
                out.append(
                    _("its {label}: is {after!r}, not {before!r} as written").format(
                        label=label, after="; ".join(after)[:120], before="; ".join(before)[:120]
                    )
                )
    if hashlib.sha256(_split(raw)[1]).hexdigest() != draft.body_sha256:
        out.append(_("its text is not the text written"))
    return out


def unwritten_headers(raw: bytes) -> list[str]:
    """For a letter logged before drafts were recorded: the headers the letter writer never
    writes (Cc, Reply-To, Bcc, ...) and any header written more than once."""
    names = Counter(name.lower() for name, _ in _headers(raw))
    labels = {name.lower(): name for name, _ in _headers(raw)}
    out = [
        _("a {labels}: header, which broker-audit never writes").format(labels=labels[n])
        for n in sorted(names)
        if n not in WRITTEN_HEADERS
    ]
    out += [f"{count} {labels[n]}: headers" for n, count in sorted(names.items()) if count > 1]
    return out
