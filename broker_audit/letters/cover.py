"""The cover sheet a clinic client gets with their letters, in the client's language.

It says what the clinic will mail, what it will send by email or web form, and what it cannot
send yet, all in the future tense: the sheet is printed before anything is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from broker_audit.datafiles import templates_dir
from broker_audit.i18n import LANGUAGES as SPOKEN
from broker_audit.i18n import N_, NP_, gettext_in, pgettext_in
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
from broker_audit.vocabulary import CHANNELS, LetterKind, kind

LANGUAGES = tuple(
    language
    for language in SPOKEN
    if language == "en" or (templates_dir() / f"cover-{language}.txt.j2").is_file()
)
"""The languages a cover sheet is written in: English, and each language the tool speaks that has
a templates/letters/cover-<lang>.txt.j2 (its words are in the catalog)."""


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
    # The letter's kind itself, as planned (a batch's worker reads this, never a table); None:
    # the kind `kind` names in the shipped table.
    letter: LetterKind | None = None

    def letter_kind(self) -> LetterKind:
        return self.letter if self.letter is not None else kind(self.kind)


def template_kind(language: str) -> str:
    return "cover" if language == "en" else f"cover-{language}"


_NOT_WRITTEN = {  # why a letter was not written, as the client reads it (how each letter goes:
    # its channel's `cover` words, vocabulary.CHANNELS)
    "repeat": N_(
        "You already have an open request of this kind to this company (#{request}), so we "
        "did not write it again."
    ),
    "address": N_(
        "Its postal address does not fit on an envelope, so no letter was written; we will find "
        "another way and tell you."
    ),
    "no-route": N_(
        "We know no way to reach this company yet, so no letter was written; we will tell you when we do."
    ),
}


def _how(letter: CoverLetter, language: str) -> str:
    spec = CHANNELS.get(letter.channel)
    if spec is not None:
        message = spec.cover
    else:
        message = _NOT_WRITTEN.get(letter.not_written, _NOT_WRITTEN["no-route"])
    return gettext_in(language, message).format(address=letter.address, request=letter.repeats)


_COVER_UNITS = {  # how a cover sheet names a period's unit, in the client's language
    "days": NP_("cover period unit", "days"),
    "business days": NP_("cover period unit", "business days"),  # i18n: not user-facing (the key)
    "working days": NP_("cover period unit", "working days"),  # i18n: not user-facing (the key)
}


def _when(law: LawContext, language: str) -> str:
    """How long the company has to answer this request, in the client's language: the request's
    own period where the letter states it, else "the period the law sets" (never another
    request's period: an opt-out's clock is not an access request's)."""
    if not law.applies:
        return gettext_in(
            language,
            "No law makes the company answer, but many do; the letter asks for an answer within 45 days.",
        )
    period: PeriodContext | None = law.period
    if period is None:
        return gettext_in(
            language,
            "It must answer within the period the law sets, counted from the day it receives the request.",
        )
    found = _COVER_UNITS.get(period.unit)
    unit = pgettext_in(language, "cover period unit", found) if found else period.unit
    out = gettext_in(language, "It must answer within {days} {unit} of receiving it").format(
        days=period.days, unit=unit
    )
    if period.extension_days:
        out += gettext_in(language, ", and may take {days} more {unit} if it tells you why").format(
            days=period.extension_days, unit=unit
        )
    elif period.extension_days == 0:
        out += gettext_in(language, ", with no extension")
    return out + "."


def _join(items: Sequence[str], language: str) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + gettext_in(language, "and") + " " + items[-1]


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
        letter = x.letter_kind()
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
    state_law = law_context(claim_for(law, kind("access")))
    claims = [x.claim or claim_for(law, x.letter_kind()) for x in written]
    if any(c.applies and c.law.id == law.id for c in claims):
        deadlines = "state"
    elif any(c.applies for c in claims):
        deadlines = "other"  # an FCRA request, whatever the state's own law
    else:
        deadlines = "state" if state_law.applies else "none"
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
        goals=_join([x.letter_kind().goal_in(language) for x in (written or letters)], language),
        letters=[item(x) for x in letters],
        mailed=[item(x) for x in letters if x.channel == "mail"],
        online=[item(x) for x in letters if x.channel and x.channel != "mail"],
        unsent=[item(x) for x in letters if not x.channel],
        law=state_law,
        deadlines=deadlines,
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
