"""Sending through the user's own mailbox: SMTP with implicit TLS or STARTTLS, never in the clear.

The certificate and host name are checked (`tls.tls_context`). The EHLO name is an address literal,
not this computer's name (which can identify a person). Each message goes MAIL / RCPT / DATA so
that the server's own acceptance (its reply to DATA) is kept as the proof of sending.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from broker_audit.errors import MailLoginFailed, MailServerUnreachable, MailTLSFailed
from broker_audit.i18n import _
from broker_audit.mail.tls import describe_tls_error, tls_context

EHLO_NAME = "[127.0.0.1]"
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Literal["starttls", "tls"]
    user: str
    cafile: Path | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Accepted:
    """The server took the message: its reply to DATA."""

    code: int
    text: str
    server: str


class Refused(Exception):
    """The server refused this one message (sender, a recipient, or the data)."""

    def __init__(self, stage: str, code: int, text: str) -> None:
        super().__init__(f"{stage}: {code} {text}")
        self.stage, self.code, self.text = stage, code, text

    @property
    def reason(self) -> str:
        return (
            _("the server refused the {stage}: {code} {text}")
            .format(stage=self.stage, code=self.code, text=self.text)
            .strip()
        )


class MaybeSent(Exception):
    """The connection broke after the message was handed over, before the server's answer."""


def _text(reply: bytes | str) -> str:
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(raw.split())[:500]


class SmtpSession:
    """One logged-in connection to the submission server. Use as a context manager."""

    def __init__(self, settings: SmtpSettings, password: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self._conn = _connect(settings, password, timeout)

    def send(self, from_addr: str, to_addrs: list[str], data: bytes) -> Accepted:
        """Hand one message over; Refused if the server says no, MailServerUnreachable if the
        connection is gone before DATA, MaybeSent if it breaks during DATA."""
        conn = self._conn
        try:
            code, reply = conn.mail(from_addr)
            if code != 250:
                self._reset()
                raise Refused("sender", code, _text(reply))
            for rcpt in to_addrs:
                code, reply = conn.rcpt(rcpt)
                if code not in (250, 251):
                    self._reset()
                    raise Refused("recipient", code, _text(reply))
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise MailServerUnreachable(
                _("the SMTP server {server} closed the connection ({name__})").format(
                    server=self.settings.server, name__=type(exc).__name__
                ),
                _("nothing more was sent; run `broker-audit send` again later"),
            ) from None
        try:
            code, reply = conn.data(data)
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise Refused("message", exc.smtp_code, _text(exc.smtp_error)) from None
        except (smtplib.SMTPServerDisconnected, OSError):
            raise MaybeSent() from None
        if code != 250:
            self._reset()
            raise Refused("message", code, _text(reply))
        return Accepted(code=code, text=_text(reply), server=self.settings.server)

    def _reset(self) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self._conn.rset()

    def close(self) -> None:
        try:
            self._conn.quit()
        except (smtplib.SMTPException, OSError):
            self._conn.close()

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _connect(settings: SmtpSettings, password: str, timeout: float) -> smtplib.SMTP:
    context = tls_context(settings.cafile)
    where = settings.server
    conn: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            conn = smtplib.SMTP_SSL(
                settings.host, settings.port, local_hostname=EHLO_NAME, timeout=timeout, context=context
            )
        else:
            conn = smtplib.SMTP(settings.host, settings.port, local_hostname=EHLO_NAME, timeout=timeout)
            conn.ehlo()
            if not conn.has_extn("starttls"):
                raise MailTLSFailed(
                    _("the SMTP server {where} does not offer STARTTLS; not sending in the clear").format(
                        where=where
                    ),
                    _("use its implicit-TLS port (often 465): `broker-audit mail setup --smtp-security tls`"),
                )
            conn.starttls(context=context)
            conn.ehlo()
        conn.login(settings.user, password)
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        _close(conn)
        raise MailLoginFailed(
            _("the SMTP server {where} refused the user name or password ({smtp_code})").format(
                where=where, smtp_code=exc.smtp_code
            ),
            _("check them (many providers need an app password); `broker-audit mail setup` stores a new one"),
        ) from None
    except smtplib.SMTPNotSupportedError:
        _close(conn)
        raise MailLoginFailed(
            _("the SMTP server {where} offers no login over this connection").format(where=where),
            _("check the port and security with your provider (587 starttls or 465 tls)"),
        ) from None
    except ssl.SSLError as exc:
        _close(conn)
        raise MailTLSFailed(
            _("TLS with the SMTP server {where} failed: {exc}").format(
                where=where, exc=describe_tls_error(exc)
            ),
            _("check the host name; for a server with its own certificate authority pass --cafile FILE"),
        ) from None
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
        _close(conn)
        raise MailServerUnreachable(
            _("the SMTP server {where} did not accept a connection ({name__})").format(
                where=where, name__=type(exc).__name__
            ),
            _("check the host and port with `broker-audit mail setup`, then try again"),
        ) from None
    except TimeoutError:
        _close(conn)
        raise MailServerUnreachable(
            _("the SMTP server {where} did not answer within {timeout:g} s").format(
                where=where, timeout=timeout
            ),
            _("check the host and port"),
        ) from None
    except OSError as exc:
        _close(conn)
        reason = exc.strerror or type(exc).__name__
        raise MailServerUnreachable(
            _("cannot reach the SMTP server {where}: {reason}").format(where=where, reason=reason),
            _("check the host, the port and your connection, then try again"),
        ) from None


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()
