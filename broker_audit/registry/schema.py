"""Typed records for `brokers.toml`.

Every fact that a letter relies on (an address, an email, a form) carries the URL it was taken
from and the date it was checked. Unknown facts are left out (None / empty), never guessed.
Unknown keys are errors, so a typo in the data file cannot silently drop a fact.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

BrokerId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")]
StateCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]

Category = Literal[
    "people-search",
    "public-records",
    "background-check",
    "incarceration-data",
    "consumer-reporting",
    "location-data",
    "marketing",
    "risk-analytics",
]
Right = Literal["access", "delete", "opt-out", "correct", "fcra-disclosure"]
Channel = Literal["email", "mail", "web-form", "phone", "fax"]
Registry = Literal["ca", "vt", "tx", "or"]
Recipient = Literal[
    "immigration-enforcement",  # ICE, CBP, DHS components
    "law-enforcement",  # police, sheriffs, prosecutors, fusion centres
    "federal-government",  # other federal agencies
    "corrections",  # jails and prisons (e.g. as data source or customer)
]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class Fact(Strict, kw_only=True):
    """One sourced value: an email, a URL, a phone number."""

    value: str
    source: Url
    checked: dt.date
    note: str = ""


class PostalAddress(Strict, kw_only=True):
    """A postal address for requests, as it goes in the window of an envelope."""

    organization: str
    attention: str = ""
    street: list[str]
    city: str
    state: StateCode
    zip: Annotated[str, msgspec.Meta(pattern=r"^\d{5}(-\d{4})?$")]
    source: Url
    checked: dt.date
    note: str = ""

    def lines(self) -> list[str]:
        out = [self.organization]
        if self.attention:
            out.append(self.attention)
        out.extend(self.street)
        out.append(f"{self.city}, {self.state} {self.zip}")
        return out


class Contact(Strict, kw_only=True):
    email: Fact | None = None
    web_form: Fact | None = None
    phone: Fact | None = None
    fax: Fact | None = None
    postal: PostalAddress | None = None


class Verification(Strict, kw_only=True):
    """What proof of identity the broker asks for. None means unknown."""

    asks_ssn: bool | None = None
    asks_id_copy: bool | None = None
    details: str = ""
    source: Url
    checked: dt.date


class Evidence(Strict, kw_only=True):
    """A documented sale or disclosure of data to a government recipient."""

    recipient: Recipient
    agency: str
    summary: str
    year: int
    source: Url
    checked: dt.date


class Source(Strict, kw_only=True):
    url: Url
    checked: dt.date
    title: str = ""


class Broker(Strict, kw_only=True):
    id: BrokerId
    name: str
    legal_name: str = ""
    parent: str = ""
    aliases: list[str] = []
    brands: list[str] = []
    categories: list[Category]
    holds: list[str] = []
    website: Url | None = None
    contact: Contact = Contact()
    channels: list[Channel] = []
    verification: Verification | None = None
    rights: list[Right] = []
    registries: list[Registry] = []
    law_enforcement: list[Evidence] = []
    sources: list[Source]
    checked: dt.date
    notes: str = ""
    # A removed broker stays as a tombstone so its id keeps meaning something.
    successor: BrokerId | None = None
    origin: Literal["curated", "imported"] = "curated"

    def sells_to(self, recipient: str) -> bool:
        return any(e.recipient == recipient for e in self.law_enforcement)


class Preset(Strict, kw_only=True):
    """A named set of brokers, e.g. `ice-linked`."""

    id: BrokerId
    description: str
    brokers: list[BrokerId]


class BrokersFile(Strict, kw_only=True):
    broker: list[Broker]
    preset: list[Preset] = []
