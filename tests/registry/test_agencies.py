"""The agency directory (agencies.toml): it loads with a source, a grade, a door and a checked
date on every route, passes its own named checks, and each named check fails on the problem it
names; the route a campaign letter takes follows the house rule (a request channel the agency
names, by mail, then e-mail, then web form; a contact only without one; never a registered
address, a weak source or a phone line)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from broker_audit.errors import DataFileError, UserError
from broker_audit.registry.agencies import (
    Agency,
    AgencyRoute,
    choose_agency_route,
    load_agencies,
    read_agency_list,
    shipped_agencies,
)
from broker_audit.registry.agency_check import AGENCY_RULES, check_agencies, run_agency_check
from broker_audit.registry.schema import Postal
from broker_audit.vocabulary import DOORS, GRADES

TODAY = dt.date(2026, 12, 8)  # the day after the shipped directory was checked
DAY = dt.date(2026, 12, 7)

# What the research (co-agencies-2026-12.md), as reviewed for agencies.toml, found: the agencies
# with a request channel their own (or their county's) page names.
WITH_REQUEST_CHANNEL = {
    "sheriff-clear-creek",
    "sheriff-delta",
    "sheriff-denver",
    "sheriff-el-paso",
    "sheriff-elbert",
    "sheriff-fremont",
    "sheriff-jefferson",
    "sheriff-montrose",
    "sheriff-morgan",
    "sheriff-otero",
    "sheriff-ouray",
    "sheriff-summit",
    "sheriff-teller",
    "state-cbi",
    "state-csp",
    "state-dmv",
}


def test_the_shipped_directory_loads_with_sources_grades_and_doors() -> None:
    directory = shipped_agencies()
    assert len(directory.agencies) == 69
    sheriffs = directory.group("co-sheriffs")
    assert len(sheriffs) == 64  # Colorado's 64 counties, Denver and Broomfield among them
    assert len({a.county for a in sheriffs}) == 64
    assert directory.get("sheriff-denver").name == "Denver Sheriff Department"
    assert {a.id for a in directory.group("co-state")} == {
        "state-cbi",
        "state-cdoc",
        "state-dmv",
        "state-csp",
    }
    for agency in directory.agencies:
        assert agency.checked <= TODAY
        for route in agency.routes:
            assert re.match(r"^https?://\S+$", route.source), (agency.id, route)
            assert route.grade in GRADES and route.door in DOORS and route.checked <= TODAY
    assert {a.id for a in directory.agencies if a.request_channels} == WITH_REQUEST_CHANNEL


def test_what_is_not_known_is_listed() -> None:
    directory = shipped_agencies()
    for agency in directory.agencies:
        assert ("request channel" in agency.unknown) == (not agency.request_channels), agency.id
    # The large agencies the research could not reach say so.
    for big in ("sheriff-adams", "sheriff-arapahoe", "sheriff-larimer", "sheriff-weld", "state-cdoc"):
        assert "request channel" in directory.get(big).unknown


def test_the_shipped_directory_passes_its_own_named_checks() -> None:
    count, findings = run_agency_check(Path(__file__).resolve().parents[2] / "agencies.toml", today=TODAY)
    assert count == 69
    assert [f for f in findings if f.severity == "error"] == []
    # The weak routes are listed, not hidden.
    assert {f.agency for f in findings if f.rule == "A008"} >= {"sheriff-boulder", "sheriff-pueblo"}


def test_registry_check_runs_the_agency_rules() -> None:
    from broker_audit.services.registry import check_registry

    report = check_registry(today=TODAY)
    assert report.agencies == 69
    assert {r.id for r in AGENCY_RULES} <= {r.id for r in report.rules}
    assert not [f for f in report.findings if f.rule.startswith("A") and f.severity == "error"]


def _route(**fields: object) -> AgencyRoute:
    values: dict[str, object] = {
        "channel": "email",
        "value": "records@example.gov",
        "door": "request-channel",
        "grade": "primary",
        "source": "https://example.gov/records",
        "checked": DAY,
    }
    values.update(fields)
    return AgencyRoute(**values)  # type: ignore[arg-type]


def _agency(
    agency_id: str = "sheriff-example", routes: list[AgencyRoute] | None = None, **fields: object
) -> Agency:
    values: dict[str, object] = {
        "id": agency_id,
        "name": "Example County Sheriff's Office",
        "kind": "county-sheriff",
        "county": "Example",
        "checked": DAY,
        "routes": routes if routes is not None else [_route()],
    }
    values.update(fields)
    return Agency(**values)  # type: ignore[arg-type]


def test_each_named_check_fails_on_the_problem_it_names() -> None:
    from broker_audit.registry.agencies import AgencyGroup

    bad_zip = Postal(organization="X", street=["1 Main"], city="Denver", state="CO", zip="10001")
    agencies = [
        _agency(),
        _agency(),  # A001: the same id twice
        _agency("sheriff-other"),  # A001: a second sheriff for Example County
        _agency("sheriff-future", county="Future", checked=TODAY + dt.timedelta(days=2)),  # A002
        _agency(
            "sheriff-proxy",
            county="Proxy",
            routes=[_route(source="https://web.archive.org/web/2021/https://example.gov/records")],  # A003
        ),
        _agency(
            "sheriff-zip",
            county="Zip",
            routes=[_route(channel="mail", value="", postal=bad_zip)],  # A004
        ),
        _agency("sheriff-no-channel", county="None", routes=[_route(door="contact")]),  # A006
        _agency("sheriff-press", county="Press", routes=[_route(grade="secondary")]),  # A007
        _agency("sheriff-weak", county="Weak", routes=[_route(grade="weak")]),  # A007 and A008
    ]
    groups = [AgencyGroup(id="some", description="x", agencies=["sheriff-nowhere"])]  # A005
    found = check_agencies(agencies, groups, today=TODAY)
    by_rule = {(f.rule, f.severity, f.agency) for f in found}
    assert ("A001", "error", "sheriff-example") in by_rule
    assert any(f.rule == "A001" and "Example County has 3" in f.message for f in found)
    assert ("A002", "error", "sheriff-future") in by_rule
    assert ("A003", "error", "sheriff-proxy") in by_rule
    assert ("A004", "warning", "sheriff-zip") in by_rule
    assert ("A005", "error", "sheriff-nowhere") in by_rule
    assert ("A006", "error", "sheriff-no-channel") in by_rule
    assert ("A007", "warning", "sheriff-press") in by_rule
    assert ("A008", "warning", "sheriff-weak") in by_rule
    assert {f.rule for f in found} == {r.id for r in AGENCY_RULES} - {"A000"}


def test_a_file_that_breaks_the_schema_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "agencies.toml"
    path.write_text(
        '[[agency]]\nid = "sheriff-x"\nname = "X"\nkind = "county-sheriff"\ncounty = "X"\n'
        'checked = 2026-12-07\n[[agency.routes]]\nchannel = "email"\nvalue = "a@b.gov"\n'
        'door = "request-channel"\ngrade = "primary"\nchecked = 2026-12-07\n'
    )
    with pytest.raises(DataFileError) as caught:
        load_agencies(path)
    assert "source" in caught.value.message
    count, findings = run_agency_check(path, today=TODAY)
    assert count == 0 and [f.rule for f in findings] == ["A000"]
    path.write_text(path.read_text().replace('door = "request-channel"', 'door = "front-desk"'))
    with pytest.raises(DataFileError):
        load_agencies(path)


def test_a_route_without_its_address_is_refused() -> None:
    with pytest.raises(ValueError, match="postal"):
        _route(channel="mail", value="")
    with pytest.raises(ValueError, match="not an email"):
        _route(value="records at example.gov")
    with pytest.raises(ValueError, match="URL"):
        _route(channel="web-form", value="the county website")


def test_a_campaign_letter_takes_a_request_channel_the_agency_names() -> None:
    mail = _route(
        channel="mail",
        value="",
        postal=Postal(organization="X", street=["PO Box 1"], city="Denver", state="CO", zip="80202"),
    )
    form = _route(channel="web-form", value="https://example.gov/form")
    email = _route()
    agency = _agency(routes=[form, email, mail])
    assert choose_agency_route(agency).route == mail  # mail leaves the best proof
    assert choose_agency_route(agency, prefer="email").route == email
    assert choose_agency_route(_agency(routes=[form, email])).route == email
    # A contact only without a request channel, and with a warning.
    contact = _route(door="contact", value="front@example.gov")
    assert choose_agency_route(_agency(routes=[contact, form])).route == form
    chosen = choose_agency_route(_agency(routes=[contact]))
    assert chosen.route == contact and "no request channel" in chosen.warnings[0]
    # Never a registered address, a weak source or a phone line: those are leads.
    registered = _route(channel="mail", value="", postal=mail.postal, door="registered")
    weak = _route(grade="weak")
    phone = _route(channel="phone", value="303-555-0100")
    none = choose_agency_route(_agency(routes=[registered, weak, phone]))
    assert none.route is None and set(map(id, none.leads)) == {id(registered), id(weak), id(phone)}


def test_the_shipped_routes_a_campaign_takes() -> None:
    """Of the 69 agencies, 16 name a request channel; 4 more have only a contact a letter can use
    (Chaffee's records division, Grand's county-wide form, Park's and Prowers' offices)."""
    directory = shipped_agencies()
    chosen = {a.id: choose_agency_route(a).route for a in directory.agencies}
    routed = {k: r for k, r in chosen.items() if r is not None}
    assert {k for k, r in routed.items() if r.door == "request-channel"} == WITH_REQUEST_CHANNEL
    assert {k for k, r in routed.items() if r.door == "contact"} == {
        "sheriff-chaffee",
        "sheriff-grand",
        "sheriff-park",
        "sheriff-prowers",
    }
    assert chosen["state-cbi"].channel == "mail"  # type: ignore[union-attr]
    assert chosen["sheriff-jefferson"].value == "https://jeffcosheriff.nextrequest.com"  # type: ignore[union-attr]
    assert chosen["sheriff-boulder"] is None  # only a third-party directory's address


def test_an_agency_list_file() -> None:
    directory = shipped_agencies()
    text = "# the front range\nsheriff-jefferson\n\nsheriff-denver  # electronic form only\ngroup:co-state\n"
    chosen = read_agency_list(text, directory)
    assert [a.id for a in chosen][:2] == ["sheriff-jefferson", "sheriff-denver"]
    assert len(chosen) == 6
    with pytest.raises(UserError) as caught:
        read_agency_list("sheriff-jeferson\nsheriff-nowhere\n", directory)
    assert "'sheriff-jeferson'" in caught.value.message and "'sheriff-nowhere'" in caught.value.message
