"""The one safe-write helper: private modes, no write through a link, atomic, leftovers cleaned,
and inputs that are regular files of a bounded size."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from broker_audit import files
from broker_audit.errors import UserError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture(autouse=True)
def fresh_clean_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_cleaned", set())


def test_new_file_and_new_folders_are_private_whatever_the_umask(tmp_path: Path, loose_umask: None) -> None:
    target = tmp_path / "a" / "b" / "letter.txt"
    files.write_text(target, "Dear Privacy Team", what="letter")
    assert target.read_text() == "Dear Privacy Team"
    assert _mode(target) == 0o600
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["letter.txt"]


def test_replacing_a_loose_file_makes_it_private(tmp_path: Path) -> None:
    target = tmp_path / "status.csv"
    target.write_text("old")
    target.chmod(0o644)
    files.write_text(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o600


def test_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    files.write_bytes(folder / "x.pdf", b"%PDF")
    assert _mode(folder) == 0o755


def test_a_planted_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "letter.txt").symlink_to(victim)
    with pytest.raises(files.UnsafeTarget, match="symbolic link"):
        files.write_text(out / "letter.txt", "overwrite?", what="letter")
    assert victim.read_text() == "precious"
    assert (out / "letter.txt").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == ["letter.txt"]  # no temporary left


def test_a_dangling_symlink_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "due.ics").symlink_to(tmp_path / "elsewhere.ics")
    with pytest.raises(files.UnsafeTarget):
        files.write_bytes(tmp_path / "due.ics", b"BEGIN:VCALENDAR")
    assert not (tmp_path / "elsewhere.ics").exists()


def test_a_folder_as_the_target_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "report.html").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        files.write_text(tmp_path / "report.html", "<html>", what="HTML report")


def test_an_error_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out" / "batch.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), files.atomic_file(target) as out:
        out.write(b"half")
        raise Boom
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["batch.pdf"]


def test_folder_that_is_a_file_and_path_through_a_file_are_user_errors(tmp_path: Path) -> None:
    (tmp_path / "letters").write_text("a file")
    with pytest.raises(UserError, match="exists and is not a folder"):
        files.ensure_folder(tmp_path / "letters")
    with pytest.raises(UserError, match="is a file, not a folder"):
        files.write_text(tmp_path / "letters" / "sub" / "x.txt", "x")


def _leftover(folder: Path, name: str, *, chunks: bool = False) -> Path:
    path = folder / f".{name}.ba-0123456789ab{'.chunks' if chunks else '.part'}"
    if chunks:
        path.mkdir()
        (path / "chunk-1.pdf").write_bytes(b"client letters")
    else:
        path.write_bytes(b"client letters")
    return path


def test_leftovers_of_a_killed_run_are_removed_by_the_next_write_there(tmp_path: Path) -> None:
    part = _leftover(tmp_path, "letter.txt")
    chunks = _leftover(tmp_path, "B-1.pdf", chunks=True)
    mine = tmp_path / ".notes.part"  # not a name the helper makes: left alone
    mine.write_text("keep")
    files.write_text(tmp_path / "new.txt", "x")
    assert not part.exists() and not chunks.exists()
    assert mine.exists()


def test_a_live_temporary_of_another_run_is_not_removed(tmp_path: Path) -> None:
    part = _leftover(tmp_path, "letter.txt")
    with open(part, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        files.write_text(tmp_path / "new.txt", "x")
        assert part.exists()
    files.clean_leftovers(tmp_path)
    assert not part.exists()


def test_leftover_that_is_a_link_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep").write_text("x")
    (tmp_path / ".x.ba-0123456789ab.chunks").symlink_to(victim)
    files.clean_leftovers(tmp_path)
    assert (victim / "keep").exists()


def test_work_dir_is_private_and_gone_afterwards(tmp_path: Path, loose_umask: None) -> None:
    tmp_path = tmp_path / "out"
    with files.work_dir(tmp_path, "batch.pdf") as work:
        assert _mode(work) == 0o700
        fd, name = files.temp_file(work, ".pdf")
        os.close(fd)
        assert _mode(Path(name)) == 0o600
        files.clean_leftovers(tmp_path)  # a second run at the same time leaves it alone
        assert work.exists()
    assert list(tmp_path.iterdir()) == []


def test_move_into_place_refuses_a_link(tmp_path: Path) -> None:
    source = tmp_path / "staged.pdf"
    source.write_bytes(b"%PDF")
    (tmp_path / "final.pdf").symlink_to(tmp_path / "victim.pdf")
    with pytest.raises(files.UnsafeTarget):
        files.move_into_place(source, tmp_path / "final.pdf")
    assert not (tmp_path / "victim.pdf").exists()


# --------------------------------------------------------------------------- inputs


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "clients.csv"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def read() -> None:
        try:
            files.read_input(fifo, what="spreadsheet", limit=1000)
        except BaseException as exc:
            result.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert isinstance(result[0], files.InputRefused)
    assert "not a regular file" in str(result[0])


def test_a_folder_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(files.InputRefused, match="is a folder"):
        files.read_input(tmp_path, what="spreadsheet", limit=10)
    with pytest.raises(files.InputRefused, match="no such file"):
        files.read_input(tmp_path / "nope.csv", what="spreadsheet", limit=10)


def test_a_file_over_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 3 * 1024 * 1024)
    with pytest.raises(files.InputRefused, match="larger than 2 MB"):
        files.read_input(big, what="spreadsheet", limit=2 * 1024 * 1024)
    assert files.read_input(big, what="spreadsheet", limit=3 * 1024 * 1024)


def test_reads_stop_at_the_limit_when_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a,b\n" * 10)
    with files.open_input(path, what="spreadsheet", limit=100) as stream:
        with open(path, "ab") as more:
            more.write(b"c,d\n" * 100)
        with pytest.raises(files.InputRefused, match="larger than 100 bytes"):
            for _ in stream:
                pass


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "me.toml"
    path.write_bytes(b'name = "Ana"\ncity = "Bogot\xe1"\n')
    with pytest.raises(files.InputRefused, match=r"me.toml:2: the profile is not UTF-8"):
        files.read_input_text(path, what="profile", limit=1000)


def test_a_deferred_block_syncs_each_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of batch files: each file's data is fsynced, its folder once at the end."""
    calls: list[bool] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    with files.deferred_folder_sync():
        for n in range(5):
            files.write_text(tmp_path / "out" / f"{n}.eml", "x")
        assert calls == [False] * 5
    assert calls == [False] * 5 + [True]
    calls.clear()
    files.write_text(tmp_path / "out" / "one.txt", "x")
    assert calls == [False, True]


def test_read_own_file_refuses_links_hard_links_special_and_lying_files(tmp_path: Path) -> None:
    import os

    from broker_audit.files import ReadRefused, read_own_file

    real = tmp_path / "real.txt"
    real.write_bytes(b"hello")
    assert read_own_file(real, what="reply file", limit=100) == b"hello"
    link = tmp_path / "link.txt"
    link.symlink_to("/proc/self/environ")
    with pytest.raises(ReadRefused, match="it is a symbolic link") as info:
        read_own_file(link, what="reply file", limit=100)
    assert info.value.kind == "link"
    os.link(real, tmp_path / "second-name.txt")
    with pytest.raises(ReadRefused, match=r"it has 2 names \(hard links\)"):
        read_own_file(real, what="reply file", limit=100)
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_own_file(fifo, what="reply file", limit=100)
    # /proc says 0 bytes, then gives the process's environment: refused, nothing returned
    with pytest.raises(ReadRefused, match="does not hold what its size says") as info:
        read_own_file("/proc/self/environ", what="reply file", limit=10_000_000)
    assert info.value.kind == "not-its-size"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(ReadRefused, match="larger than 100 bytes"):
        read_own_file(big, what="reply file", limit=100)
