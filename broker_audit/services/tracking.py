"""Status of requests and status changes."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import msgspec

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.i18n import _
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.tracking.due import Current, overdue_on
from broker_audit.tracking.index import Listed, RequestIndex, listed_of
from broker_audit.tracking.journal import Journal, paused_gc
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import AWAITING, TRANSITIONS, State, parse_state
from broker_audit.vocabulary import CHANNELS as VIAS
from broker_audit.words import channel_done


class StatusRow(msgspec.Struct, frozen=True, gc=False):
    """One request as `status` lists it. Its fields are the keys of `status --json`, in order
    (a msgspec struct: 100,000 of them are made in 20 ms, and they encode straight to JSON)."""

    id: int
    broker: str
    broker_name: str
    kind: str
    state: str
    law: str
    sent: dt.date | None
    delivered: dt.date | None
    due: dt.date | None
    due_estimated: bool
    due_courtesy: bool  # no law sets the date: the time the letter asked for, a courtesy
    channel: str
    days_left: int | None
    overdue: bool
    reference: str
    # Every route an artefact was written for ("mail: ...", then "web-form: ..." for the sheet of
    # the company's web form written beside a mail letter).
    routes: list[str] = []


Entry = tuple[RequestMade, Current]
"""A request and what its events say now (`Journal.current`)."""

DUE_SOON_DAYS = 7
"""A request whose legal due date is at most this many days away is due soon."""

DEFAULT_LIMIT = 50
"""Rows the status table shows unless asked for more: the most urgent ones."""


@dataclass(frozen=True)
class StatusQuery:
    """Which requests `status` shows. Each tuple is a set of allowed values (empty: any)."""

    brokers: tuple[str, ...] = ()  # broker ids, names or aliases; "a,b" is a and b unless a name
    states: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    batches: tuple[str, ...] = ()
    overdue_only: bool = False


@dataclass(frozen=True)
class StatusReport:
    """The status of the requests a query selects, counted, with the rows to show."""

    today: dt.date
    total: int  # every request in the vault
    matched: int  # the requests the query selects
    by_state: dict[str, int]  # matched requests per state, in the lifecycle's order, none empty
    overdue: int
    due_soon: int  # awaiting an answer, due within DUE_SOON_DAYS, not yet overdue
    rows: list[StatusRow]  # urgent first (or by id), at most `limit`
    limit: int | None
    clinic: bool = False  # a clinic's vault (no person's profile): its letters come from `bulk letters`

    @property
    def hidden(self) -> int:
        """Matched requests not in `rows`."""
        return self.matched - len(self.rows)


def status_rows(
    access: VaultAccess, *, today: dt.date, overdue_only: bool = False, query: StatusQuery | None = None
) -> list[StatusRow]:
    """Every request the query selects (all when none), by id."""
    query = query or StatusQuery(overdue_only=overdue_only)
    with open_journal(access) as journal, journal.vault.reading(), paused_gc():
        index = journal.index
        listed = list(index.all_listed()) if index is not None else _listed_from(journal)
        return [row_of(item, today) for item in select_listed(listed, query, today)]


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise UserError(
            _("--limit {limit} is negative").format(limit=limit), _("give a number of rows, or --all")
        )


def status_report(
    access: VaultAccess,
    *,
    today: dt.date,
    query: StatusQuery | None = None,
    limit: int | None = DEFAULT_LIMIT,
    urgent_first: bool = True,
) -> StatusReport:
    """Counts by state of the selected requests and the rows to show: with `urgent_first`, the
    overdue ones (longest overdue first), then those due soon, then the others awaiting an
    answer by due date, then the rest by id; at most `limit` rows (None: all).

    Without a filter, the counts come from the vault's derived index (its summary and its
    due-date pages) and only the rows shown are read; with one, every request's listed facts are
    read (not the requests themselves)."""
    query = query or StatusQuery()
    _check_limit(limit)
    with open_journal(access) as journal, journal.vault.reading(), paused_gc():
        index = journal.index
        if index is None:
            report = report_over(
                _listed_from(journal), today=today, query=query, limit=limit, urgent_first=urgent_first
            )
        elif _filtered(query) or (urgent_first and limit is None):
            listed = list(index.all_listed())
            report = report_over(listed, today=today, query=query, limit=limit, urgent_first=urgent_first)
        else:
            report = _report_from_index(index, today=today, limit=limit, urgent_first=urgent_first)
        clinic = journal.agent is not None and journal.profile is None
    return replace(report, clinic=clinic) if clinic else report


def iter_status_rows(
    access: VaultAccess, *, today: dt.date, query: StatusQuery | None = None, limit: int | None = None
) -> Iterator[StatusRow]:
    """`status --json`: the selected requests by id (the first `limit`; all if None), made as
    they are consumed. Without a filter they are read from the index a chunk at a time, so memory
    stays flat at a million requests; with one, every request's listed facts are read first (the
    filter's values are checked against them before the first row)."""
    query = query or StatusQuery()
    _check_limit(limit)
    with open_journal(access) as journal, journal.vault.reading(), paused_gc():
        index = journal.index
        if index is not None and not _filtered(query):
            selected: Iterable[Listed] = index.all_listed()
        else:
            listed = list(index.all_listed()) if index is not None else _listed_from(journal)
            selected = select_listed(listed, query, today)
        for item in itertools.islice(selected, limit):
            yield row_of(item, today)


