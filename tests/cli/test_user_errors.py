"""Every error a user can cause is one line with a hint and exit 1, never "unexpected"
(issue 12, item 9): each case the attack run found, driven through the CLI."""

from __future__ import annotations

import builtins
import csv
import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cliutil import DEMO, ROOT, Runner

PASS = "correct horse battery staple"
CLINIC = ROOT / "examples" / "clinic.toml"
VT = ROOT / "tests" / "fixtures" / "registries" / "vt-sos-sample.csv"
CORA = ["cora", "--agency", "Example County Sheriff", "--address", "1 Main St;Town, CO 80000"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    monkeypatch.setenv("BROKER_AUDIT_IMPORTED", str(tmp_path / "imported.json"))
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "adir").mkdir()
    with (tmp_path / "clients.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["First Name", "Last Name", "Street Address", "City", "State", "ZIP Code"],
                ["Ana", "Núñez", "1 Main St", "Denver", "CO", "80204"],
            ]
        )
    return tmp_path


def _bulk(home: Path, *extra: str) -> list[str]:
    clients = str(home / "clients.csv")
    return ["bulk", "letters", clients, "--brokers", "equifax", "--clinic", str(CLINIC), *extra]


def _one_user_error(result: tuple[int, str, str], *expected: str) -> None:
    code, out, err = result
    assert "unexpected" not in err, err
    assert code == 1, (code, out, err)
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-2:] == [errors[0], lines[-1]], err  # (a progress bar may come first)
    assert lines[-1].startswith("hint: "), err
    for text in expected:
        assert text in errors[0], (text, errors[0])


