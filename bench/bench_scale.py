"""Does a command slow down as the vault grows? `status --json`, `status`, `show` and `mark` over
clinic vaults of 1k, 10k, 100k and 1M requests (bench/vaultgen.py), each in a fresh process with
the real Argon2id passphrase unlock. Prints figures; never asserted in tests.

    python bench/bench_scale.py [--sizes 1000,10000,100000,1000000] [--runs 7] [--before DIR]

Every figure is a median of --runs, measured in one run of this script: round after round, each
command at each size once a round, in a new (seeded) order each round and with before and after
side by side, so a busy machine and whatever ran just before slow them all alike. The load
average is printed at the start, at the end and at each round's start. Each command is given as a
ratio to the same command at the smallest size (goal at 100k: status <= 1.5x, show and mark <=
1.2x) and to `unlock`: a process that imports the vault, opens the file and derives the key from
the passphrase, and nothing else (what every command must pay); in wall time and in CPU time
(user + system, which a busy machine disturbs less). Peak memory is the largest RSS of the
command's process over the runs (goal: flat for show and mark).

`--before DIR` times a tree of the previous code too (`git archive COMMIT broker_audit bench |
tar -x -C DIR`), on vaults it builds with its own generator (same seed, same content), in the same
rounds, so before and after meet the same load.

`mark` marks a different request each run (`mark ID delivered --on 2026-06-01`, a request of the
first batch still awaiting an answer: the vault keeps growing by one record a run, as in use);
`show` shows the request in the middle of the vault.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASS = "bench passphrase"
TODAY = "2027-06-01"  # vaultgen's first batches are due around then
MARK_ON = "2026-06-01"  # after every event of the first batch (dated 2026-03-09 + < 40 days)

UNLOCK = """
import sys
from pathlib import Path
from broker_audit.vault.store import Store
from broker_audit.vault.unlock import unlock
store = Store.open(Path(sys.argv[1]))
with store.snapshot():
    unlock(store.read_header(), lambda: sys.argv[2], None, False)
store.close()
"""

MARKABLE = """
import sys
sys.path.insert(0, sys.argv[2])
import vaultgen
from broker_audit.tracking.model import StatusChanged
state = {}
for record in vaultgen.records(min(int(sys.argv[1]), vaultgen.BATCH_REQUESTS)):
    if isinstance(record, StatusChanged):
        state[record.request_id] = record.state.value
