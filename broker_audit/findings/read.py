"""The text of an answer: an e-mail body, a text PDF, a scanned PDF or a photo (by OCR).

Everything happens in memory. A PDF is read with pypdf; a page whose text layer is empty (or
nearly: a scan with a stray header) is read by OCR when it is available. What could not be read
is listed with the reason, never dropped in silence, and never an error.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from broker_audit.cleantext import clean_lines
from broker_audit.findings.ocr import INSTALL_HINT, OcrFailed, OcrStatus, ocr_image, pdf_page_image

if TYPE_CHECKING:
    from pypdf import PdfReader

# A page with fewer letters than this in its text layer is taken for a scan.
MIN_TEXT_LETTERS = 25
MAX_PAGES = 200  # beyond this a PDF is read up to here and the rest listed as skipped
TextSourceName = str


@dataclass(frozen=True)
class ReadPart:
    name: str
    source: TextSourceName  # email-body, text, pdf-text, ocr
    pages: tuple[str, ...]
    sha256: str = ""
    ocr_pages: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return "\f".join(self.pages)


@dataclass
class ReadResult:
    """What was read from one reply (filled part by part)."""

    parts: list[ReadPart] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    ocr_used: bool = False


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text_file(name: str, data: bytes) -> ReadPart:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    return ReadPart(name, "text", (clean_lines(text),), _digest(data))


def read_pdf(name: str, data: bytes, ocr: OcrStatus) -> tuple[ReadPart | None, list[tuple[str, str]], bool]:
    """The PDF's text page by page: its text layer, or OCR where a page has none.

    Returns the part (None when nothing could be read), what was skipped and whether OCR ran."""
    opened = _open_pdf(name, data)
    if isinstance(opened, str):
        return None, [(name, opened)], False
    reader, count = opened
    skipped: list[tuple[str, str]] = []
    pages: list[str] = []
    need_ocr: list[int] = []
    for index in range(min(count, MAX_PAGES)):
        try:
            # Layout mode keeps a table's columns on one line, as printed.
            text = reader.pages[index].extract_text(extraction_mode="layout") or ""
        except Exception:  # a damaged page: treat it as a scan
            text = ""
        pages.append(clean_lines(text))
        if _letters(text) < MIN_TEXT_LETTERS:
            need_ocr.append(index)
    if count > MAX_PAGES:
        skipped.append((name, f"pages {MAX_PAGES + 1}-{count} not read (only the first {MAX_PAGES})"))
    ocr_pages = _ocr_pages(name, data, ocr, need_ocr, pages, skipped) if need_ocr else []
    if not any(_letters(p) for p in pages):
        return None, skipped or [(name, "no text found")], bool(ocr_pages)
    source = "ocr" if ocr_pages and len(ocr_pages) == len(pages) else "pdf-text"
    return ReadPart(name, source, tuple(pages), _digest(data), tuple(ocr_pages)), skipped, bool(ocr_pages)


def _open_pdf(name: str, data: bytes) -> tuple[PdfReader, int] | str:
    """(the pypdf reader, its page count), or why the PDF cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                return "the PDF is password-protected: open it and save an unprotected copy"
        return reader, len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return f"not a readable PDF ({type(exc).__name__})"


def _ocr_pages(
    name: str,
    data: bytes,
    ocr: OcrStatus,
    need_ocr: list[int],
    pages: list[str],
    skipped: list[tuple[str, str]],
) -> list[int]:
    """Read the pages in `need_ocr` (no text layer) by OCR into `pages`; returns the pages read
    so (1-based). What could not be read is said in `skipped`."""
    why = ocr.pdf_missing()
    if why:
        skipped.append(
            (name, f"{_page_list(need_ocr)} look scanned and were not read: {why}; {INSTALL_HINT}")
        )
        return []
    import pypdfium2

    ocr_pages: list[int] = []
    document = pypdfium2.PdfDocument(data)
    try:
        for index in need_ocr:
            try:
                pages[index] = clean_lines(ocr_image(ocr, pdf_page_image(document, index)))
                ocr_pages.append(index + 1)
            except OcrFailed as exc:
                skipped.append((name, f"page {index + 1} not read: {exc}"))
    finally:
        document.close()
    return ocr_pages


def _page_list(indexes: list[int]) -> str:
    if len(indexes) == 1:
        return f"page {indexes[0] + 1}"
    listed = ", ".join(str(i + 1) for i in indexes[:8])
    return f"{len(indexes)} pages ({listed}{'...' if len(indexes) > 8 else ''})"


def read_image(name: str, data: bytes, ocr: OcrStatus) -> tuple[ReadPart | None, list[tuple[str, str]]]:
    if not ocr.ready:
        return None, [(name, f"a photo or scan, not read: {ocr.missing}; {INSTALL_HINT}")]
    try:
        text = ocr_image(ocr, data)
    except OcrFailed as exc:
        return None, [(name, f"not read: {exc}")]
    if not _letters(text):
        return None, [(name, "OCR found no text in the image")]
    return ReadPart(name, "ocr", (clean_lines(text),), _digest(data), (1,)), []


IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif", "image/bmp", "image/webp"})


def read_document(name: str, content_type: str, data: bytes, ocr: OcrStatus, result: ReadResult) -> None:
    """Read one attachment or file into `result` (its part, or why it was skipped)."""
    kind = content_type.lower()
    lower = name.lower()
    if kind == "application/pdf" or lower.endswith(".pdf") or data.startswith(b"%PDF-"):
        part, skipped, used = read_pdf(name, data, ocr)
        result.skipped.extend(skipped)
        if part is not None:
            result.parts.append(part)
        result.ocr_used = result.ocr_used or used
    elif kind in IMAGE_TYPES or lower.endswith((".jpg", ".jpeg", ".png", ".tif", ".tiff")):
        part, skipped = read_image(name, data, ocr)
        result.skipped.extend(skipped)
        if part is not None:
            result.parts.append(part)
            result.ocr_used = True
    elif kind.startswith("text/") or lower.endswith((".txt", ".csv")):
        result.parts.append(read_text_file(name, data))
    else:
        result.skipped.append((name, f"a {content_type or 'file'} attachment: no text to read"))
