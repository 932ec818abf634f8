"""A printable table (landscape US Letter, pages numbered, header row repeated on each page): the
campaign's findings, agency by agency, as an advocate brings them to a county commission.

Drawn with reportlab's platypus table (its own line breaking and page breaks) in the embedded
DejaVu font, written through the safe-write helper (0600, atomic, no links).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from broker_audit.i18n import N_, _
from broker_audit.letters.fonts import FONT, FONT_BOLD, register_fonts
from broker_audit.letters.pdf import CREATOR

INCH = 72.0
# Relative widths of the columns, by position: agency, finding, date, evidence, request, status.
_WEIGHTS = (1.6, 1.7, 0.85, 2.6, 1.5, 1.2)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_findings_pdf(
    path: Path,
    *,
    title: str,
    note: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    after: str = "",
) -> int:
    """Write the table (and a paragraph after it, if any); returns the number of pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from broker_audit.files import atomic_file

    register_fonts()
    cell = ParagraphStyle("ba-cell", fontName=FONT, fontSize=7.5, leading=9)
    head = ParagraphStyle("ba-cell-head", parent=cell, fontName=FONT_BOLD)
    heading = ParagraphStyle("ba-table-title", fontName=FONT_BOLD, fontSize=12, leading=15, spaceAfter=4)
    body = ParagraphStyle("ba-table-note", fontName=FONT, fontSize=8.5, leading=11, spaceAfter=8)
    page_w, page_h = landscape(letter)
    margin = 0.45 * INCH
    usable = page_w - 2 * margin
    weights = _WEIGHTS[: len(columns)] if len(columns) <= len(_WEIGHTS) else (1.0,) * len(columns)
    widths = [usable * w / sum(weights) for w in weights]
    data = [[Paragraph(_esc(c), head) for c in columns]]
    data += [[Paragraph(_esc(str(v)), cell) for v in row] for row in rows]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    pages = [0]

    def footer(canv: Any, doc: Any) -> None:
        pages[0] = doc.page
        canv.setFont(FONT, 7)
        canv.drawRightString(page_w - margin, margin / 2, _("Page {page}").format(page=doc.page))
        canv.drawString(margin, margin / 2, _plain(title)[:120])

    with atomic_file(Path(path), what=N_("findings table")) as out:
        doc = SimpleDocTemplate(
            out,
            pagesize=(page_w, page_h),
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=title,
            author="broker-audit",
            creator=CREATOR,
            invariant=0,
        )
        story = [Paragraph(_esc(title), heading), Paragraph(_esc(note), body), Spacer(1, 4), table]
        if after:
            story += [Spacer(1, 8), Paragraph(_esc(after), body)]
        doc.build(
            story,
            onFirstPage=footer,
            onLaterPages=footer,
        )
    return pages[0]


def _plain(text: str) -> str:
    return " ".join(text.split())
