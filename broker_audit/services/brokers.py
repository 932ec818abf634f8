"""Browsing the registry."""

from __future__ import annotations

from broker_audit.registry.load import Registry, filter_brokers
from broker_audit.registry.schema import Broker


def list_brokers(
    registry: Registry,
    *,
    category: str | None = None,
    sells_to: str | None = None,
    state_registry: str | None = None,
    text: str | None = None,
) -> list[Broker]:
    return filter_brokers(
        registry.active(), category=category, sells_to=sells_to, registry=state_registry, text=text
    )
