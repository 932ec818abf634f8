"""Named rules over `laws.toml`, run by `broker-audit registry check` beside the broker rules.

Each rule has a stable id (L-prefixed, never reused), a description and a fix, like the broker
rules in `registry/check.py`. L005 renders every letter kind under every law with a made-up
requester, so a template that reads a field a law lacks fails there, not in someone's letter;
rendering is above the law layer, so that rule runs in `services/lettercheck.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from broker_audit.calendars import STATE_CALENDARS
from broker_audit.law.schema import Law, RightRule
from broker_audit.provenance import is_proxy_url

Severity = Literal["error", "warning"]
_SUBSECTION = re.compile(r"\([0-9a-zA-Z.]+\)")


@dataclass(frozen=True)
class LawRule:
    id: str
    name: str
    description: str
    fix: str


LAW_RULES: tuple[LawRule, ...] = (
    LawRule(
        "L001",
        "right-cited",
        "Every right of a law has a citation, a scope in words a letter can use, and a source.",
        "Add the subsection, the scope and the page of the statute text.",
    ),
    LawRule(
        "L002",
        "right-has-period",
        "Every right of a comprehensive law in force has a response period with its unit and a "
        "source (warning: without one, no clock runs in the vault).",
        "Find the response period in the statute (usually the section on responding to requests).",
    ),
    LawRule(
        "L003",
        "period-from-statute",
        "A response period whose statute text was not read (only guidance or a summary) is listed "
        "(warning): the vault tracks it, but letters state no day count until the text is read.",
        "Read the statute text of the period and set `text_seen = true` with its source.",
    ),
    LawRule(
        "L004",
        "appeal-period",
        "An appeal the law grants has a decision period from a primary source (warning).",
        "Find the appeal subsection and add `response_days` with its source.",
    ),
    LawRule(
        "L005",
        "templates-render",
        "Every letter kind renders under every law with a made-up requester: no template reads a "
        "field the law lacks.",
        "Fix the template, or give the law the field it needs.",
    ),
    LawRule(
        "L006",
        "no-proxy-or-mirror",
        "No law's source URL is a proxy, mirror or cache.",
        "Cite the statute page itself; keep where it was read in a note.",
    ),
    LawRule(
        "L007",
        "clean-legal-words",
        "Citations, scopes, subjects and the other words a letter prints are clean: no research "
        'remark ("not seen", "inferred", "per Optery", "?", "NOT", "unconfirmed") in them.',
        "Move the remark into the entry's `note` and leave the citation or scope as a letter prints it.",
    ),
    LawRule(
        "L008",
        "unread-citation-unprinted",
        "No letter prints a citation whose text was not read (a right, period, appeal or agent rule "
        "with `text_seen = false`): letters render with a made-up requester and are searched for it.",
        "Read the section and set `text_seen = true`, or make the template print the Act's citation.",
    ),
    LawRule(
        "L009",
        "business-day-calendar",
        "A business- or working-day period names the public holidays it skips (`holidays = "
        '"federal"` or `"state"`), and a state calendar exists for its state in calendars.py.',
        "Read what the law (or its regulation) says about holidays; add the state's calendar if needed.",
    ),
    LawRule(
        "L010",
        "complaint-office",
        "A privacy law in force names where its residents complain (warning when missing); a complaint "
        "letter is written only to an office with a form or an email address.",
        "Find the enforcing office's complaint page on its own site and add `[law.complaint]`.",
    ),
    LawRule(
        "L011",
        "context-cited-as-read",
        "A statute a letter names as context carries no subsection unless its text was read "
        "(`text_seen`), and says what it is about.",
        'Cite the article or section ("C.R.S. 24-74-101 et seq.") until the subsection\'s text is read.',
    ),
)
LAW_RULE_BY_ID = {r.id: r for r in LAW_RULES}


@dataclass(frozen=True)
class LawFinding:
    rule: str
    severity: Severity
    message: str
    law: str
    where: str = ""

    @property
    def fix(self) -> str:
        return LAW_RULE_BY_ID[self.rule].fix


def check_laws(laws: Sequence[Law], *, today: dt.date) -> list[LawFinding]:
    """Every law rule over the law data but L005 and L008, which render letters
    (services/lettercheck.py)."""
    from broker_audit.law.choose import in_force

    out: list[LawFinding] = []
    for law in laws:
        current = in_force(law, today)
        for right, rule in law.rights.items():
            out += _right_rules(law, right, rule, current)
        appeal = law.appeal
        if appeal is not None and appeal.available and (appeal.response_days is None or not appeal.text_seen):
            days = f"{appeal.response_days} days" if appeal.response_days else "no period"
            out.append(
                LawFinding("L004", "warning", f"appeal: {days}, not from statute text", law.id, "appeal")
            )
        out += _context_rules(law)
        out += [
            LawFinding("L007", "error", f"{where} has a research remark: {text!r}", law.id, where)
            for where, text in printed_words(law)
            if REMARK.search(text)
        ]
        if law.kind in ("state-comprehensive", "state-data-broker") and current:
            out += _complaint_rule(law)
        out += [
            LawFinding("L006", "error", f"{where} is a proxy or mirror URL: {url}", law.id, where)
            for where, url in _law_urls(law)
            if is_proxy_url(url)
        ]
    return out


def _right_rules(law: Law, right: str, rule: RightRule, in_force: bool) -> list[LawFinding]:
    """L001 (a citation and a scope), L002 (a response period, for a comprehensive law in force),
    L003 (a period read in the statute's text), L009 (a business-day period's calendar)."""
    out: list[LawFinding] = []
    where = f"rights.{right}"
    if not rule.citation.strip() or not rule.scope.strip():
        out.append(LawFinding("L001", "error", f"{right} has no citation or no scope", law.id, where))
    period = rule.period
    if period is None:
        if law.kind == "state-comprehensive" and in_force:
            out.append(LawFinding("L002", "warning", f"{right} has no response period", law.id, where))
        return out
    if not period.text_seen:
        out.append(
            LawFinding(
                "L003",
                "warning",
                f"{right}: {period.days} {period.unit} days from a {period.grade} source whose "
                "statute text was not read: letters state no day count",
                law.id,
                where + ".period",
            )
        )
    if period.unit == "business":
        out += _calendar_findings(law, period.holidays, where + ".period")
    return out


def _context_rules(law: Law) -> list[LawFinding]:
    """L011: each statute a letter quotes for context has its citation and words, and a
    subsection is cited only where its text was read."""
    out: list[LawFinding] = []
    for i, statute in enumerate(law.context):
        where = f"context[{i}]"
        if not statute.words.strip() or not statute.citation.strip():
            out.append(
                LawFinding("L011", "error", "context statute without citation or words", law.id, where)
            )
        elif not statute.text_seen and _SUBSECTION.search(statute.citation):
            out.append(
                LawFinding(
                    "L011",
                    "error",
                    f"{statute.citation} cites a subsection whose text was not read",
                    law.id,
                    where,
                )
            )
    return out


def _complaint_rule(law: Law) -> list[LawFinding]:
    """L010: a state law in force names its complaint office, with a form or an e-mail."""
    if law.complaint is None:
        return [LawFinding("L010", "warning", "no complaint office", law.id, "complaint")]
    if not (law.complaint.url or law.complaint.email):
        return [
            LawFinding(
                "L010",
                "warning",
                f"{law.complaint.office}: no complaint form or email known; follow-ups name the "
                "office, no complaint letter is written",
                law.id,
                "complaint",
            )
        ]
    return []


# What marks a research remark in words a letter prints (rule L007).
REMARK = re.compile(
    r"\bnot (?:seen|read|confirmed|verified)\b|\bunconfirmed\b|\binferred\b|\bper\s+[A-Z]|\?"
    r"|\bNOT\b|\bTODO\b|\bresearch\b|\bassumed\b|\bguess|\(letter\b|\bsection not\b"
)


def printed_words(law: Law) -> Iterable[tuple[str, str]]:
    """(where, text) for every field of `law` that a letter or a cover sheet may print."""
    yield "citation", law.citation
    yield "name", law.name
    if law.refer_as:
        yield "refer_as", law.refer_as
    for right, rule in law.rights.items():
        yield from _printed_right(f"rights.{right}", rule)
    yield from _printed_procedure(law)
    for i, statute in enumerate(law.context):
        yield f"context[{i}].citation", statute.citation
        yield f"context[{i}].words", statute.words
        if statute.history:
            yield f"context[{i}].history", statute.history
    for name in ("verification_limit", "electronic_delivery"):
        entry = getattr(law, name)
        if entry is not None:
            yield f"{name}.citation", entry.citation
            if getattr(entry, "scope", ""):
                yield f"{name}.scope", entry.scope


def _printed_procedure(law: Law) -> Iterable[tuple[str, str]]:
    """The printed fields of the law's appeal, complaint office and request platform."""
    if law.appeal is not None:
        if law.appeal.citation:
            yield "appeal.citation", law.appeal.citation
        if law.appeal.extension_when:
            yield "appeal.extension_when", law.appeal.extension_when
    if law.complaint is not None:
        yield "complaint.office", law.complaint.office
    if law.platform is not None:
        for field in ("name", "citation", "covers", "excludes"):
            yield f"platform.{field}", getattr(law.platform, field)


