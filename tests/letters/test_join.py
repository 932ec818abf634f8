"""The batch joiner: what it refuses, what it renumbers, what it keeps once; the read-back check."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from broker_audit.errors import BatchCheckFailed, BrokerAuditError, ExitCode, JoinError
from broker_audit.letters import batch_pdf, pdf
from broker_audit.letters.document import Document
from broker_audit.letters.join import StreamingJoiner, check_joined, join_pdfs, read_chunk

from .helpers import make_doc

NAMES = ["María José Núñez Peña", "Nguyễn Thị Minh Khai", "Zoë Løvås-Ørsted", "Trần Văn Đức"]


def _docs(n: int, first: int = 0) -> list[Document]:
    return [
        make_doc(
            paragraphs=1 + i % 4,
            words=70,
            reference=f"REF-{first + i:04d}",
            recipient=(f"{NAMES[i % 4]} #{first + i}", "1200 Calle Olvera Apt 4B", "Los Angeles, CA 90012"),
        )
        for i in range(n)
    ]


def _chunk(docs: list[Document]) -> bytes:
    out = io.BytesIO()
    pdf.write_documents(docs, out, start_on_odd=True, shared_fonts=True)
    return out.getvalue()


def _join(chunks: list[bytes], path: Path) -> int:
    with open(path, "wb") as out:
        joiner = StreamingJoiner(out, start_on_odd=True)
        for chunk in chunks:
            joiner.append(chunk)
        pages = joiner.finish()
    return check_joined(path, pages)


def _with_xref(body: bytes) -> bytes:
    """A PDF's objects (as reportlab wrote them, perhaps edited) with a new, correct xref table."""
    head_end = body.index(b"\n", body.index(b"\n") + 1) + 1
    objects = body[: body.rindex(b"\nxref\n") + 1]
    trailer = body[body.rindex(b"trailer") : body.rindex(b"startxref")]
    heads = re.compile(rb"(?m)^(\d+) 0 obj").finditer(objects, head_end)
    offsets = {int(m.group(1)): m.start(1) for m in heads}
    size = max(offsets) + 1
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size
    xref += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    return objects + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % len(objects)


def _edit_first_page(chunk: bytes, insert: bytes) -> bytes:
    """Put `insert` at the start of the first page's dictionary, then fix the xref."""
    at = re.search(rb"\d+ 0 obj\n<<\n(?=/Contents)", chunk)
    assert at is not None
    return _with_xref(chunk[: at.end()] + insert + chunk[at.end() :])


# --------------------------------------------------------------------------- refusals


def _canvas_pdf(draw: object, **options: object) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    pdf.register_fonts()
    out = io.BytesIO()
    canv = Canvas(out, **options)  # type: ignore[arg-type]
    canv.setCreator(pdf.CREATOR)
    canv.setFont(pdf.FONT, 10)
    canv.drawString(72, 720, "Hello")
    draw(canv)  # type: ignore[operator]
    canv.showPage()
    canv.save()
    return out.getvalue()


def _outlined(canv: object) -> None:
    canv.bookmarkPage("p1")  # type: ignore[attr-defined]
    canv.addOutlineEntry("Letter 1", "p1")  # type: ignore[attr-defined]


def _form_field(canv: object) -> None:
    canv.acroForm.textfield(name="signature", x=72, y=600, width=200, height=20)  # type: ignore[attr-defined]


def _incremental(chunk: bytes) -> bytes:
    """`chunk` with an incremental update appended: a changed info dictionary."""
    startxref = int(chunk[chunk.rindex(b"startxref") + 9 :].split()[0])
    trailer = chunk[chunk.rindex(b"trailer") : chunk.rindex(b"startxref")]
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    size = re.search(rb"/Size (\d+)", trailer)
    assert root and size
    new = int(size.group(1))
    update = b"%d 0 obj\n<< /Creator (broker-audit) /Title (changed) >>\nendobj\n" % new
    xref_at = len(chunk) + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (new, len(chunk))
    update += b"trailer\n<< /Size %d /Root %s 0 R /Info %d 0 R /Prev %d >>\n" % (
        new + 1,
        root.group(1),
        new,
        startxref,
    )
    return chunk + update + b"startxref\n%d\n%%%%EOF\n" % xref_at


