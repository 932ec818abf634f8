"""Fixtures of the red-team tests: a vault for the at-risk requester, made through the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "cli"))
sys.path.insert(0, str(HERE.parent / "mail"))

from leaks import PROFILE, REPLY_ADDRESS  # noqa: E402
from vaults import Runner, make_vault  # noqa: E402


@pytest.fixture(params=["reply-address", "email-only"])
def variant(request: pytest.FixtureRequest) -> str:
    """The requester with a reply address (a P.O. box), and without one (answers by e-mail)."""
    return str(request.param)


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner, variant: str) -> Path:
    extra = REPLY_ADDRESS if variant == "reply-address" else ""
    return make_vault(tmp_path, monkeypatch, cli, profile=PROFILE + extra)
