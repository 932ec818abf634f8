"""Issue 19: a letter tells a broker that sells to government, police or immigration enforcement
(and every agency) nothing it does not already have. The requester below has a current and a past
address, a phone, a birth date and an e-mail; every artefact written for such a broker (the PDF's
return address and identity block, read back with pypdf; the text; the HTML; the .eml's headers
and body; a web form's submission sheet) is searched for the current street line and the phone."""

from __future__ import annotations

import csv
import email
import email.policy
import json
import re
import shutil
from pathlib import Path

import pytest
from clijson import data
from cliutil import ROOT, Runner
from pypdf import PdfReader

from broker_audit.registry.load import shipped_registry

CURRENT_STREET = "1550 Calle Ñandú"
PHONE_FORMS = ("303 555 0147", "303-555-0147", "(303) 555-0147", "3035550147", "555 0147", "555-0147")
PAST_STREET = "27 Trần Hưng Đạo Street"
BIRTH = ("1988", "April 12")
PROFILE = """
name = "María José Núñez Nguyễn"
other_names = ["María Núñez"]
email = "maria.nunez@example.org"
phone = "+1 303 555 0147"
birth_date = 1988-04-12
state = "CO"

[[addresses]]
line1 = "1550 Calle Ñandú, Apt 4B"
city = "Denver"
state = "CO"
zip = "80204"
current = true

[[addresses]]
line1 = "27 Trần Hưng Đạo Street"
city = "Aurora"
state = "CO"
zip = "80010-1234"
until = 2019
"""


def immigration_linked() -> list[str]:
    """Every curated broker with evidence of sales to immigration enforcement (the registry's own
    `law_enforcement` data, not a list copied here)."""
    return sorted(
        b.id
        for b in shipped_registry().brokers
        if b.origin == "curated" and not b.successor and b.sells_to("immigration-enforcement")
    )


