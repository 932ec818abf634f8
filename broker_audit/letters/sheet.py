"""The one-page sheet for a request that goes through a web form or by phone, not by post.

A form or a call needs no envelope: the sheet says where to go, what the form will ask and what to
give it, what not to give it, and the text to paste (the letter's own paragraphs). It has no
recipient block, so it cannot be mistaken for a letter to mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from broker_audit.i18n import gettext_in
from broker_audit.letters.document import Block, Bullets, Document, Heading, Lines, Paragraph
from broker_audit.registry.agencies import AgencyRoute
from broker_audit.registry.schema import IDENTITY_ITEM_WORDS, Broker, Route
from broker_audit.words import grade_word

_ANSWER_TO = "Please send your answer"  # i18n: not user-facing (the letter's English, matched)
_IDENTITY_HEADINGS = ("How to find my records",)  # i18n: not user-facing (the letter's English, matched)
# Paragraphs that close the identity section (after its lines): the form asks for those details.
_IDENTITY_TAILS = (
    "I am not sending my Social Security number",  # i18n: not user-facing (the letter's English, matched)
    "The data you hold is tied to phones'",  # i18n: not user-facing (the letter's English, matched)
    "If the data you hold is tied to a phone's",  # i18n: not user-facing (the letter's English, matched)
)


def _text_to_paste(letter: Document) -> list[Block]:
    """The letter's body without its identity details and signature: the form asks for those."""
    out: list[Block] = []
    blocks = list(letter.blocks)
    if blocks and isinstance(blocks[-1], Lines):
        blocks.pop()  # the signature
    if blocks and isinstance(blocks[-1], Paragraph) and blocks[-1].text.rstrip(",") == "Sincerely":
        blocks.pop()
    if blocks and isinstance(blocks[-1], Paragraph) and blocks[-1].text.startswith(_ANSWER_TO):
        blocks.pop()  # where to answer: the form asks for the contact details
    skipping = 0
    for block in blocks:
        if isinstance(block, Heading) and block.text in _IDENTITY_HEADINGS:
            skipping = 1  # the heading, its introduction, the identity lines, the notes after them
            continue
        if skipping == 1:
            if isinstance(block, Lines):
                skipping = 2
            continue
        if skipping == 2:
            if isinstance(block, Paragraph) and block.text.startswith(_IDENTITY_TAILS):
                continue
            skipping = 0
        out.append(block)
    return out


