"""Browsing the agency directory: the agencies a records request goes to, and the route each
campaign letter would take."""

from __future__ import annotations

from dataclasses import dataclass

from broker_audit.registry.agencies import Directory, choose_agency_route


@dataclass(frozen=True)
class AgencyListing:
    """One agency as `agencies list` shows it: the route a campaign letter takes (all None when
    no letter can reach it) and what is not known. The data of `agencies list --json`."""

    id: str
    name: str
    kind: str
    channel: str | None
    door: str | None
    grade: str | None
    send_to: str | None
    source: str | None
    unknown: list[str]


def list_agencies(
    directory: Directory, *, group: str | None = None, without_route: bool = False
) -> list[AgencyListing]:
    """The agencies of `group` (every one when None), each with the route a campaign letter
    takes; with `without_route`, only those no letter can reach yet."""
    rows = []
    for agency in directory.group(group) if group else directory.agencies:
        route = choose_agency_route(agency).route
        if without_route and route is not None:
            continue
        rows.append(
            AgencyListing(
                id=agency.id,
                name=agency.name,
                kind=agency.kind,
                channel=route.channel if route else None,
                door=route.door if route else None,
                grade=route.grade if route else None,
                send_to=route.address() if route else None,
                source=route.source if route else None,
                unknown=list(agency.unknown),
            )
        )
    return rows
