"""The worst message the parser's bounds let through, and the attacks they stop. Prints; never
asserted.

    python bench/bench_mail_bounds.py [--runs 3]

Each case is parsed by `mail.parse.parse_message` (what `inbox` and `reply --file` run: the
bounded parse, the text, every attachment's digest, the Authentication-Results) in a fresh child
process: its wall time (median of --runs, untraced) and the peak of what it allocates (one run
under tracemalloc) are its own. The first cases are built to sit just inside each bound (the worst
a sender can make that is still read); the attacks of issue 26 follow, each refused. A plain 1 kB
reply is the baseline the ratios are given against.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time, tracemalloc
from pathlib import Path
from broker_audit.errors import MessageRefused
from broker_audit.mail.parse import parse_message
raw = Path(sys.argv[1]).read_bytes()
trace = sys.argv[2] == "memory"
if trace:
    tracemalloc.start()
start = time.perf_counter()
try:
    parsed = parse_message(raw, authserv_id="mx.example.org")
    outcome = f"read ({len(parsed.attachments)} attachments, {len(parsed.text):,} characters of text)"
except MessageRefused as exc:
    outcome = "refused: " + exc.message
seconds = time.perf_counter() - start
traced = tracemalloc.get_traced_memory()[1] // 1024 if trace else 0
print(json.dumps({"seconds": seconds, "kb": traced, "outcome": outcome[:110]}))
"""


def addresses(n: int) -> str:
    return ", ".join(f'"Name {i} (dept {i})" <person{i}@example{i % 7}.com>' for i in range(n))


def fit(text: str, limit: int) -> str:
    return text[:limit].rsplit(",", 1)[0]


def worst_headers() -> bytes:
    """Every field the reply keeps at its largest: address lists just under 4 kB; a subject of 64
    encoded words, References and Authentication-Results just under 16 kB; filler up to 256 kB."""
    field = 16 * 1024 - 64
    address_field = 4 * 1024 - 16
    words = " ".join(["=?utf-8?b?" + base64.b64encode("é".encode() * 80).decode() + "?="] * 64)
    lines = [
        "Authentication-Results: mx.example.org; "
        + "; ".join(["dkim=pass header.d=example.com"] * 400)[:field],
        "From: " + fit(addresses(400), address_field),
        "To: " + fit(addresses(400), address_field),
        "Cc: " + fit(addresses(400), address_field),
        "Reply-To: " + fit(addresses(400), address_field),
        "Subject: " + words,
        "References: " + " ".join(f"<ref{i}@example.com>" for i in range(900))[:field],
        "In-Reply-To: <x@example.com>",
        "Message-ID: <worst-headers@example.com>",
    ]
    while sum(len(x) + 2 for x in lines) < 250 * 1024:
        lines.append("X-Filler: " + "x" * 8000)
    return ("\r\n".join(lines) + "\r\n\r\nBody.\r\n").encode()


def worst_structure() -> bytes:
    """16 levels of multipart, 128 parts, each with a 1 kB Content-Type of 12 parameters."""
    head = "From: a@example.com\r\nSubject: structure\r\nMessage-ID: <worst-structure@example.com>\r\n"
    out = [head]
    params = "".join(f'; p{i}="{"v" * 75}"' for i in range(11))
    for depth in range(15):
        out.append(f'Content-Type: multipart/mixed; boundary="d{depth}"{params}\r\n\r\n--d{depth}\r\n')
    for i in range(110):
        out.append(f"Content-Type: text/plain{params}\r\n\r\npart {i}\r\n--d14\r\n")
    out.append("Content-Type: text/plain\r\n\r\nlast\r\n--d14--\r\n")
    for depth in reversed(range(14)):
        out.append(f"--d{depth}--\r\n")
    return "".join(out).encode()


def largest(size_mb: int = 24) -> bytes:
    """A 24 MB base64 attachment (the default limit is 25 MB)."""
    data = b"%PDF-1.4\n" + bytes(range(256)) * (size_mb * 1024 * 1024 * 3 // 4 // 256)
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (
        b"From: a@example.com\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        b"Please find attached a copy of your file.\r\n--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="file.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + encoded
        + b"--b--\r\n"
    )


def attacks() -> dict[str, bytes]:
    nested = b"From: a@example.com\r\nSubject: nested\r\n"
    for i in range(1200):
        nested += b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
    nested += b"Content-Type: text/plain\r\n\r\nx\r\n"
    return {
        "attack: From with 3,000 nested comments": (
            b"From: " + b"(" * 3000 + b"x" + b")" * 3000 + b" <a@example.com>\r\nSubject: x\r\n\r\nx\r\n"
        ),
        "attack: multipart nested 1,200 deep": nested,
        "attack: 800 kB subject of encoded words": (
            b"From: a@example.com\r\nSubject: " + b" ".join([b"=?utf-8?q?a?="] * 60_000) + b"\r\n\r\nx\r\n"
        ),
        "attack: 12 kB subject of 900 encoded words": (
            b"From: a@example.com\r\nSubject: " + b" ".join([b"=?utf-8?q?a?="] * 900) + b"\r\n\r\nx\r\n"
        ),
        "attack: Content-Type with 2,000 parameters": (
            b"From: a@example.com\r\nContent-Type: text/plain; "
            + b"; ".join(b"p%d=v" % i for i in range(2000))
            + b"\r\n\r\nx\r\n"
        ),
    }


def _child(path: Path, what: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), what], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return dict(json.loads(out.stdout))


def run(path: Path, runs: int) -> dict[str, object]:
    """Median wall time over `runs` (no tracing), and the peak of Python's allocations in one
    traced run (tracemalloc: what the parse itself allocates, not the interpreter)."""
    timed = [_child(path, "time") for _ in range(runs)]
    return {
        "seconds": statistics.median(float(r["seconds"]) for r in timed),  # type: ignore[arg-type]
        "kb": _child(path, "memory")["kb"],
        "outcome": timed[0]["outcome"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import tempfile

    cases = {
        "baseline: a 1 kB reply": (
            b"From: a@example.com\r\nSubject: Re: your request\r\nMessage-ID: <b@example.com>\r\n\r\n"
            + b"We have received your request. " * 30
            + b"\r\n"
        ),
        "worst headers within bounds (256 kB)": worst_headers(),
        "worst structure within bounds (16 deep, 128 parts)": worst_structure(),
        "largest within bounds (24 MB attachment)": largest(),
        **attacks(),
    }
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for name, raw in cases.items():
            path = Path(folder) / "m.eml"
            path.write_bytes(raw)
            rows.append((name, len(raw), run(path, args.runs)))
    base = rows[0][2]
    print(f"{'case':55} {'size':>11} {'time':>9} {'x base':>8} {'memory':>10}  outcome")
    for name, size, r in rows:
        ratio = float(r["seconds"]) / max(float(base["seconds"]), 1e-6)
        print(
            f"{name:55} {size:>11,} {float(r['seconds']) * 1000:>7.1f}ms {ratio:>8.0f} "
            f"{float(r['kb']) / 1024:>8.1f}MB  {r['outcome']}"
        )


if __name__ == "__main__":
    main()
