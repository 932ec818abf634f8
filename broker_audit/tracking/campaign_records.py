"""Vault records for records-request campaigns: the campaign (which agencies, which request each
got, by which route) and the findings the user records from each agency's answer.

Each type carries a version `v` (its newest in `VERSION`), like every record type in
`tracking.records`, whose union holds them. The nested structs do not forbid unknown fields, so
a field added later with a default is read by this code as it is; anything an older broker-audit
would misread bumps `VERSION`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec


class MemberRoute(msgspec.Struct, kw_only=True, frozen=True):
    """The route a campaign letter took, as it was when written: a follow-up goes the same way
    even if the directory changes later."""

    channel: str
    address: str  # the e-mail, the form's URL, or the postal lines joined with " / "
    recipient: list[str]  # the letter's address block
    door: str
    grade: str
    source: str
    note: str = ""


class CampaignMember(msgspec.Struct, kw_only=True, frozen=True):
    """One agency of a campaign: the request it got, or why it got none."""

    agency_id: str
    agency_name: str
    agency_kind: str = ""
    request_id: int | None = None  # None: no route known, no letter written
    route: MemberRoute | None = None
    why_not: str = ""  # for an agency without a letter
    leads: list[str] = []  # routes not used by default (a weak source, a registered address, a phone)
    warnings: list[str] = []
    # A records request to it was still open when the campaign was made, so none was written
    # again (`cora --all ... --again` writes it anyway): that request's id.
    open_request: int | None = None


class CampaignMade(msgspec.Struct, tag="campaign", kw_only=True, frozen=True):
    """A records-request campaign: the same request to many agencies, tracked together."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    campaign_id: str
    created: dt.datetime
    dated: dt.date
    scope: str  # what was asked for: a group id ("co-sheriffs") or "list"
    requester: str  # "clinic" or "person" (letters/records_identity.py)
    since: dt.date
    members: list[CampaignMember]


class AgencyFindingRecorded(msgspec.Struct, tag="agency-finding", kw_only=True, frozen=True):
    """What one agency's answer showed, as the user read it, with the evidence it rests on."""

    VERSION: ClassVar[int] = 1
    v: int = 1
    campaign_id: str
    agency_id: str
    request_id: int  # the request (or its follow-up) the answer was to
    finding: str  # vocabulary.FINDINGS
    on: dt.date  # the day of the answer that shows it
    reply_id: int | None = None  # the stored reply (`reply --file`, `inbox`) it rests on
    evidence: str = ""  # another reference the user gives (a document's title, a case number)
    amount: str = ""  # for a fee: the amount asked, as written
    note: str = ""
    recorded: dt.datetime
