"""The clinic's view across clients: mark a whole mailing, the dashboard, published counts."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.i18n import N_, NP_, _, pgettext_in
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.tracking.due import days_left, is_overdue
from broker_audit.tracking.journal import AgentProfile, Journal
from broker_audit.tracking.model import RequestView
from broker_audit.tracking.states import AWAITING, State
from broker_audit.vocabulary import CHANNELS as VIAS
from broker_audit.words import channel_done, kind_word, state_word

ANSWERED = frozenset({State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED})


def load_clinic_file(path: Path) -> AgentProfile:
    """The clinic's profile from its TOML file (organization, contact_name, address, email, phone)."""
    import tomllib

    from broker_audit.errors import DataFileError
    from broker_audit.files import read_input_text

    text = read_input_text(path, what=_("clinic file"), limit=1024 * 1024)
    try:
        return msgspec.convert(tomllib.loads(text), AgentProfile)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise DataFileError(
            f"{path}: {exc}",
            _("keys: organization, contact_name, address (list of lines), email, phone, reply_to"),
        ) from None


def batch_views(journal: Journal, batch_id: str) -> list[RequestView]:
    if batch_id not in journal.batches:
        known = ", ".join(sorted(journal.batches)[-5:]) or pgettext_in(
            None, "batches", NP_("batches", "none yet")
        )
        raise UserError(
            _("no batch {batch_id!r} in this vault").format(batch_id=batch_id),
            _("recent batches: {known}").format(known=known),
        )
    return [journal.view(i) for i, r in sorted(journal.requests.items()) if r.batch_id == batch_id]


class LeftAlone(msgspec.Struct, frozen=True):
    """A request of the batch that `bulk mark` did not change, and why."""

    request_id: int = msgspec.field(name="id")
    reason: str


class BulkMarkResult(msgspec.Struct, frozen=True, kw_only=True):
    """What `bulk mark` changed: the data of its `--json`."""

    batch_id: str = msgspec.field(name="batch")
    marked: int
    skipped: list[LeftAlone] = []


def bulk_mark(
    access: VaultAccess,
    batch_id: str,
    state_text: str,
    *,
    on: dt.date,
    today: dt.date,
    via: str = "mail",
) -> BulkMarkResult:
    """Mark every request of a batch at once (e.g. the evening's mailing as sent).

    Sent or delivered `--via` a channel marks only the requests that go by that channel (the
    route each letter was made for); the others are left alone and listed, so a mailing marked
    sent never claims a web-form request went out. Requests that cannot make the transition are
    listed, not forced.
    """
    from broker_audit.tracking.states import parse_state, transitions_for

    state = parse_state(state_text)
    check_date(today, "today")
    check_date(on, "--on")
    if on > today:
        raise UserError(
            _("{on} is in the future").format(on=on.isoformat()), _("give the day it happened with --on")
        )
    if via not in VIAS:
        raise UserError(_("unknown channel {via!r}").format(via=via), "--via is one of: " + ", ".join(VIAS))
    by_channel = state in (State.SENT, State.DELIVERED)
    with open_journal(access) as journal, journal.write():  # states are read under the writer lock
        events = []
        skipped: list[LeftAlone] = []
        for view in batch_views(journal, batch_id):
            request = view.request
            if by_channel and request.channels is not None and request.channel != via:
                how = _("it goes {value}").format(
                    value=channel_done(request.channel) or _("by no known route")
                )
                skipped.append(
                    LeftAlone(request.id, _("{how}, not {via}").format(how=how, via=channel_done(via) or via))
                )
                continue
            if state not in transitions_for(request.kind).get(view.state, frozenset()):
                skipped.append(
                    LeftAlone(request.id, _("it is {value}").format(value=state_word(view.state.value)))
                )
                continue
            if state is State.DELIVERED and view.delivered is not None:
                skipped.append(LeftAlone(request.id, _("its receipt is already recorded")))
                continue
            if on < view.last_change:  # as `mark` does: never sent (or received) before it was written
                said = _("{date} is before its last change ({last})").format(
                    date=on.isoformat(), last=view.last_change.isoformat()
                )
                skipped.append(LeftAlone(request.id, said))
                continue
            events.append(journal.status_event(request.id, state, on=on, via=via if by_channel else ""))
        journal.append(events)
    return BulkMarkResult(batch_id=batch_id, marked=len(events), skipped=skipped)


