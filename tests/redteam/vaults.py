"""Vaults for the red-team tests, made through the CLI as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from leaks import PROFILE

Runner = Callable[[list[str]], tuple[int, str, str]]
PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
CLINIC_TOML = ROOT / "examples" / "clinic.toml"


def make_vault(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Runner,
    *,
    profile: str | None = PROFILE,
    clinic: Path | None = None,
    today: str = "2026-12-07",
) -> Path:
    """A new vault at tmp_path/v holding `profile` (TOML text) and/or a clinic; the day fixed."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", today)
    args = ["init", "--passphrase"]
    if profile is not None:
        path = tmp_path / "me.toml"
        path.write_text(profile, encoding="utf-8")
        args += ["--profile", str(path)]
    if clinic is not None:
        args += ["--clinic", str(clinic)]
    code, _, err = cli(args)
    assert code == 0, err
    return tmp_path
