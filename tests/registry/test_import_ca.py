"""Reading California's registry: the real 2020 Attorney General export and a CPPA-layout fixture."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from pathlib import Path

import pytest
from clijson import data

from broker_audit.errors import DataFileError
from broker_audit.registry.imports import importer_for
from broker_audit.registry.imports.base import norm_label
from broker_audit.registry.imports.california import AG_URL, CPPA_URL, California

ROOT = Path(__file__).resolve().parents[2]
AG_2020 = Path("/work/shared/data/registries/ca-ag-2020.csv")
if not AG_2020.is_file():  # the shared copy lives beside the checkout
    AG_2020 = ROOT.parent / "shared" / "data" / "registries" / "ca-ag-2020.csv"
CPPA = ROOT / "tests" / "fixtures" / "registries" / "cppa-2025-sample.csv"
EMAIL = re.compile(r"^[^@\s\[\]]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from broker_audit.cli.app import main

    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


# --- the real 2020 file ---------------------------------------------------------------------------


@pytest.mark.skipif(not AG_2020.is_file(), reason="the shared 2020 registry copy is not here")
def test_real_2020_file_gives_a_usable_contact_for_at_least_95_percent() -> None:
    rows = California().parse(AG_2020)
    assert rows.form == "ca-ag" and rows.source_url == AG_URL
    assert len(rows.rows) == 433 and not rows.skipped and not rows.unmapped
    usable = sum(r.usable for r in rows.rows)
    coverage = usable / len(rows.rows)
    emails = sum(bool(r.emails) for r in rows.rows)
    postal = sum(r.postal is not None for r in rows.rows)
    forms = sum(r.web_form is not None for r in rows.rows)
    print(
        f"\n2020 CA file: {usable}/{len(rows.rows)} rows usable ({coverage:.1%}); emails {emails}, "
        f"postal addresses {postal}, web forms {forms}"
    )
    assert coverage >= 0.95
    assert coverage == 1.0  # measured: every row gives an email and a website
    assert emails == 433
    assert postal >= 410  # measured 414; the rest are foreign or mistyped (ZIP 941336, 'NY NY')
    for row in rows.rows:
        for email in row.emails:
            assert "[at]" not in email and EMAIL.match(email.split("@")[0] + "@" + email.split("@")[1]), email


@pytest.mark.skipif(not AG_2020.is_file(), reason="the shared 2020 registry copy is not here")
def test_real_2020_file_prose_is_read() -> None:
    by_name = {r.name: r for r in California().parse(AG_2020).rows}
    allant = by_name["Allant Group, LLC"]
    assert allant.emails == ("privacy@allantgroup.com",)  # from "privacy [at] allantgroup.com"
    assert allant.phones == ("1-800-367-7311",)  # from the opt-out prose
    assert allant.postal is not None and allant.postal.street == ("2655 Warrenville Rd", "Suite 200")
    assert (allant.postal.city, allant.postal.state, allant.postal.zip) == ("Downers Grover", "IL", "60515")
    vdx = by_name["Exponential Interactive, Inc. doing business as VDX.tv"]
    assert "VDX.tv" in vdx.aliases and vdx.emails == ("privacy@vdx.tv",)
    zoominfo = by_name["ZoomInfo"]
    assert zoominfo.web_form == "https://www.zoominfo.com/about-zoominfo/privacy-center"
    semasio = by_name["Semasio GmbH"]
    assert semasio.postal is None and any("Hamburg, Germany" in n for n in semasio.notes)


# --- the CPPA layout ------------------------------------------------------------------------------


def test_cppa_fixture_maps_every_column_by_meaning() -> None:
    rows = California().parse(CPPA)
    assert rows.form == "cppa" and rows.source_url == CPPA_URL
    with CPPA.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == 77
    assert rows.unmapped == ()
    assert len(rows.ignored) == 29  # the 2024 request metrics: recognised, not kept
    kinds = dict(rows.columns)
    assert kinds["Data Broker Name"] == "name"
    assert kinds["Collects citizenship or immigration status"] == "bool:collects_immigration_status"
    assert kinds[header[23]] == "bool:shares_with_federal_government"
    assert kinds[header[25]] == "bool:shares_with_law_enforcement"
    assert kinds["Website URL where consumers may exercise their CCPA rights"] == "web_form"
    assert header[0] == "Data Broker Name"  # the BOM is not part of the first label
    assert len(rows.rows) == 30 and rows.coverage == 1.0


def test_cppa_fixture_row_facts() -> None:
    by_name = {r.name: r for r in California().parse(CPPA).rows}
    first = by_name["Example Data Co LLC"]
    flags = dict(first.disclosures)
    assert flags["collects_immigration_status"] is True
    assert flags["shares_with_law_enforcement"] is True
    assert flags["shares_with_federal_government"] is False
    assert first.aliases == ("Example People Finder",)
    assert first.postal is not None and first.postal.zip == "95814" and first.postal.state == "CA"
    assert by_name["Sample Location Analytics Inc."].emails == ("privacy@samplelocation.example",)
    assert by_name["Placeholder Marketing Lists LLC"].phones == ("1-402-555-0133",)
    assert by_name["Demo Identity Graph Inc"].web_form == "https://www.demoidgraph.example/ccpa"
    assert by_name["Demo Identity Graph Inc"].postal.zip == "10001-2345"  # type: ignore[union-attr]
    invented = by_name["Invented Consumer Insights Co."]
    assert invented.emails == () and invented.usable  # no email, but a rights page
    assert dict(by_name["Fictional Auto Data LLC"].disclosures)["collects_precise_geolocation"] is None  # N/A
    assert dict(by_name["Test Tenant Screening Corp"].disclosures)["collects_minors"] is True  # "Y"
    assert by_name["Example Ad Audiences GmbH"].postal is None  # a Canadian address is not guessed
    assert by_name["Test People Search Co"].aliases == ("TestFind", "TestPeople")
    notes = " ".join(by_name["Demo Political Data LLC"].notes)
    assert "Requests may also be mailed. We answer within 45 days." in notes  # quoted newline


def _relabel(src: Path, dest: Path) -> None:
    """The same export as a later year might label and order it."""
    renames = {
        "Data Broker Name": "Business name of the data broker",
        "Doing Business As (DBA) Names": "Other names the business uses (d/b/a)",
        "Data Broker Primary Website": "Homepage URL",
        "Data Broker Email Address": "E-mail for consumer privacy requests",
        "Data Broker Phone Number": "Telephone",
        "Street Address": "Mailing address line 1",
        "City": "Town or city",
        "State": "State / territory",
        "Zip Code": "ZIP",
        "Website URL where consumers may exercise their CCPA rights": "Link to the page where consumers can "
        "exercise their privacy rights",
        "Collects citizenship or immigration status": "Did the data broker collect consumers' citizenship or "
        "immigration status in 2025?",
        "Sold or shared consumers' data with the federal government in the past year": (
            "In 2025, did the data broker share or sell personal information with federal agencies?"
        ),
        "Sold or shared consumers' data with law enforcement (other than by subpoena or court order) in the "
        "past year": "Shared with or sold to law enforcement in 2025 (excluding court orders)?",
        "Comments": "Additional comments",
    }
    with src.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    order = list(range(len(table[0])))
    random.Random(4).shuffle(order)
    header = [renames.get(h, h) for h in table[0]]
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header[i] for i in order])
        for row in table[1:]:
            writer.writerow([row[i] for i in order])


def test_relabelled_and_reordered_export_still_maps(tmp_path: Path) -> None:
    variant = tmp_path / "cppa-2026.csv"
    _relabel(CPPA, variant)
    original = California().parse(CPPA)
    relabelled = California().parse(variant)
    assert relabelled.unmapped == ()
    assert sorted(k for _, k in relabelled.columns) == sorted(k for _, k in original.columns)
    for a, b in zip(original.rows, relabelled.rows, strict=True):
        assert (a.name, a.emails, a.website, a.web_form, a.phones, a.postal, a.disclosures, a.aliases) == (
            b.name,
            b.emails,
            b.website,
            b.web_form,
            b.phones,
            b.postal,
            b.disclosures,
            b.aliases,
        )


def test_unknown_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('Data Broker Name,Email Address,Favourite colour\n"Example Data Co",a@b.example,blue\n')
    rows = California().parse(path)
    assert rows.unmapped == ("Favourite colour",)


def test_windows_1252_and_bom(tmp_path: Path) -> None:
    text = (
        '"Data Broker Name","Email Address","Website URL","Physical Address"\r\n'
        '"Société Exemple Données","privé [at] exemple.example","http://exemple.example",'
        '"1 Rue Example, Montréal, QC H2Y 2L7, Canada"\r\n'
    )
    cp = tmp_path / "cp1252.csv"
    cp.write_bytes(text.encode("cp1252"))
    rows = California().parse(cp)
    assert rows.encoding == "cp1252" and rows.rows[0].name == "Société Exemple Données"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert California().parse(bom).rows[0].name == "Société Exemple Données"


def test_malformed_csv_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        'Data Broker Name,Email Address\n"Good Co",a@good.example\n"Bad Co,b@bad.example\n'
        '"Next Co",c@next.example\n'
    )
    with pytest.raises(DataFileError) as caught:
        California().parse(path)
    assert caught.value.message.startswith(f"{path}:3: malformed CSV")  # where the bad record starts
    assert "quote" in (caught.value.hint or "")


def test_row_with_too_many_fields_is_skipped_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "Data Broker Name,Email Address\nGood Co,a@good.example\nBad Co,b@bad.example,extra\n"
        "Next Co,c@next.example\n"
    )
    rows = California().parse(path)
    assert [r.name for r in rows.rows] == ["Good Co", "Next Co"]
    assert rows.skipped == ((3, "3 fields but the header has 2"),)


def test_no_name_column_and_html_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Size,Shape\nred,big,round\n")
    with pytest.raises(DataFileError) as caught:
        California().parse(path)
    assert str(path) in caught.value.message and "header" in caught.value.message
    page = tmp_path / "page.csv"
    page.write_text("<!doctype html><html><body>Not found</body></html>")
    with pytest.raises(DataFileError) as caught:
        California().parse(page)
    assert "HTML" in caught.value.message


def test_labels_normalise() -> None:
    assert norm_label("Data Broker E-mail Address:") == " data broker email address "


def test_cli_import_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    into = tmp_path / "imported.json"
    code, out, err = run_cli(
        ["registry", "import", "--source", "ca", str(CPPA), "--into", str(into), "--json"], capsys
    )
    assert code == 0, err
    report = data(out)
    assert report["rows"] == 30 and report["brokers"] == 30 and report["coverage"] == 1.0
    assert report["form"] == "cppa" and report["unmapped"] == [] and len(report["new"]) == 30
    stored = json.loads(into.read_text())
    assert stored["imports"][0]["imported_on"] == "2026-11-25"
    assert {b["origin"] for b in stored["broker"]} == {"imported"}
    assert all(b["checked"] == "2026-11-25" for b in stored["broker"])
    email = next(r for r in stored["broker"][0]["routes"] if r["channel"] == "email")
    assert dt.date.fromisoformat(email["checked"]) == dt.date(2026, 11, 25) and email["registry"] == "ca"
    code, _, err = run_cli(["registry", "import", "--source", "xx", str(CPPA), "--into", str(into)], capsys)
    assert code == 1 and "unknown registry 'xx'" in err


def test_importer_for_each_state() -> None:
    for source in ("ca", "vt", "tx", "or"):
        assert importer_for(source).registry == source


def test_shipped_california_imports_match_a_fresh_import(tmp_path: Path) -> None:
    """registries/cppa-2025.json and ca-ag-2020.json are what `registry import` makes of the shipped
    exports: rebuilt by `python scripts/rebuild_shipped_registries.py`; this fails when they drift."""
    from broker_audit import datafiles
    from broker_audit.services.registry import rebuild_shipped_imports

    fresh = rebuild_shipped_imports(into=tmp_path)
    assert [f.name for f in fresh] == ["cppa-2025.json", "ca-ag-2020.json"]  # newest first
    for file in fresh:
        shipped = datafiles.shipped_imports_dir() / file.name
        assert json.loads(file.read_text()) == json.loads(shipped.read_text()), file.name
    old = json.loads((datafiles.shipped_imports_dir() / "ca-ag-2020.json").read_text())["broker"]
    assert len(old) > 400
    routes = [r for b in old for r in b["routes"]]
    assert all(
        r["grade"] == "primary" and r["registry"] == "ca" and r["filed"] in (2019, 2020, 2021) for r in routes
    )


CPPA_2025 = ROOT / "registries" / "cppa-2025.csv"


def test_shipped_2025_export_is_the_file_its_readme_describes() -> None:
    """registries/README.md: the CPPA's 2025 file as copied by mjayjoh/data-broker-analysis at commit
    f6cf1cd9420ec46b4ff20dbde1b1804891496f09, sha256 058b0fcb..., 67 columns, a guidance row, the
    header and 535 brokers (three of them the same company filed again: 532 records)."""
    import csv
    import hashlib

    data = CPPA_2025.read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "058b0fcbdee8a8f3ebc651557dd242ca1dc9ce7ac7a7685ed395814d43f34e9c"
    )
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines(keepends=True)))
    assert {len(r) for r in rows} == {67}
    assert len(rows) == 537
    parsed = California().parse(CPPA_2025)
    assert parsed.form == "cppa" and len(parsed.rows) == 535
    assert parsed.unmapped == ()  # every one of the 67 columns is read or deliberately left out
    assert len(parsed.ignored) == 30  # the 2023 request metrics


def test_2025_export_doors_follow_its_columns() -> None:
    """The 2025 file lists a contact email and phone, the registrant's address and the page where
    consumers exercise their CCPA rights: contacts, a registered address, a request channel."""
    from broker_audit import datafiles
    from broker_audit.registry.merge import load_imported

    bundle = load_imported(datafiles.shipped_imports_dir() / "cppa-2025.json")
    assert [run.rows for run in bundle.imports] == [535] and len(bundle.broker) == 532
    doors = {(r.channel, r.door) for b in bundle.broker for r in b.routes}
    assert doors == {
        ("email", "contact"),
        ("phone", "contact"),
        ("mail", "registered"),
        ("web-form", "request-channel"),
    }
    assert all(r.filed == 2025 and r.registry == "ca" for b in bundle.broker for r in b.routes)
    clearview = next(b for b in bundle.broker if b.name == "Clearview AI, Inc.")
    form = next(r for r in clearview.routes if r.channel == "web-form")
    assert form.value == "https://www.clearview.ai/privacy-and-requests"
    assert "exercise their CA Consumer Privacy Act rights" in form.door_words
    assert clearview.disclosures is not None and clearview.disclosures.fcra_covered is False
    # The 2025 file asks nothing about selling to government: no such answer is made up.
    assert clearview.disclosures.shares_with_federal_government is None


def test_2020_export_doors_follow_its_columns() -> None:
    """The 2020 Attorney General export: the CCPA instructions column names request channels; the
    email column is a contact field; the physical address is the registrant's."""
    parsed = California().parse(ROOT / "registries" / "ca-ag-2020.csv")
    lexis = next(r for r in parsed.rows if r.name == "LexisNexis Risk Solutions")
    assert lexis.web_form == "https://consumer.risk.lexisnexis.com/california"
    assert lexis.web_form_label.startswith("How a consumer may opt out of sale or submit requests")
    assert lexis.request_phones == ("1-888-217-1591",)
    assert lexis.request_emails == ()  # its email is only in the protected-individuals column
    assert lexis.emails[0] == "consumer.documents@lexisnexis.com"


