"""Everything the records say, folded, as one value: what `Journal.state()` returns and what
`vault verify` compares (the fold of every record against what the derived index holds).

Only facts are kept: due dates and states are computed from them on every read. The vault keeps
this state as the derived index (`tracking.index`), in parts, not as one value (the whole-state
snapshot of format 2, last at its version 3, is dropped by migration 0003; the index has its own
version and rules fingerprint, `tracking.indexformat`).
"""

from __future__ import annotations

import msgspec

from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.mail_records import EmailSending, EmailSent, MailAccountSet, ReplyStored
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import Answers, BatchMade, ClientSet, ScanResultSet


class DerivedState(msgspec.Struct, kw_only=True):
    profile: Profile | None = None
    requests: list[RequestMade] = []
    events: dict[int, list[StatusChanged]] = {}
    clients: list[ClientSet] = []
    agent: AgentProfile | None = None
    batches: list[BatchMade] = []
    answers: Answers | None = None
    scans: list[ScanResultSet] = []
    mail_account: MailAccountSet | None = None
    sent_mail: list[EmailSent] = []
    replies: list[ReplyStored] = []
    answer_reads: list[AnswerRead] = []
    proposals: list[FindingsProposed] = []
    reviews: list[FindingsReviewed] = []
    campaigns: list[CampaignMade] = []
    agency_findings: list[AgencyFindingRecorded] = []
    sending: list[EmailSending] = []  # claims not yet settled