def _printed_right(base: str, rule: RightRule) -> Iterable[tuple[str, str]]:
    """The printed fields of one right: its own, its period's, its agent's."""
    for field in ("citation", "scope", "title", "verb", "beyond", "explain"):
        value = getattr(rule, field)
        if value:
            yield f"{base}.{field}", value
    if rule.period is not None:
        yield f"{base}.period.citation", rule.period.citation
        if rule.period.extension_when:
            yield f"{base}.period.extension_when", rule.period.extension_when
    if rule.agent is not None:
        for field in ("scope", "claim_citation", "rest", "citation"):
            value = getattr(rule.agent, field)
            if value:
                yield f"{base}.agent.{field}", value


def citations(law: Law) -> tuple[set[str], set[str]]:
    """(read, unread): the citations in `law` whose text was read (with the Act's own citation,
    which names the Act, not a section), and those whose text was not, less any also read."""
    read: set[str] = {law.citation}
    unread: set[str] = set()
    for rule in law.rights.values():
        (read if rule.text_seen else unread).add(rule.citation)
        if rule.period is not None:
            (read if rule.period.text_seen else unread).add(rule.period.citation)
        agent = rule.agent
        if agent is not None and agent.allowed and agent.citation:
            (read if agent.text_seen else unread).add(agent.citation)
            if agent.claim_citation:
                (read if agent.text_seen else unread).add(agent.claim_citation)
    appeal = law.appeal
    if appeal is not None and appeal.available and appeal.citation:
        (read if appeal.text_seen else unread).add(appeal.citation)
    read = {c for c in read if c.strip()}
    return read, {c for c in unread - read if c.strip()}


