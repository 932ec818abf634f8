"""`status` over a clinic's vault at 1k, 10k and 100k requests: the service and the CLI, each in a
fresh process, wall time and peak RSS (medians of --runs). Prints figures; never asserted.

    python bench/bench_status.py [--sizes 1000,10000,100000] [--runs 3] [--before DIR]

Vaults come from bench/vaultgen.py (a clinic: 20 requests a client in batches of 5,000, most
sent, a share answered) and are unlocked with the real Argon2id passphrase cost, as a clinic's
headless machine does. Rows:

- `open`: Vault.open + Journal (unlock, verify, open the derived index) in a fresh process;
- `service`: the `status_rows` service (what the CLI calls; no rendering);
- `cli --json`: `broker-audit status --json > /dev/null` (rendering is cli/, measured apart);
- `rebuild`: the first open after the index's root is gone (every record read once, the index
  built and written). bench/bench_scale.py times each command against the vault's size.

`--before DIR` also times a tree of the previous code (e.g. `git archive main broker_audit |
tar -x -C DIR`) on vaults it builds itself with the same generator, for before/after figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASS = "bench passphrase"

OPEN = """
import sys
from pathlib import Path
from broker_audit.vault.vault import Vault
from broker_audit.tracking.journal import Journal
vault = Vault.open(Path(sys.argv[1]), passphrase=lambda: sys.argv[2], use_keyring=False)
journal = Journal(vault)
assert len(journal.requests) == int(sys.argv[3])
"""
SERVICE = """
import datetime as dt, sys
from pathlib import Path
from broker_audit.services import VaultAccess, status_rows
rows = status_rows(VaultAccess(Path(sys.argv[1]), passphrase=lambda: sys.argv[2], use_keyring=False),
                   today=dt.date(2027, 6, 1))
assert len(rows) == int(sys.argv[3])
"""
DROP_SNAPSHOT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1]); conn.execute("DELETE FROM snapshot"); conn.commit(); conn.close()
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one child process. CPU time is what to
    compare on a busy machine. The child runs in the vault's folder, not in the checkout:
    `python -c` puts the working directory first on sys.path."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=env["HOME"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        err = process.stderr.read().decode()[-2000:] if process.stderr else ""
        raise SystemExit(f"failed: {argv[:4]}: {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def median(argv: list[str], env: dict[str, str], runs: int, before_each: list[str] | None = None) -> str:
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        if before_each:
            subprocess.run(before_each, env=env, cwd=env["HOME"], check=True)
        wall, cpu, peak = run(argv, env)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    wall, cpu, peak = (statistics.median(x) for x in (walls, cpus, peaks))
    return f"{wall:6.2f} s wall {cpu:6.2f} s CPU {peak:5.0f} MiB"


def environment(code: Path, home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BROKER_AUDIT_TEST_FAST_KDF")}
    env.update(
        PYTHONPATH=str(code),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        BROKER_AUDIT_PASSPHRASE=PASS,
    )
    return env


def figures(code: Path, label: str, sizes: list[int], runs: int, tmp: Path) -> None:
    env = environment(code, tmp / f"home-{label}")
    py = sys.executable
    for size in sizes:
        path = tmp / f"{label}-{size}.db"
        start = time.perf_counter()
        generate = [py, str(ROOT / "bench" / "vaultgen.py"), str(path), "--requests", str(size)]
        subprocess.run(
            [*generate, "--passphrase", PASS], env=env, cwd=env["HOME"], check=True, stdout=subprocess.DEVNULL
        )
        built = time.perf_counter() - start
        cli_env = dict(env, BROKER_AUDIT_VAULT=str(path))
        args = [str(path), PASS, str(size)]
        rows = [
            ("open", median([py, "-c", OPEN, *args], env, runs)),
            ("service", median([py, "-c", SERVICE, *args], env, runs)),
            ("cli --json", median([py, "-m", "broker_audit", "status", "--json"], cli_env, runs)),
        ]
        if label == "after":
            drop = [py, "-c", DROP_SNAPSHOT, str(path)]
            rows.append(("rebuild", median([py, "-c", OPEN, *args], env, runs, before_each=drop)))
        mib = path.stat().st_size / 2**20
        print(f"{label:6} {size:>7} requests (built in {built:5.1f} s, {mib:5.0f} MiB)")
        for name, value in rows:
            print(f"{'':6} {name:>12}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a tree of the previous code to compare with")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.before is not None:
            figures(args.before.resolve(), "before", sizes, args.runs, Path(tmp))
        figures(ROOT, "after", sizes, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
