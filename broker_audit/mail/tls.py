"""The TLS context for mail connections: the system's trust store (or a given CA file), the
certificate and the host name always checked."""

from __future__ import annotations

import ssl
from pathlib import Path

from broker_audit.errors import MailTLSFailed
from broker_audit.i18n import _


def tls_context(cafile: Path | str | None = None) -> ssl.SSLContext:
    """`ssl.create_default_context`: certificate and host name checked, TLS 1.2 at least."""
    try:
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise MailTLSFailed(
            _("cannot read the CA file {cafile}: {reason}").format(cafile=cafile, reason=reason),
            _("give a PEM file of trusted certificates"),
        ) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def describe_tls_error(exc: ssl.SSLError) -> str:
    """A short reason for a TLS failure (the library's words, which hold no user data)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("its certificate could not be verified ({value})").format(
            value=exc.verify_message or _("not trusted")
        )
    return exc.reason or type(exc).__name__
