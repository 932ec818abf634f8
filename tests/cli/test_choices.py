"""Choice lists in --help come from the tables that define them (cli/choices.py): every list is
filled in, each equals its table, and a kind or a channel added to the vocabulary shows in help
without touching the CLI."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from cliutil import Runner

from broker_audit import vocabulary
from broker_audit.cli.app import SUBCOMMANDS, app
from broker_audit.cli.choices import CHOICES, fill, listed


def _helps() -> Iterator[tuple[str, str]]:
    """(command, text) for every command's and parameter's help, as the CLI loads them."""
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    for name in SUBCOMMANDS:
        command: Any = root.get_command(ctx, name)
        leaves = getattr(command, "commands", None) or {"": command}
        for leaf_name, leaf in leaves.items():
            where = f"{name} {leaf_name}".strip()
            yield where, leaf.help or ""
            for param in leaf.params:
                yield f"{where} {param.name}", getattr(param, "help", None) or ""


def test_every_list_is_filled_in_and_every_list_is_used() -> None:
    texts = list(_helps())
    left = [(where, text) for where, text in texts if re.search(r"\{[a-z_]+\}", text)]
    assert left == []
    raw = [p.help for c in _raw_commands() for p in c.params if getattr(p, "help", None)]
    used = {name for text in raw for name in re.findall(r"\{([a-z_]+)\}", text)}
    assert used == set(CHOICES), "a list in CHOICES that no help names, or a name CHOICES lacks"


def _raw_commands() -> Iterator[Any]:
    """The commands as declared (help not yet filled)."""
    import importlib

    for sub in SUBCOMMANDS.values():
        target = getattr(importlib.import_module(f"broker_audit.cli.{sub.module}"), sub.attribute)
        if isinstance(target, typer.Typer):
            yield from typer.main.get_group(target).commands.values()
        else:
            single = typer.Typer()
            single.command("x")(target)
            yield typer.main.get_command(single)


def _help_of(cli: Runner, *args: str) -> str:
    code, out, err = cli([*args, "--help"])
    assert code == 0, err
    return " ".join(out.replace("│", " ").split())


def test_request_lists_every_kind_a_user_asks_for_and_every_channel(cli: Runner) -> None:
    text = _help_of(cli, "request")
    kinds = [k.id for k in vocabulary.KINDS.values() if k.group == "request"]
    assert "access, delete, opt-out, correct or fcra-disclosure" in text  # the table today
    assert listed(kinds) in text
    assert listed(vocabulary.channels_by_rank()) in text and listed(vocabulary.IDENTITY_FIELDS) in text


def test_a_kind_and_a_channel_added_to_the_vocabulary_show_in_help(
    cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    erase = dataclasses.replace(vocabulary.KINDS["delete"], id="erase-everything")
    monkeypatch.setitem(vocabulary.KINDS, "erase-everything", erase)
    drp = dataclasses.replace(vocabulary.CHANNELS["web-form"], id="data-rights-protocol", rank=9)
    monkeypatch.setitem(vocabulary.CHANNELS, "data-rights-protocol", drp)
    request = _help_of(cli, "request")
    assert "fcra-disclosure or erase-everything; repeat or comma-separate" in request
    assert "fax, phone or data-rights-protocol" in request
    assert "phone or data-rights-protocol" in _help_of(cli, "mark")
    assert "erase-everything" in _help_of(cli, "bulk", "letters")


def test_fill_leaves_other_braces_alone() -> None:
    assert (
        fill("a {kinds} b {not_a_list} {}") == f"a {listed(vocabulary.request_kinds())} b {{not_a_list}} {{}}"
    )
    assert listed(["a"]) == "a" and listed(["a", "b"], "and") == "a and b"
