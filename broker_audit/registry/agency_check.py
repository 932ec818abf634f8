"""Named rules over `agencies.toml`, run by `broker-audit registry check` beside the broker (R) and
law (L) rules. Ids are A-prefixed and never reused; each has a description and a fix."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from broker_audit.errors import DataFileError
from broker_audit.geography import US_STATES, zip_matches_state
from broker_audit.provenance import is_proxy_url
from broker_audit.registry.agencies import Agency, AgencyGroup, AgencyRoute

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class AgencyRule:
    id: str
    name: str
    description: str
    fix: str


AGENCY_RULES: tuple[AgencyRule, ...] = (
    AgencyRule(
        "A000",
        "file-validates",
        "agencies.toml parses and matches the schema (every route with a source, a checked date, a "
        "grade and a door).",
        "Fix the file at the line named.",
    ),
    AgencyRule(
        "A001",
        "ids-and-counties",
        "Agency ids are unique; no county has two sheriff's offices.",
        "Rename the id, or merge the two records.",
    ),
    AgencyRule(
        "A002",
        "checked-dates",
        "No checked date is in the future; routes checked more than 18 months ago are stale (warning).",
        "Check the route again at its source and update `checked`.",
    ),
    AgencyRule(
        "A003",
        "no-proxy-or-mirror",
        "No source or form URL is a proxy, a mirror or a cache: the canonical page goes in `source`, "
        "where it was read in `read_at`.",
        "Find the original page's URL; keep the copy's address in `read_at`.",
    ),
    AgencyRule(
        "A004",
        "postal-address",
        "Postal addresses have a real US state code and a ZIP that fits it.",
        "Correct the state or ZIP from the agency's own page.",
    ),
    AgencyRule(
        "A005",
        "group-members",
        "Group ids are unique, every agency a group names exists, and no group is empty.",
        "Add the agency, or remove it from the group.",
    ),
    AgencyRule(
        "A006",
        "unknowns-listed",
        'An agency without a request channel lists "request channel" in `unknown`, and one with a '
        "request channel does not: the list of what is not known stays true.",
        'Add or remove "request channel" in the agency\'s `unknown` list.',
    ),
    AgencyRule(
        "A007",
        "request-channel-sourced",
        "A request channel rests on a primary source (the agency's or its county's own page) "
        "(warning otherwise): a route no official page names for requests is a contact.",
        'Confirm the route on the agency\'s own page, or record it as `door = "contact"`.',
    ),
    AgencyRule(
        "A008",
        "weak-route",
        "A route read only on a weak source (a third-party directory or copy) is listed (warning): it "
        "is never used for a letter by default.",
        "Confirm the route on the agency's own page and raise its grade.",
    ),
)
AGENCY_RULE_BY_ID = {r.id: r for r in AGENCY_RULES}
ROUTE_MAX_AGE_DAYS = 548  # 18 months, as for broker routes


@dataclass(frozen=True)
class AgencyFinding:
    rule: str
    severity: Severity
    message: str
    agency: str = ""
    where: str = ""

    @property
    def fix(self) -> str:
        return AGENCY_RULE_BY_ID[self.rule].fix


def check_agencies(
    agencies: Sequence[Agency], groups: Sequence[AgencyGroup], *, today: dt.date
) -> list[AgencyFinding]:
    """Every A-rule over the directory's records."""
    out = _unique_ids(agencies)
    for agency in agencies:
        out += _agency_rules(agency, today)
    return out + _group_rules(agencies, groups)


def _unique_ids(agencies: Sequence[Agency]) -> list[AgencyFinding]:
    """A001: every id once, every sheriff's office with its county, one office per county."""
    out: list[AgencyFinding] = []
    for agency_id, n in sorted(Counter(a.id for a in agencies).items()):
        if n > 1:
            out.append(AgencyFinding("A001", "error", f"id {agency_id!r} appears {n} times", agency_id, "id"))
    sheriffs = [a for a in agencies if a.kind in ("county-sheriff", "city-county-sheriff")]
    for county, n in sorted(Counter(a.county for a in sheriffs).items()):
        if not county:
            out.append(AgencyFinding("A001", "error", "a sheriff's office without its county", "", "county"))
        elif n > 1:
            out.append(
                AgencyFinding("A001", "error", f"{county} County has {n} sheriff's offices", "", "county")
            )
    return out


