"""`--json` output: one envelope, msgspec, a list one element a line, objects indented."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from broker_audit.cli.contract import OUTPUT_VERSION
from broker_audit.cli.output import write_document

HEAD = f'{{"broker_audit":"{OUTPUT_VERSION}","command":"status","data":['


@dataclasses.dataclass
class Row:
    id: int
    due: dt.date | None
    file: Path


def test_a_list_opens_the_envelope_then_is_one_element_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [Row(i, dt.date(2026, 2, 19) if i % 2 else None, Path(f"/l/{i}.pdf")) for i in range(12_001)]
    write_document("status", rows)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == HEAD and lines[-1] == "]}" and len(lines) == 12_003
    assert lines[2] == '{"id":1,"due":"2026-02-19","file":"/l/1.pdf"},'
    assert lines[-2] == '{"id":12000,"due":null,"file":"/l/12000.pdf"}'
    document = json.loads(out)
    assert document["broker_audit"] == OUTPUT_VERSION and document["command"] == "status"
    assert (
        document["data"][0] == {"id": 0, "due": None, "file": "/l/0.pdf"} and len(document["data"]) == 12_001
    )


def test_a_line_reader_needs_only_the_first_line_to_know_the_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The first line is the envelope's head: closed, it is the envelope of an empty list."""
    write_document("status", iter([Row(1, None, Path("a"))]))
    first, *rows = capsys.readouterr().out.splitlines()
    assert json.loads(first + "]}") == {"broker_audit": OUTPUT_VERSION, "command": "status", "data": []}
    assert [json.loads(line.rstrip(",")) for line in rows[:-1]] == [{"id": 1, "due": None, "file": "a"}]


def test_an_iterator_is_streamed_and_an_error_before_the_first_rows_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def rows() -> Iterator[Row]:
        yield Row(1, None, Path("a"))
        raise RuntimeError("the vault went away")

    with pytest.raises(RuntimeError):
        write_document("status", rows())
    assert capsys.readouterr().out == ""


def test_a_check_sees_every_element(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[object] = []
    write_document("status", iter(range(12_345)), check=seen.extend)
    assert seen == list(range(12_345))
    assert json.loads(capsys.readouterr().out)["data"] == list(range(12_345))


def test_an_object_is_indented_and_keeps_unicode(capsys: pytest.CaptureFixture[str]) -> None:
    at = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    write_document("show", {"name": "Núñez", "at": at, "tags": ("a",)})
    out = capsys.readouterr().out
    assert out == (
        "{\n"
        f'  "broker_audit": "{OUTPUT_VERSION}",\n'
        '  "command": "show",\n'
        '  "data": {\n'
        '    "name": "Núñez",\n'
        '    "at": "2026-01-05T10:00:00Z",\n'
        '    "tags": [\n'
        '      "a"\n'
        "    ]\n"
        "  }\n"
        "}\n"
    )


def test_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    write_document("status", [])
    assert capsys.readouterr().out == HEAD + "]}\n"


def test_an_unknown_type_is_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError, match="cannot write object as JSON"):
        write_document("show", {"x": object()})


def test_characters_a_terminal_acts_on_are_escaped_not_lost(capsys: pytest.CaptureFixture[str]) -> None:
    write_document("brokers list", [{"name": "Acme\x9b2J\u202eevil\x7f"}])
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out and "\x7f" not in out
    assert "\\u009b" in out and "\\u202e" in out
    assert json.loads(out)["data"][0]["name"] == "Acme\x9b2J\u202eevil\x7f"


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
    write_document("status", rows)
    as_list = capsys.readouterr().out
    write_document("status", (row for row in rows))
    assert capsys.readouterr().out == as_list
    write_document("status", iter(rows[:5000]))  # exactly one piece
    assert json.loads(capsys.readouterr().out)["data"] == json.loads(as_list)["data"][:5000]
    write_document("status", iter([]))
    assert capsys.readouterr().out == HEAD[:-1] + "[]}\n"


def test_an_iterator_that_fails_first_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: an error in making the first rows (a filter naming nothing, a negative --limit)
    leaves stdout empty: no half document."""

    def rows() -> Iterator[Row]:
        raise ValueError("no such broker")
        yield  # a generator

    with pytest.raises(ValueError, match="no such broker"):
        write_document("status", rows())
    assert capsys.readouterr().out == ""
