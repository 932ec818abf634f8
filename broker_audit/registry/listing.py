"""One small row per broker: what `brokers list` shows and filters on, without the records.

A registry of 600 imported brokers is 1.7 MB of typed records (routes, sources, disclosures);
listing them needs an id, a name, categories, who it sells to, its state registries and the text
a search looks in. Rows are made from the records once, kept in the registry cache beside them,
and read without decoding the records (or importing their schema). The filter below is the
one `registry.load.filter_brokers` uses too, so a row and its record always answer alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from broker_audit.registry.schema import Broker

RECIPIENTS = ("immigration-enforcement", "law-enforcement", "federal-government", "corrections")
"""Every recipient `Broker.sells_to` answers for (registry.schema.Recipient; a test keeps them equal)."""

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(text: str) -> str:
    """Lower-case, accents and punctuation folded, corporate suffixes kept: for matching only."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", folded.lower()).strip()


class BrokerRow(msgspec.Struct, frozen=True, array_like=True, gc=False):
    id: str
    name: str
    categories: tuple[str, ...]
    documented: tuple[str, ...]  # recipients with documented evidence of sales, sorted (shown)
    sells_to: tuple[str, ...]  # recipients `Broker.sells_to` says yes for (evidence or disclosure)
    registries: tuple[str, ...]
    haystack: str  # normalised names, brands, holdings and notes: what --search looks in
    active: bool  # not a tombstone


def row_of(broker: Broker) -> BrokerRow:
    words = [
        broker.id,
        broker.name,
        broker.legal_name,
        broker.parent,
        broker.notes,
        *broker.aliases,
        *broker.brands,
        *broker.holds,
    ]
    return BrokerRow(
        id=broker.id,
        name=broker.name,
        categories=tuple(broker.categories),
        documented=tuple(sorted({e.recipient for e in broker.law_enforcement})),
        sells_to=tuple(r for r in RECIPIENTS if broker.sells_to(r)),
        registries=tuple(broker.registries),
        haystack=normalise_name(" ".join(words)),
        active=not broker.successor,
    )


def filter_rows(
    rows: Iterable[BrokerRow],
    *,
    category: str | None = None,
    sells_to: str | None = None,
    registry: str | None = None,
    text: str | None = None,
) -> list[BrokerRow]:
    """The rows matching every filter given, in order."""
    needle = normalise_name(text) if text else ""
    return [
        row
        for row in rows
        if (not category or category in row.categories)
        and (not sells_to or sells_to in row.sells_to)
        and (not registry or registry in row.registries)
        and (not needle or needle in row.haystack)
    ]
