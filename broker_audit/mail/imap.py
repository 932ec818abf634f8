"""Reading the user's mailbox over IMAP with TLS (IMAPClient), read-only unless asked.

The folder is opened with EXAMINE and every fetch uses BODY.PEEK, so nothing on the server changes
(not even the \\Seen flag). Only `file_into`, when the user asks, opens it read-write to move the
messages that were matched. Headers are fetched for every message in the date range; whole messages
only for the candidates.

The server is not trusted to behave. Every byte comes through `_Guard`: a literal the server
announces (`{N}`) larger than the size it gave for that message (RFC822.SIZE) or than the
caller's limit is refused before it is read, a line is cut at 1 MB, every operation has a byte
budget, and every read has a deadline: the earlier of the operation's (`op_seconds`, a message or
a chunk of headers) and the session's (`run_seconds`). A server sending one byte every 20 seconds
meets the deadline, not a socket timeout that each byte resets. Any of these ends the session with
MailServerMisbehaved, naming the server and the bound; the caller keeps what it already read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from broker_audit.errors import (
    MailError,
    MailLoginFailed,
    MailServerMisbehaved,
    MailServerUnreachable,
    MailTLSFailed,
)
from broker_audit.i18n import _
from broker_audit.mail.tls import describe_tls_error, tls_context

TIMEOUT_SECONDS = 60.0  # one read that gets nothing at all
OP_SECONDS = 180.0  # one operation: reading one message, or the headers of a chunk
RUN_SECONDS = 20 * 60.0  # the whole session
MAX_LINE = 1024 * 1024  # one response line (imaplib's own limit)
MAX_HEADER_LITERAL = 64 * 1024 + 1024  # the headers fetched of one message (HEADER_BYTES asked)
CONTROL_BUDGET = 4 * 1024 * 1024  # bytes a command without literals may take (search, select)
HEADER_FIELDS = b"FROM SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE"
HEADER_BYTES = 64 * 1024  # of those headers, per message: a longer one is cut (and then refused)
# A partial fetch: the server sends at most HEADER_BYTES of them, however long they are.
_HEADER_ITEM = b"BODY.PEEK[HEADER.FIELDS (" + HEADER_FIELDS + b")]<0.%d>" % HEADER_BYTES
CHUNK = 100


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    cafile: Path | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Envelope:
    uid: int
    size: int
    arrived: dt.datetime  # the server's INTERNALDATE, UTC
    header: bytes


class _Stop(Exception):
    """A bound was met while reading from the server (see the module docstring)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class _Guard:
    """The bounds every read from the server is held to (one per session)."""

    def __init__(self, *, read_timeout: float, run_seconds: float, op_seconds: float) -> None:
        self.read_timeout = read_timeout
        self.run_deadline = time.monotonic() + run_seconds
        self.run_seconds = run_seconds
        self.op_seconds = op_seconds
        self.op_deadline = self.run_deadline
        self.max_literal = MAX_HEADER_LITERAL
        self.literal_why = ""
        self.budget = CONTROL_BUDGET
        self.op = "answer"

    def start(self, op: str, *, max_literal: int, literal_why: str, budget: int) -> None:
        self.op = op
        self.op_deadline = min(self.run_deadline, time.monotonic() + self.op_seconds)
        self.max_literal, self.literal_why, self.budget = max_literal, literal_why, budget

    def deadline_passed(self) -> _Stop | None:
        now = time.monotonic()
        if now >= self.run_deadline:
            return _Stop(
                _("took longer than the time limit for the whole run ({run_seconds:g} s)").format(
                    run_seconds=self.run_seconds
                )
            )
        if now >= self.op_deadline:
            return _Stop(
                _("took longer than {op_seconds:g} s to {op}").format(op_seconds=self.op_seconds, op=self.op)
            )
        return None

    def timeout(self) -> float:
        stop = self.deadline_passed()
        if stop is not None:
            raise stop
        return max(0.01, min(self.read_timeout, self.op_deadline - time.monotonic()))

    def spend(self, n: int) -> None:
        self.budget -= n
        if self.budget < 0:
            raise _Stop(_("sent more than this step allows while trying to {op}").format(op=self.op))


