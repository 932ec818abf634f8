"""Print-ready PDF letters on US Letter, with the recipient in the #10 window-envelope position.

Layout (distances from the page's left and top edges):

- the sender's return address, small, top left; the date and reference top right;
- the recipient's address wholly inside the window: 1.0-4.25 in across, 2.25-3.25 in down
  (font shrinks for long or many lines, never below 7 pt; lines that still do not fit are cut);
- the bold subject and the body below the window; later pages start under a 1 in margin;
- a footer on every page with the reference and "Page N of M" (M counts the letter's pages).

Many letters go into one PDF, each starting on a new page (or a new odd page, for duplex
printing). The layout loop is our own (canvas + Frame + Paragraph), which avoids platypus'
per-document set-up and keeps the cost per page close to drawing with the canvas directly.

Speed for batches: a paragraph seen a second time in a process (most body paragraphs are the same
for every client of one broker and law) has its line breaks cached and is drawn once per PDF as a
form XObject that later letters reuse; recipient blocks are laid out once per address; streams are
written binary rather than ASCII85. With reportlab's C accelerators (``rl-accel``) this draws about
1,000 letter pages a second in one process, against ~400 before.
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

from broker_audit.letters.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    format_date,
    label,
)

INCH = 72.0
PAGE_WIDTH, PAGE_HEIGHT = 8.5 * INCH, 11 * INCH
MARGIN = 1.0 * INCH
WINDOW_LEFT, WINDOW_RIGHT = 1.0 * INCH, 4.25 * INCH
WINDOW_TOP, WINDOW_BOTTOM = 2.25 * INCH, 3.25 * INCH
WINDOW_PAD_X, WINDOW_PAD_Y = 0.1 * INCH, 0.08 * INCH
BODY_TOP_FIRST = 3.55 * INCH
BODY_TOP_NO_WINDOW = 1.75 * INCH  # a sheet with no recipient (a web form's): no window to clear
FOOTER_BASELINE = 0.55 * INCH

FONT = "BA-DejaVuSerif"
FONT_BOLD = "BA-DejaVuSerif-Bold"
_GLYPH_TOP, _GLYPH_BOTTOM, _LEADING = 0.95, 0.24, 1.18
_MAX_ADDRESS_LINES = 7
_MIN_ADDRESS_SIZE, _MAX_ADDRESS_SIZE = 7.0, 11.0


def _font_dir() -> Path:
    from broker_audit.letters.render import shipped_templates_dir

    return shipped_templates_dir() / "assets"


@functools.cache
def register_fonts() -> None:
    """Register the embedded DejaVu Serif faces with reportlab (once per process)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    assets = _font_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(assets / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(assets / "DejaVuSerif-Bold.ttf")))
    for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, name)


@dataclass(frozen=True, slots=True)
class _Styles:
    body: Any
    subject: Any
    heading: Any
    bullet: Any
    lines: Any


@functools.cache
def _styles(compact: bool = False) -> _Styles:
    """Paragraph styles, built once per process (a compact set for one-page sheets)."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    size, leading, after = (9.0, 11.5, 5) if compact else (10.5, 14, 7)
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


_SEEN_LIMIT = 50_000
_HEIGHTS_LIMIT = 20_000
_seen: set[int] = set()
_heights: dict[tuple[str, str, str | None, float], float] = {}


def _para(markup: str, style: Any, bullet: str | None = None) -> Any:
    """A paragraph flowable; text seen before in this process becomes a cached one.

    Most body paragraphs are identical for every client of one broker and law. The second time a
    paragraph's text, style and bullet are seen, it is laid out as a ``RepeatedParagraph``,
    which breaks its lines once per width and draws it once per PDF as a form XObject. A paragraph
    seen once (names, addresses) is drawn as usual, so unique text costs no form.
    """
    key = (markup, style.name, bullet)
    marker = hash(key)
    if marker in _seen:
        return _repeated_class()(key, style)
    if len(_seen) >= _SEEN_LIMIT:
        _seen.clear()
    _seen.add(marker)
    return _new_paragraph(markup, style, bullet)


def _story(doc: Document, styles: _Styles) -> list[Any]:
    """The flowables of one letter's body, subject first."""
    from reportlab.platypus import Spacer

    story: list[Any] = [_new_paragraph(_esc(doc.subject), styles.subject)]
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            story.append(_para(_esc(block.text), styles.body))
        elif isinstance(block, Heading):
            story.append(_para(_esc(block.text), styles.heading))
        elif isinstance(block, Bullets):
            story.extend(_para(_esc(item), styles.bullet, "\u2022") for item in block.items)
            story.append(Spacer(0, 4))
        elif isinstance(block, Lines):
            story.append(_para("<br/>".join(_esc(line) for line in block.lines), styles.lines))
    return story