def _misplace_first_object(chunk: bytes) -> bytes:
    """The xref entry of object 1 one byte off."""
    row = re.compile(rb"xref\n0 \d+\n0000000000 65535 f \n(\d{10})").search(chunk)
    assert row is not None
    wrong = b"%010d" % (int(row.group(1)) + 1)
    return chunk[: row.start(1)] + wrong + chunk[row.end(1) :]


REFUSALS = {
    "encrypted": (lambda: _canvas_pdf(lambda c: None, encrypt="secret"), "the chunk is encrypted"),
    "incremental": (lambda: _incremental(_chunk(_docs(2))), "the chunk was updated incrementally"),
    "outlined": (lambda: _canvas_pdf(_outlined), "the chunk has outlines"),
    "form fields": (lambda: _canvas_pdf(_form_field), "the chunk has form fields"),
    "someone else's": (
        lambda: _chunk(_docs(1)).replace(b"/Creator (broker-audit)", b"/Creator (other-tool-x)"),
        "not drawn by broker-audit",
    ),
    "xref stream": (lambda: b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\nstartxref\n9\n%%EOF\n", "xref stream"),
    "misplaced object": (lambda: _misplace_first_object(_chunk(_docs(1))), "does not point at object 1"),
    "stream length": (
        lambda: _with_xref(re.sub(rb"/Length (\d+)", rb"/Length 1\1", _chunk(_docs(1)), count=1)),
        "is not as long as its /Length says",
    ),
    "inherited page attributes": (
        lambda: _with_xref(_chunk(_docs(1)).replace(b"/Type /Pages", b"/Rotate 0 /Type /Pages", 1)),
        "inherited attributes",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_joiner_refuses_what_it_cannot_copy_faithfully(case: str, tmp_path: Path) -> None:
    make, reason = REFUSALS[case]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(make())
    with pytest.raises(JoinError) as caught:
        join_pdfs([bad], tmp_path / "out.pdf")
    assert reason in caught.value.message
    assert isinstance(caught.value, BrokerAuditError) and caught.value.exit_code == ExitCode.INTEGRITY


def test_our_own_chunks_pass_and_qpdf_grade_readers_agree(tmp_path: Path) -> None:
    chunks = [_chunk(_docs(5)), _chunk(_docs(4, first=5))]
    read_chunk(chunks[0])  # no refusal
    path = tmp_path / "joined.pdf"
    pages = _join(chunks, path)
    reader = PdfReader(str(path), strict=True)
    assert len(reader.pages) == pages
    text = " ".join(page.extract_text() for page in reader.pages)
    assert all(f"REF-{i:04d}" in text for i in range(9))


# --------------------------------------------------------------------------- renumbering


def test_a_string_holding_stream_and_a_newline_leaves_no_reference_unshifted(tmp_path: Path) -> None:
    """The page dictionary opens with a string that holds `>> stream` and a newline, and one with
    nested and escaped parentheses around what looks like a reference: every real reference after
    them is renumbered, and the strings are copied unchanged."""
    strings = b"/BA_Note (a >> stream\n here) /BA_Other (keep 5 0 R (nested) \\) intact) "
    first = _chunk(_docs(3))
    second = _edit_first_page(_chunk(_docs(3, first=3)), strings)
    path = tmp_path / "joined.pdf"
    _join([first, second], path)
    data = path.read_bytes()
    assert data.count(strings) == 1
    reader = PdfReader(str(path), strict=True)
    edited = next(p for p in reader.pages if "/BA_Note" in p)
    assert "REF-0003" in edited.extract_text()  # its own contents, not the first chunk's
    assert edited["/Parent"]["/Type"] == "/Pages" and edited["/Parent"]["/Count"] >= 1
    assert edited["/BA_Other"] == "keep 5 0 R (nested) ) intact"


def test_fonts_and_repeated_paragraphs_are_written_once_for_the_whole_batch(tmp_path: Path) -> None:
    docs = _docs(24)
    path = tmp_path / "batch.pdf"
    result = batch_pdf.write_batch_pdf(docs, path, workers=2, chunk_size=6)
    data = path.read_bytes()
    assert result.chunks == 4 and result.shared_objects > 0
    single = io.BytesIO()
    pdf.write_documents(docs, single, start_on_odd=True, shared_fonts=True)
    one = single.getvalue()
    # the same font programs and paragraph forms as when drawn as one PDF, not one set per chunk
    assert data.count(b"/FontFile2") == one.count(b"/FontFile2") == 4  # 2 faces x 2 shared subsets
    assert data.count(b"/Subtype /Form") <= one.count(b"/Subtype /Form") + 3
    assert len(data) <= len(one) * 1.03


def test_letters_of_the_same_length_share_one_page_count_form(tmp_path: Path) -> None:
    docs = _docs(12)
    out = io.BytesIO()
    pdf.write_documents(docs, out)
    data = out.getvalue()
    assert not re.search(rb"FormXob\.ba_pages_\d+ \d+ 0 obj", data)
    totals = set(re.findall(rb"/FormXob\.ba_pages_\d+ (\d+) 0 R", data))
    reader = PdfReader(io.BytesIO(data))
    lengths = {m.group(1) for p in reader.pages if (m := re.search(r"Page \d+ of\s*(\d+)", p.extract_text()))}
    assert len(totals) == len(lengths) <= 2
    assert all(re.search(r"Page 1 of\s*[12]", reader.pages[i].extract_text()) for i in range(1))


def test_a_paragraph_used_once_in_a_pdf_is_drawn_plainly_whatever_came_before() -> None:
    repeated = make_doc(paragraphs=3, words=50)  # three equal paragraphs: forms
    out = io.BytesIO()
    pdf.write_documents([repeated], out)
    assert b"ba_para" in out.getvalue()
    once = make_doc(paragraphs=1, words=50)  # the same paragraph, once, in a new PDF
    out = io.BytesIO()
    pdf.write_documents([once], out)
    assert b"ba_para" not in out.getvalue()


# --------------------------------------------------------------------------- the read-back check


def _joined(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "joined.pdf"
    return path, _join([_chunk(_docs(4)), _chunk(_docs(3, first=4))], path)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: d[:-40], "no trailer"),
        (
            lambda d: re.sub(rb"(\nxref\n0 \d+\n.{20})(\d)", lambda m: m.group(1) + b"9", d, flags=re.S),
            "object 1",
        ),
        (lambda d: d.replace(b"/Type /Page\n", b"/Type /Pagx\n", 1), "is not a page"),
        (
            lambda d: re.sub(
                rb"/Count (\d+) /Kids", lambda m: b"/Count %d /Kids" % (int(m.group(1)) + 1), d, count=1
            ),
            "",
        ),
    ],
)
def test_the_read_back_check_finds_damage(tmp_path: Path, damage: object, reason: str) -> None:
    path, pages = _joined(tmp_path)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(BatchCheckFailed) as caught:
        check_joined(path, pages)
    assert reason in caught.value.message and "failed its read-back check" in caught.value.message


def test_the_read_back_check_counts_pages(tmp_path: Path) -> None:
    path, pages = _joined(tmp_path)
    assert check_joined(path, pages) == pages == len(PdfReader(str(path)).pages)
    with pytest.raises(BatchCheckFailed, match=f"{pages} pages where {pages + 2} were written"):
        check_joined(path, pages + 2)


# --------------------------------------------------------------------------- workers


def test_workers_default_to_the_usable_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert batch_pdf.usable_cores() == 3
    monkeypatch.setattr(os, "process_cpu_count", lambda: 6, raising=False)
    assert batch_pdf.usable_cores() == 6
    monkeypatch.setattr(os, "process_cpu_count", lambda: None, raising=False)
    assert batch_pdf.usable_cores() == 1
