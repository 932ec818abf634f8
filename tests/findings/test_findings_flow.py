"""From a kept reply to confirmed findings: text PDF, scanned PDF, e-mail body, Spanish and English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import NO_OCR, TODAY, Requester, keep_reply, ocr_or_skip

import docs
from broker_audit.errors import UserError
from broker_audit.findings.ocr import OcrStatus
from broker_audit.services import VaultAccess
from broker_audit.services.findings import FindingsReport, review_findings, show_findings
from broker_audit.services.resources import Resources


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _keys(report: FindingsReport) -> set[tuple[str, str]]:
    from broker_audit.findings.names import fold

    return {
        (
            c.finding.kind,
            c.finding.matched
            or (c.finding.value if c.finding.kind in ("holds", "verdict") else fold(c.finding.value)),
        )
        for c in report.findings
        if c.finding.kind != "compliance"
    }


def _show(access: VaultAccess, request_id: int, ocr: OcrStatus, **kw: object) -> FindingsReport:
    return show_findings(access, request_id, resources=Resources(), today=TODAY, ocr=ocr, **kw)  # type: ignore[arg-type]


def _finding(report: FindingsReport, kind: str, key: str) -> object:
    return next(
        c.finding
        for c in report.findings
        if c.finding.kind == kind and (c.finding.matched == key or c.finding.value == key)
    )


def test_text_pdf_disclosure_yields_its_findings_with_their_lines(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    request_id = make_request("lexisnexis")
    keep_reply(
        access,
        request_id,
        _write(tmp_path, "report.pdf", docs.pdf_bytes(docs.LEXIS_REPORT)),
        dt.date(2026, 4, 10),
    )
    report = _show(access, request_id, NO_OCR)
    assert _keys(report) == docs.LEXIS_REPORT.expected
    assert all(c.status == "proposed" for c in report.findings)
    ice = _finding(report, "recipient", "agency:us-ice")
    assert ice.role == "immigration-enforcement"  # type: ignore[attr-defined]
    assert ice.on == dt.date(2026, 3, 14)  # type: ignore[attr-defined]
    assert ice.line.startswith("U.S. Immigration and Customs Enforcement")  # type: ignore[attr-defined]
    assert "03/14/2026" in ice.line and ice.page == 1  # type: ignore[attr-defined]
    sheriff = _finding(report, "source", "agency:sheriff-weld")
    assert sheriff.line == "Source: Weld County Sheriff's Office"  # type: ignore[attr-defined]
    assert sheriff.role == "law-enforcement"  # type: ignore[attr-defined]
    (reading,) = report.readings
    assert reading.parts == (("report.pdf", "pdf-text", 1, ()),) and reading.skipped == ()


def test_scanned_pdf_disclosure_is_read_by_ocr(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    ocr = ocr_or_skip()
    request_id = make_request("transunion")
    scan = docs.scanned_pdf_bytes(docs.APPRISS_REPORT_ES)
    keep_reply(access, request_id, _write(tmp_path, "escaneo.pdf", scan), dt.date(2026, 4, 20))
    report = _show(access, request_id, ocr)
    assert _keys(report) == docs.APPRISS_REPORT_ES.expected
    (reading,) = report.readings
    assert reading.parts[0][1] == "ocr" and reading.parts[0][3] == (1,)
    assert reading.ocr_engine.startswith("tesseract")
    ice = _finding(report, "recipient", "agency:us-ice")
    assert ice.on == dt.date(2026, 2, 4)  # type: ignore[attr-defined]  # 04/02/2026 in a Spanish report
    assert "Inmigraci" in ice.line  # type: ignore[attr-defined]
    sheriff = _finding(report, "source", "agency:sheriff-adams")
    assert sheriff.line.startswith("Fuente: Oficina del Sheriff del Condado de Adams")  # type: ignore[attr-defined]


def test_scanned_english_disclosure_yields_the_same_findings_as_its_text(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    ocr = ocr_or_skip()
    request_id = make_request("lexisnexis")
    keep_reply(
        access,
        request_id,
        _write(tmp_path, "scan.pdf", docs.scanned_pdf_bytes(docs.LEXIS_REPORT)),
        dt.date(2026, 4, 10),
    )
    report = _show(access, request_id, ocr)
    assert _keys(report) == docs.LEXIS_REPORT.expected


def test_without_ocr_a_scan_is_listed_as_skipped_with_what_to_install(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    request_id = make_request("lexisnexis")
    keep_reply(
        access,
        request_id,
        _write(tmp_path, "scan.pdf", docs.scanned_pdf_bytes(docs.LEXIS_REPORT)),
        dt.date(2026, 4, 10),
    )
    report = _show(access, request_id, NO_OCR)
    assert report.findings == []
    (reading,) = report.readings
    ((name, why),) = reading.skipped
    assert name == "scan.pdf"
    assert why == (
        "page 1 look scanned and were not read: Tesseract is not installed; install the OCR extra: "
        "`bash scripts/install.sh ocr` (Tesseract with English and Spanish)"
    )
    assert report.ocr_missing == "Tesseract is not installed"


def test_email_body_and_review(access: VaultAccess, make_request: Requester, tmp_path: Path) -> None:
    request_id = make_request("spokeo")
    eml = (
        "From: privacy@spokeo.com\nTo: me@example.org\nSubject: Your request to know\n"
        "Message-ID: <r1@spokeo.com>\nContent-Type: text/plain; charset=utf-8\n\n" + docs.CCPA_EMAIL.text()
    ).encode()
    keep_reply(access, request_id, _write(tmp_path, "answer.eml", eml), dt.date(2026, 2, 1))
    report = _show(access, request_id, NO_OCR)
    assert _keys(report) == docs.CCPA_EMAIL.expected
    assert report.readings[0].parts == (("body", "email-body", 1, ()),)
    numbers = {c.finding.value: c.finding.n for c in report.findings}
    police = numbers["Law enforcement agencies"]
    landlords = numbers["Landlords and property managers"]
    reviewed = review_findings(access, request_id, resources=Resources(), accept=[police], reject=[landlords])
    status = {c.finding.n: c.status for c in reviewed.findings}
    assert status[police] == "accepted" and status[landlords] == "rejected"
    assert sum(s == "proposed" for s in status.values()) == len(status) - 2
    with pytest.raises(UserError, match="has no finding 999"):
        review_findings(access, request_id, resources=Resources(), accept=[999])
