"""Merge the ranking with what the vault says was asked and answered; score; next actions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from broker_audit.audit.rank import Ranked
from broker_audit.i18n import _, ngettext
from broker_audit.registry.routes import form_route
from broker_audit.registry.schema import Broker
from broker_audit.tracking.due import is_overdue
from broker_audit.tracking.model import RequestView
from broker_audit.tracking.states import AWAITING, State
from broker_audit.vocabulary import KINDS

Writes = Callable[[Broker, str], bool]
"""Whether `broker-audit request BROKER --kind KIND` would write something (a letter, or the
letters to a parent company and a complaint office): `audit` suggests only steps that do."""

_ANSWERED = frozenset({State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED})


@dataclass(frozen=True)
class RequestSummary:
    id: int
    kind: str
    state: str
    sent: dt.date | None
    due: dt.date | None
    overdue: bool
    channel: str = ""


@dataclass(frozen=True)
class BrokerStanding:
    ranked: Ranked
    requests: tuple[RequestSummary, ...]
    covered: bool  # a request was sent
    answered: bool  # the broker answered something
    deleted: bool  # a deletion request was fulfilled


@dataclass(frozen=True)
class Score:
    listed: int
    covered: int
    answered: int
    deleted: int

    @property
    def percent(self) -> int:
        """One number for progress: each broker counts a third for each step done."""
        if not self.listed:
            return 100
        return round(100 * (self.covered + self.answered + self.deleted) / (3 * self.listed))


@dataclass(frozen=True)
class Action:
    text: str
    command: str


def standings(ranked: Sequence[Ranked], views: Sequence[RequestView], today: dt.date) -> list[BrokerStanding]:
    by_broker: dict[str, list[RequestView]] = defaultdict(list)
    for view in views:
        # Requests only: not follow-ups, appeals or complaints about them. A request sent to a
        # parent company for a broker that cannot be reached counts for that broker (`about`).
        found = KINDS.get(view.request.kind)
        if found is None or found.group not in ("chain", "notice"):
            by_broker[view.request.about or view.request.broker_id].append(view)
    out = []
    for r in ranked:
        mine = by_broker.get(r.broker.id, [])
        out.append(
            BrokerStanding(
                ranked=r,
                requests=tuple(
                    RequestSummary(
                        id=v.request.id,
                        kind=v.request.kind,
                        state=v.state.value,
                        sent=v.sent,
                        due=v.due,
                        overdue=is_overdue(v, today),
                        channel=v.request.channel,
                    )
                    for v in mine
                ),
                covered=any(v.sent for v in mine),
                answered=any(e.state in _ANSWERED for v in mine for e in v.events),
                deleted=any(v.request.kind == "delete" and v.state is State.FULFILLED for v in mine),
            )
        )
    return out


def score(rows: Sequence[BrokerStanding]) -> Score:
    return Score(
        listed=len(rows),
        covered=sum(r.covered for r in rows),
        answered=sum(r.answered for r in rows),
        deleted=sum(r.deleted for r in rows),
    )


def next_actions(
    rows: Sequence[BrokerStanding], limit: int = 3, writes: Writes = lambda broker, kind: True
) -> list[Action]:
    """The few steps that matter most now, most urgent first: only steps that write something
    (`writes` says whether a request of a kind to a broker would)."""
    actions: list[Action] = []
    overdue = [r for r in rows if any(q.overdue for q in r.requests)]
    if overdue:
        names = ", ".join(r.ranked.broker.name for r in overdue[:3])
        actions.append(
            Action(
                ngettext(
                    "{count} broker is late ({names}): send the follow-up letters",
                    "{count} brokers are late ({names}): send the follow-up letters",
                    len(overdue),
                ).format(count=len(overdue), names=names),
                "broker-audit followup",
            )
        )
    refused = [r for r in rows if any(q.state in ("denied", "partially-fulfilled") for q in r.requests)]
    if refused:
        names = ", ".join(r.ranked.broker.name for r in refused[:3])
        actions.append(
            Action(
                _("{names} refused a request in whole or in part: appeal or complain").format(names=names),
                "broker-audit followup",
            )
        )
    listed = [
        r
        for r in rows
        if r.ranked.listed
        and not any(q.kind in ("opt-out", "delete") and q.state != "withdrawn" for q in r.requests)
        and writes(r.ranked.broker, "opt-out")
    ]
    for r in listed[:2]:
        broker = r.ranked.broker
        opt_out_form = form_route(broker, "opt-out")
        form = " " + _("or use its opt-out form {url}").format(url=opt_out_form.value) if opt_out_form else ""
        where = f" ({r.ranked.listing})" if r.ranked.listing else ""
        actions.append(
            Action(
                _("{broker} shows a public listing of you{where}: ask it to take it down").format(
                    broker=broker.name, where=where
                )
                + form,
                f"broker-audit request {broker.id} --kind opt-out",
            )
        )
    drafted = [(r, q) for r in rows for q in r.requests if q.state == "drafted"]
    if drafted:
        first = drafted[0][1]
        via = first.channel or "mail"
        actions.append(
            Action(
                ngettext(
                    "{count} letter is written but not marked sent: send it, then record it",
                    "{count} letters are written but not marked sent: send them, then record it",
                    len(drafted),
                ).format(count=len(drafted)),
                f"broker-audit mark {first.id} sent --via {via}",
            )
        )
    untouched = [r for r in rows if not r.requests and writes(r.ranked.broker, "delete")]
    for r in untouched[:2]:
        why = _("sells to immigration enforcement") if r.ranked.tier == 1 else _("likely holds your data")
        actions.append(
            Action(
                _("Ask {broker} to delete your data ({why})").format(broker=r.ranked.broker.name, why=why),
                f"broker-audit request {r.ranked.broker.id} --kind delete",
            )
        )
    accessed = [
        r
        for r in rows
        if r.answered
        and not any(q.kind == "delete" for q in r.requests)
        and writes(r.ranked.broker, "delete")
    ]
    for r in accessed[:1]:
        actions.append(
            Action(
                _("{broker} answered; now ask it to delete your data").format(broker=r.ranked.broker.name),
                f"broker-audit request {r.ranked.broker.id} --kind delete",
            )
        )
    awaiting = [q for r in rows for q in r.requests if q.state in {s.value for s in AWAITING}]
    if not actions and awaiting:
        soonest = min((q for q in awaiting if q.due), key=lambda q: q.due, default=None)  # type: ignore[arg-type,return-value]
        if soonest is not None:
            actions.append(
                Action(
                    _("Wait: the next answer is due {date}").format(date=soonest.due), "broker-audit status"
                )
            )
    return actions[:limit]
