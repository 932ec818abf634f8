"""Shared names for the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.toml"

Runner = Callable[[list[str]], tuple[int, str, str]]
