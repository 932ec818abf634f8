"""The agencies a records request goes to (`agencies.toml`): typed records, the groups a campaign
names (`co-sheriffs`), and the choice of each agency's route.

The same rules as a broker's routes: every route carries the page it was read on (`source`), the
day it was checked and a grade; what kind of door it is (`door`) is recorded from the page's own
words. A route is a `request-channel` only when a page names it for records requests. What could
not be confirmed is left out and named in the agency's `unknown` list, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from broker_audit import datafiles
from broker_audit.errors import DataFileError, UserError
from broker_audit.i18n import _
from broker_audit.registry.routevalue import value_problem
from broker_audit.registry.schema import Postal
from broker_audit.strict import Id, StateCode, Strict, Url
from broker_audit.vocabulary import CHANNELS, Channel, Door, Grade, channels_by_rank
from broker_audit.words import channel_name

AgencyKind = Literal["county-sheriff", "city-county-sheriff", "state-agency", "association"]


# What a letter asks about, by kind of agency, when the record does not say (`Agency.data`).
DATA_WORDS: dict[str, tuple[str, str]] = {
    "county-sheriff": ("booking, jail, arrest or mugshot data", "booking data"),
    "city-county-sheriff": ("booking, jail, arrest or mugshot data", "booking data"),
    "state-agency": (
        "personal data about people, such as arrest, booking, licence or address data",
        "personal data",
    ),
    "association": ("booking, jail, arrest or mugshot data", "booking data"),
}


class AgencyRoute(Strict, kw_only=True, frozen=True):
    """One way to send a records request to an agency, with where it was read and how sure it is.

    `value` is the e-mail address, the URL of the form (or of the page that hosts or links it: the
    `note` says which) or the phone number; `postal` the address as it goes in an envelope window.
    """

    channel: Channel
    value: str = ""
    postal: Postal | None = None
    door: Door
    grade: Grade
    source: Url
    read_at: str = ""  # where it was actually read when that was a copy; never printed
    checked: dt.date
    note: str = ""

    def __post_init__(self) -> None:
        problem = value_problem(self.channel, self.value, self.postal is not None)
        if problem is not None:
            raise ValueError(problem)

    def address(self) -> str:
        """The route's address as one line: the email, URL, number, or the postal lines."""
        return " / ".join(self.postal.lines()) if self.postal is not None else self.value


class Agency(Strict, kw_only=True, frozen=True):
    id: Id
    name: str
    kind: AgencyKind
    county: str = ""
    state: StateCode = "CO"
    # What the letter asks about, in words that follow "which ... is sent to": empty for the
    # wording of the agency's kind (DATA_WORDS).
    data: str = ""
    routes: list[AgencyRoute] = []
    # What could not be confirmed, in words: "request channel", "form URL", "e-mail address".
    unknown: list[str] = []
    checked: dt.date
    notes: str = ""

    def data_words(self) -> tuple[str, str]:
        """(what the letter asks about, the same in a few words for its subject line)."""
        words, short = DATA_WORDS[self.kind]
        return (self.data or words, short)

    @property
    def request_channels(self) -> list[AgencyRoute]:
        return [r for r in self.routes if r.door == "request-channel"]


class AgencyGroup(Strict, kw_only=True, frozen=True):
    """A named set of agencies a campaign writes to: by kind, and/or by id."""

    id: Id
    description: str
    kinds: list[AgencyKind] = []
    agencies: list[Id] = []


class AgenciesFile(Strict, kw_only=True, frozen=True):
    agency: list[Agency]
    group: list[AgencyGroup] = []


@dataclass(frozen=True)
class Directory:
    """The agencies and their groups, by id."""

    agencies: tuple[Agency, ...]
    groups: tuple[AgencyGroup, ...] = ()
    _by_id: dict[str, Agency] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for agency in self.agencies:
            if agency.id in self._by_id:
                raise DataFileError(f"agency id {agency.id!r} appears twice in the agency directory")
            self._by_id[agency.id] = agency

    def get(self, agency_id: str) -> Agency:
        found = self._by_id.get(agency_id.strip().lower())
        if found is None:
            close = [a.id for a in self.agencies if agency_id.strip().lower() in a.id][:5]
            hint = "`broker-audit agencies list` shows the ids"
            if close:
                hint = "did you mean: " + ", ".join(close)
            raise UserError(f"no agency {agency_id!r} in the directory", hint)
        return found

    def group(self, group_id: str) -> list[Agency]:
        """The agencies of a group, in directory order."""
        group = next((g for g in self.groups if g.id == group_id.strip().lower()), None)
        if group is None:
            names = ", ".join(g.id for g in self.groups) or "none"
            raise UserError(f"no agency group {group_id!r}", f"groups are: {names}")
        chosen = set(group.agencies)
        return [a for a in self.agencies if a.kind in group.kinds or a.id in chosen]


