"""Any Unicode name or address renders into every output format."""

from __future__ import annotations

import datetime as dt
import email.policy
from email.parser import BytesParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broker_audit.letters import pdf
from broker_audit.letters.eml import to_eml
from broker_audit.letters.html import to_html
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text

from .helpers import context

text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)),  # every code point but surrogates
    min_size=1,
    max_size=60,
)
lines = st.lists(text, min_size=1, max_size=9)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=text, sender=lines, recipient=lines, reference=text)
def test_any_unicode_renders_everywhere(
    fixture_templates: Path, name: str, sender: list[str], recipient: list[str], reference: str
) -> None:
    doc = render_letter(
        "access",
        context(requester={"name": name}, broker={"name": recipient[0]}),
        sender=[name, *sender],
        recipient=recipient,
        date=dt.date(2025, 5, 4),
        reference=reference,
        email_to="privacy@acme.example",
        email_from=f"{name} <me@example.org>",
    )
    assert to_text(doc).endswith("\n")
    assert "<script" not in to_html(doc).replace("&lt;script", "")
    msg = BytesParser(policy=email.policy.default).parsebytes(to_eml(doc))
    assert msg["Subject"] is not None and msg.get_content()
    from broker_audit.errors import AddressDoesNotFit
    from broker_audit.letters.address_fit import address_problems

    try:
        data = pdf.pdf_bytes(doc)
    except AddressDoesNotFit:  # never printed cut or outside the window: refused before drawing
        assert address_problems(doc.recipient)
        return
    assert not address_problems(doc.recipient)
    assert data.startswith(b"%PDF-")
