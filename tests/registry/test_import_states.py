"""Vermont, Texas and Oregon: what their exports or saved pages allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker_audit.errors import DataFileError
from broker_audit.registry.imports import importer_for

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "registries"


def test_vermont_export() -> None:
    rows = importer_for("vt").parse(FIXTURES / "vt-sos-sample.csv")
    assert rows.form == "vt-sos" and rows.unmapped == () and len(rows.rows) == 4
    by_name = {r.name: r for r in rows.rows}
    first = by_name["EXAMPLE DATA CO LLC"]
    assert first.website == "https://www.exampledata.example"  # "www..." given without a scheme
    assert first.web_form == "https://www.exampledata.example/optout"  # from the opt-out method prose
    assert first.phones == ("1-800-555-0000",)
    green = by_name["GREEN MOUNTAIN SAMPLE LISTS, INC."]
    assert green.emails == ("optout@gmsample.example",)
    assert green.postal is not None and green.postal.zip == "05401-1234" and green.postal.state == "VT"
    assert dict(green.disclosures)["collects_minors"] is True
    assert by_name["FICTIONAL ARCHIVE RECORDS LLC"].status == "EXPIRED"
    assert by_name["OFFSHORE SAMPLE ANALYTICS LTD"].postal is None
    assert any("authorize a third party" in n for n in first.notes)


def test_texas_export_with_preamble() -> None:
    rows = importer_for("tx").parse(FIXTURES / "tx-sos-sample.csv")
    assert rows.form == "tx-sos" and rows.unmapped == () and len(rows.rows) == 3
    assert [r.line for r in rows.rows] == [4, 5, 7]  # a quoted newline makes row 2 two lines long
    kinds = dict(rows.columns)
    assert "Contact Person" not in kinds  # a named individual is not kept
    by_name = {r.name: r for r in rows.rows}
    screens = by_name["Sample Background Screens Inc."]
    assert screens.emails == ("legal@samplescreens.example",)
    assert screens.phones == ("1-713-555-0102",)
    assert dict(screens.disclosures)["collects_minors"] is True
    assert all("Placeholder" not in " ".join(r.notes) for r in rows.rows)
    assert by_name["Example Data Co LLC"].aliases == ("Example People Finder",)


def test_oregon_saved_results_page() -> None:
    rows = importer_for("or").parse(FIXTURES / "or-dcbs-results.html")
    assert rows.form == "or-dcbs-html" and rows.unmapped == ()
    assert [r.name for r in rows.rows] == [
        "EXAMPLE DATA CO LLC",
        "CASCADE SAMPLE INSIGHTS INC",
        "WILLAMETTE PLACEHOLDER DATA LLC",
    ]
    assert [r.status for r in rows.rows] == ["Active", "Active", "Expired"]
    assert all(r.line > 0 for r in rows.rows)
    assert not any(r.usable for r in rows.rows)  # the page gives names, not contacts
    assert "SALEM, OR" in " ".join(rows.rows[2].notes)


def test_oregon_pipe_delimited_export(tmp_path: Path) -> None:
    path = tmp_path / "oregon.csv"
    path.write_text(
        "Name|License Number|Status|City|State\nCASCADE SAMPLE INSIGHTS INC|DB-3002|Active|PORTLAND|OR\n"
    )
    rows = importer_for("or").parse(path)
    assert rows.rows[0].name == "CASCADE SAMPLE INSIGHTS INC" and rows.rows[0].status == "Active"


def test_oregon_page_without_results(tmp_path: Path) -> None:
    page = tmp_path / "search.html"
    page.write_text("<html><body><table><tr><td>Search</td></tr></table></body></html>")
    with pytest.raises(DataFileError) as caught:
        importer_for("or").parse(page)
    assert str(page) in caught.value.message and "results" in caught.value.message