def load_agencies(path: Path | None = None) -> Directory:
    from broker_audit.tomlerrors import load_toml

    data = load_toml(path or datafiles.agencies_file(), AgenciesFile, table="agency")
    return Directory(tuple(data.agency), tuple(data.group))


@cache
def shipped_agencies() -> Directory:
    return load_agencies()


def read_agency_list(text: str, directory: Directory) -> list[Agency]:
    """The agencies named in a list file: one id per line; blank lines and `#` comments are
    skipped; a line may also name a group (`group:co-state`). Unknown ids are an error that names
    every one of them, so a typo never silently drops an agency."""
    chosen: dict[str, Agency] = {}
    unknown: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().strip(",")
        if not line:
            continue
        if line.lower().startswith("group:"):
            for agency in directory.group(line.split(":", 1)[1]):
                chosen.setdefault(agency.id, agency)
            continue
        try:
            agency = directory.get(line)
        except UserError:
            unknown.append(line)
            continue
        chosen.setdefault(agency.id, agency)
    if unknown:
        raise UserError(
            "not in the agency directory: " + ", ".join(repr(u) for u in unknown[:10]),
            "one agency id per line, as `broker-audit agencies list` shows them (e.g. sheriff-adams)",
        )
    if not chosen:
        raise UserError("the agency list names no agency", "one agency id per line, e.g. sheriff-adams")
    return list(chosen.values())


# --- the route a letter takes --------------------------------------------------------------------


def letter_channels() -> tuple[str, ...]:
    """The channels a records request can go by (it is made in writing: not a phone call), the
    one that leaves the best proof first."""
    return tuple(c for c in channels_by_rank() if CHANNELS[c].written)


@dataclass(frozen=True)
class AgencyRouteChoice:
    route: AgencyRoute | None
    warnings: list[str] = field(default_factory=list)
    # Routes not used by default (a registered address, a weak source, a phone line): leads for
    # the user to confirm, shown with an agency that has no route.
    leads: list[AgencyRoute] = field(default_factory=list)


def _order(route: AgencyRoute, prefer: str | None) -> tuple[int, int, int]:
    grade = {"primary": 0, "secondary": 1, "weak": 2}[route.grade]
    channel = letter_channels().index(route.channel)
    return (0 if route.channel == prefer else 1, channel, grade)


def choose_agency_route(agency: Agency, prefer: str | None = None) -> AgencyRouteChoice:
    """The route a campaign letter takes to `agency`.

    A request channel the agency names, by mail, then e-mail, then web form (or the channel in
    `prefer` first), then grade. Without one, a contact route (a records division's mailbox, a
    county-wide form) with a warning. Never a registered address, never a route read only on a
    weak source, never a phone line (no letter can be written for one): those are leads.
    """
    written = letter_channels()
    usable = [r for r in agency.routes if r.channel in written and r.grade != "weak"]
    leads = [r for r in agency.routes if r not in usable or r.door == "registered"]
    channels = sorted((r for r in usable if r.door == "request-channel"), key=lambda r: _order(r, prefer))
    if channels:
        route = channels[0]
        warnings = []
        if route.grade != "primary":
            warnings.append(
                f"{agency.id}: its {route.channel} route rests on a {route.grade} source ({route.source})"
            )
        return AgencyRouteChoice(route, warnings, leads)
    contacts = sorted((r for r in usable if r.door == "contact"), key=lambda r: _order(r, prefer))
    if contacts:
        route = contacts[0]
        return AgencyRouteChoice(
            route,
            [
                _(
                    "{id}: no request channel is known; the letter goes to a {channel} contact "
                    "({address}) that its page does not name for records requests"
                ).format(id=agency.id, channel=channel_name(route.channel), address=route.address())
            ],
            leads,
        )
    return AgencyRouteChoice(None, [], leads)


def agencies_without_route(agencies: Sequence[Agency]) -> list[Agency]:
    return [a for a in agencies if choose_agency_route(a).route is None]
