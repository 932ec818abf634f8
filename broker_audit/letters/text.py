"""Plain-text letters: wrapped at 72 columns, bullets with a hanging indent."""

from __future__ import annotations

import textwrap

from broker_audit.letters.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    format_date,
    label,
)

WIDTH = 72


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def body_text(doc: Document) -> str:
    """The subject-less body of the letter as wrapped plain text, blocks separated by blank lines."""
    parts: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph | Heading):
            parts.append("\n".join(_wrap(block.text)))
        elif isinstance(block, Bullets):
            parts.append("\n".join(line for item in block.items for line in _wrap(item, "- ", "  ")))
        elif isinstance(block, Lines):
            parts.append("\n".join(line for ln in block.lines for line in _wrap(ln, "", "  ")))
    return "\n\n".join(parts)


def to_text(doc: Document) -> str:
    """The whole letter as plain text: letterhead, date, reference, recipient, subject, body."""
    head = [
        "\n".join(doc.sender),
        format_date(doc.date, doc.language),
        f"{label('reference', doc.language)}: {doc.reference}",
        "\n".join(doc.recipient),
        "\n".join(_wrap(doc.subject, f"{label('subject', doc.language)}: ", "  ")),
    ]
    body = body_text(doc)
    return "\n\n".join(part for part in [*head, body] if part) + "\n"
