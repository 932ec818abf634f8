"""The one safe-write helper: every file broker-audit writes goes through here, and every file a
user hands it is opened here.

Writing (letters in every format, batch PDFs and their chunks, CSV, ICS, HTML, labels, mailing
lists, imported registry data):

- :func:`atomic_file` (and :func:`write_bytes`, :func:`write_text`, :func:`atomic_text`) create a
  temporary ``.<name>.ba-<random>.part`` file in the target folder with ``O_CREAT|O_EXCL|O_NOFOLLOW``
  and mode 0600, let the caller write it, fsync it, rename it over the target and fsync the
  folder. A crash leaves the old file or the new one, never half of one.
- The target must not be a symbolic link (or a folder, or a device): a link planted where a letter
  goes is refused with a :class:`~broker_audit.errors.UserError`, never followed. The rename
  replaces the directory entry, so nothing is ever written through a link or into another file.
- Folders it creates are 0700 (:func:`ensure_folder`); folders that exist are left as they are.
- :func:`work_dir` gives a private 0700 ``.<name>.ba-<random>.chunks`` folder for temporary pieces
  (batch PDF chunks), removed when done; :func:`temp_file` creates a private file inside it.
- Leftovers: a live temporary holds an advisory lock (``flock``) while it is written; the first
  write into a folder in a process removes the unlocked ``.ba-*.part`` files and ``.ba-*.chunks``
  folders of this user there, i.e. those of a run that was killed (:func:`clean_leftovers`).
- Operating-system errors (permission denied, a file where a folder should be, a full disk)
  become one-line ``UserError`` s naming the path and what to do.

Reading (spreadsheets, registry exports, profiles, clinic files, templates):

- :func:`open_input` and :func:`read_input` accept regular files only (a FIFO would block forever,
  a device never end) and stop at a size limit named in the message; :func:`read_input_text`
  also insists on UTF-8 and says so when a file is not.
- :func:`read_own_file` is the strict one, for files whose path someone else may have changed
  (letters in a shared folder, a reply to keep, a template): the last component must not be a
  symbolic link, the file must be regular with no other hard link (a hard link reaches any file of
  its owner, `/etc/shadow` for root), and it must hold exactly the bytes its size says (a
  `/proc` file says 0 and then gives the process's environment). :func:`read_open_file` applies
  the same checks to a file opened otherwise (templates, component by component).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import io
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from broker_audit.errors import DataFileError, UserError
from broker_audit.i18n import N_, _

TEMP_TAG = ".ba-"
PART = ".part"
CHUNKS = ".chunks"
_LEFTOVER = re.compile(r"^\..*\.ba-[0-9a-f]{12}\.(part|chunks)$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})

_cleaned: set[tuple[int, int]] = set()
_deferred: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("files_deferred", default=None)


class UnsafeTarget(UserError):
    """The place a file should go is a symbolic link, a folder or a device: nothing is written."""


class InputRefused(DataFileError):
    """A file given to read is not a regular file, is too large, or is not text."""


# --------------------------------------------------------------------------- errors


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"


def write_error(exc: OSError, path: Path | str, what: str) -> UserError:
    """A one-line UserError for an OS error met while writing `what` at `path`."""
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return UserError(
            _("cannot write the {what} {path}: permission denied").format(what=_(what), path=path),
            _("choose a folder you can write to (e.g. with --out), or fix its permissions"),
        )
    if code == errno.ENOTDIR:
        return UserError(
            _("cannot write the {what} {path}: part of that path is a file, not a folder").format(
                what=_(what), path=path
            ),
            _("check the path; give a folder that exists or can be created"),
        )
    if code == errno.EISDIR:
        return UserError(
            _("{path} is a folder; give a file name for the {what}").format(path=path, what=_(what)),
            _("e.g. add /file-name"),
        )
    if code == errno.EROFS:
        return UserError(
            _("cannot write the {what} {path}: the disk is read-only").format(what=_(what), path=path),
            _("write somewhere else"),
        )
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return UserError(
            _("cannot write the {what} {path}: the disk is full").format(what=_(what), path=path),
            _("free some space and run again"),
        )
    if code == errno.ELOOP:
        return UnsafeTarget(
            _("refusing to write the {what} {path}: it is a symbolic link").format(what=_(what), path=path),
            _("remove the link (someone may have planted it) or choose another name"),
        )
    if code == errno.ENAMETOOLONG:
        return UserError(
            _("cannot write the {what} {path}: the name is too long").format(what=_(what), path=path),
            _("use a shorter path"),
        )
    reason = exc.strerror or type(exc).__name__
    return UserError(
        _("cannot write the {what} {path}: {reason}").format(what=_(what), path=path, reason=reason),
        _("check the path and the disk"),
    )


def read_error(exc: OSError, path: Path | str, what: str) -> UserError:
    """A one-line UserError for an OS error met while opening `what` at `path`."""
    code = exc.errno
    if code == errno.ENOENT:
        return InputRefused(
            _("{path}: no such file").format(path=path),
            _("check the path of the {what}").format(what=_(what)),
        )
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return InputRefused(
            _("cannot read the {what} {path}: permission denied").format(what=_(what), path=path),
            _("check its permissions"),
        )
    if code == errno.ENOTDIR:
        return InputRefused(
            _("cannot read the {what} {path}: part of that path is a file, not a folder").format(
                what=_(what), path=path
            )
        )
    if code == errno.EISDIR:
        return InputRefused(
            _("{path} is a folder, not a {what}").format(path=path, what=_(what)), _("give the file itself")
        )
    if code in (errno.ENXIO, errno.ENODEV, errno.EOPNOTSUPP):
        return InputRefused(
            _("{path} is not a regular file").format(path=path),
            _("save the {what} as a file and give that").format(what=_(what)),
        )
    reason = exc.strerror or type(exc).__name__
    return InputRefused(
        _("cannot read the {what} {path}: {reason}").format(what=_(what), path=path, reason=reason)
    )


# --------------------------------------------------------------------------- folders


def ensure_folder(folder: Path, *, what: str = N_("output folder"), own: bool = False) -> Path:
    """Make `folder` (and missing parents) with mode 0700; an existing folder is left as it is.

    An existing file where a folder should be, or a path through a file, is a UserError. With
    `own` (a folder the tool names inside one the user gave, e.g. a packet's `replies/`), a
    symbolic link where it should be is refused, never followed.
    """
    folder = Path(folder)
    if own:
        _refuse_link(folder, what)
    try:
        for path in reversed(_missing_folders(folder, what)):
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                if not path.is_dir():
                    raise UserError(
                        _("the {what} {folder} cannot be created: {path} exists and is not a folder").format(
                            what=_(what), folder=folder, path=path
                        ),
                        _("remove it (a broken link?) or choose another folder"),
                    ) from None
                continue
            os.chmod(path, 0o700)
    except OSError as exc:
        raise write_error(exc, folder, what) from None
    return folder


def _refuse_link(folder: Path, what: str) -> None:
    try:
        if stat.S_ISLNK(os.lstat(folder).st_mode):
            raise UnsafeTarget(
                _("refusing to write into the {what} {folder}: it is a symbolic link").format(
                    what=_(what), folder=folder
                ),
                _("remove the link (someone may have planted it) or choose another folder"),
            )
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise write_error(exc, folder, what) from None


def _missing_folders(folder: Path, what: str) -> list[Path]:
    """The folders on the way to `folder` that do not exist yet, from `folder` up; a UserError if
    the nearest existing one is a file. (A folder the user reaches through a link is the user's
    choice: links are followed here.)"""
    missing: list[Path] = []
    probe = folder
    while True:
        try:
            st = os.stat(probe)
        except FileNotFoundError:
            missing.append(probe)
            if probe.parent == probe:
                return missing
            probe = probe.parent
            continue
        if stat.S_ISDIR(st.st_mode):
            return missing
        if probe == folder:
            raise UserError(
                _("the {what} {folder} exists and is not a folder").format(what=_(what), folder=folder),
                _("give a folder name (a new one is created), not a file"),
            )
        raise UserError(
            _("cannot create the {what} {folder}: {probe} is a file, not a folder").format(
                what=_(what), folder=folder, probe=probe
            ),
            _("give a folder path that does not run through a file"),
        )


def _open_dir(folder: Path, what: str) -> int:
    try:
        return os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as exc:
        raise write_error(exc, folder, what) from None


# --------------------------------------------------------------------------- locks and leftovers


def _try_lock(fd: int, *, without_locks: bool) -> bool:
    """Take the advisory lock on fd without waiting; `without_locks` where there are none."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): never clean, always create
        return without_locks
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def clean_leftovers(folder: Path) -> int:
    """Remove this user's temporaries left in `folder` by a killed run; returns how many.

    Only names this module makes (``.<name>.ba-<12 hex>.part`` files, ``....chunks`` folders) are
    touched, only when they belong to this user, and only when no live run holds their lock.
    """
    try:
        dfd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError:
        return 0
    try:
        return _clean(dfd)
    finally:
        os.close(dfd)


def _clean(dfd: int) -> int:
    removed = 0
    try:
        names = [e.name for e in os.scandir(dfd) if _LEFTOVER.match(e.name)]
    except OSError:
        return 0
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for name in names:
        is_dir = name.endswith(CHUNKS)
        flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK | (_DIRECTORY if is_dir else 0)
        try:
            fd = os.open(name, flags, dir_fd=dfd)
        except OSError:
            continue  # a link, gone, or not ours to open: leave it
        try:
            st = os.fstat(fd)
            right_kind = stat.S_ISDIR(st.st_mode) if is_dir else stat.S_ISREG(st.st_mode)
            if (
                not right_kind
                or (uid is not None and st.st_uid != uid)
                or not _try_lock(fd, without_locks=False)
            ):
                continue
            with contextlib.suppress(OSError):
                if is_dir:
                    shutil.rmtree(name, dir_fd=dfd)
                else:
                    os.unlink(name, dir_fd=dfd)
                removed += 1
        finally:
            os.close(fd)
    return removed


def _clean_once(dfd: int) -> None:
    try:
        st = os.fstat(dfd)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key not in _cleaned:
        _cleaned.add(key)
        _clean(dfd)


def _temp_name(target: str, suffix: str) -> str:
    return f".{target[:100]}{TEMP_TAG}{secrets.token_hex(6)}{suffix}"


def _create_locked(dfd: int, target: str, suffix: str, make: str) -> tuple[str, int]:
    """Create a fresh temporary (file or folder) beside target, locked against cleaning."""
    for _attempt in range(16):
        name = _temp_name(target, suffix)
        if make == "dir":
            try:
                os.mkdir(name, 0o700, dir_fd=dfd)
            except FileExistsError:
                continue
            fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=dfd)
        else:
            try:
                fd = os.open(
                    name, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=dfd
                )
            except FileExistsError:
                continue
        # A cleaner that opened the name before our lock may have removed it: then start again.
        if _try_lock(fd, without_locks=True) and os.fstat(fd).st_nlink > 0:
            os.fchmod(fd, 0o700 if make == "dir" else 0o600)
            return name, fd
        os.close(fd)
    raise OSError(errno.EEXIST, _("could not create a temporary file"))


