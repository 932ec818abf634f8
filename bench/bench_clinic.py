"""The whole clinic batch, end to end, as `broker-audit bulk letters` runs it: spreadsheet intake,
law choice, rendering, the print PDF in worker processes, labels, the mailing book, and every
letter logged in the (real Argon2id-protected) vault. Prints figures; never asserted in tests.

    python bench/bench_clinic.py [--clients 1000] [--brokers 20] [--workers default,2] [--runs 1]
                                 [--email] [--render-twice-too]

`--workers` lists the settings to compare, run in turn (A B A B ... with --runs > 1); `default` is
what `bulk letters` uses without the option (one worker per usable core). `--email` takes only
brokers whose letters go by e-mail. `--render-twice-too` runs each setting also as before issue
22, when the work list's e-mail letters were filled in twice (in the parent for the `.eml`, again
in a worker for the work-list page), in turn with today's (once), and prints the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import RssSampler

from broker_audit.services.resources import Resources

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


def run_once(
    sheet: Path, folder: Path, brokers: list[str], workers: int | None
) -> tuple[float, float, float, str]:
    """One batch into a new vault; returns wall seconds, CPU seconds (this process and its
    workers), peak RSS (MB, all processes), a summary."""
    import resource

    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services import VaultAccess
    from broker_audit.services.batch import BatchOptions, run_batch
    from broker_audit.services.vaults import init_vault
    from broker_audit.tracking.journal import AgentProfile

    def cpu() -> float:
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    clinic = AgentProfile(
        organization="Bench Clinic", address=["1 Main St", "Denver, CO 80205"], email="help@clinic.example"
    )
    vault = folder / "v" / "vault.db"
    init_vault(vault, None, passphrase="bench passphrase", use_keyring=False, clinic=clinic)
    access = VaultAccess(path=vault, passphrase=lambda: "bench passphrase", use_keyring=False)
    start, cpu_start = time.perf_counter(), cpu()
    with RssSampler() as rss:
        result = run_batch(
            access,
            sheet,
            BatchOptions(kinds=("access",), brokers=tuple(brokers), workers=workers),
            out_dir=folder / "out",
            today=dt.date(2026, 11, 25),
            resources=Resources(registry=shipped_registry(), laws=shipped_laws()),
        )
    wall, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start
    pdf = next(p for p in result.files if p.suffix == ".pdf" and p.stem == result.batch_id)
    summary = (
        f"{result.clients} clients x {len(brokers)} brokers = {result.letters} letters, "
        f"{result.pages} pages, PDF {os.path.getsize(pdf) / 1e6:.0f} MB, {len(result.bad_rows)} bad rows; "
        + ", ".join(f"{n} by {channel}" for channel, n in sorted(result.by_channel.items()))
    )
    return wall, cpu_seconds, rss.peak_kb / 1024, summary


def email_brokers() -> list[str]:
    """The brokers whose access letter goes by e-mail to a client in each of the bench's states."""
    from broker_audit.intake import read_clients
    from broker_audit.law.load import shipped_laws
    from broker_audit.letters.compose import check_kind
    from broker_audit.profile import AgentProfile
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services.batch import plan_clients

    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "one-per-state.csv"
        spreadsheet(sheet, 40)
        clients = {c.profile.state: c for c in read_clients(sheet).clients}
    plans = plan_clients(
        list(clients.values()),
        shipped_registry().active(),
        [check_kind("access")],
        laws=shipped_laws(),
        today=dt.date(2026, 11, 25),
        first_id=1,
        agent=None,
        clinic=AgentProfile(organization="Bench Clinic", address=["1 Main St", "Denver, CO 80205"]),
    )
    by_broker: dict[str, set[str]] = {}
    for plan in plans:
        for planned in plan.letters:
            by_broker.setdefault(planned.job.recipient_id, set()).add(planned.job.channel)
        for unsent in plan.unsent:
            by_broker.setdefault(unsent.broker_id, set()).add("none")
    return [b for b, channels in by_broker.items() if channels == {"email"}]


@contextlib.contextmanager
def emails_filled_in_twice() -> Iterator[None]:
    """As before issue 22: the work list's e-mail letters go to the workers unfilled, so each is
    filled in again there (besides once in the parent for its `.eml`)."""
    from broker_audit.letters import batch_pdf
    from broker_audit.services.batch import SheetRenderer

    real = batch_pdf.write_batch_pdf

    def again(items: Any, path: Path, **kw: Any) -> Any:
        if isinstance(kw.get("render"), SheetRenderer):
            items = ((job, None) for job, _letter in items)
        return real(items, path, **kw)

    batch_pdf.write_batch_pdf = again  # type: ignore[assignment]
    try:
        yield
    finally:
        batch_pdf.write_batch_pdf = real


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--brokers", type=int, default=20)
    parser.add_argument("--workers", default="default,2", help="settings to compare, e.g. default,2,1")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--email",
        action="store_true",
        help="only brokers whose letters go by e-mail",
    )
    parser.add_argument(
        "--render-twice-too",
        action="store_true",
        help="also run each setting with the e-mail letters filled in twice (as before issue 22), in turn",
    )
    args = parser.parse_args()

    import statistics

    from broker_audit.letters.batch_pdf import usable_cores
    from broker_audit.registry.load import shipped_registry

    if args.email:
        brokers = email_brokers()[: args.brokers]
    else:
        brokers = [b.id for b in shipped_registry().active()][: args.brokers]
    settings = [None if w == "default" else int(w) for w in args.workers.split(",")]
    variants = ["once", "twice"] if args.render_twice_too else ["once"]
    walls: dict[tuple[int | None, str], list[float]] = {(w, v): [] for w in settings for v in variants}
    cpus: dict[tuple[int | None, str], list[float]] = {(w, v): [] for w in settings for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "clients.csv"
        spreadsheet(sheet, args.clients)
        for run in range(args.runs):
            for workers in settings:
                for variant in variants if run % 2 == 0 else variants[::-1]:
                    folder = Path(tmp) / f"run-{run}-{workers}-{variant}"
                    folder.mkdir()
                    with emails_filled_in_twice() if variant == "twice" else contextlib.nullcontext():
                        wall, cpu, peak, summary = run_once(sheet, folder, brokers, workers)
                    walls[(workers, variant)].append(wall)
                    cpus[(workers, variant)].append(cpu)
                    name = f"default ({usable_cores()})" if workers is None else str(workers)
                    shown = f", e-mails filled in {variant}" if len(variants) > 1 else ""
                    print(f"workers={name}{shown}: {summary}")
                    print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS all processes {peak:.0f} MB")
                    shutil.rmtree(folder)
    if len(settings) > 1:
        base = statistics.median(walls[(settings[-1], "once")])
        for workers in settings[:-1]:
            ratio = statistics.median(walls[(workers, "once")]) / base
            print(f"median wall, workers={workers or 'default'} / workers={settings[-1]}: {ratio:.2f}x")
    if len(variants) > 1:
        for workers in settings:
            wall = statistics.median(walls[(workers, "once")]) / statistics.median(walls[(workers, "twice")])
            cpu = statistics.median(cpus[(workers, "once")]) / statistics.median(cpus[(workers, "twice")])
            print(
                f"workers={workers or 'default'}, e-mails filled in once / twice: median wall {wall:.2f}x, "
                f"median CPU {cpu:.2f}x"
            )


if __name__ == "__main__":
    main()
