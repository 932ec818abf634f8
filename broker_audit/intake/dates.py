"""Dates of birth as US clinics type them, and as Excel mangles them.

4/12/1988, 04-12-1988, 4.12.88, 1988-04-12, 1988/4/12, April 12 1988, Apr. 12, 1988, 12 April 1988,
12 de abril de 1988, 1988-04-12 00:00:00 and Excel serial numbers (32245, 32245.0) are read;
a bare year (1988) is refused.
Slashed and dashed numeric dates are month first (US); a first number above 12 is read as the day.
Two-digit years take the latest century that does not put the birth in the future.
"""

from __future__ import annotations

import datetime as dt
import re

from broker_audit.cleantext import squash

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH_PREFIX = {name[:3]: n for name, n in _MONTHS.items()} | {"sept": 9, "set": 9}

_NUMERIC = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([ap]\.?m\.?)?\s*(z|[+-]\d{2}:?\d{2})?$", re.I)
_EXCEL_SERIAL = re.compile(r"\d{5}(\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1900, 1, 1)


class BadDate(ValueError):
    """The text is not a date we can read, or not a possible date of birth; message says why."""


def _year(text: str) -> int:
    """A 4-digit year as is; a 2-digit one in the 2000s for now (see `_two_digit_century`)."""
    return int(text) + 2000 if len(text) <= 2 else int(text)


def _two_digit_century(date: dt.date, year_text: str, today: dt.date) -> dt.date:
    """A 2-digit year is the latest century that does not put the birth in the future."""
    if len(year_text) <= 2 and date > today:
        try:
            return date.replace(year=date.year - 100)
        except ValueError:  # 29 February of a century year that is not a leap year
            raise BadDate("there is no such date: write the year with 4 digits") from None
    return date


def _month_of(word: str) -> int | None:
    if word in _MONTHS:
        return _MONTHS[word]
    if len(word) < 3:
        return None
    return _MONTH_PREFIX.get(word[:4]) or _MONTH_PREFIX.get(word[:3])


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadDate(
            "there is no such date: check the month and day (read month first, e.g. 4/12/1988)"
        ) from None


def _numeric(a: str, b: str, c: str, today: dt.date) -> dt.date:
    if len(a) == 4:  # 1988-04-12, 1988/4/12
        return _make(int(a), int(b), int(c))
    if len(c) not in (1, 2, 4):
        raise BadDate("the year must have 4 digits (or 2)")
    first, second, year = int(a), int(b), _year(c)
    if first > 12 >= second:  # 25/12/1988: day first, unambiguous
        first, second = second, first
    return _two_digit_century(_make(year, first, second), c, today)


_WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
)
_FILLER = ("de", "del", "of", "the", "st", "nd", "rd", "th", *_WEEKDAYS)


def _words(text: str, today: dt.date) -> dt.date:
    # "12th" -> "12 th": ordinals split so the suffix is dropped as filler.
    spaced = re.sub(r"(\d)([a-z])", r"\1 \2", squash(text))
    tokens = [t for t in spaced.split() if t not in _FILLER]
    numbers = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    month = _month_of(words[0]) if len(words) == 1 else None
    if month is None or len(numbers) != 2:
        raise BadDate("write it like 4/12/1988 or April 12, 1988")
    if len(numbers[0]) == 4:
        year_text, day_text = numbers
    else:
        day_text, year_text = numbers
    if len(year_text) not in (2, 4):
        raise BadDate("the year must have 4 digits (or 2)")
    return _two_digit_century(_make(_year(year_text), month, int(day_text)), year_text, today)


def parse_birth_date(text: str, today: dt.date) -> dt.date:
    """The date a cell means, checked to be a possible birth date; raise BadDate otherwise."""
    text = text.strip()
    cleaned = _TIME_TAIL.sub("", text).strip()
    if re.fullmatch(r"\d{4}(\.0+)?", cleaned):
        raise BadDate("only a year is given; write the full date, e.g. 4/12/1988")
    if _EXCEL_SERIAL.fullmatch(cleaned):
        serial = int(float(cleaned))
        if not 1 <= serial <= 2_958_465:
            raise BadDate("the number is not a date")
        date = _EXCEL_EPOCH + dt.timedelta(days=serial)
    elif re.fullmatch(r"\d{8}", cleaned):  # 19880412
        date = _make(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
    elif match := _NUMERIC.fullmatch(cleaned):
        date = _numeric(match[1], match[2], match[3], today)
    else:
        date = _words(cleaned, today)
    if date > today:
        raise BadDate("the date of birth is in the future")
    if date < EARLIEST:
        raise BadDate("the date of birth is before 1900")
    return date
