"""The letter document model every output format is made from.

A template renders to a tiny markup (see :mod:`broker_audit.letters.markup`); the markup is parsed
into these frozen blocks, and text, e-mail, HTML and PDF writers read only this model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text; line breaks in the source were folded into single spaces."""

    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bullet list, one string per item."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A short bold heading inside the body."""

    text: str


@dataclass(frozen=True, slots=True)
class Lines:
    """Lines whose breaks are kept: addresses, identity details, a signature."""

    lines: tuple[str, ...]


Block = Paragraph | Bullets | Heading | Lines


@dataclass(frozen=True, slots=True)
class Document:
    """One letter, ready to be written as text, e-mail, HTML or PDF."""

    kind: str
    subject: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    date: dt.date
    reference: str
    blocks: tuple[Block, ...]
    email_to: str | None
    email_from: str | None
    language: str = "en"
    compact: bool = False  # a sheet that must fit one page (a web form's): smaller type in the PDF
    postal: bool = True  # the recipient block is a postal address for a window envelope
    # For an e-mail: where answers should go, a first line saying who sends it for whom, a line
    # under the signature, and files sent with it (name, MIME type, bytes), such as the timeline
    # a follow-up encloses or an agent's authorization.
    reply_to: str | None = None
    on_behalf: str = ""
    signed_for: str = ""
    attachments: tuple[tuple[str, str, bytes], ...] = ()


_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def format_date(date: dt.date, language: str = "en") -> str:
    """The letter date as people write it: ``May 4, 2025``, ``4 de mayo de 2025`` or ISO."""
    lang = language.split("-")[0].lower()
    if lang == "en":
        return f"{_MONTHS['en'][date.month - 1]} {date.day}, {date.year}"
    if lang == "es":
        return f"{date.day} de {_MONTHS['es'][date.month - 1]} de {date.year}"
    return date.isoformat()


_LABELS = {
    "en": {"reference": "Reference", "subject": "Subject", "page": "Page", "of": "of"},
    "es": {"reference": "Referencia", "subject": "Asunto", "page": "Página", "of": "de"},
}


def label(name: str, language: str = "en") -> str:
    """A fixed word printed around the letter (``Reference``, ``Page``...) in the language."""
    return _LABELS.get(language.split("-")[0].lower(), _LABELS["en"])[name]
