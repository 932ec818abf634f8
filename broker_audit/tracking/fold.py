"""What the records say once folded: the latest profile, agent, answers and mail account, each
client's latest record, the batches and scans, the text read from replies, the findings proposed
and reviewed, the campaigns with what each agency's answer showed and the open sending claims
(the "rest"), and every request with its events, emails sent and replies kept. Pure: no I/O.

`Fold` is the in-memory form the journal hands to services (`journal.requests`, `journal.events`,
...). Its two halves can be filled apart: the rest and the requests, each from the records or
from the derived index (`tracking.index`), each remembering the last record it holds so that a
record is never applied twice. One record type changes both: an email sent is its request's, and
settles the sending claim logged before it (`BOTH_TYPES`).
"""

from __future__ import annotations

from collections import defaultdict

import msgspec

from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade, CampaignMember
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.mail_records import (
    EmailNotSent,
    EmailSending,
    EmailSent,
    MailAccountSet,
    ReplyStored,
)
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import (
    AgentSet,
    Answers,
    AnswersSet,
    BatchMade,
    ClientSet,
    ProfileSet,
    Record,
    ScanResultSet,
    encode,
    too_new,
)
from broker_audit.tracking.snapshot import DerivedState

REST_TYPES = (
    ProfileSet,
    ClientSet,
    AgentSet,
    AnswersSet,
    ScanResultSet,
    BatchMade,
    MailAccountSet,
    AnswerRead,
    FindingsProposed,
    FindingsReviewed,
    CampaignMade,
    AgencyFindingRecorded,
    EmailSending,
    EmailNotSent,
)
"""Record types that change the rest. The findings and agency findings are kept in the order
recorded (a later proposal or decision replaces an earlier one), so they are not split by request."""
REQUEST_TYPES = (RequestMade, StatusChanged, EmailSent, ReplyStored)
"""Record types that change one request."""
BOTH_TYPES = (EmailSent,)
"""Request records that change the rest too: an email sent settles its sending claim."""
_TO_REST = REST_TYPES + BOTH_TYPES


class Rest(msgspec.Struct, kw_only=True, gc=False):
    """Everything the records say that is not about one request (a part of the derived index)."""

    profile: Profile | None = None
    agent: AgentProfile | None = None
    answers: Answers | None = None
    mail_account: MailAccountSet | None = None
    clients: list[ClientSet] = []  # the latest record per client, in the order first seen
    batches: list[BatchMade] = []  # the latest record per batch, in the order first seen
    scans: list[ScanResultSet] = []
    answer_reads: list[AnswerRead] = []  # the latest per reply, in the order first seen
    proposals: list[FindingsProposed] = []  # in the order recorded
    reviews: list[FindingsReviewed] = []  # in the order recorded
    campaigns: list[CampaignMade] = []  # the latest per campaign, in the order first seen
    agency_findings: list[AgencyFindingRecorded] = []  # in the order recorded
    sending: list[EmailSending] = []  # the claims not yet settled, in the order made


