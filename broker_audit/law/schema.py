"""Typed records for `laws.toml`: every citation and deadline carries its source."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

LawId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")]

Right = Literal["access", "delete", "opt-out", "correct", "portability", "fcra-disclosure"]
LawKind = Literal["state-comprehensive", "federal", "open-records", "none"]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class RightCite(Strict, kw_only=True, frozen=True):
    """Where the law grants one right."""

    citation: str
    source: Url
    scope: str = ""  # e.g. for opt-out: "sale, targeted advertising, profiling"


class Deadline(Strict, kw_only=True, frozen=True):
    days: int
    # Working days skip Saturdays and Sundays (public holidays are not counted out: a due date
    # may come a day early, never late).
    working_days: bool = False
    clock_starts: Literal["receipt", "request"] = "receipt"
    # None: not confirmed. 0: the law allows no extension.
    extension_days: int | None = None
    extension_note: str = ""
    citation: str
    source: Url
    # The rights this deadline governs; empty means every right the law grants.
    applies_to: list[Right] = []


class Agent(Strict, kw_only=True, frozen=True):
    allowed: bool
    rights: list[Right] = []
    citation: str = ""
    source: Url


class Appeal(Strict, kw_only=True, frozen=True):
    available: bool
    # days the company has to decide an appeal once it is received
    response_days: int | None = None
    citation: str = ""
    source: Url
    note: str = ""


class Complaint(Strict, kw_only=True, frozen=True):
    office: str
    url: Url
    source: Url


class Exemption(Strict, kw_only=True, frozen=True):
    kind: Literal["publicly-available", "fcra", "glba", "hipaa", "government", "other"]
    summary: str
    citation: str
    source: Url


class Law(Strict, kw_only=True, frozen=True):
    id: LawId
    jurisdiction: Annotated[str, msgspec.Meta(pattern=r"^([A-Z]{2}|US|\*)$")]
    name: str
    short_name: str
    citation: str
    kind: LawKind
    effective: dt.date | None = None
    source: Url | None = None
    checked: dt.date
    rights: dict[Right, RightCite] = {}
    deadline: Deadline | None = None
    agent: Agent | None = None
    appeal: Appeal | None = None
    complaint: Complaint | None = None
    exemptions: list[Exemption] = []
    notes: str = ""


class LawsFile(Strict, kw_only=True, frozen=True):
    law: list[Law]