def everything_in(path: Path) -> str:
    """All the text a recipient could see in one artefact: a PDF read back with pypdf (every
    page, plus its metadata), an e-mail's decoded headers and body, a text or HTML file."""
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return meta + "\n" + "\n".join(page.extract_text() for page in reader.pages)
    if path.suffix == ".eml":
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        headers = "\n".join(f"{k}: {v}" for k, v in message.items())
        body = message.get_body(("plain",))
        return headers + "\n" + (body.get_content() if body else "") + "\n" + raw.decode("utf-8", "replace")
    return path.read_text(encoding="utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_minimal(path: Path) -> None:
    text = flat(everything_in(path))
    digits = re.sub(r"\D", "", text)
    assert CURRENT_STREET not in text and "Calle" not in text, path
    for form in PHONE_FORMS:
        assert form not in text, (path, form)
    assert "3035550147" not in digits, path
    assert "April 12, 1988" not in text and "1988-04-12" not in text, path


@pytest.fixture
def at_risk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    profile = tmp_path / "me.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    return tmp_path


def test_the_immigration_linked_brokers_are_the_registrys() -> None:
    # the fixture list is read from the data: it must hold the brokers the issue names
    assert {"lexisnexis-risk-solutions", "appriss-insights", "thomson-reuters-clear"} <= set(
        immigration_linked()
    )


def test_no_letter_to_an_immigration_linked_broker_carries_home_or_phone(at_risk: Path, cli: Runner) -> None:
    out = at_risk / "letters"
    brokers = immigration_linked()
    code, stdout, err = cli(
        [
            "request",
            *brokers,
            "--kind",
            "access,delete",
            "--format",
            "pdf,txt,eml,html",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0, err
    made = data(stdout)
    written = [Path(f) for letter in made["letters"] for f in letter["files"]]
    assert {p.suffix for p in written} == {".pdf", ".txt", ".eml", ".html"}
    assert len({letter["broker"] for letter in made["letters"]}) >= 5  # every one with a route
    for path in written:
        assert_minimal(path)
    for letter in made["letters"]:
        # a complaint that a broker cannot be reached goes to a state office, which may forward it
        # and keep it as a public record: the name and a way to answer only
        given = ["email"] if letter["kind"] == "unreachable" else ["past-addresses", "email"]
        assert letter["disclosed"] == given, (letter["broker"], letter["kind"])
    # what the letter does give: the name, the past address, the e-mail for the answer
    lexis = next(letter for letter in made["letters"] if letter["broker"] == "lexisnexis-risk-solutions")
    text = flat(next(Path(f) for f in lexis["files"] if f.endswith(".txt")).read_text())
    assert "María José Núñez Nguyễn" in text and PAST_STREET in text and "maria.nunez@example.org" in text
    assert "If you need more to find my records, tell me what and why." in text
    assert "You do not need them" not in text
    # the CPA rule on verification data is cited: its text was read (laws.toml, text_seen)
    assert (
        "Under 4 CCR 904-3, Rule 4.02(D), you may collect personal data through this request only as" in text
    )
    # the .eml's headers: From is the e-mail the letter gives, nothing else of the requester
    for path in (p for p in written if p.suffix == ".eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["From"] is None or message["From"].addresses[0].addr_spec == "maria.nunez@example.org"
    # the disclosure line is printed before the letters are written
    assert (
        "This letter tells LexisNexis Risk Solutions: your name, an address you left in 2019, your e-mail; "
        "answers go to your e-mail only." in flat(err)
    )
    assert "Not told: your current address, your phone number" in flat(err)
    assert flat(err).index("This letter tells") < flat(err).index("warning:") or "warning:" not in err
    # and what a state-law request cannot reach at LexisNexis, pointing to the FCRA disclosure
    assert (
        "LexisNexis Risk Solutions says much of its data is public-record, FCRA, GLBA or DPPA data"
        in flat(err)
    )
    assert "--kind fcra-disclosure" in err
    # the identity guidance from the data: what LexisNexis asks for, the risk, the alternative
    assert "known to ask for a Social Security number" in flat(err)
    assert "broker-audit brokers show lexisnexis-risk-solutions" in err
    code, shown, _ = cli(["brokers", "show", "lexisnexis"])
    shown = flat(shown)
    assert "a Social Security number (some request types" in shown and "729-733" in shown
    assert "instead: Do not give it for a state-law request" in shown
    assert "weak: https://consumer.risk.lexisnexis.com/" in shown


def test_disclose_current_address_brings_it_back(at_risk: Path, cli: Runner) -> None:
    out = at_risk / "letters"
    code, stdout, err = cli(
        [
            "request",
            "lexisnexis",
            "--disclose",
            "current-address",
            "--format",
            "pdf,txt",
            "--via",
            "mail",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert letter["disclosed"] == ["current-address", "past-addresses", "email"]
    pdf = next(Path(f) for f in letter["files"] if f.endswith(".pdf"))
    first = flat(PdfReader(pdf).pages[0].extract_text())
    assert first.startswith("María José Núñez Nguyễn 1550 Calle Ñandú, Apt 4B Denver, CO 80204")  # letterhead
    text = flat(next(Path(f) for f in letter["files"] if f.endswith(".txt")).read_text())
    assert "Current address: 1550 Calle Ñandú, Apt 4B, Denver, CO 80204" in text
    assert "303 555 0147" not in text  # only what was asked for came back
    assert "This letter tells LexisNexis Risk Solutions: your name, your current address" in flat(err)
    # --disclose all: what letters gave before
    code, stdout, err = cli(
        ["request", "lexisnexis", "--disclose", "all", "--again", "--out", str(out), "--json"]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert set(letter["disclosed"]) >= {"current-address", "phone", "birth-date"}
    # an unknown field is refused before anything is written, naming the fields
    code, stdout, err = cli(["request", "lexisnexis", "--disclose", "ssn", "--out", str(out)])
    assert code == 1 and "unknown field 'ssn'" in err and "current-address" in err


def test_a_broker_with_no_known_government_sales_gets_the_profile_default(at_risk: Path, cli: Runner) -> None:
    code, stdout, err = cli(
        ["request", "whitepages", "--format", "txt", "--out", str(at_risk / "l"), "--json"]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert "current-address" in letter["disclosed"] and "phone" in letter["disclosed"]
    text = flat(Path(letter["files"][0]).read_text())
    # Whitepages takes requests on its web form: the sheet lists what to give it
    assert "Address: 1550 Calle Ñandú" in text
    # what Whitepages says a state-law request cannot reach (its own words, sourced)
    assert "Whitepages says much of its data is public-record data" in flat(err)


def test_a_company_whose_group_shares_with_government_gets_the_minimal_letter(
    at_risk: Path, cli: Runner
) -> None:
    """TransUnion (the credit bureau) records no sale to government of its own, but TLOxp
    (TransUnion TRADS), a company of its group that names it as parent, told California's registry
    it shares data with the federal government: a credit file's address history is what an
    investigative product sells, so a letter to TransUnion is minimal too - by `request`, by a
    clinic batch's planning, and as `brokers show` says."""
    registry = shipped_registry()
    transunion = registry.get("transunion")
    assert [b.id for b in registry.family(transunion)] == ["transunion-trads"]
    assert not transunion.law_enforcement  # nothing of its own: the group decides
    code, stdout, err = cli(
        [
            "request",
            "transunion",
            "--kind",
            "access",
            "--format",
            "txt",
            "--out",
            str(at_risk / "l"),
            "--json",
        ]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert "current-address" not in letter["disclosed"] and "phone" not in letter["disclosed"]
    text = flat(Path(letter["files"][0]).read_text())
    assert CURRENT_STREET not in text and not any(p in text for p in PHONE_FORMS)
    assert "a company of its group" in flat(err)
    code, shown, _ = cli(["brokers", "show", "transunion"])
    assert code == 0 and "a company of its group sells to, or told a state registry" in flat(shown)
    # a broker outside any such group keeps the profile's default (Whitepages: above)
    from broker_audit.letters.disclosure import ties_of

    assert ties_of(registry.get("whitepages"), registry.family(registry.get("whitepages"))) == ""


def test_the_disclosure_is_in_the_log_in_show_and_in_the_audit(at_risk: Path, cli: Runner) -> None:
    code, stdout, err = cli(["request", "lexisnexis", "--out", str(at_risk / "l"), "--json"])
    assert code == 0, err
    request_id = data(stdout)["letters"][0]["id"]
    shown = data(cli(["show", str(request_id), "--json"])[1])
    assert shown["disclosed"]["given"] == ["past-addresses", "email"]
    assert set(shown["disclosed"]["withheld"]) == {"current-address", "phone", "birth-date", "other-names"}
    assert shown["disclosed"]["minimal"] is True
    assert shown["disclosed"]["reason"] == "it sells to immigration enforcement"
    assert shown["disclosed"]["reply"] == "email"
    code, text, err = cli(["show", str(request_id)])
    assert code == 0
    assert "told LexisNexis Risk Solutions: your name, an address you left in 2019, your e-mail" in flat(text)
    assert "not told: your current address, your phone number" in flat(text)
    # the audit lists what each sent letter told whom
    assert cli(["mark", str(request_id), "sent", "--via", "mail"])[0] == 0
    report = data(cli(["audit", "--json", "--answer", "booked_in_jail=no"])[1])
    (told,) = report["told"]
    assert told["recipient"] == "LexisNexis Risk Solutions" and told["recorded"] is True
    assert told["told"].startswith("your name, an address you left in 2019, your e-mail")
    assert "your current address" in told["withheld"]
    code, text, err = cli(["audit", "--answer", "booked_in_jail=no"])
    assert "What your letters told whom" in text and "#1 access to LexisNexis Risk Solutions" in text


def test_a_follow_up_tells_no_more_than_the_request_it_follows(
    at_risk: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, err = cli(
        ["request", "lexisnexis", "--via", "mail", "--format", "txt", "--out", str(at_risk / "l"), "--json"]
    )
    assert code == 0, err
    request_id = data(stdout)["letters"][0]["id"]
    assert cli(["mark", str(request_id), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")
    code, stdout, err = cli(["followup", "--format", "txt", "--out", str(at_risk / "f"), "--json"])
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert letter["disclosed"] == ["past-addresses", "email"]
    assert_minimal(Path(letter["files"][0]))


def test_no_reply_channel_is_refused_not_sent_home(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    profile = tmp_path / "me.toml"
    profile.write_text(PROFILE.replace('email = "maria.nunez@example.org"\n', ""), encoding="utf-8")
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    code, stdout, err = cli(["request", "lexisnexis", "--out", str(tmp_path / "l")])
    assert code == 1
    assert "withholds your current address (it sells to immigration enforcement)" in flat(err)
    assert "reply_address" in err and "--disclose current-address" in err
    assert not (tmp_path / "l").exists() or not any((tmp_path / "l").iterdir())
    # with a reply address (a P.O. box), that is the return address and where answers go
    with_box = PROFILE.replace('email = "maria.nunez@example.org"\n', "") + (
        '\n[reply_address]\nline1 = "P.O. Box 4410"\ncity = "Denver"\nstate = "CO"\nzip = "80204"\n'
    )
    profile.write_text(with_box, encoding="utf-8")
    assert cli(["profile", "edit", "--from-file", str(profile)])[0] == 0
    code, stdout, err = cli(
        ["request", "lexisnexis", "--via", "mail", "--out", str(tmp_path / "l"), "--json"]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    pdf = next(Path(f) for f in letter["files"] if f.endswith(".pdf"))
    first = flat(PdfReader(pdf).pages[0].extract_text())
    assert first.startswith("María José Núñez Nguyễn P.O. Box 4410 Denver, CO 80204")
    assert_minimal(pdf)


def test_cora_gives_name_and_email_only(at_risk: Path, cli: Runner) -> None:
    args = [
        "cora",
        "--agency",
        "Example County Sheriff's Office",
        "--address",
        "1 Justice Way;Example, CO 80000",
    ]
    code, stdout, err = cli(
        [
            *args,
            "--email",
            "records@example.org",
            "--format",
            "pdf,txt,eml,html",
            "--out",
            str(at_risk / "c"),
            "--json",
        ]
    )
    assert code == 0, err
    made = data(stdout)
    assert made["disclosed"] == ["email"]
    for path in (Path(f) for f in made["files"]):
        assert_minimal(path)
        text = flat(everything_in(path))
        assert PAST_STREET not in text  # the agency gets no address at all
        assert "María José Núñez Nguyễn" in text and "maria.nunez@example.org" in text
    assert "This letter tells Example County Sheriff's Office: your name, your e-mail" in flat(err)
    assert "The agency will see everything in the letter" in err
    # --disclose phone: the phone comes back, the address does not
    code, stdout, err = cli(
        [*args, "--disclose", "phone", "--format", "txt", "--out", str(at_risk / "c"), "--json"]
    )
    text = flat(Path(data(stdout)["files"][0]).read_text())
    assert "+1 303 555 0147" in text and CURRENT_STREET not in text
    # --as clinic: the clinic asks in its own name; the letter names no client
    clinic = ROOT / "examples" / "clinic.toml"
    code, stdout, err = cli(
        [
            *args,
            "--as",
            "clinic",
            "--clinic",
            str(clinic),
            "--format",
            "pdf,txt",
            "--out",
            str(at_risk / "c"),
            "--json",
        ]
    )
    assert code == 0, err
    for path in (Path(f) for f in data(stdout)["files"]):
        text = flat(everything_in(path))
        assert "Centro de Derechos Example Clinic" in text and "100 Example Avenue" in text
        assert "Núñez" not in text and "maria.nunez" not in text
        assert_minimal(path)
    assert "It names no client." in err


def test_clinic_batch_returns_minimal_letters_to_the_clinic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    clinic = ROOT / "examples" / "clinic.toml"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--clinic", str(clinic)])[0] == 0
    sheet = tmp_path / "clients.csv"
    shutil.copyfile(ROOT / "examples" / "clients.csv", sheet)
    out = tmp_path / "batch"
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(sheet),
            "--preset",
            "ice-linked",
            "--kind",
            "access",
            "--out",
            str(out),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(stdout)
    assert summary["by_channel"].get("mail", 0) >= 3
    # what the letters tell, said before anything is written (the dry run says it too)
    (minimal,) = [g for g in summary["disclosure"] if "never the home address or phone" in g["tells"]]
    assert minimal["tells"].endswith("answers go to Centro de Derechos Example Clinic")
    assert "LexisNexis Risk Solutions" in minimal["brokers"] and "Venntel" in minimal["brokers"]
    # (the letters were written above: --again, or the dry run would skip them as repeats)
    code, _, dry = cli(["bulk", "letters", str(sheet), "--preset", "ice-linked", "--dry-run", "--again"])
    assert code == 0 and "never the home address or phone" in dry
    homes = ("1550 Calle", "27 Hưng Đạo", "12 Elm St")
    phones = ("555-0147", "555.0199", "5550147", "5550199")
    pdf = next(Path(f) for f in summary["files"] if re.search(r"B-\d{8}-\w+\.pdf$", f))
    letters = 0
    for page in PdfReader(pdf).pages:
        text = flat(page.extract_text())
        if "How to find my records" in text or "(ref. BA-" in text:
            if "(ref. BA-" in text and "Reference: BA-" in text:  # a letter's first page
                letters += 1
                # the return address (top left, shown in a double-window envelope) is the clinic's
                assert (
                    "c/o Centro de Derechos Example Clinic 100 Example Avenue, Suite 2 Denver, CO 80205"
                    in text
                )
            for home in homes:
                assert home not in text, text[:200]
            for phone in phones:
                assert phone not in text
    assert letters == summary["by_channel"]["mail"]
    # the cover sheet, which goes to the client, says what the letters tell the companies
    every = flat(" ".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "What the letters tell the companies about you" in every
    assert "Thomson Reuters (CLEAR), Equifax" in every
    assert "your name; answers go to Centro de Derechos Example Clinic." in every  # Trần: no e-mail
    assert "Lo que las cartas dicen de usted a las empresas" in every
    assert (
        "su nombre, su correo electrónico; las respuestas irán a Centro de Derechos Example Clinic." in every
    )
    # and, in the client's language, what a state-law request may not reach at LexisNexis
    assert "LexisNexis Risk Solutions dice que gran parte de sus datos son registros públicos" in every
    assert "LexisNexis Risk Solutions says much of its data is public-record" in every
    assert "a request for its FCRA file disclosure can show more (ask us)" in every
    # the e-mails of the work list: no home, no phone
    for eml in (out / f"{summary['batch']}-email").glob("*.eml"):
        assert_minimal(eml)
        for home in homes:
            assert home not in everything_in(eml)
    # the labels and the certified-mail book name the clinic as sender, never a client's home
    book = next(Path(f) for f in summary["files"] if f.endswith("certified-mail.csv"))
    for row in csv.reader(book.open(encoding="utf-8-sig")):
        for home in homes:
            assert not any(home in cell for cell in row)
    labels = next(Path(f) for f in summary["files"] if f.endswith("labels.pdf"))
    for home in homes:
        assert home not in everything_in(labels)
    # the log keeps each letter's disclosure, with the clinic as where answers go
    rows = data(cli(["bulk", "status", "--json"])[1])
    shown = data(cli(["show", str(rows[0]["request_id"]), "--json"])[1])
    assert shown["disclosed"]["reply"] == "clinic" and "current-address" not in shown["disclosed"]["given"]


def test_an_old_request_without_a_recorded_disclosure_still_reads(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vault made by an older broker-audit (format 1): its request has no disclosure record;
    `show` and the audit say so, and new letters are written and logged with one."""
    fixture = ROOT / "tests" / "fixtures" / "vaults" / "format1.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    secrets_ = json.loads(fixture.with_name("format1.db.json").read_text())
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", secrets_["passphrase"])
    code, text, err = cli(["show", "1"])
    assert code == 0, err
    assert "not recorded (a letter from before disclosures were kept" in flat(text)
    assert data(cli(["show", "1", "--json"])[1])["disclosed"] is None
    report = data(cli(["audit", "--json", "--answer", "booked_in_jail=no"])[1])
    assert [t["recorded"] for t in report["told"]] == [False]
    code, stdout, err = cli(
        ["request", "whitepages", "--format", "txt", "--out", str(tmp_path / "l"), "--json"]
    )
    assert code == 0, err
    new_id = data(stdout)["letters"][0]["id"]
    assert data(cli(["show", str(new_id), "--json"])[1])["disclosed"]["minimal"] is False


def test_a_web_form_sheet_lists_only_what_is_given_on_one_page(at_risk: Path, cli: Runner) -> None:
    code, stdout, err = cli(
        [
            "request",
            "lexisnexis",
            "--via",
            "web-form",
            "--format",
            "pdf,txt",
            "--out",
            str(at_risk / "w"),
            "--json",
        ]
    )
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    pdf = next(Path(f) for f in letter["files"] if f.endswith(".pdf"))
    assert len(PdfReader(pdf).pages) == 1
    assert_minimal(pdf)
    text = flat(everything_in(pdf))
    assert "What to give it Name: María José Núñez Nguyễn Previous address: 27 Trần Hưng Đạo Street" in text
    assert "Your current address, your phone number, your date of birth" in text
    assert (
        "It is known to ask for a Social Security number, a driver's licence number or your date of birth"
        in text
    )
