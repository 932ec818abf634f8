"""Browsing the registry."""

from __future__ import annotations

from typing import get_args

from broker_audit.errors import UserError
from broker_audit.registry.load import Registry, filter_brokers
from broker_audit.registry.schema import Broker, Category, Recipient
from broker_audit.registry.schema import Registry as StateRegistry

CATEGORIES: tuple[str, ...] = get_args(Category)
RECIPIENTS: tuple[str, ...] = get_args(Recipient)
STATE_REGISTRIES: tuple[str, ...] = get_args(StateRegistry)
# What people type for a recipient, for the "did you mean" of the error (never accepted silently).
_RECIPIENT_WORDS = {
    "ice": "immigration-enforcement",
    "cbp": "immigration-enforcement",
    "dhs": "immigration-enforcement",
    "immigration": "immigration-enforcement",
    "police": "law-enforcement",
    "sheriff": "law-enforcement",
    "federal": "federal-government",
    "prison": "corrections",
    "jail": "corrections",
}


def list_brokers(
    registry: Registry,
    *,
    category: str | None = None,
    sells_to: str | None = None,
    state_registry: str | None = None,
    text: str | None = None,
) -> list[Broker]:
    """The active brokers matching every filter given. A filter value that is not one of its
    choices is an error listing them (it would otherwise match nothing, silently)."""
    return filter_brokers(
        registry.active(),
        category=_choice(category, CATEGORIES, "--category", "categories"),
        sells_to=_choice(sells_to, RECIPIENTS, "--sells-to", "recipients", _RECIPIENT_WORDS),
        registry=_choice(state_registry, STATE_REGISTRIES, "--registry", "state registries"),
        text=text,
    )


def _choice(
    value: str | None,
    choices: tuple[str, ...],
    option: str,
    what: str,
    words: dict[str, str] | None = None,
) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key in choices:
        return key
    import difflib

    close = [words[key]] if words and key in words else difflib.get_close_matches(key, choices, n=1)
    guess = f"did you mean {close[0]}? " if close else ""
    raise UserError(f"{option} {value!r} is not one of the {what}", f"{guess}{what}: {', '.join(choices)}")
