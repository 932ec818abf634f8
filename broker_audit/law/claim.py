"""What a letter claims under a law, decided once: the right, its rule, its period and the clock it
starts, and what an agent may do for it. Pure: no I/O.

A letter is planned with its `Claim` (services/letters.py `plan_letter`), and everything after
reads that one decision: the template's law context (letters/compose.py), the clock the vault
tracks (`Claim.clock`), the clinic cover sheet's period (letters/cover.py) and the warnings. Before,
five places chose "the first of the letter's rights the law gives" and its period each on their own
and agreed only by being written alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from broker_audit.law.deadlines import COURTESY_DAYS, Clock, period_calendar
from broker_audit.law.schema import AgentRule, Law, Period, RightRule
from broker_audit.vocabulary import KINDS, LetterKind


@dataclass(frozen=True)
class Claim:
    """One letter's claim under one law.

    `right`/`rule`: the first of the letter's rights the law gives (None: it gives none of them,
    or no law applies). `applies`: the letter claims under the law (a right it gives, or a kind
    that claims no right, such as a follow-up); otherwise it asks as a request. `clock`: what the
    vault tracks from the day the letter is received.
    """

    law: Law
    letter: LetterKind
    right: str | None
    rule: RightRule | None
    applies: bool
    clock: Clock

    @property
    def period(self) -> Period | None:
        """The response period of the right claimed, from the data (stated or not)."""
        return self.rule.period if self.rule is not None else None

    @property
    def stated_period(self) -> Period | None:
        """The period a letter may state as a day count: its statute text was read."""
        period = self.period
        return period if period is not None and period.text_seen else None

    @property
    def agent(self) -> AgentRule | None:
        """What the law says of an authorized agent for the right claimed."""
        return self.rule.agent if self.rule is not None else None

    @property
    def agent_allowed(self) -> bool:
        return bool(self.agent and self.agent.allowed)

    @property
    def asks_as_request(self) -> bool:
        """The letter names rights the law does not give: it asks for them as a request."""
        return self.law.kind != "none" and bool(self.letter.rights) and self.rule is None


def right_rule(law: Law, letter: LetterKind) -> tuple[str, RightRule] | None:
    """The first of the letter's rights that `law` gives, with its rule."""
    if law.kind == "none":
        return None
    for right in letter.rights:
        rule = law.rights.get(right)
        if rule is not None:
            return right, rule
    return None


def claim_for(law: Law, letter: LetterKind) -> Claim:
    """The claim a letter of `letter`'s kind makes under `law`, with the clock it starts."""
    found = right_rule(law, letter)
    rule = found[1] if found else None
    return Claim(
        law=law,
        letter=letter,
        right=found[0] if found else None,
        rule=rule,
        applies=law.kind != "none" and (rule is not None or not letter.rights),
        clock=_clock(law, letter, rule),
    )


def clock_for(law: Law, letter: LetterKind) -> Clock:
    """The clock a letter of `letter`'s kind under `law` starts when it is received."""
    return claim_for(law, letter).clock


def _clock(law: Law, letter: LetterKind, rule: RightRule | None) -> Clock:
    """Each right has its own period (the CCPA's opt-out: 15 business days; its access: 45 days);
    a right without a period in the data starts no clock. An appeal starts the appeal clock (with
    its extension, when the law allows one); a follow-up or a complaint starts none. A request
    under no privacy law starts the courtesy clock its letter asks for (COURTESY_DAYS), marked as
    such."""
    appeal = law.appeal if law.appeal and law.appeal.available else None
    appeal_days = appeal.response_days if appeal else None
    appeal_extension = (appeal.extension_days or 0) if appeal else 0
    if letter.clock == "appeal":
        return Clock(
            days=appeal_days,
            extension_days=appeal_extension if appeal_days else 0,
            stated=bool(appeal and appeal.text_seen),
            citation=appeal.citation if appeal and appeal.text_seen else "",
        )
    if letter.clock == "right" and law.kind == "none":
        return Clock(days=COURTESY_DAYS, courtesy=True)
    no_clock = Clock(days=None, appeal_days=appeal_days, appeal_extension_days=appeal_extension)
    if letter.clock not in ("right", "records") or law.kind == "none":
        return no_clock
    period = rule.period if rule is not None else None
    if period is None:
        return no_clock
    return Clock(
        days=period.days,
        extension_days=period.extension_days or 0,
        appeal_days=appeal_days,
        appeal_extension_days=appeal_extension,
        working_days=period.unit == "business",
        calendar=period_calendar(period, law),
        stated=period.text_seen,
        citation=period.citation,
    )


def applicable_kinds(law: Law, kinds: Iterable[LetterKind] | None = None) -> list[LetterKind]:
    """The kinds of letter that can be written under `law`, in table order: a records request
    only under an open-records act and nothing else under one; the FCRA file disclosure only
    under the FCRA; an appeal only where the law gives one; a letter to a complaint office only
    where the law names one that can be written to; never a page or a platform row."""
    out = []
    for letter in KINDS.values() if kinds is None else kinds:
        if letter.group in ("page", "platform"):
            continue
        if (letter.group == "records") != (law.kind == "open-records"):
            continue
        if letter.id == "fcra-disclosure" and law.kind != "federal":
            continue
        if letter.clock == "appeal" and not (law.appeal and law.appeal.available):
            continue
        if letter.recipient == "complaint-office" and (law.complaint is None or not law.complaint.reachable):
            continue
        out.append(letter)
    return out
