"""The checked-in JSON Schemas match the typed records; regenerate with
`python -m broker_audit.registry.jsonschema`."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker_audit.registry.jsonschema import SCHEMAS, schema_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("name", "which"), SCHEMAS.items())
def test_schema_files_do_not_drift(name: str, which: str) -> None:
    assert (ROOT / "schema" / name).read_text(encoding="utf-8") == schema_text(which), (
        f"schema/{name} is stale: run python -m broker_audit.registry.jsonschema"
    )
