"""How fast a clinic spreadsheet is read: rows/s for 5,000 clients (median of 3 runs).

    .venv/bin/python bench/bench_intake.py [ROWS]

The sheet mimics a real export: UTF-8 with BOM, CRLF, Spanish and Vietnamese names with two
surnames, Excel-mangled ZIPs and dates, phones in every format, 2% bad rows, 1% duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from broker_audit.intake import read_clients, write_bad_rows_csv

FIRST = ["Ana", "María José", "Minh", "Thị Lan", "José", "Guadalupe", "John", "Nguyễn Văn", "Zoë", "Lucía"]
LAST = ["García Márquez", "Núñez", "Nguyễn", "Trần", "de la Cruz", "Smith", "Pérez-Ortega", "O'Brien"]
PLACES = [
    ("Denver", "Colorado", "80204"),
    ("Boston", "MA", "2134"),
    ("Nueva York", "Nueva York", "10001"),
    ("Los Ángeles", "CA", "90012"),
    ("El Paso", "TX", "79901.0"),
    ("Miami", "Florida", "33101-1234"),
]
DATE_FORMS = [
    "{d.month}/{d.day}/{d.year}",
    "{d:%Y-%m-%d}",
    "{serial}",
    "{d:%B} {d.day}, {d.year}",
    "{d.month:02}-{d.day:02}-{d:%y}",
]
PHONES = ["(303) 555-0147", "303.555.0188", "+1 720 555 0100", "7205550111.0", "555-01", ""]
HEADER = [
    "Case #",
    "Nombre",
    "Apellido(s)",
    "Dirección",
    "Apt",
    "Ciudad",
    "Estado",
    "Código postal",
    "Fecha de nacimiento",
    "Teléfono",
    "Correo electrónico",
    "Idioma",
    "Notes",
]


def birth_date(rng: random.Random) -> str:
    date = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 60 * 365))
    serial = (date - dt.date(1899, 12, 30)).days
    return rng.choice(DATE_FORMS).format(d=date, serial=serial)


def make_sheet(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    previous: list[str] = []
    for n in range(rows):
        if previous and rng.random() < 0.01:
            writer.writerow(previous)  # a duplicate
            continue
        city, state, zip_code = rng.choice(PLACES)
        row = [
            str(1000 + n),
            rng.choice(FIRST),
            rng.choice(LAST),
            f"{rng.randint(1, 9999)} Main St",
            rng.choice(["", "Apt 4", "Unit 2B"]),
            city,
            state,
            zip_code,
            birth_date(rng),
            rng.choice(PHONES),
            f"client{n}@example.org",
            rng.choice(["Español", "English", ""]),
            "needs a call\nafter 5pm" if n % 50 == 0 else "",
        ]
        if rng.random() < 0.02:
            row[rng.choice([6, 7, 8])] = rng.choice(["", "XX", "2/30/1988"])  # a bad row
        writer.writerow(row)
        previous = row
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clients.csv"
        path.write_bytes(make_sheet(rows))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            intake = read_clients(path, default_state="CO", today=dt.date(2025, 6, 1))
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        start = time.perf_counter()
        write_bad_rows_csv(intake.bad, Path(folder) / "to-fix.csv")
        write_time = time.perf_counter() - start
        tracemalloc.start()
        read_clients(path, default_state="CO", today=dt.date(2025, 6, 1))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = path.stat().st_size
    print(
        f"rows: {rows}  file: {size / 1e6:.2f} MB  clients: {len(intake.clients)}  bad: {len(intake.bad)}  "
        f"duplicates: {len(intake.duplicates)}"
    )
    print(f"read_clients: {median * 1000:.0f} ms median of 3 -> {rows / median:,.0f} rows/s")
    print(f"write_bad_rows_csv ({len(intake.bad)} rows): {write_time * 1000:.1f} ms")
    print(
        f"peak Python memory while reading: {peak / 1e6:.1f} MB ({peak / rows:.0f} B/row, results included)"
    )


if __name__ == "__main__":
    main()
