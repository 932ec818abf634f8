"""Clinic batch into one print PDF: letters/s, wall time, peak RSS of all processes, join step.

Usage: python bench/bench_batch.py [--letters N] [--workers default,2] [--chunk-size N]
                                   [--compare-join | --compare-size]

Builds 1,000 clients x 20 brokers = 20,000 letters (default) through the real template pipeline
(sandboxed Jinja2 + markup, in the parent, lazily), with one cover sheet per client (per 20
letters), and writes them with ``write_batch_pdf``. Letters have ~450-word bodies: most paragraphs
are the same for every client of one broker and law, the greeting, identity lines and signature
carry the client's Unicode name and address. Never asserted in tests.

``--compare-join`` renders the chunks once, then joins them in fresh processes with our streaming
joiner (with and without the read-back check), pypdf and pikepdf (each if installed), reporting
time and peak RSS of each.

``--compare-size`` writes the same letters as a batch (chunks drawn by workers, joined) and with a
plain reportlab loop into one PDF (bench_pdf.raw_reportlab: same fonts, compression and binary
streams), and prints the two file sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_pdf

from broker_audit.letters import batch_pdf
from broker_audit.letters.document import Document
from broker_audit.letters.render import render_letter

BROKERS_PER_CLIENT = 20
FIRST = ["María José", "Nguyễn Thị", "Trần Văn", "José Ángel", "Zoë", "Bảo Châu", "Renée", "Ana Sofía"]
LAST = ["Núñez Peña", "Minh Khai", "Đức", "Gutiérrez", "Løvås-Ørsted", "Lê", "O'Connor", "Hernández Muñoz"]
STREETS = ["1200 Calle Olvera Apt 4B", "77 Nguyễn Huệ Blvd", "4410 Mission Street Unit 3", "9 Rue Élysée"]
WORDS = [
    "request",
    "personal",
    "information",
    "data",
    "broker",
    "consumer",
    "law",
    "section",
    "disclose",
    "categories",
    "sources",
    "purposes",
    "third",
    "parties",
    "sold",
    "shared",
    "delete",
    "correct",
    "confirm",
    "writing",
    "days",
    "statute",
    "business",
    "verify",
    "identity",
    "records",
    "including",
    "inferences",
    "profiles",
    "addresses",
    "telephone",
    "numbers",
]

LETTER = """Subject: Request to know and delete personal information – {{ name }}

Dear Privacy Team at {{ broker }},

My name is {{ name }} and I live at {{ street }}. {{ intro }}

{% for p in paragraphs %}
{{ p }}

{% endfor %}
## What I ask for

- {{ bullets | join("\n- ") }}

{{ closing }}

| Sincerely,
|
| {{ name }}
| {{ street }}
| Los Angeles, CA 90012
"""

COVER = """Subject: What we sent for you, and what happens next

Dear {{ name }},

{{ intro }}

{% for b in brokers %}
- {{ b }}: request to know and delete (reference {{ ref }}-{{ loop.index }}).
{% endfor %}

