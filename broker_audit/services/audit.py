"""The exposure audit: who likely holds my data, what they did with it, what is left to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from broker_audit.audit.progress import (
    Action,
    BrokerStanding,
    RequestSummary,
    Score,
    next_actions,
    score,
    standings,
)
from broker_audit.audit.rank import Reason
from broker_audit.audit.told import Told, told_rows
from broker_audit.findings.flowmap import EdgeEvidence, FlowMap
from broker_audit.findings.steps import Step
from broker_audit.i18n import _
from broker_audit.registry.schema import Broker
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.resources import Resources
from broker_audit.tracking.journal import AnswersSet, now
from broker_audit.tracking.records import Answers
from broker_audit.words import state_word


@dataclass(frozen=True)
class AuditReport:
    today: dt.date
    state: str
    law: str
    answers: Answers
    rows: list[BrokerStanding]
    score: Score
    actions: list[Action]
    html: Path | None = None
    # What the brokers' answers showed (confirmed findings only) and what to do about it.
    flow: FlowMap | None = None
    finding_steps: list[Step] = field(default_factory=list)
    told: tuple[Told, ...] = ()  # what each sent letter told whom
    drafted: int = 0  # letters written and not yet sent


class ScoreLine(msgspec.Struct, frozen=True, kw_only=True):
    """How far the requester got, of the brokers listed."""

    listed: int
    covered: int  # asked
    answered: int
    deleted: int
    percent: int


class BrokerLine(msgspec.Struct, frozen=True, kw_only=True):
    """One broker of the audit: why it likely holds the data, and the requests to it."""

    id: str
    name: str
    tier: int  # 1: documented sales to immigration enforcement ... 4: the rest
    likelihood: int
    reasons: list[Reason]
    requests: list[RequestSummary]
    covered: bool
    answered: bool
    deleted: bool


class MapEdge(msgspec.Struct, frozen=True, kw_only=True):
    """One confirmed flow of the person's data, with the findings that show it."""

    number: int
    source: str = msgspec.field(name="from")
    to: str
    role: str
    documented: bool  # from the registry's public records, not from the answers
    source_url: str
    evidence: list[EdgeEvidence]


class AuditMap(msgspec.Struct, frozen=True, kw_only=True):
    edges: list[MapEdge]
    findings_awaiting_review: int


class AuditSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The exposure audit: the data of `audit --json`."""

    date: dt.date
    state: str
    law: str
    answers: Answers
    score: ScoreLine
    next_actions: list[Action]
    brokers: list[BrokerLine]
    told: list[Told]
    drafted: int  # letters written and not yet sent
    map: AuditMap | None  # None until a reply's findings are confirmed
    finding_steps: list[Step]


def audit_summary(report: AuditReport) -> AuditSummary:
    s, flow = report.score, report.flow
    labels = {n.key: n.label for n in flow.nodes} if flow is not None else {}
    return AuditSummary(
        date=report.today,
        state=report.state,
        law=report.law,
        answers=report.answers,
        score=ScoreLine(
            listed=s.listed, covered=s.covered, answered=s.answered, deleted=s.deleted, percent=s.percent
        ),
        next_actions=report.actions,
        brokers=[
            BrokerLine(
                id=row.ranked.broker.id,
                name=row.ranked.broker.name,
                tier=row.ranked.tier,
                likelihood=row.ranked.likelihood,
                reasons=list(row.ranked.reasons),
                requests=list(row.requests),
                covered=row.covered,
                answered=row.answered,
                deleted=row.deleted,
            )
            for row in report.rows
        ],
        told=list(report.told),
        drafted=report.drafted,
        map=None
        if flow is None
        else AuditMap(
            edges=[
                MapEdge(
                    number=e.number,
                    source=labels[e.source],
                    to=labels[e.target],
                    role=e.role,
                    documented=e.documented,
                    source_url=e.url,
                    evidence=e.evidence,
                )
                for e in flow.edges
            ],
            findings_awaiting_review=flow.proposed,
        ),
        finding_steps=report.finding_steps if flow is not None else [],
    )


def run_audit(
    access: VaultAccess,
    *,
    today: dt.date,
    resources: Resources,
    ask: Callable[[Answers | None], Answers | None] | None = None,
    html: Path | None = None,
    limit: int | None = None,
) -> AuditReport:
    """Rank the brokers for the requester and merge in every request from the vault.

    `ask` is called with the stored answers (None on the first run); what it returns, if
    different, is stored in the vault for the next run.
    """
    registry = resources.registry
    laws = resources.laws
    from broker_audit.audit.rank import rank_brokers, with_scan_findings
    from broker_audit.law.choose import law_for_state, platform_for
    from broker_audit.services.drop import drop_summary

    with open_journal(access) as journal:
        profile = require_profile(journal)
        drop = drop_summary(journal)
        answers = journal.answers
        if ask is not None:
            given = ask(answers)
            if given is not None and given != answers:
                journal.append([AnswersSet(answers=given, recorded=now())])
                answers = given
        answers = answers or Answers()
        views = journal.views()
        findings = journal.scan_findings()
        from broker_audit.services.findings import findings_map, findings_steps

        flow = findings_map(journal, registry)
        finding_steps = findings_steps(journal, registry)
    ranked = with_scan_findings(
        rank_brokers(registry.active(), answers, profile.state), findings, registry.active()
    )
    every = standings(ranked, views, today)
    rows = every[:limit] if limit else every
    law = law_for_state(laws, profile.state, on=today)
    # The score and the next actions always count every broker, whatever is shown.
    from broker_audit.services.letters import will_write

    def writes(broker: Broker, kind: str) -> bool:
        return will_write(broker, kind, state=profile.state, law=law, registry=registry)

    actions = next_actions(every, writes=writes)
    platform = platform_for(laws, profile.state)
    if platform is not None:
        # California residents: one state-run request reaches every registered broker; what it
        # does not do is said every time.
        if drop is None:
            text = _(
                "Use the {platform} ({url}): {covers}. But {excludes}. "
                "Record it with `broker-audit drop record --on DATE` to track each broker's result."
            ).format(
                platform=platform.name, url=platform.url, covers=platform.covers, excludes=platform.excludes
            )
            command = platform.url
        else:
            view, counts = drop
            reported = ", ".join(f"{state_word(state)} {n}" for state, n in sorted(counts.items())) or _(
                "none recorded yet"
            )
            due = (
                _("; every registered broker must have processed it by {day}").format(
                    day=view.due.isoformat()
                )
                if view.due
                else ""
            )
            text = _(
                "Your {platform} request of {day} (#{id}): results by broker: {reported}{due}. Record what "
                "DROP shows for each broker. What DROP does not do: {excludes}."
            ).format(
                platform=platform.short_name or platform.name,
                day=view.request.dated.isoformat(),
                id=view.request.id,
                reported=reported,
                due=due,
                excludes=platform.excludes,
            )
            command = "broker-audit drop result BROKER deleted|opted-out|exempted|not-found|pending"
        actions.insert(min(1, len(actions)), Action(text, command))
    told, drafted = told_rows(views)
    report = AuditReport(
        today=today,
        state=profile.state,
        law=law.name,
        answers=answers,
        rows=rows,
        score=score(every),
        actions=actions,
        flow=flow,
        finding_steps=finding_steps,
        told=tuple(told),
        drafted=drafted,
    )
    if html is not None:
        from broker_audit.audit.flow_svg import flow_section
        from broker_audit.audit.html_report import audit_html

        text = audit_html(
            title=_("Data broker exposure audit"),
            today=today,
            state=profile.state,
            law=law.name,
            rows=rows,
            score=report.score,
            actions=[*report.actions, *(Action(s.text, s.command) for s in finding_steps)],
            sections=(flow_section(flow),),
            told=told,
        )
        from broker_audit.files import write_text

        write_text(html, text, what=_("HTML report"))
        report = AuditReport(**{**report.__dict__, "html": html})
    return report