def _filtered(query: StatusQuery) -> bool:
    return bool(query.brokers or query.states or query.clients or query.batches or query.overdue_only)


def _report_from_index(
    index: RequestIndex, *, today: dt.date, limit: int | None, urgent_first: bool
) -> StatusReport:
    """The unfiltered report from the index: counts from its summary, overdue and due-soon
    counts from its due-date pages (one page read for each), and only the rows shown: the
    `limit` most urgent, or (not `urgent_first`) the first `limit` by id, all if None."""
    summary = index.summary
    overdue = index.count_due_before(today)
    due_soon = index.count_due_before(today + dt.timedelta(days=DUE_SOON_DAYS + 1)) - overdue
    by_state = {s.value: summary.by_state[s.value] for s in State if summary.by_state.get(s.value)}
    if urgent_first:
        assert limit is not None
        keys = index.first_due(limit)
        shown = index.listed(request_id for _, request_id in keys)
        if len(shown) < limit:
            shown += index.first_unclocked(limit - len(shown))
    else:
        shown = list(itertools.islice(index.all_listed(), limit))
    return StatusReport(
        today=today,
        total=summary.requests,
        matched=summary.requests,
        by_state=by_state,
        overdue=overdue,
        due_soon=due_soon,
        rows=[row_of(item, today) for item in shown],
        limit=limit,
    )


def _listed_from(journal: Journal) -> list[Listed]:
    return [listed_of(r, now) for r, now in journal.current()]


def report_of(
    entries: Sequence[Entry],
    *,
    today: dt.date,
    query: StatusQuery,
    limit: int | None = DEFAULT_LIMIT,
    urgent_first: bool = True,
) -> StatusReport:
    """`status_report` over requests already read (the pure part, for tests and other services)."""
    _check_limit(limit)
    listed = [listed_of(r, now) for r, now in entries]
    return report_over(listed, today=today, query=query, limit=limit, urgent_first=urgent_first)


def report_over(
    listed: Sequence[Listed],
    *,
    today: dt.date,
    query: StatusQuery,
    limit: int | None = DEFAULT_LIMIT,
    urgent_first: bool = True,
) -> StatusReport:
    """The report over every request's listed facts, by id: select, count, sort the shown rows."""
    rows = [row_of(item, today) for item in select_listed(listed, query, today)]
    counts = Counter(r.state for r in rows)
    by_state = {s.value: counts[s.value] for s in State if counts[s.value]}
    overdue = sum(1 for r in rows if r.overdue)
    due_soon = sum(1 for r in rows if _due_soon(r))
    if urgent_first and limit is not None and limit < len(rows) // 8:
        shown = heapq.nsmallest(limit, rows, key=_urgency)  # the most urgent, without sorting all
    else:
        if urgent_first:
            rows.sort(key=_urgency)
        shown = rows if limit is None else rows[:limit]
    return StatusReport(
        today=today,
        total=len(listed),
        matched=len(rows),
        by_state=by_state,
        overdue=overdue,
        due_soon=due_soon,
        rows=shown,
        limit=limit,
    )


