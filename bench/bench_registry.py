"""Loading and validating the full registry at start-up. Prints figures; never asserted in tests.

    python bench/bench_registry.py [--imported 600] [--runs 7]

Builds an imported file of N brokers (CPPA layout, all 77 columns, as `registry update` would
write it), then times what a command that needs the registry does when it starts:
parse and validate brokers.toml, read and validate brokers.imported.json, merge, index.
1. cold: in a fresh interpreter, from the first import of broker_audit.registry.load to a ready
   Registry (interpreter start-up itself excluded; target: under 100 ms);
2. warm: load_registry() again in the same process (the parsing and validation alone).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "registries" / "cppa-2025-sample.csv"

COLD = """
import time, sys
t = time.perf_counter()
from broker_audit.registry.load import load_registry
registry = load_registry(None, imported=__import__("pathlib").Path(sys.argv[1]))
print(time.perf_counter() - t, len(registry.brokers))
"""


def synthetic_export(dest: Path, count: int) -> None:
    """`count` invented brokers in the CPPA layout, cycling through the fixture's rows."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    header, rows = table[0], table[1:]
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(count):
            row = list(rows[i % len(rows)])
            row[0] = f"Bench Example Broker {i:04d} LLC"
            row[1] = ""
            row[2] = f"https://www.bench{i:04d}.example"
            row[3] = f"privacy@bench{i:04d}.example"
            row[10] = f"https://www.bench{i:04d}.example/privacy/your-rights"
            row[76] = "An invented comment of ordinary length, as brokers write them in the registry. " * 3
            writer.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--imported", type=int, default=600)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from broker_audit.registry.load import load_registry
    from broker_audit.services.registry import import_registry

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "registry.csv"
        into = Path(tmp) / "brokers.imported.json"
        synthetic_export(export, args.imported)
        started = time.perf_counter()
        result = import_registry("ca", export, today=dt.date.today(), into=into)
        import_ms = (time.perf_counter() - started) * 1000
        print(f"import of {result.rows} rows: {import_ms:.0f} ms; file {into.stat().st_size / 1024:.0f} kB")

        cold = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", COLD, str(into)], cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout.split()
            cold.append(float(out[0]) * 1000)
            total = int(out[1])
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            load_registry(None, imported=into)
            warm.append((time.perf_counter() - started) * 1000)
        curated = len(load_registry().brokers)
        print(f"registry: {total} brokers ({curated} curated + imported, after merging)")
        print(
            "cold start (imports + load + validate + merge + index): "
            f"median {statistics.median(cold):.1f} ms "
            f"(min {min(cold):.1f}, max {max(cold):.1f}) over {args.runs} runs; target < 100 ms"
        )
        print(f"warm load_registry(): median {statistics.median(warm):.1f} ms (min {min(warm):.1f})")


if __name__ == "__main__":
    main()