print(" ".join(str(i) for i, s in sorted(state.items()) if s in ("sent", "acknowledged", "extended")))
"""


@dataclass
class Figures:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak(self) -> float:
        return max(self.peaks)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one child process, its output thrown
    away. The child runs in the bench's home, not in the checkout (`python -c` puts its folder
    on sys.path)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=env["HOME"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        err = process.stderr.read().decode()[-2000:] if process.stderr else ""
        raise SystemExit(f"failed: {' '.join(argv[2:6])}: {err}")
    if process.stderr:
        process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def environment(code: Path, home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    drop = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")  # compiled once, as an installed package is
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_AUDIT") and k not in drop}
    env.update(
        PYTHONPATH=str(code),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        BROKER_AUDIT_PASSPHRASE=PASS,
        BROKER_AUDIT_TODAY=TODAY,
    )
    return env


@dataclass
class Tree:
    label: str
    code: Path
    env: dict[str, str]
    vaults: dict[int, Path] = field(default_factory=dict)
    markable: dict[int, list[int]] = field(default_factory=dict)


def build(tree: Tree, sizes: list[int], tmp: Path) -> None:
    py = sys.executable
    for size in sizes:
        path = tmp / f"{tree.label}-{size}" / "vault.db"
        start = time.perf_counter()
        generate = [py, str(tree.code / "bench" / "vaultgen.py"), str(path), "--requests", str(size)]
        subprocess.run(
            [*generate, "--passphrase", PASS],
            env=tree.env,
            cwd=tree.env["HOME"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tree.vaults[size] = path
        ids = subprocess.run(
            [py, "-c", MARKABLE, str(size), str(tree.code / "bench")],
            env=tree.env,
            cwd=tree.env["HOME"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        tree.markable[size] = [int(i) for i in ids]
        mib = path.stat().st_size / 2**20
        built = time.perf_counter() - start
        print(f"  {tree.label}: {size:>9,} requests built in {built:6.1f} s, {mib:6.0f} MiB", flush=True)


COMMANDS = ("unlock", "status --json", "status", "show", "mark")


def command(tree: Tree, size: int, name: str, round_no: int) -> list[str]:
    py = sys.executable
    path = tree.vaults[size]
    cli = [py, "-m", "broker_audit", "--no-keyring", "--vault", str(path)]
    if name == "unlock":
        return [py, "-c", UNLOCK, str(path), PASS]
    if name == "status --json":
        return [*cli, "status", "--json"]
    if name == "status":
        return [*cli, "status"]
    if name == "show":
        return [*cli, "show", str(size // 2)]
    ids = tree.markable[size]
    return [*cli, "mark", str(ids[(round_no * 7919) % len(ids)]), "delivered", "--on", MARK_ON]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="a tree of the previous code to compare with")
    parser.add_argument("--keep", type=Path, help="build the vaults in this folder and keep them")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="a subset, e.g. unlock,show,mark")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    commands = ["unlock", *(c for c in args.commands.split(",") if c in COMMANDS and c != "unlock")]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.runs} runs")
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        trees = []
        if args.before is not None:
            trees.append(
                Tree("before", args.before.resolve(), environment(args.before.resolve(), tmp / "home-before"))
            )
        trees.append(Tree("after", ROOT, environment(ROOT, tmp / "home-after")))
        print("building vaults:")
        for tree in trees:
            build(tree, sizes, tmp)
        figures: dict[tuple[str, int, str], Figures] = {}
        load_start = Path("/proc/loadavg").read_text().split()[:3]
        loads = []
        started = time.perf_counter()
        shuffle = random.Random(27)
        for round_no in range(args.runs + 1):  # round 0 warms the caches and is not counted
            loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            # every command at every size once a round, in a new order each round (before and
            # after side by side), so neither the load nor what ran just before favours one
            steps = [(size, name) for size in sizes for name in commands]
            shuffle.shuffle(steps)
            for size, name in steps:
                for tree in shuffle.sample(trees, len(trees)):
                    wall, cpu, peak = run(command(tree, size, name, round_no), tree.env)
                    if round_no:
                        got = figures.setdefault((tree.label, size, name), Figures())
                        got.walls.append(wall)
                        got.cpus.append(cpu)
                        got.peaks.append(peak)
        load_end = Path("/proc/loadavg").read_text().split()[:3]
        print(
            f"load average (1, 5, 15 min): {' '.join(load_start)} at the start, {' '.join(load_end)} at "
            f"the end; 1-min load at each round's start {min(loads):.2f} to {max(loads):.2f} (median "
            f"{statistics.median(loads):.2f}); {time.perf_counter() - started:.0f} s of runs"
        )
        report(figures, trees, sizes, commands)


def report(
    figures: dict[tuple[str, int, str], Figures], trees: list[Tree], sizes: list[int], commands: list[str]
) -> None:
    base = sizes[0]
    for tree in trees:
        print(
            f"\n{tree.label}: median wall; x the same at {base:,}; x unlock at that size; the same three "
            "for CPU time (user + system); peak RSS"
        )
        for name in commands:
            for size in sizes:
                f = figures[(tree.label, size, name)]
                first, unlock = figures[(tree.label, base, name)], figures[(tree.label, size, "unlock")]
                print(
                    f"  {name:14s} {size:>9,}: {f.wall:6.2f} s {f.wall / first.wall:5.2f}x "
                    f"{f.wall / unlock.wall:5.2f}x u | {f.cpu:6.2f} s {f.cpu / first.cpu:5.2f}x "
                    f"{f.cpu / unlock.cpu:5.2f}x u | {f.peak:6.0f} MiB"
                )
    if len(trees) < 2:
        return
    print(
        f"\nx the same command at {base:,} (goal at 100,000: status 1.5x, show, mark 1.2x), before -> after"
    )
    print("  " + " " * 14 + "".join(f"{size:>22,}" for size in sizes[1:]))
    for name in commands[1:]:
        cells = []
        for size in sizes[1:]:
            before, after = (
                figures[(t.label, size, name)].wall / figures[(t.label, base, name)].wall for t in trees
            )
            cells.append(f"{before:8.2f}x -> {after:5.2f}x")
        print(f"  {name:14s}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
