"""`mark sent --via` accepts only the channel of an artefact written for the request; to change
channel, `resend ID --via` writes the letter for that route."""

from __future__ import annotations

from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner, demo_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    path = demo_vault(cli, tmp_path, monkeypatch, "2026-11-25")
    code, out, err = cli(["request", "lexisnexis", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert letter["channel"] == "mail"  # LexisNexis also has email (a contact) and web-form routes
    return path


def test_mark_sent_via_accepts_only_the_channel_its_letter_was_written_for(vault: Path, cli: Runner) -> None:
    code, _, err = cli(["mark", "1", "sent", "--via", "email"])
    assert code == 1
    assert "request 1 was written to go by mail, so it cannot have gone by email" in err
    assert "broker-audit resend 1 --via email" in err
    shown = data(cli(["show", "1", "--json"])[1])
    assert shown["state"] == "drafted" and shown["history"] == []  # nothing was recorded
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0


def test_mark_sent_via_resend_writes_the_letter_for_the_new_route(
    vault: Path, cli: Runner, tmp_path: Path
) -> None:
    code, out, err = cli(["resend", "1", "--via", "email", "--out", str(tmp_path / "l2"), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    assert (letter["id"], letter["channel"], letter["kind"]) == (2, "email", "access")
    assert any(f.endswith(".eml") for f in letter["files"])
    first = data(cli(["show", "1", "--json"])[1])
    assert first["state"] == "withdrawn"  # never sent: replaced
    assert first["history"][-1]["note"] == "written again for email as #2"
    assert cli(["mark", "2", "sent", "--via", "email"])[0] == 0
    # once sent, a letter by another route is a second attempt: the first stays sent
    code, out, err = cli(["resend", "2", "--via", "mail", "--out", str(tmp_path / "l3"), "--json"])
    assert code == 0, err
    assert data(cli(["show", "2", "--json"])[1])["state"] == "sent"
    assert cli(["mark", "3", "sent", "--via", "mail"])[0] == 0


def test_mark_sent_via_resend_refuses_a_route_the_broker_lacks(vault: Path, cli: Runner) -> None:
    code, _, err = cli(["resend", "1", "--via", "fax"])
    assert code == 1 and "no fax route" in err
