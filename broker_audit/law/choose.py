"""Pick the law that governs a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from broker_audit.errors import UserError
from broker_audit.law.schema import Law


def in_force(law: Law, on: dt.date) -> bool:
    return law.effective is None or law.effective <= on


def law_for_state(laws: Sequence[Law], state: str, *, on: dt.date, override: str | None = None) -> Law:
    """The comprehensive privacy law of the requester's state in force on `on`.

    A law enacted but not yet in force is never cited; a state without one gets the fallback
    (kind "none"), which cites no statute. `override` picks a law by id.
    """
    if override:
        for law in laws:
            if law.id == override and law.kind != "open-records":
                return law
        raise UserError(
            f"unknown privacy law {override!r}",
            "known laws: " + ", ".join(sorted(x.id for x in laws if x.kind != "open-records")),
        )
    state = state.upper()
    for law in laws:
        if law.kind == "state-comprehensive" and law.jurisdiction == state and in_force(law, on):
            return law
    return fallback_law(laws)


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
