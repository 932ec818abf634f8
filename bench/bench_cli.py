"""Start-up and status figures for the CLI, end to end. Prints figures; never asserted in tests.

    python bench/bench_cli.py [--runs 7] [--requests 1000,10000,100000] [--only startup|status]

1. Start-up, each against a bare typer yardstick in the same run, alternating (A B A B ...), ratio
   of medians: `broker-audit --help` (and `--lang es --help`, which loads the Spanish catalog)
   against a bare typer app's `--help` (goal: within 1.1x);
   `broker-audit brokers list` with 600 imported brokers and `brokers show`, against a bare typer
   group running a command (goal: within 1.3x). A bare typer command pays what typer itself
   costs (typer 0.29 builds a pydantic adapter for its own --help option: both sides import
   pydantic).
2. `status --json`, the `status` table (the 50 most urgent) and `status --all` over a clinic vault
   of N requests (bench/vaultgen.py), with the real Argon2id passphrase unlock: wall time and the
   peak RSS of the process. (bench/bench_status.py times the vault's side: open, index, rebuild.)
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

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2027, 6, 1)  # bench/vaultgen.py's requests are due around then
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BARE_APP = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    print(name)
app()
"""

BARE_GROUP = """
import typer
app = typer.Typer()
things = typer.Typer()
app.add_typer(things, name="things")
@app.callback()
def root(debug: bool = typer.Option(False, "--debug")) -> None:
    pass
@things.command("list")
def list_(name: str = typer.Option(None, "--name"), as_json: bool = typer.Option(False, "--json")) -> None:
    print("nothing")
@things.command("show")
def show(name: str = "world") -> None:
    print(name)
app()
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run, output thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def paired(a: list[str], b: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Median wall of A, of B, and the median of the per-pair ratios A/B."""
    run(a, env), run(b, env)  # warm the caches (.pyc, the registry cache, the page cache)
    walls_a, walls_b, ratios = [], [], []
    for _ in range(runs):
        wa, _ = run(a, env)
        wb, _ = run(b, env)
        walls_a.append(wa)
        walls_b.append(wb)
        ratios.append(wa / wb)
    return statistics.median(walls_a), statistics.median(walls_b), statistics.median(ratios)


def startup(runs: int, folder: Path, env: dict[str, str]) -> None:
    python = sys.executable
    bare_app, bare_group = folder / "bare_app.py", folder / "bare_group.py"
    bare_app.write_text(BARE_APP)
    bare_group.write_text(BARE_GROUP)
    imported = folder / "brokers.imported.json"
    from bench_registry import synthetic_export

    from broker_audit.services.registry import import_registry

    export = folder / "registry.csv"
    synthetic_export(export, 600)
    import_registry("ca", export, today=dt.date.today(), into=imported)
    env = dict(env, BROKER_AUDIT_IMPORTED=str(imported), BROKER_AUDIT_CACHE=str(folder / "cache"))
    ours = [python, "-m", "broker_audit"]
    for label, a, b, goal in [
        ("--help", [*ours, "--help"], [python, str(bare_app), "--help"], 1.1),
        ("--lang es --help", [*ours, "--lang", "es", "--help"], [python, str(bare_app), "--help"], 1.1),
        (
            "brokers list (600 imported)",
            [*ours, "brokers", "list"],
            [python, str(bare_group), "things", "list"],
            1.3,
        ),
        (
            "brokers show lexisnexis",
            [*ours, "brokers", "show", "lexisnexis"],
            [python, str(bare_group), "things", "show"],
            1.3,
        ),
    ]:
        wa, wb, ratio = paired(a, b, env, runs)
        print(
            f"{label:28s} {wa * 1000:5.0f} ms vs bare typer {wb * 1000:5.0f} ms: {ratio:.2f}x (goal {goal}x)"
        )


def status(sizes: list[int], runs: int, folder: Path, env: dict[str, str]) -> None:
    from vaultgen import build

    passphrase = "bench passphrase"
    env = dict(
        env,
        BROKER_AUDIT_PASSPHRASE=passphrase,
        BROKER_AUDIT_TODAY=TODAY.isoformat(),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        XDG_CONFIG_HOME=str(folder / "config"),  # the vault's last-seen files stay in the bench
    )
    python = sys.executable
    for n in sizes:
        vault = folder / f"v{n}" / "vault.db"
        started = time.perf_counter()
        build(vault, n, passphrase=passphrase)
        built = time.perf_counter() - started
        env_n = dict(env, BROKER_AUDIT_VAULT=str(vault))
        print(f"{n:,} requests (built in {built:.1f} s):")
        for label, args in (
            ("status --json", ["--json"]),
            ("status (table)", []),
            ("status --all", ["--all"]),
        ):
            cmd = [python, "-m", "broker_audit", "--no-keyring", "status", *args]
            run(cmd, env_n)
            results = [run(cmd, env_n) for _ in range(max(1, runs // 2))]
            wall = statistics.median(r[0] for r in results)
            peak = max(r[1] for r in results)
            print(f"  {label:15s} {wall:6.2f} s wall, peak RSS {peak:5.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", default="1000,10000,100000")
    parser.add_argument("--only", choices=["startup", "status"])
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_AUDIT")}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "status":
            startup(args.runs, Path(tmp), env)
        if args.only != "startup":
            status([int(n) for n in args.requests.split(",")], args.runs, Path(tmp), env)


if __name__ == "__main__":
    main()