def _group_rules(agencies: Sequence[Agency], groups: Sequence[AgencyGroup]) -> list[AgencyFinding]:
    """A005: each group defined once, naming known agencies, and holding at least one."""
    out: list[AgencyFinding] = []
    ids = {a.id for a in agencies}
    for group_id, n in Counter(g.id for g in groups).items():
        if n > 1:
            out.append(
                AgencyFinding(
                    "A005", "error", f"group {group_id!r} is defined {n} times", "", f"group {group_id}"
                )
            )
    for group in groups:
        for member in group.agencies:
            if member not in ids:
                out.append(
                    AgencyFinding(
                        "A005", "error", f"group {group.id!r} names unknown agency {member!r}", member
                    )
                )
        if not any(a.kind in group.kinds or a.id in group.agencies for a in agencies):
            out.append(
                AgencyFinding("A005", "error", f"group {group.id!r} has no agency", "", f"group {group.id}")
            )
    return out


def _agency_rules(agency: Agency, today: dt.date) -> list[AgencyFinding]:
    out: list[AgencyFinding] = []
    a = agency.id
    if agency.checked > today:
        out.append(
            AgencyFinding("A002", "error", f"checked {agency.checked}, which is in the future", a, "checked")
        )
    has_channel = bool(agency.request_channels)
    listed = "request channel" in agency.unknown
    if not has_channel and not listed:
        out.append(
            AgencyFinding(
                "A006", "error", "has no request channel but does not list it as unknown", a, "unknown"
            )
        )
    elif has_channel and listed:
        out.append(
            AgencyFinding("A006", "error", 'lists "request channel" as unknown but has one', a, "unknown")
        )
    for i, route in enumerate(agency.routes):
        out += _agency_route_rules(a, f"routes[{i}]", route, today)
    return out


def _agency_route_rules(a: str, where: str, route: AgencyRoute, today: dt.date) -> list[AgencyFinding]:
    """A002 (checked, not too long ago), A003 (no proxy URL), A004 (a US postal address), A007
    (a request channel on a primary source), A008 (no weak source) over one route."""
    out: list[AgencyFinding] = []

    def add(rule: str, severity: Severity, message: str) -> None:
        out.append(AgencyFinding(rule, severity, message, a, where))

    if route.checked > today:
        add("A002", "error", f"{where} checked {route.checked}, which is in the future")
    elif (today - route.checked).days > ROUTE_MAX_AGE_DAYS:
        add("A002", "warning", f"{route.channel} route last checked {route.checked}")
    urls = [route.source] + ([route.value] if route.channel == "web-form" else [])
    for url in urls:
        if is_proxy_url(url):
            add("A003", "error", f"{where} is a proxy or mirror URL: {url}")
    postal = route.postal
    if postal is not None:
        if postal.state not in US_STATES:
            add("A004", "error", f"postal state {postal.state!r} is not a US state code")
        elif not zip_matches_state(postal.zip, postal.state):
            add("A004", "warning", f"ZIP {postal.zip} does not belong to {postal.state}")
    if route.door == "request-channel" and route.grade != "primary":
        add(
            "A007",
            "warning",
            f"{route.channel} request channel {route.address()!r} rests on a {route.grade} source",
        )
    if route.grade == "weak":
        add("A008", "warning", f"{route.channel} route {route.address()!r} has only a weak source")
    return out


def run_agency_check(path: Path, *, today: dt.date) -> tuple[int, list[AgencyFinding]]:
    """(the number of agencies, the findings) for the directory file at `path`."""
    from broker_audit.registry.agencies import AgenciesFile
    from broker_audit.tomlerrors import load_toml

    try:
        data = load_toml(path, AgenciesFile, table="agency")
    except DataFileError as exc:
        return 0, [AgencyFinding("A000", "error", exc.message, "", str(path))]
    return len(data.agency), check_agencies(data.agency, data.group, today=today)