_STATE_TEXT = {state: state.value for state in State}  # faster than `.value`, 100,000 times


def row_of(item: Listed, today: dt.date) -> StatusRow:
    """The row `status` shows for a request's listed facts on `today`."""
    due = item.due
    left = None if due is None or item.state not in AWAITING else (due - today).days  # `days_left_on`
    return StatusRow(
        id=item.id,
        broker=item.broker,
        broker_name=item.broker_name,
        kind=item.kind,
        state=_STATE_TEXT[item.state],
        law=item.law,
        sent=item.sent,
        delivered=item.delivered,
        due=item.due,
        due_estimated=item.due_estimated,
        due_courtesy=item.due_courtesy,
        channel=item.channel,
        days_left=left,
        overdue=left is not None and left < 0,
        reference=item.reference,
        routes=item.routes,
    )


def _due_soon(row: StatusRow) -> bool:
    return not row.overdue and row.days_left is not None and row.days_left <= DUE_SOON_DAYS


def _urgency(row: StatusRow) -> tuple[int, int, int]:
    """Overdue, then due soon, then awaiting an answer, each by days left; then the rest by id."""
    left = row.days_left
    if left is None:
        return (3, 0, row.id)
    return (0 if left < 0 else 1 if left <= DUE_SOON_DAYS else 2, left, row.id)


def select_entries(entries: Sequence[Entry], query: StatusQuery, today: dt.date) -> list[Entry]:
    """`select_listed` over requests already read, in their order."""
    by_id = {r.id: (r, now) for r, now in entries}
    listed = [listed_of(r, now) for r, now in entries]
    return [by_id[item.id] for item in select_listed(listed, query, today)]


def select_listed(listed: Sequence[Listed], query: StatusQuery, today: dt.date) -> Sequence[Listed]:
    """The requests the query selects, in their order. Every filter value must name something
    that exists (a state of the lifecycle; a broker, client or batch of some request): an unknown
    one is an error that lists the choices, never an empty result."""
    states = {_state_choice(s) for s in query.states}
    brokers = _broker_choices(query.brokers, listed)
    clients = batches = set()
    if query.clients:
        present = {item.client_id for item in listed}
        clients = _choices(query.clients, present, "client", "clients", "--client")
    if query.batches:
        present = {item.batch_id for item in listed}
        batches = _choices(query.batches, present, "batch", "batches", "--batch")
    if not (states or brokers or clients or batches or query.overdue_only):
        return listed
    out = []
    for item in listed:
        if (
            (states and item.state not in states)
            or (brokers and item.broker not in brokers)
            or (clients and item.client_id not in clients)
            or (batches and item.batch_id not in batches)
            or (query.overdue_only and not overdue_on(item.state, item.due, today))
        ):
            continue
        out.append(item)
    return out