# --------------------------------------------------------------------------- writing


def _sync_folder(dfd: int, folder: Path) -> None:
    """fsync a folder after a rename into it, or note it for the end of a deferred block."""
    pending = _deferred.get()
    if pending is None:
        os.fsync(dfd)
    else:
        pending.add(os.path.abspath(folder))


@contextlib.contextmanager
def deferred_folder_sync() -> Iterator[None]:
    """Within the block, each folder written into is fsynced once, at the end, instead of after
    every file: for a batch writing thousands of files into one folder (each file's own data is
    still fsynced before it is renamed into place)."""
    if _deferred.get() is not None:  # nested: the outer block syncs
        yield
        return
    pending: set[str] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        for folder in sorted(pending):
            with contextlib.suppress(OSError):
                fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)


def _check_target(dfd: int, name: str, path: Path, what: str) -> None:
    try:
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeTarget(
            _("refusing to write the {what} {path}: it is a symbolic link").format(what=_(what), path=path),
            _("remove the link (someone may have planted it) or choose another name"),
        )
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeTarget(
            _("{path} is a folder; give a file name for the {what}").format(path=path, what=_(what)),
            _("e.g. add /file-name"),
        )
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeTarget(
            _("refusing to write the {what} {path}: it is not a regular file").format(
                what=_(what), path=path
            ),
            _("choose another name"),
        )