def printed_unread(text: str, law: Law) -> list[str]:
    """The citations of `law` whose text was not read that `text` (a rendered letter) prints.
    Read citations are taken out first, so "30-14-2808" (unread) is not found inside
    "30-14-2808(1)(a)" (read); a citation counts only where no subsection letter follows it."""
    read, unread = citations(law)
    flat = " ".join(text.split())
    for citation in sorted(read, key=len, reverse=True):
        flat = flat.replace(citation, " ")
    return [c for c in sorted(unread) if re.search(re.escape(c) + r"(?![\w(])", flat)]


def _calendar_findings(law: Law, holidays: str | None, where: str) -> list[LawFinding]:
    if holidays is None:
        return [LawFinding("L009", "error", "a business-day period with no `holidays`", law.id, where)]
    if holidays == "state" and law.jurisdiction not in STATE_CALENDARS:
        return [
            LawFinding(
                "L009",
                "error",
                f"no state holiday calendar for {law.jurisdiction} in calendars.py",
                law.id,
                where,
            )
        ]
    return []


def _law_urls(law: Law) -> Iterable[tuple[str, str]]:
    if law.source:
        yield "source", law.source
    for right, rule in law.rights.items():
        yield f"rights.{right}.source", rule.source
        if rule.period is not None:
            yield f"rights.{right}.period.source", rule.period.source
    if law.appeal is not None:
        yield "appeal.source", law.appeal.source
    if law.complaint is not None:
        yield "complaint.source", law.complaint.source
    for i, statute in enumerate(law.context):
        yield f"context[{i}].source", statute.source