def test_2026_header_wording_maps_the_government_and_immigration_flags(tmp_path: Path) -> None:
    """The CPPA's 2026 file (not shipped: no copy of it could be read here) asks the yes/no questions
    the 2025 file does not. Its header wording, as a public build script quotes it (curly
    apostrophes and a non-breaking hyphen included), maps to the flags that feed
    `brokers list --sells-to` and the audit; the two rows are invented."""
    from broker_audit.registry.merge import build_brokers

    header = [
        "Data broker name:",
        "Data broker primary website:",
        "Data broker primary contact email address:",
        "Data broker collects consumers\u2019 citizenship data, including immigration status",
        "Data broker shared or sold consumers\u2019 data to the federal government in the past year",
        "Data broker shared or sold consumers\u2019 data to law enforcement in the past year, except when "
        "required by subpoena or court order",
        "Data broker shared or sold consumers\u2019 data to a foreign actor in the past year",
        "The data broker collects consumers\u2019 government\u2011issued identification numbers",
    ]
    path = tmp_path / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(
            [
                "Example Locator Inc.",
                "https://locator.example",
                "privacy@locator.example",
                "Yes",
                "Yes",
                "Yes",
                "No",
                "Yes",
            ]
        )
        writer.writerow(
            [
                "Sample Lists LLC",
                "https://lists.example",
                "privacy@lists.example",
                "No",
                "No",
                "No",
                "No",
                "No",
            ]
        )
    rows = California().parse(path)
    assert rows.form == "cppa" and rows.unmapped == ()
    kinds = dict((label, kind) for label, kind in rows.columns)
    assert [kinds[h] for h in header[3:]] == [
        "bool:collects_immigration_status",
        "bool:shares_with_federal_government",
        "bool:shares_with_law_enforcement",
        "bool:shares_with_foreign_actors",
        "bool:collects_government_id",
    ]
    built = build_brokers(rows, source_url=CPPA_URL, today=dt.date(2026, 12, 7), taken_ids=())
    locator, lists = built.brokers
    assert locator.sells_to("federal-government") and locator.sells_to("law-enforcement")
    assert locator.disclosures is not None and locator.disclosures.collects_immigration_status is True
    assert not lists.sells_to("federal-government") and not lists.sells_to("law-enforcement")
