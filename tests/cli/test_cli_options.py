"""Small promises of the command line: --version, flags shown without a value type, and the day
to look at (--as-of) on status and followup instead of an undocumented variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner


def test_version(cli: Runner) -> None:
    from broker_audit import __version__

    code, out, _ = cli(["--version"])
    assert code == 0 and out.strip() == f"broker-audit {__version__}"


@pytest.mark.parametrize("command", [[], ["status"], ["request"], ["bulk", "letters"], ["registry", "check"]])
def test_flags_show_no_value_type(cli: Runner, command: list[str]) -> None:
    """typer prints "<bool>" after a flag, which invites `--json true` (an error): flags show none."""
    code, out, _ = cli([*command, "--help"])
    assert code == 0 and "<bool>" not in out


def _all_commands() -> list[list[str]]:
    import typer

    from broker_audit.cli.app import SUBCOMMANDS, app

    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    paths: list[list[str]] = []
    for name in SUBCOMMANDS:
        command = root.get_command(ctx, name)
        subs = getattr(command, "commands", {})
        paths += [[name, sub] for sub in subs] if subs else [[name]]
    return paths


def test_no_help_shows_a_python_type_or_a_hard_wrapped_line(
    cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values show their name (KIND), not "<list[str]>"; a docstring's line breaks are joined so the
    terminal wraps each paragraph once (no "... and" / "Appriss ..." ragged pairs)."""
    monkeypatch.setenv("COLUMNS", "200")
    for path in [[], *_all_commands()]:  # the root's own options too
        code, out, _ = cli([*path, "--help"])
        assert code == 0, path
        assert not re.search(r"<(list\[|str>|path>|int>|bool>)", out), (path, out)
        for line in out.splitlines():
            inner = line.strip("│ ").rstrip()
            # at 200 columns no sentence needs to break before 100: a short line that does not
            # end a sentence is a hard wrap carried over from the source
            if 30 < len(inner) < 90 and inner[-1].isalpha() and not line.startswith(" Usage"):
                nxt = out.splitlines()[out.splitlines().index(line) + 1].strip("│ ")
                assert not (nxt and nxt[0].islower()), (path, line, nxt)


def test_status_and_followup_as_of(tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    assert cli(["request", "equifax", "--out", str(tmp_path / "l")])[0] == 0
    assert cli(["mark", "1", "sent", "--via", "web-form"])[0] == 0  # its My Privacy form
    rows = data(cli(["status", "--json", "--as-of", "2026-03-01"])[1])
    assert rows[0]["overdue"] is True and rows[0]["days_left"] < 0
    rows = data(cli(["status", "--json"])[1])
    assert rows[0]["overdue"] is False
    code, out, err = cli(["followup", "--as-of", "2026-03-01", "--out", str(tmp_path / "f"), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert letter["kind"] == "followup" and re.search(r"2026-03-01", letter["files"][0])
    code, _, err = cli(["status", "--as-of", "03/01/2026"])
    assert code == 1 and "--as-of" in err


def test_pdf_metadata_names_the_letter(tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    # Experian: access requests by mail, to the box its filing names for them
    code, out, err = cli(["request", "experian", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    pdf = next(Path(f) for f in data(out)["letters"][0]["files"] if f.endswith(".pdf"))
    meta = PdfReader(pdf).metadata
    assert meta is not None
    assert meta.title.startswith("Request to know / access my personal data")
    assert meta.author == "María José Núñez Nguyễn" and meta.subject.startswith("access (Reference BA-")
    assert "untitled" not in str(meta).lower() and "anonymous" not in str(meta).lower()
