"""Letter pages per second: our write_pdf against reportlab drawn straight (canvas + Paragraph).

Usage: python bench/bench_pdf.py [N]   (default N=500 letters, ~450-word bodies, medians of 3)

Both sides draw the same content (letterhead, window address, subject, justified body, bullets,
footer) with the same registered DejaVu Serif fonts, page compression and stream encoding (binary,
as the project writes; reportlab's default would be ASCII85), into one PDF. The two alternate,
and every cache that outlives one PDF (the window-address layouts) is emptied before each run, so
no run draws on what an earlier one computed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from broker_audit.letters import pdf
from broker_audit.letters.document import Bullets, Document, Lines, Paragraph
from broker_audit.letters.render import render_letter

NAMES = [
    "María José Núñez Peña",
    "Nguyễn Thị Minh Khai",
    "Trần Văn Đức",
    "José Ángel Gutiérrez",
    "Zoë Løvås-Ørsted",
    "Bảo Châu Lê",
    "Renée O'Connor",
    "Ana Sofía Hernández Muñoz",
]
STREETS = ["1200 Calle Olvera Apt 4B", "77 Đường Nguyễn Huệ", "4410 Mission Street Unit 3"]
WORDS = [
    "request",
    "personal",
    "information",
    "data",
    "broker",
    "consumer",
    "law",
    "section",
    "disclose",
    "categories",
    "sources",
    "purposes",
    "third",
    "parties",
    "sold",
    "shared",
    "delete",
    "correct",
    "confirm",
    "writing",
    "days",
    "statute",
    "business",
    "verify",
    "identity",
    "records",
    "including",
    "inferences",
    "profiles",
    "addresses",
    "telephone",
    "numbers",
]

TEMPLATE = """Subject: Request to know and access personal information – {{ name }}

Dear Privacy Team at {{ broker }},

{% for p in paragraphs %}
{{ p }}

{% endfor %}
- {{ bullets | join("\n- ") }}

Sincerely,

