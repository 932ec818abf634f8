"""Browsing the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from broker_audit.errors import UserError
from broker_audit.registry.load import Registry, filter_brokers

if TYPE_CHECKING:
    from broker_audit.registry.listing import BrokerRow
    from broker_audit.registry.schema import Broker

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
    return filter_brokers(registry.active(), **_filters(category, sells_to, state_registry, text))


def list_broker_rows(
    *,
    category: str | None = None,
    sells_to: str | None = None,
    state_registry: str | None = None,
    text: str | None = None,
) -> list[BrokerRow]:
    """`list_brokers` over the shipped registry as listing rows (id, name, categories, who it
    sells to): what `brokers list` shows, read without decoding the full records."""
    from broker_audit.registry.listing import filter_rows
    from broker_audit.registry.load import shipped_rows

    rows = [row for row in shipped_rows() if row.active]
    return filter_rows(rows, **_filters(category, sells_to, state_registry, text))


def _filters(
    category: str | None, sells_to: str | None, state_registry: str | None, text: str | None
) -> dict[str, str | None]:
    """The filters with their values checked against the schema's choices."""
    if category is None and sells_to is None and state_registry is None:
        return {"text": text}
    from broker_audit.registry import schema

    return {
        "category": _choice(category, get_args(schema.Category), "--category", "categories"),
        "sells_to": _choice(
            sells_to, get_args(schema.Recipient), "--sells-to", "recipients", _RECIPIENT_WORDS
        ),
        "registry": _choice(state_registry, get_args(schema.Registry), "--registry", "state registries"),
        "text": text,
    }


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


def letters_minimal_because(registry: Registry, broker: Broker) -> str:
    """Why letters to `broker` give only the minimal details by default ("" when they give the
    profile's default): its own sales to government, or a company of its group's."""
    from broker_audit.letters.disclosure import ties_of

    return ties_of(broker, registry.family(broker))