{{ closing }}
"""


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _broker_texts(n: int) -> list[dict[str, object]]:
    """Per-broker fixed text: the paragraphs every client of one broker and law gets."""
    rng = random.Random(11)
    return [
        {
            "broker": f"Acme People Search {i}, LLC",
            "recipient": [
                f"Acme People Search {i}, LLC",
                "Attn: Privacy Compliance",
                f"{1000 + i} Corporate Drive, Suite 400",
                "Austin, TX 78701",
            ],
            "intro": _words(rng, 40),
            "paragraphs": [_words(rng, 62) for _ in range(4)],
            "bullets": [_words(rng, 14) for _ in range(5)],
            "closing": _words(rng, 45),
        }
        for i in range(n)
    ]


def documents(letters: int, templates: Path) -> Iterator[Document]:
    """Cover sheet then up to 20 letters per client, rendered lazily (a generator)."""
    brokers = _broker_texts(BROKERS_PER_CLIENT)
    rng = random.Random(7)
    date = dt.date(2025, 5, 4)
    made, client = 0, 0
    cover_text = {"intro": _words(rng, 60), "closing": _words(rng, 50)}
    while made < letters:
        client += 1
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        street = rng.choice(STREETS)
        sender = (name, street, "Los Angeles, CA 90012")
        count = min(BROKERS_PER_CLIENT, letters - made)
        yield render_letter(
            "cover",
            {
                "name": name,
                "brokers": [b["broker"] for b in brokers[:count]],
                "ref": f"C{client:05d}",
                **cover_text,
            },
            sender=("Community Legal Clinic", "100 Main St", "Los Angeles, CA 90012"),
            recipient=sender,
            date=date,
            reference=f"C{client:05d}",
            templates_dir=templates,
        )
        for i, broker in enumerate(brokers[:count]):
            ctx = {**broker, "name": name, "street": street}
            yield render_letter(
                "letter",
                ctx,
                sender=sender,
                recipient=broker["recipient"],  # type: ignore[arg-type]
                date=date,
                reference=f"C{client:05d}-{i + 1:02d}",
                templates_dir=templates,
            )
        made += count


# --------------------------------------------------------------------------- memory


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found + [g for c in found for g in _children(c)]


class RssSampler:
    """Sum of RSS of this process and all its descendants, sampled every ~50 ms; keeps the peak."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_kb(me) + sum(_rss_kb(c) for c in _children(me))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(letters: int, workers: int | None, chunk_size: int | None, folder: Path) -> None:
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "letter.txt.j2").write_text(LETTER, encoding="utf-8")
    (templates / "cover.txt.j2").write_text(COVER, encoding="utf-8")
    path = folder / f"batch-{workers}.pdf"
    kwargs = {} if chunk_size is None else {"chunk_size": chunk_size}
    with RssSampler() as rss:
        start = time.perf_counter()
        result = batch_pdf.write_batch_pdf(documents(letters, templates), path, workers=workers, **kwargs)
        wall = time.perf_counter() - start
    covers = result.documents - letters
    name = f"default ({batch_pdf.usable_cores()})" if workers is None else str(workers)
    print(
        f"workers={name}: {letters:,} letters + {covers:,} covers, {result.pages:,} pages, "
        f"{path.stat().st_size / 1e6:,.1f} MB"
    )
    print(f"  wall {wall:.1f} s, {letters / wall:,.0f} letters/s, {result.pages / wall:,.0f} pages/s")
    print(f"  peak RSS, all processes: {rss.peak_kb / 1024:,.0f} MB")
    print(
        f"  join (streaming, in the parent, overlapped with the workers): {result.join_seconds:.2f} s "
        f"over {result.chunks} chunks; read-back check {result.check_seconds:.2f} s; "
        f"{result.shared_objects:,} font and form objects kept once"
    )
    path.unlink()


# --------------------------------------------------------------------------- joining compared


def _join_streaming(parts: list[Path], out: Path) -> int:
    from broker_audit.letters.join import StreamingJoiner

    with open(out, "wb") as handle:
        joiner = StreamingJoiner(handle, start_on_odd=True)
        for part in parts:
            joiner.append(part.read_bytes())
        return joiner.finish()


def _join_streaming_checked(parts: list[Path], out: Path) -> int:
    from broker_audit.letters.join import check_joined

    pages = _join_streaming(parts, out)
    return check_joined(out, pages)


def _join_pypdf(parts: list[Path], out: Path) -> int:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def _join_pikepdf(parts: list[Path], out: Path) -> int:
    import pikepdf

    pdf = pikepdf.Pdf.new()
    sources = []
    for part in parts:
        src = pikepdf.open(part)
        sources.append(src)  # qpdf reads lazily: sources stay open until save
        pdf.pages.extend(src.pages)
    pdf.save(out)
    return len(pdf.pages)


JOINERS = {
    "streaming": _join_streaming,
    "streaming+check": _join_streaming_checked,
    "pypdf": _join_pypdf,
    "pikepdf": _join_pikepdf,
}


