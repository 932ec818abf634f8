"""The index and SIGKILL (issue 27): a writer killed at any instant never leaves an index that
disagrees with the records, because its parts and root are written in the transaction of the
records they stand for; and no acknowledged append is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import fast_kdf
import pytest

from broker_audit.tracking.index import RequestIndex
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.states import State
from broker_audit.vault.vault import Vault

REPO = Path(__file__).resolve().parents[2]
APPENDER = Path(__file__).with_name("journal_appender.py")


def _child_env() -> dict[str, str]:
    env = fast_kdf.child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env["PYTHONPATH"], str(REPO)]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def kill_writers(path: Path, recovery: str, rounds: int, seed: int) -> tuple[set[int], set[int]]:
    """Start a journal writer `rounds` times and SIGKILL it at a random instant; the requests
    and the sent events it acknowledged."""
    requests: set[int] = set()
    sent: set[int] = set()
    rng = random.Random(seed)
    for round_number in range(rounds):
        child = subprocess.Popen(
            [sys.executable, str(APPENDER), str(path), recovery],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_env(),
            text=True,
        )
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"round {round_number}: the writer did not start: {err[-2000:]}")
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        for line in out.splitlines():
            words = line.split()
            if words[:1] == ["request"]:
                requests.add(int(words[1]))
            elif words[:1] == ["event"]:
                sent.add(int(words[1]))
    return requests, sent


def check(path: Path, recovery: str, requests: set[int], sent: set[int]) -> None:
    vault = Vault.open(path, recovery_key=recovery)
    journal = Journal(vault)
    index = journal.index
    assert index is not None and index.origin == "stored"  # never found damaged
    assert vault.snapshot_count == vault.count  # written with the last committed records
    with vault.reading():
        truth = RequestIndex.empty(vault)
        truth.rebuild()
        assert index.differences(truth) == []
    for request_id in requests:
        view = journal.view(request_id)  # acknowledged: never lost
        assert request_id not in sent or view.state is State.SENT
    assert len(requests) > 0  # the writers did real work
    vault.close()


def make(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "vault.db"
    vault, recovery = Vault.create(path, passphrase="kill test passphrase", use_keyring=False)
    vault.close()
    return path, recovery


def test_a_killed_writer_leaves_the_index_whole(tmp_path: Path) -> None:
    """Proves (three kills, in the fast suite): after writers killed mid-append, the index
    stands for the last committed record, matches one built from every record without having
    been rebuilt, and every acknowledged request and event is there."""
    path, recovery = make(tmp_path)
    requests, sent = kill_writers(path, recovery, rounds=3, seed=27)
    check(path, recovery, requests, sent)


@pytest.mark.slow
def test_many_killed_writers_leave_the_index_whole(tmp_path: Path) -> None:
    """Proves: the same over 25 kills at random instants."""
    path, recovery = make(tmp_path)
    requests, sent = kill_writers(path, recovery, rounds=25, seed=2027)
    check(path, recovery, requests, sent)
