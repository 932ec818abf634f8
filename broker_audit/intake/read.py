"""Bytes on disk -> rows of text, as Excel, LibreOffice and Google Sheets export them.

Encodings: UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text", BOM or not), Windows-1252;
a file mixing UTF-8 and Windows-1252 lines (pasted together) is decoded line by line.
Delimiters: comma, semicolon, tab or pipe (csv.Sniffer, checked against the header line), Excel's
`sep=;` first line, CRLF, LF or old-Mac CR line ends, quoted newlines inside cells.
The file is streamed: only a sample is read up front, rows are yielded one at a time. It must be
a regular file (a FIFO would wait forever) of at most :data:`MAX_SPREADSHEET_BYTES`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from broker_audit.errors import DataFileError
from broker_audit.i18n import N_, _

MAX_SPREADSHEET_BYTES = 64 * 1024 * 1024
"""Size of an intake spreadsheet: 5,000 clients take about 1.5 MB; this is 40 times that."""
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
_CHUNK = 1024 * 1024

# Magic numbers of files people save instead of a CSV, and what to tell them.
_NOT_CSV = {
    b"PK\x03\x04": N_("is an Excel or LibreOffice workbook (.xlsx/.ods), not a CSV file"),
    b"\xd0\xcf\x11\xe0": N_("is an old Excel workbook (.xls), not a CSV file"),
    b"%PDF": N_("is a PDF, not a spreadsheet"),
    b"\x89PNG": N_("is an image, not a spreadsheet"),
    b"\xff\xd8\xff": N_("is an image, not a spreadsheet"),
    b"{\\rtf": N_("is a Word/RTF document, not a spreadsheet"),
}
_SAVE_AS = N_(
    "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; in Google Sheets File > Download > CSV"
)


@dataclass
class Dialect:
    """What the reader found out about the file; filled in before rows are read."""

    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "mixed utf-8/cp1252"
    delimiter: str
    line_end: bytes  # b"\n" or b"\r"
    skip_sep_line: bool = False
    warnings: list[str] = field(default_factory=list)


def _fail(path: Path, what: str, hint: str | None = _SAVE_AS) -> DataFileError:
    """`what` and `hint` are catalog messages, said in the reader's language here."""
    return DataFileError(f"{path}: {_(what)}", _(hint) if hint else None)


def _open(path: Path) -> BinaryIO:
    """The spreadsheet, opened as a regular file of bounded size (see broker_audit.files)."""
    from broker_audit.files import open_input

    return open_input(
        path,
        what=N_("spreadsheet"),
        limit=MAX_SPREADSHEET_BYTES,
        hint=_("split the sheet into several files of fewer clients and run one batch per file"),
    )


