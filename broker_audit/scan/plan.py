"""Who is searched for, and the exact URLs that would be sent. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from broker_audit.errors import MissingProfileField, UserError
from broker_audit.geography import STATE_NAMES
from broker_audit.i18n import _
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
class SearchName:
    """One way the person's name may be listed, as a (first, last) pair a search form takes."""

    first: str
    last: str
    why: str  # "both surnames", "first surname", "last word", "other name"


@dataclass(frozen=True)
class Person:
    """What a search may send (first and last name, city, state) and what a listing is matched
    against (every name and every place the profile knows). `variants` are the names searched,
    the first of them `first` and `last`."""

    first: str
    last: str
    city: str
    state: str
    names: tuple[tuple[str, str], ...]  # (first, last) of each known name, normalised
    places: tuple[Place, ...]
    variants: tuple[SearchName, ...] = ()


def _first_last(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        raise UserError(
            _("a scan needs a first and a last name"), _('give the name to search with --name "First Last"')
        )
    return parts[0], parts[-1]


_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "van", "von"})


def _joined_particles(words: list[str]) -> list[str]:
    """ "Ortega de la Luna" -> ["Ortega", "de la Luna"]: a particle belongs to the surname after it."""
    out: list[str] = []
    pending: list[str] = []
    for index, word in enumerate(words):
        if index > 0 and word.casefold() in _PARTICLES and index < len(words) - 1:
            pending.append(word)
            continue
        out.append(" ".join([*pending, word]))
        pending = []
    return out


def name_variants(name: str, why: str = "") -> list[SearchName]:
    """The (first, last) pairs a name may be listed under, the way people write theirs.

    Three words or more: both surnames ("Rosa Elena Martínez Ortega": Martínez Ortega, as a
    Spanish-speaking person writes it), the first surname alone (Martínez, as it is often
    shortened) and the last word (Ortega, as US forms that keep one "last name" cut it). Two
    words: that pair; a hyphenated surname also by its first part. Accents are kept here; the
    search URL decides whether to fold them (`search_url`)."""
    words = _joined_particles(name.split())
    if len(words) < 2:
        return []
    # a middle initial ("Maria J. Nunez") is never a surname
    words = [words[0], *(w for w in words[1:-1] if len(w.rstrip(".")) > 1), words[-1]]
    first = words[0]
    if len(words) >= 3:
        out = [
            SearchName(first, f"{words[-2]} {words[-1]}", why or "both surnames"),
            SearchName(first, words[-2], why or "first surname"),
            SearchName(first, words[-1], why or "last word"),
        ]
    else:
        out = [SearchName(first, words[1], why or "as written")]
        if "-" in words[1].strip("-"):
            out.append(SearchName(first, words[1].split("-")[0], why or "first surname"))
    return out


MAX_VARIANTS = 6
"""Names searched on each site at most: each one is a request to a people-search site."""


def person_from_profile(profile: Profile, search_name: str | None = None) -> Person:
    """The searched names are the profile's name and its other names (see `name_variants`), or
    only `search_name` when it is given (e.g. the name the person is better known by); the city
    and state are the current address's."""
    address = profile.current_address
    if address is None:
        raise MissingProfileField("address", "a scan (sites search by name plus city and state)")
    main = " ".join((search_name or profile.name).split())
    first, last = _first_last(main)
    variants = name_variants(main)
    if search_name is None:
        for other in profile.other_names:
            variants += name_variants(other, "other name")
    seen: set[tuple[str, str]] = set()
    unique = []
    for variant in variants:
        key = (variant.first.casefold(), variant.last.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(variant)
    names = [(normalise(first), normalise(last))]
    for name in (profile.name, *profile.other_names):
        if len(name.split()) >= 2:
            f, la = _first_last(name)
            names.append((normalise(f), normalise(la)))
    names += [(normalise(v.first), normalise(v.last)) for v in unique]
    places = [Place(a.city, a.state.upper()) for a in profile.addresses]
    return Person(
        first=unique[0].first,
        last=unique[0].last,
        city=address.city,
        state=address.state.upper(),
        names=tuple(dict.fromkeys(names)),
        places=tuple(dict.fromkeys(places)),
        variants=tuple(unique[:MAX_VARIANTS]),
    )


def _slug(value: str, rule: SearchRule, filters: list[str], keep_accents: bool = False) -> str:
    if "state-name" in filters:
        value = state_name(value)
    if not (keep_accents and rule.encoding == "query"):  # a path slug is ASCII
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


def search_url(
    rule: SearchRule,
    person: Person,
    base_url: str | None = None,
    *,
    name: SearchName | None = None,
    keep_accents: bool = False,
) -> str:
    """The rule's URL template filled in for `person` (searched as `name`, else its first
    variant); `base_url` replaces its scheme and host (and adds its path in front), so that tests
    can point a rule at a local server. Accents are folded ("Núñez" -> "Nunez") unless
    `keep_accents` and the rule sends the name as a query value (a path slug is always ASCII)."""
    first, last = (name.first, name.last) if name else (person.first, person.last)
    values = {"first": first, "last": last, "city": person.city, "state": person.state}

    def fill(match: re.Match[str]) -> str:
        key, *filters = match.group(1).split("|")
        return _slug(values[key], rule, filters, keep_accents and key in ("first", "last"))

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
    name: str = ""  # the name searched, as sent ("Rosa Martinez Ortega")
    why: str = ""  # which variant of the person's name it is ("first surname", "without accents")


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
        urls: set[str] = set()
        for variant in person.variants or (SearchName(person.first, person.last, ""),):
            for keep in (True, False):  # with accents where the site takes them, then without
                url = search_url(broker.search, person, base, name=variant, keep_accents=keep)
                if url in urls:
                    continue
                urls.add(url)
                shown = f"{variant.first} {variant.last}"
                accents = not keep and not shown.isascii()
                out.append(
                    PlannedSearch(
                        broker_id=broker.id,
                        broker_name=broker.name,
                        url=url,
                        verified=broker.search.verified,
                        opt_out=form,
                        name=fold(shown) if accents else shown,
                        why=variant.why + (", without accents" if accents else ""),
                    )
                )
    return out
