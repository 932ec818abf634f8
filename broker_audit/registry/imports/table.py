"""Read a registry export (CSV in any common dialect and encoding) into rows with line numbers.

Bounds, so that a huge or hostile file cannot make the imported registry (which every command
loads) large: the export must be a regular file of at most :data:`MAX_EXPORT_BYTES`, with at most
:data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns; a cell longer than :data:`MAX_CELL_CHARS`
is cut. The largest real export (California's CPPA, 2025) has ~550 rows and 77 columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from broker_audit.errors import DataFileError
from broker_audit.i18n import N_, _

MAX_EXPORT_BYTES = 16 * 1024 * 1024
"""Size of a registry export file (California's 2020 export is 0.36 MB)."""
MAX_ROWS = 2_000
"""Brokers one registry export may list (no state registry lists more than ~600)."""
MAX_COLUMNS = 200
MAX_CELL_CHARS = 4_000
"""Characters kept of one cell; the rest is cut with an ellipsis."""


def too_many_rows(path: Path) -> DataFileError:
    return DataFileError(
        f"{path}: more than {MAX_ROWS:,} rows; no state registry lists that many data brokers",
        "is this the registry's export? import each registry's own file",
    )


def cut_cell(value: str) -> str:
    """A cell bounded to MAX_CELL_CHARS, without escape sequences or control characters."""
    from broker_audit.cleantext import clean_lines

    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return clean_lines(value)


@dataclass(frozen=True)
class Table:
    """A header and its rows; `lines[i]` is the physical line where row i starts (1-based)."""

    path: Path
    header: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    encoding: str


def decode(path: Path) -> tuple[str, str]:
    """The text of `path` and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    from broker_audit.files import read_input

    data = read_input(
        path,
        what=N_("registry export"),
        limit=MAX_EXPORT_BYTES,
        hint=_("is this the registry's export? (California's is well under 2 MB)"),
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as cp1252; its five undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(sample: str) -> str:
    """The delimiter: whichever of , ; tab | is most common outside quotes in the first lines.

    csv.Sniffer also guesses quoting, and guesses it wrong on long quoted prose; only the delimiter
    is guessed here, the quoting is the standard one every spreadsheet writes.
    """
    unquoted = re.sub(r'"[^"]*"', "", sample[:5000])
    first = "\n".join(unquoted.splitlines()[:5])
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(
    path: Path, *, is_header: Callable[[tuple[str, ...]], bool] | None = None, scan: int = 10
) -> Table:
    """Parse `path` as CSV. Quoted newlines are kept inside their field.

    `is_header(cells) -> bool` picks the header among the first `scan` rows, so an export with a
    preamble (Texas starts with "Record Name" and "Exported On" lines) still reads; by default the
    first non-empty row is the header. A malformed file raises DataFileError naming file and line.
    """
    text, encoding = decode(path)
    if text.lstrip().startswith("<"):
        raise DataFileError(
            f"{path}: this is an HTML or XML page, not a CSV export",
            "save the registry's CSV download, or use a source that reads HTML",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[str, ...]] = []
    starts: list[int] = []
    last = 0
    try:
        for row in reader:
            starts.append(last + 1)
            last = reader.line_num
            if len(rows) > MAX_ROWS + 10:  # a preamble of a few lines, then the brokers
                raise too_many_rows(path)
            if len(row) > MAX_COLUMNS:
                raise DataFileError(
                    f"{path}:{last}: more than {MAX_COLUMNS} columns",
                    "is this the registry's export? (California's has 77 columns)",
                )
            rows.append(tuple(cut_cell(cell).strip() for cell in row))
    except csv.Error as exc:
        raise DataFileError(
            f"{path}:{last + 1}: malformed CSV: {exc}",
            "a quote is probably not closed; fix that line or export the file again",
        ) from None
    header_at = None
    for index, cells in enumerate(rows[:scan]):
        if not any(cells):
            continue
        if is_header is None or is_header(cells):
            header_at = index
            break
    if header_at is None:
        raise DataFileError(
            f"{path}:1: no header row found in the first {scan} rows",
            "is this the registry's export? its first rows should name the columns",
        )
    body = [(r, n) for r, n in zip(rows[header_at + 1 :], starts[header_at + 1 :], strict=True) if any(r)]
    return Table(
        path=path,
        header=tuple(re.sub(r"\s+", " ", h) for h in rows[header_at]),
        header_line=starts[header_at],
        rows=tuple(r for r, _ in body),
        lines=tuple(n for _, n in body),
        encoding=encoding,
    )