def _join_child(method: str, folder: Path) -> None:
    """Run in a fresh process: join the chunks in folder; print seconds and peak RSS (MB)."""
    import resource

    parts = sorted(folder.glob("chunk-*.pdf"))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    JOINERS[method](parts, folder / f"joined-{method}.pdf")
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = (folder / f"joined-{method}.pdf").stat().st_size
    (folder / f"joined-{method}.pdf").unlink()
    print(f"{wall:.3f} {base / 1024:.1f} {peak / 1024:.1f} {size}")


def compare_join(letters: int, chunk_size: int, folder: Path) -> None:
    """Render chunks once, then join them with each method in its own fresh process."""
    import subprocess

    from broker_audit.letters import pdf

    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "letter.txt.j2").write_text(LETTER, encoding="utf-8")
    (templates / "cover.txt.j2").write_text(COVER, encoding="utf-8")
    chunks = folder / "chunks"
    chunks.mkdir()
    pages = 0
    for i, batch in enumerate(batch_pdf._batched(documents(letters, templates), chunk_size)):
        with open(chunks / f"chunk-{i:05d}.pdf", "wb") as out:
            pages += pdf.write_documents(batch, out, start_on_odd=True, shared_fonts=True)
    n = len(list(chunks.glob("chunk-*.pdf")))
    print(f"joining {n} chunks of {chunk_size} documents, {pages:,} pages (before padding between chunks):")
    import importlib.util

    for method in JOINERS:
        if not method.startswith("streaming") and importlib.util.find_spec(method) is None:
            print(f"  {method:15s} not installed (pip install {method}); skipped")
            continue
        done = subprocess.run(
            [sys.executable, __file__, "--join-child", method, str(chunks)],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, base, peak, size = done.stdout.split()
        print(
            f"  {method:15s} {float(wall):6.2f} s  {pages / float(wall):8,.0f} pages/s  peak RSS "
            f"{float(peak):6.0f} MB (process before joining: {float(base):.0f} MB)  "
            f"{int(size) / 1e6:,.1f} MB file"
        )


def compare_size(letters: int, workers: int | None, folder: Path) -> None:
    """The same letters as a batch PDF and as one plain reportlab PDF: bytes of each."""
    import bench_pdf

    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "letter.txt.j2").write_text(LETTER, encoding="utf-8")
    (templates / "cover.txt.j2").write_text(COVER, encoding="utf-8")
    docs = list(documents(letters, templates))
    batch = folder / "batch.pdf"
    result = batch_pdf.write_batch_pdf(docs, batch, workers=workers, start_on_odd=False)
    plain = folder / "plain.pdf"
    with open(plain, "wb") as out:
        plain_pages = bench_pdf.raw_reportlab(docs, out)
    a, b = batch.stat().st_size, plain.stat().st_size
    print(f"{len(docs):,} documents ({letters:,} letters and their cover sheets):")
    print(f"  batch PDF ({result.chunks} chunks, joined): {result.pages:,} pages, {a / 1e6:,.2f} MB")
    print(f"  plain reportlab loop, one PDF:       {plain_pages:,} pages, {b / 1e6:,.2f} MB")
    print(f"  batch / plain: {a / b:.2f}x the bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--workers", default="default,2", help="worker counts to run: default,2,1")
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument(
        "--compare-join",
        action="store_true",
        help="only compare joining methods (streaming, pypdf, pikepdf) on the same chunks",
    )
    parser.add_argument(
        "--compare-size", action="store_true", help="only compare the batch PDF's size with a plain loop's"
    )
    parser.add_argument("--join-child", nargs=2, metavar=("METHOD", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = [None if w == "default" else int(w) for w in args.workers.split(",")]
    if args.join_child:
        _join_child(args.join_child[0], Path(args.join_child[1]))
        return
    if args.compare_join:
        with tempfile.TemporaryDirectory() as tmp:
            compare_join(args.letters, args.chunk_size or batch_pdf.DEFAULT_CHUNK_SIZE, Path(tmp))
        return
    if args.compare_size:
        with tempfile.TemporaryDirectory() as tmp:
            compare_size(args.letters, settings[0], Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for workers in settings:
            run(args.letters, workers, args.chunk_size, Path(tmp))


if __name__ == "__main__":
    main()
