"""One writer per output format behind a small Protocol, and the formats each route produces.

A letter is produced as the artefact of its route: a window-envelope PDF for mail, an `.eml` with
a real `To:` for email, a submission sheet (PDF) for a web form or a phone call: each channel's
`artefacts` (vocabulary.CHANNELS). `--format` chooses other formats explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from broker_audit.errors import UserError
from broker_audit.i18n import N_
from broker_audit.letters.document import Document
from broker_audit.vocabulary import CHANNELS

FORMATS = ("pdf", "txt", "eml", "html")


class Writer(Protocol):
    suffix: str

    def write(self, document: Document, path: Path) -> None: ...


class _Pdf:
    suffix = "pdf"

    def write(self, document: Document, path: Path) -> None:
        from broker_audit.letters.pdf import write_pdf

        write_pdf([document], path)


class _Text:
    suffix = "txt"

    def write(self, document: Document, path: Path) -> None:
        from broker_audit.files import write_text
        from broker_audit.letters.text import to_text

        write_text(path, to_text(document), what=N_("letter"))


class _Eml:
    suffix = "eml"

    def write(self, document: Document, path: Path) -> None:
        from broker_audit.files import write_bytes
        from broker_audit.letters.eml import to_eml

        write_bytes(path, to_eml(document), what=N_("letter"))


class _Html:
    suffix = "html"

    def write(self, document: Document, path: Path) -> None:
        from broker_audit.files import write_text
        from broker_audit.letters.html import to_html

        write_text(path, to_html(document), what=N_("letter"))


WRITERS: dict[str, Writer] = {w.suffix: w for w in (_Pdf(), _Text(), _Eml(), _Html())}


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UserError(f"unknown format {', '.join(bad) or '(none)'}", "formats are: " + ",".join(FORMATS))
    return list(dict.fromkeys(formats))


def formats_for(channel: str | None, chosen: Sequence[str] | None) -> tuple[str, ...]:
    """The formats to write: those chosen with --format, else the route's own artefacts."""
    if chosen:
        return tuple(chosen)
    spec = CHANNELS.get(channel or "")
    return spec.artefacts if spec is not None else ("pdf", "txt")


def write_letter(document: Document, stem: Path, formats: Sequence[str]) -> list[Path]:
    """Write one letter in each format next to `stem`; returns the paths written. On a failure
    the files already written are removed."""
    files: list[Path] = []
    try:
        for fmt in formats:
            path = stem.with_suffix("." + fmt)
            WRITERS[fmt].write(document, path)
            files.append(path)
    except BaseException:
        for path in files:
            path.unlink(missing_ok=True)
        raise
    return files
