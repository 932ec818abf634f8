"""Imported brokers beside the curated ones: never overwriting a curated fact; new, changed, gone."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import msgspec
import pytest

from broker_audit.errors import DataFileError, UnknownBroker
from broker_audit.registry.load import filter_brokers, load_registry
from broker_audit.registry.merge import load_imported, match_key, slug
from broker_audit.services.registry import import_registry

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "registries"
CPPA = FIXTURES / "cppa-2025-sample.csv"
TODAY = dt.date(2026, 11, 25)

CURATED = """\
[[broker]]
id = "example-data"
name = "Example Data"
legal_name = "Example Data Co LLC"
categories = ["people-search"]
website = "https://www.exampledata.example"
checked = 2026-10-01
notes = "Curated by hand."

[[broker.routes]]
channel = "email"
value = "requests@exampledata.example"
grade = "primary"
source = "https://www.exampledata.example/privacy"
checked = 2026-10-01

[[broker.sources]]
url = "https://www.exampledata.example/privacy"
checked = 2026-10-01

[[broker]]
id = "sample-location-analytics"
name = "A Different Company"
categories = ["marketing"]
website = "https://different.example"
checked = 2026-10-01

[broker.disclosures]
registry = "ca"
source = "https://cppa.ca.gov/data_broker_registry/"
checked = 2026-01-01
shares_with_law_enforcement = false

[[broker.sources]]
url = "https://different.example/about"
checked = 2026-10-01

[[broker]]
id = "demo-identity"
name = "Demo Identity"
aliases = ["demo identity graph"]
categories = ["marketing"]
checked = 2026-10-01

[broker.disclosures]
registry = "ca"
source = "https://cppa.ca.gov/data_broker_registry/"
checked = 2026-01-01
shares_with_law_enforcement = false

[[broker.sources]]
url = "https://demo.example/about"
checked = 2026-10-01

