"""A records campaign, through the services on a real vault and real files: one letter per agency
with a route (each its route's artefact), the agencies without one listed, every request under the
Open Records Act's clock, the follow-up a late agency gets, the findings with their evidence in the
exported table, and no home address or phone in any letter."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import msgspec
import pytest

from broker_audit.errors import UserError
from broker_audit.law.load import shipped_laws
from broker_audit.profile import AgentProfile, load_profile_file
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.campaign import (
    campaign_report,
    export_findings,
    record_finding,
    start_campaign,
)
from broker_audit.services.followup import followup_letters
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import mark
from broker_audit.services.vaults import init_vault
from broker_audit.tracking.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
LAWS = shipped_laws()
PROFILE = load_profile_file(ROOT / "examples" / "demo-profile.toml")
MONDAY = dt.date(2026, 12, 7)
CLINIC = AgentProfile(
    organization="Front Range Immigrant Clinic",
    contact_name="Rosa Example",
    address=["100 Colfax Ave", "Denver, CO 80203"],
    email="records@clinic.example.org",
    phone="+1 303 555 0199",
)
# What no campaign letter may carry from the demo profile: its home address, its phone, its
# birth date, its other names.
PRIVATE = ("1550 Calle", "Ñandú", "80204", "555 0147", "1988", "Trần Hưng Đạo", "Maria J. Nunez")


def _access(tmp_path: Path, *, profile: bool = True, clinic: bool = False) -> VaultAccess:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(
        access.path,
        PROFILE if profile else None,
        passphrase="pass phrase",
        use_keyring=False,
        clinic=CLINIC if clinic else None,
    )
    return access


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_campaign_to_every_sheriff_writes_one_letter_per_agency_with_a_route(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        group="co-sheriffs",
    )
    # 13 sheriffs name a request channel, 4 more have a contact a letter can use (with a warning);
    # the other 47 get no letter and are listed.
    assert len(result.letters) == 17 and len(result.without_route) == 47
    assert len({r.broker_id for r in result.letters}) == 17
    assert {"sheriff-adams", "sheriff-arapahoe", "sheriff-boulder", "sheriff-weld"} <= {
        m.agency_id for m in result.without_route
    }
    by_agency = {r.broker_id: r for r in result.letters}
    otero = by_agency["sheriff-otero"]
    assert otero.channel == "mail" and otero.route.startswith("Otero County Sheriff's Office / Attn: Records")
    assert sorted(p.suffix for p in otero.files) == [".pdf", ".txt"]
    jefferson = by_agency["sheriff-jefferson"]
    assert jefferson.channel == "web-form"
    sheet = _flat(_text_of(next(p for p in jefferson.files if p.suffix == ".pdf")))
    assert "Web form sheet" in sheet and "https://jeffcosheriff.nextrequest.com" in sheet
    assert any("sheriff-chaffee: no request channel is known" in w for w in result.warnings)
    boulder = next(m for m in result.without_route if m.agency_id == "sheriff-boulder")
    assert boulder.leads and "weak" in boulder.leads[0]
    # Every file: the person's name and e-mail only.
    for letter in result.letters:
        for path in letter.files:
            text = _text_of(path)
            assert "María José Núñez Nguyễn" in text or "Maria" in text
            assert not [p for p in PRIVATE if p in text], (path, [p for p in PRIVATE if p in text])
    with open_journal(access) as journal:
        (campaign,) = journal.campaigns.values()
        assert campaign.campaign_id == result.campaign_id and len(campaign.members) == 64
        assert campaign.requester == "person"
        for letter in result.letters:
            request = journal.requests[letter.request_id]
            # CORA's clock: 3 working days from receipt, 7 more in extenuating circumstances; the
            # statute text of the period was not read, so no letter states it.
            assert (request.kind, request.law_id, request.recipient) == ("records", "co-cora", "agency")
            assert (request.deadline_days, request.working_days, request.extension_days) == (3, True, 7)
            assert request.deadline_stated is False
            assert request.agency and request.channels == [letter.channel]


def test_the_letter_cites_the_immigration_data_laws_and_asks_for_the_annual_reports(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        group="co-sheriffs",
    )
    text = _flat(_text_of(next(p for p in result.letters[0].files if p.suffix == ".txt")))
    assert "C.R.S. 24-74-101 et seq. (SB21-131, as amended by SB25-276, signed May 23, 2025)" in text
    assert "C.R.S. 24-76.6-101 et seq." in text
    assert "every annual report on such requests" in text
    assert (
        "requests from federal immigration authorities" in text and "personal identifying information" in text
    )
    assert "your policy, directive or procedure" in text and "database or automated network" in text
    assert "that vendor's customers, can reach your booking" in text
    assert "This letter does not say whether your office is bound by them or has complied with them." in text
    # No subsection of the 2025 text, which was not read; no day count for CORA (guidance only).
    assert "24-74-103" not in text and "24-74.1" not in text and "3 working days" not in text
    assert "24-72-305.5" in text  # the statement the CCJRA asks for


def test_each_request_runs_on_coras_working_day_clock(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        agency_list=_list(tmp_path, "sheriff-otero\nstate-cbi\n"),
        prefer="email",
    )
    otero, cbi = (r.request_id for r in result.letters)
    # CBI names an e-mail for requests: with --via email its letter is an .eml to that address.
    cbi_letter = result.letters[1]
    assert cbi_letter.channel == "email" and cbi_letter.route == "cdps_cbi_cora@state.co.us"
    eml = next(p for p in cbi_letter.files if p.suffix == ".eml").read_bytes()
    assert b"To: cdps_cbi_cora@state.co.us" in eml and b"maria.nunez@example.org" in eml
    # Mailed Monday Dec 7: received (estimate) Monday Dec 14, + 3 working days = Thursday Dec 17.
    view = mark(access, otero, "sent", today=MONDAY, via="mail")
    assert view.due == dt.date(2026, 12, 17) and view.due_estimated
    # Received Wednesday Dec 9: Thu 10, Fri 11, Mon 14.
    view = mark(access, otero, "delivered", today=dt.date(2026, 12, 9), on=dt.date(2026, 12, 9))
    assert view.due == dt.date(2026, 12, 14) and not view.due_estimated
    # Extended in extenuating circumstances: 10 working days from Dec 9 is Wednesday Dec 23.
    view = mark(access, otero, "extended", today=dt.date(2026, 12, 10))
    assert view.due == dt.date(2026, 12, 23)
    # E-mailed Monday Dec 7: received that day, due Thursday Dec 10.
    assert mark(access, cbi, "sent", today=MONDAY, via="email").due == dt.date(2026, 12, 10)


def _list(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agencies.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_late_agency_gets_a_follow_up_by_the_same_route_once(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        agency_list=_list(tmp_path, "sheriff-otero\nsheriff-teller\nsheriff-jefferson\nsheriff-park\n"),
    )
    ids = {r.broker_id: r.request_id for r in result.letters}
    mark(access, ids["sheriff-otero"], "sent", today=MONDAY, via="mail")  # due Dec 17 (estimate)
    mark(access, ids["sheriff-teller"], "sent", today=MONDAY, via="mail")
    mark(access, ids["sheriff-jefferson"], "sent", today=MONDAY, via="web-form")  # due Dec 10
    reply = tmp_path / "teller.txt"
    reply.write_text("Enclosed: our VINE service agreement with Appriss. Fee: $41.37 per hour.")
    add_reply_file(access, ids["sheriff-teller"], reply, today=dt.date(2026, 12, 11))
    # Dec 15: Jefferson is late, Otero not yet, Teller answered, Park was never sent.
    first = followup_letters(
        access,
        None,
        out_dir=tmp_path / "f1",
        today=dt.date(2026, 12, 15),
        resources=Resources(registry=_registry(), laws=LAWS),
    )
    assert [(r.broker_id, r.kind, r.linked_to) for r in first.letters] == [
        ("sheriff-jefferson", "records-followup", ids["sheriff-jefferson"])
    ]
    sheet = _flat(_text_of(next(p for p in first.letters[0].files if p.suffix == ".pdf")))
    assert "https://jeffcosheriff.nextrequest.com" in sheet and "has not been answered" in sheet
    # Dec 18: Otero is late too; Jefferson already has its follow-up.
    second = followup_letters(
        access,
        None,
        out_dir=tmp_path / "f2",
        today=dt.date(2026, 12, 18),
        resources=Resources(registry=_registry(), laws=LAWS),
    )
    assert [(r.broker_id, r.channel) for r in second.letters] == [("sheriff-otero", "mail")]
    text = _flat(_text_of(next(p for p in second.letters[0].files if p.suffix == ".txt")))
    assert "Otero County Sheriff's Office Attn: Records 220 E 2nd St. La Junta, CO 81050" in text
    assert f"the reference {_reference(access, ids['sheriff-otero'])}" in text
    assert not [p for p in PRIVATE if p in text]
    asked = followup_letters(
        access,
        [ids["sheriff-teller"], ids["sheriff-park"]],
        out_dir=tmp_path / "f3",
        today=dt.date(2026, 12, 18),
        resources=Resources(registry=_registry(), laws=LAWS),
    )
    reasons = dict(asked.skipped)
    assert "a reply is kept" in reasons[ids["sheriff-teller"]]
    assert "nothing to send yet (drafted" in reasons[ids["sheriff-park"]]
    report = campaign_report(access, result.campaign_id, today=dt.date(2026, 12, 18))
    rows = {r.agency_id: r for r in report.rows}
    assert rows["sheriff-teller"].answered and not rows["sheriff-teller"].late
    assert rows["sheriff-otero"].late and rows["sheriff-otero"].followup_state == "drafted"
    assert (report.letters, report.answered, report.late) == (4, 1, 2)


def _registry():  # type: ignore[no-untyped-def]
    from broker_audit.registry.load import shipped_registry

    return shipped_registry()


def _reference(access: VaultAccess, request_id: int) -> str:
    with open_journal(access) as journal:
        return journal.requests[request_id].reference


def test_a_recorded_finding_appears_in_the_export_with_its_evidence(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        agency_list=_list(tmp_path, "sheriff-teller\nsheriff-otero\nsheriff-adams\n"),
    )
    teller = next(r.request_id for r in result.letters if r.broker_id == "sheriff-teller")
    mark(access, teller, "sent", today=MONDAY, via="mail")
    scan = tmp_path / "teller-answer.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned answer\n")
    added = add_reply_file(access, teller, scan, today=dt.date(2026, 12, 14), state="fulfilled")
    reply_id = added.reply.reply_id
    record_finding(
        access,
        teller,
        "appriss",
        today=dt.date(2026, 12, 15),
        reply_id=reply_id,
        note='=HYPERLINK("http://evil.example", "VINE agreement")',
    )
    record_finding(
        access, teller, "fee", today=dt.date(2026, 12, 15), reply_id=reply_id, amount="$41.37/hour"
    )
    report = campaign_report(access, result.campaign_id, today=dt.date(2026, 12, 15))
    teller_row = next(r for r in report.rows if r.agency_id == "sheriff-teller")
    assert teller_row.findings == ["appriss"] and teller_row.fee == "$41.37/hour" and teller_row.answered
    exported = export_findings(
        access, result.campaign_id, out_dir=tmp_path / "export", today=dt.date(2026, 12, 15)
    )
    csv_path, pdf_path = exported.files
    import csv

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    appriss = next(r for r in rows if r["finding"] == "a contract or agreement with Appriss")
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()[:12]
    reference = _reference(access, teller)
    assert appriss["agency"] == "Teller County Sheriff's Office" and appriss["date"] == "2026-12-14"
    assert appriss["evidence"] == (
        f"reply #{reply_id} to ref. {reference}, received 2026-12-14 (teller-answer.pdf, sha256 {digest})"
    )
    assert appriss["note"].startswith("'=HYPERLINK")  # a formula in a note stays inert
    assert any(r["finding"] == "asked for a fee: $41.37/hour" for r in rows)
    adams = next(r for r in rows if r["agency id"] == "sheriff-adams")
    assert adams["status"] == "no letter: no route known" and "request channel" in adams["note"]
    pdf = _flat(_text_of(pdf_path))
    assert "Teller County Sheriff's Office" in pdf and "a contract or agreement with Appriss" in pdf
    assert digest in pdf and "No letter yet" in pdf and "Adams County Sheriff's Office" in pdf


def test_a_finding_rests_on_evidence_from_that_agency(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        agency_list=_list(tmp_path, "sheriff-teller\nsheriff-otero\n"),
    )
    teller, otero = (r.request_id for r in result.letters)
    note = tmp_path / "a.txt"
    note.write_text("no records")
    reply = add_reply_file(access, teller, note, today=MONDAY).reply.reply_id
    with pytest.raises(UserError, match="rests on evidence"):
        record_finding(access, otero, "none", today=MONDAY)
    with pytest.raises(UserError, match="not a reply to Otero"):
        record_finding(access, otero, "none", today=MONDAY, reply_id=reply)
    with pytest.raises(UserError, match="unknown finding"):
        record_finding(access, teller, "contract", today=MONDAY, reply_id=reply)
    made = record_finding(access, otero, "refused", today=MONDAY, evidence="phone call with the custodian")
    assert made.finding == "refused" and made.on == MONDAY


def test_a_clinic_vault_writes_as_the_clinic(tmp_path: Path) -> None:
    access = _access(tmp_path, profile=False, clinic=True)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        agency_list=_list(tmp_path, "sheriff-otero\nsheriff-jefferson\n"),
    )
    assert result.requester == "clinic"
    letter = _flat(_text_of(next(p for p in result.letters[0].files if p.suffix == ".txt")))
    assert letter.startswith("Front Range Immigrant Clinic 100 Colfax Ave Denver, CO 80203")
    assert "On behalf of Front Range Immigrant Clinic, I request" in letter
    assert "Rosa Example (signature and date) for Front Range Immigrant Clinic" in letter
    assert "records@clinic.example.org" in letter and "555 0199" not in letter
    sheet = _flat(_text_of(next(p for p in result.letters[1].files if p.suffix == ".txt")))
    assert "Organization: Front Range Immigrant Clinic" in sheet and "Phone" not in sheet
    with pytest.raises(UserError, match="no requester's profile"):
        start_campaign(
            access,
            resources=Resources(laws=LAWS),
            out_dir=tmp_path / "l2",
            today=MONDAY,
            group="co-state",
            as_kind="person",
        )


def test_a_person_without_an_email_is_told_so(tmp_path: Path) -> None:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(
        access.path, msgspec.structs.replace(PROFILE, email=""), passphrase="pass phrase", use_keyring=False
    )
    with pytest.raises(UserError, match="only your name and e-mail"):
        start_campaign(
            access,
            resources=Resources(laws=LAWS),
            out_dir=tmp_path / "letters",
            today=MONDAY,
            group="co-sheriffs",
        )
    assert not (tmp_path / "letters").exists()


def test_campaigns_and_findings_survive_the_index(tmp_path: Path) -> None:
    access = _access(tmp_path)
    result = start_campaign(
        access,
        resources=Resources(laws=LAWS),
        out_dir=tmp_path / "letters",
        today=MONDAY,
        group="co-sheriffs",
    )
    first = result.letters[0].request_id
    record_finding(access, first, "none", today=MONDAY, evidence="letter of Dec 7")
    with open_journal(access) as journal:
        assert journal.vault.snapshot_count == journal.vault.count  # read from the index
        assert list(journal.campaigns) == [result.campaign_id]
        assert [f.request_id for f in journal.agency_findings] == [first]
        assert journal.campaign_member(first)[1].agency_id == result.letters[0].broker_id  # type: ignore[index]
        assert journal.state() == Journal(journal.vault, use_snapshot=False).state()  # as the records say
