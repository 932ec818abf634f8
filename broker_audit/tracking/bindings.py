"""`vault verify`'s check of what the log says about replies: each reply bound to its request.

The vault's chain proves that no record was changed, removed or reordered; it cannot prove that a
record was right when it was written. Runs of an older broker-audit in parallel could store two
replies under one id (the second then hid the first from `show` and the complaint packet) or the
same message twice. So the whole log is read in order and:

- every reply has an id no earlier reply has, and belongs to a request made before it;
- the stored original it references is bound to its own record (the blob's record number);
- every status change read from a reply names a reply stored before it, of the same request;
- the same message (by Message-ID, else by digest) kept twice is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from broker_audit.tracking.mail_records import BlobRef, ReplyStored
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.records import decode


@dataclass
class BindingReport:
    problems: list[str] = field(default_factory=list)  # the log says something false
    warnings: list[str] = field(default_factory=list)  # the log repeats itself
    replies: int = 0


def check_reply_bindings(numbered: Iterable[tuple[int, bytes]]) -> BindingReport:
    """Walk every record (number, plaintext) in order; see the module docstring."""
    report = BindingReport()
    requests: set[int] = set()
    replies: dict[int, tuple[int, int]] = {}  # reply id -> (record number, request id)
    identities: dict[str, int] = {}  # identity -> reply id
    for number, data in numbered:
        record = decode(number, data)
        if isinstance(record, RequestMade):
            requests.add(record.id)
        elif isinstance(record, ReplyStored):
            report.replies += 1
            earlier = replies.get(record.id)
            if earlier is not None:
                report.problems.append(
                    f"reply #{record.id} is stored twice (records {earlier[0]} and {number}): the later one "
                    "hides the earlier from its request"
                )
            if record.request_id not in requests:
                report.problems.append(
                    f"reply #{record.id} (record {number}) belongs to request #{record.request_id}, "
                    "which no earlier record made"
                )
            if isinstance(record.original, BlobRef) and record.original.record != number:
                report.problems.append(
                    f"reply #{record.id} (record {number}) points at an original stored with record "
                    f"{record.original.record}"
                )
            replies.setdefault(record.id, (number, record.request_id))
            twin = identities.get(record.identity)
            if twin is not None and twin != record.id:
                report.warnings.append(f"replies #{twin} and #{record.id} are the same message, kept twice")
            identities.setdefault(record.identity, record.id)
        elif isinstance(record, StatusChanged) and record.reply_id is not None:
            owner = replies.get(record.reply_id)
            if owner is None:
                report.problems.append(
                    f"record {number} changes request #{record.request_id} from reply #{record.reply_id}, "
                    "which no earlier record stored"
                )
            elif owner[1] != record.request_id:
                report.problems.append(
                    f"record {number} changes request #{record.request_id} from reply #{record.reply_id}, "
                    f"which belongs to request #{owner[1]}"
                )
    return report
