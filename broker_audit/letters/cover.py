"""The cover sheet a clinic client gets with their letters, in the client's language.

It says what the clinic will mail, what it will send by email or web form, and what it cannot
send yet, all in the future tense: the sheet is printed before anything is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from broker_audit.law.claim import Claim, claim_for
from broker_audit.law.schema import Law, Platform
from broker_audit.letters.compose import law_context, title_for
from broker_audit.letters.context import (
    ClinicContext,
    CoverContext,
    CoverCounts,
    CoverItem,
    LawContext,
    PeriodContext,
    PlatformContext,
    ToldContext,
)
from broker_audit.profile import AgentProfile
from broker_audit.vocabulary import kind

LANGUAGES = ("en", "es")

_AND = {"en": "and", "es": "y"}


@dataclass(frozen=True)
class CoverLetter:
    """One letter as the cover sheet lists it. `channel` is "" when no route is known."""

    broker_name: str
    kind: str
    reference: str = ""
    channel: str = ""
    address: str = ""  # the email address, form URL or phone number for online routes
    tells: str = ""  # what the letter tells the company about the client, in the client's language
    cannot_reach: str = ""  # what a state-law request may not reach at this broker
    # The letter's claim as it was planned (law/claim.py): its law, right and period; None: the
    # client's state law for this kind.
    claim: Claim | None = None
    # Why a letter was not written (channel ""): "no-route", "address" (its postal address
    # cannot be printed whole) or "repeat" (an open request of its kind exists: `repeats`).
    not_written: str = "no-route"
    repeats: int | None = None


def template_kind(language: str) -> str:
    return "cover" if language == "en" else f"cover-{language}"


def _how(letter: CoverLetter, language: str) -> str:
    en = language == "en"
    if letter.channel == "mail":
        return "We will mail it." if en else "La enviaremos por correo postal."
    if letter.channel == "email":
        return (
            f"We will email it to {letter.address}."
            if en
            else f"La enviaremos por correo electrónico a {letter.address}."
        )
    if letter.channel == "web-form":
        return (
            f"We will submit it on the company's web form ({letter.address})."
            if en
            else f"La enviaremos por el formulario web de la empresa ({letter.address})."
        )
    if letter.channel == "phone":
        return (
            f"We will make the request by phone ({letter.address})."
            if en
            else f"Haremos la solicitud por teléfono ({letter.address})."
        )
    if letter.channel == "fax":
        return f"We will fax it to {letter.address}." if en else f"La enviaremos por fax al {letter.address}."
    if letter.not_written == "repeat":
        return (
            f"You already have an open request of this kind to this company (#{letter.repeats}), so we "
            "did not write it again."
            if en
            else f"Usted ya tiene una solicitud de este tipo abierta con esta empresa (#{letter.repeats}), "
            "así que no la escribimos de nuevo."
        )
    if letter.not_written == "address":
        return (
            "Its postal address does not fit on an envelope, so no letter was written; we will find "
            "another way and tell you."
            if en
            else "Su dirección postal no cabe en un sobre, así que no escribimos la carta; buscaremos "
            "otra forma y le avisaremos."
        )
    return (
        "We know no way to reach this company yet, so no letter was written; we will tell you when we do."
        if en
        else "Todavía no conocemos una forma de contactar a esta empresa, así que no escribimos la carta; "
        "le avisaremos."
    )


_UNITS_ES = {"days": "días", "business days": "días hábiles", "working days": "días hábiles"}


def _when(law: LawContext, language: str) -> str:
    """How long the company has to answer this request, in the client's language: the request's
    own period where the letter states it, else "the period the law sets" (never another
    request's period: an opt-out's clock is not an access request's)."""
    en = language == "en"
    if not law.applies:
        return (
            "No law makes the company answer, but many do; the letter asks for an answer within 45 days."
            if en
            else "Ninguna ley obliga a la empresa a responder, pero muchas lo hacen; la carta pide una "
            "respuesta en un plazo de 45 días."
        )
    period: PeriodContext | None = law.period
    if period is None:
        return (
            "It must answer within the period the law sets, counted from the day it receives the request."
            if en
            else "Debe responder dentro del plazo que fija la ley, contado desde el día en que recibe la "
            "solicitud."
        )
    if en:
        out = f"It must answer within {period.days} {period.unit} of receiving it"
        if period.extension_days:
            out += f", and may take {period.extension_days} more {period.unit} if it tells you why"
        elif period.extension_days == 0:
            out += ", with no extension"
        return out + "."
    unit = _UNITS_ES.get(period.unit, period.unit)
    out = f"Debe responder dentro de {period.days} {unit} desde que la recibe"
    if period.extension_days:
        out += f", y puede tomar {period.extension_days} {unit} más si le explica por qué"
    elif period.extension_days == 0:
        out += ", sin prórroga"
    return out + "."


def _join(items: Sequence[str], language: str) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND[language]} " + items[-1]


def cover_context(
    *,
    client_name: str,
    language: str,
    clinic: AgentProfile,
    letters: Sequence[CoverLetter],
    law: Law,
    today: dt.date,
    platform: Platform | None = None,
) -> CoverContext:
    from broker_audit.letters.document import format_date

    def item(x: CoverLetter) -> CoverItem:
        letter = kind(x.kind)
        claim = x.claim or claim_for(law, letter)
        return CoverItem(
            broker=x.broker_name,
            title=title_for(claim) if language == "en" else letter.title_in(language),
            reference=x.reference,
            how=_how(x, language),
            when=_when(law_context(claim), language),
            cannot_reach=x.cannot_reach,
        )

    groups: dict[str, list[str]] = {}
    for x in letters:
        if x.channel and x.tells:
            groups.setdefault(x.tells, []).append(x.broker_name)

    written = [x for x in letters if x.channel]
    return CoverContext(
        counts=CoverCounts(
            requests=len(written),
            brokers=len({x.broker_name for x in written}),
            kinds=len({x.kind for x in written}),
            not_written=len(letters) - len(written),
        ),
        client={"name": client_name},
        today=format_date(today, language),
        clinic=ClinicContext(
            organization=clinic.organization,
            contact_name=clinic.contact_name,
            address=list(clinic.address),
            email=clinic.email,
            phone=clinic.phone,
        ),
        goals=_join([kind(x.kind).goal_in(language) for x in (written or letters)], language),
        letters=[item(x) for x in letters],
        mailed=[item(x) for x in letters if x.channel == "mail"],
        online=[item(x) for x in letters if x.channel and x.channel != "mail"],
        unsent=[item(x) for x in letters if not x.channel],
        law=law_context(claim_for(law, kind("access"))),
        platform=(
            PlatformContext(
                name=platform.name,
                short_name=platform.short_name,
                url=platform.url,
                covers=platform.covers,
                excludes=platform.excludes,
            )
            if platform is not None
            else None
        ),
        told=[ToldContext(brokers=_join(names, language), what=what) for what, names in groups.items()],
    )