def _repeated_paragraph_class() -> type:
    from reportlab.platypus.flowables import Flowable

    class RepeatedParagraph(Flowable):
        """A paragraph whose line breaks are cached and which is drawn as a form, once per PDF."""

        def __init__(self, key: tuple[str, str, str | None], style: Any) -> None:
            super().__init__()
            self.key = key
            self.style = style

        def _paragraph(self) -> Any:
            markup, _, bullet = self.key
            return _new_paragraph(markup, self.style, bullet)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            cache_key = (*self.key, availWidth)
            height = _heights.get(cache_key)
            if height is None:
                _, height = self._paragraph().wrap(availWidth, availHeight)
                if len(_heights) >= _HEIGHTS_LIMIT:
                    _heights.clear()
                _heights[cache_key] = height
            self.width, self.height = availWidth, height
            return availWidth, height

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            return self._paragraph().split(availWidth, availHeight)

        def draw(self) -> None:
            canv = self.canv
            forms: dict[tuple[Any, ...], str] = canv.__dict__.setdefault("_ba_paragraph_forms", {})
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


def address_block(lines: Iterable[str]) -> AddressBlock:
    """Place the recipient's address so it shows wholly through a #10 envelope window."""
    return _address_block(tuple(lines))


@functools.lru_cache(maxsize=256)
def _address_block(lines: tuple[str, ...]) -> AddressBlock:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    rows = [line.strip() for line in lines if line.strip()]
    while len(rows) > _MAX_ADDRESS_LINES:  # keep name first and city/state/zip last
        rows[-3:-1] = [f"{rows[-3]}, {rows[-2]}"]
    width = WINDOW_RIGHT - WINDOW_LEFT - 2 * WINDOW_PAD_X
    height = WINDOW_BOTTOM - WINDOW_TOP - 2 * WINDOW_PAD_Y
    n = max(len(rows), 1)
    size = _MAX_ADDRESS_SIZE
    while size > _MIN_ADDRESS_SIZE and (
        size * (_GLYPH_TOP + _GLYPH_BOTTOM + _LEADING * (n - 1)) > height
        or any(stringWidth(row, FONT, size) > width for row in rows)
    ):
        size -= 0.5
    rows = [_fit_width(row, width, size) for row in rows]
    return AddressBlock(
        lines=tuple(rows),
        size=size,
        leading=size * _LEADING,
        x=WINDOW_LEFT + WINDOW_PAD_X,
        first_baseline_from_top=WINDOW_TOP + WINDOW_PAD_Y + _GLYPH_TOP * size,
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
    block = address_block(doc.recipient)
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


def _define_total(canv: Any, name: str, pages: int) -> None:
    canv.beginForm(name)
    canv.setFont(FONT, 8)
    canv.drawString(0, 0, str(pages))
    canv.endForm()


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


def _draw_letter(canv: Any, doc: Document, form_name: str, styles: _Styles) -> int:
    """Draw one letter from the current (fresh) page on; returns its page count."""
    from reportlab.platypus import KeepInFrame

    pending = deque(_story(doc, _styles(compact=True) if doc.compact else styles))
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
    _define_total(canv, form_name, page)
    canv.showPage()
    return page


def _write(
    docs: Iterable[Document], out: BinaryIO, start_on_odd: bool, first_pages: list[int] | None = None
) -> int:
    """Draw docs into one PDF on out; returns the page count.

    When first_pages is given, the 1-based page each document starts on is appended to it.
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    styles = _styles()
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: smaller and faster than ASCII85
    try:
        canv = Canvas(out, pagesize=letter, invariant=0, pageCompression=1)
        canv.setCreator("broker-audit")
        for index, doc in enumerate(docs):
            if start_on_odd and canv.getPageNumber() % 2 == 0:
                canv.showPage()  # a blank back side, so this letter starts on a front side
            if first_pages is not None:
                first_pages.append(canv.getPageNumber())
            _draw_letter(canv, doc, f"ba_pages_{index}", styles)
        pages = canv.getPageNumber() - 1
        if pages == 0:
            raise ValueError("no letters to write")
        canv.save()
    finally:
        rl_config.useA85 = a85
    return pages


def write_pdf(docs: Iterable[Document], path: Path, *, start_on_odd: bool = False) -> int:
    """Write the letters into one PDF at path, each on a new page; returns the page count.

    The PDF goes through the safe-write helper (:func:`broker_audit.files.atomic_file`): a private
    temporary file next to path, renamed into place, so an interrupted run never leaves a partial
    PDF and a link at path is refused. With ``start_on_odd`` a blank page is inserted where needed
    so that every letter starts on an odd page (duplex printing).
    """
    from broker_audit.files import atomic_file

    with atomic_file(Path(path), what="PDF letter") as out:
        return _write(docs, out, start_on_odd)


def pdf_bytes(doc: Document) -> bytes:
    """One letter as PDF bytes (for previews and tests)."""
    out = io.BytesIO()
    _write([doc], out, start_on_odd=False)
    return out.getvalue()


def pdf_bytes_and_pages(doc: Document) -> tuple[bytes, int]:
    """One document as PDF bytes, in memory, with its page count (a one-page sheet checks it)."""
    out = io.BytesIO()
    pages = _write([doc], out, start_on_odd=False)
    return out.getvalue(), pages