class Fold:
    """The records folded in memory (see the module docstring)."""

    def __init__(self) -> None:
        self.profile: Profile | None = None
        self.agent: AgentProfile | None = None
        self.answers: Answers | None = None
        self.mail_account: MailAccountSet | None = None
        self.clients: dict[str, ClientSet] = {}
        self.batches: dict[str, BatchMade] = {}
        self.scans: list[ScanResultSet] = []
        # What the answers say (tracking/finding_records.py): the latest text read per reply, and
        # every proposal and review in the order recorded.
        self.answer_reads: dict[int, AnswerRead] = {}
        self.proposals: list[FindingsProposed] = []
        self.reviews: list[FindingsReviewed] = []
        self.campaigns: dict[str, CampaignMade] = {}
        self.agency_findings: list[AgencyFindingRecorded] = []
        self.sending: dict[str, EmailSending] = {}  # open claims by Message-ID (lower case)
        # Derived (never stored): request id -> its campaign and agency.
        self.campaign_of: dict[int, tuple[CampaignMade, CampaignMember]] = {}
        self.requests: dict[int, RequestMade] = {}
        self.events: dict[int, list[StatusChanged]] = defaultdict(list)
        self.sent_mail: dict[int, list[EmailSent]] = defaultdict(list)
        self.replies: dict[int, ReplyStored] = {}
        self.replies_by_request: dict[int, list[int]] = defaultdict(list)
        # Derived (never stored): request id -> the requests linked to it (follow-ups, appeals,
        # complaints).
        self.linked: dict[int, list[int]] = defaultdict(list)
        self.rest_at: int | None = None  # the last record the rest holds (None: not filled)
        self.requests_at: int | None = None  # the last record the requests hold

    def apply(self, number: int, record: Record) -> None:
        """Apply record `number` to each half that is filled and does not hold it yet."""
        to_rest = isinstance(record, _TO_REST)
        to_requests = isinstance(record, REQUEST_TYPES)
        if not (to_rest or to_requests):  # a type in the union this fold forgot: never file it as another
            raise too_new(number, encode(record))
        if to_rest and self.rest_at is not None and number > self.rest_at:
            self.apply_rest(record)
            self.rest_at = number
        if to_requests and self.requests_at is not None and number > self.requests_at:
            self.apply_request(record)
            self.requests_at = number

    def apply_rest(self, record: Record) -> None:
        """Apply one record of the rest: who the vault is for and its settings, else what was
        found and reviewed, else a sending claim."""
        if not self._apply_setting(record) and not self._apply_finding(record):
            self._apply_sending(record)

    def _apply_setting(self, record: Record) -> bool:
        """A profile, client, agent, answers, batch or mail account record; whether it was one."""
        if isinstance(record, ProfileSet):
            self.profile = record.profile
        elif isinstance(record, ClientSet):
            self.clients[record.client_id] = record
        elif isinstance(record, AgentSet):
            self.agent = record.agent
        elif isinstance(record, AnswersSet):
            self.answers = record.answers
        elif isinstance(record, BatchMade):
            self.batches[record.batch_id] = record
        elif isinstance(record, MailAccountSet):
            self.mail_account = record
        else:
            return False
        return True

    def _apply_finding(self, record: Record) -> bool:
        """A scan, answer read, findings, campaign or agency finding record; whether it was one."""
        if isinstance(record, ScanResultSet):
            self.scans.append(record)
        elif isinstance(record, AnswerRead):
            self.answer_reads[record.reply_id] = record
        elif isinstance(record, FindingsProposed):
            self.proposals.append(record)
        elif isinstance(record, FindingsReviewed):
            self.reviews.append(record)
        elif isinstance(record, CampaignMade):
            self._add_campaign(record)
        elif isinstance(record, AgencyFindingRecorded):
            self.agency_findings.append(record)
        else:
            return False
        return True

    def _apply_sending(self, record: Record) -> None:
        """An e-mail's sending claim opened, or settled (sent or not sent)."""
        if isinstance(record, EmailSending):
            self.sending[record.message_id.lower()] = record
        elif isinstance(record, EmailNotSent | EmailSent):  # the claim is settled
            self.settle(record.message_id)

    def settle(self, message_id: str) -> bool:
        """Drop the open sending claim of `message_id`; whether there was one."""
        return self.sending.pop(message_id.lower(), None) is not None

    def _add_campaign(self, campaign: CampaignMade) -> None:
        self.campaigns[campaign.campaign_id] = campaign
        for member in campaign.members:
            if member.request_id is not None:
                self.campaign_of[member.request_id] = (campaign, member)

    def apply_request(self, record: Record) -> None:
        if isinstance(record, RequestMade):
            self.requests[record.id] = record
            if record.linked_to is not None:
                self.linked[record.linked_to].append(record.id)
        elif isinstance(record, StatusChanged):
            self.events[record.request_id].append(record)
        elif isinstance(record, EmailSent):
            self.sent_mail[record.request_id].append(record)
        elif isinstance(record, ReplyStored):
            self.replies[record.id] = record
            self.replies_by_request[record.request_id].append(record.id)

    def fill_rest(self, rest: Rest, at: int) -> None:
        """The rest as the index holds it after record `at`."""
        self.profile, self.agent, self.answers = rest.profile, rest.agent, rest.answers
        self.mail_account = rest.mail_account
        self.clients = {c.client_id: c for c in rest.clients}
        self.batches = {b.batch_id: b for b in rest.batches}
        self.scans = list(rest.scans)
        self.answer_reads = {r.reply_id: r for r in rest.answer_reads}
        self.proposals, self.reviews = list(rest.proposals), list(rest.reviews)
        self.campaigns, self.campaign_of = {}, {}
        for campaign in rest.campaigns:
            self._add_campaign(campaign)
        self.agency_findings = list(rest.agency_findings)
        self.sending = {claim.message_id.lower(): claim for claim in rest.sending}
        self.rest_at = at

    def rest(self) -> Rest:
        return Rest(
            profile=self.profile,
            agent=self.agent,
            answers=self.answers,
            mail_account=self.mail_account,
            clients=list(self.clients.values()),
            batches=list(self.batches.values()),
            scans=list(self.scans),
            answer_reads=list(self.answer_reads.values()),
            proposals=list(self.proposals),
            reviews=list(self.reviews),
            campaigns=list(self.campaigns.values()),
            agency_findings=list(self.agency_findings),
            sending=list(self.sending.values()),
        )

    def fill_request(
        self,
        request: RequestMade | None,
        request_id: int,
        events: list[StatusChanged],
        sent_mail: list[EmailSent],
        replies: list[ReplyStored],
    ) -> None:
        """One request's part of the fold, as the index holds it (call `requests_filled` after
        the last)."""
        if request is not None:
            self.requests[request_id] = request
            if request.linked_to is not None:
                self.linked[request.linked_to].append(request_id)
        if events:
            self.events[request_id] = list(events)  # a copy: the index keeps applying to its own
        if sent_mail:
            self.sent_mail[request_id] = list(sent_mail)
        for reply in replies:
            self.replies[reply.id] = reply
            self.replies_by_request[request_id].append(reply.id)

    def requests_filled(self, at: int) -> None:
        self.requests_at = at

    def state(self) -> DerivedState:
        """Everything folded, in a canonical order (requests by id, then the order recorded), so
        that two folds of the same records compare equal however they were filled."""
        return DerivedState(
            profile=self.profile,
            requests=[self.requests[i] for i in sorted(self.requests)],
            events={k: list(self.events[k]) for k in sorted(self.events) if self.events[k]},
            clients=sorted(self.clients.values(), key=lambda c: c.client_id),
            agent=self.agent,
            batches=sorted(self.batches.values(), key=lambda b: b.batch_id),
            answers=self.answers,
            scans=list(self.scans),
            mail_account=self.mail_account,
            sent_mail=[sent for k in sorted(self.sent_mail) for sent in self.sent_mail[k]],
            replies=[self.replies[i] for i in sorted(self.replies)],
            answer_reads=[self.answer_reads[i] for i in sorted(self.answer_reads)],
            proposals=list(self.proposals),
            reviews=list(self.reviews),
            campaigns=[self.campaigns[c] for c in sorted(self.campaigns)],
            agency_findings=list(self.agency_findings),
            sending=[self.sending[m] for m in sorted(self.sending)],
        )
