"""One error tree, handled once, by the CLI entry point.

Every domain error carries its exit code and a hint that says what to do next.
Messages must never contain personal data (names, addresses, emails, passphrases).
"""

from __future__ import annotations

from enum import IntEnum

from broker_audit.i18n import _


class ExitCode(IntEnum):
    OK = 0
    USER_ERROR = 1
    USAGE = 2
    VAULT_LOCKED = 3
    INTEGRITY = 4
    TOO_NEW = 5  # the vault (or a record in it) was written by a newer broker-audit


class BrokerAuditError(Exception):
    """Base of every error the tool reports to the user as one line."""

    exit_code: ExitCode = ExitCode.USER_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UserError(BrokerAuditError):
    """Bad input from the user: a file, an option, an id."""


class DataFileError(UserError):
    """A data file (TOML, CSV) is malformed; the message names file and line."""


class UnknownBroker(UserError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = (
            _("did you mean: {names}?").format(names=", ".join(suggestions))
            if suggestions
            else _("run `broker-audit brokers list` to see every broker")
        )
        super().__init__(_("unknown broker {name}").format(name=repr(name)), hint)
        self.name = name
        self.suggestions = suggestions


# Profile fields `profile edit` sets by option; the rest (addresses) come from a profile file.
EDITABLE_PROFILE_FIELDS = ("name", "email", "phone", "birth_date", "state")


class NoViaRoute(UserError):
    """`--via CHANNEL` names a channel the broker has no route for, for this request."""


class MissingProfileField(UserError):
    def __init__(self, field: str, needed_for: str) -> None:
        if field in EDITABLE_PROFILE_FIELDS:
            hint = _("set it with `broker-audit profile edit --{option} ...`").format(
                option=field.replace("_", "-")
            )
        else:
            hint = _(
                "add it to a profile file (see examples/demo-profile.toml) and run "
                "`broker-audit profile edit --from-file FILE`"
            )
        super().__init__(
            _("the profile has no {field}, which {needed_for} needs").format(
                field=field, needed_for=needed_for
            ),
            hint,
        )
        self.field = field


class NotConsumerReporting(UserError):
    """An FCRA file disclosure asked of a company not recorded as a consumer reporting agency:
    15 U.S.C. 1681g binds consumer reporting agencies only."""

    def __init__(self, broker_id: str, broker_name: str) -> None:
        super().__init__(
            _(
                "{broker} is not recorded as a consumer reporting agency: the FCRA's file "
                "disclosure (15 U.S.C. 1681g) does not bind it"
            ).format(broker=broker_name),
            _("ask it for access instead: `broker-audit request {broker_id} --kind access`").format(
                broker_id=broker_id
            ),
        )
        self.broker_id = broker_id


class IllegalTransition(UserError):
    """A status change the request lifecycle does not allow."""


class AddressDoesNotFit(UserError):
    """An address that cannot be printed whole in an envelope window or on a label, even
    abbreviated and at the smallest readable size: reported, never printed cut."""


class UnknownRequest(UserError):
    pass


class VaultError(BrokerAuditError):
    pass


class VaultNotFound(VaultError):
    pass


class VaultExists(VaultError):
    pass


class VaultLocked(VaultError):
    """No key could unlock the vault: wrong passphrase, missing keyring entry."""

    exit_code = ExitCode.VAULT_LOCKED


class VaultCorrupt(VaultError):
    """The vault's bytes were changed, records dropped or reordered."""

    exit_code = ExitCode.INTEGRITY


class VaultTooNew(VaultError):
    """The vault was written by a newer broker-audit."""

    exit_code = ExitCode.TOO_NEW


class RecordTooNew(VaultTooNew):
    """A record in the vault is of a type or version that a newer broker-audit wrote."""


class PdfError(BrokerAuditError):
    """A PDF the tool made or was asked to join is not what it must be."""

    exit_code = ExitCode.INTEGRITY


class JoinError(PdfError):
    """The batch joiner was given a PDF that is not one of its own chunks (encrypted, updated
    incrementally, with outlines or form fields, or laid out otherwise than it copies)."""


class BatchCheckFailed(PdfError):
    """The joined batch PDF, read back, is not what was written (pages, cross-references)."""


class MailError(UserError):
    """Sending or reading mail failed; the message names the server, never the user's data."""


class MailNotSetUp(MailError):
    pass


class MailServerUnreachable(MailError):
    """The mail server did not answer: down, wrong host or port, no network."""


class MailTLSFailed(MailError):
    """The server's certificate could not be verified, or TLS could not be set up."""


class MailLoginFailed(MailError):
    """The server refused the user name or password."""


class MailPasswordMissing(MailError):
    """No password in the keyring, none in the environment, and no terminal to ask on."""


class NeedsAttention(UserError):
    """A command did what it could; some items (a failed send, a flagged reply) need the user."""


class MessageRefused(UserError):
    """A mail message over one of the parser's bounds (nesting, size, header length, encoded
    words): it is not parsed further, never stored as a reply. `reason` is the short label
    `inbox` lists it under ("too deeply nested"); the message adds the figures."""

    def __init__(self, reason: str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}", hint)
        self.reason = reason
        self.detail = detail


class MailServerMisbehaved(MailError):
    """The mail server sent more than it announced, more than a bound allows, something that
    cannot be read, or took longer than the time limit: reading stopped there."""


class VaultOlder(VaultError):
    """The vault is older than (or differs from) the one last seen on this computer: it is read,
    never written, until the user accepts it (`broker-audit vault accept`); a write would make
    this computer forget the newer copy, and what only that copy holds would be lost for good."""

    exit_code = ExitCode.INTEGRITY
