"""The journal's derived state, sealed in the vault so that opening reads O(new records).

The snapshot holds what folding every record gives: the latest profile, agent and answers, every
request with its events in the order they were recorded, the latest record per client, batches
and scans. The vault seals it bound to the record it was taken after (number and tag), so it can
only be used where that point of the history still exists, and it is rebuilt from the records
whenever it is missing, damaged, of another version, or falls too far behind.

Only facts are kept: due dates and states are computed from them on every read, so a change in
the deadline rules never leaves a stale answer in a snapshot.

The msgpack is compressed (zlib, level 1: 47 MB of state at 100,000 requests becomes 3 MB, in
80 ms each way) before the vault seals it, so reading, sealing and rewriting it move a fifteenth of
the bytes. Compressing before encrypting leaks only the compressed length, to someone who can read
the file; record lengths are visible the same way.
"""

from __future__ import annotations

import zlib

import msgspec

from broker_audit.profile import AgentProfile, Profile
from broker_audit.tracking.campaign_records import AgencyFindingRecorded, CampaignMade
from broker_audit.tracking.finding_records import AnswerRead, FindingsProposed, FindingsReviewed
from broker_audit.tracking.mail_records import EmailSending, EmailSent, MailAccountSet, ReplyStored
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import Answers, BatchMade, ClientSet, ScanResultSet

SNAPSHOT_VERSION = 3
"""Bump when the meaning or shape of `DerivedState` changes: other versions are rebuilt.
2: the mail account, the emails sent and the replies kept. 3: the text read from replies, the
findings proposed and reviewed, the agency campaigns with what each agency's answer showed;
profiles with a reply address, advertising IDs and a default disclosure; requests with what their
letter disclosed; DROP requests and their states (an older broker-audit rebuilds from the records
and meets the v2 request it cannot read); the open sending claims."""


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


_PREFIX = b"broker-audit state " + SNAPSHOT_VERSION.to_bytes(2, "big")
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(DerivedState)


def encode_state(state: DerivedState) -> bytes:
    return _PREFIX + zlib.compress(_encoder.encode(state), 1)


def decode_state(data: bytes) -> DerivedState | None:
    """The state in `data`, or None if it is of another version or does not decode (rebuild)."""
    if not data.startswith(_PREFIX):
        return None
    try:
        return _decoder.decode(zlib.decompress(memoryview(data)[len(_PREFIX) :]))
    except (msgspec.DecodeError, zlib.error):
        return None