def submission_sheet(
    letter: Document,
    broker: Broker,
    route: Route,
    identity: list[str],
    withheld: Sequence[str] = (),
    reason: str = "",
    language: str = "en",
    withheld_fields: Sequence[str] = (),
) -> Document:
    """The sheet for `letter` sent through `route` (a web form or a phone line), in `language`
    (the person who fills in the form reads it; the text to paste is the letter's own).

    `identity`: what the letter's disclosure gives, as lines; `withheld`: what it keeps back, in
    words ("your current address", in `language`), and `reason` why."""

    name = broker.legal_name or broker.name
    verification = broker.verification
    if route.channel == "phone":
        where: list[Block] = [
            Heading(gettext_in(language, "Where to call")),
            Paragraph(gettext_in(language, "Call {name} at {number}.").format(name=name, number=route.value)),
        ]
        intro = gettext_in(
            language,
            "When you call, say that you are making the request below, and read it out. Ask for a "
            "reference number and write it down with the date and time.",
        )
    else:
        where = [
            Heading(gettext_in(language, "Where to submit it")),
            Paragraph(gettext_in(language, "{name}'s web form: {url}").format(name=name, url=route.value)),
        ]
        intro = gettext_in(
            language,
            "Open the form, choose the request type that matches, give only the details below, and "
            "paste the text at the end into its message field. Keep the confirmation page or email: "
            "it proves the date.",
        )
    dont = [
        gettext_in(
            language,
            "Your Social Security number, unless the law requires it for this request (it rarely does).",
        ),
        gettext_in(
            language,
            "A copy of an ID document, unless the company tells you in writing why it needs one for this "
            "request.",
        ),
    ]
    if withheld:
        why = f" ({reason})" if reason else ""
        joined = ", ".join(withheld)
        dont.append(
            gettext_in(language, "{withheld}{why}: leave them empty where the form allows.").format(
                withheld=joined[:1].upper() + joined[1:], why=why
            )
        )
        if route.channel == "phone" and ("phone" in withheld_fields or any("phone" in w for w in withheld)):
            dont.append(
                gettext_in(language, "Your phone number: the company may see the number you call from.")
            )
    if verification is not None and verification.asks:
        items = list(
            dict.fromkeys(gettext_in(language, IDENTITY_ITEM_WORDS[a.item]) for a in verification.asks)
        )
        asked = (
            gettext_in(language, "{first} or {last}").format(first=", ".join(items[:-1]), last=items[-1])
            if len(items) > 1
            else items[0]
        )
        if any(a.item == "ssn" for a in verification.asks):
            dont.pop(0)  # the line below names the Social Security number and says more
        dont.append(
            gettext_in(
                language,
                "It is known to ask for {asked}: give none unless it says in writing what it needs and why "
                "(the risk of each and the least-risk way: {command}).",
            ).format(asked=asked, command=f"broker-audit brokers show {broker.id}")
        )
    elif verification is not None and (verification.asks_ssn or verification.asks_id_copy):
        if verification.asks_ssn and verification.asks_id_copy:
            said = gettext_in(
                language,
                "Our data says this company asks for a Social Security number and a copy of an ID; "
                "give it only if you must.",
            )
        elif verification.asks_ssn:
            said = gettext_in(
                language,
                "Our data says this company asks for a Social Security number; give it only if you must.",
            )
        else:
            said = gettext_in(
                language, "Our data says this company asks for a copy of an ID; give it only if you must."
            )
        dont.append(said)
    if route.grade != "primary":
        where_read = "" if route.source == route.value else f" ({route.source})"
        dont.append(
            gettext_in(
                language,
                "This address comes from a {grade} source{where}: check that it is the "
                "company's own page before you type anything.",
            ).format(grade=grade_word(route.grade, language), where=where_read)
        )
    blocks: list[Block] = [
        Paragraph(intro),
        *where,
        Heading(gettext_in(language, "What to give it")),
        Lines(tuple(identity)),
        Heading(gettext_in(language, "What not to give it")),
        Bullets(tuple(dont)),
        Heading(gettext_in(language, "Text to paste")),
        *_text_to_paste(letter),
    ]
    subject = (
        gettext_in(language, "Call sheet: ")
        if route.channel == "phone"
        else gettext_in(language, "Web form sheet: ")
    ) + letter.subject
    return replace(
        letter, kind=f"{letter.kind}-sheet", subject=subject, recipient=(), blocks=tuple(blocks), compact=True
    )