@dataclass(frozen=True)
class ClinicRow:
    request_id: int
    client_id: str
    client_name: str
    batch_id: str
    broker: str
    kind: str
    state: str
    sent: dt.date | None
    due: dt.date | None
    days_left: int | None
    bucket: str  # drafted, pending, due-this-week, overdue, answered, closed
    reference: str = ""
    due_estimated: bool = False  # counted from an estimated day of receipt
    due_courtesy: bool = False  # no law sets it: the time the letter asked for

    @property
    def due_basis(self) -> str:
        """What the due date is, in words, for every export that shows it."""
        if self.due is None:
            return ""
        what = _("courtesy date (no legal deadline)") if self.due_courtesy else _("legal deadline")
        return _("{what}, estimated (receipt not recorded)").format(what=what) if self.due_estimated else what


def bucket_of(view: RequestView, today: dt.date) -> str:
    if view.state is State.DRAFTED:
        return "drafted"
    if view.state in ANSWERED:
        return "answered"
    if view.state in AWAITING or view.state is State.NO_RESPONSE:
        if is_overdue(view, today) or view.state is State.NO_RESPONSE:
            return "overdue"
        left = days_left(view, today)
        return "due-this-week" if left is not None and left <= 7 else "pending"
    return "closed"


def clinic_rows(access: VaultAccess, *, today: dt.date, batch_id: str | None = None) -> list[ClinicRow]:
    with open_journal(access) as journal:
        rows = []
        batches: set[str] = set()
        for view in journal.views():
            r = view.request
            if r.batch_id:
                batches.add(r.batch_id)
            if r.client_id is None or (batch_id and r.batch_id != batch_id):
                continue
            client = journal.clients.get(r.client_id)
            rows.append(
                ClinicRow(
                    request_id=r.id,
                    client_id=r.client_id,
                    client_name=client.profile.name if client else "",
                    batch_id=r.batch_id or "",
                    broker=r.broker_id,
                    kind=r.kind,
                    state=view.state.value,
                    sent=view.sent,
                    due=view.due,
                    days_left=days_left(view, today),
                    bucket=bucket_of(view, today),
                    reference=r.reference,
                    due_estimated=view.due_estimated,
                    due_courtesy=view.due_courtesy,
                )
            )
    if batch_id and batch_id not in batches:
        known = sorted(batches)[-5:]
        raise UserError(
            _("no batch {batch_id!r} in this vault").format(batch_id=batch_id),
            (_("recent batches: ") + ", ".join(known))
            if known
            else _("write one with `broker-audit bulk letters`"),
        )
    return rows


GROUPINGS = {"client": "client_name", "broker": "broker"}


def summarise(rows: Sequence[ClinicRow], by: str) -> dict[str, Counter[str]]:
    """Counts of buckets per client or per broker (`by`: client or broker)."""
    if by not in GROUPINGS:
        raise UserError(
            _("--by {by}: group by client or broker").format(by=by), _("use --by client or --by broker")
        )
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        out[getattr(row, GROUPINGS[by])][row.bucket] += 1
    return dict(out)


