"""The output contract: which typed result each command's `--json` data is.

`OUTPUTS` names, per command, the type its data is (or a list of). `cli/output.py` checks every
document against it before writing; `schema/output.schema.json` is generated from these types
(`python -m broker_audit.cli.contract`), and `tests/cli/test_output_contract.py` fails when a key
of it disappears or is renamed without a new `OUTPUT_VERSION`, and when a command with `--json`
has no entry here.

The types are named as strings, imported only when a command writes JSON (or the schema is
made), so listing them costs no start-up time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broker_audit.i18n import N_

OUTPUT_VERSION = "1"
"""The output contract's version: raise it (and say so in CHANGELOG.md) when a key of any
command's data is removed or renamed; `tests/cli/test_output_contract.py` fails until then."""


@dataclass(frozen=True)
class Shape:
    """Data that is an instance of `module.name`, or with `many` a list of them."""

    module: str
    name: str
    many: bool = False

    def type(self) -> type:
        found: type = getattr(importlib.import_module(self.module), self.name)
        return found

    def annotation(self) -> object:
        """The type of `data`, as msgspec's schema generator takes it."""
        return list[self.type()] if self.many else self.type()  # type: ignore[misc]


def one(where: str) -> tuple[Shape, ...]:
    """An instance of the type at `where` ("package.module.Name")."""
    module, _, name = where.rpartition(".")
    return (Shape(module, name),)


def many(where: str) -> tuple[Shape, ...]:
    """A list of instances of the type at `where`, streamed."""
    module, _, name = where.rpartition(".")
    return (Shape(module, name, many=True),)


_SERVICES = "broker_audit.services"
_TRACKING = "broker_audit.tracking"

OUTPUTS: dict[str, tuple[Shape, ...]] = {
    "status": many(f"{_SERVICES}.tracking.StatusRow") + one(f"{_SERVICES}.campaign.CampaignReport"),
    "request": one(f"{_SERVICES}.letters.LettersResult"),
    "followup": one(f"{_SERVICES}.followup.FollowupResult"),
    "resend": one(f"{_SERVICES}.resend.ResendResult"),
    "cora": one(f"{_SERVICES}.letters.LetterResult") + one(f"{_SERVICES}.campaign.CampaignResult"),
    "campaign list": many(f"{_SERVICES}.campaign.CampaignSummary"),
    "campaign finding": one(f"{_TRACKING}.campaign_records.AgencyFindingRecorded"),
    "campaign export": one(f"{_SERVICES}.campaign.ExportResult"),
    "agencies list": many(f"{_SERVICES}.agencies.AgencyListing"),
    "agencies show": one("broker_audit.registry.agencies.Agency"),
    "init": one(f"{_SERVICES}.vaults.InitResult"),
    "vault verify": one(f"{_SERVICES}.vaults.VerifyResult"),
    "profile show": one("broker_audit.profile.Profile"),
    "profile edit": one("broker_audit.profile.Profile"),
    "brokers list": many("broker_audit.registry.schema.Broker"),
    "brokers show": one("broker_audit.registry.schema.Broker"),
    "registry import": one(f"{_SERVICES}.registry.ImportSummary"),
    "registry update": one(f"{_SERVICES}.registry.ImportSummary"),
    "registry check": one("broker_audit.registry.check.CheckSummary"),
    "send": one(f"{_SERVICES}.send.SendResult"),
    "inbox": one(f"{_SERVICES}.inbox.InboxResult"),
    "reply": one(f"{_SERVICES}.replies.ReplyAdded"),
    "evidence": one(f"{_SERVICES}.evidence.EvidenceResult"),
    "bulk letters": one(f"{_SERVICES}.batchsummary.BatchSummary"),
    "bulk mark": one(f"{_SERVICES}.clinic.BulkMarkResult"),
    "bulk status": many(f"{_SERVICES}.clinic.ClinicRow"),
    "bulk stats": one(f"{_SERVICES}.clinic.Stats"),
    "bulk recipients": one(f"{_SERVICES}.clinic_findings.RecipientCounts"),
    "findings": one(f"{_SERVICES}.findings.FindingsOverview") + one(f"{_SERVICES}.findings.FindingsSummary"),
    "scan": one(f"{_SERVICES}.scan.ScanSummary"),
    "audit": one(f"{_SERVICES}.audit.AuditSummary"),
    "mark": one(f"{_TRACKING}.shown.RequestRecord"),
    "show": one(f"{_SERVICES}.replies.ShownRequest"),
    "drop record": one(f"{_TRACKING}.shown.RequestRecord"),
    "drop result": one(f"{_TRACKING}.shown.RequestRecord"),
}
"""Per command (as typed, without options), the shapes its data may have: usually one; a
command whose options change what it reports (`status --campaign`, `findings ID`, `cora --all`)
has one per kind of report."""