def _utf16_guess(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16 (every other byte NUL in ASCII text)."""
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0) / len(head[0::2])
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    """NULs or control characters (other than tab/CR/LF) in more than 1% / 10% of the sample.

    A few stray control characters in a cell (a corrupt export) do not make the file binary;
    those cells are cleaned row by row."""
    if not text:
        return False
    nuls = text.count("\x00")
    controls = sum(1 for c in text if c < " " and c not in "\t\r\n")
    return nuls > max(4, len(text) // 100) or controls > max(16, len(text) // 10)


def _split_lines(stream: BinaryIO, line_end: bytes) -> Iterator[bytes]:
    """Physical lines including their ending; for b'\\n' the file's own iterator is used."""
    if line_end == b"\n":
        yield from stream
        return
    pending = b""
    while chunk := stream.read(_CHUNK):
        pending += chunk
        *lines, pending = pending.split(b"\r")
        for line in lines:
            yield line + b"\n"
    if pending:
        yield pending


def _classify_8bit(path: Path, line_end: bytes) -> str:
    """One streaming pass: 'utf-8', 'cp1252', or 'mixed' when both kinds of lines occur."""
    utf8_lines = bad_lines = 0
    with _open(path) as stream:
        for line in _split_lines(stream, line_end):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad_lines += 1
            else:
                utf8_lines += 1
            if bad_lines and utf8_lines:
                return "mixed"
    return "cp1252" if bad_lines else "utf-8"


def _decode_line(line: bytes, encoding: str) -> str:
    if encoding == "mixed":
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            return line.decode("cp1252", errors="replace")
    return line.decode(encoding, errors="replace")


def _pick_delimiter(sample: str) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's `sep=X` hint."""
    lines = [ln for ln in sample.splitlines() if ln.strip(" \t,;|")]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0].strip()) == 5:
        return lines[0].strip()[4], True
    if not lines:
        return ",", False
    header = lines[0]
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample[: sample.rfind("\n") + 1] or sample, DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if counts.get(sniffed, 0) > 0:
        return sniffed, False
    best = max(DELIMITERS, key=lambda d: counts[d])
    return (best if counts[best] else ","), False


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def sniff(path: Path) -> Dialect:
    """Look at the first 64 kB: encoding, delimiter, line ends. Raise DataFileError if not a sheet."""
    try:
        with _open(path) as stream:
            sample = stream.read(SAMPLE_BYTES)
    except OSError as exc:
        raise _fail(path, _("cannot be read ({reason})").format(reason=exc.strerror), None) from None
    if not sample.strip(b" \t\r\n,;\xef\xbb\xbf\xff\xfe\x00"):
        raise _fail(
            path,
            N_("is empty: no header row and no clients"),
            N_("export the sheet again with its header row"),
        )
    for magic, what in _NOT_CSV.items():
        if sample.startswith(magic):
            raise _fail(path, what)
    if sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_guess(sample) or ""
    if encoding.startswith("utf-16"):
        text = sample[: len(sample) // 2 * 2].decode(encoding, errors="replace").lstrip("\ufeff")
    else:
        text = sample.decode("utf-8", errors="replace")
    if _looks_binary(text):
        raise _fail(path, N_("is not a text spreadsheet (it contains binary data)"))
    line_end = b"\r" if "\n" not in text and "\r" in text else b"\n"
    if not encoding:
        encoding = _classify_8bit(path, line_end)
    if encoding != "utf-8" and not encoding.startswith("utf-16"):
        text = "".join(_decode_line(ln, encoding) for ln in io.BytesIO(sample).readlines())
    delimiter, sep_line = _pick_delimiter(text.replace("\r", "\n") if line_end == b"\r" else text)
    dialect = Dialect(encoding=encoding, delimiter=delimiter, line_end=line_end, skip_sep_line=sep_line)
    if encoding == "mixed":
        dialect.encoding = "mixed utf-8/cp1252"
        dialect.warnings.append(
            _(
                "the file mixes UTF-8 and Windows-1252 text (rows pasted from different exports); "
                "each line was decoded on its own: check accented names"
            )
        )
    return dialect


def _text_lines(path: Path, dialect: Dialect) -> Iterator[str]:
    if dialect.encoding.startswith("utf-16"):
        with io.TextIOWrapper(_open(path), encoding=dialect.encoding, errors="replace", newline="") as text:
            first = True
            for line in text:
                yield line.lstrip("\ufeff") if first else line
                first = False
        return
    encoding = "mixed" if dialect.encoding.startswith("mixed") else dialect.encoding
    with _open(path) as stream:
        first = True
        for raw in _split_lines(stream, dialect.line_end):
            line = _decode_line(raw, encoding)
            if first:
                line = line.lstrip("\ufeff")
                first = False
            yield line


@dataclass(frozen=True)
class RawRow:
    """One record of the file: its 1-based row number (as a spreadsheet shows it) and cells."""

    row: int
    cells: list[str]
    error: str = ""  # set when the csv parser could not read the record


def iter_rows(path: Path, dialect: Dialect) -> Iterator[RawRow]:
    """Every record in order, blank ones included (as []), so row numbers match the sheet."""
    lines = _text_lines(path, dialect)
    if dialect.skip_sep_line:
        for line in lines:
            if line.strip():
                break
    reader = csv.reader(lines, delimiter=dialect.delimiter, quotechar='"', doublequote=True, strict=False)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRow(row, [], _("the row could not be read as CSV ({reason})").format(reason=exc))
            continue
        yield RawRow(row, cells)