[[preset]]
id = "mine"
description = "test"
brokers = ["example-data"]
"""


@pytest.fixture
def curated(tmp_path: Path) -> Path:
    path = tmp_path / "brokers.toml"
    path.write_text(CURATED)
    return path


def test_merge_never_overwrites_a_curated_fact(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    before = load_registry(curated).get("example-data")
    result = import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    assert ("Example Data Co LLC", "example-data", "curated") in result.matched
    registry = load_registry(curated, imported=into)
    after = registry.get("example-data")
    # Every curated fact is as it was ...
    for field in ("name", "legal_name", "categories", "website", "checked", "notes", "aliases", "origin"):
        assert getattr(after, field) == getattr(before, field), field
    # ... it gains membership and the registry's disclosures ...
    assert after.registries == ["ca"]
    assert after.disclosures is not None and after.disclosures.collects_immigration_status is True
    # One broker, not two; the imported twin resolves to the curated record.
    assert registry.resolve("Example Data Co LLC").id == "example-data"
    assert sum(b.name == "Example Data Co LLC" for b in registry.brokers) == 0
    assert len(registry.brokers) == 3 + 30 - 2  # Example Data and Demo Identity Graph merged


def test_curated_broker_gains_the_registrys_routes_and_keeps_its_own(tmp_path: Path, curated: Path) -> None:
    """The filing gives privacy@exampledata.example, (800) 555-0000 and 1 Example Way, Sacramento.
    The curated email route stays as it was (the filing's email is not added over it); the
    channels the curated record lacks (mail, phone) are added, graded primary, marked as filed
    with California, sourced to the registry."""
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    after = load_registry(curated, imported=into).get("example-data")
    by_channel = {r.channel: r for r in after.routes}
    assert after.routes[0].value == "requests@exampledata.example" and after.routes[0].registry is None
    assert [r.value for r in after.routes if r.channel == "email"] == ["requests@exampledata.example"]
    mail = by_channel["mail"]
    assert mail.postal is not None and mail.postal.city == "Sacramento" and mail.postal.zip == "95814"
    assert by_channel["phone"].value == "1-800-555-0000"
    for added in (mail, by_channel["phone"]):
        assert added.grade == "primary" and added.registry == "ca"
        assert added.source == "https://cppa.ca.gov/data_broker_registry/"
        assert added.provenance().startswith("as filed with California")
    assert "https://cppa.ca.gov/data_broker_registry/" in {s.url for s in after.sources}


def test_curated_disclosures_are_kept(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    demo = load_registry(curated, imported=into).get("demo-identity")
    assert demo.disclosures is not None and demo.disclosures.checked == dt.date(2026, 1, 1)
    assert demo.disclosures.shares_with_law_enforcement is False  # the curated answer stays
    assert demo.registries == ["ca"]


def test_imported_ids_never_collide_with_curated_ids(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    stored = {b.name: b.id for b in load_imported(into).broker}
    assert stored["Sample Location Analytics Inc."] == "sample-location-analytics-2"
    assert stored["Fictional Background Checks Corp."] == "fictional-background-checks"
    registry = load_registry(curated, imported=into)
    assert registry.get("sample-location-analytics").name == "A Different Company"
    assert registry.get("sample-location-analytics-2").origin == "imported"
    assert len({b.id for b in registry.brokers}) == len(registry.brokers)


def test_imported_facts_are_sourced_to_the_registry(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    for broker in load_imported(into).broker:
        assert broker.origin == "imported" and broker.registries == ["ca"] and broker.checked == TODAY
        assert broker.sources[0].url == "https://cppa.ca.gov/data_broker_registry/"
        for route in broker.routes:
            assert route.source == "https://cppa.ca.gov/data_broker_registry/" and route.checked == TODAY
            assert route.grade == "primary" and route.registry == "ca" and route.read_at == CPPA.name
    # A documented default for the older export; a page passed in wins.
    other = tmp_path / "other.json"
    import_registry(
        "ca",
        CPPA,
        today=TODAY,
        into=other,
        brokers_file=curated,
        source_url="https://cppa.ca.gov/data_broker_registry/2025/",
    )
    assert load_imported(other).broker[0].sources[0].url == "https://cppa.ca.gov/data_broker_registry/2025/"


def test_sells_to_counts_registry_disclosures(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    registry = load_registry(curated, imported=into)
    police = {b.name for b in filter_brokers(registry.brokers, sells_to="law-enforcement")}
    federal = {b.name for b in filter_brokers(registry.brokers, sells_to="federal-government")}
    assert {"Mock Risk Solutions LLC", "Mock Immigration Data Services Inc."} <= police
    assert {"Mock Risk Solutions LLC", "Demo Jail Booking Data Inc."} <= federal
    # Example Data disclosed law enforcement but not the federal government.
    assert "Example Data" in police and "Example Data" not in federal
    # A disclosure is not evidence of sales to immigration enforcement.
    assert not filter_brokers(registry.brokers, sells_to="immigration-enforcement")
    assert "Example Data" in {b.name for b in filter_brokers(registry.brokers, registry="ca")}


def _edited_fixture(dest: Path) -> None:
    with CPPA.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    header, rows = table[0], table[1:]
    rows = [r for r in rows if r[0] != "Mock B2B Contacts LLC"]  # gone
    for r in rows:
        if r[0] == "Fictional Auto Data LLC":
            r[3] = "newprivacy@fictionalauto.example"  # changed
    rows.append(
        ["Brand New Example Brokers LLC", "", "https://brandnew.example", "privacy@brandnew.example"]
        + [""] * (len(header) - 4)
    )
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_new_changed_gone_against_the_previous_import(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    first = import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    assert len(first.new) == 30 and first.changed == () and first.gone == ()
    ids_before = {b.name: b.id for b in load_imported(into).broker}
    again = import_registry("ca", CPPA, today=TODAY + dt.timedelta(days=30), into=into, brokers_file=curated)
    assert again.new == () and again.changed == () and again.gone == ()  # only dates moved
    edited = tmp_path / "cppa-next.csv"
    _edited_fixture(edited)
    later = import_registry(
        "ca", edited, today=TODAY + dt.timedelta(days=60), into=into, brokers_file=curated
    )
    assert later.new == ("brand-new-example-brokers",)
    assert later.changed == ("fictional-auto-data",)
    assert later.gone == ("mock-b2b-contacts",)
    ids_after = {b.name: b.id for b in load_imported(into).broker}
    assert all(ids_after[name] == broker_id for name, broker_id in ids_before.items() if name in ids_after)


def test_registries_are_kept_apart_and_merged_in_the_view(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    tx = import_registry("tx", FIXTURES / "tx-sos-sample.csv", today=TODAY, into=into, brokers_file=curated)
    assert tx.brokers == 3
    stored = load_imported(into)
    assert {r.registry for r in stored.imports} == {"ca", "tx"}
    assert sum(b.registries == ["ca"] for b in stored.broker) == 30
    registry = load_registry(curated, imported=into)
    assert registry.get("example-data").registries == ["ca", "tx"]
    lone = registry.resolve("Lone Star Example Data LLC")
    assert lone.registries == ["tx"] and any(r.channel == "email" for r in lone.routes)
    # Re-importing Texas replaces only the Texas records.
    import_registry("tx", FIXTURES / "tx-sos-sample.csv", today=TODAY, into=into, brokers_file=curated)
    assert sum(b.registries == ["ca"] for b in load_imported(into).broker) == 30


def test_oregon_membership_joins_a_known_broker(tmp_path: Path, curated: Path) -> None:
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    import_registry("or", FIXTURES / "or-dcbs-results.html", today=TODAY, into=into, brokers_file=curated)
    registry = load_registry(curated, imported=into)
    assert "or" in registry.get("example-data").registries
    cascade = registry.resolve("Cascade Sample Insights Inc")
    assert cascade.registries == ["or"] and not cascade.routes


def test_shipped_load_merges_the_imported_file_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broker_audit import datafiles

    into = tmp_path / "brokers.imported.json"
    monkeypatch.setattr(datafiles, "imported_brokers_file", lambda: into)
    plain = load_registry()
    # A fresh install already knows California's 2020 registry (shipped in registries/) ...
    assert len(plain.brokers) > 400
    assert plain.resolve("Allant Group, LLC").origin == "imported"
    curated_only = load_registry(datafiles.brokers_file())
    # ... and a new import of the California registry replaces the shipped one.
    import_registry("ca", CPPA, today=TODAY, into=into)
    merged = load_registry()
    assert len(merged.brokers) == len(curated_only.brokers) + 30  # none of the 30 match a shipped curated one
    assert merged.resolve("Mock Risk Solutions").origin == "imported"
    with pytest.raises(UnknownBroker):
        merged.resolve("Allant Group, LLC")


def test_damaged_imported_file_is_a_clear_error(tmp_path: Path, curated: Path) -> None:
    bad = tmp_path / "imported.json"
    bad.write_text('{"format": 1, "broker": [{"id": "x"}]}')
    with pytest.raises(DataFileError) as caught:
        load_registry(curated, imported=bad)
    assert str(bad) in caught.value.message and "registry import" in (caught.value.hint or "")


def test_stored_records_validate_against_the_schema(tmp_path: Path, curated: Path) -> None:
    from broker_audit.registry.schema import ImportedFile

    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    msgspec.json.decode(into.read_bytes(), type=ImportedFile, strict=True)
    raw = msgspec.json.decode(into.read_bytes())
    raw["broker"][0]["surprise"] = 1
    into.write_bytes(msgspec.json.encode(raw))
    with pytest.raises(DataFileError):
        load_imported(into)


@pytest.mark.parametrize(
    ("name", "key", "ident"),
    [
        ("Allant Group, LLC", "allant group", "allant-group"),
        ("The Example Company, Inc.", "example", "example"),
        (
            "Exponential Interactive, Inc. doing business as VDX.tv",
            "exponential interactive inc doing business as vdx tv",
            "exponential-interactive",
        ),
        ("Société Générale Données S.A.", "societe generale donnees s a", "societe-generale-donnees-s-a"),
    ],
)
def test_match_keys_and_slugs(name: str, key: str, ident: str) -> None:
    assert match_key(name) == key
    assert slug(name) == ident


def test_imported_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For read-only installs: import --into PATH, and BROKER_AUDIT_IMPORTED=PATH for every command."""
    into = tmp_path / "elsewhere" / "imported.json"
    monkeypatch.setenv("BROKER_AUDIT_IMPORTED", str(into))
    result = import_registry("ca", CPPA, today=TODAY)
    assert result.into == into and into.is_file()
    assert load_registry().resolve("Mock Risk Solutions").origin == "imported"
