"""Test-only: a weak Argon2id cost so that the suite does not spend 115 ms on every unlock.

The shipped code has no switch for this (issue 12, item 11). The pytest process patches
`broker_audit.vault.crypto` through `install` (tests/conftest.py, autouse); the processes the
tests start get the same patch from `sitecustomize.py` in this folder, which `child_env` (and the
conftest, through PYTHONPATH) puts on their path. The patch is applied when the crypto module is
first imported, so `--help` and other commands that never touch the vault do not pay for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

FOLDER = Path(__file__).resolve().parent


def costs(crypto: ModuleType) -> tuple[object, ...]:
    """The test-only `PASSPHRASE_COSTS`: new slots weak (t=1, 64 KiB, p=1); strong ones accepted."""
    return (crypto.Argon2Params(t=1, m_kib=64, p=1), crypto.STRONG_ARGON2)


def install(crypto: ModuleType) -> None:
    """Make new passphrase slots weak and accept the weak cost when reading them back."""
    crypto.PASSPHRASE_COSTS = costs(crypto)  # type: ignore[attr-defined]


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: os.environ) with this folder first on PYTHONPATH."""
    out = dict(os.environ if env is None else env)
    parts = [str(FOLDER), *filter(None, out.get("PYTHONPATH", "").split(os.pathsep))]
    out["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return out
