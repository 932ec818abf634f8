"""Printable HTML letters."""

from __future__ import annotations

from broker_audit.letters.document import Paragraph
from broker_audit.letters.html import to_html

from .helpers import make_doc


def test_escapes_everything() -> None:
    evil = '<script>alert("x")</script>'
    doc = make_doc(
        subject=evil,
        sender=(evil, "1 Main"),
        recipient=(evil,),
        reference=evil,
        blocks=(Paragraph(evil),),
    )
    page = to_html(doc)
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;") == 6  # title, subject, sender, recipient, ref, body


def test_self_contained_and_printable() -> None:
    page = to_html(make_doc())
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "Nguyễn Thị Minh Khai" in page and "Trần &amp; Núñez &lt;records&gt;" in page
    for external in ("src=", "href=", "http://", "https://", "@import", "url("):
        assert external not in page
    assert "@page { size: letter" in page
