"""California's DROP (Delete Request and Opt-out Platform) as a tracked route.

A Californian makes one DROP request on the state's site; this records it in the vault (the day
it was submitted, the DROP ID shown on confirmation, which kinds of identifiers were given) and,
broker by broker, the status DROP reports (deleted, opted out, exempted, not found, pending).
The clock is the platform's: from 2026-08-01 (or the day of the request, if later) every
registered broker must fetch DROP requests at least every 45 days and process each within 45
days of fetching it (Cal. Civ. Code 1798.99.86(c)), so a status is due at the latest 90 days
after that day. Nothing here touches the network: the user reads DROP's status page and records
what it says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from broker_audit.dates import check_date
from broker_audit.errors import UserError
from broker_audit.i18n import NP_, _, pgettext_in
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.resources import Resources
from broker_audit.tracking.journal import now
from broker_audit.tracking.model import RequestMade, RequestView, StatusChanged
from broker_audit.tracking.states import DROP_RESULTS, State, check_transition, parse_state

if TYPE_CHECKING:
    from broker_audit.law.schema import Law, Platform
    from broker_audit.profile import Profile
    from broker_audit.tracking.journal import Journal

# The kinds of identifiers DROP takes (privacy.ca.gov/drop/how-drop-works): only which kinds
# were given is recorded, never their values.
IDENTIFIERS: tuple[str, ...] = (
    "name",
    "birth-date",
    "zip",
    "email",
    "phone",
    "mobile-ad-id",
    "connected-tv-id",
    "vin",
)
DROP_CHANNEL = "web-form"
DROP_RECORD_VERSION = 2  # RequestMade.VERSION for platform requests (tracking/model.py)


@dataclass(frozen=True)
class DropResult:
    """A DROP request (or one broker's row of it) as recorded, with what follows from it."""

    view: RequestView
    platform: str  # "Delete Request and Opt-out Platform (DROP)"
    created: bool  # a broker's row was made by this call (its first status)
    results: dict[str, int]  # for the DROP request: brokers per reported status


def california_platform(laws: Sequence[Law], state: str) -> tuple[Law, Platform]:
    """The law and platform a resident of `state` can use, or UserError: DROP is California's."""
    from broker_audit.law.choose import platform_for

    platform = platform_for(laws, state)
    law = next((x for x in laws if x.platform is not None and x.jurisdiction == state.upper()), None)
    if platform is None or law is None:
        raise UserError(
            f"DROP is for California residents; your profile says you live in {state.upper()}",
            _("if you have moved, run `broker-audit profile edit --state CA`"),
        )
    return law, platform


def platform_deadline_days(platform: Platform) -> int | None:
    """Days from the request (or from `processing_from`) by which every broker must have
    processed it: the fetch interval plus the processing period."""
    if platform.fetch_days is None or platform.process_days is None:
        return None
    return platform.fetch_days + platform.process_days


def check_identifiers(given: Sequence[str]) -> list[str]:
    out: list[str] = []
    for text in given:
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        if not key:
            continue
        if key not in IDENTIFIERS:
            raise UserError(
                _("{text!r} is not an identifier DROP takes").format(text=text),
                "identifiers: " + ", ".join(IDENTIFIERS),
            )
        if key not in out:
            out.append(key)
    return out


def record_drop(
    access: VaultAccess,
    *,
    submitted: dt.date,
    today: dt.date,
    resources: Resources,
    drop_id: str = "",
    identifiers: Sequence[str] = (),
    client_id: str | None = None,
) -> DropResult:
    """Log the DROP request the user (or a clinic's client, `client_id`) made on `submitted`."""
    laws = resources.laws
    check_date(today, "today")
    submitted = check_date(submitted, "--on")
    if submitted > today:
        raise UserError(
            _("{submitted} is in the future").format(submitted=submitted.isoformat()),
            _("give the day you submitted it with --on"),
        )
    kinds = check_identifiers(identifiers)
    drop_id = " ".join(drop_id.split())
    if len(drop_id) > 64:
        raise UserError(_("that DROP ID is too long"), _("copy the ID shown on DROP's confirmation page"))
    with open_journal(access) as journal, journal.write():
        profile = _requester(journal, client_id)
        law, platform = california_platform(laws, profile.state)
        earlier = _latest_drop(journal, client_id)
        if earlier is not None and earlier.request.dated == submitted:
            raise UserError(
                _("a DROP request of {submitted} is already recorded (#{id})").format(
                    submitted=submitted.isoformat(), id=earlier.request.id
                ),
                _("see it with `broker-audit show ID`"),
            )
        request_id = journal.next_request_id()
        request = RequestMade(
            v=DROP_RECORD_VERSION,
            id=request_id,
            broker_id="",
            broker_name="",
            agency=platform.name,
            recipient="platform",
            kind="drop",
            law_id=law.id,
            law_name=platform.citation,  # the Delete Act, not the CCPA it sits beside
            deadline_days=platform_deadline_days(platform),
            not_before=platform.processing_from,
            reference=drop_id or f"DROP-{submitted.isoformat()}",
            dated=submitted,
            created=now(),
            channel=DROP_CHANNEL,
            channels=[DROP_CHANNEL],
            platform_ref=drop_id,
            identifiers=kinds,
            client_id=client_id,
        )
        journal.append(
            [request, *_submitted(request_id, submitted, "submitted on DROP", drop_id)]
        )  # i18n: English on purpose (stored)
        return DropResult(view=journal.view(request_id), platform=platform.name, created=True, results={})


def record_drop_result(
    access: VaultAccess,
    broker_name: str,
    state_text: str,
    *,
    today: dt.date,
    resources: Resources,
    on: dt.date | None = None,
    client_id: str | None = None,
) -> DropResult:
    """Record the status DROP shows for one broker (its row is made the first time)."""
    registry = resources.registry
    laws = resources.laws
    try:
        state: State | None = parse_state(state_text)
    except UserError:  # its hint lists a request's states, not DROP's
        state = None
    if state not in DROP_RESULTS:
        raise UserError(
            _("{value!r} is not a status DROP reports").format(value=state_text.strip()),
            _("DROP statuses: {states}").format(
                states=", ".join(s.value for s in sorted(DROP_RESULTS, key=lambda s: s.value))
            ),
        )
    check_date(today, "today")
    on = check_date(on or today, "--on")
    if on > today:
        raise UserError(
            _("{on} is in the future").format(on=on.isoformat()), _("give the day DROP showed it with --on")
        )
    broker = registry.resolve(broker_name)
    with open_journal(access) as journal, journal.write():
        profile = _requester(journal, client_id)
        _law, platform = california_platform(laws, profile.state)
        drop = _latest_drop(journal, client_id)
        if drop is None:
            raise UserError(
                _("no DROP request is recorded yet"),
                _("record it first: `broker-audit drop record --on YYYY-MM-DD --drop-id ID`"),
            )
        if on < drop.request.dated:
            raise UserError(
                _("{on} is before your DROP request of {dated}").format(
                    on=on.isoformat(), dated=drop.request.dated.isoformat()
                ),
                _("give the day DROP showed this status with --on"),
            )
        row = _broker_row(journal, drop.request.id, broker.id)
        records: list[RequestMade | StatusChanged] = []
        created = row is None
        if row is None:
            row_id = journal.next_request_id()
            made = RequestMade(
                v=DROP_RECORD_VERSION,
                id=row_id,
                broker_id=broker.id,
                broker_name=broker.name,
                kind="drop-result",
                recipient="broker",
                law_id=drop.request.law_id,
                law_name=drop.request.law_name,
                deadline_days=drop.request.deadline_days,
                not_before=drop.request.not_before,
                reference=drop.request.reference,
                dated=on,
                created=now(),
                linked_to=drop.request.id,
                channel=DROP_CHANNEL,
                channels=[DROP_CHANNEL],
                platform_ref=drop.request.platform_ref,
                client_id=client_id,
            )
            records += [
                made,
                *_submitted(
                    row_id, drop.request.dated, f"through DROP request #{drop.request.id}"
                ),  # i18n: English on purpose (stored)
            ]
            current = State.DELIVERED
        else:
            row_id = row.request.id
            current = row.state
            last = row.last_change
            if on < last:
                raise UserError(
                    _("{on} is before this row's last status ({last})").format(
                        on=on.isoformat(), last=last.isoformat()
                    ),
                    _("statuses are recorded in the order DROP showed them"),
                )
        check_transition(current, state, row_id, "drop-result")
        records.append(
            StatusChanged(
                request_id=row_id, state=state, on=on, note="as DROP reports it", recorded=now()
            )  # i18n: English on purpose (stored)
        )
        journal.append(records)
        return DropResult(view=journal.view(row_id), platform=platform.name, created=created, results={})


def drop_summary(journal: Journal, client_id: str | None = None) -> tuple[RequestView, dict[str, int]] | None:
    """The latest DROP request and how many brokers are in each reported status, or None."""
    drop = _latest_drop(journal, client_id)
    if drop is None:
        return None
    counts: dict[str, int] = {}
    for view in journal.views():
        if view.request.kind == "drop-result" and view.request.linked_to == drop.request.id:
            counts[view.state.value] = counts.get(view.state.value, 0) + 1
    return drop, counts


def _submitted(request_id: int, on: dt.date, note: str, tracking: str = "") -> list[StatusChanged]:
    """Submitted on DROP's own site: sent and received by the platform the same day, so the
    platform's clock is never an estimate."""
    return [
        StatusChanged(
            request_id=request_id,
            state=State.SENT,
            on=on,
            via=DROP_CHANNEL,
            tracking=tracking,
            note=note,
            recorded=now(),
        ),
        StatusChanged(request_id=request_id, state=State.DELIVERED, on=on, note=note, recorded=now()),
    ]


def _requester(journal: Journal, client_id: str | None) -> Profile:
    """The person whose DROP request this is: the vault's own profile, or a clinic's client."""
    if client_id is None:
        return require_profile(journal)
    client = journal.clients.get(client_id)
    if client is None:
        known = ", ".join(sorted(journal.clients)[:12]) or pgettext_in(
            None, "clients", NP_("clients", "none yet")
        )
        raise UserError(
            _("no client {client_id!r} in this vault").format(client_id=client_id),
            _("clients: {known}").format(known=known),
        )
    return client.profile


def _latest_drop(journal: Journal, client_id: str | None = None) -> RequestView | None:
    drops = [
        journal.view(r.id)
        for r in journal.requests.values()
        if r.kind == "drop" and r.recipient == "platform" and r.client_id == client_id
    ]
    live = [v for v in drops if v.state is not State.WITHDRAWN]
    return max(live, key=lambda v: (v.request.dated, v.request.id), default=None)


def _broker_row(journal: Journal, drop_id: int, broker_id: str) -> RequestView | None:
    for r in journal.requests.values():
        if r.kind == "drop-result" and r.linked_to == drop_id and r.broker_id == broker_id:
            return journal.view(r.id)
    return None
