"""The language the tool speaks, and its words in that language (GNU gettext, stdlib at run time).

English is the source: the English strings in the code are the message ids, so English needs no
catalog and costs nothing. Another language is one catalog, ``locale/<lang>/LC_MESSAGES/
broker_audit.po``, compiled to the ``.mo`` beside it (``python scripts/i18n.py compile``; a test
fails when the two differ). Adding a language is adding its catalog: the languages the tool speaks
are English and each one with a compiled catalog under ``locale/``.

- ``_(message)``: the message in the current language (`set_language`, decided once by the CLI
  before any subcommand is imported: ``--lang``, then BROKER_AUDIT_LANG, then LC_ALL, LC_MESSAGES,
  LANG, then English).
- ``ngettext(singular, plural, n)``: the form for the number n, by the language's plural rule.
- ``N_(message)``: marks a string for the catalog without translating it (a table at import time,
  a command's help, which is translated when the command is built).
- ``gettext_in(language, message)``: a document's own language (a clinic client's cover sheet or
  reading copy is in the client's language, whatever the staff's screen shows).
- ``format_date``, ``format_number``: per locale, by Babel (imported only when called).

Messages with values use named placeholders filled by ``str.format`` after translation
(``_("unknown broker {name}").format(name=...)``), so a translation may move them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext as _gettext

DOMAIN = "broker_audit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _catalogued() -> tuple[str, ...]:
    try:
        found = os.listdir(LOCALE_DIR)
    except OSError:
        return ()
    return tuple(sorted(c for c in found if (LOCALE_DIR / c / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()))


LANGUAGES = ("en", *(c for c in _catalogued() if c != "en"))
"""Every language the tool speaks: English (the source and the default) and each language with a
compiled catalog, locale/<lang>/LC_MESSAGES/broker_audit.mo."""
_US_LOCALES = {"en": "en_US", "es": "es_US"}


def babel_locale(language: str) -> str:
    """The locale whose conventions dates and numbers follow: the US context where Babel has one
    (es_US: Latin American Spanish as written in the United States), else the language's own."""
    return _US_LOCALES.get(language, language)


LANGUAGE_ENV = "BROKER_AUDIT_LANG"
LOCALE_ENVS = ("LC_ALL", "LC_MESSAGES", "LANG")
"""POSIX order: the first one set (and not empty) decides; "C" and "POSIX" mean English."""

_current = "en"
_catalogs: dict[str, _gettext.NullTranslations] = {}


def normalise(tag: str) -> str | None:
    """The language of a tag such as "es", "es_US.UTF-8", "es-MX", "en_GB@euro"; None when it
    names no language the tool speaks (or is "C"/"POSIX")."""
    base = tag.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def choose_language(
    flag: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[str, str | None]:
    """(language, warning): ``--lang``, then BROKER_AUDIT_LANG, then the locale variables, then
    English. The warning (in English: the language is not decided yet) names a --lang or
    BROKER_AUDIT_LANG value that names no language the tool speaks; the locale variables may name
    any language."""
    env = os.environ if environ is None else environ
    warning = None
    if flag:
        chosen = normalise(flag)
        if chosen:
            return chosen, None
        warning = f"--lang {flag!r} is not a language broker-audit speaks ({', '.join(LANGUAGES)})"
    own = env.get(LANGUAGE_ENV, "").strip()
    if own:
        chosen = normalise(own)
        if chosen:
            return chosen, None
        warning = (
            warning
            or f"{LANGUAGE_ENV}={own!r} is not a language broker-audit speaks ({', '.join(LANGUAGES)})"
        )
    for name in LOCALE_ENVS:
        value = env.get(name, "").strip()
        if value:
            return normalise(value) or "en", warning
    return "en", warning


def flag_in(argv: Sequence[str], options_with_values: Sequence[str] = ()) -> str | None:
    """The value of a global ``--lang`` in argv: only before the subcommand (a subcommand's own
    ``--lang``, such as `request --lang es`, means something else). `options_with_values`: the
    other global options that take a value, so their value is not taken for the subcommand."""
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            return next(args, None)
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--":
            return None
        if arg in options_with_values:
            next(args, None)
        elif not arg.startswith("-"):
            return None  # the subcommand
    return None


def translation(language: str) -> _gettext.NullTranslations:
    """The catalog of a language (English: none, the ids are English). Loaded once."""
    found = _catalogs.get(language)
    if found is None:
        import gettext

        if language == "en" or language not in LANGUAGES:
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
        _catalogs[language] = found
    return found


def set_language(language: str) -> None:
    """Speak `language` from now on (a code from LANGUAGES; anything else means English)."""
    global _current
    _current = language if language in LANGUAGES else "en"


def current_language() -> str:
    return _current


def _(message: str) -> str:
    """`message` in the current language."""
    if _current == "en":
        return message
    return translation(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for the number n, by the current language's rule."""
    if _current == "en":
        return singular if n == 1 else plural
    return translation(_current).ngettext(singular, plural, n)


def data_text(text: str) -> str:
    """A text of the shipped broker data that the user reads to decide what to do (what a broker
    asks for to verify someone, the risk, the least-risk way; its documented sales to government;
    its own words on exempt data; what data it holds; whose requests it answers; what is unknown
    of an agency: the fields
    `DATA_MESSAGES` names), in the current language where the catalog has it, else as written."""
    return _(text) if text else text


DATA_MESSAGES = (
    "broker.verification.details",
    "broker.verification.asks.when",
    "broker.verification.asks.risk",
    "broker.verification.asks.instead",
    "broker.law_enforcement.summary",
    "broker.exempt_data.summary",
    "broker.holds",
    "broker.residency_limit.value",
    "agency.unknown",
)
"""The fields of brokers.toml and agencies.toml whose texts go into the catalog (scripts/i18n.py
extracts them)."""


def N_(message: str) -> str:
    """Mark `message` for the catalog; translate it later, where it is shown, with ``_``."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` for the catalog with a context (the same English word may need two
    translations: a state "sent", a heading "Sent"); translate it with `pgettext_in`."""
    return message


def pgettext_in(language: str | None, context: str, message: str) -> str:
    """`message` of `context` in `language` (None: the current one)."""
    language = language or _current
    if language == "en":
        return message
    return translation(language).pgettext(context, message)


def gettext_in(language: str, message: str) -> str:
    """`message` in `language` (a document's own language), whatever the current one is."""
    if language == "en":
        return message
    return translation(language).gettext(message)


def ngettext_in(language: str, singular: str, plural: str, n: int) -> str:
    if language == "en":
        return singular if n == 1 else plural
    return translation(language).ngettext(singular, plural, n)


def format_date(day: dt.date, length: str = "long", language: str | None = None) -> str:
    """A date as the language writes it: "November 30, 2026", "30 de noviembre de 2026" (long);
    "Nov 30, 2026", "30 nov 2026" (medium)."""
    from babel.dates import format_date as babel_date

    return str(babel_date(day, format=length, locale=babel_locale(language or _current)))


def format_number(value: float, language: str | None = None) -> str:
    """A number with the language's grouping and decimal signs: 1,234.5 (en_US and es_US alike:
    Mexico and the US group with commas)."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=babel_locale(language or _current)))


def format_percent(value: float, language: str | None = None) -> str:
    """A share as a percentage: 0.42 -> "42%" (en), "42 %" (es)."""
    from babel.numbers import format_percent as babel_percent

    return str(babel_percent(value, locale=babel_locale(language or _current)))
