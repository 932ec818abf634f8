"""The pure parts: the ledger (re-reading keeps decisions), compliance after a deletion, dates,
the matching of names; and that findings survive the vault's snapshot."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

from conftest import NO_OCR, TODAY, Requester, keep_reply

import docs
from broker_audit.findings.agencies import agency_names
from broker_audit.findings.compare import Promise, compliance_findings
from broker_audit.findings.extract import Proposed, find_dates
from broker_audit.findings.ledger import current_findings
from broker_audit.findings.names import NameDirectory, agency_entries, identify
from broker_audit.services import VaultAccess, open_journal
from broker_audit.services.findings import review_findings, show_findings
from broker_audit.services.resources import Resources
from broker_audit.tracking.finding_records import Finding, FindingDecision, FindingsProposed, FindingsReviewed
from broker_audit.tracking.journal import Journal, now


def _proposal(reply: int, numbers: list[tuple[int, str]]) -> FindingsProposed:
    return FindingsProposed(
        reply_id=reply, request_id=1,
        findings=[Finding(n=n, kind="recipient", value=v) for n, v in numbers], recorded=now(),
    )  # fmt: skip


def test_reading_again_replaces_undecided_findings_and_keeps_decided_ones() -> None:
    first = _proposal(1, [(1, "ICE"), (2, "Acme"), (3, "Noise")])
    decisions = [FindingDecision(n=1, decision="accepted"), FindingDecision(n=3, decision="rejected")]
    review = FindingsReviewed(request_id=1, decisions=decisions, recorded=now())
    again = _proposal(1, [(4, "Acme Property"), (5, "Denver Police")])
    other = _proposal(2, [(6, "Spokeo")])
    current = current_findings([first, again, other], [review])
    assert [(c.finding.n, c.status) for c in current] == [
        (1, "accepted"),
        (3, "rejected"),
        (4, "proposed"),
        (5, "proposed"),
        (6, "proposed"),
    ]  # fmt: skip  (2 was undecided and replaced by the new reading)


def test_data_shown_after_a_confirmed_deletion_is_flagged() -> None:
    held = Proposed("holds", "addresses", line="Address History", part="r.pdf", page=1, line_no=4)
    promise = Promise(
        request_id=7, kind="delete", reference="BA-X", since=dt.date(2026, 2, 1), received_known=True,
        deleted_on=dt.date(2026, 3, 1), deleted_reply=3,
    )  # fmt: skip
    (finding,) = compliance_findings(
        [held], reply_id=9, received=dt.date(2026, 9, 1), promises=[promise], earlier=[]
    )
    assert finding.value == "data-after-deletion" and finding.about == 7 and finding.evidence == [3, 9]
    assert "confirmed deleting the data on 2026-03-01" in finding.detail and "addresses" in finding.detail
    # an answer from before the deletion says nothing about it
    assert (
        compliance_findings([held], reply_id=9, received=dt.date(2026, 2, 20), promises=[promise], earlier=[])
        == []
    )


def test_dates_in_english_and_spanish() -> None:
    assert [d for d, _, _ in find_dates("03/04/2026 and March 5, 2026", spanish=False)] == [
        dt.date(2026, 3, 4), dt.date(2026, 3, 5),
    ]  # fmt: skip
    assert [d for d, _, _ in find_dates("03/04/2026 y 5 de marzo de 2026", spanish=True)] == [
        dt.date(2026, 4, 3), dt.date(2026, 3, 5),
    ]  # fmt: skip
    assert [d for d, _, _ in find_dates("25/12/2025", spanish=False)] == [dt.date(2025, 12, 25)]


def test_colorado_sheriffs_match_by_pattern_and_a_directory_plugs_in(tmp_path: Path) -> None:
    built_in = NameDirectory(agency_entries(agency_names(tmp_path / "absent.toml")))
    assert identify("EL PASO COUNTY SHERIFF'S OFFICE", built_in).matched == "agency:sheriff-el-paso"
    assert identify("Oficina del Sheriff del Condado de Weld", built_in).matched == "agency:sheriff-weld"
    assert identify("Weld County", built_in).matched == ""  # the county alone is not its sheriff
    directory = tmp_path / "agencies.toml"
    directory.write_text(
        '[[agency]]\nid = "sheriff-weld"\nname = "Weld County Sheriff\'s Office"\nkind = "county-sheriff"\n'
        'aliases = ["WCSO"]\n[[agency.routes]]\nchannel = "phone"\nvalue = "1"\n'
        '[[agency]]\nid = "aurora-pd"\nname = "Aurora Police Department"\nkind = "police"\nstate = "CO"\n',
        encoding="utf-8",
    )
    listed = agency_names(directory)
    weld = listed[0]
    assert (weld.id, weld.name, weld.kind, weld.state) == (
        "sheriff-weld",
        "Weld County Sheriff's Office",
        "county-sheriff",
        "CO",
    )
    # the directory's spelling first, then the built-in spellings answers use, e.g. the jail's name
    assert weld.aliases[0] == "WCSO" and "Weld County Jail" in weld.aliases
    names = NameDirectory(agency_entries(listed))
    assert identify("WCSO", names).matched == "agency:sheriff-weld"
    aurora = identify("Aurora Police Dept", names)
    assert aurora.matched == "agency:aurora-pd" and aurora.role == "law-enforcement"
    assert sum(a.id == "sheriff-weld" for a in listed) == 1  # the directory's entry replaces the built-in


def test_an_email_with_a_pdf_attachment_and_findings_kept_through_the_snapshot(
    access: VaultAccess, make_request: Requester, tmp_path: Path
) -> None:
    request_id = make_request("lexisnexis")
    message = EmailMessage()
    message["From"] = "consumer.documents@lexisnexis.com"
    message["Subject"] = "Su informe"
    message.set_content(docs.VERIFY_EMAIL_ES.text())
    message.add_attachment(
        docs.pdf_bytes(docs.LEXIS_REPORT), maintype="application", subtype="pdf", filename="informe.pdf"
    )
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    keep_reply(access, request_id, path, dt.date(2026, 4, 10))
    report = show_findings(access, request_id, resources=Resources(), today=TODAY, ocr=NO_OCR)
    (reading,) = report.readings
    assert [(name, source) for name, source, _, _ in reading.parts] == [
        ("body", "email-body"),
        ("informe.pdf", "pdf-text"),
    ]
    verdict = next(c.finding for c in report.findings if c.finding.kind == "verdict")
    assert verdict.value == "needs-verification" and verdict.part == "body"
    assert any(
        c.finding.matched == "agency:us-ice" and c.finding.part == "informe.pdf" for c in report.findings
    )
    review_findings(access, request_id, resources=Resources(), accept=[1, 2])
    with open_journal(access) as journal:
        journal.rebuild_index()
        from_snapshot = current_findings(journal.proposals, journal.reviews)
        text = journal.read_payload(journal.answer_reads[1].parts[1].text).decode()
        full = Journal(journal.vault, use_snapshot=False)
        assert current_findings(full.proposals, full.reviews) == from_snapshot
    assert "U.S. Immigration and Customs Enforcement" in text  # the text read is kept, sealed
    assert [c.status for c in from_snapshot][:2] == ["accepted", "accepted"]
