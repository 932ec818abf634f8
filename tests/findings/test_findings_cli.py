"""`broker-audit findings`: wiring, output, exit codes; OCR missing is a message, not a failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from clijson import data
from conftest import Requester, keep_reply

import docs
from broker_audit.findings import ocr as ocr_module
from broker_audit.services import VaultAccess

Cli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def no_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ocr_module.availability.cache_clear()
    yield
    ocr_module.availability.cache_clear()


def test_a_scan_without_ocr_is_reported_as_skipped_and_the_command_succeeds(
    access: VaultAccess, make_request: Requester, tmp_path: Path, cli: Cli, no_tesseract: None
) -> None:
    request_id = make_request("lexisnexis")
    photo = tmp_path / "letter.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # a photo of a letter: only OCR could read it
    keep_reply(access, request_id, photo, dt.date(2026, 3, 1))
    code, out, err = cli(["findings", str(request_id)])
    assert code == 0, err
    flat = " ".join(out.split())
    assert "skipped letter.png: a photo or scan, not read: Tesseract is not installed" in flat
    assert "bash scripts/install.sh ocr" in flat
    code, out, _ = cli(["findings", str(request_id), "--json"])
    shown = data(out)
    assert shown["findings"] == [] and shown["ocr_missing"] == "Tesseract is not installed"
    assert shown["readings"][0]["skipped"][0][0] == "letter.png"


def test_findings_show_review_and_audit(
    access: VaultAccess, make_request: Requester, tmp_path: Path, cli: Cli
) -> None:
    request_id = make_request("lexisnexis")
    report = tmp_path / "report.pdf"
    report.write_bytes(docs.pdf_bytes(docs.LEXIS_REPORT))
    keep_reply(access, request_id, report, dt.date(2026, 4, 10))
    code, out, err = cli(["findings"])
    assert code == 0, err
    assert "Read 1 new reply." in out
    code, out, _ = cli(["findings", str(request_id), "--json"])
    found = data(out)["findings"]
    assert {f["status"] for f in found} == {"proposed"}
    ice = next(f for f in found if f["matched"] == "agency:us-ice")
    assert ice["line"].startswith("U.S. Immigration and Customs Enforcement  03/14/2026")
    code, out, _ = cli(["findings", str(request_id)])
    assert "Not yet facts:" in out and "proposed" in out
    # nothing confirmed: the audit shows no edge, only how many wait
    code, out, _ = cli(["audit", "--json"])
    audit = data(out)
    assert audit["map"]["edges"] == [] and audit["map"]["findings_awaiting_review"] == len(found)
    code, out, err = cli(["findings", str(request_id), "--accept", str(ice["n"])])
    assert code == 0, err
    code, out, _ = cli(["audit", "--json"])
    (edge,) = [e for e in data(out)["map"]["edges"] if not e["documented"]]
    assert (
        edge["to"] == "U.S. Immigration and Customs Enforcement (ICE)"
        and edge["role"] == "immigration-enforcement"
    )
    assert edge["evidence"][0]["reply_id"] == 1 and edge["evidence"][0]["finding"] == ice["n"]
    # an edit corrects and confirms; a wrong number is a user error naming the numbers there are
    acme = next(f for f in found if f["value"] == "Acme Property Management")
    code, out, err = cli(
        ["findings", str(request_id), "--edit", str(acme["n"]), "--role", "customer", "--json"]
    )
    assert code == 0, err
    edited = next(f for f in data(out)["findings"] if f["n"] == acme["n"])
    assert edited["status"] == "accepted" and edited["edited"] and edited["role"] == "customer"
    code, _, err = cli(["findings", str(request_id), "--reject", "99"])
    assert code == 1 and f"request #{request_id} has no finding 99" in err
    code, _, err = cli(["findings", str(request_id), "--accept", "1", "--reject", "1"])
    assert code == 1 and "both accepted and rejected" in err
    code, _, err = cli(["findings", "--accept", "1"])
    assert code == 1 and "name the request" in err