def write_rows_csv(rows: Sequence[ClinicRow], path: Path) -> None:
    """The dashboard as a spreadsheet; every cell neutralised against formula injection. Each due
    date says what it is (`due_basis`): a legal deadline or a courtesy date, estimated or not."""
    import csv

    from broker_audit.intake import neutralise_cell

    fields = [
        "request_id",
        "client_id",
        "client_name",
        "batch_id",
        "broker",
        "kind",
        "state",
        "sent",
        "due",
        "due_estimated",
        "due_basis",
        "days_left",
        "bucket",
        "reference",
    ]
    from broker_audit.files import atomic_text

    with atomic_text(path, what=_("CSV file"), encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for row in rows:
            values = [getattr(row, f) for f in fields]
            if row.due is None:
                values[fields.index("due_estimated")] = None
            else:
                values[fields.index("due_estimated")] = "yes" if row.due_estimated else "no"
            writer.writerow([neutralise_cell("" if v is None else str(v)) for v in values])


def write_due_calendar(rows: Sequence[ClinicRow], path: Path, *, calendar_name: str) -> int:
    """An .ics calendar of due dates. Events name the request, broker and client id, never the
    client's name: calendars are often synced to other people's servers. Each says what its date
    is: "Due (estimate)" when the receipt is not recorded, "Courtesy date" when no law sets one."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//broker-audit//clinic due dates//EN")  # i18n: not user-facing
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    count = 0
    stamp = dt.datetime.now(dt.UTC)
    for row in rows:
        if row.due is None or row.bucket in ("answered", "closed", "drafted"):
            continue
        event = Event()
        event.add("uid", f"broker-audit-request-{row.request_id}-{row.due.isoformat()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.due)
        event.add("dtend", row.due + dt.timedelta(days=1))
        if row.due_courtesy:
            label = _("Courtesy date (estimate)") if row.due_estimated else _("Courtesy date")
        else:
            label = _("Due (estimate)") if row.due_estimated else _("Due")
        event.add(
            "summary",
            _("{label}: {broker} {kind} (request #{request_id}, client {client_id})").format(
                label=label,
                broker=row.broker,
                kind=kind_word(row.kind),
                request_id=row.request_id,
                client_id=row.client_id,
            ),
        )
        event.add("description", _("The date is a {due_basis}.").format(due_basis=row.due_basis))
        cal.add_component(event)
        count += 1
    from broker_audit.files import write_bytes

    write_bytes(path, cal.to_ical(), what=N_("calendar"))
    return count


SMALL_COUNT = 5
"""Published counts below this are shown as "<5": a count of 1 or 2 can point at one client."""

Count = int | str  # a count, or "<5"


def suppressed(count: int) -> Count:
    """A count as it may be published: 0 and counts of 5 or more as they are, the rest "<5"."""
    return count if count == 0 or count >= SMALL_COUNT else f"<{SMALL_COUNT}"


@dataclass(frozen=True)
class Stats:
    """Anonymised counts a clinic can publish: no client, no date of birth, no address. Every
    count below 5 is "<5", and a median is given only when 5 answers or more make it."""

    requests: Count
    by_broker: dict[str, dict[str, Count]]
    by_kind: dict[str, dict[str, Count]]
    days_to_answer: dict[str, float | None]  # per broker, median days from sent to answer
    answered_in_time: dict[str, dict[str, Count]]
    suppressed_below: int = SMALL_COUNT


def _published(groups: dict[str, Counter[str]]) -> dict[str, dict[str, Count]]:
    return {k: {o: suppressed(n) for o, n in sorted(v.items())} for k, v in sorted(groups.items())}


def clinic_stats(access: VaultAccess, *, today: dt.date) -> Stats:
    with open_journal(access) as journal:
        views = [v for v in journal.views() if v.request.client_id is not None]
    by_broker: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    waits: dict[str, list[int]] = defaultdict(list)
    timely: dict[str, Counter[str]] = defaultdict(Counter)
    for view in views:
        outcome = bucket_of(view, today) if view.state not in ANSWERED else view.state.value
        by_broker[view.request.broker_id][outcome] += 1
        by_kind[view.request.kind][outcome] += 1
        answer = next((e.on for e in view.events if e.state in ANSWERED), None)
        if answer and view.sent:
            waits[view.request.broker_id].append((answer - view.sent).days)
            if view.due:
                timely[view.request.broker_id]["in-time" if answer <= view.due else "late"] += 1
    return Stats(
        requests=suppressed(len(views)),
        by_broker=_published(by_broker),
        by_kind=_published(by_kind),
        days_to_answer={
            k: (statistics.median(v) if len(v) >= SMALL_COUNT else None) for k, v in sorted(waits.items())
        },
        answered_in_time=_published(timely),
    )
