"""Parse the tiny markup a letter template renders to into document blocks.

The markup::

    Subject: Request to delete my personal information

    Dear Privacy Team,            <- paragraph (lines folded into one)

    ## What I ask                 <- heading (first line starts with "## ")

    - delete my data              <- bullets (every line starts with "- ")
    - confirm in writing

    | Ana Núñez                   <- lines kept as they are (every line starts with "| ")
    | 12 Main St

Blocks are separated by one or more blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from broker_audit.letters.document import Block, Bullets, Heading, Lines, Paragraph

PLACEHOLDER_TOKENS = ("{{", "}}", "{%", "%}")
_BLANK_SPLIT = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


class MarkupError(ValueError):
    """The rendered text is not valid letter markup; the message says what and where."""


@dataclass(frozen=True, slots=True)
class ParsedLetter:
    """The subject and the body blocks of one rendered letter."""

    subject: str
    blocks: tuple[Block, ...]


def _block(lines: list[str]) -> list[Block]:
    if all(line.startswith("- ") for line in lines):
        return [Bullets(tuple(line[2:].strip() for line in lines))]
    if all(line.startswith("| ") or line.rstrip() == "|" for line in lines):
        return [Lines(tuple(line[2:].rstrip() for line in lines))]
    if lines[0].startswith("## "):
        out: list[Block] = [Heading(lines[0][3:].strip())]
        if len(lines) > 1:
            out.extend(_block(lines[1:]))
        return out
    return [Paragraph(" ".join(line.strip() for line in lines))]


def parse_markup(text: str) -> ParsedLetter:
    """Split rendered template output into the subject and body blocks.

    Raises :class:`MarkupError` when the first non-blank line is not ``Subject: ...``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip(" \t\n")
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise MarkupError("the first line must be 'Subject: ...'")
    subject = first[len("Subject:") :].strip()
    if not subject:
        raise MarkupError("the 'Subject:' line is empty")
    blocks: list[Block] = []
    for chunk in _BLANK_SPLIT.split(rest.strip("\n")):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            blocks.extend(_block(lines))
    return ParsedLetter(subject, tuple(blocks))


def find_placeholder(text: str) -> str | None:
    """The first leftover Jinja token (``{{``, ``}}``, ``{%``, ``%}``) in text, if any."""
    for token in PLACEHOLDER_TOKENS:
        if token in text:
            return token
    return None
