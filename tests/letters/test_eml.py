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
    # the return address heads the letter, as on paper ("send your answer to my address above")
    assert body.startswith("\n".join(doc.sender) + "\n\nReference: BA-2025-00042\n\nDear Privacy Team,")
    assert "Trần & Núñez <records>" in body and "Nguyễn Thị Minh Khai" in body


def test_who_sends_an_eml_without_a_sender_is_refused_never_written_without_from() -> None:
    """The issue: the .eml of a client without an e-mail address had no From:."""
    import pytest

    from broker_audit.errors import UserError

    with pytest.raises(UserError, match="needs a From: address"):
        to_eml(make_doc(email_from=None))


def test_who_sends_every_eml_has_from_date_and_message_id_and_the_chosen_reply_to() -> None:
    import dataclasses

    doc = dataclasses.replace(
        make_doc(email_from="Example Clinic <desk@clinic.example>"),
        reply_to="answers@clinic.example",
        on_behalf="Example Clinic sends this request on behalf of Ana García.",
        signed_for="Sent by Example Clinic, authorized agent of Ana García",
        attachments=(("authorization.pdf", "application/pdf", b"%PDF-1.4 x"),),
    )
    msg = BytesParser(policy=email.policy.default).parsebytes(to_eml(doc))
    assert msg["From"].addresses[0].addr_spec == "desk@clinic.example"
    assert msg["Reply-To"] == "answers@clinic.example"
    assert msg["Date"] and msg["Message-ID"].endswith("@clinic.example>")
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Example Clinic sends this request on behalf of Ana García.")
    assert text.rstrip().endswith("Sent by Example Clinic, authorized agent of Ana García")
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "authorization.pdf"
    assert attachment.get_content() == b"%PDF-1.4 x"


def test_a_sender_without_a_plain_domain_gets_a_message_id_naming_no_host() -> None:
    msg = BytesParser(policy=email.policy.default).parsebytes(
        to_eml(make_doc(email_from="me@bücher.example"))
    )
    assert msg["Message-ID"].endswith("@broker-audit.invalid>")
