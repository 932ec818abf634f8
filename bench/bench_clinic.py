"""The whole clinic batch, end to end, as `broker-audit bulk letters` runs it: spreadsheet intake,
law choice, rendering, the print PDF in worker processes, labels, the mailing book, and every
letter logged in the (real Argon2id-protected) vault. Prints figures; never asserted in tests.

    python bench/bench_clinic.py [--clients 1000] [--brokers 20] [--workers default,2] [--runs 1]

`--workers` lists the settings to compare, run in turn (A B A B ... with --runs > 1); `default` is
what `bulk letters` uses without the option (one worker per usable core).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import RssSampler

FIRST = [
    "María José",
    "Trần",
    "José",
    "Ana",
    "Fatima",
    "Nguyễn Thị",
    "Luis",
    "Guadalupe",
    "Wei",
    "Oksana",
    "Kwame",
    "Sofía",
    "Ngọc Anh",
    "Ibrahim",
    "Rosa",
]
LAST = [
    "Núñez García",
    "Văn Minh",
    "Pérez",
    "López Hernández",
    "Ahmed",
    "Lan",
    "Rodríguez",
    "Castañeda",
    "Zhang",
    "Kovalenko",
    "Mensah",
    "Muñoz",
    "Phạm",
    "Diallo",
    "Ávila",
]
STATES = [
    ("CO", "Denver", "802"),
    ("CA", "Los Angeles", "900"),
    ("TX", "Houston", "770"),
    ("WY", "Cheyenne", "820"),
    ("VA", "Richmond", "232"),
]


def spreadsheet(path: Path, clients: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            [
                "Nombre",
                "Apellidos",
                "Dirección",
                "Ciudad",
                "Estado",
                "Código postal",
                "Fecha de nacimiento",
                "Idioma",
            ]
        )
        for i in range(clients):
            state, city, zip3 = rng.choice(STATES)
            writer.writerow(
                [
                    rng.choice(FIRST),
                    f"{rng.choice(LAST)} {i}",
                    f"{100 + i} Calle {i}",
                    city,
                    state,
                    f"{zip3}{rng.randint(10, 99)}",
                    f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1950, 2004)}",
                    rng.choice(["es", "en"]),
                ]
            )


def run_once(sheet: Path, folder: Path, brokers: list[str], workers: int | None) -> tuple[float, float, str]:
    """One batch into a new vault; returns wall seconds, peak RSS (MB, all processes), a summary."""
    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services import VaultAccess
    from broker_audit.services.batch import run_batch
    from broker_audit.services.vaults import init_vault
    from broker_audit.tracking.journal import AgentProfile

    clinic = AgentProfile(
        organization="Bench Clinic", address=["1 Main St", "Denver, CO 80205"], email="help@clinic.example"
    )
    vault = folder / "v" / "vault.db"
    init_vault(vault, None, passphrase="bench passphrase", use_keyring=False, clinic=clinic)
    access = VaultAccess(path=vault, passphrase=lambda: "bench passphrase", use_keyring=False)
    start = time.perf_counter()
    with RssSampler() as rss:
        result = run_batch(
            access,
            sheet,
            brokers=brokers,
            kinds=["access"],
            out_dir=folder / "out",
            today=dt.date(2026, 11, 25),
            registry=shipped_registry(),
            laws=shipped_laws(),
            workers=workers,
        )
    wall = time.perf_counter() - start
    pdf = next(p for p in result.files if p.suffix == ".pdf" and p.stem == result.batch_id)
    summary = (
        f"{result.clients} clients x {len(brokers)} brokers = {result.letters} letters, "
        f"{result.pages} pages, PDF {os.path.getsize(pdf) / 1e6:.0f} MB, {len(result.bad_rows)} bad rows; "
        + ", ".join(f"{n} by {channel}" for channel, n in sorted(result.by_channel.items()))
    )
    return wall, rss.peak_kb / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--brokers", type=int, default=20)
    parser.add_argument("--workers", default="default,2", help="settings to compare, e.g. default,2,1")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    import statistics

    from broker_audit.letters.batch_pdf import usable_cores
    from broker_audit.registry.load import shipped_registry

    brokers = [b.id for b in shipped_registry().active()][: args.brokers]
    settings = [None if w == "default" else int(w) for w in args.workers.split(",")]
    walls: dict[int | None, list[float]] = {w: [] for w in settings}
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "clients.csv"
        spreadsheet(sheet, args.clients)
        for run in range(args.runs):
            for workers in settings:
                folder = Path(tmp) / f"run-{run}-{workers}"
                folder.mkdir()
                wall, peak, summary = run_once(sheet, folder, brokers, workers)
                walls[workers].append(wall)
                name = f"default ({usable_cores()})" if workers is None else str(workers)
                print(f"workers={name}: {summary}")
                print(f"  wall {wall:.1f} s, peak RSS all processes {peak:.0f} MB")
                shutil.rmtree(folder)
    if len(settings) > 1:
        base = statistics.median(walls[settings[-1]])
        for workers in settings[:-1]:
            ratio = statistics.median(walls[workers]) / base
            print(f"median wall, workers={workers or 'default'} / workers={settings[-1]}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
