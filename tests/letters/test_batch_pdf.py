"""Clinic batch PDFs: chunks drawn by worker processes, joined in order, read back with pypdf."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from broker_audit.letters import batch_pdf
from broker_audit.letters.document import Document

from .helpers import make_doc

CLIENTS = ["María José Núñez Peña", "Nguyễn Thị Minh Khai", "Zoë Løvås-Ørsted", "Trần Văn Đức"]


def _docs(n: int) -> list[Document]:
    """n letters of one or two pages, each with its own reference and client on page one."""
    docs = []
    for i in range(n):
        client = CLIENTS[i % len(CLIENTS)]
        docs.append(
            make_doc(
                paragraphs=1 if i % 3 else 7,
                words=90 if i % 3 == 0 else 40,
                reference=f"REF-{i:04d}",
                recipient=(f"{client} #{i}", "1200 Calle Olvera Apt 4B", "Los Angeles, CA 90012"),
            )
        )
    return docs


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty output folder (tmp_path also holds the test's home)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.slow
def test_batch_reads_back_with_each_letter_on_an_odd_first_page(out: Path) -> None:
    docs = _docs(240)
    seen: list[int] = []
    path = out / "batch.pdf"
    result = batch_pdf.write_batch_pdf(iter(docs), path, workers=2, chunk_size=23, progress=seen.append)
    reader = PdfReader(str(path), strict=True)
    texts = _texts(reader)
    assert result.pages == len(reader.pages)
    assert result.documents == len(docs) == len(result.first_pages)
    assert result.chunks == -(-len(docs) // 23)
    assert all(page % 2 == 1 for page in result.first_pages)
    assert result.first_pages == sorted(result.first_pages)
    for doc, first in zip(docs, result.first_pages, strict=True):
        text = texts[first - 1]
        assert f"Reference: {doc.reference}" in text
        assert doc.recipient[0] in text
        assert "Page 1 of" in text
    starts = set(result.first_pages)
    for number, text in enumerate(texts, start=1):  # a page that starts no letter continues one or is blank
        if number not in starts and text.strip():
            assert re.search(r"Page 2 of\s*2", text)
    assert seen == sorted(seen) and seen[-1] == len(docs)
    assert path.stat().st_mode & 0o077 == 0
    assert _leftovers(out) == []


def test_without_start_on_odd_letters_follow_each_other(out: Path) -> None:
    docs = _docs(30)
    path = out / "batch.pdf"
    result = batch_pdf.write_batch_pdf(docs, path, workers=1, chunk_size=7, start_on_odd=False)
    reader = PdfReader(str(path))
    lengths = [
        b - a for a, b in zip(result.first_pages, [*result.first_pages[1:], result.pages + 1], strict=True)
    ]
    assert set(lengths) <= {1, 2} and result.pages == len(reader.pages)
    assert all("Reference: REF-" in t for t in _texts(reader) if "Page 1 of" in t)


def test_documents_are_read_lazily(out: Path) -> None:
    pulled = 0

    def docs() -> Iterator[Document]:
        nonlocal pulled
        for doc in _docs(200):
            pulled += 1
            yield doc

    at_first_progress: list[int] = []

    def progress(n: int) -> None:
        if not at_first_progress:
            at_first_progress.append(pulled)

    batch_pdf.write_batch_pdf(docs(), out / "b.pdf", workers=2, chunk_size=10, progress=progress)
    assert pulled == 200
    assert at_first_progress[0] <= (2 + 2 + 1) * 10  # a few chunks in flight, never the whole batch


def _broken(doc: Document) -> Document:
    return replace(doc, subject=None)  # type: ignore[arg-type]  # drawing it raises in the worker


def test_a_failing_worker_leaves_no_pdf_and_no_chunks(out: Path) -> None:
    docs = _docs(120)
    docs[77] = _broken(docs[77])
    path = out / "batch.pdf"
    with pytest.raises((AttributeError, TypeError)):
        batch_pdf.write_batch_pdf(docs, path, workers=2, chunk_size=10)
    assert list(out.iterdir()) == []


def test_a_failure_keeps_the_previous_pdf(out: Path) -> None:
    path = out / "batch.pdf"
    batch_pdf.write_batch_pdf(_docs(5), path, workers=1)
    before = path.read_bytes()
    docs = _docs(40)
    docs[-1] = _broken(docs[-1])
    with pytest.raises((AttributeError, TypeError)):
        batch_pdf.write_batch_pdf(docs, path, workers=2, chunk_size=8)
    assert path.read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["batch.pdf"]


def test_an_interrupt_in_the_document_stream_cleans_up(out: Path) -> None:
    def docs() -> Iterator[Document]:
        yield from _docs(45)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch_pdf.write_batch_pdf(docs(), out / "batch.pdf", workers=2, chunk_size=10)
    assert list(out.iterdir()) == []


def test_empty_batch_is_refused_and_leaves_nothing(out: Path) -> None:
    with pytest.raises(ValueError):
        batch_pdf.write_batch_pdf([], out / "batch.pdf", workers=1)
    assert list(out.iterdir()) == []


def _form_placements(reader: PdfReader, page_index: int) -> list[tuple[float, float]]:
    """Where each cached paragraph form is drawn on a page: the translation just before its Do."""
    from pypdf.generic import ContentStream

    page = reader.pages[page_index]
    last: list[float] = [1, 0, 0, 1, 0, 0]
    placed = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"cm":
            last = [float(v) for v in operands]
        elif operator == b"Do" and str(operands[0]).startswith("/FormXob.ba_para"):
            placed.append((last[4], last[5]))
    return placed


def test_repeated_paragraphs_are_forms_placed_in_the_body(out: Path) -> None:
    """Repeated paragraphs are drawn once per PDF as forms, at the left margin, below the window.

    (pypdf's text visitor reports text inside a form in the form's own coordinates, so the
    placement is read from the page's content stream; poppler's pdftotext -bbox agrees.)
    """
    docs = _docs(12)
    path = out / "batch.pdf"
    result = batch_pdf.write_batch_pdf(docs, path, workers=2, chunk_size=5)
    reader = PdfReader(str(path))
    for doc, first in list(zip(docs, result.first_pages, strict=True))[-3:]:
        placed = _form_placements(reader, first - 1)
        assert placed, "the body paragraphs repeat across letters, so they are forms"
        assert all(x == 72 and 72 <= y <= 11 * 72 - 3.55 * 72 for x, y in placed)
        text = reader.pages[first - 1].extract_text()
        assert text.index(doc.subject) < text.index("Please disclose the categories")


def test_one_pdf_per_group(out: Path) -> None:
    docs = _docs(9)
    groups = [("C-001", docs[:3]), ("C-001", docs[3:5]), ("../évil name", docs[5:])]
    seen: list[int] = []
    result = batch_pdf.write_pdf_per_group(iter(groups), out / "split", workers=2, progress=seen.append)
    names = [p.name for p in result.paths]
    assert names == ["C-001.pdf", "C-001-2.pdf", "vil-name.pdf"]
    assert all(p.parent == out / "split" for p in result.paths)
    total = 0
    for path, (_, group) in zip(result.paths, groups, strict=True):
        reader = PdfReader(str(path))
        total += len(reader.pages)
        texts = _texts(reader)
        assert all(f"Reference: {d.reference}" in "".join(texts) for d in group)
        assert os.stat(path).st_mode & 0o077 == 0
    assert result.pages == total and result.documents == 9 and seen[-1] == 9
    assert all(page % 2 == 1 for firsts in result.first_pages.values() for page in firsts)
    assert _leftovers(out / "split") == []


def test_one_pdf_per_group_failure_adds_no_file(out: Path) -> None:
    docs = _docs(6)
    groups = [("a", docs[:3]), ("b", [*docs[3:], _broken(docs[0])])]
    with pytest.raises((AttributeError, TypeError)):
        batch_pdf.write_pdf_per_group(groups, out, workers=2)
    assert list(out.iterdir()) == []


def test_join_refuses_a_pdf_it_cannot_copy(out: Path) -> None:
    bad = out / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\nstartxref\n9\n%%EOF\n")
    with pytest.raises(batch_pdf.JoinError):
        batch_pdf.join_pdfs([bad], out / "out.pdf")
