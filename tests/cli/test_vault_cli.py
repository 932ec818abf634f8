"""`broker-audit vault verify`, the unlock line, and the exit code of a vault from a newer version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec
import pytest
from clijson import data
from cliutil import DEMO, Runner

from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    path = tmp_path / "v" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, _, err = cli(["request", "lexisnexis", "spokeo", "--out", str(tmp_path / "l"), "--format", "txt"])
    assert code == 0, err
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    return path


def test_unlock_prints_count_and_last_change_on_stderr(vault: Path, cli: Runner) -> None:
    """Proves: every unlock says 'vault: N records, last change DATE' on stderr; stdout stays
    data (one JSON document)."""
    code, out, err = cli(["status", "--json"])
    assert code == 0
    assert len(data(out)) == 2
    assert err.startswith("vault: 4 records, last change 20") and "UTC" in err


def test_verify_walks_everything(vault: Path, cli: Runner) -> None:
    """Proves: `vault verify` reports the records checked (profile, 2 requests, 1 event)."""
    code, out, err = cli(["vault", "verify", "--json"])
    assert code == 0, err
    report = data(out)
    assert report["records"] == 4 and report["requests"] == 2 and report["attachments"] == 0
    code, out, _ = cli(["vault", "verify"])
    assert code == 0 and out.startswith("Checked 4 records (2 requests)")


def test_verify_finds_damage_that_opening_does_not_read(vault: Path, cli: Runner) -> None:
    """Proves: with the index written after record 4 (by the last append), opening checks only
    later records, so a changed record 2 does not stop `status` (which shows the index's state,
    the true one), but `vault verify` walks from the first record and names it (exit 4)."""
    with Vault.open(vault, passphrase=lambda: PASS) as opened:
        assert opened.snapshot_count == opened.count == 4
    conn = sqlite3.connect(vault)
    conn.execute("UPDATE records SET sealed = CAST(sealed || x'00' AS BLOB) WHERE n = 2")
    conn.commit()
    conn.close()
    code, out, _ = cli(["status", "--json"])
    assert code == 0 and [r["state"] for r in data(out)] == ["sent", "drafted"]
    code, _, err = cli(["vault", "verify"])
    assert code == 4
    assert "vault record 2 is damaged" in err


def test_a_vault_from_a_newer_version_exits_5(vault: Path, cli: Runner) -> None:
    """Proves: a record written by a newer broker-audit gives exit 5 and says so, on every
    command that reads the log (and `vault verify` too)."""
    with Vault.open(vault, passphrase=lambda: PASS) as opened:
        opened.append(msgspec.msgpack.encode({"type": "reply", "v": 1, "request_id": 1}))
    for args in (["status"], ["show", "1"], ["vault", "verify"]):
        code, _, err = cli(args)
        assert code == 5, (args, err)
        assert "this vault has records made by a newer broker-audit" in err
        assert "upgrade broker-audit" in err
