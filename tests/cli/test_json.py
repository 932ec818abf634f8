"""`--json` output: msgspec, one list element a line, objects indented; shapes unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from broker_audit.cli.common import print_json


@dataclasses.dataclass
class Row:
    id: int
    due: dt.date | None
    file: Path


def test_a_list_is_one_element_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [Row(i, dt.date(2026, 2, 19) if i % 2 else None, Path(f"/l/{i}.pdf")) for i in range(12_001)]
    print_json(rows)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 12_003
    assert lines[2] == '{"id":1,"due":"2026-02-19","file":"/l/1.pdf"},'
    data = json.loads(out)
    assert data[0] == {"id": 0, "due": None, "file": "/l/0.pdf"} and len(data) == 12_001


def test_an_object_is_indented_and_keeps_unicode(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"name": "Núñez", "at": dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), "tags": ("a",)})
    out = capsys.readouterr().out
    assert out == '{\n  "name": "Núñez",\n  "at": "2026-01-05T10:00:00Z",\n  "tags": [\n    "a"\n  ]\n}\n'


def test_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    print_json([])
    assert capsys.readouterr().out == "[]\n"


def test_an_unknown_type_is_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError, match="cannot write object as JSON"):
        print_json({"x": object()})


def test_characters_a_terminal_acts_on_are_escaped_not_lost(capsys: pytest.CaptureFixture[str]) -> None:
    print_json([{"name": "Acme\x9b2J\u202eevil\x7f"}])
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out and "\x7f" not in out
    assert "\\u009b" in out and "\\u202e" in out
    assert json.loads(out)[0]["name"] == "Acme\x9b2J\u202eevil\x7f"


def test_the_utf8_escape_finds_exactly_the_characters_json_safe_escapes() -> None:
    from broker_audit.cleantext import _JSON_RAW, json_safe, json_safe_bytes

    for code in range(0x30000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f'"a{char}b"'
        assert json_safe_bytes(text.encode()) == json_safe(text).encode(), hex(code)
        assert bool(_JSON_RAW.search(char)) == (json_safe(text) != text)


def test_an_iterator_is_written_as_the_list_would_be(capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: rows made as they are written (`status --json` over the index, issue 27) give the
    same bytes as the list of them, across the 5,000-element pieces."""
    rows = [Row(i, dt.date(2026, 2, 19) if i % 3 else None, Path(f"/l/{i}.pdf")) for i in range(10_001)]
    print_json(rows)
    as_list = capsys.readouterr().out
    print_json(row for row in rows)
    assert capsys.readouterr().out == as_list
    print_json(iter(rows[:5000]))  # exactly one piece
    assert json.loads(capsys.readouterr().out) == json.loads(as_list)[:5000]
    print_json(iter([]))
    assert capsys.readouterr().out == "[]\n"


def test_an_iterator_that_fails_first_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: an error in making the first rows (a filter naming nothing, a negative --limit)
    leaves stdout empty: no half document."""

    def rows() -> object:
        raise ValueError("no such broker")
        yield  # a generator

    with pytest.raises(ValueError, match="no such broker"):
        print_json(rows())
    assert capsys.readouterr().out == ""
