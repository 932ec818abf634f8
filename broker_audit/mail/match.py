"""Which request a message answers, and whether to trust it. Pure: no I/O.

A message is linked to a request by, in order of strength: its In-Reply-To/References naming a
Message-ID we sent; our reference (BA-XXXXXXXX) in its subject or text; or, with neither, its
sender when that broker has exactly one open request.

Who counts as the broker is decided by evidence, not by name (`Senders`): a sender is the broker's
only at a domain one of its routes names exactly (the domain of an email route, the host of a web
form without its `www.`), or a subdomain of one. A route on a host many companies share (public
mail, a helpdesk, a privacy portal: `registry.shared_hosts`) names only its exact address: mail
from anyone else at gmail.com or at another desk on zendesk.com is never the broker's. The
broker's website, its name, or a domain that merely looks like it count for nothing.

A Message-ID or a reference from a sender who is not the broker's may be forged and is flagged:
nothing is stored or changed because of it; so is a message the user's mail server found forged
(`dmarc=fail`). Everything else that links is stored, with whether the user's mail server
authenticated the sender (mail/authres.py): the suggested state of an unauthenticated reply is
never applied without the user confirming it. Mail from a broker that cannot be linked is listed,
never dropped; other mail is ignored and never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from broker_audit.mail.parse import ParsedMessage
from broker_audit.registry.routevalue import route_host
from broker_audit.registry.shared_hosts import SharedHosts
from broker_audit.vocabulary import CHANNELS

REFERENCE = re.compile(r"\bBA-[0-9A-HJKMNP-TV-Z]{8}\b")

Outcome = Literal["matched", "flagged", "unmatched", "bounce", "ignored"]


def domain_belongs(domain: str, domains: Iterable[str]) -> bool:
    """`domain` is one of `domains` or a subdomain of one."""
    domain = domain.lower().strip(".")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class Senders:
    """Who may write for a broker: the domains its routes name (and their subdomains), and the
    exact addresses of its routes on shared hosts."""

    domains: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()

    def admit(self, address: str) -> bool:
        address = address.strip().lower()
        if not address or "@" not in address:
            return False
        return address in self.addresses or domain_belongs(address.rpartition("@")[2], self.domains)

    def describe(self) -> str:
        return ", ".join(sorted(self.domains | self.addresses)) or "none known"


def broker_senders(routes: Iterable[tuple[str, str]], shared: SharedHosts) -> Senders:
    """The senders a broker's routes (channel, value) vouch for."""
    domains: set[str] = set()
    addresses: set[str] = set()
    for channel, value in routes:
        value = value.strip().lower()
        kind = CHANNELS[channel].value if channel in CHANNELS else ""
        if kind == "email" and "@" in value:
            host = route_host(channel, value)
            if shared.kind_of(host) is None:
                domains.add(host)
            else:
                addresses.add(value)
        elif kind == "url":  # a web form's site writes from its own domain
            host = route_host(channel, value).removeprefix("www.")
            if "." in host and shared.kind_of(host) is None:
                domains.add(host)
    return Senders(frozenset(domains), frozenset(addresses))


@dataclass(frozen=True)
class Known:
    """What the vault knows that a message can be matched against."""

    references: Mapping[str, int]  # our reference -> request id (replies go to the first request)
    message_ids: Mapping[str, int]  # a Message-ID we sent (lower case, with <>) -> request id
    broker_of: Mapping[int, str]  # request id -> broker id
    senders: Mapping[str, Senders]  # broker id -> who may write for it
    open_requests: Mapping[str, Sequence[int]]  # broker id -> its requests awaiting an answer
    broker_names: Mapping[str, str] = field(default_factory=dict)
    own_addresses: frozenset[str] = frozenset()

    def brokers_of_sender(self, address: str) -> list[str]:
        return [b for b, s in self.senders.items() if s.admit(address)]


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    request_id: int | None = None
    matched_by: Literal["message-id", "reference", "domain", ""] = ""
    reason: str = ""
    candidates: tuple[int, ...] = ()  # for unmatched mail from a broker: its open requests
    broker_id: str = ""
    authenticated: bool = False  # the user's mail server authenticated the sender


