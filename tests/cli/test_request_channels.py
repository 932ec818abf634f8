"""Request channels, not contacts (issue #18), through the real CLI and shipped data, for the demo
requester (a Colorado resident)."""

from __future__ import annotations

from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner
from pypdf import PdfReader

PASS = "correct horse battery staple"
INCH = 72.0


@pytest.fixture
def coloradan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "vault" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return tmp_path / "letters"


def lines_in_window(pdf: Path) -> list[str]:
    """The text runs of the first page that lie inside a #10 envelope's window (1 to 4.25 inches
    from the left, 2.25 to 3.25 inches from the top)."""
    page = PdfReader(str(pdf)).pages[0]
    height = float(page.mediabox.height)
    found: list[str] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        top = height - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
        if text.strip() and 1.0 * INCH <= x <= 4.25 * INCH and 2.25 * INCH <= top <= 3.25 * INCH:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)


def test_colorado_lexisnexis_access_is_a_window_letter_to_the_consumer_center_with_the_portal_sheet(
    coloradan: Path, cli: Runner
) -> None:
    code, out, err = cli(["request", "lexisnexis", "--kind", "access", "--out", str(coloradan), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert letter["channel"] == "mail"
    assert letter["also"] == ["web-form: https://consumer.risk.lexisnexis.com/"]
    files = [Path(f) for f in letter["files"]]
    mailed = next(f for f in files if f.name.endswith("-access-1.pdf"))
    # fitted to the window (letters/address_fit.py): USPS's "PO Box", the attention line wrapped
    # at a space rather than shrunk below the readable size; the delivery and city lines whole
    assert lines_in_window(mailed) == [
        "LexisNexis Risk Solutions",
        "Consumer Center, Attn: Consumer privacy",
        "request",
        "PO Box 105108",
        "Atlanta, GA 30348-5295",
    ]
    body = text_of(mailed)
    assert "Colorado Privacy Act" in body and "California Consumer Privacy Act" not in body
    assert "consumer.documents@lexisnexis.com" not in body
    sheet = next(f for f in files if f.name.endswith("-access-1-web-form.pdf"))
    assert "P.O. Box 105108" not in lines_in_window(sheet)  # a sheet, not a letter for an envelope
    sheet_text = text_of(sheet)
    assert "Web form sheet" in sheet_text and "https://consumer.risk.lexisnexis.com/" in sheet_text
    assert "weak source" in sheet_text  # the portal's address was read only on a third-party copy
    # both routes are named where the request is tracked
    shown = data(cli(["show", str(letter["id"]), "--json"])[1])
    assert shown["routes"] == [
        "mail: LexisNexis Risk Solutions / Consumer Center, Attn: Consumer privacy request / "
        "P.O. Box 105108 / Atlanta, GA 30348-5295",
        "web-form: https://consumer.risk.lexisnexis.com/",
    ]
    assert "mail+web-form" in cli(["status"])[1]
    # either artefact may be the one sent
    assert cli(["mark", str(letter["id"]), "sent", "--via", "web-form"])[0] == 0


def test_via_mail_writes_every_broker_that_has_mail_and_lists_the_others(
    coloradan: Path, cli: Runner
) -> None:
    """Appriss has no route at all; Venntel's only postal address is its registered head office,
    not a door for requests. LexisNexis has its Consumer Center box."""
    code, out, err = cli(
        ["request", "lexisnexis", "appriss", "venntel", "--via", "mail", "--out", str(coloradan), "--json"]
    )
    assert code == 0, err
    made = data(out)
    assert [(x["broker"], x["channel"]) for x in made["letters"]] == [("lexisnexis-risk-solutions", "mail")]
    assert [(n["broker"], n["reason"]) for n in made["no_route"]] == [
        ("appriss-insights", "no mail route"),
        ("venntel", "no mail route"),
    ]
    venntel = made["no_route"][1]["advice"]
    assert venntel[0] == "its routes are: email, web-form, phone"
    # nothing at all to write by mail: a user error, exit 1, and nothing logged
    code, out, err = cli(["request", "appriss", "venntel", "--via", "mail", "--out", str(coloradan)])
    assert code == 1
    assert "no mail route is known for appriss-insights, venntel" in err
    assert len(data(cli(["status", "--json"])[1])) == 1


def test_a_broker_no_request_can_reach_gets_a_letter_to_its_parent_and_a_complaint(
    coloradan: Path, cli: Runner
) -> None:
    code, out, err = cli(["request", "appriss", "--kind", "delete", "--out", str(coloradan), "--json"])
    assert code == 0, err
    made = data(out)
    parent, complaint = made["letters"]
    assert (parent["broker"], parent["kind"], parent["law"], parent["channel"]) == (
        "equifax",
        "delete",
        "co-cpa",
        "web-form",
    )
    assert (complaint["broker"], complaint["kind"]) == ("appriss-insights", "unreachable")
    asked = " ".join(Path(next(f for f in parent["files"] if f.endswith(".txt"))).read_text().split())
    assert "I could find no way to reach Appriss Insights" in asked
    assert "please forward it without delay to the company that does" in asked
    told = " ".join(Path(next(f for f in complaint["files"] if f.endswith(".txt"))).read_text().split())
    assert "To the Colorado Attorney General, Consumer Protection Section" in told
    assert f"reference {parent['reference']}" in told and "I cannot find any way to do so" in told
    rows = {r["id"]: r for r in data(cli(["status", "--json"])[1])}
    # the letter to the parent is a request with the law's clock: 45 days once received
    assert cli(["mark", str(parent["id"]), "sent", "--via", "web-form", "--on", "2026-12-07"])[0] == 0
    assert cli(["mark", str(parent["id"]), "delivered", "--on", "2026-12-07"])[1].endswith("due 2027-01-21\n")
    assert rows[parent["id"]]["broker_name"] == "Equifax (for Appriss Insights)"
    # `audit` now counts Appriss as asked, and does not suggest writing to it again
    code, out, err = cli(["audit", "--json", "--answer", "booked_in_jail=yes"])
    assert code == 0, err
    report = data(out)
    commands = [a["command"] for a in report["next_actions"]]
    assert "broker-audit request appriss-insights --kind delete" not in commands


def test_what_disclose_adds_for_an_unreachable_broker_stays_out_of_the_complaint(
    coloradan: Path, cli: Runner
) -> None:
    """`--disclose phone,birth-date` for Appriss is for the company (its parent, Equifax, is asked
    to forward the request); the complaint to the Attorney General, which may forward it and keep
    it as a public record, carries neither, and says so."""
    args = ["request", "appriss", "--kind", "delete", "--disclose", "phone,birth-date"]
    code, out, err = cli([*args, "--out", str(coloradan), "--json"])
    assert code == 0, err
    parent, complaint = data(out)["letters"]
    text = {
        letter["kind"]: " ".join(
            Path(next(f for f in letter["files"] if f.endswith(".txt"))).read_text().split()
        )
        for letter in (parent, complaint)
    }
    assert "303 555 0147" in text["delete"] and "1988" in text["delete"]  # the company's letter: asked
    assert "303 555 0147" not in text["unreachable"] and "1988" not in text["unreachable"]
    assert "does not carry what --disclose adds (your phone number, your date of birth)" in err


def test_a_contact_route_warns_and_never_says_the_address_you_gave(coloradan: Path, cli: Runner) -> None:
    """Spy Dialer's filing names its site's links for opt-out and deletion, nothing for access: an
    access request can only go to the filing's contact e-mail, info@spydialer.com."""
    code, out, err = cli(["request", "spy-dialer", "--kind", "access", "--out", str(coloradan), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert (letter["channel"], letter["send_to"]) == ("email", "info@spydialer.com")
    assert any(
        "is a contact address, not a channel Spy Dialer names for privacy requests" in w
        for w in letter["warnings"]
    )
    eml = Path(next(f for f in letter["files"] if f.endswith(".eml"))).read_text()
    body = " ".join(Path(next(f for f in letter["files"] if f.endswith(".txt"))).read_text().split())
    assert "To: info@spydialer.com" in eml
    assert "I found no address, form or phone line that you name for this kind of request" in body
    assert "the contact address in your 2020 filing with California's data broker registry" in body
    assert "the address you gave" not in body


def test_the_annual_credit_report_service_gets_a_sheet_that_points_to_its_form(
    coloradan: Path, cli: Runner
) -> None:
    code, out, err = cli(
        ["request", "transunion", "--kind", "fcra-disclosure", "--out", str(coloradan), "--json"]
    )
    assert code == 0, err
    (request,) = data(out)["letters"]
    assert request["channel"] == "mail" and "P.O. Box 105281" in request["send_to"]
    form = Path(next(f for f in request["files"] if f.endswith(f"-{request['id']}.pdf")))
    # no address in the window: the form goes in the envelope, not this sheet
    assert "P.O. Box 105281" not in lines_in_window(form)
    text = text_of(form)
    assert "Form sheet" in text and "Annual Credit Report Request Form" in text
    assert "takes this request only on its own form" in text and "www.ftc.gov" in text
    assert "Annual Credit Report Request Service P.O. Box 105281 Atlanta, GA 30348-5281" in text
    assert "your Social Security number" in text  # what the form asks, as the FTC lists it
    assert "Text to paste" not in text and "TLOxp" not in text


def test_a_broker_with_no_route_and_no_parent_in_a_state_with_no_complaint_office_is_not_suggested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A Wyoming resident (no state privacy law, no complaint office in our data): Babel Street has no
    route and no parent, so `request babel-street` would write nothing, and `audit` does not suggest
    it; Appriss, whose parent Equifax has a request form, is still suggested."""
    profile = tmp_path / "wy.toml"
    profile.write_text(
        DEMO.read_text().replace('state = "CO"\n\n[[addresses]]', 'state = "WY"\n\n[[addresses]]', 1)
    )
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "vault" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    code, out, err = cli(["request", "babel-street", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0 and data(out)["letters"] == []
    import datetime as dt

    from broker_audit.law.choose import law_for_state
    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.letters import will_write

    law = law_for_state(shipped_laws(), "WY", on=dt.date(2026, 12, 7))
    registry = shipped_registry()
    assert not will_write(registry.get("babel-street"), "delete", state="WY", law=law, registry=registry)
    assert will_write(registry.get("appriss-insights"), "delete", state="WY", law=law, registry=registry)
    code, out, err = cli(["audit", "--json", "--answer", "booked_in_jail=yes"])
    assert code == 0, err
    commands = [a["command"].split() for a in data(out)["next_actions"]]
    suggested = [(c[2], c[4]) for c in commands if c[1] == "request"]
    assert suggested  # the audit still suggests requests, each one that writes something
    for broker, kind in suggested:
        assert will_write(registry.get(broker), kind, state="WY", law=law, registry=registry), broker
