"""Start-up and status figures for the CLI. Prints figures; never asserted in tests.

    python bench/bench_cli.py [--requests 10000] [--runs 5]

1. Cold `broker-audit --help` against a bare typer app's `--help` (target: under 1.5x).
2. `broker-audit status --json` over a vault holding N requests, each sent (target: under 1 s),
   with the real (default) Argon2id passphrase KDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    print(name)
app()
"""


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_vault(path: Path, passphrase: str, count: int) -> None:
    from broker_audit.profile import Address, Profile
    from broker_audit.tracking.journal import Journal, ProfileSet, now
    from broker_audit.tracking.model import RequestMade, StatusChanged
    from broker_audit.tracking.states import State
    from broker_audit.vault.vault import Vault

    vault, _ = Vault.create(path, passphrase=passphrase, use_keyring=False)
    journal = Journal(vault)
    profile = Profile(
        name="Bench Person",
        state="CO",
        addresses=[Address(line1="1 Main St", city="Denver", state="CO", zip="80204", current=True)],
    )
    journal.append([ProfileSet(profile=profile, recorded=now())])
    created = now()
    batch: list = []
    for i in range(1, count + 1):
        batch.append(
            RequestMade(
                id=i,
                broker_id=f"broker-{i % 40}",
                broker_name=f"Broker {i % 40}",
                kind="access",
                law_id="co-cpa",
                law_name="Colorado Privacy Act",
                deadline_days=45,
                extension_days=45,
                appeal_days=45,
                reference=f"BA-{i:08d}",
                dated=dt.date(2026, 1, 1),
                created=created,
                files=[f"/home/x/letters/2026-01-01-broker-{i % 40}-access-{i}.pdf"],
            )
        )
        batch.append(
            StatusChanged(
                request_id=i,
                state=State.SENT,
                on=dt.date(2026, 1, 1),
                via="mail",
                tracking="9407111899560000000000",
                recorded=created,
            )
        )
        if len(batch) >= 2000:
            journal.append(batch)
            batch = []
    journal.append(batch)
    vault.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_AUDIT_TEST")}
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        python = sys.executable
        timed([python, "-m", "broker_audit", "--help"], env, 1)  # warm the .pyc caches
        timed([python, str(bare), "--help"], env, 1)
        ours = timed([python, "-m", "broker_audit", "--help"], env, args.runs)
        base = timed([python, str(bare), "--help"], env, args.runs)
        print(
            f"cold --help: broker-audit {ours * 1000:.0f} ms, bare typer {base * 1000:.0f} ms, "
            f"ratio {ours / base:.2f}x (target < 1.5x)"
        )

        vault = Path(tmp) / "v" / "vault.db"
        start = time.perf_counter()
        build_vault(vault, "bench passphrase", args.requests)
        print(
            f"built a vault of {args.requests} requests (+1 event each) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        env2 = dict(
            env,
            BROKER_AUDIT_PASSPHRASE="bench passphrase",
            BROKER_AUDIT_VAULT=str(vault),
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        status = timed(
            [python, "-m", "broker_audit", "--no-keyring", "status", "--json"], env2, max(3, args.runs // 2)
        )
        print(
            f"status --json over {args.requests} requests: {status * 1000:.0f} ms wall, "
            "including start-up and the Argon2id unlock (target < 1000 ms)"
        )


if __name__ == "__main__":
    main()
