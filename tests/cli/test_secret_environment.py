"""The passphrase and the mail password leave the process's own environment block (what
/proc/PID/environ shows other programs of the user), not only os.environ; --passphrase-fd keeps
the passphrase out of the environment altogether."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery staple 5f1c9a"
MAIL = "app-password-77e2b0"

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")


def test_secrets_are_wiped_from_the_start_up_environment() -> None:
    code = (
        "import sys; from broker_audit.cli.common import take_secrets, _secrets; "
        "ok = take_secrets(); assert _secrets['BROKER_AUDIT_PASSPHRASE'].endswith('5f1c9a'); "
        "print('wiped' if ok else 'kept', flush=True); sys.stdin.readline()"
    )
    env = dict(os.environ, BROKER_AUDIT_PASSPHRASE=PASSPHRASE, BROKER_AUDIT_MAIL_PASSWORD=MAIL, KEEP_ME="yes")
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"wiped\n"
        seen = Path(f"/proc/{child.pid}/environ").read_bytes()  # as another program of the user sees it
    finally:
        child.communicate(b"\n", timeout=30)
    assert PASSPHRASE.encode() not in seen and MAIL.encode() not in seen
    assert b"\0KEEP_ME=yes\0" in b"\0" + seen  # the rest of the environment is untouched
    assert b"BROKER_AUDIT_PASSPHRASE=" in seen  # the name stays, its value is zeros


def test_passphrase_fd(tmp_path: Path, cli: Callable[[list[str]], tuple[int, str, str]]) -> None:
    from broker_audit.cli.common import _secrets

    vault = tmp_path / "v" / "vault.db"
    os.environ.pop("BROKER_AUDIT_PASSPHRASE", None)
    read, write = os.pipe()
    os.write(write, PASSPHRASE.encode() + b"\n")
    os.close(write)
    profile = Path(__file__).resolve().parents[2] / "examples" / "demo-profile.toml"
    code, out, err = cli(
        [
            "--vault",
            str(vault),
            "--passphrase-fd",
            str(read),
            "init",
            "--passphrase",
            "--profile",
            str(profile),
        ]
    )
    assert code == 0, err
    assert "BROKER_AUDIT_PASSPHRASE" not in os.environ
    _secrets.clear()
    read, write = os.pipe()
    os.write(write, PASSPHRASE.encode())
    os.close(write)
    code, out, err = cli(["--vault", str(vault), "--passphrase-fd", str(read), "vault", "verify"])
    assert code == 0, err
    code, out, err = cli(["--vault", str(vault), "--passphrase-fd", "987", "vault", "verify"])
    assert code == 1 and "--passphrase-fd 987: cannot read it" in err
