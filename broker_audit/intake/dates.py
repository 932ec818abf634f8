"""Dates of birth as US clinics type them, and as Excel mangles them.

4/12/1988, 04-12-1988, 4.12.88, 1988-04-12, 1988/4/12, April 12 1988, Apr. 12, 1988, 12 April 1988,
12 de abril de 1988, 1988-04-12 00:00:00 and Excel serial numbers (32245, 32245.0) are read;
a bare year (1988) is refused. Dates written with month names are read by python-dateutil (with
the Spanish month and weekday names added), and must name a day, a month and a year.

Numeric dates (4/12/1988) are month first in the US and day first almost everywhere else, and a
clinic's sheet may come from either. The order is decided once for the whole column
(`decide_order`), never cell by cell: from `--date-order`, else from the header ("DOB
(MM/DD/YYYY)"), else from the cells themselves, where a first number over 12 can only be a day
and a second number over 12 can only be a day. A cell that could be read both ways and that
nothing settles is refused (`AmbiguousDate`), so the same column never holds March 14 read day
first beside May 6 read month first. A year written first (1988-04-12) is always year, month, day.
Two-digit years take the latest century that does not put the birth in the future.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from broker_audit.cleantext import squash
from broker_audit.i18n import N_, _

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")
ORDER_WORDS = {"dmy": N_("day first"), "mdy": N_("month first"), "ymd": N_("year first")}
"""Translated where they are said (`_order`)."""


def _order(order: str) -> str:
    return _(ORDER_WORDS[order])


_NUMERIC = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([ap]\.?m\.?)?\s*(z|[+-]\d{2}:?\d{2})?$", re.I)
_EXCEL_SERIAL = re.compile(r"\d{5}(\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1900, 1, 1)


class BadDate(ValueError):
    """The text is not a date we can read, or not a possible date of birth; message says why."""


class AmbiguousDate(BadDate):
    """A numeric date that reads as two different days (5/6/1975: May 6 or 5 June), with nothing
    in its column to say which."""


# --- the order of a column ----------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnOrder:
    """How a column's numeric dates are read. `order` None: each cell must settle itself (a
    first or second number over 12, or both the same), else it is ambiguous. `why` says how the
    order was decided, `conflict` that the column mixes day-first and month-first dates (by row
    number only: no cell's value is repeated in a message)."""

    order: DateOrder | None = None
    why: str = ""
    conflict: str = ""

    def describe(self) -> str:
        """One line for the dry run: how the birth dates of the sheet are read."""
        if self.conflict:
            return _("birth dates: {conflict}; dates that read both ways are sent to fix").format(
                conflict=self.conflict
            )
        if self.order is None:
            return ""
        return _("birth dates read {order} ({why})").format(order=_order(self.order), why=self.why)


def _clean(text: str) -> str:
    return _TIME_TAIL.sub("", text.strip()).strip()


def _numeric(text: str) -> tuple[str, str, str] | None:
    match = _NUMERIC.fullmatch(_clean(text))
    return (match[1], match[2], match[3]) if match else None


def order_hint(text: str) -> Literal["dmy", "mdy"] | None:
    """What one cell says about its column: "dmy" when its first number can only be a day (over
    12) and its second a month, "mdy" for the reverse, None when it says nothing."""
    parts = _numeric(text)
    if parts is None or len(parts[0]) == 4:
        return None
    first, second = int(parts[0]), int(parts[1])
    if first > 12 >= second >= 1:
        return "dmy"
    if second > 12 >= first >= 1:
        return "mdy"
    return None


_HEADER_ORDERS: tuple[tuple[re.Pattern[str], DateOrder], ...] = (
    (re.compile(r"\b(yyyy|aaaa|yy|aa) ?mm ?dd\b"), "ymd"),
    (re.compile(r"\bmm ?dd ?(yyyy|aaaa|yy|aa)\b"), "mdy"),
    (re.compile(r"\bdd ?mm ?(yyyy|aaaa|yy|aa)\b"), "dmy"),
)


def header_order(header: str) -> DateOrder | None:
    """The order a column's header states: "DOB (MM/DD/YYYY)", "Fecha (DD/MM/AAAA)"."""
    text = squash(header)
    for pattern, order in _HEADER_ORDERS:
        if pattern.search(text):
            return order
    return None


def decide_order(
    cells: Iterable[tuple[int, str]], *, header: str = "", given: DateOrder | None = None
) -> ColumnOrder:
    """The order of a column of dates, from `given` (--date-order), the header, or its cells
    (row number, text): a first number over 12 makes the column day first, a second number over
    12 month first; a column with both has no order (a `conflict`)."""
    if given is not None:
        return ColumnOrder(given, _("given with --date-order"))
    stated = header_order(header)
    if stated is not None:
        return ColumnOrder(stated, _("the column header says {order}").format(order=_order(stated)))
    first_seen: dict[str, int] = {}
    for row, text in cells:
        hint = order_hint(text)
        if hint is not None and hint not in first_seen:
            first_seen[hint] = row
            if len(first_seen) == 2:
                break
    if len(first_seen) == 2:
        return ColumnOrder(
            None,
            conflict=_(
                "the column mixes day-first dates (row {day_row} has a day over 12 first) "
                "and month-first dates (row {month_row} has a day over 12 second)"
            ).format(day_row=first_seen["dmy"], month_row=first_seen["mdy"]),
        )
    if "dmy" in first_seen:
        return ColumnOrder(
            "dmy", _("row {row} has a number over 12 first: a day").format(row=first_seen["dmy"])
        )
    if "mdy" in first_seen:
        return ColumnOrder(
            "mdy", _("row {row} has a number over 12 second: a day").format(row=first_seen["mdy"])
        )
    return ColumnOrder(None)


# --- one cell -----------------------------------------------------------------------------------


def _year(text: str) -> int:
    """A 4-digit year as is; a 2-digit one in the 2000s for now (see `_two_digit_century`)."""
    return int(text) + 2000 if len(text) <= 2 else int(text)


def _two_digit_century(date: dt.date, year_text: str, today: dt.date) -> dt.date:
    """A 2-digit year is the latest century that does not put the birth in the future."""
    if len(year_text) <= 2 and date > today:
        try:
            return date.replace(year=date.year - 100)
        except ValueError:  # 29 February of a century year that is not a leap year
            raise BadDate(_("there is no such date: write the year with 4 digits")) from None
    return date


def _make(year: int, month: int, day: int, order: DateOrder | None = None) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if order:
            raise BadDate(
                _("there is no such date: check the month and day (read {order})").format(order=_order(order))
            ) from None
        raise BadDate(_("there is no such date: check the month and day")) from None


def _read_numeric(a: str, b: str, c: str, today: dt.date, order: DateOrder | None) -> dt.date:
    if len(a) == 4:  # 1988-04-12, 1988/4/12: the year first is never read otherwise
        return _make(int(a), int(b), int(c), "ymd")
    if order == "ymd":  # 88/04/12 under --date-order ymd
        if len(c) > 2:
            raise BadDate(_("it does not start with the year, but the column is read year first"))
        return _two_digit_century(_make(_year(a), int(b), int(c), "ymd"), a, today)
    if len(c) not in (1, 2, 4):
        raise BadDate(_("the year must have 4 digits (or 2)"))
    if int(a) == 0 or int(b) == 0:
        raise BadDate(_("there is no such date: check the month and day"))
    hint = order_hint(f"{a}/{b}/{c}")
    if order is not None and hint is not None and hint != order:
        raise BadDate(
            _(
                "it can only be {hint} (a number over 12 cannot be a month), but the "
                "column is read {order}: check this date"
            ).format(hint=_order(hint), order=_order(order))
        )
    chosen = order or hint
    if chosen is None:
        if int(a) != int(b):
            raise AmbiguousDate(
                _("it could be month first or day first, and nothing in the column says which")
            )
        chosen = "mdy"  # 5/5/1980: the same day either way
    month, day = (int(a), int(b)) if chosen == "mdy" else (int(b), int(a))
    return _two_digit_century(_make(_year(c), month, day, chosen), c, today)


_MONTH_NAMES: list[tuple[str, ...]] = [
    ("Jan", "January", "ene", "enero"),
    ("Feb", "February", "febrero"),
    ("Mar", "March", "marzo"),
    ("Apr", "April", "abr", "abril"),
    ("May", "mayo"),
    ("Jun", "June", "junio"),
    ("Jul", "July", "julio"),
    ("Aug", "August", "ago", "agosto"),
    ("Sep", "Sept", "September", "set", "septiembre", "setiembre"),
    ("Oct", "October", "octubre"),
    ("Nov", "November", "noviembre"),
    ("Dec", "December", "dic", "diciembre"),
]
_WEEKDAY_NAMES: list[tuple[str, ...]] = [
    ("Mon", "Monday", "lunes"),
    ("Tue", "Tues", "Tuesday", "martes"),
    ("Wed", "Wednesday", "miercoles", "miércoles"),
    ("Thu", "Thur", "Thurs", "Thursday", "jueves"),
    ("Fri", "Friday", "viernes"),
    ("Sat", "Saturday", "sabado", "sábado"),
    ("Sun", "Sunday", "domingo"),
]


@functools.cache
def _month_parser() -> object:
    """dateutil's parser, knowing Spanish month and weekday names and "de" too."""
    from dateutil import parser

    class _EnglishSpanish(parser.parserinfo):
        JUMP = [*parser.parserinfo.JUMP, "de", "del"]
        MONTHS = _MONTH_NAMES  # type: ignore[assignment]  # dateutil's stub says pairs; any tuple works
        WEEKDAYS = _WEEKDAY_NAMES  # type: ignore[assignment]

    return parser.parser(_EnglishSpanish())


def _with_month_name(text: str, today: dt.date) -> dt.date:
    """April 12, 1988 / 12 de abril de 1988 / Tue, Apr 12 '88, read by dateutil. Every part must
    be there: a month name and two numbers (the day and the year), so that dateutil never fills a
    missing day or year from its default."""
    words = re.findall(r"[^\W\d_]+", text)
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 2 or not any(_month_parser().info.month(w) for w in words):  # type: ignore[attr-defined]
        raise BadDate(_("write it like 4/12/1988 or April 12, 1988"))
    date = _parsed(text)
    if not any(len(n) == 4 for n in numbers):  # a 2-digit year: our own century rule, not dateutil's
        if not any(len(n) == 2 for n in numbers):
            raise BadDate(_("the year must have 4 digits (or 2)"))
        date = _two_digit_century(_make(2000 + date.year % 100, date.month, date.day), "yy", today)
    return date


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> dt.date:
    from dateutil.parser import ParserError

    try:
        stamp = _month_parser().parse(text, default=dt.datetime(1904, 1, 1))  # type: ignore[attr-defined]
    except (ParserError, ValueError, OverflowError):
        raise BadDate(_("write it like 4/12/1988 or April 12, 1988")) from None
    day: dt.date = stamp.date()
    return day


def parse_birth_date(text: str, today: dt.date, order: DateOrder | None = None) -> dt.date:
    """The date a cell means, checked to be a possible birth date; raise BadDate otherwise.

    `order` is its column's (see `decide_order`); without one, a numeric date that reads two
    ways raises AmbiguousDate."""
    cleaned = _clean(text)
    if re.fullmatch(r"\d{4}(\.0+)?", cleaned):
        raise BadDate(_("only a year is given; write the full date, e.g. 4/12/1988"))
    if _EXCEL_SERIAL.fullmatch(cleaned):
        serial = int(float(cleaned))
        if not 1 <= serial <= 2_958_465:
            raise BadDate(_("the number is not a date"))
        date = _EXCEL_EPOCH + dt.timedelta(days=serial)
    elif re.fullmatch(r"\d{8}", cleaned):  # 19880412
        date = _make(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
    elif match := _NUMERIC.fullmatch(cleaned):
        date = _read_numeric(match[1], match[2], match[3], today, order)
    else:
        date = _with_month_name(cleaned, today)
    if date > today:
        raise BadDate(_("the date of birth is in the future"))
    if date < EARLIEST:
        raise BadDate(_("the date of birth is before 1900"))
    return date
