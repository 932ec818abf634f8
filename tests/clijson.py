"""The one way tests read a command's `--json`: `data(stdout)`.

It checks the envelope every command writes (`broker_audit/cli/output.py`): exactly the keys
`broker_audit` (the output contract's version), `command` (one with a declared output type) and
`data`, and returns the data.
"""

from __future__ import annotations

import json
from typing import Any

from broker_audit.cli.contract import OUTPUT_VERSION, OUTPUTS


def envelope(stdout: str) -> dict[str, Any]:
    """The whole document a `--json` command wrote, its envelope checked."""
    document = json.loads(stdout)
    assert isinstance(document, dict), f"not an envelope: {stdout[:200]!r}"
    assert set(document) == {"broker_audit", "command", "data"}, sorted(document)
    assert document["broker_audit"] == OUTPUT_VERSION
    assert document["command"] in OUTPUTS, document["command"]
    return document


def data(stdout: str) -> Any:
    """The data of the document a `--json` command wrote (its envelope checked)."""
    return envelope(stdout)["data"]