| {{ name }}
| {{ street }}
"""


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_docs(n: int) -> tuple[list[Document], float]:
    """Render n letters with ~450-word bodies through the real template pipeline.

    Returns the documents and the seconds spent in render_letter alone.
    """
    rng = random.Random(7)
    contexts = []
    for _ in range(n):
        name, street = rng.choice(NAMES), rng.choice(STREETS)
        contexts.append(
            {
                "name": name,
                "street": street,
                "broker": "Acme People Search, LLC",
                "paragraphs": [_words(rng, 70) for _ in range(5)],
                "bullets": [_words(rng, 14) for _ in range(5)],
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bench.txt.j2").write_text(TEMPLATE, encoding="utf-8")
        start = time.perf_counter()
        docs = [
            render_letter(
                "bench",
                ctx,
                sender=[ctx["name"], ctx["street"], "Los Angeles, CA 90012"],
                recipient=[
                    "Acme People Search, LLC",
                    "Attn: Privacy Compliance",
                    "1000 Corporate Drive, Suite 400",
                    "Austin, TX 78701",
                ],
                date=dt.date(2025, 5, 4),
                reference=f"BA-2025-{i:05d}",
                templates_dir=Path(tmp),
            )
            for i, ctx in enumerate(contexts)
        ]
        return docs, time.perf_counter() - start


def raw_reportlab(docs: list[Document], out: BinaryIO | None = None) -> int:
    """The same page content drawn straight with canvas + Paragraph (manual pagination), with
    binary streams as the project writes them."""
    from reportlab import rl_config

    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        return _raw_reportlab(docs, out or io.BytesIO())
    finally:
        rl_config.useA85 = a85


def _raw_reportlab(docs: list[Document], out: BinaryIO) -> int:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph as P

    styles = pdf.paragraph_styles()
    canv = Canvas(out, pagesize=letter, invariant=0, pageCompression=1)
    width = pdf.PAGE_WIDTH - 2 * pdf.MARGIN
    for doc in docs:
        y = pdf.PAGE_HEIGHT - 0.6 * 72
        canv.setFont(pdf.FONT, 8.5)
        for line in doc.sender:
            canv.drawString(72, y, line)
            y -= 10.5
        canv.setFont(pdf.FONT, 10)
        canv.drawRightString(pdf.PAGE_WIDTH - 72, pdf.PAGE_HEIGHT - 43, str(doc.date))
        canv.drawRightString(pdf.PAGE_WIDTH - 72, pdf.PAGE_HEIGHT - 56, doc.reference)
        y = pdf.PAGE_HEIGHT - 2.45 * 72
        canv.setFont(pdf.FONT, 11)
        for line in doc.recipient:
            canv.drawString(79, y, line)
            y -= 13
        canv.setFont(pdf.FONT, 8)
        canv.drawString(72, 40, doc.reference)
        canv.drawString(480, 40, "Page 1")
        paras = [P(doc.subject, styles.subject)]
        for block in doc.blocks:
            if isinstance(block, Paragraph):
                paras.append(P(block.text, styles.body))
            elif isinstance(block, Bullets):
                paras.extend(P(item, styles.bullet, bulletText="\u2022") for item in block.items)
            elif isinstance(block, Lines):
                paras.append(P("<br/>".join(block.lines), styles.lines))
        y, page = pdf.PAGE_HEIGHT - pdf.BODY_TOP_FIRST, 1
        while paras:
            para = paras.pop(0)
            _, h = para.wrap(width, y - 72)
            if h > y - 72:
                parts = para.split(width, y - 72)
                if parts:
                    _, h = parts[0].wrap(width, y - 72)
                    parts[0].drawOn(canv, 72, y - h)
                    paras[0:0] = parts[1:]
                else:
                    paras.insert(0, para)
                canv.showPage()
                page += 1
                canv.setFont(pdf.FONT, 8)
                canv.drawString(72, 40, doc.reference)
                canv.drawString(480, 40, f"Page {page}")
                y = pdf.PAGE_HEIGHT - 72
                continue
            para.drawOn(canv, 72, y - h)
            y -= h + para.style.spaceAfter
        canv.showPage()
    pages = canv.getPageNumber() - 1
    canv.save()
    return pages


def ours(docs: list[Document]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        return pdf.write_pdf(docs, Path(tmp) / "letters.pdf")


def measure(fn, docs: list[Document]) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    pdf._address_block.cache_clear()  # nothing carried over from an earlier run
    start = time.perf_counter()
    pages = fn(docs)
    return time.perf_counter() - start, pages


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    docs, render_s = make_docs(n)
    pdf.register_fonts()
    words = sum(
        len(b.text.split()) if isinstance(b, Paragraph) else sum(len(i.split()) for i in b.items)
        for b in docs[0].blocks
        if isinstance(b, Paragraph | Bullets)
    )
    print(f"{n} letters, ~{words} body words each")
    print(f"render_letter (sandboxed Jinja + markup):  {n / render_s:,.0f} letters/s")
    raw_wall, ours_wall, pages_raw, pages_ours = [], [], 0, 0
    for _ in range(3):
        t, pages_raw = measure(raw_reportlab, docs)
        raw_wall.append(t)
        t, pages_ours = measure(ours, docs)
        ours_wall.append(t)
    raw_rate = pages_raw / statistics.median(raw_wall)
    ours_rate = pages_ours / statistics.median(ours_wall)
    print(f"raw reportlab (canvas + Paragraph): {pages_raw} pages, {raw_rate:,.0f} pages/s")
    print(f"broker-audit write_pdf:             {pages_ours} pages, {ours_rate:,.0f} pages/s")
    print(f"ours / raw: {ours_rate / raw_rate:.0%}  (medians of 3 runs)")


if __name__ == "__main__":
    main()
