"""Parallel `broker-audit` processes on one vault (issue 12, item 3): four `request` runs at
once give four distinct ids and four letters; parallel `mark` runs never store a history the
lifecycle forbids. Real processes, a real vault file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner

from broker_audit.tracking.journal import Journal
from broker_audit.tracking.states import State, check_transition
from broker_audit.vault.vault import Vault

PASS = "correct horse battery staple"


@pytest.fixture
def vault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    path = tmp_path / "vault" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-02")
    code, _, err = cli(["init", "--passphrase", "--profile", str(DEMO)])
    assert code == 0, err
    return path


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "broker_audit", *args],
        env=dict(os.environ),  # PYTHONPATH holds the test-only fast KDF (tests/conftest.py)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _journal(path: Path) -> Journal:
    return Journal(Vault.open(path, passphrase=lambda: PASS))


def test_four_parallel_requests_get_four_ids(vault_env: Path, tmp_path: Path) -> None:
    """Proves: the next id is read under the writer lock: 4 runs at once print ids 1-4 once
    each, write 4 letters with distinct names, and the vault holds exactly those 4 requests
    (the old code printed 20 success lines and stored #1 four times)."""
    out = tmp_path / "letters"
    args = (
        "request",
        "lexisnexis",
        "--again",
        "--format",
        "txt",
        "--out",
        str(out),
        "--json",
    )  # 4 alike, on purpose
    runs = [_start(*args) for _ in range(4)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err[-800:] for _, err in results]
    ids = sorted(letter["id"] for stdout, _ in results for letter in data(stdout)["letters"])
    assert ids == [1, 2, 3, 4]
    # each a mail letter with the sheet of LexisNexis's portal beside it
    assert len(list(out.glob("*.txt"))) == 8
    journal = _journal(vault_env)
    assert sorted(journal.requests) == [1, 2, 3, 4]
    stored = {r.id: r.files for r in journal.requests.values()}
    assert sorted(Path(f).name for files in stored.values() for f in files) == sorted(
        p.name for p in out.glob("*.txt")
    )


def test_parallel_marks_never_store_a_forbidden_history(vault_env: Path, tmp_path: Path, cli: Runner) -> None:
    """Proves: transitions are checked under the lock: of six conflicting `mark` runs at once,
    each either succeeds or is refused with exit 1 (the lifecycle's message), and the stored
    events of each request replay legally from drafted, one per successful run."""
    code, _, err = cli(["request", "lexisnexis", "spokeo", "--format", "txt", "--out", str(tmp_path / "l")])
    assert code == 0, err
    commands = [  # LexisNexis's letter goes by mail, Spokeo's through its web form
        ("1", "sent", "--via", "mail"),
        ("1", "withdrawn"),
        ("1", "sent", "--via", "mail"),
        ("1", "fulfilled"),
        ("2", "sent", "--via", "web-form"),
        ("2", "sent", "--via", "web-form"),
    ]
    runs = [_start("mark", *command) for command in commands]
    results = [run.communicate(timeout=120) for run in runs]
    codes = [run.returncode for run in runs]
    assert set(codes) <= {0, 1}, [err[-800:] for _, err in results]
    for (_, err), code in zip(results, codes, strict=True):
        if code:
            assert "cannot become" in err and "Traceback" not in err
    journal = _journal(vault_env)
    stored = 0
    for request_id in (1, 2):
        state = State.DRAFTED
        for event in journal.view(request_id).events:
            check_transition(state, event.state, request_id)
            state = event.state
            stored += 1
    assert stored == codes.count(0) >= 2
