"""The reference data the services read: the broker registry, the laws, the agency directory.

The CLI makes one `Resources` per run (`cli/common.py` `resources(ctx)`) and hands it to each
service; a service reads what it needs from it, and each part is loaded the first time a
service asks for it, once: `brokers list` never loads the laws, `audit` never the agencies. A
test or a library caller gives its own parts (`Resources(registry=..., laws=...)`); a part it
does not give is the shipped one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broker_audit.law.schema import Law
    from broker_audit.registry.agencies import Directory
    from broker_audit.registry.load import Registry


class Resources:
    """The registry, the laws and the agency directory, each loaded on first use."""

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        laws: Sequence[Law] | None = None,
        agencies: Directory | None = None,
    ) -> None:
        self._registry = registry
        self._laws = laws
        self._agencies = agencies

    @cached_property
    def registry(self) -> Registry:
        """The brokers: `brokers.toml` merged with the imported registries (from their cache)."""
        if self._registry is not None:
            return self._registry
        from broker_audit.registry.load import shipped_registry

        return shipped_registry()

    @cached_property
    def laws(self) -> Sequence[Law]:
        """`laws.toml`, validated."""
        if self._laws is not None:
            return self._laws
        from broker_audit.law.load import shipped_laws

        return shipped_laws()

    @cached_property
    def agencies(self) -> Directory:
        """The agencies records requests go to (`agencies.toml`)."""
        if self._agencies is not None:
            return self._agencies
        from broker_audit.registry.agencies import shipped_agencies

        return shipped_agencies()