@pytest.fixture
def unwritable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """A folder nobody may write in. Root ignores modes, so under root (CI) the kernel's answer
    for everyone else is given here: a create, mkdir or rename in that folder fails with EACCES."""

    def make(folder: Path) -> Path:
        folder.mkdir()
        folder.chmod(0o555)
        if os.geteuid() != 0:
            return folder
        blocked = os.path.realpath(folder)

        def parent(path: Any, dir_fd: int | None) -> str:
            base = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else os.getcwd()
            return os.path.dirname(os.path.realpath(os.path.join(base, os.fspath(path))))

        def refuse(path: Any) -> None:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

        real_open, real_mkdir, real_rename, real_io_open = os.open, os.mkdir, os.rename, io.open

        def guarded_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and parent(path, dir_fd) == blocked:
                refuse(path)
            return real_open(path, flags, mode, dir_fd=dir_fd)

        def guarded_mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
            if parent(path, dir_fd) == blocked:
                refuse(path)
            real_mkdir(path, mode, dir_fd=dir_fd)

        def guarded_rename(src: Any, dst: Any, **kw: Any) -> None:
            if parent(dst, kw.get("dst_dir_fd")) == blocked:
                refuse(dst)
            real_rename(src, dst, **kw)

        def guarded_io_open(file: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
            if isinstance(file, str | Path) and set(mode) & set("wax+") and parent(file, None) == blocked:
                refuse(file)
            return real_io_open(file, mode, *args, **kw)

        monkeypatch.setattr(os, "open", guarded_open)
        monkeypatch.setattr(os, "mkdir", guarded_mkdir)
        monkeypatch.setattr(os, "rename", guarded_rename)
        monkeypatch.setattr(io, "open", guarded_io_open)
        monkeypatch.setattr(builtins, "open", guarded_io_open)
        return folder

    return make


def test_out_is_an_existing_file(home: Path, cli: Runner) -> None:
    for args in (
        ["request", "lexisnexis", "--out", "afile"],
        [*CORA, "--out", "afile"],
        [*_bulk(home), "--out", "afile"],
        ["demo", "--out", "afile"],
    ):
        _one_user_error(cli(args), "afile exists and is not a folder")
    assert (home / "afile").read_text() == "not a folder"


def test_a_folder_that_cannot_be_written(home: Path, cli: Runner, unwritable: Callable[[Path], Path]) -> None:
    unwritable(home / "ro")
    for args in (
        ["request", "lexisnexis", "--out", "ro"],
        ["request", "lexisnexis", "--out", "ro/letters"],
        [*CORA, "--out", "ro"],
        [*_bulk(home), "--out", "ro"],
        ["bulk", "status", "--csv", "ro/status.csv"],
        ["bulk", "status", "--ics", "ro/due.ics"],
        ["audit", "--html", "ro/audit.html", "--answer", "booked_in_jail=no"],
        ["registry", "import", "--source", "vt", str(VT), "--into", "ro/imported.json"],
        ["demo", "--out", "ro/demo"],
    ):
        _one_user_error(cli(args), "permission denied")


def test_a_path_through_a_regular_file(home: Path, cli: Runner) -> None:
    for args in (
        ["request", "lexisnexis", "--out", "afile/letters"],
        ["bulk", "status", "--csv", "afile/status.csv"],
        ["bulk", "status", "--ics", "afile/x/due.ics"],
        ["audit", "--html", "afile/audit.html", "--answer", "booked_in_jail=no"],
        ["registry", "import", "--source", "vt", str(VT), "--into", "afile/imported.json"],
    ):
        _one_user_error(cli(args), "afile")


def test_init_where_no_vault_can_be_made(home: Path, cli: Runner, unwritable: Callable[[Path], Path]) -> None:
    """`init --vault` into a folder that cannot be written, or through a file: one line, exit 1."""
    unwritable(home / "locked")
    for path, expected in (
        ("locked/vault.db", "cannot create the vault locked/vault.db: permission denied"),
        ("locked/new/vault.db", "cannot create the vault locked/new/vault.db: permission denied"),
        ("afile/vault.db", "cannot create the vault afile/vault.db: part of that path is a file"),
        ("afile/sub/vault.db", "part of that path is a file, not a folder"),
    ):
        _one_user_error(cli(["--vault", path, "init", "--passphrase", "--profile", str(DEMO)]), expected)
    assert (home / "afile").read_text() == "not a folder"


def test_files_that_are_not_utf8(home: Path, cli: Runner) -> None:
    (home / "me.toml").write_bytes(b'name = "Ana N\xfa\xf1ez"\nstate = "CO"\n')
    (home / "clinic.toml").write_bytes(b'organization = "Cl\xednica"\n')
    (home / "tpl").mkdir()
    (home / "tpl" / "access.txt.j2").write_bytes(b"Subject: caf\xe9\n\nHello\n")
    _one_user_error(
        cli(["--vault", str(home / "v2" / "vault.db"), "init", "--passphrase", "--profile", "me.toml"]),
        "me.toml:1: the profile is not UTF-8",
    )
    _one_user_error(cli(["profile", "edit", "--from-file", "me.toml"]), "not UTF-8")
    _one_user_error(
        cli(["--vault", str(home / "v3" / "vault.db"), "init", "--passphrase", "--clinic", "clinic.toml"]),
        "clinic.toml:1: the clinic file is not UTF-8",
    )
    clients = str(home / "clients.csv")
    bulk = ["bulk", "letters", clients, "--brokers", "equifax", "--clinic", "clinic.toml", "--out", "b"]
    _one_user_error(cli(bulk), "not UTF-8")
    _one_user_error(cli(["request", "lexisnexis", "--templates", "tpl", "--out", "l"]), "not UTF-8")


def test_a_folder_where_a_file_is_wanted(home: Path, cli: Runner) -> None:
    for args in (
        ["bulk", "status", "--csv", "adir"],
        ["bulk", "status", "--ics", "adir"],
        ["audit", "--html", "adir", "--answer", "booked_in_jail=no"],
        ["registry", "import", "--source", "vt", str(VT), "--into", "adir"],
    ):
        _one_user_error(cli(args), "adir is a folder")


def test_workers_out_of_range(home: Path, cli: Runner) -> None:
    _one_user_error(cli([*_bulk(home), "--out", "b", "--workers", "-5"]), "--workers must be between 1")
    _one_user_error(cli([*_bulk(home), "--out", "b", "--workers", "0"]), "--workers")
    assert not (home / "b").exists()


def test_inputs_that_are_not_regular_files_or_too_big(
    home: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 12, item 10: a FIFO as the spreadsheet waited forever; sizes are bounded."""
    from broker_audit.intake import read
    from broker_audit.registry.imports import table

    os.mkfifo(home / "fifo.csv")
    _one_user_error(
        cli(["bulk", "letters", "fifo.csv", "--brokers", "equifax", "--clinic", str(CLINIC)]),
        "not a regular file",
    )
    _one_user_error(cli(["registry", "import", "--source", "vt", "fifo.csv"]), "not a regular file")
    fresh = str(home / "v4" / "vault.db")
    _one_user_error(
        cli(["--vault", fresh, "init", "--passphrase", "--profile", "fifo.csv"]), "not a regular file"
    )
    monkeypatch.setattr(read, "MAX_SPREADSHEET_BYTES", 50)
    _one_user_error(cli([*_bulk(home), "--out", "b"]), "larger than 50 bytes, the limit for a spreadsheet")
    monkeypatch.setattr(table, "MAX_EXPORT_BYTES", 1000)
    _one_user_error(
        cli(["registry", "import", "--source", "vt", str(VT)]), "larger than 1,000 bytes, the limit"
    )


# Issue 22, "Messages": each was accepted silently, exited 0 or gave a hint naming no real option.


def test_reply_file_that_is_a_folder(home: Path, cli: Runner) -> None:
    assert cli(["request", "equifax", "--out", str(home / "l")])[0] == 0
    _one_user_error(cli(["reply", "1", "--file", str(home / "adir")]), "adir is a folder")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["audit", "--lang", "fr", "--json"], "--lang fr"),
        (["audit", "--answer", "booked_in_jail=maybe", "--json"], "'maybe' is not an answer"),
        (["bulk", "status", "--batch", "B-NOPE"], "no batch 'B-NOPE'"),
        (["bulk", "status", "--by", "nosuch"], "--by nosuch"),
        (["status", "--broker", "nosuch"], "--broker 'nosuch'"),
    ],
)
def test_choices_are_checked(home: Path, cli: Runner, args: list[str], expected: str) -> None:
    _one_user_error(cli(args), expected)


def test_a_missing_address_names_a_real_way_to_add_one(home: Path, cli: Runner) -> None:
    from broker_audit.errors import MissingProfileField

    hint = MissingProfileField("address", "a scan").hint
    assert "profile edit --from-file" in hint and "--address" not in hint
    code, out, _ = cli(["profile", "edit", "--help"])
    assert code == 0 and "--from-file" in out


def test_a_bad_birth_date_in_a_profile_says_how_to_write_it(home: Path, cli: Runner) -> None:
    profile = home / "p.toml"
    profile.write_text('name = "Ana Núñez"\nstate = "CO"\nbirth_date = "14/03/1987"\n', encoding="utf-8")
    result = cli(["profile", "edit", "--from-file", str(profile)])
    _one_user_error(result, "birth_date: not a date: write it as YYYY-MM-DD")
    assert "RFC3339" not in result[2]
