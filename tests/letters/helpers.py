"""Sample data and documents for the letter pipeline tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from broker_audit.letters.compose import Earlier
from broker_audit.letters.document import Bullets, Document, Heading, Lines, Paragraph

FIXTURE_TEMPLATES = Path(__file__).parent / "fixtures" / "templates"

# The request a follow-up, appeal or complaint is about: sent by mail, received three days later,
# refused; its legal due date known (from the receipt) and stated.
EARLIER = Earlier(
    reference="BA-EARLIER1",
    kind="access",
    dated=dt.date(2026, 9, 1),
    sent=dt.date(2026, 9, 2),
    via="mail",
    tracking="9407 1111",
    delivered=dt.date(2026, 9, 5),
    due=dt.date(2026, 10, 20),
    due_estimated=False,
    state="denied",
    answered_on=dt.date(2026, 10, 1),
    appealed_on=None,
)

SENDER = ("Nguyễn Thị Minh Khai", "1200 Calle Olvera Apt 4B", "Los Angeles, CA 90012")
RECIPIENT = (
    "Acme People Search, LLC",
    "Attn: Privacy Compliance",
    "1000 Corporate Drive, Suite 400",
    "Austin, TX 78701",
)
WORDS = [
    "please",
    "disclose",
    "the",
    "categories",
    "of",
    "personal",
    "information",
    "you",
    "sold",
    "or",
    "shared",
]


def context(**overrides: Any) -> dict[str, Any]:
    """A template context for the fixture templates."""
    values: dict[str, Any] = {
        "requester": {"name": "María José Núñez Peña"},
        "broker": {"name": "Acme People Search, LLC"},
        "law": "the California Consumer Privacy Act",
        "asks": ["the categories of data", "the sources", "a copy of the data"],
        "days": 45,
    }
    values.update(overrides)
    return values


def body_words(n: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(n)).capitalize() + "."


def make_doc(paragraphs: int = 3, words: int = 60, **overrides: Any) -> Document:
    """A document built directly, for the output-format tests."""
    blocks = (
        Paragraph("Dear Privacy Team,"),
        *(Paragraph(body_words(words)) for _ in range(paragraphs)),
        Heading("What I ask for"),
        Bullets(("the categories of data", "the sources: Trần & Núñez <records>")),
        Lines(("Sincerely,", "", SENDER[0])),
    )
    doc = Document(
        kind="access",
        subject="Request to access personal information – Nguyễn Thị Minh Khai",
        sender=SENDER,
        recipient=RECIPIENT,
        date=dt.date(2025, 5, 4),
        reference="BA-2025-00042",
        blocks=blocks,
        email_to="privacy@acme.example",
        email_from="Nguyễn Thị Minh Khai <khai@example.org>",
    )
    return replace(doc, **overrides)
