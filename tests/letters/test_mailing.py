"""Address labels (Avery 5160 / 8160) and the certified-mail firm mailing book (PS Form 3877)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from broker_audit.letters import mailing
from broker_audit.letters.pdf import FONT

from .test_pdf import runs

INCH = 72.0

ADDRESSES = [
    (
        "Acme People Search, LLC",
        "Attn: Privacy Compliance",
        "1000 Corporate Drive, Suite 400",
        "Austin, TX 78701",
    ),
    (
        "Núñez-Trần International Data Brokerage Holdings",
        "Attention: Office of the Chief Privacy Officer",
        "12345 Long Boulevard Northwest, Building 7, Suite 1200",
        "San Francisco, CA 94105-1234",
    ),
    tuple(f"Line {i} of a long address" for i in range(1, 6)),
    ("Zoë Løvås-Ørsted",),
]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_avery_5160_geometry() -> None:
    cells = mailing.label_cells()
    assert len(cells) == 30
    left, top, right, bottom = cells[0]
    assert (left, top) == (0.1875 * INCH, 0.5 * INCH)
    assert (right - left, bottom - top) == (2.625 * INCH, 1.0 * INCH)
    assert cells[1][0] - cells[0][2] == pytest.approx(0.125 * INCH)  # column gap
    assert cells[-1][2] == pytest.approx(8.5 * INCH - 0.1875 * INCH)  # symmetric side margins
    assert cells[-1][3] == pytest.approx(11 * INCH - 0.5 * INCH)  # bottom margin


def test_every_label_text_stays_inside_its_label(out: Path) -> None:
    addresses = [ADDRESSES[i % len(ADDRESSES)] for i in range(37)]
    path = out / "labels.pdf"
    assert mailing.write_labels_pdf(addresses, path) == 2
    reader = PdfReader(str(path))
    assert len(reader.pages) == 2
    cells = mailing.label_cells()
    found_cells = []
    for page in reader.pages:
        page_cells: set[int] = set()
        for run in runs(page):
            right = run.x + stringWidth(run.text, FONT, run.size)
            inside = [
                i
                for i, (left, top, cell_right, bottom) in enumerate(cells)
                if left <= run.x
                and right <= cell_right
                and top <= run.top - 0.95 * run.size
                and run.top + 0.24 * run.size <= bottom
            ]
            assert len(inside) == 1, run
            page_cells.add(inside[0])
        found_cells.append(page_cells)
    assert found_cells[0] == set(range(30)) and found_cells[1] == set(range(7))
    text = reader.pages[0].extract_text()
    assert "Acme People Search, LLC" in text and "Zoë Løvås-Ørsted" in text and "Austin, TX 78701" in text
    assert "Line 5 of a long address" in text  # the city line is kept last
    assert "12345 Long Blvd NW, Bldg 7, Ste 1200" in text  # USPS abbreviations, not a cut line
    assert "\u2026" not in text


def test_addresses_that_fit_a_label_that_cannot_hold_an_address_is_refused_before_drawing(out: Path) -> None:
    from broker_audit.errors import AddressDoesNotFit

    wide = ("Acme", "12345 Extremely Long Boulevard Name Northwest, Mail Stop 44-B", "Austin, TX 78701")
    with pytest.raises(AddressDoesNotFit, match="an address label"):
        mailing.write_labels_pdf([ADDRESSES[0], wide], out / "labels.pdf")
    assert list(out.iterdir()) == []


def test_labels_need_addresses(out: Path) -> None:
    with pytest.raises(ValueError):
        mailing.write_labels_pdf([], out / "labels.pdf")
    assert list(out.iterdir()) == []


def _pieces(n: int) -> list[mailing.MailPiece]:
    pieces = [
        mailing.MailPiece(
            reference=f"BA-2025-{i:05d}",
            request_id=f"req-{i}",
            recipient=ADDRESSES[i % 2],
            sender_name="María José Núñez Peña",
            kind="access",
            article_number=f"9407 1000 0000 0000 {i:04d}" if i % 2 else "",
            postage=Decimal("0.73") if i % 2 else None,
            fee=Decimal("4.85") if i % 2 else None,
        )
        for i in range(n)
    ]
    if n <= 3:
        return pieces
    pieces[3] = mailing.MailPiece(
        reference='=HYPERLINK("http://evil.example","Click")',
        request_id="+1",
        recipient=("@SUM(A1:A9)", "-2+3", "\tTabbed Street", "Austin, TX 78701"),
        sender_name="=cmd|' /C calc'!A0",
        kind="delete",
    )
    return pieces


def test_firm_mailing_list_csv_has_ps3877_columns_and_inert_cells(out: Path) -> None:
    pieces = _pieces(12)
    pages = mailing.write_firm_mailing_list(
        pieces, out / "book.pdf", out / "book.csv", sender_lines=["Community Legal Clinic", "100 Main St"]
    )
    assert pages == 2
    with open(out / "book.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[0] == "Line"
    assert header[1 : 1 + len(mailing.PS3877_COLUMNS)] == list(mailing.PS3877_COLUMNS)
    for column in (
        "Article Number",
        "Name of Addressee, Street, and Post Office Address",
        "Postage",
        "Fee",
        "Handling Charge",
        "Actual Value if Registered",
        "Insured Value",
        "Due Sender if COD",
        "RD Fee",
        "RR Fee",
        "SC Fee",
        "SH Fee",
    ):
        assert column in header
    assert header[-5:] == ["Reference", "Request ID", "Sender (client)", "Letter kind", "Return address"]
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 12 and all(len(r) == len(header) for r in rows)
    assert body[1][header.index("Postage")] == "0.73" and body[0][header.index("Postage")] == ""
    assert body[1][header.index("Article Number")] == "9407 1000 0000 0000 0001"
    evil = body[3]
    for cell in evil:
        assert not cell or cell[0] not in "=+-@\t\r", cell
    assert evil[header.index("Reference")].startswith("'=HYPERLINK")
    assert evil[header.index("Request ID")] == "'+1"
    assert evil[header.index("Sender (client)")].startswith("'=cmd")
    assert evil[header.index("Name of Addressee, Street, and Post Office Address")].startswith("'@SUM")
    assert total[0] == "Total" and total[1] == "12 pieces"
    assert total[header.index("Postage")] == f"{Decimal('0.73') * 5:.2f}"  # five of the twelve are known
    assert total[header.index("Fee")] == f"{Decimal('4.85') * 5:.2f}"


def test_firm_mailing_list_pdf(out: Path) -> None:
    pieces = _pieces(12)
    mailing.write_firm_mailing_list(
        pieces, out / "book.pdf", out / "book.csv", sender_lines=["Community Legal Clinic", "100 Main St"]
    )
    reader = PdfReader(str(out / "book.pdf"))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 2
    assert "Page 1 of 2" in texts[0] and "Page 2 of 2" in texts[1]
    for text in texts:
        assert "Firm Mailing Book for Accountable Mail" in text
        assert "Community Legal Clinic" in text
        assert "Article" in text and "Postage" in text and "Insured" in text
    import re

    listed = [int(re.search(r"listed by sender: (\d+)", t)[1]) for t in texts]  # type: ignore[index]
    assert sum(listed) == 12 and all(n <= 10 for n in listed)  # long addresses make taller rows
    assert "Total for this mailing: 12 pieces" in texts[1]
    assert "9407 1000 0000 0000 0001" in texts[0]
    assert "Acme People Search, LLC" in texts[0] and "Ref. BA-2025-00011" in texts[1]
    column = [r.text for page in reader.pages for r in runs(page) if 2.2 * INCH < r.x < 3.2 * INCH]
    assert column and not any("\u2026" in t for t in column)  # no address is cut
    width = 11 * INCH
    for page in reader.pages:
        for run in runs(page):
            assert run.x >= 0 and run.x + stringWidth(run.text, FONT, run.size) <= width + 1, run


def test_firm_mailing_list_without_sender_leaves_lines_to_fill(out: Path) -> None:
    mailing.write_firm_mailing_list(_pieces(2), out / "book.pdf", out / "book.csv")
    text = PdfReader(str(out / "book.pdf")).pages[0].extract_text()
    assert "Name and Address of Sender:" in text and "____" in text


def test_addresses_that_fit_the_list_never_below_8_pt_nor_cut(out: Path) -> None:
    """The issue's LexisNexis address shrank to 7 pt and was cut ("...") in the list."""
    lexisnexis = (
        "LexisNexis Risk Solutions",
        "Consumer Center, Attn: California Consumer Privacy Act (CCPA) Request",
        "P.O. Box 105108",
        "Atlanta, GA 30348-5295",
    )
    piece = mailing.MailPiece(
        reference="BA-1", request_id="1", recipient=lexisnexis, sender=("Ana", "1 Main St")
    )
    mailing.write_firm_mailing_list([piece], out / "book.pdf", out / "book.csv")
    page = PdfReader(str(out / "book.pdf")).pages[0]
    table_body = 0.4 * INCH + 84 + 30  # below the column headings
    address_runs = [r for r in runs(page) if 2.2 * INCH < r.x < 3.2 * INCH and r.top > table_body]
    assert address_runs and min(r.size for r in address_runs) >= 8.0
    text = " ".join(r.text for r in address_runs)
    assert "PO Box 105108" in text and "(CCPA) Request" in text and "\u2026" not in text


