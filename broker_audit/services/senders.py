"""The sending seam: how `broker-audit send` hands a request to the channel it goes by.

A channel broker-audit can deliver by itself has one `Sender`, registered here by its channel id
(`register_sender`, as `vocabulary.register_channel` adds the channel). `send`
(services/send.py) plans each drafted request, asks the sender of its route's channel to
`prepare` it (the exact bytes that will go, and the id that will prove it) and to `deliver` it,
and logs what happened in its own stage: the `sent` event, by that channel, with the receipt.
A sender reads no vault and writes none. E-mail is the first sender (services/email_sender.py,
registered by services/send.py); a channel with no sender (mail, a web form, a call) is one the
person sends themselves, and `send` says so (`NoSender`).

A new sending channel is: its `ChannelSpec` (vocabulary.py), its words in the catalog, and one
module with its `Sender`, registered with `register_sender`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from broker_audit.errors import UserError
from broker_audit.i18n import _
from broker_audit.vocabulary import CHANNELS
from broker_audit.words import channel_done

if TYPE_CHECKING:
    from broker_audit.tracking.mail_records import MailAccountSet
    from broker_audit.tracking.model import RequestMade


@dataclass(frozen=True)
class OutgoingLetter:
    """One planned request as a sender gets it: the request as logged, where it goes, the letter
    as written, and what the letter tells about the requester (nothing the letter withholds)."""

    request: RequestMade
    route: str  # the route's value it goes to: an e-mail address, an endpoint's URL
    to: tuple[str, ...]  # the addresses or endpoints it is sent to (an e-mail's To:)
    files: tuple[Path, ...]  # the letter's artefacts as written (its .eml, .txt, .pdf)
    requester: str = ""  # the requester's name as the letter gives it
    # identity field -> the values the letter gives, as text (letters/disclosure.py decided them)
    given: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enclosures: tuple[tuple[str, bytes], ...] = ()  # PDFs it says are enclosed (a follow-up's timeline)

    @property
    def channel(self) -> str:
        return self.request.channel


@dataclass(frozen=True)
class Prepared:
    """A letter as it will go out, built before anything is sent (so `send` can claim it first):
    the exact bytes, the id that will prove it (an e-mail's Message-ID, a protocol's request id),
    where it goes and when it was made."""

    letter: OutgoingLetter
    data: bytes
    receipt_id: str
    to: tuple[str, ...]
    server: str  # who it is handed to ("smtp.example:465", "drp.broker.example")
    started: dt.datetime


@dataclass(frozen=True)
class SendOutcome:
    """What a sender says of one delivery: sent (with the receiver's words and code) or not, why,
    whether it may have gone anyway, and whether the channel is gone for the rest of the run."""

    request_id: int
    sent: bool
    receipt_id: str = ""  # the id the receiver gave it or the message carries
    acceptance: str = ""  # what the receiver said ("250 OK", "201 Created")
    code: int = 0
    error: str = ""  # why it was not sent
    maybe_sent: bool = False  # the connection broke while it was handed over
    stop: bool = False  # nothing more can go by this channel in this run


@dataclass(frozen=True)
class SenderOptions:
    """What every sender of one run may need: the mailbox it sends from (and its account and
    password, for e-mail), the certificate authority to trust, and the clock that dates messages."""

    clock: Callable[[], dt.datetime]
    from_addr: str = ""
    account: MailAccountSet | None = None
    secret: Callable[[], str] | None = None
    cafile: Path | None = None


class Delivery(Protocol):
    """One run's open connection by one channel."""

    def prepare(self, letter: OutgoingLetter) -> Prepared | str:
        """The letter as it will go out, or why it may not (a changed file, another address)."""
        ...

    def deliver(self, prepared: Prepared) -> SendOutcome:
        """Hand it over; what happened. Raises nothing for a refusal: the outcome says it."""
        ...


class Sender(Protocol):
    """Delivers requests by one channel."""

    @property
    def channel(self) -> str: ...

    # Each message is claimed in the vault before it goes and kept after as an e-mail
    # (EmailSending, EmailSent), an open claim settled from the mailbox's Sent folder.
    @property
    def mailbox_claims(self) -> bool: ...

    def open(self, options: SenderOptions) -> AbstractContextManager[Delivery]:
        """Connect (log in) for one run; closed when the run is done."""
        ...


_SENDERS: dict[str, Sender] = {}


def register_sender(sender: Sender) -> None:
    """Add the sender of a channel in the channel table (one sender a channel)."""
    if sender.channel not in CHANNELS:
        raise ValueError(f"unknown channel {sender.channel!r}: add its ChannelSpec first")
    if sender.channel in _SENDERS:
        raise ValueError(f"channel {sender.channel!r} has a sender")
    _SENDERS[sender.channel] = sender


def unregister_sender(channel: str) -> None:
    """Remove the sender of `channel` (tests, a plug-in going away)."""
    _SENDERS.pop(channel, None)


def registered_senders() -> tuple[str, ...]:
    """The channels broker-audit can send by, in the channel table's order."""
    return tuple(c for c in CHANNELS if c in _SENDERS)


def has_sender(channel: str) -> bool:
    """Whether broker-audit can send by `channel` (a sender of a channel since taken out of the
    channel table sends nothing)."""
    return channel in _SENDERS and channel in CHANNELS


class NoSender(UserError):
    """A request goes by a channel broker-audit cannot send by itself (no sender registered)."""

    def __init__(self, request_id: int, channel: str) -> None:
        done = channel_done(channel) or channel
        if channel == "mail":
            hint = _("print it and mail it, then `broker-audit mark {id} sent --via mail`")
        else:
            hint = _("send it yourself, then `broker-audit mark {id} sent --via {channel}`")
        super().__init__(
            _("request #{id} goes {how}: broker-audit cannot send it by itself").format(
                id=request_id, how=done
            ),
            hint.format(id=request_id, channel=channel),
        )
        self.request_id = request_id
        self.channel = channel


def sender_for(request_id: int, channel: str) -> Sender:
    """The sender of `channel`; NoSender (one line and a hint) when there is none."""
    if not has_sender(channel):
        raise NoSender(request_id, channel)
    return _SENDERS[channel]
