"""Reading the user's mailbox over IMAP with TLS (IMAPClient), read-only unless asked.

The folder is opened with EXAMINE and every fetch uses BODY.PEEK, so nothing on the server changes
(not even the \\Seen flag). Only `file_into`, when the user asks, opens it read-write to move the
messages that were matched. Headers are fetched for every message in the date range; whole messages
only for the candidates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from broker_audit.errors import MailError, MailLoginFailed, MailServerUnreachable, MailTLSFailed
from broker_audit.mail.tls import describe_tls_error, tls_context

TIMEOUT_SECONDS = 60.0
HEADER_FIELDS = b"FROM SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE"
_HEADER_ITEM = b"BODY.PEEK[HEADER.FIELDS (" + HEADER_FIELDS + b")]"
_HEADER_KEY = b"BODY[HEADER.FIELDS (" + HEADER_FIELDS + b")]"
CHUNK = 500


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


def _utc(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class ImapSession:
    """A logged-in IMAP connection. Use as a context manager."""

    def __init__(self, settings: ImapSettings, password: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self._client = _connect(settings, password, timeout)
        self.folder = ""

    def examine(self, folder: str) -> int:
        """Open `folder` read-only; the number of messages in it."""
        info = self._call(lambda c: c.select_folder(folder, readonly=True), f"open the folder {folder!r}")
        self.folder = folder
        return int(info.get(b"EXISTS", 0))

    def search_since(self, since: dt.date, text: str | None = None) -> list[int]:
        criteria: list[Any] = ["SINCE", since]
        if text:
            criteria += ["TEXT", text]
        return sorted(self._call(lambda c: c.search(criteria), "search the folder"))

    def envelopes(self, uids: Sequence[int]) -> Iterator[Envelope]:
        """Size, arrival time and the matching headers of each message, a chunk at a time."""
        for start in range(0, len(uids), CHUNK):
            part = list(uids[start : start + CHUNK])
            got = self._call(
                lambda c, part=part: c.fetch(part, [_HEADER_ITEM, b"RFC822.SIZE", b"INTERNALDATE"]),
                "read message headers",
            )
            for uid in part:
                data = got.get(uid)
                if not data:
                    continue
                yield Envelope(
                    uid=uid,
                    size=int(data.get(b"RFC822.SIZE", 0)),
                    arrived=_utc(data.get(b"INTERNALDATE")),
                    header=bytes(data.get(_HEADER_KEY, b"")),
                )

    def message(self, uid: int) -> bytes:
        """The whole message, without marking it read."""
        got = self._call(lambda c: c.fetch([uid], [b"BODY.PEEK[]"]), "read a message")
        data = got.get(uid) or {}
        return bytes(data.get(b"BODY[]", b""))

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

        return str(self._call(run, f"file messages into {folder!r}"))

    def _call(self, action: Any, what: str) -> Any:
        from imapclient.exceptions import IMAPClientError

        try:
            return action(self._client)
        except ssl.SSLError as exc:
            raise MailTLSFailed(
                f"TLS with the IMAP server {self.settings.server} failed: {describe_tls_error(exc)}"
            ) from None
        except (TimeoutError, OSError) as exc:
            raise MailServerUnreachable(
                f"the IMAP server {self.settings.server} stopped answering ({type(exc).__name__})",
                "nothing was changed; run `broker-audit inbox` again later",
            ) from None
        except IMAPClientError as exc:
            raise MailError(
                f"the IMAP server {self.settings.server} refused to {what}: {_short(exc)}",
                "check the folder name (`--folder`)",
            ) from None

    def close(self) -> None:
        try:
            self._client.logout()
        except Exception:
            with contextlib.suppress(Exception):
                self._client.shutdown()

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _short(exc: BaseException) -> str:
    text = str(exc)
    return " ".join(text.split())[:200] or type(exc).__name__


def _connect(settings: ImapSettings, password: str, timeout: float) -> Any:
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    where = settings.server
    try:
        client = IMAPClient(
            settings.host,
            port=settings.port,
            ssl=True,
            ssl_context=tls_context(settings.cafile),
            timeout=timeout,
        )
    except ssl.SSLError as exc:
        raise MailTLSFailed(
            f"TLS with the IMAP server {where} failed: {describe_tls_error(exc)}",
            "check the host name; for a server with its own certificate authority pass --cafile FILE",
        ) from None
    except TimeoutError:
        raise MailServerUnreachable(
            f"the IMAP server {where} did not answer within {timeout:g} s", "check the host and port"
        ) from None
    except OSError as exc:
        raise MailServerUnreachable(
            f"cannot reach the IMAP server {where}: {exc.strerror or type(exc).__name__}",
            "check the host, the port and your connection, then try again",
        ) from None
    except IMAPClientError as exc:
        raise MailServerUnreachable(
            f"the IMAP server {where} did not greet properly: {_short(exc)}"
        ) from None
    try:
        client.login(settings.user, password)
    except LoginError:
        _quiet_shutdown(client)
        raise MailLoginFailed(
            f"the IMAP server {where} refused the user name or password",
            "check them (many providers need an app password); `broker-audit mail setup` stores a new one",
        ) from None
    except (IMAPClientError, OSError) as exc:
        _quiet_shutdown(client)
        raise MailServerUnreachable(
            f"the IMAP server {where} broke off the login ({type(exc).__name__})"
        ) from None
    return client


def _quiet_shutdown(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()
