"""Docs that cannot drift: every `broker-audit ...` command in the README's code blocks and every
"Example:" in a command's --help names a real command with options and arguments it accepts.

Each example is parsed by the real command line (the same click parser `broker-audit` runs), down
to its leaf command, without running it: a renamed option, a removed command or a missing
argument fails here, not in front of a user.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer._click.exceptions import UsageError  # typer 0.29 carries its own click
from typer.core import TyperGroup

from broker_audit.cli.app import SUBCOMMANDS, app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def shell_commands(line: str) -> Iterator[str]:
    """The `broker-audit ...` commands of one shell line, without comments, redirections, pipes
    and VAR=value prefixes."""
    line = line.split(" # ", 1)[0].strip()
    for part in re.split(r"&&|\|\||;", line):
        try:
            words = shlex.split(re.split(r"[|>]", part, maxsplit=1)[0])
        except ValueError:  # not shell (output shown in a code block)
            continue
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            words.pop(0)
        if words and words[0].endswith("broker-audit"):
            yield shlex.join(["broker-audit", *words[1:]])


def readme_commands(text: str) -> Iterator[str]:
    """Each `broker-audit ...` command in a shell code block of the README."""
    for language, block in _FENCE.findall(text):
        if language in ("sh", "bash", "console", ""):
            for line in block.splitlines():
                yield from shell_commands(line)


def help_examples() -> Iterator[str]:
    """Each "Example: broker-audit ..." line of every command's and group's help."""
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    seen = [root]
    for name in SUBCOMMANDS:
        command = root.get_command(ctx, name)
        seen.append(command)
        seen += list(getattr(command, "commands", {}).values())
    for command in seen:
        for match in re.finditer(r"Example: (broker-audit [^\n]+)", command.help or ""):
            yield from shell_commands(match.group(1))


def parse_only(command_line: str) -> str:
    """Resolve the command path and parse every option and argument; run nothing. Returns the
    leaf command's path. Run it in a scratch folder: file names in the example are made there."""
    words = shlex.split(command_line)[1:]
    for word in words:
        if re.fullmatch(r"[\w./-]+\.(csv|toml|json|pdf|eml|txt|jpg|png|html|ics)", word):
            target = Path(word)
            if not target.is_absolute() and not target.exists() and ".." not in target.parts:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("")
    command = typer.main.get_command(app)
    ctx = command.make_context("broker-audit", list(words), resilient_parsing=False)
    path = ["broker-audit"]
    while isinstance(command, TyperGroup):
        args = [*ctx._protected_args, *ctx.args]
        if not args:
            break
        name, sub, rest = command.resolve_command(ctx, args)
        assert sub is not None and name is not None, command_line
        path.append(name)
        command = sub
        ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=False)
    return " ".join(path)


README_COMMANDS = sorted(set(readme_commands(README.read_text(encoding="utf-8"))))


def test_the_readme_has_commands_to_check() -> None:
    assert len(README_COMMANDS) > 20
    assert any(c.startswith("broker-audit demo") for c in README_COMMANDS)


@pytest.fixture(autouse=True)
def scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("command_line", README_COMMANDS)
def test_readme_command_parses(command_line: str) -> None:
    try:
        parse_only(command_line)
    except typer.Exit:
        pass  # --help, --version
    except UsageError as exc:
        pytest.fail(f"README: `{command_line}`: {exc.format_message()}")


@pytest.mark.parametrize("command_line", sorted(set(help_examples())))
def test_help_example_parses(command_line: str) -> None:
    try:
        parse_only(command_line)
    except UsageError as exc:
        pytest.fail(f"--help example `{command_line}`: {exc.format_message()}")


def test_a_drifted_example_is_caught() -> None:
    with pytest.raises(UsageError):
        parse_only("broker-audit request lexisnexis --no-such-option")
    with pytest.raises(UsageError):
        parse_only("broker-audit no-such-command")
    with pytest.raises(UsageError):
        parse_only("broker-audit mark")  # its arguments are required


def test_every_environment_variable_the_code_reads_is_explained() -> None:
    """A BROKER_AUDIT_* variable the code reads and the README does not explain is a drift too."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "broker_audit").rglob("*.py"))
    used = set(re.findall(r"BROKER_AUDIT_[A-Z_]+", code))
    section = README.read_text(encoding="utf-8").partition("## Environment variables")[2]
    section = section.split("\n## ", 1)[0]
    missing = sorted(v for v in used if f"`{v}`" not in section)
    assert not missing, f"explain these in README.md's 'Environment variables': {missing}"
