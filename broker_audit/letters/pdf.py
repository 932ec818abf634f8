"""Print-ready PDF letters on US Letter, with the recipient in the #10 window-envelope position.

Layout (distances from the page's left and top edges):

- the sender's return address, small, top left; the date and reference top right;
- the recipient's address wholly inside the window: 1.0-4.25 in across, 2.25-3.25 in down
  (USPS abbreviations, then smaller type never below the USPS minimum of 8 pt, then wrapping at
  spaces: letters/address_fit.py; an address that still does not fit is refused, never cut);
- the bold subject and the body below the window; later pages start under a 1 in margin;
- a footer on every page with the reference and "Page N of M" (M counts the letter's pages).

Many letters go into one PDF, each starting on a new page (or a new odd page, for duplex
printing). The layout loop is our own (canvas + Frame + Paragraph), which avoids platypus'
per-document set-up and keeps the cost per page close to drawing with the canvas directly.

Speed and size for batches: a paragraph that occurs more than once in one PDF (most body
paragraphs are the same for every client of one broker and law) has its line breaks computed once
and is drawn once, as a form XObject the other letters reuse; a paragraph that occurs once is drawn
as usual. What is repeated is counted per PDF, before drawing, so the outcome never depends on what
the process drew before. Letters with the same page count share one "of M" form. Recipient blocks
are laid out once per address; streams are written binary rather than ASCII85. With reportlab's C
accelerators (``rl-accel``) this draws about 1,000 letter pages a second in one process.

A batch is drawn in chunks by several processes and joined (``batch_pdf``). For the joiner to keep
one copy of each font and each repeated paragraph, chunks are drawn with ``shared_fonts``: every
chunk assigns the same character codes to the same characters (see ``SHARED_CHARACTERS``), so equal
objects in two chunks are equal byte for byte.

The few reportlab internals this relies on (a canvas' document, its object numbering, a font's
per-document code assignment) are used only in the functions marked "reportlab internals" below;
reportlab is pinned to a narrow range for them (pyproject.toml) and the tests read the results back.
"""

from __future__ import annotations

import functools
import io
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from broker_audit.i18n import N_
from broker_audit.letters.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    format_date,
    label,
)
from broker_audit.letters.fonts import FONT, FONT_BOLD, register_fonts

INCH = 72.0
PAGE_WIDTH, PAGE_HEIGHT = 8.5 * INCH, 11 * INCH
MARGIN = 1.0 * INCH
WINDOW_LEFT, WINDOW_RIGHT = 1.0 * INCH, 4.25 * INCH
WINDOW_TOP, WINDOW_BOTTOM = 2.25 * INCH, 3.25 * INCH
WINDOW_PAD_X, WINDOW_PAD_Y = 0.1 * INCH, 0.08 * INCH
BODY_TOP_FIRST = 3.55 * INCH
BODY_TOP_NO_WINDOW = 1.75 * INCH  # a sheet with no recipient (a web form's): no window to clear
FOOTER_BASELINE = 0.55 * INCH

CREATOR = "broker-audit"  # the /Creator of every PDF drawn here; the batch joiner checks it
_GLYPH_TOP = 0.95


@dataclass(frozen=True, slots=True)
class _Styles:
    body: Any
    subject: Any
    heading: Any
    bullet: Any
    lines: Any


