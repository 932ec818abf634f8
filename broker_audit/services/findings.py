"""`broker-audit findings`: read the brokers' answers, propose findings, let the user confirm them.

Reading builds on the replies as `inbox` and `reply --file` stored them (nothing about them
changes): the reply's original is decrypted in memory; its body, text PDFs, scanned PDFs and photos
are read (OCR when installed, else listed as skipped); the text is sealed back into the vault as
blobs bound to an `AnswerRead` record; the findings proposed from it go into a `FindingsProposed`
record. The slow part (reading, OCR) runs before the writer lock is taken; numbers are given
under it. Nothing unconfirmed is a fact: the map, the next steps, the evidence packet and the
clinic's counts read accepted findings only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from broker_audit.errors import UserError
from broker_audit.findings.compare import EarlierAnswer, Promise, compliance_findings, recipient_key
from broker_audit.findings.extract import Proposed, propose
from broker_audit.findings.ledger import Current, current_findings, next_number
from broker_audit.findings.names import ROLES, NameDirectory, agency_entries, broker_entries, identify
from broker_audit.findings.read import ReadResult
from broker_audit.findings.steps import Step, next_steps
from broker_audit.i18n import data_text
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.resources import Resources
from broker_audit.tracking.finding_records import (
    AnswerRead,
    Finding,
    FindingDecision,
    FindingsProposed,
    FindingsReviewed,
    SkippedPart,
    TextPart,
)
from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.mail_records import Payload, ReplyStored
from broker_audit.tracking.next_step import in_chain
from broker_audit.tracking.states import State

if TYPE_CHECKING:
    from broker_audit.findings.flowmap import FlowMap
    from broker_audit.findings.ocr import OcrStatus
    from broker_audit.registry.load import Registry


# --- the directory of names ---------------------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    names: NameDirectory
    display: dict[str, str]  # "agency:us-ice" -> its name
    agency_states: dict[str, str]


def name_directory(registry: Registry, agencies: Sequence[object] | None = None) -> Directory:
    """Brokers of the registry, then the agency directory (`agencies.toml` when it ships, and the
    built-in immigration agencies and Colorado sheriffs); `agencies` replaces that list."""
    from broker_audit.findings.agencies import agency_names

    listed = list(agencies) if agencies is not None else agency_names()
    entries = [*agency_entries(listed), *broker_entries(registry.brokers)]  # type: ignore[arg-type]
    return Directory(
        NameDirectory(entries),
        {e.key: e.name for e in entries},
        {e.key: e.state for e in entries if e.state},
    )


# --- reading a reply ----------------------------------------------------------------------------


def read_reply(journal: Journal, reply: ReplyStored, ocr: OcrStatus) -> ReadResult:
    """The text of a stored reply: its body and every attachment, or the file added by hand."""
    import email
    import email.policy

    from broker_audit.findings.read import read_document
    from broker_audit.mail.parse import iter_attachments, parse_message

    original = journal.read_payload(reply.original)
    result = ReadResult()
    if reply.original_type == "message/rfc822":
        from broker_audit.findings.read import ReadPart

        body = parse_message(original).text
        if body.strip():
            result.parts.append(ReadPart("body", "email-body", (body,)))
        message = email.message_from_bytes(original, policy=email.policy.default)
        for name, content_type, data in iter_attachments(message):
            read_document(name, content_type, data, ocr, result)
    else:
        read_document(reply.original_name, reply.original_type, original, ocr, result)
    return result


def _root(journal: Journal, request_id: int) -> int:
    request = journal.requests[request_id]
    while request.linked_to is not None and in_chain(request.kind) and request.linked_to in journal.requests:
        request = journal.requests[request.linked_to]
    return request.id


def promises_for(journal: Journal, broker_id: str, currents: Sequence[Current]) -> list[Promise]:
    """The user's opt-out and deletion requests to `broker_id`, with the day each binds from and
    a confirmed deletion (the request fulfilled, or an answer's accepted verdict "deleted")."""
    out = []
    for view in journal.views():
        request = view.request
        if request.broker_id != broker_id or request.kind not in ("opt-out", "delete") or view.sent is None:
            continue
        since = view.delivered or view.sent
        deleted_on, deleted_reply = None, None
        if request.kind == "delete":
            fulfilled = next((e for e in view.events if e.state is State.FULFILLED), None)
            if fulfilled is not None:
                deleted_on, deleted_reply = fulfilled.on, fulfilled.reply_id
            for current in currents:
                f = current.finding
                if (
                    current.request_id == request.id
                    and current.confirmed
                    and f.kind == "verdict"
                    and f.detail == "deleted"
                ):
                    reply = journal.replies.get(current.reply_id)
                    if reply is not None and (deleted_on is None or reply.received.date() < deleted_on):
                        deleted_on, deleted_reply = reply.received.date(), reply.id
        out.append(
            Promise(
                request_id=request.id,
                kind=request.kind,
                reference=request.reference,
                since=since,
                received_known=view.delivered is not None,
                deleted_on=deleted_on,
                deleted_reply=deleted_reply,
            )
        )
    return out


def earlier_answers(journal: Journal, broker_id: str, currents: Sequence[Current]) -> list[EarlierAnswer]:
    """The broker's answers already read, with the recipients each listed (not rejected)."""
    out = []
    for reply in journal.replies.values():
        request = journal.requests.get(reply.request_id)
        if request is None or request.broker_id != broker_id or reply.id not in journal.answer_reads:
            continue
        keys = frozenset(
            recipient_key(c.finding.matched, c.finding.value)
            for c in currents
            if c.reply_id == reply.id and c.finding.kind == "recipient" and c.status != "rejected"
        )
        out.append(EarlierAnswer(reply.id, reply.received.date(), keys))
    return out


def _finding(n: int, p: Proposed) -> Finding:
    return Finding(
        n=n,
        kind=p.kind,  # type: ignore[arg-type]
        value=p.value[:300],
        role=p.role,
        matched=p.matched,
        on=p.on,
        part=p.part[:120],
        page=p.page,
        line_no=p.line_no,
        line=p.line[:500],
        detail=p.detail[:1000],
        evidence=list(p.evidence),
        about=p.about,
    )


@dataclass(frozen=True)
class Reading:
    """What was read from one reply (now or earlier)."""

    reply_id: int
    received: dt.date
    parts: tuple[tuple[str, str, int, tuple[int, ...]], ...]  # (name, source, pages, ocr pages)
    skipped: tuple[tuple[str, str], ...]
    ocr_engine: str = ""
    new: bool = False


def _reading(record: AnswerRead, received: dt.date, *, new: bool) -> Reading:
    return Reading(
        record.reply_id,
        received,
        tuple((p.name, p.source, p.pages, tuple(p.ocr_pages)) for p in record.parts),
        tuple((s.name, s.reason) for s in record.skipped),
        record.ocr_engine,
        new,
    )


def read_and_propose(
    journal: Journal,
    replies: Sequence[ReplyStored],
    *,
    directory: Directory,
    ocr: OcrStatus,
    today: dt.date,
) -> list[int]:
    """Read each reply, propose its findings and store both; the ids of the replies read."""
    done: list[int] = []
    for reply in replies:
        result = read_reply(journal, reply, ocr)
        proposed = propose([(p.name, p.pages) for p in result.parts], directory.names, today=today)
        request = journal.requests[reply.request_id]
        currents = current_findings(journal.proposals, journal.reviews)
        if request.broker_id:
            proposed += compliance_findings(
                proposed,
                reply_id=reply.id,
                received=reply.received.date(),
                promises=promises_for(journal, request.broker_id, currents),
                earlier=earlier_answers(journal, request.broker_id, currents),
            )
        texts = [p.text.encode("utf-8") for p in result.parts]

        def build(refs: list[Payload], result: ReadResult = result, reply: ReplyStored = reply) -> AnswerRead:
            return AnswerRead(
                reply_id=reply.id,
                request_id=reply.request_id,
                parts=[
                    TextPart(
                        name=p.name,
                        source=p.source,  # type: ignore[arg-type]
                        pages=len(p.pages),
                        ocr_pages=list(p.ocr_pages),
                        chars=len(p.text),
                        sha256=p.sha256,
                        text=ref,
                    )
                    for p, ref in zip(result.parts, refs, strict=True)
                ],
                skipped=[SkippedPart(name=n, reason=r[:500]) for n, r in result.skipped],
                ocr_engine=ocr.engine if result.ocr_used else "",
                recorded=now(),
            )

        with journal.write():  # numbers are read under the writer lock
            first = next_number(journal.proposals, reply.request_id)
            proposal = FindingsProposed(
                reply_id=reply.id,
                request_id=reply.request_id,
                broker_id=request.broker_id,
                findings=[_finding(first + i, p) for i, p in enumerate(proposed)],
                recorded=now(),
            )
            journal.append_many_with_payloads([(texts, build)], after=[proposal])
        done.append(reply.id)
    return done


# --- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingsReport:
    request_id: int
    broker_id: str
    broker_name: str
    reference: str
    kind: str
    readings: list[Reading] = field(default_factory=list)
    findings: list[Current] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    display: dict[str, str] = field(default_factory=dict)
    ocr_missing: str = ""


class ReviewedFinding(Finding, kw_only=True, frozen=True):
    """A finding with where its review stands."""

    status: str  # proposed, accepted or rejected
    reply: int  # the reply it was read from
    edited: bool  # the user corrected it


class FindingsSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One request's replies as read and what they say: the data of `findings ID --json`."""

    request: int
    broker: str
    broker_name: str
    reference: str
    readings: list[Reading]
    findings: list[ReviewedFinding]
    next_steps: list[Step]
    ocr_missing: str  # why scans were not read ("" when OCR is installed)


def findings_summary(report: FindingsReport) -> FindingsSummary:
    return FindingsSummary(
        request=report.request_id,
        broker=report.broker_id,
        broker_name=report.broker_name,
        reference=report.reference,
        readings=report.readings,
        findings=[
            ReviewedFinding(
                **msgspec.structs.asdict(c.finding), status=c.status, reply=c.reply_id, edited=c.edited
            )
            for c in report.findings
        ],
        next_steps=report.steps,
        ocr_missing=report.ocr_missing,
    )


def _report(
    journal: Journal, request_id: int, directory: Directory, new: Sequence[int], ocr_missing: str
) -> FindingsReport:
    request = journal.requests[request_id]
    readings = []
    for reply in journal.request_replies(request_id):
        record = journal.answer_reads.get(reply.id)
        if record is not None:
            readings.append(_reading(record, reply.received.date(), new=reply.id in new))
    currents = current_findings(journal.proposals, journal.reviews, request_id)
    asked = {r.broker_id for r in journal.requests.values() if r.broker_id}
    steps = next_steps(
        currents,
        asked_brokers=asked,
        broker_names={k.split(":", 1)[1]: v for k, v in directory.display.items() if k.startswith("broker:")},
        agency_states=directory.agency_states,
        display=directory.display,
    )
    return FindingsReport(
        request_id=request_id,
        broker_id=request.broker_id,
        broker_name=request.recipient_name,
        reference=request.reference,
        kind=request.kind,
        readings=readings,
        findings=currents,
        steps=steps,
        display={k: v for k, v in directory.display.items() if any(c.finding.matched == k for c in currents)},
        ocr_missing=ocr_missing if any(r.skipped for r in readings) else "",
    )


def show_findings(
    access: VaultAccess,
    request_id: int,
    *,
    resources: Resources,
    today: dt.date,
    ocr: OcrStatus | None = None,
    reread: bool = False,
    agencies: Sequence[object] | None = None,
) -> FindingsReport:
    """Read the request's replies not read yet (all of them with `reread`), propose findings,
    and return what stands for the request."""
    registry = resources.registry
    from broker_audit.findings.ocr import availability

    status = ocr or availability()
    directory = name_directory(registry, agencies)
    with open_journal(access) as journal:
        journal.view(request_id)  # UnknownRequest for a wrong id
        root = _root(journal, request_id)
        replies = [r for r in journal.request_replies(root) if reread or r.id not in journal.answer_reads]
        new = read_and_propose(journal, replies, directory=directory, ocr=status, today=today)
        return _report(journal, root, directory, new, status.missing)


@dataclass(frozen=True)
class RequestCount:
    request_id: int
    broker_name: str
    replies: int
    proposed: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class FindingsOverview:
    read_now: int
    requests: list[RequestCount]
    skipped: list[tuple[int, str, str]]  # (reply id, part, why)
    ocr_missing: str = ""


def read_all(
    access: VaultAccess,
    *,
    resources: Resources,
    today: dt.date,
    ocr: OcrStatus | None = None,
    agencies: Sequence[object] | None = None,
) -> FindingsOverview:
    """Read every reply not read yet; counts of findings per request."""
    registry = resources.registry
    from broker_audit.findings.ocr import availability

    status = ocr or availability()
    directory = name_directory(registry, agencies)
    with open_journal(access) as journal:
        unread = [r for r in journal.replies.values() if r.id not in journal.answer_reads]
        new = read_and_propose(journal, unread, directory=directory, ocr=status, today=today)
        currents = current_findings(journal.proposals, journal.reviews)
        rows = []
        for request_id in sorted({r.request_id for r in journal.replies.values()}):
            mine = [c for c in currents if c.request_id == request_id]
            rows.append(
                RequestCount(
                    request_id,
                    journal.requests[request_id].recipient_name,
                    len(journal.replies_by_request.get(request_id, ())),
                    sum(c.status == "proposed" for c in mine),
                    sum(c.status == "accepted" for c in mine),
                    sum(c.status == "rejected" for c in mine),
                )
            )
        skipped = [
            (reply_id, s.name, s.reason)
            for reply_id, record in sorted(journal.answer_reads.items())
            for s in record.skipped
        ]
    return FindingsOverview(len(new), rows, skipped, status.missing if skipped else "")


@dataclass(frozen=True)
class Edit:
    n: int
    value: str | None = None
    role: str | None = None
    on: dt.date | None = None


def review_findings(
    access: VaultAccess,
    request_id: int,
    *,
    resources: Resources,
    accept: Sequence[int] = (),
    reject: Sequence[int] = (),
    edit: Edit | None = None,
    agencies: Sequence[object] | None = None,
) -> FindingsReport:
    """Accept, reject or correct (and so accept) findings of a request."""
    registry = resources.registry
    directory = name_directory(registry, agencies)
    if edit is not None and edit.role is not None and edit.role not in ROLES:
        raise UserError(f"unknown role {edit.role!r}", "a role is one of: " + ", ".join(ROLES))
    both = set(accept) & set(reject)
    if both:
        raise UserError(f"finding {min(both)} is both accepted and rejected", "name each number once")
    with open_journal(access) as journal:
        journal.view(request_id)
        root = _root(journal, request_id)
        with journal.write():  # the findings as they stand, read under the writer lock
            currents = {c.finding.n: c for c in current_findings(journal.proposals, journal.reviews, root)}
            wanted = [*accept, *reject, *([edit.n] if edit else [])]
            unknown = [n for n in wanted if n not in currents]
            if unknown:
                have = ", ".join(str(n) for n in sorted(currents)) or "none"
                raise UserError(
                    f"request #{root} has no finding {unknown[0]}",
                    f"its findings are: {have} (see `broker-audit findings {root}`)",
                )
            decisions = [FindingDecision(n=n, decision="accepted") for n in accept]
            decisions += [FindingDecision(n=n, decision="rejected") for n in reject]
            if edit is not None:
                decisions.append(
                    FindingDecision(
                        n=edit.n, decision="accepted", edited=_edited(currents[edit.n], edit, directory)
                    )
                )
            if not decisions:
                raise UserError("nothing to do", "name findings with --accept, --reject or --edit")
            journal.append([FindingsReviewed(request_id=root, decisions=decisions, recorded=now())])
        return _report(journal, root, directory, (), "")


def _edited(current: Current, edit: Edit, directory: Directory) -> Finding:
    import msgspec

    f = current.finding
    changes: dict[str, object] = {}
    if edit.value is not None:
        value = " ".join(edit.value.split())
        if not value:
            raise UserError("--value is empty", "give the corrected name or category")
        changes["value"] = value
        if f.kind in ("source", "recipient"):
            found = identify(value, directory.names)
            changes["matched"] = found.matched
            changes["role"] = found.role
    if edit.role is not None:
        changes["role"] = edit.role
    if edit.on is not None:
        changes["on"] = edit.on
    if not changes:
        raise UserError("--edit needs --value, --role or --on", "e.g. --edit 3 --role law-enforcement")
    return msgspec.structs.replace(f, **changes)


# --- what other commands read: confirmed findings only --------------------------------------------


def confirmed_findings(journal: Journal, request_id: int | None = None) -> list[Current]:
    return [c for c in current_findings(journal.proposals, journal.reviews, request_id) if c.confirmed]


def findings_map(journal: Journal, registry: Registry) -> FlowMap:
    """The map of confirmed findings, with the registry's documented sales of the brokers in it."""
    from broker_audit.findings.flowmap import RequestFacts, build_map

    directory = name_directory(registry)
    facts = {}
    for request_id, request in journal.requests.items():
        dates = {
            i: journal.replies[i].received.date() for i in journal.replies_by_request.get(request_id, ())
        }
        facts[request_id] = RequestFacts(request.broker_id, request.recipient_name, request.reference, dates)
    documented: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for broker_id in {r.broker_id for r in journal.requests.values() if r.broker_id}:
        try:
            broker = registry.get(broker_id)
        except Exception:  # a broker no longer in the registry: nothing documented to draw
            continue
        documented[broker_id] = [
            (
                e.recipient,
                e.agency,
                data_text(e.summary),
                e.source,
                identify(e.agency, directory.names).matched,
            )
            for e in broker.law_enforcement
        ]
    return build_map(
        current_findings(journal.proposals, journal.reviews),
        facts,
        documented=documented,
        names=directory.display,
    )


def findings_steps(journal: Journal, registry: Registry) -> list[Step]:
    directory = name_directory(registry)
    asked = {r.broker_id for r in journal.requests.values() if r.broker_id}
    return next_steps(
        confirmed_findings(journal),
        asked_brokers=asked,
        broker_names={k.split(":", 1)[1]: v for k, v in directory.display.items() if k.startswith("broker:")},
        agency_states=directory.agency_states,
        display=directory.display,
    )


def immigration_flags(journal: Journal, request_id: int) -> list[Current]:
    """Confirmed findings of the request that name immigration enforcement as a recipient."""
    return [
        c
        for c in confirmed_findings(journal, request_id)
        if c.finding.kind == "recipient" and c.finding.role == "immigration-enforcement"
    ]


def findings_text(journal: Journal, request_id: int) -> str:
    """The request's confirmed findings as plain text for the evidence packet ("" when none)."""
    currents = confirmed_findings(journal, request_id)
    if not currents:
        return ""
    lines = [
        "Findings confirmed from the company's answers",
        "=============================================",
        "",
        "Each finding was proposed by broker-audit from the line quoted and confirmed by the requester.",
        "",
    ]
    for c in currents:
        f = c.finding
        reply = journal.replies.get(c.reply_id)
        received = reply.received.date().isoformat() if reply else "?"
        flag = (
            "FLAG: IMMIGRATION ENFORCEMENT. "
            if f.role == "immigration-enforcement" and f.kind != "holds"
            else ""
        )
        dated = f", dated {f.on.isoformat()}" if f.on else ""
        what = f"{f.kind}: {f.value}" + (f" ({f.role})" if f.role else "") + dated
        lines.append(f"{f.n}. {flag}{what}")
        lines.append(f"   from reply #{c.reply_id} of {received}, {f.part} page {f.page} line {f.line_no}:")
        lines.append(f'   "{f.line}"')
        if f.detail:
            lines.append(f"   {f.detail}")
        lines.append("")
    return "\n".join(lines) + "\n"


def compliance_details(journal: Journal, request_id: int) -> str:
    """The text a complaint cites for confirmed compliance findings about `request_id` ("" when
    there are none)."""
    out = []
    for c in current_findings(journal.proposals, journal.reviews):
        f = c.finding
        if not c.confirmed or f.kind != "compliance" or f.about != request_id:
            continue
        replies = [journal.replies[r] for r in f.evidence if r in journal.replies]
        answers = " and ".join(f"its answer of {r.received.date().isoformat()}" for r in replies)
        out.append(
            f"The company's own answers show that it did not honor this request: {f.detail} "
            + (f"See {answers}, enclosed. " if answers else "")
            + f'The answer says: "{f.line}".'
        )
    return "\n\n".join(out)
