"""The reported attack end to end: a templates folder that links to / and includes
/proc/self/environ puts nothing into any letter; the passphrase leaves os.environ once read
(issue 12, item 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner

PASS = "correct horse battery staple 7f3a"


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return tmp_path


def test_environ_include_through_a_root_link_writes_no_letter(person: Path, cli: Runner) -> None:
    tpl = person / "tpl"
    tpl.mkdir()
    os.symlink("/", tpl / "rootlink")
    (tpl / "access.txt.j2").write_text('Subject: hi\n\n{% include "rootlink/proc/self/environ" %}\n')
    out = person / "letters"
    code, stdout, err = cli(
        ["request", "lexisnexis", "--templates", str(tpl), "--out", str(out), "--format", "pdf,txt,eml,html"]
    )
    assert code == 1
    assert "symbolic link" in err and "unexpected" not in err
    assert PASS not in stdout + err
    assert not out.exists() or list(out.iterdir()) == []
    assert data(cli(["status", "--json"])[1]) == []


def test_the_passphrase_is_gone_from_the_environment_while_a_command_runs(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broker_audit.letters import render

    seen: list[bool] = []
    real = render.render_letter

    def spy(*args: object, **kwargs: object) -> object:
        seen.append("BROKER_AUDIT_PASSPHRASE" in os.environ)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_letter", spy)
    code, _, err = cli(["request", "lexisnexis", "--out", str(person / "letters"), "--format", "txt"])
    assert code == 0, err  # the vault was unlocked with it
    assert seen == [False]