def _choice_list(values: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(values)
    shown = ", ".join(ordered[:limit])
    return shown + (
        _(", ... ({ordered:,} in all)").format(ordered=len(ordered)) if len(ordered) > limit else ""
    )


def _state_choice(text: str) -> State:
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return State(key)
    except ValueError:
        raise UserError(
            _("--state '{text}' is not a state").format(text=text),
            _("states are: {states}").format(states=", ".join(s.value for s in State)),
        ) from None


def _choices(given: Sequence[str], present: set[str | None], what: str, whats: str, option: str) -> set[str]:
    known = {p for p in present if p}
    chosen = set()
    for text in given:
        value = text.strip()
        if value not in known:
            hint = (
                _("{whats} with requests: {known}").format(whats=whats, known=_choice_list(known))
                if known
                else _("no request has a {what}").format(what=what)
            )
            raise UserError(
                _("{option} {text!r}: no request in this vault has that {what}").format(
                    option=option, text=text, what=what
                ),
                hint,
            )
        chosen.add(value)
    return chosen


def _broker_choices(given: Sequence[str], listed: Sequence[Listed]) -> set[str]:
    """Broker ids for what the user typed: an id or a name of a broker of some request, or
    anything the registry resolves (an alias, a brand) to such a broker or to any broker."""
    if not given:
        return set()
    from broker_audit.registry.load import normalise_name

    names: dict[str, str] = {}
    for item in listed:
        names.setdefault(normalise_name(item.broker), item.broker)
        names.setdefault(normalise_name(item.broker_name), item.broker)
    chosen = set()
    for given_text in given:
        whole = names.get(normalise_name(given_text))
        if whole is not None:  # a name with a comma in it, e.g. "Acme, LLC"
            chosen.add(whole)
            continue
        for text in (t for t in given_text.split(",") if t.strip()):
            broker_id = names.get(normalise_name(text))
            if broker_id is None:
                broker_id = _registry_broker(text.strip(), sorted(set(names.values())))
            chosen.add(broker_id)
    return chosen


def _registry_broker(text: str, in_vault: list[str]) -> str:
    from broker_audit.errors import UnknownBroker
    from broker_audit.registry.load import shipped_registry

    try:
        return shipped_registry().resolve(text).id
    except UnknownBroker as exc:
        hint = (
            _("brokers with requests: {in_vault}").format(in_vault=_choice_list(in_vault))
            if in_vault
            else exc.hint
        )
        raise UserError(
            f"--broker {text!r} is not a broker of any request, nor one in the registry", hint
        ) from None


def mark(
    access: VaultAccess,
    request_id: int,
    state_text: str,
    *,
    today: dt.date,
    on: dt.date | None = None,
    via: str | None = None,
    tracking: str = "",
    note: str = "",
    reply_id: int | None = None,
    sender_checked: bool = False,
) -> RequestView:
    """Record a status change, refusing one the lifecycle does not allow. With `reply_id`, the
    change is read from that stored reply (dated the day it came) and linked to it; a reply whose
    sender was not authenticated only with `sender_checked` (the user says it is genuine).

    The request's current state is read inside the vault's writer lock, so two `mark` runs at
    once never write a history the lifecycle forbids."""
    if reply_id is not None:
        return _mark_from_reply(access, request_id, state_text, reply_id, today, sender_checked)
    state = parse_state(state_text)
    check_date(today, "today")
    on = check_date(on or today, "--on")
    if on > today:
        raise UserError(
            _("{date} is in the future").format(date=on.isoformat()), _("give the day it happened with --on")
        )
    if via is not None and via not in VIAS:
        raise UserError(
            _("unknown channel '{via}'").format(via=via),
            _("--via is one of: {channels}").format(channels=", ".join(VIAS)),
        )
    if state is State.SENT and not via:
        raise UserError(
            _("say how the request was sent"),
            _("e.g. `broker-audit mark {id} sent --via mail --tracking 9400...`").format(id=request_id),
        )
    with open_journal(access) as journal, journal.write():
        current = journal.view(request_id)
        check_channel(current.request, state, via)
        if state is State.DELIVERED and current.delivered is not None:
            raise UserError(
                _("request {id} was already recorded as received on {date}").format(
                    id=request_id, date=current.delivered.isoformat()
                ),
                _("a request is received once; the legal clock runs from that day"),
            )
        from broker_audit.services.replies import check_extension_in_time

        check_extension_in_time(current, state, on)
        earliest = current.last_change
        if on < earliest:
            raise UserError(
                _("{date} is before the request's last change ({last})").format(
                    date=on.isoformat(), last=earliest.isoformat()
                ),
                _("status changes are recorded in the order they happened"),
            )
        events = [journal.status_event(request_id, state, on=on, via=via or "", tracking=tracking, note=note)]
        events += _chain_events(journal, current, state, on)
        journal.append(events)
        return journal.view(request_id)


def _mark_from_reply(
    access: VaultAccess, request_id: int, state_text: str, reply_id: int, today: dt.date, sender_checked: bool
) -> RequestView:
    from broker_audit.services.replies import apply_reply

    with open_journal(access) as journal, journal.write():
        reply = journal.replies.get(reply_id)
        if reply is None or reply.request_id != request_id:
            raise UserError(
                _("request {id} has no reply #{reply}").format(id=request_id, reply=reply_id),
                _("`broker-audit show {id}` lists them").format(id=request_id),
            )
        apply_reply(journal, reply_id, state_text, today, sender_checked=sender_checked)
        return journal.view(request_id)


def check_channel(request: RequestMade, state: State, via: str | None) -> None:
    """Refuse to record a request as sent (or received) by a channel other than one its
    artefacts were written for (the letter's, or the sheet written beside it): a letter made for
    the post did not go by email because the broker also has an email address (false proof of
    sending starts a legal clock that never ran, and the evidence would name no address). To
    change channel, write the letter for that route."""
    allowed = request.channels
    if allowed is None or via is None or state not in (State.SENT, State.DELIVERED):
        return
    if not allowed or not request.channel:
        raise UserError(
            _("request {id} has no known route: it cannot have been sent").format(id=request.id),
            _("withdraw it (`broker-audit mark ID withdrawn`) or make a new request once a route is known"),
        )
    # every artefact written for it counts: a mail letter may have its web form's sheet beside it
    written_for = {request.channel, *(r.partition(":")[0] for r in request.routes)}
    if via not in written_for:
        made = channel_done(request.channel) or request.channel
        other = channel_done(via) or via
        have = via in allowed
        raise UserError(
            _("request {id} was written to go {made}, so it cannot have gone {other}").format(
                id=request.id, made=made, other=other
            )
            + (
                ""
                if have
                else _(": {recipient} has no {via} route for it").format(
                    recipient=request.recipient_name or _("the recipient"), via=via
                )
            ),
            _(
                "to send it {other}, write the letter for that route: `broker-audit resend {id} "
                "--via {via}`; record this one with `--via {channel}`"
            ).format(other=other, id=request.id, via=via, channel=request.channel)
            if have
            else _("its letter goes {made}: `broker-audit mark {id} sent --via {channel}`").format(
                made=made, id=request.id, channel=request.channel
            ),
        )


# Sending an appeal or a complaint moves the request it is about along with it.
_CHAIN_STATE = {"appeal": State.APPEALED, "complaint": State.COMPLAINED}


def _chain_events(journal: Journal, view: RequestView, state: State, on: dt.date) -> list[StatusChanged]:
    """Sending an appeal or a complaint moves the original request along; an extension of an
    appeal's decision, recorded on the appeal, moves the original's appeal due date too."""
    original_id = view.request.linked_to
    if original_id is None:
        return []
    if state is State.EXTENDED and view.request.kind == "appeal":
        original = journal.view(original_id)
        if original.state is not State.APPEALED:
            return []
        note = f"appeal #{view.request.id}: decision extended"  # i18n: English on purpose (stored)
        return [journal.status_event(original_id, State.EXTENDED, on=on, note=note)]
    follows = _CHAIN_STATE.get(view.request.kind)
    if state is not State.SENT or follows is None:
        return []
    original = journal.view(original_id)
    if follows not in TRANSITIONS[original.state]:
        return []
    note = f"{view.request.kind} #{view.request.id} sent"
    return [journal.status_event(original_id, follows, on=on, note=note)]


def show_request(access: VaultAccess, request_id: int) -> RequestView:
    with open_journal(access) as journal:
        return journal.view(request_id)
