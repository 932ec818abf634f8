"""The checked-in JSON Schemas match the typed records; regenerate with
`python -m broker_audit.jsonschemas`.

The files are compared as JSON values, not as text, so neither key order nor whitespace matters;
descriptions are normalised by the generator, so a msgspec release that keeps a docstring's
indentation does not make the files drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broker_audit.jsonschemas import SCHEMAS, _normalise, schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("name", "which"), SCHEMAS.items())
def test_schema_files_do_not_drift(name: str, which: str) -> None:
    assert json.loads((ROOT / "schema" / name).read_text(encoding="utf-8")) == schema(which), (
        f"schema/{name} is stale: run python -m broker_audit.jsonschemas"
    )


def test_descriptions_are_dedented_whatever_the_generator_gives() -> None:
    raw = {"properties": {"a": {"description": "First line.\n\n    Indented second paragraph."}}}
    assert _normalise(raw) == {
        "properties": {"a": {"description": "First line.\n\nIndented second paragraph."}}
    }


def test_broker_schema_requires_a_source_on_every_fact() -> None:
    fact = schema("brokers")["$defs"]["Fact"]
    assert {"value", "source", "checked"} <= set(fact["required"])
