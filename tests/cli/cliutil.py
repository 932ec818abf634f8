"""Shared names for the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.toml"

Runner = Callable[[list[str]], tuple[int, str, str]]
PASSPHRASE = "correct horse battery staple"


def demo_vault(cli: Runner, tmp_path: Path, monkeypatch: Any, today: str) -> Path:
    """A passphrase vault at tmp_path/v/vault.db holding the demo profile, with BROKER_AUDIT_TODAY
    set to `today` (`monkeypatch`: pytest's MonkeyPatch); its path."""
    path = tmp_path / "v" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", today)
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return path
