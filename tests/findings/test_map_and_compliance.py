"""Confirmed findings in the audit map (HTML, with evidence links), unconfirmed ones nowhere; the
compliance watch; the evidence packet's flag; the complaint `followup` drafts from a finding."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import NO_OCR, TODAY, Requester, keep_reply

import docs
from broker_audit.services import VaultAccess
from broker_audit.services.audit import run_audit
from broker_audit.services.findings import FindingsReport, review_findings, show_findings
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import mark

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _pdf(tmp_path: Path, name: str, doc: docs.Doc) -> Path:
    path = tmp_path / name
    path.write_bytes(docs.pdf_bytes(doc))
    return path


def _n(report: FindingsReport, kind: str, value: str) -> int:
    return next(
        c.finding.n
        for c in report.findings
        if c.finding.kind == kind and value in (c.finding.value, c.finding.matched)
    )


def test_confirmed_findings_are_in_the_html_map_with_evidence_links_and_unconfirmed_are_not(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    request_id = make_request("lexisnexis")
    keep_reply(access, request_id, _pdf(tmp_path, "report.pdf", docs.LEXIS_REPORT), dt.date(2026, 4, 10))
    report = show_findings(access, request_id, resources=Resources(), today=TODAY, ocr=NO_OCR)
    ice, sheriff = _n(report, "recipient", "agency:us-ice"), _n(report, "source", "agency:sheriff-weld")
    police = _n(report, "recipient", "Denver Police Department")
    acme = _n(report, "recipient", "Acme Property Management")
    review_findings(access, request_id, resources=Resources(), accept=[ice, sheriff], reject=[acme])
    html = tmp_path / "audit.html"
    audit = run_audit(access, today=TODAY, resources=Resources(), html=html)
    text = html.read_text(encoding="utf-8")

    assert f'content="{CSP}"' in text and "<script" not in text.lower()
    assert "U.S. Immigration and Customs Enforcement (ICE)" in text
    assert "Weld County Sheriff&#x27;s Office" in text
    assert "Denver Police Department" not in text  # proposed, not confirmed
    assert "Acme Property Management" not in text  # rejected
    # every drawn edge links to its evidence row, and the evidence names the request and the reply
    links = set(re.findall(r'<a href="#(edge-\d+)">', text))
    rows = set(re.findall(r'<tr id="(edge-\d+)">', text))
    assert links and links == rows
    ice_row = re.search(
        r'<tr id="edge-\d+">(?:(?!</tr>).)*Immigration and Customs Enforcement(?:(?!</tr>).)*</tr>', text
    )
    assert ice_row is not None
    assert "IMMIGRATION ENFORCEMENT" in ice_row.group(0)
    assert f"Request #{request_id} (reference BA-" in ice_row.group(0)
    assert "reply #1 of 2026-04-10" in ice_row.group(0) and f"finding {ice}" in ice_row.group(0)
    assert "U.S. Immigration and Customs Enforcement  03/14/2026" in ice_row.group(0)
    # the SVG stands alone: well-formed, no external reference but in-page links
    svg = re.search(r"<svg role=\"img\" aria-labelledby=\"map-title\".*?</svg>", text, re.S)
    assert svg is not None
    ET.fromstring(svg.group(0))
    assert not re.search(r'(?:href|src)="(?!#)', svg.group(0))
    # readable in black and white: the strokes are black; the kinds differ by width and dashes
    assert set(re.findall(r'stroke="(#[0-9a-f]+)"', svg.group(0))) == {"#000"}
    assert 'stroke-width="4"' in svg.group(0) and 'stroke-dasharray="2 4"' in svg.group(0)
    # the map and the next steps reach the terminal report too, confirmed only
    assert audit.flow is not None and audit.flow.proposed == len(report.findings) - 3
    assert any(
        s.command.startswith('broker-audit cora --agency "Weld County Sheriff\'s Office"')
        for s in audit.finding_steps
    )
    assert any(
        s.command == f"broker-audit evidence {request_id} --out evidence-{request_id}"
        for s in audit.finding_steps
    )
    assert police not in {e.finding for edge in audit.flow.edges for e in edge.evidence}


def test_a_recipient_dated_after_the_opt_out_is_flagged_with_both_answers(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    first = make_request("lexisnexis", "access", dt.date(2026, 1, 5))
    keep_reply(access, first, _pdf(tmp_path, "report-1.pdf", docs.LEXIS_REPORT), dt.date(2026, 4, 10))
    show_findings(access, first, resources=Resources(), today=TODAY, ocr=NO_OCR)
    opt_out = make_request("lexisnexis", "opt-out", dt.date(2026, 4, 15))
    mark(access, opt_out, "delivered", on=dt.date(2026, 4, 20), today=TODAY)
    second = make_request("lexisnexis", "access", dt.date(2026, 9, 1))
    keep_reply(access, second, _pdf(tmp_path, "report-2.pdf", docs.LEXIS_REPORT_2), dt.date(2026, 10, 5))
    report = show_findings(access, second, resources=Resources(), today=TODAY, ocr=NO_OCR)

    flagged = [c.finding for c in report.findings if c.finding.kind == "compliance"]
    assert len(flagged) == 1  # HSI on 2026-07-21; ICE (03/14) and Acme (2025) came before the opt-out
    (finding,) = flagged
    assert finding.value == "recipient-after-opt-out" and finding.about == opt_out
    assert finding.on == dt.date(2026, 7, 21) and finding.role == "immigration-enforcement"
    assert finding.evidence == [1, 2]  # the first answer and this one
    assert finding.line.startswith("Homeland Security Investigations  07/21/2026")
    assert "after the company received the opt-out request" in finding.detail
    # HSI is part of ICE, which the first answer listed for March: this is a new disclosure to it
    assert "its earlier answer (reply #1 of 2026-04-10) listed it too, with an earlier date" in finding.detail

    # confirmed, it is what `followup` complains about, citing both answers
    review_findings(access, second, resources=Resources(), accept=[finding.n])
    from broker_audit.services.followup import followup_letters

    result = followup_letters(
        access, [opt_out], out_dir=tmp_path / "letters", formats=["txt"], today=TODAY,
        resources=Resources(), )  # fmt: skip
    (letter,) = result.letters
    assert letter.kind == "complaint" and letter.linked_to == opt_out
    text = next(p for p in letter.files if p.suffix == ".txt").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert "Homeland Security Investigations is listed as receiving the data on 2026-07-21" in flat
    assert "its answer of 2026-04-10 and its answer of 2026-10-05" in flat


def test_the_evidence_packet_flags_an_immigration_recipient(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from broker_audit.services.evidence import write_evidence

    request_id = make_request("lexisnexis")
    keep_reply(access, request_id, _pdf(tmp_path, "report.pdf", docs.LEXIS_REPORT), dt.date(2026, 4, 10))
    report = show_findings(access, request_id, resources=Resources(), today=TODAY, ocr=NO_OCR)
    out = tmp_path / "packet"
    before = write_evidence(access, request_id, out_dir=out, today=TODAY, resources=Resources())
    assert not (out / "findings.txt").exists()  # nothing confirmed: nothing stated
    assert not any("FLAG" in row.what for row in before.timeline)
    review_findings(
        access, request_id, resources=Resources(), accept=[_n(report, "recipient", "agency:us-ice")]
    )
    out2 = tmp_path / "packet2"
    after = write_evidence(access, request_id, out_dir=out2, today=TODAY, resources=Resources())
    flags = [row for row in after.timeline if row.what.startswith("FLAG")]
    assert len(flags) == 1 and "immigration enforcement" in flags[0].what
    listing = (out2 / "findings.txt").read_text(encoding="utf-8")
    assert "FLAG: IMMIGRATION ENFORCEMENT. recipient: U.S. Immigration and Customs Enforcement" in listing
    assert '"U.S. Immigration and Customs Enforcement  03/14/2026  Law enforcement investigation"' in listing
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out2 / "timeline.pdf").pages)
    assert "FLAG: the company's answer (reply #1) names immigration enforcement" in pdf
