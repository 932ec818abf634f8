"""Which route a request to a broker takes, and what to tell the user about it. Pure: no I/O.

A route fits a request when its source lists it for the right asked for (or for any right) and
is not given only to some requesters (`only_for`). Among those, the best is, in order: one whose
source says it serves the requester's state (or sets no state limit), the best-graded, then by
channel (mail, email, web form, fax, phone: the ones that leave the best proof first). A route the
source lists only for other states' residents is still offered, with a warning, when nothing
else fits: it is the company's own privacy desk, but it may refuse an out-of-state request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from broker_audit.errors import UserError
from broker_audit.registry.schema import Broker, Route
from broker_audit.vocabulary import CHANNELS, GRADES

CHANNEL_ORDER = ("mail", "email", "web-form", "fax", "phone")


@dataclass(frozen=True)
class RouteChoice:
    """The route a letter takes (None: no route known) and what the user should know."""

    route: Route | None
    warnings: tuple[str, ...] = ()
    # Every channel this request may be sent by (the chosen one first); `mark` refuses others.
    channels: tuple[str, ...] = field(default=())


def fitting_routes(broker: Broker, rights: Sequence[str]) -> list[Route]:
    """The broker's routes that take a request for any of `rights` (all, when empty)."""
    out = []
    for route in broker.routes:
        if route.only_for:
            continue
        if rights and not any(route.serves(right=r) for r in rights):
            continue
        out.append(route)
    return out


def _rank(route: Route, state: str) -> tuple[int, int, int, int]:
    return (
        0 if route.serves(state=state) else 1,
        GRADES.index(route.grade),
        CHANNEL_ORDER.index(route.channel) if route.channel in CHANNEL_ORDER else len(CHANNEL_ORDER),
        -(route.filed or route.checked.year),
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
            raise UserError(f"unknown channel {via!r}", "--via is one of: " + ", ".join(CHANNELS))
        picked = [r for r in ranked if r.channel == via]
        if not picked:
            have = sorted({r.channel for r in ranked}, key=CHANNEL_ORDER.index)
            raise UserError(
                f"{broker.id}: no {via} route is known for this request",
                ("its routes are: " + ", ".join(have)) if have else "no route is known for it yet",
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
    )


def form_route(broker: Broker, right: str) -> Route | None:
    """The broker's best web form for `right`, if it has one (e.g. an opt-out form)."""
    forms = [r for r in ranked_routes(broker, (right,), "") if r.channel == "web-form"]
    return forms[0] if forms else None


def route_warnings(broker: Broker, route: Route, state: str) -> list[str]:
    """What the user must know before sending by `route`."""
    out = []
    where = f"{broker.id}: the {route.channel} route ({route.address()})"
    if route.grade == "weak":
        out.append(f"{where} comes from a weak source ({route.source}); confirm it before you send")
    elif route.grade == "secondary":
        out.append(f"{where} comes from a secondary source ({route.source}), not from the company")
    if route.states and state not in route.states:
        names = ", ".join(route.states)
        out.append(
            f"{where} is listed for residents of {names}; the company may refuse a request "
            f"from another state's resident"
        )
    if route.registry is not None:
        out.append(f"{where} is {route.provenance()}; it may have changed since")
    if route.via_parent:
        out.append(f"{where} is the privacy desk of {route.via_parent}, which says it answers for it")
    return out


def no_route_advice(broker: Broker, *, complaint_office: str = "", platform: str = "") -> list[str]:
    """What a user can do for a broker with no known route. `platform` is a sentence about a
    state's deletion platform the requester can use (California's DROP), from the law data."""
    out = []
    other = sorted({r for route in broker.routes if not route.only_for for r in route.rights})
    if other:
        kinds = ", ".join(other)
        example = f"broker-audit request {broker.id} --kind {other[0]}"
        out.append(f"its known routes take only {kinds} requests: e.g. `{example}`")
    if broker.parent:
        out.append(
            f"write to its parent company, {broker.parent}, and ask it to forward your request or to "
            f"name the company that controls your data"
        )
    if complaint_office:
        out.append(f"tell the {complaint_office} that you cannot reach {broker.name}")
    if platform:
        out.append(platform)
    out.append("check again later: `broker-audit registry update` may bring its registry filing")
    return out