@functools.cache
def paragraph_styles(compact: bool = False) -> _Styles:
    """Paragraph styles, built once per process, with the fonts registered (a compact set for
    one-page sheets)."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    size, leading, after = (9.0, 11.5, 4) if compact else (10.5, 14, 7)
    prefix = "ba-compact" if compact else "ba"
    body = ParagraphStyle(
        f"{prefix}-body",
        fontName=FONT,
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY,
        spaceAfter=after,
    )
    return _Styles(
        body=body,
        subject=ParagraphStyle(
            f"{prefix}-subject", parent=body, fontName=FONT_BOLD, alignment=TA_LEFT, spaceAfter=12
        ),
        heading=ParagraphStyle(
            f"{prefix}-heading",
            parent=body,
            fontName=FONT_BOLD,
            alignment=TA_LEFT,
            spaceBefore=4,
            spaceAfter=5,
            keepWithNext=1,
        ),
        bullet=ParagraphStyle(
            f"{prefix}-bullet",
            parent=body,
            leftIndent=18,
            bulletIndent=6,
            bulletFontName=FONT,
            spaceAfter=3,
        ),
        lines=ParagraphStyle(f"{prefix}-lines", parent=body, alignment=TA_LEFT),
    )


def _esc(text: str) -> str:
    return escape(text)


def _new_paragraph(markup: str, style: Any, bullet: str | None = None) -> Any:
    """A reportlab Paragraph whose same-styled text runs are merged into one fragment.

    reportlab's parser makes a fragment of every entity (``&lt;``, ``&amp;``): a paragraph of many
    ``<`` became thousands of fragments, and its line breaking is quadratic in them (199,000 ``<``
    took 140 s). Our markup styles no run differently, so merging them changes nothing drawn.
    """
    from reportlab.platypus import Paragraph as P

    paragraph = P(markup, style, bulletText=bullet)
    frags = paragraph.frags
    if len(frags) > 1 and "&" in markup:
        merged: list[Any] = []
        texts: list[list[str]] = []
        for frag in frags:
            attrs = {k: v for k, v in frag.__dict__.items() if k != "text"}
            if (
                merged
                and not getattr(frag, "lineBreak", False)
                and not getattr(merged[-1], "lineBreak", False)
                and attrs == {k: v for k, v in merged[-1].__dict__.items() if k != "text"}
            ):
                texts[-1].append(frag.text)
                continue
            merged.append(frag)
            texts.append([frag.text])
        for frag, pieces in zip(merged, texts, strict=True):
            if len(pieces) > 1:
                frag.text = "".join(pieces)
        paragraph.frags = merged
    return paragraph


ParagraphKey = tuple[str, str, str | None]  # markup, style name, bullet


class _DocumentCache:
    """What one PDF shares between its letters: which paragraphs repeat, their heights per
    width, and the forms already drawn. Made for each PDF and dropped with it."""

    def __init__(self, repeated: set[ParagraphKey]) -> None:
        self.repeated = repeated
        self.heights: dict[tuple[str, str, str | None, float], float] = {}
        self.forms: dict[tuple[str, str, str | None, float], str] = {}
        self.totals: set[int] = set()  # page counts whose "of M" form is drawn


def _blocks(doc: Document, styles: _Styles) -> list[tuple[str, Any, str | None]]:
    """The body's paragraphs as (markup, style, bullet); None markup for a bullet list's end."""
    out: list[tuple[str, Any, str | None]] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append((_esc(block.text), styles.body, None))
        elif isinstance(block, Heading):
            out.append((_esc(block.text), styles.heading, None))
        elif isinstance(block, Bullets):
            out.extend((_esc(item), styles.bullet, "\u2022") for item in block.items)
            out.append(("", None, None))  # the space after a list
        elif isinstance(block, Lines):
            out.append(("<br/>".join(_esc(line) for line in block.lines), styles.lines, None))
    return out


def _repeated_keys(bodies: Iterable[list[tuple[str, Any, str | None]]]) -> set[ParagraphKey]:
    """The paragraphs that occur more than once among these letters."""
    seen: set[ParagraphKey] = set()
    repeated: set[ParagraphKey] = set()
    for body in bodies:
        for markup, style, bullet in body:
            if style is None:
                continue
            key = (markup, style.name, bullet)
            if key in seen:
                repeated.add(key)
            else:
                seen.add(key)
    return repeated


def _story(
    doc: Document, body: list[tuple[str, Any, str | None]], styles: _Styles, cache: _DocumentCache
) -> list[Any]:
    """The flowables of one letter's body, subject first; repeated paragraphs become forms."""
    from reportlab.platypus import Spacer

    repeated_class = _repeated_class()
    story: list[Any] = [_new_paragraph(_esc(doc.subject), styles.subject)]
    for markup, style, bullet in body:
        if style is None:
            story.append(Spacer(0, 4))
        elif (markup, style.name, bullet) in cache.repeated:
            story.append(repeated_class((markup, style.name, bullet), style, cache))
        else:
            story.append(_new_paragraph(markup, style, bullet))
    return story


