"""Per-field normalisation of one cell. Each function returns the clean value or raises BadValue.

Names are kept exactly as written (case, accents, both surnames), only NFC-normalised with
whitespace collapsed: "García  Márquez" -> "García Márquez", "Nguyễn" stays "Nguyễn".
"""

from __future__ import annotations

import re
import unicodedata

from broker_audit.cleantext import squash
from broker_audit.i18n import _

MAX_NAME = 300  # characters; a longer cell is almost surely a paste error


class BadValue(ValueError):
    """A cell that cannot be used; the message says what to fix (never echoes the value)."""


_CONTROLS = {c: " " for c in (*range(0x20), *range(0x7F, 0xA0))}
_INVISIBLE = _CONTROLS | dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE_KEEP_JOINERS = _CONTROLS | dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)


def clean(text: str) -> str:
    """NFC, invisible characters removed, every run of whitespace (NBSP, newlines) -> one space."""
    if text.isascii():
        return " ".join(text.translate(_CONTROLS).split())
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


_EXCEL_FLOAT = re.compile(r"\d+\.0+")


def excel_number(text: str) -> str:
    """'80204.0' -> '80204': Excel turns digit-only cells into floats on the way through."""
    return text[: text.index(".")] if "." in text and _EXCEL_FLOAT.fullmatch(text) else text


def name_part(text: str) -> str:
    """A name cell kept as written; refuse unreadable characters and absurd lengths."""
    if text.isascii():
        value = " ".join(text.translate(_CONTROLS).split())
    else:
        # Zero-width joiners carry meaning in some scripts; keep them inside names.
        value = " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE_KEEP_JOINERS).split())
    if "\ufffd" in value:
        raise BadValue(_("has unreadable characters (�): retype it, or save the file as 'CSV UTF-8'"))
    if len(value) > MAX_NAME:
        raise BadValue(_("is longer than {count} characters").format(count=MAX_NAME))
    return value


_NOT_WORD = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """For duplicate detection only: case, accents and punctuation ignored, any script kept.

    'José  García-Márquez' and 'JOSE GARCIA MARQUEZ' give the same key; '李小龙' stays '李小龙'."""
    if text.isascii():
        return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def split_list(text: str) -> list[str]:
    """'Pepe; José G. | Joe' -> three names. Commas are not separators ("García, José")."""
    return [part for part in (name_part(p) for p in re.split(r"[;|\n\r]+", text)) if part]


def zip_code(text: str, state: str | None = None) -> str:
    """'80204', '80204-1234', '802041234', '80204 1234' -> canonical; Excel-mangled '2134' -> '02134'.

    A short ZIP is padded with zeros only where the state's ZIP codes start with 0 (a spreadsheet
    dropped the zero): a 4-digit ZIP in Colorado is a typing error, not 08020 in New Jersey.
    """
    from broker_audit.geography import zips_start_with_zero

    value = excel_number(clean(text)).replace(" ", "-")
    short = len(value.split("-")[0].replace("-", "")) < 5
    if short and state is not None and value.replace("-", "").isdigit() and not zips_start_with_zero(state):
        raise BadValue(
            _(
                "has fewer than 5 digits, and {state} ZIP codes do not start with 0: write all 5 digits"
            ).format(state=state)
        )
    digits = value.replace("-", "")
    if not digits.isdigit() or value.count("-") > 1:
        raise BadValue(_("is not a ZIP code: use 5 digits (80204) or ZIP+4 (80204-1234)"))
    if "-" in value:
        head, tail = value.split("-")
        if len(tail) != 4 or not 3 <= len(head) <= 5:
            raise BadValue(_("is not a ZIP code: use 5 digits (80204) or ZIP+4 (80204-1234)"))
        return f"{head.zfill(5)}-{tail}"
    if 3 <= len(digits) <= 5:  # leading zeros lost by Excel: 2134 -> 02134, 501 -> 00501
        return digits.zfill(5)
    if 7 <= len(digits) <= 9:  # ZIP+4 stored as a number: 21341234 -> 02134-1234
        digits = digits.zfill(9)
        return f"{digits[:5]}-{digits[5:]}"
    raise BadValue(_("is not a ZIP code: use 5 digits (80204) or ZIP+4 (80204-1234)"))


_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|ext|#)\s*\d{1,6}\s*$", re.I)


def phone(text: str) -> tuple[str, str]:
    """(normalised, warning). US numbers -> '+1 303 555 0147'; others with '+' -> E.164.

    A number we cannot read gives ('', warning): a phone is never required for a letter.
    """
    value = excel_number(clean(text))
    if not value:
        return "", ""
    note = ""
    if _EXTENSION.search(value):
        value = _EXTENSION.sub("", value)
        note = _("the phone extension was left out")
    international = value.startswith(("+", "00")) and not value.startswith(("+1", "001"))
    digits = re.sub(r"\D", "", value)
    if re.fullmatch(r"[\d.]+e\+?\d+", value, re.I):
        return "", _("the phone is not a number (Excel may have turned it into 3.03E+09: format as text)")
    if international:
        digits = digits.removeprefix("00")
        if 8 <= len(digits) <= 15:
            return "+" + digits, note
        return "", _("the phone number has the wrong number of digits")
    digits = digits.removeprefix("001") if len(digits) == 13 else digits
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return "", _("the phone number needs 10 digits with the area code")
    if digits[0] in "01" or digits[3] in "01":
        return "", _("the phone number is not a valid US number (area code or exchange starts with 0 or 1)")
    return f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}", note


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email(text: str) -> tuple[str, str]:
    """(normalised, warning). 'mailto:Ana@Example.COM ' -> 'Ana@example.com'; first of several."""
    value = clean(text).removeprefix("mailto:")
    if not value:
        return "", ""
    parts = [p for p in re.split(r"[;,\s]+", value) if p]
    note = _("only the first of several emails was kept") if len(parts) > 1 else ""
    first = parts[0].strip("<>")
    if not _EMAIL.fullmatch(first):
        return "", _("the email does not look like an email address; it was left out")
    local, domain = first.rsplit("@", 1)
    return f"{local}@{domain.lower()}", note


_LANGUAGES = {
    "en": ("en", "eng", "english", "ingles", "inglesa", "en us", "en-us"),
    "es": ("es", "esp", "spa", "spanish", "espanol", "espanola", "castellano", "es mx", "es us", "sp"),
}
_LANGUAGE_LOOKUP = {squash(v): code for code, values in _LANGUAGES.items() for v in values}


def language(text: str, default: str) -> tuple[str, str]:
    """(code, warning). English/Inglés/en -> 'en'; Español/Spanish/es -> 'es'; else the default."""
    key = squash(text)
    if not key:
        return default, ""
    if key in _LANGUAGE_LOOKUP:
        return _LANGUAGE_LOOKUP[key], ""
    # "Spanish / Español", "Español (prefers)": any recognised word decides.
    found = {_LANGUAGE_LOOKUP[w] for w in key.split() if w in _LANGUAGE_LOOKUP}
    if len(found) == 1:
        return found.pop(), ""
    return default, _("letters in the language given are not available; using {language}").format(
        language=repr(default)
    )


def client_id(text: str) -> str:
    """An id cell, Excel float artefact removed ('1042.0' -> '1042')."""
    value = excel_number(clean(text))
    if "\ufffd" in value:
        raise BadValue(_("has unreadable characters (�): retype it"))
    if len(value) > 100:
        raise BadValue(_("is longer than {count} characters").format(count=100))
    return value
