"""PDF letters read back with pypdf: text, page counts and window-envelope positions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from broker_audit.letters import pdf
from broker_audit.letters.document import Document

from .helpers import RECIPIENT, make_doc

INCH = 72.0


@dataclass(frozen=True)
class Run:
    text: str
    x: float  # from the left edge, points
    top: float  # baseline, from the top edge, points
    size: float


def runs(page) -> list[Run]:  # type: ignore[no-untyped-def]
    """Every text run on a page with its position (pypdf's visitor)."""
    found: list[Run] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Run(text.strip(), x, float(page.mediabox.height) - y, font_size))

    page.extract_text(visitor_text=visit)
    return found


def assert_in_window(page, lines: tuple[str, ...]) -> list[Run]:  # type: ignore[no-untyped-def]
    placed = [run for run in runs(page) if run.text in lines or run.text.endswith("\u2026")]
    assert placed, "recipient block not found"
    for run in placed:
        right = run.x + stringWidth(run.text, pdf.FONT, run.size)
        assert run.x >= 1.0 * INCH and right <= 4.25 * INCH, run
        assert run.top - 0.95 * run.size >= 2.25 * INCH, run  # top of accented capitals
        assert run.top + 0.24 * run.size <= 3.25 * INCH, run  # bottom of descenders
    return placed


def read(path: Path) -> PdfReader:
    return PdfReader(str(path))


def test_unicode_text_and_page_count(tmp_path: Path) -> None:
    doc = make_doc(paragraphs=8, words=90)
    path = tmp_path / "letter.pdf"
    pages = pdf.write_pdf([doc], path)
    reader = read(path)
    assert pages == len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("Nguyễn Thị Minh Khai", "Trần & Núñez <records>", "Acme People Search, LLC"):
        assert name in text
    assert "Request to access personal information – Nguyễn Thị Minh Khai" in text
    fonts = {font for page in reader.pages for font in _fonts(page)}
    assert any("DejaVuSerif" in f for f in fonts) and any("Bold" in f for f in fonts)


def _fonts(page) -> list[str]:  # type: ignore[no-untyped-def]
    resources = page["/Resources"]["/Font"]
    return [str(resources[key].get_object()["/BaseFont"]) for key in resources]


def test_footer_reference_and_page_n_of_m(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    pdf.write_pdf([make_doc(paragraphs=8, words=90)], path)
    for number, page in enumerate(read(path).pages, start=1):
        texts = [run.text for run in runs(page)]
        assert "Reference: BA-2025-00042" in texts
        joined = " ".join(texts)
        assert f"Page {number} of 2" in joined


def test_recipient_block_sits_in_the_window(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    pdf.write_pdf([make_doc()], path)
    placed = assert_in_window(read(path).pages[0], RECIPIENT)
    assert [run.text for run in placed] == list(RECIPIENT)
    assert placed[0].x == pytest.approx(1.1 * INCH)
    assert 2.35 * INCH <= placed[0].top <= 2.55 * INCH


@pytest.mark.parametrize(
    "recipient",
    [
        (
            "Núñez-Trần International Data Brokerage Holdings Corporation of America",
            "Attention: Office of the Chief Privacy Officer and General Counsel",
            "12345 Long Boulevard Northwest, Building 7, Suite 1200",
            "San Francisco, CA 94105-1234",
        ),
        ("Acme",),
    ],
    ids=["long-lines", "one-line"],
)
def test_addresses_that_fit_are_whole_in_the_window_never_cut_nor_below_8_pt(
    tmp_path: Path, recipient: tuple[str, ...]
) -> None:
    path = tmp_path / "letter.pdf"
    pdf.write_pdf([make_doc(recipient=recipient)], path)
    block = pdf.address_block(recipient)
    assert block.size >= 8.0  # USPS's smallest readable size
    assert_in_window(read(path).pages[0], block.lines)
    assert not any("\u2026" in line for line in block.lines)  # never cut
    words = " ".join(recipient).replace("Boulevard", "Blvd").replace("Northwest", "NW")
    words = words.replace("Building", "Bldg").replace("Suite", "Ste")
    assert " ".join(block.lines).split() == words.split()  # every word, in order
    assert block.lines[-1] == recipient[-1]  # city line kept whole and last


def test_addresses_that_fit_a_line_that_cannot_fit_is_refused_before_printing(tmp_path: Path) -> None:
    from broker_audit.errors import AddressDoesNotFit

    too_long = (
        "Acme",
        "12345 Extremely Long Boulevard Name Northwest Building Seven Suite 1200",
        "Town, CO 80000",
    )
    with pytest.raises(AddressDoesNotFit, match="12345 Extremely Long"):
        pdf.write_pdf([make_doc(recipient=too_long)], tmp_path / "letter.pdf")
    nine = tuple(f"Line {i} of a long address" for i in range(1, 10))
    with pytest.raises(AddressDoesNotFit, match="9 lines need"):
        pdf.write_pdf([make_doc(recipient=nine)], tmp_path / "letter.pdf")
    assert not (tmp_path / "letter.pdf").exists()


def test_body_starts_below_the_window(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    pdf.write_pdf([make_doc()], path)
    subject = [run for run in runs(read(path).pages[0]) if run.text.startswith("Request to access")]
    assert subject and subject[0].top > 3.25 * INCH + 10


def _letters() -> list[Document]:
    one = make_doc(paragraphs=1, words=40, reference="REF-A")
    two = make_doc(paragraphs=8, words=90, reference="REF-B")
    three = make_doc(paragraphs=1, words=40, reference="REF-C")
    return [one, two, three]


def _start_pages(reader: PdfReader) -> dict[str, int]:
    starts: dict[str, int] = {}
    for number, page in enumerate(reader.pages, start=1):
        for run in runs(page):
            if run.text.startswith("Reference: REF-"):
                starts.setdefault(run.text.removeprefix("Reference: "), number)
    return starts


def test_each_letter_starts_on_a_new_page(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    assert pdf.write_pdf(_letters(), path) == 4
    assert _start_pages(read(path)) == {"REF-A": 1, "REF-B": 2, "REF-C": 4}


def test_start_on_odd_inserts_blank_backs(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    assert pdf.write_pdf(_letters(), path, start_on_odd=True) == 5
    reader = read(path)
    assert _start_pages(reader) == {"REF-A": 1, "REF-B": 3, "REF-C": 5}
    assert reader.pages[1].extract_text().strip() == ""
    assert "Page 1 of 1" in " ".join(r.text for r in runs(reader.pages[4]))


def test_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = out / "batch.pdf"

    def docs():  # type: ignore[no-untyped-def]
        yield make_doc()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pdf.write_pdf(docs(), path)
    assert list(out.iterdir()) == []


def test_interrupted_write_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = out / "batch.pdf"
    pdf.write_pdf([make_doc()], path)
    before = path.read_bytes()

    def docs():  # type: ignore[no-untyped-def]
        yield make_doc()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        pdf.write_pdf(docs(), path)
    assert path.read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["batch.pdf"]


def test_written_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    pdf.write_pdf([make_doc()], path)
    assert path.stat().st_mode & 0o077 == 0


def test_pdf_bytes() -> None:
    data = pdf.pdf_bytes(make_doc())
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