def references_in(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        out += [m for m in REFERENCE.findall(text) if m not in out]
    return out


def match_message(msg: ParsedMessage, known: Known) -> Match:
    if msg.from_addr.lower() in known.own_addresses:
        return Match("ignored", reason="sent from your own address")
    if msg.bounce:
        return _bounce(msg, known)
    request_id: int | None = None
    how: Literal["message-id", "reference", "domain", ""] = ""
    hit = next((known.message_ids[i] for i in msg.in_reply_to if i in known.message_ids), None)
    if hit is not None:
        request_id, how = hit, "message-id"
    else:
        refs = [r for r in references_in(msg.subject, msg.text) if r in known.references]
        if refs:
            request_id, how = known.references[refs[0]], "reference"
    if request_id is not None:
        return _linked(msg, known, request_id, how)
    return _by_sender(msg, known)


def _bounce(msg: ParsedMessage, known: Known) -> Match:
    """A delivery failure notice: about the request whose message it quotes, if any."""
    hit = next((known.message_ids[i] for i in msg.body_ids if i in known.message_ids), None)
    if hit is None:
        hit = next((known.references[r] for r in references_in(msg.text) if r in known.references), None)
    if hit is not None:
        return Match(
            "bounce",
            request_id=hit,
            broker_id=known.broker_of.get(hit, ""),
            reason="a delivery failure notice: the email for this request did not arrive",
        )
    return Match("ignored", reason="a delivery notice about another message")


def _linked(
    msg: ParsedMessage, known: Known, request_id: int, how: Literal["message-id", "reference", "domain", ""]
) -> Match:
    """A message linked to a request by a Message-ID or a reference: matched if it comes from one
    of the broker's senders and the user's mail server did not find it forged; flagged if not."""
    broker = known.broker_of.get(request_id, "")
    senders = known.senders.get(broker, Senders())
    name = known.broker_names.get(broker, broker)
    if not senders.admit(msg.from_addr):
        where = msg.from_addr or "no sender address"
        return Match(
            "flagged",
            request_id=request_id,
            matched_by=how,
            broker_id=broker,
            reason=(
                f"carries the {'Message-ID' if how == 'message-id' else 'reference'} of #{request_id} "
                f"({name}) but comes from {where}, not a sender of {name} ({senders.describe()}): not "
                "trusted, nothing changed"
            ),
        )
    if msg.authentication == "fail":
        return Match(
            "flagged",
            request_id=request_id,
            matched_by=how,
            broker_id=broker,
            reason=f"claims to come from {msg.from_domain} but your mail server found it forged "
            f"({msg.auth_detail}): not trusted, nothing changed",
        )
    return Match(
        "matched",
        request_id=request_id,
        matched_by=how,
        broker_id=broker,
        authenticated=msg.authentication == "pass",
    )


def _by_sender(msg: ParsedMessage, known: Known) -> Match:
    """A message with no Message-ID or reference of ours: matched by its sender only when that
    broker has exactly one open request (and it was not found forged); listed if from a broker."""
    brokers = known.brokers_of_sender(msg.from_addr)
    if not brokers:
        return Match("ignored", reason="not about a request")
    open_ids = tuple(i for b in brokers for i in known.open_requests.get(b, ()))
    if len(open_ids) == 1 and msg.authentication != "fail":
        return Match(
            "matched",
            request_id=open_ids[0],
            matched_by="domain",
            broker_id=brokers[0],
            authenticated=msg.authentication == "pass",
        )
    names = ", ".join(known.broker_names.get(b, b) for b in brokers)
    if msg.authentication == "fail":
        why = f"from {names}, but your mail server found it forged ({msg.auth_detail})"
    elif open_ids:
        why = f"from {names}, with no reference: {len(open_ids)} open requests could be meant"
    else:
        why = f"from {names}, with no reference and no open request"
    return Match("unmatched", reason=why, candidates=open_ids, broker_id=brokers[0])
