"""The output contract: every command's `--json` has a declared type, `schema/output.schema.json`
is made from those types, and a key that disappears (removed or renamed) fails here unless the
output version changes with it.

Regenerate the schema with `python -m broker_audit.cli.contract`; a removed or renamed key also
needs `OUTPUT_VERSION` raised in `broker_audit/cli/contract.py` and a line in CHANGELOG.md.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import typer
from clijson import envelope
from cliutil import DEMO, Runner

from broker_audit.cli.app import SUBCOMMANDS, app
from broker_audit.cli.contract import (
    OUTPUT_VERSION,
    OUTPUTS,
    SCHEMA_FILE,
    check_output,
    contract_breaks,
    key_paths,
    output_schema,
)

ROOT = Path(__file__).resolve().parents[2]
STORED = ROOT / "schema" / SCHEMA_FILE


def test_the_schema_file_is_made_from_the_output_types() -> None:
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    made = output_schema()
    if stored == made:
        return
    breaks = contract_breaks(stored, made)
    if breaks and stored.get("version") == OUTPUT_VERSION:
        pytest.fail(
            "keys a script reads are gone from the --json output, with no new output version:\n  "
            + "\n  ".join(breaks)
            + "\nKeep them (a struct field's JSON name is msgspec.field(name=...)), or raise OUTPUT_VERSION "
            "in broker_audit/cli/contract.py, say so in CHANGELOG.md, and regenerate the schema."
        )
    pytest.fail(f"schema/{SCHEMA_FILE} is stale: run python -m broker_audit.cli.contract")


def test_a_renamed_or_removed_key_is_a_break_an_added_one_is_not() -> None:
    before = output_schema()
    after = copy.deepcopy(before)
    row = after["$defs"]["StatusRow"]
    row["properties"]["request_id"] = row["properties"].pop("id")  # renamed
    del after["$defs"]["DisclosedRecord"]["properties"]["withheld"]  # removed, deep in `show`
    after["$defs"]["InitResult"]["properties"]["created"] = {"type": "string"}  # added
    breaks = contract_breaks(before, after)
    assert "`status --json`: [].id" in breaks
    assert "`show --json`: disclosed.withheld" in breaks and "`mark --json`: disclosed.withheld" in breaks
    assert not [b for b in breaks if "init" in b]
    del after["oneOf"][0]
    assert contract_breaks(before, after)[0] == f"`{before['oneOf'][0]['title']} --json` is gone"


def test_key_paths_name_what_a_script_reads() -> None:
    paths = key_paths(output_schema())
    assert {"[].id", "[].due", "[].days_left", "[].routes"} <= paths["status"]  # and --campaign's:
    assert {"campaign", "agencies", "agencies[].agency_id", "agencies[].findings"} <= paths["status"]
    assert {"letters[].id", "letters[].broker", "letters[].send_to", "no_route[].broker"} <= paths["request"]
    assert {"history[].on", "disclosed.given", "replies[].subject"} <= paths["show"]
    assert {"map.edges[].from", "brokers[].reasons[].source", "told[].id"} <= paths["audit"]
    assert {"by_broker", "requests"} <= paths["bulk stats"]


def _commands_with_json() -> set[str]:
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    found = set()
    for name in SUBCOMMANDS:
        command = root.get_command(ctx, name)
        leaves = getattr(command, "commands", None)
        for leaf_name, leaf in leaves.items() if leaves else [("", command)]:
            if any("--json" in getattr(p, "opts", ()) for p in leaf.params):
                found.add(f"{name} {leaf_name}".strip())
    return found


def test_every_command_with_json_has_an_output_type_and_no_other_does() -> None:
    assert _commands_with_json() == set(OUTPUTS)


def test_a_command_writes_only_its_declared_types() -> None:
    from broker_audit.services.vaults import InitResult

    made = InitResult(path=Path("v.db"), slots=["passphrase"], recovery_key="R")
    check_output("init", made)
    with pytest.raises(TypeError, match=r"`init --json` writes dict, not InitResult"):
        check_output("init", {"vault": "v.db"})
    with pytest.raises(TypeError, match="not a list of StatusRow or CampaignReport"):
        check_output("status", made)
    check = check_output("status", [])
    with pytest.raises(TypeError, match="writes a InitResult, not StatusRow"):
        check([made])
    with pytest.raises(TypeError, match="no output type"):
        check_output("nosuch", made)


def test_what_a_command_writes_matches_the_schema(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real documents of a few commands carry exactly the keys the schema gives their shape."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    documents = [cli(["init", "--passphrase", "--profile", str(DEMO), "--json"])[1]]
    documents.append(
        cli(["request", "lexisnexis", "--format", "txt", "--out", str(tmp_path / "l"), "--json"])[1]
    )
    documents += [
        cli(args)[1]
        for args in (["status", "--json"], ["show", "1", "--json"], ["vault", "verify", "--json"])
    ]
    schema = output_schema()
    defs = schema["$defs"]
    shapes = {a["title"]: a["properties"]["data"] for a in schema["oneOf"]}
    for text in documents:
        document = envelope(text)
        data = document["data"]
        alternatives = shapes[document["command"]].get("anyOf", [shapes[document["command"]]])
        (shape,) = [a for a in alternatives if (a.get("type") == "array") == isinstance(data, list)]
        if isinstance(data, list):
            data, shape = data[0], shape["items"]
        declared = defs[shape["$ref"].rsplit("/", 1)[-1]]
        assert set(data) == set(declared["properties"]), document["command"]
        assert set(declared.get("required", ())) <= set(data)
