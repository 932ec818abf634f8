"""One routine that fits an address into a box: the envelope window, a label, a mailing-list row.

In this order, and never beyond it:
1. the address as given, at the box's largest size;
2. the USPS abbreviations of Publication 28 on its delivery lines (Suite -> Ste, Avenue -> Ave,
   West -> W, P.O. Box -> PO Box; `geography.usps_abbreviate`);
3. smaller type, down to the smallest the USPS asks for a readable address (`USPS_MIN_SIZE`),
   at each size first whole lines, then a long line wrapped at its spaces onto the next (never,
   where the post office's machines read it, the delivery line or the city line: they stay
   whole, last);
4. nothing more: a line is never cut and never drawn outside its box. What still does not fit
   is reported (`AddressFit.problems`) so that the letter is not printed wrong; callers check
   before anything is drawn (`address_problems`).

The address lines are taken as given: which address a letter carries is decided elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from broker_audit.geography import usps_abbreviate
from broker_audit.letters.fonts import FONT, register_fonts

INCH = 72.0

USPS_MIN_SIZE = 8.0
"""Points. USPS Publication 25 (Designing Letter and Reply Mail) asks for address characters at
least 0.080 inch high for its optical readers; DejaVu Serif's capitals reach that at 8 pt (cap
height 0.729 em: 8 pt x 0.729 = 5.8 pt = 0.081 in). USPS-based mailing guides state the same
minimum as "no less than 8 point" (e.g. https://www.eiu.edu/eiumail/address.php); graded
secondary: Publication 25's own page (https://pe.usps.com/text/pub25/) was not read here."""
_STEP = 0.25


@dataclass(frozen=True, slots=True)
class Box:
    """Where an address goes: its width and height in points, its largest type size, its line
    spacing (a multiple of the size); whether it is a postal address (USPS abbreviations apply),
    whether the post office's reader looks at it (then its last two lines, the delivery line and
    the city line, are never wrapped) and whether a word too wide may be broken (a URL on a
    letter that is not mailed)."""

    name: str
    width: float
    height: float
    max_size: float
    leading: float = 1.18
    postal: bool = True
    min_size: float = USPS_MIN_SIZE
    read_by_machine: bool = True
    break_words: bool = False


_GLYPH_TOP, _GLYPH_BOTTOM = 0.95, 0.24

WINDOW = Box("the envelope window", (4.25 - 1.0 - 0.2) * INCH, (1.0 - 0.16) * INCH, 11.0)
"""A #10 window envelope's window (1.0-4.25 in across, 2.25-3.25 in down) less its padding."""
WINDOW_NOT_POSTAL = Box(
    "the address block",
    WINDOW.width,
    WINDOW.height,
    11.0,
    postal=False,
    min_size=7.0,
    read_by_machine=False,
    break_words=True,
)
"""The same place on a letter that is not mailed (an email's or a web form's recipient: a name,
"By email to:", an address or a URL): no USPS rules; a long URL is broken where it must be."""
LABEL = Box("an address label", (2.625 - 0.2) * INCH, (1.0 - 0.2) * INCH, 10.0, leading=1.15)
"""Avery 5160 / 8160 (2.625 x 1 in) less a 0.1 in padding."""
LIST_ROW = Box("the certified-mail list", 2.85 * INCH - 4, 6 * INCH, 8.0, leading=1.15, read_by_machine=False)
"""The addressee column of the PS Form 3877 book, read by the clerk: its rows grow to hold the
address, and any long line wraps at its spaces."""


@dataclass(frozen=True, slots=True)
class AddressFit:
    """The lines to draw and their size, or, when `problems` is not empty, what does not fit."""

    lines: tuple[str, ...]
    size: float
    box: Box
    abbreviated: bool = False
    problems: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return not self.problems

    @property
    def height(self) -> float:
        """The block's height from the top of its first line to the bottom of its last."""
        return block_height(len(self.lines), self.size, self.box.leading)


def block_height(lines: int, size: float, leading: float) -> float:
    return size * (_GLYPH_TOP + _GLYPH_BOTTOM + leading * (max(lines, 1) - 1))


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, FONT, size))