def test_addresses_that_fit_the_sender_on_the_list_is_each_envelopes_return_address(out: Path) -> None:
    """Pieces with different return addresses (a client's own, the clinic's) are never listed
    under one sender: each page names the return address its envelopes carry."""
    ana = ("Ana García", "123 Main St Apt 4", "Denver, CO 80204")
    clinic = ("Example Clinic", "100 Example Ave Ste 2", "Denver, CO 80205")
    pieces = [
        mailing.MailPiece(reference=f"BA-{i}", request_id=str(i), recipient=ADDRESSES[0], sender=who)
        for i, who in enumerate([ana, ana, clinic], start=1)
    ]
    assert mailing.write_firm_mailing_list(pieces, out / "book.pdf", out / "book.csv") == 2
    first, second = (p.extract_text() for p in PdfReader(str(out / "book.pdf")).pages)
    assert "Ana García" in first and "Example Clinic" not in first and "BA-1" in first and "BA-2" in first
    assert "Example Clinic" in second and "Ana García" not in second and "BA-3" in second
    with open(out / "book.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Return address"] for r in rows[:3]] == [" / ".join(ana)] * 2 + [" / ".join(clinic)]


def test_neutralise_cell() -> None:
    assert mailing.neutralise_cell("=1+1") == "'=1+1"
    assert mailing.neutralise_cell("@x") == "'@x"
    assert mailing.neutralise_cell("\tx") == "'\tx"
    assert mailing.neutralise_cell("Acme") == "Acme"
