"""The tiny letter markup: subject line, paragraphs, bullets, headings, kept lines."""

from __future__ import annotations

import pytest

from broker_audit.letters.document import Bullets, Heading, Lines, Paragraph
from broker_audit.letters.markup import MarkupError, find_placeholder, parse_markup


def test_parses_every_block_kind() -> None:
    text = (
        "Subject: Delete my data\n"
        "\n"
        "Dear team,\n"
        "\n\n\n"
        "I ask you to\n"
        "delete everything.\n"
        "\n"
        "## What I ask\n"
        "\n"
        "- delete my data\n"
        "- confirm in writing\n"
        "   \n"
        "| Ana Núñez\n"
        "|\n"
        "| 12 Main St\n"
    )
    parsed = parse_markup(text)
    assert parsed.subject == "Delete my data"
    assert parsed.blocks == (
        Paragraph("Dear team,"),
        Paragraph("I ask you to delete everything."),
        Heading("What I ask"),
        Bullets(("delete my data", "confirm in writing")),
        Lines(("Ana Núñez", "", "12 Main St")),
    )


def test_heading_followed_by_text_in_same_block() -> None:
    parsed = parse_markup("Subject: s\n\n## Rights\nYou must answer\nin 45 days.\n")
    assert parsed.blocks == (Heading("Rights"), Paragraph("You must answer in 45 days."))


def test_mixed_block_is_a_paragraph() -> None:
    parsed = parse_markup("Subject: s\n\n- one\nnot a bullet\n")
    assert parsed.blocks == (Paragraph("- one not a bullet"),)


def test_crlf_and_leading_blank_lines() -> None:
    parsed = parse_markup("\r\n\r\nSubject: s\r\n\r\nHello\r\nthere\r\n")
    assert parsed.subject == "s"
    assert parsed.blocks == (Paragraph("Hello there"),)


@pytest.mark.parametrize("text", ["Dear team,\n", "Subject:   \n\nbody", ""])
def test_subject_is_required(text: str) -> None:
    with pytest.raises(MarkupError, match="Subject"):
        parse_markup(text)


def test_find_placeholder() -> None:
    assert find_placeholder("Dear {{ name }}") == "{{"
    assert find_placeholder("a %} b") == "%}"
    assert find_placeholder("plain {text} 100%") is None
