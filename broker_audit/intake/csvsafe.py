"""Writing CSVs a spreadsheet can open without running anything in them.

A cell starting with = + - @ (or a tab, CR or LF, or the full-width and small forms of those signs)
is a formula to Excel, LibreOffice and Google Sheets, so `=HYPERLINK("http://evil", "Click")` from a
malicious intake sheet would become a live link in the bad-rows file a volunteer opens. Every CSV
broker-audit writes goes through `neutralise_cell`, which prefixes such a cell with an apostrophe
(OWASP's advice); leading spaces do not hide a formula. Files are UTF-8 with a BOM so Excel reads
accents right, CRLF line ends, every cell quoted, written atomically and readable by the owner only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from broker_audit.i18n import N_
from broker_audit.intake.model import BadRow

_TRIGGERS = frozenset(
    "=+-@\t\r\n"
    "\uff1d\uff0b\uff0d\uff20"  # full-width = + - @
    "\ufe66\ufe62\ufe63\ufe6b"  # small = + - @
    "\u2212"  # minus sign
)


def neutralise_cell(value: str) -> str:
    """Make a cell inert for spreadsheets: "=1+1" -> "'=1+1"; harmless cells are unchanged."""
    stripped = value.lstrip(" \u00a0\u3000")
    if (stripped and stripped[0] in _TRIGGERS) or (value and value[0] in _TRIGGERS):
        return "'" + value
    return value


def write_safe_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV where every cell (header included) is neutralised; atomic, mode 0600."""
    from broker_audit.files import atomic_text

    with atomic_text(Path(path), what=N_("CSV file"), encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow([neutralise_cell(str(cell)) for cell in header])
        for row in rows:
            writer.writerow([neutralise_cell("" if cell is None else str(cell)) for cell in row])


def write_bad_rows_csv(bad: list[BadRow], path: Path) -> None:
    """The rows to fix: row number, reason, then the row's cells under their original columns."""
    columns: dict[str, None] = {}
    for item in bad:
        columns.update(dict.fromkeys(item.raw))
    names = list(columns)
    rows = ([item.row, item.reason, *(item.raw.get(name, "") for name in names)] for item in bad)
    write_safe_csv(path, ["row", "reason", *names], rows)
