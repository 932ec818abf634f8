"""The output contract: which typed result each command's `--json` data is.

`OUTPUTS` names, per command, the type its data is (or a list of). `cli/output.py` checks every
document against it before writing; `schema/output.schema.json` is generated from these types
(`python -m broker_audit.cli.contract`), and `tests/cli/test_output_contract.py` fails when a key
of it disappears or is renamed without a new `OUTPUT_VERSION`, and when a command with `--json`
has no entry here.

The types are named as strings, imported only when a command writes JSON (or the schema is
made), so listing them costs no start-up time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Output:
    """A command's data: an instance of `module.name`, or with `many` a list of them."""

    module: str
    name: str
    many: bool = False

    def type(self) -> type:
        found: type = getattr(importlib.import_module(self.module), self.name)
        return found

    def annotation(self) -> Any:
        """The type of `data`, as msgspec's schema generator takes it."""
        return list[self.type()] if self.many else self.type()  # type: ignore[misc]


def _out(where: str, *, many: bool = False) -> Output:
    module, _, name = where.rpartition(".")
    return Output(module, name, many)


OUTPUTS: dict[str, Output] = {}

_PENDING = set(
    [
        "init",
        "request",
        "followup",
        "resend",
        "status",
        "mark",
        "show",
        "audit",
        "scan",
        "cora",
        "findings",
        "send",
        "inbox",
        "reply",
        "evidence",
    ]
) | {
    f"{group} {name}"
    for group, names in {
        "campaign": "list finding export",
        "agencies": "list show",
        "drop": "record result",
        "profile": "show edit",
        "brokers": "list show",
        "vault": "verify",
        "registry": "import update check",
        "bulk": "letters mark status stats recipients",
    }.items()
    for name in names.split()
}


def check_output(command: str, data: object) -> Callable[[list[object]], None]:
    """Refuse data that is not the command's declared type (a programming error: the tests that
    run the command find it). For a list, returns the check of each chunk of its elements."""
    declared = OUTPUTS.get(command)
    if declared is None and command in _PENDING:
        return _nothing
    if declared is None:
        raise TypeError(f"`{command} --json` has no output type in broker_audit/cli/contract.py")
    kind = declared.type()
    if not declared.many:
        if not isinstance(data, kind):
            raise TypeError(f"`{command} --json` writes {type(data).__name__}, not {kind.__name__}")
        return _nothing
    if not isinstance(data, list | tuple | Iterator):
        raise TypeError(f"`{command} --json` writes {type(data).__name__}, not a list of {kind.__name__}")

    def check(chunk: list[object]) -> None:
        for item in chunk:
            if not isinstance(item, kind):
                raise TypeError(f"`{command} --json` writes a {type(item).__name__}, not {kind.__name__}")

    return check


def _nothing(chunk: list[object]) -> None:
    return None