def agency_submission_sheet(
    letter: Document, agency_name: str, route: AgencyRoute, identity: list[str], language: str = "en"
) -> Document:
    """The sheet for a records request that goes through an agency's web form (or that a page
    says to start from: the route's note says which), or by phone, in `language`."""

    if route.channel == "phone":
        where: list[Block] = [
            Heading(gettext_in(language, "Where to call")),
            Paragraph(
                gettext_in(language, "Call the {agency} at {number}.").format(
                    agency=agency_name, number=route.value
                )
            ),
        ]
        intro = gettext_in(
            language,
            "Ask how the office takes written records requests, and send this request that way. Write "
            "down the date, the name of the person you spoke to and any reference number.",
        )
    else:
        where = [
            Heading(gettext_in(language, "Where to submit it")),
            Paragraph(gettext_in(language, "Start at: {url}").format(url=route.value)),
        ]
        intro = gettext_in(
            language,
            "Open the page, follow the agency's own way to file a records request (its online form, or "
            "its form to print and send), give only the details below, and paste or attach the text "
            "at the end. Keep the confirmation page or email: it proves the date.",
        )
    if route.note:
        where.append(Paragraph(gettext_in(language, "From our directory: {note}").format(note=route.note)))
    dont = [
        gettext_in(
            language, "A home address or a phone number: the agency needs only a way to send the records."
        ),
        gettext_in(
            language,
            "An ID document: for records under the Open Records Act a custodian may not require one "
            "(C.R.S. 24-72-203(1)(a)). Some sheriffs ask for one, or for a notarized statement, for "
            "criminal justice records; decide before you give it.",
        ),
    ]
    if route.grade != "primary":
        dont.append(
            gettext_in(
                language,
                "This address comes from a {grade} source ({source}): check that it is the "
                "agency's own page before you type anything.",
            ).format(grade=grade_word(route.grade, language), source=route.source)
        )
    blocks: list[Block] = [
        Paragraph(intro),
        *where,
        Heading(gettext_in(language, "What to give it")),
        Lines(tuple(identity)),
        Heading(gettext_in(language, "What not to give it")),
        Bullets(tuple(dont)),
        Heading(gettext_in(language, "Text to paste")),
        *_text_to_paste(letter),
    ]
    subject = (
        gettext_in(language, "Call sheet: ")
        if route.channel == "phone"
        else gettext_in(language, "Web form sheet: ")
    ) + letter.subject
    return replace(
        letter, kind=f"{letter.kind}-sheet", subject=subject, recipient=(), blocks=tuple(blocks), compact=True
    )


def official_form_sheet(
    letter: Document, broker: Broker, route: Route, identity: list[str], language: str = "en"
) -> Document:
    """The sheet for a request to a recipient that takes it only on its own form (`route.form`):
    where to get the form, what it asks for, where to send it. The letter's text is not in it:
    the recipient would discard a letter, and the form has its own fields."""
    form = route.form
    assert form is not None, "official_form_sheet needs a route with its form"  # i18n: not user-facing
    name = broker.legal_name or broker.name
    where = route.postal.lines() if route.postal is not None else [route.address()]
    blocks: list[Block] = [
        Paragraph(
            gettext_in(
                language,
                "{recipient} takes this request only on its own form, the {form}. A letter sent there "
                "instead may be thrown away, so this sheet is not a letter to mail: it says how to fill "
                "in the form and where to send it.",
            ).format(recipient=where[0], form=form.name)
        ),
        Heading(gettext_in(language, "Get the form")),
        Paragraph(
            gettext_in(language, "The {form} is published at {where}.").format(
                form=form.name, where=form.where
            )
        ),
        Heading(gettext_in(language, "What the form asks for")),
        Bullets(tuple(form.asks) if form.asks else (gettext_in(language, "what its own instructions say"),)),
        Heading(gettext_in(language, "What to fill in")),
        Paragraph(
            gettext_in(
                language,
                "Ask only for what this request is about: the report of {name}. Give the details below, "
                "exactly as the form asks for them:",
            ).format(name=name)
        ),
        Lines(tuple(identity)),
        Heading(gettext_in(language, "Where to send it")),
        Lines(tuple(where)),
        Paragraph(
            gettext_in(
                language,
                "Send the form by certified mail with a return receipt and keep a copy of it: the receipt "
                "proves the day it arrived.",
            )
        ),
    ]
    if form.note:
        blocks.append(Paragraph(form.note))
    if form.grade not in (None, "primary") or route.grade != "primary":
        blocks.append(
            Paragraph(
                gettext_in(
                    language,
                    "Where this comes from: {source}. Check the form and the address on the "
                    "recipient's own site before you send anything.",
                ).format(source=form.source)
            )
        )
    return replace(
        letter,
        kind=f"{letter.kind}-form-sheet",
        subject=gettext_in(language, "Form sheet: {subject}").format(subject=letter.subject),
        recipient=(),
        blocks=tuple(blocks),
        compact=True,
    )
