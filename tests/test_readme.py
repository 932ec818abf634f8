"""Docs that cannot drift: every `broker-audit ...` command in the README's code blocks and every
"Example:" in a command's --help names a real command with options and arguments it accepts.

Each example is parsed by the real command line (the same click parser `broker-audit` runs), down
to its leaf command, without running it: a renamed option, a removed command or a missing
argument fails here, not in front of a user.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
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
    and VAR=value prefixes. Words are split as the shell splits them: a `;` inside quotes is part
    of its word, not the end of a command."""
    line = line.split(" # ", 1)[0].strip()
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""  # comments are gone; `#1` is a word
    try:
        tokens = list(lexer)
    except ValueError:  # not shell (output shown in a code block)
        return
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in ("&&", "||", ";", "|", "&"):
            commands.append([])
        else:
            commands[-1].append(token)
    for words in commands:
        cut = next((n for n, w in enumerate(words) if set(w) <= set("<>&")), len(words))  # > file
        words = words[:cut]
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


# --- the README's examples, run ------------------------------------------------------------------
#
# Parsing proves an example names real options; running proves it works in the order the README
# gives it. "Use it" is run line by line on a fresh vault, in-process, as one person at a terminal
# would (no terminal to answer a prompt: every line must run without one).

WALK_TODAY = "2026-12-02"  # the README's `mark 1 delivered --on 2026-12-02` is the day of sending
WALK_PROFILE = """\
name = "Rosa Elena Martínez Ortega"
email = "me@example.org"
phone = "+1 213 555 0147"
birth_date = 1985-07-21
state = "CA"

[[addresses]]
line1 = "410 Calle Ñandú, Apt 2"
city = "Los Angeles"
state = "CA"
zip = "90012"
current = true

[[addresses]]
line1 = "27 Example Street"
city = "Fresno"
state = "CA"
zip = "93721"
until = 2019
"""  # me.toml: a Californian (DROP is California's) whose e-mail is the README's mailbox
NOT_RUN = {  # README line -> why the walkthrough cannot run it (the README says so too)
    "broker-audit inbox": "reads a real mailbox (imap.example.org); tests/mail/test_mail_sandbox.py runs it",
    "broker-audit cora --as clinic --agency 'Example County Sheriff' --address '1 Main St;Town, CO 80000'": (
        "needs a clinic's vault (init --clinic); the walkthrough's vault is one person's"
    ),
    "broker-audit status --campaign C-20261207-1A2B3C": "cora --all draws the campaign id at random",
    "broker-audit campaign export C-20261207-1A2B3C --out findings": "the campaign id, drawn at random",
}


def section_commands(title: str) -> list[str]:
    """The `broker-audit ...` lines of the first shell block under a README heading, in order."""
    text = README.read_text(encoding="utf-8").split(f"\n{title}\n", 1)[1]
    (block,) = re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)[:1]
    return [command for line in block.splitlines() for command in shell_commands(line)]


def _example_files() -> None:
    """The files the "Use it" lines name, in the scratch folder they run in."""
    sys.path.insert(0, str(ROOT / "tests" / "findings"))
    try:
        import docs  # the findings tests' consumer report, as a broker would print it
    finally:
        sys.path.remove(str(ROOT / "tests" / "findings"))
    Path("me.toml").write_text(WALK_PROFILE, encoding="utf-8")
    report = docs.pdf_bytes(docs.LEXIS_REPORT)
    Path("scan.pdf").write_bytes(report)  # a consumer report that came by post
    answer = docs.Doc(
        "sheriff-answer",
        "en",
        (
            docs.H("Response to your records request"),
            docs.T("Enclosed is our agreement with Appriss Insights for the VINE notification service."),
        ),
    )
    Path("answer.pdf").write_bytes(docs.pdf_bytes(answer))  # an agency's answer


