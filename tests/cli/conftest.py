"""Drive the real CLI entry point in-process and capture what it prints."""

from __future__ import annotations

import pytest
from cliutil import Runner

from broker_audit.cli.app import main


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Runner:
    """`cli(args)` runs `broker-audit args` and returns (exit code, stdout, stderr)."""

    def run(args: list[str]) -> tuple[int, str, str]:
        code = 0
        try:
            main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
