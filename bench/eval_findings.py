"""Precision and recall of proposed findings on the fixture set. Prints; never asserted.

    python bench/eval_findings.py [--modes text,pdf,scan]

The set (tests/findings/docs.py and heldout.py) is answers written for the tests in the layouts
brokers use, each with the findings a careful reader takes from it (kind and who: the matched
registry or directory entry, else the folded name; the category; the verdict). `docs.py` is the
development half (the rules were written against it); `heldout.py` was written after the rules
were frozen. A proposed finding counts as right when its (kind, key) is in the truth; findings
are deduplicated per answer by that key. Modes: `text` (the answer as plain text, as an e-mail
body), `pdf` (drawn as a text PDF and read back), `scan` (that PDF rasterised and read by OCR).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "findings")]


def keys_of(found: list) -> set[tuple[str, str]]:
    from broker_audit.findings.names import fold

    return {
        (f.kind, f.matched or (f.value if f.kind in ("holds", "verdict") else fold(f.value)))
        for f in found
        if f.kind != "compliance"
    }


def parts_of(doc, mode: str, ocr) -> list[tuple[str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    import docs
    from broker_audit.findings.read import ReadResult, read_document

    if mode == "text":
        return [("body", (doc.text(),))]
    data = docs.pdf_bytes(doc) if mode == "pdf" else docs.scanned_pdf_bytes(doc)
    result = ReadResult()
    read_document(f"{doc.name}.pdf", "application/pdf", data, ocr, result)
    return [(p.name, p.pages) for p in result.parts]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="text,pdf,scan")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    import heldout

    import docs
    from broker_audit.findings.extract import propose
    from broker_audit.findings.ocr import availability
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.findings import name_directory

    directory = name_directory(shipped_registry()).names
    ocr = availability()
    for mode in args.modes.split(","):
        if mode == "scan" and (not ocr.ready or not ocr.can_rasterise):
            print(f"{mode}: skipped ({ocr.pdf_missing()})")
            continue
        for label, docset in (("development", docs.ALL), ("held-out", heldout.HELD_OUT)):
            tp = fp = fn = 0
            for doc in docset:
                found = keys_of(propose(parts_of(doc, mode, ocr), directory, today=dt.date(2026, 12, 1)))
                tp += len(found & doc.expected)
                fp += len(found - doc.expected)
                fn += len(doc.expected - found)
                if args.verbose and found != doc.expected:
                    missed, extra = sorted(doc.expected - found), sorted(found - doc.expected)
                    print(f"  {mode} {doc.name}: missed {missed}; extra {extra}")
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            print(
                f"{mode:5} {label:12} answers {len(docset)}  truth {tp + fn:3}  proposed {tp + fp:3}  "
                f"right {tp:3}  precision {precision:.2f}  recall {recall:.2f}"
            )


if __name__ == "__main__":
    main()
