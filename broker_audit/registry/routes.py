"""Which route a request to a broker takes, and what to tell the user about it. Pure: no I/O.

A route fits a request when its source lists it for the right asked for (or for any right), is
not given only to some requesters (`only_for`), and is a door for requests at all: a `registered`
address (head office, registered agent) is never chosen. Among the fitting routes the best is, in
order (DESIGN.md, Routes):

1. its door: a `request-channel` the company names for privacy requests; a `contact` only when no
   request channel fits, and then with a warning that says so;
2. the requester's state: a route the source lists for that state, then one with no state limit,
   then one listed only for other states' residents (offered with a warning: it is the company's
   own desk, but it may refuse an out-of-state request);
3. the channel that leaves proof: mail, then email, then web form (then fax, phone);
4. a route that takes a letter before one that needs the recipient's own form;
5. the grade of its source; then the most recent (a registry filing's year, else the year the
   source's words date from, else the year it was checked).

When the choice is a mail route and the company also names a web form (a portal) that serves the
request, the form's submission sheet is written beside the letter: the portal is the fast way,
the letter the one that leaves proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from broker_audit.errors import NoViaRoute, UserError
from broker_audit.i18n import _
from broker_audit.registry.schema import Broker, Route
from broker_audit.vocabulary import CHANNELS, GRADES
from broker_audit.words import channel_name

DOOR_ORDER = ("request-channel", "contact")  # a registered address is never chosen


@dataclass(frozen=True)
class RouteChoice:
    """The route a letter takes (None: no route known) and what the user should know."""

    route: Route | None
    warnings: tuple[str, ...] = ()
    # Every channel this request may be sent by (the chosen one first); `mark` refuses others.
    channels: tuple[str, ...] = field(default=())
    # The company's own web form for the same request, when the letter goes by mail: its
    # submission sheet is written beside the letter.
    alternative: Route | None = None


def is_door(route: Route) -> bool:
    """Whether a request may go by `route` at all: not a registered address, not given only to
    some requesters."""
    return route.door_kind in DOOR_ORDER and not route.only_for


def fitting_routes(broker: Broker, rights: Sequence[str]) -> list[Route]:
    """The broker's doors for requests that take a request for any of `rights` (all, when empty)."""
    out = []
    for route in broker.routes:
        if not is_door(route):
            continue
        if rights and not any(route.serves(right=r) for r in rights):
            continue
        out.append(route)
    return out


def state_rank(route: Route, state: str) -> int:
    """0: listed for `state`; 1: no state limit; 2: listed only for other states."""
    if not route.states:
        return 1
    return 0 if state in route.states else 2


def _channel_rank(channel_id: str) -> int:
    spec = CHANNELS.get(channel_id)
    return spec.rank if spec is not None else len(CHANNELS) + 100


def _rank(route: Route, state: str) -> tuple[int, int, int, int, int, int]:
    return (
        DOOR_ORDER.index(route.door_kind),
        state_rank(route, state),
        _channel_rank(route.channel),
        1 if route.form is not None else 0,
        GRADES.index(route.grade),
        -(route.filed or route.written or route.checked.year),
    )


def ranked_routes(broker: Broker, rights: Sequence[str], state: str) -> list[Route]:
    """Fitting routes, best first."""
    return sorted(fitting_routes(broker, rights), key=lambda r: _rank(r, state))


def choose_route(
    broker: Broker,
    *,
    rights: Sequence[str],
    state: str,
    via: str | None = None,
) -> RouteChoice:
    """The route for a request of `rights` from a resident of `state`, or `via` that channel.

    Raises UserError when `via` names a channel the broker has no fitting route for.
    """
    ranked = ranked_routes(broker, rights, state)
    if via is not None:
        if via not in CHANNELS:
            raise UserError(
                _("unknown channel {channel}").format(channel=repr(via)),
                _("--via is one of: {channels}").format(channels=", ".join(CHANNELS)),
            )
        picked = [r for r in ranked if r.channel == via]
        if not picked:
            have = sorted({r.channel for r in ranked}, key=_channel_rank)
            raise NoViaRoute(
                _("{id}: no {channel} route is known for this request").format(
                    id=broker.id, channel=channel_name(via)
                ),
                _("its routes are: {routes}").format(routes=", ".join(channel_name(c) for c in have))
                if have
                else _("no route is known for it yet"),
            )
        ranked = picked + [r for r in ranked if r.channel != via]
    if not ranked:
        return RouteChoice(route=None)
    route = ranked[0]
    channels = tuple(dict.fromkeys(r.channel for r in ranked))
    return RouteChoice(
        route=route,
        warnings=tuple(route_warnings(broker, route, state)),
        channels=channels,
        alternative=portal_beside(route, ranked, state) if via is None else None,
    )


