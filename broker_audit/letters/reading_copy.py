"""A reading copy of a letter in the requester's language: a translation for information only.

Letters to companies and agencies stay in English. A client who reads Spanish gets, beside each
letter sent in their name, the same letter in Spanish from `templates/letters/es/<kind>.txt.j2`,
rendered by the same sandbox over the same typed context. Only the words the context carries
for the English letter's own sentences are put in the reader's language here (dates, the title,
the channel, the unit of a period; a template names a request's state itself); what a law or a
record says in its own words (a right's scope, a statute's terms, a user's details) stays as the
English letter prints it, quoted, and the copy says so. Every copy opens by saying it is a
translation and that the English letter is the one that counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec

from broker_audit.datafiles import templates_dir
from broker_audit.i18n import LANGUAGES, N_, NP_, format_date, gettext_in, pgettext_in
from broker_audit.letters.context import EarlierContext, LetterContext, PeriodContext, RecordsContext
from broker_audit.letters.document import Document
from broker_audit.vocabulary import CHANNELS
from broker_audit.words import channel_done, channel_words

READING_LANGUAGES = tuple(
    language for language in LANGUAGES if language != "en" and (templates_dir() / language).is_dir()
)
"""The languages a reading copy can be written in: those the tool speaks that have a
templates/letters/<lang>/ folder (a language is added by its catalog and that folder)."""
SUFFIX = "reading-copy"
"""A reading copy's file is the letter's name with `-reading-copy-<lang>` added."""

_UNITS = {
    "days": NP_("period unit", "days"),
    "business days": NP_("period unit", "business days"),  # i18n: not user-facing (the key)
    "working days": NP_("period unit", "working days"),  # i18n: not user-facing (the key)
}
_RECORDS_DATA = {  # what a records request asks about, by default (letters/compose.py)
    "booking, jail, arrest or mugshot data": N_(  # i18n: not user-facing (the key)
        "booking, jail, arrest or mugshot data"
    ),
    "booking data": N_("booking data"),  # i18n: not user-facing (the key)
}


def _date(text: str, language: str) -> str:
    """A date the English context wrote out ("November 30, 2026") in `language`."""
    if not text:
        return text
    try:
        day = dt.datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return text
    return format_date(day, "long", language)


def _said_in(words: str, language: str, say: Callable[[str, str | None], str]) -> str:
    """English channel words `say` gives ("by mail": `channel_words`; "through a web form":
    `channel_done`) as `say` gives them in `language`; other words as they are."""
    for channel in CHANNELS:
        if words and words == say(channel, "en"):
            return say(channel, language)
    return words


def _unit(unit: str, language: str) -> str:
    found = _UNITS.get(unit)
    return pgettext_in(language, "period unit", found) if found else unit


def _title(kind_id: str, fallback: str, language: str) -> str:
    from broker_audit.vocabulary import KINDS

    found = KINDS.get(kind_id)
    return found.title_in(language) if found is not None else fallback


def _period(period: PeriodContext | None, language: str) -> PeriodContext | None:
    if period is None:
        return None
    return msgspec.structs.replace(period, unit=_unit(period.unit, language))


def _earlier(earlier: EarlierContext | None, language: str) -> EarlierContext | None:
    if earlier is None:
        return None
    return msgspec.structs.replace(
        earlier,
        title=_title(earlier.kind, earlier.title, language),
        dated=_date(earlier.dated, language),
        sent=_date(earlier.sent, language),
        via=_said_in(earlier.via, language, channel_words),
        sent_by=_said_in(earlier.sent_by, language, channel_done),
        delivered=_date(earlier.delivered, language),
        due=_date(earlier.due, language),
        period_unit=_unit(earlier.period_unit, language),
        answered_on=_date(earlier.answered_on, language),
        appealed_on=_date(earlier.appealed_on, language),
    )


def _records(records: RecordsContext | None, language: str) -> RecordsContext | None:
    if records is None:
        return None

    def words(text: str) -> str:
        found = _RECORDS_DATA.get(text)
        return gettext_in(language, found) if found else text

    return msgspec.structs.replace(
        records,
        since=_date(records.since, language),
        data=words(records.data),
        data_short=words(records.data_short),
    )


def reading_context(context: LetterContext, language: str) -> LetterContext:
    """The letter's context with its own words in `language` (see the module's docstring)."""
    law = msgspec.structs.replace(context.law, period=_period(context.law.period, language))
    route = context.route
    if route is not None:
        route = msgspec.structs.replace(route, words=channel_words(route.channel, language) or route.words)
    requester = msgspec.structs.replace(
        context.requester, birth_date=_date(context.requester.birth_date, language)
    )
    return msgspec.structs.replace(
        context,
        title=_title(context.kind, context.title, language),
        today=_date(context.today, language),
        requester=requester,
        law=law,
        route=route,
        earlier=_earlier(context.earlier, language),
        records=_records(context.records, language),
    )


def render_reading_copy(
    template: str,
    context: LetterContext,
    *,
    language: str,
    sender: Sequence[str],
    recipient: Sequence[str],
    date: dt.date,
    reference: str,
    templates_dir: Path | None = None,
    postal: bool = True,
) -> Document:
    """The reading copy of the letter `template` renders, in `language`, from
    templates/letters/<language>/<template>.txt.j2 (a user's folder overrides it file by file).
    `postal`: the letter's recipient block is a postal address (False for a web form's URL or a
    phone number: the copy, like the letter, is not laid out for an envelope window)."""
    from broker_audit.letters.render import render_letter

    return render_letter(
        template,
        reading_context(context, language),
        sender=sender,
        recipient=recipient,
        date=date,
        reference=reference,
        templates_dir=templates_dir,
        language=language,
        folder=language,
        postal=postal,
    )


def reading_copy_stem(stem: Path, language: str) -> Path:
    """Where a letter's reading copy goes: beside it, `<letter>-reading-copy-<language>`."""
    return stem.with_name(f"{stem.name}-{SUFFIX}-{language}")