def _repeated_paragraph_class() -> type:
    from reportlab.platypus.flowables import Flowable

    class RepeatedParagraph(Flowable):  # type: ignore[misc]  # reportlab has no type hints
        """A paragraph that recurs in this PDF: its line breaks are computed once per width and
        it is drawn once, as a form the other occurrences place."""

        def __init__(self, key: ParagraphKey, style: Any, cache: _DocumentCache) -> None:
            super().__init__()
            self.key = key
            self.style = style
            self.cache = cache

        def _paragraph(self) -> Any:
            markup, _, bullet = self.key
            return _new_paragraph(markup, self.style, bullet)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            cache_key = (*self.key, availWidth)
            height = self.cache.heights.get(cache_key)
            if height is None:
                _, height = self._paragraph().wrap(availWidth, availHeight)
                self.cache.heights[cache_key] = height
            self.width, self.height = availWidth, height
            return availWidth, height

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            parts: list[Any] = self._paragraph().split(availWidth, availHeight)
            return parts

        def draw(self) -> None:
            canv = self.canv
            forms = self.cache.forms
            form_key = (*self.key, self.width)
            name = forms.get(form_key)
            if name is None:
                name = forms[form_key] = f"ba_para_{len(forms)}"
                canv.beginForm(name, -INCH, -INCH, PAGE_WIDTH + INCH, PAGE_HEIGHT + INCH)
                paragraph = self._paragraph()
                paragraph.wrap(self.width, self.height + INCH)
                paragraph.drawOn(canv, 0, 0)
                canv.endForm()
            canv.doForm(name)

    return RepeatedParagraph


_repeated_class = functools.cache(_repeated_paragraph_class)


# --------------------------------------------------------------------------- fixed parts


@dataclass(frozen=True, slots=True)
class AddressBlock:
    """The recipient's lines as placed in the envelope window: font size, leading, baselines."""

    lines: tuple[str, ...]
    size: float
    leading: float
    x: float
    first_baseline_from_top: float