def portal_beside(route: Route, ranked: Sequence[Route], state: str) -> Route | None:
    """The request-channel web form to write a submission sheet for beside a mail letter: the
    best one that serves the requester's state (a form for other states' residents is no help)."""
    if route.channel != "mail":
        return None
    return next(
        (
            r
            for r in ranked
            if r.channel == "web-form"
            and r.door_kind == "request-channel"
            and r.form is None
            and state_rank(r, state) < 2
        ),
        None,
    )


def form_route(broker: Broker, right: str) -> Route | None:
    """The broker's best web form for `right` that the company names for requests (e.g. its
    opt-out form), if it has one."""
    forms = [
        r
        for r in ranked_routes(broker, (right,), "")
        if r.channel == "web-form" and r.door_kind == "request-channel"
    ]
    return forms[0] if forms else None


def default_route(broker: Broker, right: str | None = None, state: str = "") -> Route | None:
    """The route a request takes by default (for `right`, any when None) from a resident of
    `state` ("" : a state no route names), or None."""
    ranked = ranked_routes(broker, (right,) if right else (), state)
    return ranked[0] if ranked else None


def route_warnings(broker: Broker, route: Route, state: str) -> list[str]:
    """What the user must know before sending by `route`."""
    out = []
    where = _("{id}: the {channel} route ({address})").format(
        id=broker.id, channel=channel_name(route.channel), address=route.address()
    )
    if route.door_kind == "contact":
        out.append(
            _(
                "{where} is a contact address, not a channel {broker} names for privacy requests: "
                "no request channel is known for this request, so the letter asks them to pass it to "
                "whoever handles requests; it may be slow or ignored"
            ).format(where=where, broker=broker.name)
        )
    if route.grade == "weak":
        out.append(
            _("{where} comes from a weak source ({source}); confirm it before you send").format(
                where=where, source=route.source
            )
        )
    elif route.grade == "secondary":
        out.append(
            _("{where} comes from a secondary source ({source}), not from the company").format(
                where=where, source=route.source
            )
        )
    if route.states and state not in route.states:
        out.append(
            _(
                "{where} is listed for residents of {states}; the company may refuse a request "
                "from another state's resident"
            ).format(where=where, states=", ".join(route.states))
        )
    if route.registry is not None:
        out.append(
            _("{where} is {provenance}; it may have changed since").format(
                where=where, provenance=provenance_words(route)
            )
        )
    if route.via_parent:
        out.append(
            _("{where} is the privacy desk of {parent}, which says it answers for it").format(
                where=where, parent=route.via_parent
            )
        )
    return out


def provenance_words(route: Route) -> str:
    """`Route.provenance` (English: a letter's and the log's words) in the reader's language."""
    from broker_audit.registry.schema import REGISTRY_NAMES

    if route.registry is None:
        return ""
    registry = REGISTRY_NAMES.get(route.registry, route.registry)
    if route.filed:
        return _("as filed with {registry} in {year}").format(registry=registry, year=route.filed)
    return _("as filed with {registry}").format(registry=registry)


def no_route_advice(broker: Broker, *, complaint_office: str = "", platform: str = "") -> list[str]:
    """What a user can do for a broker with no known route. `platform` is a sentence about a
    state's deletion platform the requester can use (California's DROP), from the law data."""
    out = []
    doors = [r for r in broker.routes if is_door(r)]
    other = sorted({r for route in doors for r in route.rights})
    if other:
        kinds = ", ".join(other)
        example = f"broker-audit request {broker.id} --kind {other[0]}"
        out.append(
            _("its known routes take only {kinds} requests: e.g. `{example}`").format(
                kinds=kinds, example=example
            )
        )
    registered = [r for r in broker.routes if r.door_kind == "registered"]
    if registered and not doors:
        out.append(
            _(
                "its only known address ({address}) is a registered or head-office "
                "address, not a door for requests: no letter is written to it"
            ).format(address=registered[0].address())
        )
    if broker.parent:
        out.append(
            _(
                "write to its parent company, {parent}, and ask it to forward your request or to "
                "name the company that controls your data"
            ).format(parent=broker.parent)
        )
    if complaint_office:
        out.append(
            _("tell the {office} that you cannot reach {broker}").format(
                office=complaint_office, broker=broker.name
            )
        )
    if platform:
        out.append(platform)
    out.append(_("check again later: `broker-audit registry update` may bring its registry filing"))
    return out
