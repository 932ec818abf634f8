"""`--json`: every command's data through one encoder, in one versioned envelope.

With `--json` a command writes exactly one JSON document on stdout (messages and warnings go to
stderr):

    {"broker_audit": "1", "command": "show", "data": {...}}

- `broker_audit`: the version of the output contract, a string. It changes only when a key is
  removed or renamed, or a value changes its meaning; a new key keeps it. A script checks this
  one key to know the document is ours and which contract it follows.
- `command`: the command that wrote it, as typed without options (`status`, `bulk status`,
  `registry check`), so one reader can take the output of several commands.
- `data`: the command's result: an object or a list, whose keys are the fields of the typed
  result the command returns (`cli/contract.py` names the type of each command and holds the version;
  `schema/output.schema.json`, generated from those types, is the contract a test holds).

An object is written indented. A list (and an iterator, such as `status --json`'s rows at a
million requests) is streamed: the first line opens the envelope, each element follows on a line
of its own, and the last line closes it, so line-by-line readers work as before and the whole is
still one JSON document:

    {"broker_audit":"1","command":"status","data":[
    {"id":1,"broker":"acme",...},
    {"id":2,"broker":"lexisnexis",...}
    ]}

Encoded by msgspec: dates ISO 8601 (`2026-01-05`), times RFC 3339 (`2026-01-05T10:00:00Z`),
paths as strings. Characters a terminal would act on are written as \\u escapes (msgspec, like
json.dumps, leaves C1 and bidi controls raw). Elements are encoded 5,000 at a time, so a long
list is never held whole as one string, and nothing is written before the first elements are
made: an error in making them leaves stdout empty.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import msgspec
    import typer

CHUNK = 5000
"""List elements encoded per call."""


def command_name(ctx: typer.Context) -> str:
    """The command as typed without options or arguments: "status", "bulk status"."""
    return ctx.command_path[len(ctx.find_root().command_path) :].strip()


def emit(ctx: typer.Context, data: object) -> None:
    """Write `data`, the typed result of the running command, as its one JSON document.

    The command's declared output type (`cli/contract.py`) is checked first: a command prints
    what its contract says, or fails in the tests that run it.
    """
    from broker_audit.cli.contract import check_output  # the JSON path only: no cost to start

    command = command_name(ctx)
    write_document(command, data, check=check_output(command, data))


def write_document(
    command: str, data: object, *, check: Callable[[list[object]], None] | None = None
) -> None:
    """Write the envelope of `command` around `data` on stdout: a list, a tuple or an iterator
    streamed one element a line (`check` sees each chunk of elements before it is encoded),
    anything else as one indented object."""
    from broker_audit.cli.contract import OUTPUT_VERSION

    head = _encoder().encode({"broker_audit": OUTPUT_VERSION, "command": command})[:-1]
    if isinstance(data, list | tuple | Iterator):
        _write_stream(head, iter(data), check or _nothing)
    else:
        _write_object(head, data)


def _nothing(chunk: list[object]) -> None:
    return None


def _enc_hook(value: object) -> object:
    """What msgspec cannot encode itself (dates, dataclasses, structs and enums it can)."""
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _encoder() -> msgspec.json.Encoder:
    import msgspec

    return msgspec.json.Encoder(enc_hook=_enc_hook)


def _writer() -> tuple[Callable[[bytes], object], Callable[[], None]]:
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        return out.write, out.flush
    return (lambda b: sys.stdout.write(b.decode("utf-8"))), sys.stdout.flush


def _write_object(head: bytes, data: object) -> None:
    import msgspec

    from broker_audit.cleantext import json_safe_bytes

    body = _encoder().encode(data)
    document = msgspec.json.format(head + b',"data":' + body + b"}", indent=2)
    write, flush = _writer()
    write(json_safe_bytes(document) + b"\n")
    flush()


def _write_stream(head: bytes, items: Iterator[object], check: Callable[[list[object]], None]) -> None:
    from broker_audit.cleantext import json_safe_bytes

    encoder = _encoder()

    def lines(chunk: list[object]) -> bytes:
        check(chunk)
        # one element a line, in one call: a JSON text holds no raw newline, so the newlines
        # msgspec puts between the elements are the only ones to follow with ","
        return json_safe_bytes(encoder.encode_lines(chunk)[:-1].replace(b"\n", b",\n"))

    piece = _take(items)
    if not piece:
        write, flush = _writer()
        write(head + b',"data":[]}\n')
        flush()
        return
    text = lines(piece)  # made before anything is written: an error leaves stdout empty
    write, flush = _writer()
    write(head + b',"data":[\n')
    while True:
        following = _take(items)
        write(text + (b",\n" if following else b"\n"))
        if not following:
            break
        text = lines(following)
    write(b"]}\n")
    flush()


def _take(items: Iterator[object]) -> list[object]:
    import itertools

    return list(itertools.islice(items, CHUNK))