def _fit_width(line: str, width: float, size: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(line, FONT, size) <= width:
        return line
    while line and stringWidth(line + "\u2026", FONT, size) > width:
        line = line[:-1]
    return line.rstrip() + "\u2026"


def address_block(lines: Iterable[str], *, postal: bool = True) -> AddressBlock:
    """Place the recipient's address so it shows wholly through a #10 envelope window (see
    letters/address_fit.py: USPS abbreviations, then smaller type down to the USPS minimum, then
    wrapping; never cut). An address that still does not fit raises AddressDoesNotFit: the
    services check it before anything is drawn, so a letter is never printed wrong."""
    return _address_block(tuple(lines), postal)


@functools.lru_cache(maxsize=256)
def _address_block(lines: tuple[str, ...], postal: bool = True) -> AddressBlock:
    from broker_audit.letters.address_fit import WINDOW, WINDOW_NOT_POSTAL, fit_address

    fit = fit_address(lines, WINDOW if postal else WINDOW_NOT_POSTAL)
    if not fit.fits:
        from broker_audit.errors import AddressDoesNotFit

        raise AddressDoesNotFit(
            f"the address does not fit {WINDOW.name}: " + "; ".join(fit.problems),
            "send it by another route (--via), or shorten the address lines in the registry",
        )
    return AddressBlock(
        lines=fit.lines,
        size=fit.size,
        leading=fit.size * WINDOW.leading,
        x=WINDOW_LEFT + WINDOW_PAD_X,
        first_baseline_from_top=WINDOW_TOP + WINDOW_PAD_Y + _GLYPH_TOP * fit.size,
    )


def _draw_lines(
    canv: Any,
    lines: Iterable[str],
    x: float,
    y: float,
    font: str,
    size: float,
    leading: float,
    right: bool = False,
) -> None:
    canv.setFont(font, size)
    for line in lines:
        if right:
            canv.drawRightString(x, y, line)
        else:
            canv.drawString(x, y, line)
        y -= leading


def _draw_letterhead(canv: Any, doc: Document) -> None:
    top = PAGE_HEIGHT - 0.6 * INCH
    sender = [_fit_width(line, 3.4 * INCH, 8.5) for line in doc.sender[:10]]
    _draw_lines(canv, sender, MARGIN, top, FONT, 8.5, 10.5)
    meta = [
        format_date(doc.date, doc.language),
        f"{label('reference', doc.language)}: {doc.reference}",
    ]
    meta = [_fit_width(line, 2.9 * INCH, 10) for line in meta]
    _draw_lines(canv, meta, PAGE_WIDTH - MARGIN, top, FONT, 10, 13, right=True)
    if not doc.recipient:  # a sheet, not a letter to mail: nothing in the envelope window
        return
    block = address_block(doc.recipient, postal=doc.postal)
    y = PAGE_HEIGHT - block.first_baseline_from_top
    _draw_lines(canv, block.lines, block.x, y, FONT, block.size, block.leading)


def _draw_footer(canv: Any, doc: Document, page: int, total_form: str) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    canv.setFont(FONT, 8)
    ref = _fit_width(f"{label('reference', doc.language)}: {doc.reference}", 4.5 * INCH, 8)
    canv.drawString(MARGIN, FOOTER_BASELINE, ref)
    text = f"{label('page', doc.language)} {page} {label('of', doc.language)} "
    x = PAGE_WIDTH - MARGIN - stringWidth(text + "999", FONT, 8)
    canv.drawString(x, FOOTER_BASELINE, text)
    canv.saveState()
    canv.translate(x + stringWidth(text, FONT, 8), FOOTER_BASELINE)
    canv.doForm(total_form)
    canv.restoreState()


def _page_total(canv: Any, letter_form: str, pages: int, cache: _DocumentCache) -> None:
    """Make the letter's "of M" form the one form of this PDF that shows M.

    The footers placed `letter_form` before the page count was known; now one form per count is
    drawn (the first letter with that count draws it) and the letter's name is made to stand for
    it, so a PDF of 200 letters holds a handful of these forms, not 200."""
    shared = f"ba_total_{pages}"
    if pages not in cache.totals:
        canv.beginForm(shared)
        canv.setFont(FONT, 8)
        canv.drawString(0, 0, str(pages))
        canv.endForm()
        cache.totals.add(pages)
    _alias_form(canv, letter_form, shared)


def _alias_form(canv: Any, alias: str, target: str) -> None:
    """reportlab internals: references to form `alias` resolve to form `target`'s object.

    A form's name becomes an object number only when the PDF is written (a reference is looked up
    by name in the document's numbering), so giving the alias the target's number makes every use
    of the alias point to the target; the alias itself is never written."""
    doc = canv._doc
    numbers = doc.idToObjectNumberAndVersion
    numbers[doc.getXObjectName(alias)] = numbers[doc.getXObjectName(target)]


SHARED_CHARACTERS = "".join(
    [
        *map(chr, range(0xA1, 0x100)),  # Latin-1: Spanish, French, German, Portuguese, §, ©, °
        *map(chr, range(0x100, 0x180)),  # Latin Extended-A: Polish, Czech, Turkish, Romanian, ...
        "\u01a0\u01a1\u01af\u01b0",  # O and U with horn (Vietnamese)
        *map(chr, range(0x1EA0, 0x1EFA)),  # Vietnamese letters with tone marks
        "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122",
    ]
)
"""Characters every chunk of a batch codes alike, in this order: what letters to clients in the
US are written with. Other characters get codes in the order a chunk first uses them."""


def _share_font_codes(canv: Any) -> None:
    """reportlab internals: give SHARED_CHARACTERS the same codes (and the two faces the same
    font names) in every PDF drawn with this, before anything is drawn.

    reportlab numbers a font's characters per document, in the order of first use, and embeds the
    glyphs of each 256-code subset; two chunks that used characters in another order would embed
    different subsets and draw the same paragraph with different bytes. Coded alike, their font
    subsets and repeated-paragraph forms are equal, and the joiner keeps one of each."""
    from reportlab.pdfbase import pdfmetrics

    for name in (FONT, FONT_BOLD):
        font = pdfmetrics.getFont(name)
        font.getSubsetInternalName(0, canv._doc)  # F2 regular, F3 bold, whatever is drawn first
        font.splitString(SHARED_CHARACTERS, canv._doc)


# --------------------------------------------------------------------------- layout


def _frame(first: bool, window: bool = True) -> Any:
    from reportlab.platypus import Frame

    top = PAGE_HEIGHT - ((BODY_TOP_FIRST if window else BODY_TOP_NO_WINDOW) if first else MARGIN)
    return Frame(
        MARGIN,
        MARGIN,
        PAGE_WIDTH - 2 * MARGIN,
        top - MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def _draw_letter(
    canv: Any,
    doc: Document,
    body: list[tuple[str, Any, str | None]],
    form_name: str,
    styles: _Styles,
    cache: _DocumentCache,
) -> int:
    """Draw one letter from the current (fresh) page on; returns its page count."""
    from reportlab.platypus import KeepInFrame

    pending = deque(_story(doc, body, styles, cache))
    page = 1
    _draw_letterhead(canv, doc)
    _draw_footer(canv, doc, page, form_name)
    frame = _frame(first=True, window=bool(doc.recipient))
    while pending:
        flowable = pending.popleft()
        if frame.add(flowable, canv, trySplit=1):
            continue
        parts = frame.split(flowable, canv)
        if parts and frame.add(parts[0], canv, trySplit=0):
            pending.extendleft(reversed(parts[1:]))
            continue
        if frame._atTop:  # too big even for an empty frame: shrink it to fit
            frame.add(KeepInFrame(frame._aW, frame._aH, [flowable], mode="shrink"), canv)
            continue
        pending.appendleft(flowable)
        canv.showPage()
        page += 1
        _draw_footer(canv, doc, page, form_name)
        frame = _frame(first=False)
    _page_total(canv, form_name, page, cache)
    canv.showPage()
    return page


def write_documents(
    docs: Iterable[Document],
    out: BinaryIO,
    *,
    start_on_odd: bool = False,
    first_pages: list[int] | None = None,
    shared_fonts: bool = False,
) -> int:
    """Draw the letters into one PDF on `out`, each from a new page; returns the page count.

    With ``start_on_odd`` a blank page is inserted where needed so that every letter starts on
    an odd page (duplex printing). When ``first_pages`` is given, the 1-based page each letter
    starts on is appended to it. ``shared_fonts`` codes characters as every batch chunk does
    (for the joiner; it embeds a few more glyphs than the letters use).
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    styles = paragraph_styles()
    compact = paragraph_styles(compact=True)
    letters = [
        (doc, doc_styles, _blocks(doc, doc_styles))
        for doc in docs
        for doc_styles in [compact if doc.compact else styles]
    ]
    if not letters:
        raise ValueError("no letters to write")
    cache = _DocumentCache(_repeated_keys(body for _, _, body in letters))
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: smaller and faster than ASCII85
    try:
        canv = Canvas(out, pagesize=letter, invariant=0, pageCompression=1)
        canv.setCreator(CREATOR)
        _set_metadata(canv, [doc for doc, _, _ in letters])
        if shared_fonts:
            _share_font_codes(canv)
        for index, (doc, doc_styles, body) in enumerate(letters):
            if start_on_odd and canv.getPageNumber() % 2 == 0:
                canv.showPage()  # a blank back side, so this letter starts on a front side
            if first_pages is not None:
                first_pages.append(canv.getPageNumber())
            _draw_letter(canv, doc, body, f"ba_pages_{index}", doc_styles, cache)
        pages = int(canv.getPageNumber()) - 1
        canv.save()
    finally:
        rl_config.useA85 = a85
    return pages


def _set_metadata(canv: Any, docs: list[Document]) -> None:
    """Title, author and subject, instead of reportlab's "untitled" and "anonymous": one letter
    carries its own subject and sender; several letters are a batch, named by no person."""
    if len(docs) == 1:
        doc = docs[0]
        canv.setTitle(doc.subject)
        canv.setAuthor(doc.sender[0] if doc.sender else "")
        canv.setSubject(f"{doc.kind} ({label('reference', doc.language)} {doc.reference})")
    else:
        canv.setTitle(f"{len(docs)} letters")
        canv.setAuthor("")
        canv.setSubject("Letters written by broker-audit")


def write_pdf(docs: Iterable[Document], path: Path, *, start_on_odd: bool = False) -> int:
    """Write the letters into one PDF at path, each on a new page; returns the page count.

    The PDF goes through the safe-write helper (:func:`broker_audit.files.atomic_file`): a private
    temporary file next to path, renamed into place, so an interrupted run never leaves a partial
    PDF and a link at path is refused. With ``start_on_odd`` a blank page is inserted where needed
    so that every letter starts on an odd page (duplex printing).
    """
    from broker_audit.files import atomic_file

    with atomic_file(Path(path), what=N_("PDF letter")) as out:
        return write_documents(docs, out, start_on_odd=start_on_odd)


def pdf_bytes(doc: Document) -> bytes:
    """One letter as PDF bytes (for previews and tests)."""
    out = io.BytesIO()
    write_documents([doc], out)
    return out.getvalue()


def pdf_bytes_and_pages(doc: Document) -> tuple[bytes, int]:
    """One document as PDF bytes, in memory, with its page count (a one-page sheet checks it)."""
    out = io.BytesIO()
    pages = write_documents([doc], out)
    return out.getvalue(), pages