def _read_guarded(conn: Any, guard: _Guard, size: int) -> bytes:
    """`size` bytes from the connection's socket file, within the literal bound and the byte
    budget, each read held to the guard's time limits."""
    if size > guard.max_literal:
        raise _Stop(
            _("announced {size:,} bytes where {literal_why} ({max_literal:,} at most)").format(
                size=size, literal_why=guard.literal_why, max_literal=guard.max_literal
            )
        )
    guard.spend(size)
    chunks, got = [], 0
    while got < size:
        conn.sock.settimeout(guard.timeout())
        try:
            chunk = conn.file.read1(min(size - got, 1 << 16))
        except TimeoutError:
            raise guard.deadline_passed() or TimeoutError() from None
        if not chunk:
            raise conn.abort("socket error: EOF")  # i18n: not user-facing
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _readline_guarded(conn: Any, guard: _Guard) -> bytes:
    """One line from the connection's socket file, at most MAX_LINE bytes, within the byte
    budget, each read held to the guard's time limits."""
    parts, total = [], 0
    while True:
        conn.sock.settimeout(guard.timeout())
        try:
            peeked = conn.file.peek(1)
        except TimeoutError:
            raise guard.deadline_passed() or TimeoutError() from None
        if not peeked:
            break
        end = peeked.find(b"\n")
        n = end + 1 if end >= 0 else len(peeked)
        parts.append(conn.file.read(n))
        total += n
        guard.spend(n)
        if total > MAX_LINE:
            raise _Stop(_("sent a line longer than {MAX_LINE:,} bytes").format(MAX_LINE=MAX_LINE))
        if end >= 0:
            break
    return b"".join(parts)


def _bounded_imap_class() -> type:
    from imapclient import tls

    class BoundedIMAP4(tls.IMAP4_TLS):  # type: ignore[misc]  # imapclient has no type hints
        """imaplib's IMAP4 over TLS reading only through the session's `_Guard`."""

        def __init__(self, guard: _Guard, host: str, port: int, ssl_context: Any, timeout: float) -> None:
            self._guard = guard
            super().__init__(host, port, ssl_context, timeout)

        def read(self, size: int) -> bytes:
            return _read_guarded(self, self._guard, size)

        def readline(self) -> bytes:
            return _readline_guarded(self, self._guard)

    return BoundedIMAP4


def _bounded_client_class() -> type:
    from imapclient import IMAPClient

    imap_class = _bounded_imap_class()

    class BoundedIMAPClient(IMAPClient):  # type: ignore[misc]  # imapclient has no type hints
        def __init__(self, guard: _Guard, host: str, port: int, ssl_context: Any, timeout: float) -> None:
            self._guard = guard
            super().__init__(host, port=port, ssl=True, ssl_context=ssl_context, timeout=timeout)

        def _create_IMAP4(self) -> Any:
            connect_timeout = getattr(self._timeout, "connect", None)
            return imap_class(self._guard, self.host, self.port, self.ssl_context, connect_timeout)

    return BoundedIMAPClient