def test_the_use_it_walkthrough_runs_in_order(
    cli: Callable[[list[str]], tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", WALK_TODAY)
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", "not-used: nothing connects")
    monkeypatch.setenv("BROKER_AUDIT_PAGER", "")
    _example_files()
    commands = section_commands("## Use it")
    assert set(NOT_RUN) <= set(commands), "a skipped line is no longer in the README: update NOT_RUN"
    said: dict[str, str] = {}
    for command in commands:
        if command in NOT_RUN:
            continue
        code, out, err = cli(shlex.split(command)[1:])
        assert code == 0, f"README `{command}` exited {code}:\n{err}"
        assert "Traceback" not in out + err and "--debug" not in err, f"README `{command}`:\n{err}"
        said[command] = " ".join((out + err).split())
    # the ids and outcomes the README's comments promise
    assert (
        "#1 LexisNexis Risk Solutions (access"
        in said["broker-audit request lexisnexis appriss --kind access,delete --out letters"]
    )
    assert (
        "#2 LexisNexis Risk Solutions (delete"
        in said["broker-audit request lexisnexis appriss --kind access,delete --out letters"]
    )
    assert "#2 is withdrawn" in said["broker-audit resend 2 --via email"]
    assert "#1 is now delivered" in said["broker-audit mark 1 delivered --on 2026-12-02"]
    mail_only = said["broker-audit request experian whitepages --via mail"]
    assert "Experian (access" in mail_only and "whitepages" in mail_only
    assert "1 email would be sent" in said["broker-audit send --dry-run"]
    assert "reply #1 to #1" in said["broker-audit reply 1 --file scan.pdf --state denied"]
    assert "reply #2 to #12" in said["broker-audit reply 12 --file answer.pdf"]
    assert "evidence: reply #2" in said["broker-audit campaign finding 12 appriss --reply 2"]
    assert Path("complaint-1/timeline.pdf").is_file() and Path("audit.html").is_file()
    assert "Destroyed the keys" in said["broker-audit vault forget --confirm forget"]


def _shown_lines(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and line.strip() != "..."]


def test_the_try_it_demo_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The "Try it" command, run (the `bash scripts/install.sh` before it made the environment the
    suite runs in); the README's shortened output, line by line, in order: a line ending in "..."
    is the start of a line the demo prints, every other line one it prints whole."""
    text = README.read_text(encoding="utf-8").split("\n## Try it", 1)[1].split("\n## ", 1)[0]
    (command_block, output_block) = re.findall(r"^```(?:sh)?\n(.*?)^```", text, re.M | re.S)
    (install, demo) = [part.strip() for part in command_block.strip().split("&&")]
    assert install == "bash scripts/install.sh" and demo == ".venv/bin/broker-audit demo"
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "broker-audit").exists():
        pytest.skip("the suite does not run in the environment scripts/install.sh makes")
    (tmp_path / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_AUDIT_")}
    env["BROKER_AUDIT_TODAY"] = "2026-11-30"  # the day the README's output shows
    result = subprocess.run(
        ["bash", "-c", demo], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    printed = result.stderr.splitlines() + result.stdout.splitlines()  # warnings first, as shown
    at = 0
    for line in _shown_lines(output_block):
        start = line.removesuffix("...")
        for n in range(at, len(printed)):
            if printed[n] == line or (start != line and printed[n].startswith(start)):
                at = n + 1
                break
        else:
            pytest.fail(f"README 'Try it': the demo no longer prints (in this order):\n{line}")
    # what the README says the demo does
    for name in (
        "2026-11-30-lexisnexis-risk-solutions-access-1.pdf",  # LexisNexis by mail
        "2026-11-30-lexisnexis-risk-solutions-access-1-web-form.pdf",  # its portal's sheet beside
        "2026-11-30-equifax-access-2.pdf",  # Appriss's parent company
        "2026-11-30-appriss-insights-unreachable-3.pdf",  # the complaint to the Colorado AG
    ):
        assert (tmp_path / "broker-audit-demo" / name).is_file(), name
    assert "Status on 2027-01-29" in result.stdout  # 60 days later
    assert "crypto-shredded" in result.stdout