def check_output(command: str, data: object) -> Callable[[list[object]], None]:
    """Refuse data that is not of a shape the command declares (a programming error: the tests
    that run the command find it). For a list, returns the check of each chunk of elements."""
    shapes = OUTPUTS.get(command)
    if shapes is None:
        raise TypeError(f"`{command} --json` has no output type in broker_audit/cli/contract.py")
    listed = isinstance(data, list | tuple | Iterator)
    for shape in shapes:
        kind = shape.type()
        if shape.many and listed:
            return _elements_of(command, kind)
        if not shape.many and isinstance(data, kind):
            return _nothing
    raise TypeError(
        f"`{command} --json` writes {type(data).__name__}, not "
        + " or ".join(f"a list of {s.name}" if s.many else s.name for s in shapes)
    )


def _elements_of(command: str, kind: type) -> Callable[[list[object]], None]:
    def check(chunk: list[object]) -> None:
        for item in chunk:
            if not isinstance(item, kind):
                raise TypeError(f"`{command} --json` writes a {type(item).__name__}, not {kind.__name__}")

    return check


def _nothing(chunk: list[object]) -> None:
    return None


# --- the schema of every command's output ---------------------------------------------------------

SCHEMA_FILE = "output.schema.json"
"""In the repository's `schema/` folder, beside the data files' schemas."""


def output_schema() -> dict[str, Any]:
    """The JSON Schema of every command's `--json` document, from the output types: one
    alternative per command (its envelope, its data's shapes), the types under `$defs`."""
    import msgspec

    from broker_audit.jsonschemas import _normalise

    commands = sorted(OUTPUTS)
    shapes = [shape for command in commands for shape in OUTPUTS[command]]
    schemas, defs = msgspec.json.schema_components(
        [shape.annotation() for shape in shapes], schema_hook=_schema_hook
    )
    by_shape = dict(zip(shapes, schemas, strict=True))
    alternatives = []
    for command in commands:
        data = [by_shape[shape] for shape in OUTPUTS[command]]
        alternatives.append(
            {
                "title": command,
                "type": "object",
                "properties": {
                    "broker_audit": {"const": OUTPUT_VERSION},
                    "command": {"const": command},
                    "data": data[0] if len(data) == 1 else {"anyOf": data},
                },
                "required": ["broker_audit", "command", "data"],
                "additionalProperties": False,
            }
        )
    import json

    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "broker-audit --json output",
        "description": "What `broker-audit COMMAND --json` writes on stdout: one envelope, "
        "its `data` the command's typed result (see broker_audit/cli/output.py).",
        "version": OUTPUT_VERSION,
        "oneOf": alternatives,
        "$defs": defs,
    }
    schema: dict[str, Any] = json.loads(json.dumps(_normalise(document)))  # as the file reads back
    return schema


def _schema_hook(kind: type) -> dict[str, Any]:
    from pathlib import Path

    if isinstance(kind, type) and issubclass(kind, Path):
        return {"type": "string", "description": "A file path."}
    raise NotImplementedError(kind)


def schema_text() -> str:
    import json

    return json.dumps(output_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def key_paths(schema: dict[str, Any]) -> dict[str, set[str]]:
    """Per command, every key its data can hold, as a path: `id`, `letters[].send_to`,
    `by_broker{}` (the values of a mapping); `[]` is a list's element. What a script may read,
    so what must not disappear without a new output version."""
    defs = schema.get("$defs", {})
    out: dict[str, set[str]] = {}
    for alternative in schema["oneOf"]:
        paths: set[str] = set()
        _walk(alternative["properties"]["data"], "", defs, paths, ())
        out[alternative["title"]] = paths
    return out


def _walk(node: object, at: str, defs: dict[str, Any], paths: set[str], seen: tuple[str, ...]) -> None:
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:  # a type that holds itself: its keys are listed once
            _walk(defs.get(name, {}), at, defs, paths, (*seen, name))
        return
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for option in node.get(key, ()):
            _walk(option, at, defs, paths, seen)
    for name, value in node.get("properties", {}).items():
        path = f"{at}.{name}" if at else name
        paths.add(path)
        _walk(value, path, defs, paths, seen)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], f"{at}[]", defs, paths, seen)
    if isinstance(node.get("additionalProperties"), dict):
        _walk(node["additionalProperties"], f"{at}{{}}", defs, paths, seen)


def contract_breaks(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What a script reading `before`'s output would miss in `after`'s: each command gone, and
    each key path of a command that is no longer there (removed, or renamed)."""
    old, new = key_paths(before), key_paths(after)
    breaks = [f"`{command} --json` is gone" for command in sorted(set(old) - set(new))]
    for command in sorted(set(old) & set(new)):
        breaks += [f"`{command} --json`: {path}" for path in sorted(old[command] - new[command])]
    return breaks


def write_schema(folder: Path) -> Path:
    from broker_audit.files import write_text

    path = folder / SCHEMA_FILE  # a public file for scripts, written by a developer: not personal data
    write_text(path, schema_text(), what=N_("JSON Schema"))
    return path


if __name__ == "__main__":
    print(write_schema(Path(__file__).resolve().parents[2] / "schema"))