def _utc(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class ImapSession:
    """A logged-in IMAP connection. Use as a context manager."""

    def __init__(
        self,
        settings: ImapSettings,
        password: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        op_seconds: float = OP_SECONDS,
        run_seconds: float = RUN_SECONDS,
    ) -> None:
        self.settings = settings
        self._guard = _Guard(read_timeout=timeout, run_seconds=run_seconds, op_seconds=op_seconds)
        self._guard.start(
            _("greet and log in"), max_literal=64 * 1024, literal_why=_("a login"), budget=CONTROL_BUDGET
        )
        self._client = _connect(settings, password, timeout, self._guard)
        self.folder = ""
        self.broken = False

    def examine(self, folder: str) -> int:
        """Open `folder` read-only; the number of messages in it."""
        info = self._call(
            lambda c: c.select_folder(folder, readonly=True),
            _("open the folder {folder!r}").format(folder=folder),
            op=_("open a folder"),
        )
        self.folder = folder
        return int(info.get(b"EXISTS", 0))

    def search_since(self, since: dt.date, text: str | None = None) -> list[int]:
        criteria: list[Any] = ["SINCE", since]
        if text:
            criteria += ["TEXT", text]
        return sorted(
            self._call(lambda c: c.search(criteria), _("search the folder"), op=_("search the folder"))
        )

    def envelopes(self, uids: Sequence[int]) -> Iterator[Envelope]:
        """Size, arrival time and the matching headers of each message, a chunk at a time."""
        for start in range(0, len(uids), CHUNK):
            part = list(uids[start : start + CHUNK])
            got = self._call(
                lambda c, part=part: c.fetch(part, [_HEADER_ITEM, b"RFC822.SIZE", b"INTERNALDATE"]),
                _("read message headers"),
                op=_("send the headers of a chunk of messages"),
                max_literal=MAX_HEADER_LITERAL,
                literal_why=_("the headers of one message may take"),
                budget=CONTROL_BUDGET + len(part) * 64 * 1024,
            )
            for uid in part:
                data = got.get(uid)
                if not data:
                    continue
                header = next((v for k, v in data.items() if bytes(k).startswith(b"BODY[HEADER.FIELDS")), b"")
                yield Envelope(
                    uid=uid,
                    size=int(data.get(b"RFC822.SIZE", 0)),
                    arrived=_utc(data.get(b"INTERNALDATE")),
                    header=bytes(header or b""),
                )

    def message(self, uid: int, *, announced: int, limit: int) -> bytes:
        """The whole message, without marking it read: at most the `announced` size (its
        RFC822.SIZE) and at most `limit` bytes, or MailServerMisbehaved."""
        cap = min(announced, limit)
        why = (
            _("it had announced the message as {announced:,} bytes").format(announced=announced)
            if announced <= limit
            else _("the limit is {limit:,} bytes").format(limit=limit)
        )
        got = self._call(
            lambda c: c.fetch([uid], [b"BODY.PEEK[]"]),
            _("read a message"),
            op=_("send message {uid}").format(uid=uid),
            max_literal=cap,
            literal_why=why,
            budget=CONTROL_BUDGET + cap,
        )
        data = got.get(uid) or {}
        body = bytes(data.get(b"BODY[]", b""))
        if len(body) > cap:  # (never: the literal was checked; kept against a parser surprise)
            raise MailServerMisbehaved(
                _("the IMAP server {server} sent more than {why}").format(
                    server=self.settings.server, why=why
                )
            )
        return body

    def sent_folder(self) -> str | None:
        """The mailbox's Sent folder (by its \\Sent flag, else a usual name), or None."""
        from imapclient.imapclient import SENT

        found = self._call(
            lambda c: c.find_special_folder(SENT), _("list the folders"), op=_("list the folders")
        )
        return str(found) if found else None

    def holds_message_id(self, folder: str, message_id: str) -> bool:
        """Whether `folder` holds a message with this Message-ID (opened read-only)."""
        self.examine(folder)
        found = self._call(
            lambda c: c.search(["HEADER", "Message-ID", message_id]),
            _("search the folder"),
            op=_("search a folder"),
        )
        return bool(found)

    def file_into(self, uids: Sequence[int], folder: str) -> str:
        """Move the messages to `folder` (created if missing); "moved" or "copied"."""
        if not uids:
            return "moved"
        source = self.folder

        def run(c: Any) -> str:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            c.select_folder(source, readonly=False)
            try:
                if c.has_capability("MOVE"):
                    c.move(list(uids), folder)
                    return "moved"
                c.copy(list(uids), folder)
                return "copied"
            finally:
                c.select_folder(source, readonly=True)

        return str(
            self._call(run, _("file messages into {folder!r}").format(folder=folder), op=_("file messages"))
        )

    def _call(
        self,
        action: Any,
        what: str,
        *,
        op: str,
        max_literal: int = 64 * 1024,
        literal_why: str = _("a reply to this command may take"),
        budget: int = CONTROL_BUDGET,
    ) -> Any:
        from imapclient.exceptions import IMAPClientError

        if self.broken:
            raise MailServerMisbehaved(
                _("the connection to the IMAP server {server} was given up").format(
                    server=self.settings.server
                )
            )
        self._guard.start(op, max_literal=max_literal, literal_why=literal_why, budget=budget)
        try:
            return action(self._client)
        except _Stop as stop:
            self.broken = True
            raise MailServerMisbehaved(
                _("the IMAP server {server} {why}: stopped reading").format(
                    server=self.settings.server, why=stop.why
                ),
                _("what was read before is kept; if this happens again, tell your mail provider"),
            ) from None
        except (RecursionError, ValueError, IndexError, KeyError, TypeError) as exc:
            self.broken = True
            raise MailServerMisbehaved(
                _(
                    "the IMAP server {server} sent an answer that cannot be read ({name__}): stopped reading"
                ).format(server=self.settings.server, name__=type(exc).__name__),
                _("what was read before is kept; if this happens again, tell your mail provider"),
            ) from None
        except ssl.SSLError as exc:
            raise MailTLSFailed(
                _("TLS with the IMAP server {server} failed: {exc}").format(
                    server=self.settings.server, exc=describe_tls_error(exc)
                )
            ) from None
        except (TimeoutError, OSError) as exc:
            self.broken = True
            raise MailServerUnreachable(
                _("the IMAP server {server} stopped answering ({name__})").format(
                    server=self.settings.server, name__=type(exc).__name__
                ),
                _("what was read before is kept; run `broker-audit inbox` again later"),
            ) from None
        except IMAPClientError as exc:
            raise MailError(
                _("the IMAP server {server} refused to {what}: {exc}").format(
                    server=self.settings.server, what=what, exc=_short(exc)
                ),
                _("check the folder name (`--folder`)"),
            ) from None

    def close(self) -> None:
        if self.broken:
            _quiet_shutdown(self._client)
            return
        self._guard.op_seconds = min(self._guard.op_seconds, 10.0)
        self._guard.start(_("log out"), max_literal=64 * 1024, literal_why="a logout", budget=CONTROL_BUDGET)
        try:
            self._client.logout()
        except Exception:
            _quiet_shutdown(self._client)

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _short(exc: BaseException) -> str:
    text = str(exc)
    return " ".join(text.split())[:200] or type(exc).__name__


def _connect(settings: ImapSettings, password: str, timeout: float, guard: _Guard) -> Any:
    from imapclient.exceptions import IMAPClientError, LoginError

    where = settings.server
    try:
        client = _bounded_client_class()(
            guard, settings.host, settings.port, tls_context(settings.cafile), timeout
        )
    except _Stop as stop:
        raise MailServerMisbehaved(
            _("the IMAP server {where} {why}: gave up").format(where=where, why=stop.why)
        ) from None
    except ssl.SSLError as exc:
        raise MailTLSFailed(
            _("TLS with the IMAP server {where} failed: {exc}").format(
                where=where, exc=describe_tls_error(exc)
            ),
            _("check the host name; for a server with its own certificate authority pass --cafile FILE"),
        ) from None
    except TimeoutError:
        raise MailServerUnreachable(
            _("the IMAP server {where} did not answer within {timeout:g} s").format(
                where=where, timeout=timeout
            ),
            _("check the host and port"),
        ) from None
    except OSError as exc:
        raise MailServerUnreachable(
            _("cannot reach the IMAP server {where}: {value}").format(
                where=where, value=exc.strerror or type(exc).__name__
            ),
            _("check the host, the port and your connection, then try again"),
        ) from None
    except IMAPClientError as exc:
        raise MailServerUnreachable(
            _("the IMAP server {where} did not greet properly: {exc}").format(where=where, exc=_short(exc))
        ) from None
    try:
        client.login(settings.user, password)
    except _Stop as stop:
        _quiet_shutdown(client)
        raise MailServerMisbehaved(
            _("the IMAP server {where} {why}: gave up").format(where=where, why=stop.why)
        ) from None
    except LoginError:
        _quiet_shutdown(client)
        raise MailLoginFailed(
            _("the IMAP server {where} refused the user name or password").format(where=where),
            _("check them (many providers need an app password); `broker-audit mail setup` stores a new one"),
        ) from None
    except (IMAPClientError, OSError) as exc:
        _quiet_shutdown(client)
        raise MailServerUnreachable(
            _("the IMAP server {where} broke off the login ({name__})").format(
                where=where, name__=type(exc).__name__
            )
        ) from None
    return client


def _quiet_shutdown(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()
