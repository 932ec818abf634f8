"""What a clinic needs to post a batch: address labels and a certified-mail firm mailing book.

- :func:`write_labels_pdf`: Avery 5160 / 8160 sheets (US Letter, 3 x 10 labels of 2.625 x 1 in,
  top margin 0.5 in, side margin 0.1875 in, 0.125 in between columns, none between rows), in the
  embedded DejaVu font, each address fitted to its label by the one address-fitting routine
  (letters/address_fit.py: USPS abbreviations, then smaller type never below 8 pt, then wrapping;
  never cut, never outside the label; an address that cannot fit is refused before drawing).
- :func:`write_firm_mailing_list`: a firm mailing book in the columns of USPS PS Form 3877 (Firm
  Mailing Book for Accountable Mail) as PDF, one row per letter (as tall as its address needs),
  pages numbered, a total line per page and for the whole book, plus the same rows as a CSV whose
  every cell is neutralised against formula injection. Postage and fees the clinic does not know
  yet stay blank to fill in by hand. The sender named on a page is the return address printed on
  the envelopes it lists: pieces with different return addresses are listed on separate pages.

Both PDFs are written to a private temporary file and renamed into place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from broker_audit.intake.csvsafe import neutralise_cell, write_safe_csv
from broker_audit.letters.address_fit import LABEL, LIST_ROW, AddressFit, Box, fit_address
from broker_audit.letters.fonts import FONT, FONT_BOLD, register_fonts

__all__ = [
    "LABEL_SHEET",
    "PS3877_COLUMNS",
    "LabelSheet",
    "MailPiece",
    "label_cells",
    "neutralise_cell",
    "write_firm_mailing_list",
    "write_labels_pdf",
]

INCH = 72.0


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class LabelSheet:
    """A sheet of address labels; all lengths in points, from the page's top-left corner."""

    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    top_margin: float
    side_margin: float
    column_gap: float
    row_gap: float
    padding: float


LABEL_SHEET = LabelSheet(
    page_width=8.5 * INCH,
    page_height=11 * INCH,
    columns=3,
    rows=10,
    label_width=2.625 * INCH,
    label_height=1.0 * INCH,
    top_margin=0.5 * INCH,
    side_margin=0.1875 * INCH,
    column_gap=0.125 * INCH,
    row_gap=0.0,
    padding=0.1 * INCH,
)
"""Avery 5160 / 8160 (and compatible 30-up address labels)."""

_GLYPH_TOP = 0.95
_LEADING = LABEL.leading


def label_cells(sheet: LabelSheet = LABEL_SHEET) -> list[tuple[float, float, float, float]]:
    """Each label's box as (left, top, right, bottom) from the page's top-left, row by row."""
    cells = []
    for row in range(sheet.rows):
        top = sheet.top_margin + row * (sheet.label_height + sheet.row_gap)
        for col in range(sheet.columns):
            left = sheet.side_margin + col * (sheet.label_width + sheet.column_gap)
            cells.append((left, top, left + sheet.label_width, top + sheet.label_height))
    return cells


