"""Importers for the official state data-broker registries, one module per state.

Each is a `RegistryImporter` (see base.py): `parse(path) -> ImportedRows`.
"""

from __future__ import annotations

from broker_audit.registry.imports.base import ImportedRow, ImportedRows, RegistryImporter

SOURCES = ("ca", "vt", "tx", "or")


def importer_for(source: str) -> RegistryImporter:
    """The importer for a registry id: ca, vt, tx or or."""
    from broker_audit.errors import UserError

    if source == "ca":
        from broker_audit.registry.imports.california import California

        return California()
    if source == "vt":
        from broker_audit.registry.imports.vermont import Vermont

        return Vermont
    if source == "tx":
        from broker_audit.registry.imports.texas import Texas

        return Texas
    if source == "or":
        from broker_audit.registry.imports.oregon import Oregon

        return Oregon()
    raise UserError(f"unknown registry {source!r}", "use one of: " + ", ".join(SOURCES))


__all__ = ["SOURCES", "ImportedRow", "ImportedRows", "RegistryImporter", "importer_for"]
