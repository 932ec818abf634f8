"""Who is searched for, and the exact URLs that would be sent. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from broker_audit.errors import MissingProfileField, UserError
from broker_audit.geography import STATE_NAMES
from broker_audit.profile import Profile
from broker_audit.registry.routes import form_route
from broker_audit.registry.schema import SEARCH_PLACEHOLDER_RE, Broker, SearchRule


def fold(text: str) -> str:
    """ASCII letters for a search or a comparison: "Núñez" -> "Nunez"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, for matching page text."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text).lower()).split())


def state_name(code: str) -> str:
    name = STATE_NAMES.get(code.upper(), code)
    return name.removeprefix("the ")


@dataclass(frozen=True)
class Place:
    city: str
    state: str  # two-letter code


@dataclass(frozen=True)
class Person:
    """What a search may send (first and last name, city, state) and what a listing is matched
    against (every name and every place the profile knows)."""

    first: str
    last: str
    city: str
    state: str
    names: tuple[tuple[str, str], ...]  # (first, last) of each known name, normalised
    places: tuple[Place, ...]


def _first_last(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        raise UserError(
            "a scan needs a first and a last name", 'give the name to search with --name "First Last"'
        )
    return parts[0], parts[-1]


def person_from_profile(profile: Profile, search_name: str | None = None) -> Person:
    """The searched name is the profile's name unless `search_name` is given (e.g. the name the
    person is better known by); the city and state are the current address's."""
    address = profile.current_address
    if address is None:
        raise MissingProfileField("address", "a scan (sites search by name plus city and state)")
    first, last = _first_last(" ".join((search_name or profile.name).split()))
    names = []
    for name in (f"{first} {last}", profile.name, *profile.other_names):
        if len(name.split()) >= 2:
            f, la = _first_last(name)
            names.append((normalise(f), normalise(la)))
    places = [Place(a.city, a.state.upper()) for a in profile.addresses]
    return Person(
        first=first,
        last=last,
        city=address.city,
        state=address.state.upper(),
        names=tuple(dict.fromkeys(names)),
        places=tuple(dict.fromkeys(places)),
    )


def _slug(value: str, rule: SearchRule, filters: list[str]) -> str:
    if "state-name" in filters:
        value = state_name(value)
    value = fold(value)
    for f in filters:
        if f == "lower":
            value = value.lower()
        elif f == "upper":
            value = value.upper()
        elif f == "title":
            value = " ".join(w[:1].upper() + w[1:].lower() for w in value.split())
    if rule.encoding == "path":
        return re.sub(r"[^A-Za-z0-9]+", rule.separator, value).strip(rule.separator)
    return quote(" ".join(value.split()), safe="")


def search_url(rule: SearchRule, person: Person, base_url: str | None = None) -> str:
    """The rule's URL template filled in for `person`; `base_url` replaces its scheme and host
    (and adds its path in front), so that tests can point a rule at a local server."""
    values = {"first": person.first, "last": person.last, "city": person.city, "state": person.state}

    def fill(match: re.Match[str]) -> str:
        key, *filters = match.group(1).split("|")
        return _slug(values[key], rule, filters)

    url = SEARCH_PLACEHOLDER_RE.sub(fill, rule.url)
    if base_url:
        parts = urlsplit(url)
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        url = base_url.rstrip("/") + rest
    return url


@dataclass(frozen=True)
class PlannedSearch:
    broker_id: str
    broker_name: str
    url: str
    verified: bool  # the rule's selectors were checked against a real saved page
    opt_out: str = ""  # the broker's opt-out web form, when the registry has one


def plan_searches(
    brokers: list[Broker],
    person: Person,
    *,
    base_url: str | None = None,
    base_urls: dict[str, str] | None = None,
) -> list[PlannedSearch]:
    out = []
    for broker in brokers:
        if broker.search is None:
            continue
        base = (base_urls or {}).get(broker.id) or base_url
        opt_out_form = form_route(broker, "opt-out")
        form = opt_out_form.value if opt_out_form else ""
        out.append(
            PlannedSearch(
                broker_id=broker.id,
                broker_name=broker.name,
                url=search_url(broker.search, person, base),
                verified=broker.search.verified,
                opt_out=form,
            )
        )
    return out