def _broken(word: str, size: float, width: float) -> list[str]:
    """A word too wide for the box (a URL) in pieces that fit: only where no postal reader looks."""
    pieces, current = [], ""
    for char in word:
        if current and _width(current + char, size) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _wrap(line: str, size: float, width: float, *, break_words: bool = False) -> list[str] | None:
    """`line` wrapped at its spaces to `width`, or None when one word alone is too wide (unless
    `break_words`: then that word is broken into pieces)."""
    words: list[str] = []
    for word in line.split():
        words += _broken(word, size, width) if break_words and _width(word, size) > width else [word]
    out: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _width(trial, size) <= width:
            current = trial
            continue
        if not current or _width(word, size) > width:
            return None
        out.append(current)
        current = word
    out.append(current)
    return out


def _laid_out(rows: Sequence[str], size: float, box: Box) -> list[str] | None:
    """The rows at `size`, long ones wrapped where allowed, if they fit the box; else None."""
    keep_whole = 2 if box.read_by_machine and len(rows) >= 2 else 0
    out: list[str] = []
    for index, row in enumerate(rows):
        if _width(row, size) <= box.width:
            out.append(row)
            continue
        if index >= len(rows) - keep_whole:
            return None
        wrapped = _wrap(row, size, box.width, break_words=box.break_words)
        if wrapped is None:
            return None
        out.extend(wrapped)
    if block_height(len(out), size, box.leading) > box.height:
        return None
    return out


def _sizes(box: Box) -> Iterable[float]:
    size = box.max_size
    while size >= box.min_size - 1e-9:
        yield size
        size -= _STEP


def fit_address(lines: Iterable[str], box: Box) -> AddressFit:
    """Fit `lines` into `box` (see the module's docstring for the order of the steps)."""
    return _fit(tuple(lines), box)


@functools.lru_cache(maxsize=1024)
def _fit(lines: tuple[str, ...], box: Box) -> AddressFit:
    register_fonts()
    rows = [" ".join(line.split()) for line in lines if line and line.strip()]
    if not rows:
        return AddressFit((), box.max_size, box)
    whole = (
        _laid_out(rows, box.max_size, box)
        if all(_width(r, box.max_size) <= box.width for r in rows)
        else None
    )
    if whole is not None:
        return AddressFit(tuple(whole), box.max_size, box)
    short = usps_abbreviate(rows) if box.postal else rows
    abbreviated = short != rows
    for size in _sizes(box):
        laid = _laid_out(short, size, box)
        if laid is not None:
            return AddressFit(tuple(laid), size, box, abbreviated=abbreviated)
    return AddressFit(tuple(short), box.min_size, box, abbreviated, _problems(short, box))


def _problems(rows: Sequence[str], box: Box) -> tuple[str, ...]:
    size = box.min_size
    keep_whole = 2 if box.read_by_machine and len(rows) >= 2 else 0
    out = []
    laid: list[str] = []
    for index, row in enumerate(rows):
        wide = _width(row, size) > box.width
        wrapped = (
            None
            if index >= len(rows) - keep_whole
            else _wrap(row, size, box.width, break_words=box.break_words)
        )
        if wide and wrapped is None:
            out.append(
                f"the line {row!r} is {_width(row, size) / INCH:.2f} in wide at {size:g} pt; "
                f"{box.name} holds {box.width / INCH:.2f} in"
            )
        laid.extend(wrapped if wide and wrapped else [row])
    if not out:
        out.append(
            f"its {len(laid)} lines need {block_height(len(laid), size, box.leading) / INCH:.2f} in "
            f"at {size:g} pt; {box.name} holds {box.height / INCH:.2f} in"
        )
    return tuple(out)


def address_problems(lines: Iterable[str], boxes: Sequence[Box] = (WINDOW,)) -> list[str]:
    """What keeps the address from being printed whole in each box ([] when it fits all)."""
    found: list[str] = []
    for box in boxes:
        found += fit_address(lines, box).problems
    return list(dict.fromkeys(found))
