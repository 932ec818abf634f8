"""Pick the law that governs a request, and check a law the user names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from broker_audit.errors import UserError
from broker_audit.law.schema import Law, Platform

# Kinds of law a requester's state may have, the one that gives most rights first.
_STATE_KINDS = ("state-comprehensive", "state-data-broker")


def in_force(law: Law, on: dt.date) -> bool:
    return law.effective is None or law.effective <= on


def law_for_state(laws: Sequence[Law], state: str, *, on: dt.date, override: str | None = None) -> Law:
    """The privacy law of the requester's state in force on `on`.

    A law enacted but not yet in force is never cited; a state without one gets the fallback
    (kind "none"), which cites no statute. `override` names a law by id; it must be in force on
    `on` and be the law of the requester's state (or federal): a letter never claims a right
    under a law that does not give it to this requester.
    """
    state = state.upper()
    if override:
        return checked_override(laws, override, state=state, on=on)
    for kind in _STATE_KINDS:
        for law in laws:
            if law.kind == kind and law.jurisdiction == state and in_force(law, on):
                return law
    return fallback_law(laws)


def checked_override(laws: Sequence[Law], law_id: str, *, state: str, on: dt.date) -> Law:
    """The law `law_id`, if a resident of `state` may cite it on `on`; else UserError saying why."""
    law = next((x for x in laws if x.id == law_id and x.kind != "open-records"), None)
    if law is None:
        raise UserError(
            f"unknown privacy law {law_id!r}",
            "known laws: " + ", ".join(sorted(x.id for x in laws if x.kind != "open-records")),
        )
    if not in_force(law, on):
        raise UserError(
            f"the {law.name} is not in force until {law.effective.isoformat() if law.effective else '?'}",
            "a letter cannot claim a right a law does not give yet; leave out --law to use your state's law",
        )
    if law.kind in _STATE_KINDS and law.jurisdiction != state.upper():
        raise UserError(
            f"the {law.name} gives rights to residents of {law.jurisdiction}; "
            f"the profile says you live in {state.upper()}",
            "leave out --law, or correct your state with `broker-audit profile edit --state XX`",
        )
    return law


def fallback_law(laws: Sequence[Law]) -> Law:
    for law in laws:
        if law.kind == "none":
            return law
    raise UserError("the law data has no fallback entry")


def federal_law(laws: Sequence[Law], law_id: str = "us-fcra") -> Law | None:
    return next((law for law in laws if law.id == law_id), None)


def law_for_letter(state_law: Law, kind: str, laws: Sequence[Law]) -> Law:
    """The law a letter of `kind` is written under: a file disclosure is asked under the FCRA
    wherever the requester lives; everything else under their state's law."""
    fcra = federal_law(laws)
    return fcra if kind == "fcra-disclosure" and fcra is not None else state_law


def platform_for(laws: Sequence[Law], state: str) -> Platform | None:
    """The state-run platform a resident of `state` can use (California's DROP), if any."""
    return next(
        (x.platform for x in laws if x.platform is not None and x.jurisdiction == state.upper()), None
    )


def residence_warning(profile_state: str, address_state: str | None) -> str | None:
    """A warning when the state of residence and the current address's state differ."""
    if address_state and profile_state and address_state.upper() != profile_state.upper():
        return (
            f"your profile says you live in {profile_state.upper()} but your current address is in "
            f"{address_state.upper()}: the letters cite {profile_state.upper()}'s law; if you have moved, "
            f"run `broker-audit profile edit --state {address_state.upper()}`"
        )
    return None
