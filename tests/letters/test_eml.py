"""RFC 5322 e-mail letters read back with the standard library parser."""

from __future__ import annotations

import email.policy
from email.parser import BytesParser

from broker_audit.letters.eml import to_eml

from .helpers import make_doc


def test_parses_back_with_headers_and_utf8_body() -> None:
    doc = make_doc()
    raw = to_eml(doc)
    assert raw.isascii()  # encoded headers and quoted-printable body
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert not msg.defects
    assert msg["Subject"] == doc.subject
    assert msg["To"] == "privacy@acme.example"
    assert msg["From"].addresses[0].display_name == "Nguyễn Thị Minh Khai"
    assert msg["From"].addresses[0].addr_spec == "khai@example.org"
    assert msg["Date"].datetime.date() == doc.date
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.org>")
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    body = msg.get_content().replace("\r\n", "\n")
    assert body.startswith("Reference: BA-2025-00042\n\nDear Privacy Team,")
    assert "Trần & Núñez <records>" in body and "Nguyễn Thị Minh Khai" in body


def test_without_sender_address_the_message_id_names_no_host() -> None:
    msg = BytesParser(policy=email.policy.default).parsebytes(to_eml(make_doc(email_from=None)))
    assert msg["From"] is None
    assert msg["Message-ID"].endswith("@broker-audit.invalid>")
