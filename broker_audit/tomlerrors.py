"""Load a TOML data file into a typed record, with errors that name the file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from broker_audit.errors import DataFileError

T = TypeVar("T")

_PATH_PART = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def load_toml(path: Path, typ: type[T], *, table: str) -> T:
    """Parse `path` as TOML and convert it to `typ`.

    `table` is the name of the top-level array of tables (`broker`, `law`) so that a validation
    error can name the record id and the line where that record starts.
    """
    from broker_audit.files import read_input_text

    text = read_input_text(path, what="data file", limit=64 * 1024 * 1024)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML: {exc}", "fix the file and run again") from None
    try:
        return msgspec.convert(raw, typ, strict=True)
    except msgspec.ValidationError as exc:
        raise DataFileError(_describe(path, text, raw, table, str(exc))) from None


_PATTERN_WORDS = {
    r"^https?://\\S+$": "that is an http(s) URL",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "of lower-case letters, digits and single hyphens",
    r"^[A-Z]{2}$": "of two capital letters (a state code)",
    r"^[A-Za-z]{2}$": "of two letters (a state code, e.g. CO)",
    r"^\\d{5}(-\\d{4})?$": "that is a ZIP code (12345 or 12345-6789)",
}


_MESSAGE_WORDS = {
    "Invalid RFC3339 encoded date": "not a date: write it as YYYY-MM-DD, e.g. 1988-04-12",
    "Invalid RFC3339 encoded datetime": "not a date and time: write it as YYYY-MM-DDTHH:MM:SSZ",
}


def _plain(detail: str) -> str:
    for pattern, words in _PATTERN_WORDS.items():
        detail = detail.replace(f"matching regex '{pattern}'", words)
    return _MESSAGE_WORDS.get(detail, detail)


def describe_field_error(path: Path, message: str) -> str:
    """msgspec's `Invalid RFC3339 encoded date - at `$.birth_date`` as `FILE: birth_date: not a
    date: write it as YYYY-MM-DD ...`, for small files with no records to name (the profile)."""
    detail, _, where = message.partition(" - at `")
    field = where.rstrip("`").removeprefix("$").removeprefix(".") or "top level"
    return f"{path}: {field}: {_plain(detail)}"


def _describe(path: Path, text: str, raw: dict[str, Any], table: str, message: str) -> str:
    """Turn msgspec's `... - at `$.broker[3].contact.email`` into file:line and record id."""
    detail, _, where = message.partition(" - at `")
    detail = _plain(detail)
    where = where.rstrip("`")
    parts = [(m.group(1), m.group(2)) for m in _PATH_PART.finditer(where.removeprefix("$"))]
    if len(parts) < 2 or parts[0][0] != table or parts[1][1] is None:
        return f"{path}: {detail} (at {where or 'top level'})"
    index = int(parts[1][1])
    record = raw.get(table, [])[index] if index < len(raw.get(table, [])) else {}
    record_id = record.get("id", f"#{index + 1}") if isinstance(record, dict) else f"#{index + 1}"
    line = _record_line(text, table, index)
    keys = [k for k, _ in parts[2:] if k]
    if keys and line:
        line = _key_line(text, line, keys) or line
    field = "".join(f"[{i}]" if not k else (f".{k}" if n else k) for n, (k, i) in enumerate(parts[2:]))
    field = field or "(record)"
    return f"{path}:{line}: {table} {record_id!r}, field {field}: {detail}"


def _record_line(text: str, table: str, index: int) -> int:
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            seen += 1
            if seen == index:
                return number
    return 0


def _key_line(text: str, start: int, keys: list[str]) -> int:
    """The line of the deepest key named in `keys`, searching from the record's first line."""
    lines = text.splitlines()
    target = keys[-1]
    pattern = re.compile(rf"^\s*(\[+[^\]]*\b{re.escape(target)}\]+|{re.escape(target)}\s*=)")
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        # The next record begins at a top-level array-of-tables header (not `[[broker.sources]]`).
        if number > start and re.match(r"^\s*\[\[", line) and not re.match(r"^\s*\[\[\s*\w+\.", line):
            break
        if pattern.match(line):
            return number
    return 0