def check_target(path: Path, *, what: str = N_("file")) -> None:
    """Refuse early (before any work) a link, folder or device where `path` is to be written."""
    path = Path(path)
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise write_error(exc, path, what) from None
    if not stat.S_ISREG(st.st_mode):
        dfd = _open_dir(path.parent, _("folder for the {what}").format(what=_(what)))
        try:
            _check_target(dfd, path.name, path, what)
        finally:
            os.close(dfd)


@contextlib.contextmanager
def atomic_file(path: Path, *, what: str = N_("file")) -> Iterator[BinaryIO]:
    """Yield a binary file that becomes `path` (mode 0600) when the block ends without error.

    The folder is created (0700) if missing. On an error or an interrupt the temporary file is
    removed and an earlier file at `path` is left untouched.
    """
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise UserError(
            _("{path} is not a file name for the {what}").format(path=path, what=_(what)),
            _("give a file name"),
        )
    folder = path.parent
    ensure_folder(folder, what=_("folder for the {what}").format(what=_(what)))
    dfd = _open_dir(folder, _("folder for the {what}").format(what=_(what)))
    try:
        _clean_once(dfd)
        _check_target(dfd, path.name, path, what)
        try:
            tmp, fd = _create_locked(dfd, path.name, PART, "file")
        except OSError as exc:
            raise write_error(exc, path, what) from None
        out = os.fdopen(fd, "wb")
        try:
            try:
                yield out
            except OSError as exc:
                if exc.errno in _WRITE_ERRNOS:
                    raise write_error(exc, path, what) from None
                raise
            try:
                out.flush()
                os.fsync(out.fileno())
                _check_target(dfd, path.name, path, what)
                os.rename(tmp, path.name, src_dir_fd=dfd, dst_dir_fd=dfd)
                _sync_folder(dfd, folder)
            except OSError as exc:
                raise write_error(exc, path, what) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            raise
        finally:
            with contextlib.suppress(OSError):
                out.close()
    finally:
        os.close(dfd)


