"""Plain-text letters."""

from __future__ import annotations

from broker_audit.letters.document import Bullets
from broker_audit.letters.text import to_text

from .helpers import RECIPIENT, SENDER, make_doc


def test_layout_and_wrapping() -> None:
    doc = make_doc()
    text = to_text(doc)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text.startswith("\n".join(SENDER) + "\n\nMay 4, 2025\n\nReference: BA-2025-00042\n\n")
    assert "\n".join(RECIPIENT) + "\n\nSubject: Request to access" in text
    assert all(len(line) <= 72 for line in text.splitlines())
    assert "- the sources: Trần & Núñez <records>" in text
    assert "Sincerely,\n\nNguyễn Thị Minh Khai" in text


def test_bullets_hang() -> None:
    item = "a long bullet item " * 8
    text = to_text(make_doc(blocks=(Bullets((item.strip(),)),)))
    lines = text.rstrip("\n").split("\n\n")[-1].splitlines()
    assert lines[0].startswith("- ")
    assert len(lines) > 1 and all(line.startswith("  ") for line in lines[1:])


def test_spanish_date() -> None:
    assert "4 de mayo de 2025\n\nReferencia: BA-2025-00042" in to_text(make_doc(language="es"))
