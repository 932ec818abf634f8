"""JSON Schemas of the data files, generated from the typed records, so editors can validate
`brokers.toml`, `laws.toml` and `agencies.toml` as people type (e.g. with Taplo or Even Better TOML).

Regenerate with `python -m broker_audit.jsonschemas`. Descriptions are normalised here
(docstrings dedented, as `inspect.cleandoc` does), so the files depend on the records, not on how
a given msgspec release formats a docstring.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from broker_audit.i18n import N_

SCHEMAS = {
    "brokers.schema.json": "brokers",
    "laws.schema.json": "laws",
    "agencies.schema.json": "agencies",
}


def schema(which: str) -> dict[str, Any]:
    """The JSON Schema of `brokers.toml` ("brokers"), `laws.toml` ("laws") or `agencies.toml`
    ("agencies") as a dict."""
    import msgspec

    top: type
    if which == "brokers":
        from broker_audit.registry.schema import BrokersFile

        top = BrokersFile
    elif which == "agencies":
        from broker_audit.registry.agencies import AgenciesFile

        top = AgenciesFile
    else:
        from broker_audit.law.schema import LawsFile

        top = LawsFile
    normalised: dict[str, Any] = _normalise(msgspec.json.schema(top))
    _name_channels(normalised)
    return normalised


def _name_channels(node: Any) -> None:
    """A route's `channel` is a string checked against the channel table when it is read
    (vocabulary.CHANNELS, so a channel is one entry there); editors get the table's ids."""
    from broker_audit.vocabulary import CHANNELS

    if isinstance(node, dict):
        channel = node.get("properties", {}).get("channel")
        if channel == {"type": "string"}:
            channel.pop("type")
            channel["enum"] = sorted(CHANNELS)
        for value in node.values():
            _name_channels(value)
    elif isinstance(node, list):
        for item in node:
            _name_channels(item)


def _normalise(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: inspect.cleandoc(value)
            if key == "description" and isinstance(value, str)
            else _normalise(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_normalise(item) for item in node]
    return node


def schema_text(which: str) -> str:
    return json.dumps(schema(which), indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    from broker_audit.files import write_text

    written = []
    for name, which in SCHEMAS.items():
        path = folder / name  # public files for editors, written by a developer: not personal data
        write_text(path, schema_text(which), what=N_("JSON Schema"))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas(Path(__file__).resolve().parents[1] / "schema"):
        print(p)
