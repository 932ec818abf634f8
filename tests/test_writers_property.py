"""Property (issue 12): random sequences of real `broker-audit` commands, some run in parallel,
some killed with SIGKILL at a random moment, never lose an acknowledged record and never store
a history the request lifecycle forbids; the vault always opens and passes `vault verify`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from clijson import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broker_audit.profile import load_profile_file
from broker_audit.services import VaultAccess, init_vault, verify_vault
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.states import State, check_transition
from broker_audit.vault.vault import Vault

ROOT = Path(__file__).resolve().parents[1]
PASS = "correct horse battery staple"
STATES = [s.value for s in State if s is not State.DRAFTED]
OUTCOMES: dict[int, int] = {}  # exit code -> runs, over all examples (printed with -s)

command = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(["lexisnexis", "spokeo", "appriss"])),  # appriss: no route
    st.tuples(
        st.just("mark"), st.integers(1, 4), st.sampled_from(["sent"] * 4 + ["acknowledged"] * 2 + STATES)
    ),
)
# Each wave runs its commands at once; a command is killed after `delay` seconds, or never (None).
wave = st.lists(st.tuples(command, st.one_of(st.none(), st.floats(0.05, 1.5))), min_size=1, max_size=3)


def _argv(cmd: tuple[object, ...], out: Path) -> list[str]:
    if cmd[0] == "request":
        return ["request", str(cmd[1]), "--format", "txt", "--out", str(out), "--json"]
    args = ["mark", str(cmd[1]), str(cmd[2]), "--json"]
    return [*args, "--via", "email"] if cmd[2] == "sent" else args  # both routes: email


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(waves=st.lists(wave, min_size=2, max_size=4))
def test_kills_and_parallel_writers_never_lose_or_corrupt(
    waves: list[list[tuple[tuple[object, ...], float | None]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        path = home / "vault.db"
        env = dict(
            os.environ,
            BROKER_AUDIT_VAULT=str(path),
            BROKER_AUDIT_PASSPHRASE=PASS,
            BROKER_AUDIT_TODAY="2026-03-02",
            XDG_CONFIG_HOME=str(home / "config"),
        )
        os.environ["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"]  # this process reads the same last-seen state
        init_vault(
            path,
            load_profile_file(ROOT / "examples" / "demo-profile.toml"),
            passphrase=PASS,
            use_keyring=False,
        )
        acknowledged_requests: dict[int, str] = {}  # id -> reference
        acknowledged_marks: list[tuple[int, str]] = []
        for number, commands in enumerate(waves):
            started = [
                (
                    cmd,
                    delay,
                    subprocess.Popen(
                        [sys.executable, "-m", "broker_audit", *_argv(cmd, home / "letters")],
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        stdin=subprocess.DEVNULL,
                        text=True,
                    ),
                )
                for cmd, delay in commands
            ]
            begun = time.monotonic()
            for _cmd, delay, process in sorted(started, key=lambda s: s[1] or 99):
                if delay is not None:
                    time.sleep(max(0.0, delay - (time.monotonic() - begun)))
                    process.kill()
            for cmd, _, process in started:
                out, err = process.communicate(timeout=120)
                OUTCOMES[process.returncode] = OUTCOMES.get(process.returncode, 0) + 1
                if process.returncode == 0:
                    if cmd[0] == "request":
                        for letter in data(out)["letters"]:
                            acknowledged_requests[letter["id"]] = letter["reference"]
                    else:
                        acknowledged_marks.append((int(cmd[1]), str(cmd[2])))  # type: ignore[call-overload]
                elif process.returncode > 0:  # refused (exit 1: unknown request, illegal change)
                    assert process.returncode == 1, err[-1500:]
                    assert "Traceback" not in err and "unexpected" not in err, err[-1500:]
            status = subprocess.run(
                [sys.executable, "-m", "broker_audit", "status", "--json"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert status.returncode == 0, f"wave {number}: {status.stderr[-1500:]}"
            assert "warning" not in status.stderr, status.stderr

        with Vault.open(path, passphrase=lambda: PASS) as vault:
            journal = Journal(vault)
            for request_id, reference in acknowledged_requests.items():
                assert journal.requests[request_id].reference == reference, f"request {request_id} lost"
            for request_id in journal.requests:
                state = State.DRAFTED
                for event in journal.view(request_id).events:
                    check_transition(state, event.state, request_id)  # never a forbidden history
                    state = event.state
            for request_id, state_name in acknowledged_marks:
                chain = [e.state.value for e in journal.view(request_id).events]
                assert state_name in chain, f"acknowledged mark {request_id} {state_name} lost: {chain}"
        result = verify_vault(VaultAccess(path=path, passphrase=lambda: PASS))
        assert result.requests >= len(acknowledged_requests)
        print(f"exit codes so far (-9 killed): {OUTCOMES}; acknowledged: ", end="")
        print(f"{len(acknowledged_requests)} requests, {len(acknowledged_marks)} marks")
