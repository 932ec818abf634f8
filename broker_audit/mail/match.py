"""Which request a message answers, and whether to trust it. Pure: no I/O.

A message is linked to a request by, in order of strength: its In-Reply-To/References naming a
Message-ID we sent; our reference (BA-XXXXXXXX) in its subject or text; or, with neither, its
sender's domain when that broker has exactly one open request. A Message-ID or a reference is
trusted only when the sender's domain is the broker's (the domain of its email route or of its
website, or a subdomain of one): a reference from anywhere else may be forged and is flagged, and
nothing is changed because of it. Mail from a known broker's domain that cannot be linked is
listed, never dropped; other mail is ignored and never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from broker_audit.mail.parse import ParsedMessage

REFERENCE = re.compile(r"\bBA-[0-9A-HJKMNP-TV-Z]{8}\b")
# Second-level labels under which a registrable domain has three labels (example.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu"})

Outcome = Literal["matched", "flagged", "unmatched", "bounce", "ignored"]


def registrable(host: str) -> str:
    """The registrable part of a host name: risk.lexisnexis.com -> lexisnexis.com."""
    labels = [x for x in host.lower().strip(".").split(".") if x]
    if len(labels) <= 2:
        return ".".join(labels)
    if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def broker_domains(email_routes: Iterable[str], website: str | None) -> frozenset[str]:
    """The domains a broker writes from: its email routes' and its website's (registrable)."""
    out = {registrable(addr.rpartition("@")[2]) for addr in email_routes if "@" in addr}
    if website:
        host = urlsplit(website).hostname or ""
        if host:
            out.add(registrable(host))
    return frozenset(d for d in out if d)


def domain_belongs(domain: str, domains: Iterable[str]) -> bool:
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class Known:
    """What the vault knows that a message can be matched against."""

    references: Mapping[str, int]  # our reference -> request id (replies go to the first request)
    message_ids: Mapping[str, int]  # a Message-ID we sent (lower case, with <>) -> request id
    broker_of: Mapping[int, str]  # request id -> broker id
    domains: Mapping[str, frozenset[str]]  # broker id -> its domains
    open_requests: Mapping[str, Sequence[int]]  # broker id -> its requests awaiting an answer
    broker_names: Mapping[str, str] = field(default_factory=dict)
    own_addresses: frozenset[str] = frozenset()

    def brokers_of_domain(self, domain: str) -> list[str]:
        return [b for b, ds in self.domains.items() if domain and domain_belongs(domain, ds)]


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    request_id: int | None = None
    matched_by: Literal["message-id", "reference", "domain", ""] = ""
    reason: str = ""
    candidates: tuple[int, ...] = ()  # for unmatched mail from a broker: its open requests
    broker_id: str = ""


def references_in(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        out += [m for m in REFERENCE.findall(text) if m not in out]
    return out


def match_message(msg: ParsedMessage, known: Known) -> Match:
    if msg.from_addr.lower() in known.own_addresses:
        return Match("ignored", reason="sent from your own address")
    if msg.bounce:
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
        broker = known.broker_of.get(request_id, "")
        domains = known.domains.get(broker, frozenset())
        name = known.broker_names.get(broker, broker)
        if not msg.from_domain or not domain_belongs(msg.from_domain, domains):
            where = msg.from_domain or "no sender domain"
            known_for = ", ".join(sorted(domains)) or "none known"
            return Match(
                "flagged",
                request_id=request_id,
                matched_by=how,
                broker_id=broker,
                reason=(
                    f"carries the {'Message-ID' if how == 'message-id' else 'reference'} of #{request_id} "
                    f"({name}) but comes from {where}, not a domain of {name} ({known_for}): not trusted, "
                    "nothing changed"
                ),
            )
        if msg.dmarc_failed:
            return Match(
                "flagged",
                request_id=request_id,
                matched_by=how,
                broker_id=broker,
                reason=f"claims to come from {msg.from_domain} but your mail server found it fails DMARC: "
                "not trusted, nothing changed",
            )
        return Match("matched", request_id=request_id, matched_by=how, broker_id=broker)
    brokers = known.brokers_of_domain(msg.from_domain)
    if not brokers:
        return Match("ignored", reason="not about a request")
    open_ids = tuple(i for b in brokers for i in known.open_requests.get(b, ()))
    if len(open_ids) == 1 and not msg.dmarc_failed:
        return Match("matched", request_id=open_ids[0], matched_by="domain", broker_id=brokers[0])
    names = ", ".join(known.broker_names.get(b, b) for b in brokers)
    why = (
        f"from {names}, with no reference: {len(open_ids)} open requests could be meant"
        if open_ids
        else f"from {names}, with no reference and no open request"
    )
    return Match("unmatched", reason=why, candidates=open_ids, broker_id=brokers[0])
