"""The root command: subcommands are imported when they run, and --help says what each does."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import typer

from broker_audit.cli.app import SUBCOMMANDS, app

PROBE = """
import io, json, sys
from broker_audit.cli.app import main
sys.stdout = io.StringIO()
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> set[str]:
    env = dict(os.environ, COLUMNS="100")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    return set(json.loads(done.stdout))


def _first_paragraph(text: str | None) -> str:
    return inspect.cleandoc(text or "").split("\n\n")[0]


def test_each_summary_is_the_first_paragraph_of_the_real_help() -> None:
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    for name, sub in SUBCOMMANDS.items():
        command = root.get_command(ctx, name)  # the real one, imported now
        assert _first_paragraph(command.help) == sub.summary, name


def test_help_imports_no_subcommand() -> None:
    loaded = _modules_after("--help")
    assert not {f"broker_audit.cli.{s.module}" for s in SUBCOMMANDS.values()} & loaded
    assert "broker_audit.services" not in loaded


def test_brokers_list_imports_only_what_it_uses() -> None:
    _modules_after("brokers", "list")  # builds the registry cache
    loaded = _modules_after("brokers", "list")
    assert "broker_audit.cli.brokers" in loaded
    for heavy in (
        "rich",
        "broker_audit.vault",
        "broker_audit.letters",
        "broker_audit.registry.merge",
        "broker_audit.registry.schema",  # listing rows are read without the records
        "tomllib",
    ):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in loaded), heavy