@contextlib.contextmanager
def atomic_text(
    path: Path, *, what: str = N_("file"), encoding: str = "utf-8", newline: str | None = None
) -> Iterator[TextIO]:
    """:func:`atomic_file` as a text file (for csv.writer and friends)."""
    with atomic_file(path, what=what) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline=newline, write_through=False)
        yield text
        text.flush()
        text.detach()


def write_bytes(path: Path, data: bytes, *, what: str = N_("file")) -> Path:
    """Write `data` to `path` safely (see :func:`atomic_file`); returns `path`."""
    with atomic_file(path, what=what) as out:
        out.write(data)
    return Path(path)


def write_text(path: Path, text: str, *, what: str = N_("file"), encoding: str = "utf-8") -> Path:
    """Write `text` to `path` safely (see :func:`atomic_file`); returns `path`."""
    return write_bytes(path, text.encode(encoding), what=what)


@contextlib.contextmanager
def work_dir(folder: Path, name: str, *, what: str = N_("temporary files")) -> Iterator[Path]:
    """A private (0700) temporary folder ``.<name>.ba-<random>.chunks`` inside `folder`,
    removed with everything in it when the block ends (and by the next run if this one is killed).
    """
    folder = Path(folder)
    ensure_folder(folder, what=_("folder for the {what}").format(what=_(what)))
    dfd = _open_dir(folder, _("folder for the {what}").format(what=_(what)))
    try:
        _clean_once(dfd)
        try:
            tmp, fd = _create_locked(dfd, name, CHUNKS, "dir")
        except OSError as exc:
            raise write_error(exc, folder, _("folder for the {what}").format(what=_(what))) from None
        try:
            yield folder / tmp
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(tmp, dir_fd=dfd)
            os.close(fd)
    finally:
        os.close(dfd)


def temp_file(folder: Path | str, suffix: str = "") -> tuple[int, str]:
    """A new private file (0600, never through a link) in a :func:`work_dir`: (fd, path)."""
    for _attempt in range(16):
        path = os.path.join(folder, f"{secrets.token_hex(8)}{suffix}")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
        except FileExistsError:
            continue
        return fd, path
    raise OSError(errno.EEXIST, _("could not create a temporary file"))


def new_file(path: Path | str) -> int:
    """Create `path` as a new private file (0600) for writing; refuses an existing name or link."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)


def move_into_place(source: Path, target: Path, *, what: str = N_("file")) -> None:
    """Rename `source` (a finished private file in the same file system) over `target`.

    Refuses a link, folder or device at `target`; fsyncs target's folder.
    """
    target = Path(target)
    dfd = _open_dir(target.parent, _("folder for the {what}").format(what=_(what)))
    try:
        _check_target(dfd, target.name, target, what)
        try:
            os.rename(source, target.name, dst_dir_fd=dfd)
            _sync_folder(dfd, target.parent)
        except OSError as exc:
            raise write_error(exc, target, what) from None
    finally:
        os.close(dfd)


# --------------------------------------------------------------------------- reading


class _Limited(io.FileIO):
    """A raw file that refuses to read past `limit` bytes (a file growing while it is read)."""

    def __init__(self, fd: int, limit: int, path: Path | str, what: str, hint: str | None) -> None:
        super().__init__(fd, "rb", closefd=True)
        self._left = limit
        self._limit = limit
        self._where = (path, what, hint)

    def _count(self, n: int) -> None:
        self._left -= n
        if self._left < 0:
            path, what, hint = self._where
            raise _too_large(path, what, self._limit, hint)

    def readinto(self, buffer: Any) -> int | None:
        n = super().readinto(buffer)
        if n:
            self._count(n)
        return n

    def readall(self) -> bytes:
        chunks = []
        while chunk := super().read(1024 * 1024):
            self._count(len(chunk))
            chunks.append(chunk)
        return b"".join(chunks)


def _too_large(path: Path | str, what: str, limit: int, hint: str | None) -> InputRefused:
    return InputRefused(
        _("{path} is larger than {limit}, the limit for a {what}").format(
            path=path, limit=_mb(limit), what=_(what)
        ),
        hint or _("is this the right file?"),
    )


def open_input(path: Path | str, *, what: str, limit: int, hint: str | None = None) -> BinaryIO:
    """Open a file a user gave for reading: a regular file of at most `limit` bytes.

    A FIFO, socket or device is refused at once (it would block or never end), a folder too;
    reads past `limit` raise :class:`InputRefused` (the file grew while being read).
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC)
    except OSError as exc:
        raise read_error(exc, path, what) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputRefused(
                _("{path} is a folder, not a {what}").format(path=path, what=_(what)),
                _("give the file itself"),
            )
        if not stat.S_ISREG(st.st_mode):
            raise InputRefused(
                _("{path} is not a regular file (a pipe, socket or device)").format(path=path),
                _("save the {what} as a file and give that").format(what=_(what)),
            )
        if st.st_size > limit:
            raise _too_large(path, what, limit, hint)
        os.set_blocking(fd, True)
        raw = _Limited(fd, limit, path, what, hint)
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(raw, buffer_size=1024 * 1024)


