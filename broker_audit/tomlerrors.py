"""Load a TOML data file into a typed record, with errors that name the file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from broker_audit.errors import DataFileError
from broker_audit.i18n import N_, _

T = TypeVar("T")

_PATH_PART = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def load_toml(path: Path, typ: type[T], *, table: str) -> T:
    """Parse `path` as TOML and convert it to `typ`.

    `table` is the name of the top-level array of tables (`broker`, `law`) so that a validation
    error can name the record id and the line where that record starts.
    """
    from broker_audit.files import read_input_text

    text = read_input_text(path, what=_("data file"), limit=64 * 1024 * 1024)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(
            _("{path}: not valid TOML: {exc}").format(path=path, exc=exc), _("fix the file and run again")
        ) from None
    try:
        return msgspec.convert(raw, typ, strict=True)
    except msgspec.ValidationError as exc:
        raise DataFileError(_describe(path, text, raw, table, str(exc))) from None


_PATTERN_WORDS = {
    r"^https?://\\S+$": N_("that is an http(s) URL"),
    r"^[a-z0-9]+(-[a-z0-9]+)*$": N_("of lower-case letters, digits and single hyphens"),
    r"^[A-Z]{2}$": N_("of two capital letters (a state code)"),
    r"^[A-Za-z]{2}$": N_("of two letters (a state code, e.g. CO)"),
    r"^\\d{5}(-\\d{4})?$": N_("that is a ZIP code (12345 or 12345-6789)"),
}


_MESSAGE_WORDS = {
    "Invalid RFC3339 encoded date": N_(
        "not a date: write it as YYYY-MM-DD, e.g. 1988-04-12"
    ),  # i18n: not user-facing (msgspec's words)
    "Invalid RFC3339 encoded datetime": N_(
        "not a date and time: write it as YYYY-MM-DDTHH:MM:SSZ"
    ),  # i18n: not user-facing (msgspec's words)
}


_MSGSPEC = (
    (
        re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$"),
        N_("expected {0}, got {1}"),
    ),  # i18n: not user-facing (msgspec's words)
    (
        re.compile(r"^Object missing required field `([^`]+)`$"),
        N_("the required field `{0}` is missing"),
    ),  # i18n: not user-facing (msgspec's words)
    (
        re.compile(r"^Object contains unknown field `([^`]+)`$"),
        N_("unknown field `{0}`"),
    ),  # i18n: not user-facing (msgspec's words)
)
"""msgspec's most common messages, in the reader's language (the rest are shown as msgspec says)."""


def _msgspec_words(detail: str) -> str:
    for pattern, words in _MSGSPEC:
        found = pattern.match(detail)
        if found:
            return _(words).format(*found.groups())
    return detail


def _plain(detail: str) -> str:
    for pattern, words in _PATTERN_WORDS.items():
        detail = detail.replace(
            f"matching regex '{pattern}'", _(words)
        )  # i18n: not user-facing (msgspec's words)
    said = _MESSAGE_WORDS.get(detail)
    return _(said) if said else _msgspec_words(detail)


def describe_field_error(path: Path, message: str) -> str:
    """msgspec's `Invalid RFC3339 encoded date - at `$.birth_date`` as `FILE: birth_date: not a
    date: write it as YYYY-MM-DD ...`, for small files with no records to name (the profile)."""
    detail, _sep, where = message.partition(" - at `")
    field = where.rstrip("`").removeprefix("$").removeprefix(".") or _("top level")
    return f"{path}: {field}: {_plain(detail)}"


def _describe(path: Path, text: str, raw: dict[str, Any], table: str, message: str) -> str:
    """Turn msgspec's `... - at `$.broker[3].contact.email`` into file:line and record id."""
    detail, _sep, where = message.partition(" - at `")
    detail = _plain(detail)
    where = where.rstrip("`")
    parts = [(m.group(1), m.group(2)) for m in _PATH_PART.finditer(where.removeprefix("$"))]
    if len(parts) < 2 or parts[0][0] != table or parts[1][1] is None:
        return _("{path}: {detail} (at {where})").format(
            path=path, detail=detail, where=where or _("top level")
        )
    index = int(parts[1][1])
    record = raw.get(table, [])[index] if index < len(raw.get(table, [])) else {}
    record_id = record.get("id", f"#{index + 1}") if isinstance(record, dict) else f"#{index + 1}"
    line = _record_line(text, table, index)
    keys = [k for k, _ in parts[2:] if k]
    if keys and line:
        line = _key_line(text, line, keys) or line
    field = "".join(f"[{i}]" if not k else (f".{k}" if n else k) for n, (k, i) in enumerate(parts[2:]))
    field = field or _("(record)")
    return _("{path}:{line}: {table} {record_id!r}, field {field}: {detail}").format(
        path=path, line=line, table=table, record_id=record_id, field=field, detail=detail
    )


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
