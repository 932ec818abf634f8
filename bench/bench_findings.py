"""Findings figures: reading answers and proposing findings, per page, text and scanned PDFs.
Prints; never asserted.

    python bench/bench_findings.py [--text-pages 40] [--scan-pages 6] [--runs 3]

A long disclosure report (the test fixture's sections repeated, each page with its own
recipients and sources, as a 40-page consumer report has) is drawn as a text PDF and, rasterised
at 200 dpi, as a scanned one. For each: wall time of `read_document` + `propose` (median of the
runs, without tracemalloc), pages/s and findings/s, Python's peak allocation in one more run
(tracemalloc) and the
process's peak RSS; for OCR also the Tesseract child's peak RSS (one thread, 300 dpi).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "findings")]


def long_report(pages: int):  # type: ignore[no-untyped-def]
    import docs

    rows: list[object] = [docs.H("CONSUMER DISCLOSURE REPORT"), docs.T("Enclosed is a copy of your report.")]
    body = [r for r in docs.LEXIS_REPORT.rows[3:] if not (isinstance(r, docs.H) and r.text == "Your Rights")]
    body = [r for r in body if not (isinstance(r, docs.T) and r.text.startswith("You have the right"))]
    for page in range(pages):
        rows += body
        # each page names its own agencies, as a long report does
        rows.append(docs.R((f"County Agency Number {page}", f"0{1 + page % 9}/1{page % 9}/2025", "Review")))
        rows.append(docs.T(f"Source: Records Office Number {page}"))
    return docs.Doc("long-report", "en", tuple(rows))  # type: ignore[arg-type]


def measure(name: str, data: bytes, ocr, directory, runs: int) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    from broker_audit.findings.extract import propose
    from broker_audit.findings.read import ReadResult, read_document

    pages = len(PdfReader(io.BytesIO(data)).pages)
    times, peaks, found = [], [], 0
    warm = ReadResult()  # imports and compiled patterns are not the figure
    read_document("warm.pdf", "application/pdf", data if name == "text" else b"", ocr, warm)
    propose([("warm", ("Source: Weld County Sheriff",))], directory, today=dt.date(2026, 12, 1))

    def once() -> tuple[float, int]:
        start = time.perf_counter()
        result = ReadResult()
        read_document("report.pdf", "application/pdf", data, ocr, result)
        findings = propose([(p.name, p.pages) for p in result.parts], directory, today=dt.date(2026, 12, 1))
        assert not result.skipped, result.skipped
        return time.perf_counter() - start, len(findings)

    for _ in range(runs):  # timed without tracemalloc, which slows allocation-heavy parsing 5-10x
        took, found = once()
        times.append(took)
    tracemalloc.start()  # one more run for Python's peak allocation
    once()
    peaks.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    wall = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{name:5}: {pages:3} pages, {len(data) / 1e6:6.2f} MB, {found:4} findings, median {wall:7.2f} s "
        f"= {pages / wall:7.2f} pages/s, {found / wall:8.1f} findings/s; python peak "
        f"{statistics.median(peaks) / 1e6:6.1f} MB, process RSS {rss:6.1f} MB, children RSS {child:6.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text-pages", type=int, default=40)
    parser.add_argument("--scan-pages", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import docs
    from broker_audit.findings.ocr import availability
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.findings import name_directory

    start = time.perf_counter()
    directory = name_directory(shipped_registry()).names
    print(f"name directory: {len(directory.entries)} entries, built in {time.perf_counter() - start:.2f} s")
    ocr = availability()
    text_pdf = docs.pdf_bytes(long_report(round(args.text_pages / 1.45)))
    measure("text", text_pdf, ocr, directory, args.runs)
    if not ocr.ready or not ocr.can_rasterise:
        print(f"scan : skipped ({ocr.pdf_missing()})")
        return
    scan_pdf = docs.scanned_pdf_bytes(long_report(max(1, round(args.scan_pages / 1.45))))
    measure("scan", scan_pdf, ocr, directory, args.runs)
    print(f"OCR: {ocr.engine}, one thread per page (OMP_THREAD_LIMIT=1)")


if __name__ == "__main__":
    main()
