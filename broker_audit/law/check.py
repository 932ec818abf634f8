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

from broker_audit.law.schema import Law
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
        "A response period read only in a secondary source or in guidance is listed (warning): the "
        "vault tracks it, but letters state no day count until the statute text is read.",
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
    """Every law rule over the law data but L005, which renders letters (services/lettercheck.py)."""
    from broker_audit.law.choose import in_force

    out: list[LawFinding] = []
    for law in laws:
        for right, rule in law.rights.items():
            where = f"rights.{right}"
            if not rule.citation.strip() or not rule.scope.strip():
                out.append(LawFinding("L001", "error", f"{right} has no citation or no scope", law.id, where))
            period = rule.period
            if period is None:
                if law.kind == "state-comprehensive" and in_force(law, today):
                    out.append(
                        LawFinding("L002", "warning", f"{right} has no response period", law.id, where)
                    )
            elif not period.text_seen or period.grade != "primary":
                out.append(
                    LawFinding(
                        "L003",
                        "warning",
                        f"{right}: {period.days} {period.unit} days from a {period.grade} source, statute "
                        f"text {'seen' if period.text_seen else 'not seen'}: letters state no day count",
                        law.id,
                        where + ".period",
                    )
                )
        appeal = law.appeal
        if (
            appeal is not None
            and appeal.available
            and (appeal.response_days is None or appeal.grade != "primary" or not appeal.text_seen)
        ):
            days = f"{appeal.response_days} days" if appeal.response_days else "no period"
            out.append(
                LawFinding("L004", "warning", f"appeal: {days}, not from statute text", law.id, "appeal")
            )
        for i, statute in enumerate(law.context):
            where = f"context[{i}]"
            if not statute.words.strip() or not statute.citation.strip():
                out.append(
                    LawFinding("L007", "error", "context statute without citation or words", law.id, where)
                )
            elif not statute.text_seen and _SUBSECTION.search(statute.citation):
                out.append(
                    LawFinding(
                        "L007",
                        "error",
                        f"{statute.citation} cites a subsection whose text was not read",
                        law.id,
                        where,
                    )
                )
        for where, url in _law_urls(law):
            if is_proxy_url(url):
                out.append(
                    LawFinding("L006", "error", f"{where} is a proxy or mirror URL: {url}", law.id, where)
                )
    return out


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
