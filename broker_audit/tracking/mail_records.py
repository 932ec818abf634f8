"""Vault records for email: the mail account, each message sent, each reply kept.

Each type carries a version `v` (its newest in `VERSION`), like every record type in
`tracking.records`, whose union holds them: a newer version than this code knows is refused there
(RecordTooNew), never half-read.

Bytes that can be large (the exact message sent, a reply's original with its attachments) are kept
as a `Payload`: a `BlobRef` to the vault's blob store, whose 1 MiB chunks are sealed apart, each
bound to the record that references it, so opening the vault never reads them. (`Inline`, bytes
sealed inside the record itself, is read too: records written before the blob store.)
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

import msgspec


class Inline(msgspec.Struct, tag="inline", frozen=True):
    """Bytes kept inside the sealed record itself."""

    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


class BlobRef(msgspec.Struct, tag="blob", frozen=True):
    """Bytes kept in the vault's blob store: `vault.blobs.BlobRef` as a record field (the same
    name, so `records.check_record` checks that it is bound to the record holding it)."""

    blob_id: bytes
    record: int
    size: int
    chunks: int


Payload = Inline | BlobRef

Security = Literal["starttls", "tls"]


class MailAccountSet(msgspec.Struct, tag="mail-account", kw_only=True, frozen=True):
    """The user's own mailbox (the latest record wins). The password is never here: it is in the
    OS keyring under `account_id` when a secure keyring exists, else asked each time."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    account_id: str  # the keyring item's user name: random, says nothing about the user
    from_addr: str
    smtp_host: str
    smtp_port: int
    smtp_security: Security
    smtp_user: str
    imap_host: str = ""
    imap_port: int = 993
    imap_user: str = ""
    password_in_keyring: bool = False
    cafile: str = ""  # a CA bundle to trust instead of the system's (a self-hosted server)
    recorded: dt.datetime
    # The name the user's own mail server gives itself in the Authentication-Results it adds to
    # incoming mail (e.g. mx.google.com): only that header says whether a sender is genuine.
    authserv_id: str = ""


class EmailSent(msgspec.Struct, tag="email-sent", kw_only=True, frozen=True):
    """One request sent by `broker-audit send`: the proof of sending, with the exact message."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    request_id: int
    message_id: str
    sent_at: dt.datetime
    from_addr: str
    to_addrs: list[str]
    server: str  # host:port of the submission server that accepted it
    reply_code: int  # its final reply to DATA (250)
    reply_text: str
    sha256: str  # of the message bytes
    message: Payload


class EmailSending(msgspec.Struct, tag="email-sending", kw_only=True, frozen=True):
    """A claim, logged before the message goes to the server: `send` is about to hand this exact
    message (its Message-ID, its bytes) to the SMTP server. An `EmailSent` with the same
    Message-ID, or an `EmailNotSent`, settles it. One left open means a run ended between the
    claim and its outcome (killed, or the connection broke during DATA): the message may have gone
    out, so the request is never sent again until the claim is settled (services/send.py looks
    for it in the Sent folder, or asks the user)."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    request_id: int
    message_id: str
    started: dt.datetime
    from_addr: str
    to_addrs: list[str]
    server: str
    sha256: str
    message: Payload


class EmailNotSent(msgspec.Struct, tag="email-not-sent", kw_only=True, frozen=True):
    """A claim settled without sending: the server refused the message, the connection failed
    before it was handed over, or the user said it did not go out."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    request_id: int
    message_id: str
    reason: str
    recorded: dt.datetime


class AttachmentInfo(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    content_type: str
    size: int
    sha256: str


ReplySource = Literal["imap", "file"]
MatchedBy = Literal["message-id", "reference", "domain", "by hand"]


class ReplyStored(msgspec.Struct, tag="reply", kw_only=True, frozen=True):
    """A broker's reply, linked to its request: read by `inbox`, or added by `reply --file`.

    `original` is the whole message (an `.eml`) or the file added by hand (a scan, a photo); the
    record keeps the headers that matter, the start of the text and what each attachment is.
    """

    VERSION: ClassVar[int] = 1
    v: int = 1
    id: int
    request_id: int
    received: dt.datetime  # the mail server's arrival time (INTERNALDATE), or the day given
    source: ReplySource
    matched_by: MatchedBy
    from_addr: str = ""
    to_addr: str = ""
    subject: str = ""
    message_id: str = ""
    headers: list[tuple[str, str]] = []
    text: str = ""  # the plain text (HTML reduced to text), cut at `TEXT_LIMIT` characters
    text_truncated: bool = False
    original_name: str
    original_type: str
    original_size: int
    sha256: str  # of the original
    original: Payload
    attachments: list[AttachmentInfo] = []
    suggested: str = ""  # a state, or "" for no suggestion
    suggestion_reason: str = ""
    note: str = ""
    recorded: dt.datetime
    # Whether the user's own mail server authenticated the sender (its Authentication-Results:
    # mail/authres.py). None: not asked (a file added by hand, or a record from before the check).
    authenticated: bool | None = None
    auth_note: str = ""

    @property
    def identity(self) -> str:
        """What makes two copies of a reply the same: its Message-ID, else its bytes' digest."""
        return reply_identity(self.message_id, self.sha256)

    @property
    def trusted(self) -> bool:
        """Its suggested state may be applied without a warning: the sender was authenticated,
        or the user added it by hand."""
        return self.authenticated is True or self.source == "file"


def reply_identity(message_id: str, sha256: str) -> str:
    message_id = message_id.strip().lower()
    return f"message-id {message_id}" if message_id else f"sha256 {sha256}"


TEXT_LIMIT = 20_000
