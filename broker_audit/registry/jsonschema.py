"""JSON Schemas of the data files, generated from the typed records, so editors can validate
`brokers.toml` and `laws.toml` as people type (e.g. with Taplo or Even Better TOML)."""

from __future__ import annotations

import json
from pathlib import Path

SCHEMAS = {"brokers.schema.json": "brokers", "laws.schema.json": "laws"}


def schema_text(which: str) -> str:
    import msgspec

    if which == "brokers":
        from broker_audit.registry.schema import BrokersFile as Top
    else:
        from broker_audit.law.schema import LawsFile as Top  # type: ignore[assignment]
    return json.dumps(msgspec.json.schema(Top), indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for name, which in SCHEMAS.items():
        path = folder / name
        path.write_text(schema_text(which), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas(Path(__file__).resolve().parents[2] / "schema"):
        print(p)