def read_input(path: Path | str, *, what: str, limit: int, hint: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see :func:`open_input`);
    `hint` says what to do when it is larger."""
    with open_input(path, what=what, limit=limit, hint=hint) as stream:
        try:
            return stream.read()
        except OSError as exc:
            raise read_error(exc, path, what) from None


def read_input_text(path: Path | str, *, what: str, limit: int) -> str:
    """A UTF-8 text file (a BOM is allowed) of at most `limit` bytes, as text."""
    data = read_input(path, what=what, limit=limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputRefused(
            _("{path}:{line}: the {what} is not UTF-8 text").format(path=path, line=line, what=_(what)),
            _("save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)"),
        ) from None


class ReadRefused(InputRefused):
    """A file that must be read as it is was a link, a hard link, not a regular file, too large,
    or not what its size says; `kind` says which."""

    def __init__(self, kind: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind  # "link", "hard-link", "not-regular", "too-large", "not-its-size"


def read_open_file(fd: int, path: Path | str, *, what: str, limit: int, hint: str | None = None) -> bytes:
    """The bytes of the open file `fd` (closed here), checked as :func:`read_own_file` says."""
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReadRefused(
                "not-regular",
                _("{path} is a folder, not a {what}").format(path=path, what=_(what)),
                _("give the file itself"),
            )
        if not stat.S_ISREG(st.st_mode):
            raise ReadRefused(
                "not-regular",
                _(
                    "refusing to read the {what} {path}: it is not a regular file (a pipe, socket or device)"
                ).format(what=_(what), path=path),
                _("save the {what} as a file and give that").format(what=_(what)),
            )
        if st.st_nlink > 1:
            raise ReadRefused(
                "hard-link",
                _(
                    "refusing to read the {what} {path}: it has {st_nlink} names (hard links), so "
                    "it may be another file than the one meant"
                ).format(what=_(what), path=path, st_nlink=st.st_nlink),
                _("copy the file (a copy has one name) and give the copy"),
            )
        if st.st_size > limit:
            too_large = _too_large(path, what, limit, hint)
            raise ReadRefused("too-large", too_large.message, too_large.hint)
        os.set_blocking(fd, True)
        chunks, left = [], st.st_size + 1  # one byte more than promised: is it really the end?
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise read_error(exc, path, what) from None
    finally:
        os.close(fd)
    if len(data) != st.st_size:
        raise ReadRefused(
            "not-its-size",
            _(
                "refusing to read the {what} {path}: it does not hold what its size says (a "
                "system file, or one that changed while it was read)"
            ).format(what=_(what), path=path),
            _("save the {what} as an ordinary file and give that").format(what=_(what)),
        )
    return data


def read_own_file(path: Path | str, *, what: str, limit: int, hint: str | None = None) -> bytes:
    """The bytes of a regular file at `path` whose last component is not a symbolic link, with no
    other hard link, of at most `limit` bytes and exactly its size (see the module docstring)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _NOCTTY | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadRefused(
                "link",
                _("refusing to read the {what} {path}: it is a symbolic link").format(
                    what=_(what), path=path
                ),
                _("give the {what} itself, not a link to it (someone may have planted the link)").format(
                    what=_(what)
                ),
            ) from None
        raise read_error(exc, path, what) from None
    return read_open_file(fd, path, what=what, limit=limit, hint=hint)