def _truncate(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _fitted(address: Sequence[str], box: Any) -> AddressFit:
    """The address as the one fitting routine lays it out; refused when it cannot fit whole."""
    fit = fit_address(address, box)
    if not fit.fits:
        from broker_audit.errors import AddressDoesNotFit

        raise AddressDoesNotFit(
            f"an address does not fit {box.name}: " + "; ".join(fit.problems),
            "the batch checks every address before printing; shorten the address lines in the registry",
        )
    return fit


def _atomic_pdf(path: Path, what: str) -> Iterator[Any]:
    """Yield a reportlab canvas writing through the safe-write helper (0600, atomic, no links)."""
    from reportlab.pdfgen.canvas import Canvas

    from broker_audit.files import atomic_file

    with atomic_file(Path(path), what=what) as out:
        canv = Canvas(out, pagesize=(8.5 * INCH, 11 * INCH), invariant=0, pageCompression=1)
        canv.setCreator("broker-audit")
        yield canv
        canv.save()


_pdf_file = contextlib.contextmanager(_atomic_pdf)


def write_labels_pdf(
    addresses: Sequence[Sequence[str]], path: Path, *, sheet: LabelSheet = LABEL_SHEET
) -> int:
    """Write one address label per entry onto Avery 5160 / 8160 sheets; returns the page count.

    Each address is fitted inside its label less a 0.1 in padding by `address_fit` (USPS
    abbreviations, type from 10 pt down to 8 pt, long lines wrapped): nothing is cut or drawn
    outside a label, and an address that cannot fit raises AddressDoesNotFit before a page is drawn.
    """
    if not addresses:
        raise ValueError("no addresses to print")
    register_fonts()
    cells = label_cells(sheet)
    per_page = len(cells)
    fits = [_fitted(address, LABEL) for address in addresses]
    with _pdf_file(path, "address labels") as canv:
        canv.setPageSize((sheet.page_width, sheet.page_height))
        for index, fit in enumerate(fits):
            if index and index % per_page == 0:
                canv.showPage()
            left, top, _, bottom = cells[index % per_page]
            lines, size = fit.lines, fit.size
            first_top = top + (sheet.label_height - fit.height) / 2 + _GLYPH_TOP * size  # centred
            canv.setFont(FONT, size)
            for i, line in enumerate(lines):
                canv.drawString(
                    left + sheet.padding, sheet.page_height - first_top - i * _LEADING * size, line
                )
        canv.showPage()
    return (len(addresses) + per_page - 1) // per_page


# --------------------------------------------------------------------------- firm mailing book


@dataclass(frozen=True, slots=True)
class MailPiece:
    """One letter going by certified mail, as the firm mailing book lists it.

    ``article_number`` (the certified-mail number), ``postage`` and ``fee`` are usually known only
    once the clinic buys the labels; left empty they print as blanks to fill in.
    """

    reference: str
    request_id: str
    recipient: Sequence[str]
    sender_name: str = ""
    kind: str = ""
    sender: Sequence[str] = ()  # the return address printed on its envelope
    article_number: str = ""
    postage: Decimal | None = None
    fee: Decimal | None = None


PS3877_COLUMNS = (
    "Article Number",
    "Name of Addressee, Street, and Post Office Address",
    "Postage",
    "Fee",
    "Handling Charge",
    "Actual Value if Registered",
    "Insured Value",
    "Due Sender if COD",
    "ASR Fee",
    "ASRD Fee",
    "RD Fee",
    "RR Fee",
    "SC Fee",
    "SCRD Fee",
    "SH Fee",
)
"""The entry columns of PS Form 3877, in order."""

_CSV_EXTRA = ("Line", "Reference", "Request ID", "Sender (client)", "Letter kind", "Return address")

# column widths in inches on a landscape Letter page (11 x 8.5 in, 0.4 in margins: 10.2 in)
_WIDTHS = (0.35, 1.45, 2.85, 0.5, 0.45, 0.5, 0.55, 0.5, 0.5, 0.4, 0.45, 0.35, 0.35, 0.35, 0.4, 0.35)
_HEADS = ("Line", *PS3877_COLUMNS)
_ROWS_PER_PAGE = 10
_ROW_HEIGHT = 0.5 * INCH  # the least a row takes; a long address makes its row taller
_TABLE_BOTTOM = 1.1 * INCH  # room under the table for the page's totals


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _address(piece: MailPiece) -> str:
    return ", ".join(line.strip() for line in piece.recipient if line and line.strip())


def _header_cell(canv: Any, text: str, x: float, y: float, width: float) -> None:
    """A column heading wrapped onto up to four 5.5 pt lines."""
    words, lines, line = text.split(), [], ""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for word in words:
        trial = f"{line} {word}".strip()
        if stringWidth(trial, FONT_BOLD, 5.5) <= width - 4 or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    canv.setFont(FONT_BOLD, 5.5)
    for i, row in enumerate(lines[:4]):
        canv.drawString(x + 2, y - 7 - i * 6.5, _truncate(row, FONT_BOLD, 5.5, width - 4))


def _pages(
    entries: Sequence[MailPiece], sender_lines: Sequence[str], row_room: float
) -> list[tuple[tuple[str, ...], list[tuple[int, MailPiece, AddressFit]]]]:
    """The book's pages: (the sender they name, their numbered rows with each address fitted).
    A page lists pieces of one return address only, at most 10, as many as their rows' heights
    allow."""
    pages: list[tuple[tuple[str, ...], list[tuple[int, MailPiece, AddressFit]]]] = []
    used = row_room
    for number, piece in enumerate(entries, start=1):
        sender = tuple(line for line in (piece.sender or sender_lines) if line.strip())
        fit = _fitted(piece.recipient, LIST_ROW)
        height = _row_height(fit)
        if (
            not pages
            or pages[-1][0] != sender
            or len(pages[-1][1]) >= _ROWS_PER_PAGE
            or used + height > row_room
        ):
            pages.append((sender, []))
            used = 0.0
        pages[-1][1].append((number, piece, fit))
        used += height
    return pages


def _row_height(fit: AddressFit) -> float:
    return max(_ROW_HEIGHT, fit.height + 6)


SENDER_BOX = Box(
    "the sender lines of the certified-mail list", 4 * INCH, 44.0, 8.0, leading=1.25, read_by_machine=False
)


@dataclass(frozen=True)
class _BookLayout:
    """Where a page of the firm mailing book puts things (landscape US Letter, in points)."""

    page_w: float = 11 * INCH
    page_h: float = 8.5 * INCH
    margin: float = 0.4 * INCH
    head_h: float = 30.0  # the table's header row

    @property
    def xs(self) -> list[float]:
        """The table's column edges."""
        xs = [self.margin]
        for w in _WIDTHS:
            xs.append(xs[-1] + w * INCH)
        return xs

    @property
    def table_top(self) -> float:
        return self.page_h - self.margin - 84


def write_firm_mailing_list(
    entries: Sequence[MailPiece],
    pdf_path: Path,
    csv_path: Path,
    *,
    sender_lines: Sequence[str] = (),
    mail_type: str = "Certified Mail",
) -> int:
    """Write the firm mailing book (PS Form 3877 columns) as PDF and CSV; returns the PDF's pages.

    One row per letter (its address fitted by `address_fit`, never cut: a long address makes a
    taller row), at most 10 rows a page, landscape US Letter, each page headed with the sender's
    name and address and closed with the number of pieces and the known postage and fees on that
    page; the last page adds the totals for the whole book. The sender of a page is the return
    address on its envelopes (each piece's `sender`, else ``sender_lines``; blank lines to write
    on when neither is known): pieces with another return address start a new page. The CSV has
    the same columns plus the line number, letter reference, request id, client, letter kind and
    return address; every cell is neutralised against formula injection.
    """
    if not entries:
        raise ValueError("no mail pieces to list")
    register_fonts()
    layout = _BookLayout()
    book = _pages(entries, sender_lines, layout.table_top - layout.head_h - _TABLE_BOTTOM)
    pages = len(book)
    total_postage = sum((p.postage for p in entries if p.postage is not None), Decimal(0))
    total_fee = sum((p.fee for p in entries if p.fee is not None), Decimal(0))
    with _pdf_file(pdf_path, "certified-mail list") as canv:
        canv.setPageSize((layout.page_w, layout.page_h))
        for page, (sender, rows) in enumerate(book):
            _book_head(canv, layout, f"Page {page + 1} of {pages}", sender, mail_type)
            y = _book_rows(canv, layout, rows)
            y = _book_page_totals(canv, layout, rows, y)
            if page == pages - 1:
                canv.setFont(FONT_BOLD, 9)
                canv.drawString(
                    layout.margin,
                    y - 32,
                    f"Total for this mailing: {len(entries)} pieces; postage "
                    f"{total_postage:.2f}; fees {total_fee:.2f} (blank amounts not counted)",
                )
            canv.showPage()
    _write_book_csv(csv_path, entries, sender_lines, total_postage, total_fee)
    return pages


def _book_head(canv: Any, layout: _BookLayout, numbered: str, sender: Sequence[str], mail_type: str) -> None:
    """A page's head: the form's title, the type of mail, the sender (or lines to write it on),
    the page number and the box for the postmark."""
    margin, page_w = layout.margin, layout.page_w
    top = layout.page_h - margin
    canv.setFont(FONT_BOLD, 11)
    canv.drawString(margin, top - 11, "Firm Mailing Book for Accountable Mail (PS Form 3877 columns)")
    canv.setFont(FONT, 8)
    canv.drawString(margin, top - 24, f"Type of mail or service: {mail_type}")
    canv.drawString(margin, top - 36, "Name and Address of Sender:")
    if sender:
        named = _fitted(sender, SENDER_BOX)
        canv.setFont(FONT, named.size)
        for i, line in enumerate(named.lines):
            canv.drawString(margin + 1.9 * INCH, top - 36 - i * named.size * SENDER_BOX.leading, line)
    else:
        for i in range(3):
            canv.drawString(margin + 1.9 * INCH, top - 36 - i * 10, "_" * 60)
    canv.setFont(FONT, 8)
    canv.drawRightString(page_w - margin, top - 11, numbered)
    canv.drawRightString(page_w - margin, top - 24, "Postmark and date of receipt:")
    canv.rect(page_w - margin - 1.6 * INCH, top - 76, 1.6 * INCH, 48)


def _book_rows(canv: Any, layout: _BookLayout, rows: list[tuple[int, MailPiece, AddressFit]]) -> float:
    """The page's table: its frame, header row and one row per piece; returns where it ends."""
    xs, table_top, head_h = layout.xs, layout.table_top, layout.head_h
    body = sum(_row_height(fit) for _, _, fit in rows)
    canv.setLineWidth(0.5)
    canv.rect(xs[0], table_top - head_h - body, xs[-1] - xs[0], head_h + body)
    for x in xs[1:-1]:
        canv.line(x, table_top, x, table_top - head_h - body)
    for i, head in enumerate(_HEADS):
        _header_cell(canv, head, xs[i], table_top, xs[i + 1] - xs[i])
    y = table_top - head_h
    for n, piece, fit in rows:
        canv.line(xs[0], y, xs[-1], y)
        canv.setFont(FONT, 7)
        canv.drawString(xs[0] + 2, y - 10, str(n))
        number = _truncate(piece.article_number, FONT, 7, xs[2] - xs[1] - 4)
        canv.drawString(xs[1] + 2, y - 10, number)
        ref = f"Ref. {piece.reference}"
        canv.setFont(FONT, 6)
        canv.drawString(xs[1] + 2, y - 30, _truncate(ref, FONT, 6, xs[2] - xs[1] - 4))
        canv.setFont(FONT, fit.size)
        for i, line in enumerate(fit.lines):
            canv.drawString(xs[2] + 2, y - 3 - _GLYPH_TOP * fit.size - i * LIST_ROW.leading * fit.size, line)
        canv.setFont(FONT, 7)
        for col, value in ((3, piece.postage), (4, piece.fee)):
            canv.drawRightString(xs[col + 1] - 2, y - 10, _money(value))
        y -= _row_height(fit)
    return y


def _book_page_totals(
    canv: Any, layout: _BookLayout, rows: list[tuple[int, MailPiece, AddressFit]], y: float
) -> float:
    """Under the table: the pieces listed, the lines for the post office, the page's postage and
    fees; returns where they end."""
    margin = layout.margin
    listed = [piece for _, piece, _ in rows]
    postage = sum((p.postage for p in listed if p.postage is not None), Decimal(0))
    fees = sum((p.fee for p in listed if p.fee is not None), Decimal(0))
    canv.setFont(FONT_BOLD, 8)
    y -= 14
    canv.drawString(margin, y, f"Total number of pieces listed by sender: {len(rows)}")
    canv.drawString(margin + 3.2 * INCH, y, "Total number of pieces received at post office: ______")
    canv.drawString(margin + 6.9 * INCH, y, f"Page postage: {postage:.2f}   Page fees: {fees:.2f}")
    canv.setFont(FONT, 8)
    canv.drawString(
        margin, y - 14, "Postmaster, per (name of receiving employee): ______________________________"
    )
    return y


def _write_book_csv(
    csv_path: Path,
    entries: Sequence[MailPiece],
    sender_lines: Sequence[str],
    total_postage: Decimal,
    total_fee: Decimal,
) -> None:
    header = (*_CSV_EXTRA[:1], *PS3877_COLUMNS, *_CSV_EXTRA[1:])
    rows_out = (
        (
            n,
            p.article_number,
            _address(p),
            _money(p.postage),
            _money(p.fee),
            *[""] * 11,
            p.reference,
            p.request_id,
            p.sender_name,
            p.kind,
            " / ".join(line for line in (p.sender or sender_lines) if line.strip()),
        )
        for n, p in enumerate(entries, start=1)
    )
    total_row = (
        "Total",
        f"{len(entries)} pieces",
        "",
        f"{total_postage:.2f}",
        f"{total_fee:.2f}",
        *[""] * 11,
        "",
        "",
        "",
        "",
        "",
    )
    write_safe_csv(Path(csv_path), header, [*rows_out, total_row])
