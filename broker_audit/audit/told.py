"""What each letter told whom: the disclosure every logged request recorded, for the audit.

A letter logged before disclosures were recorded carried the whole profile of its day; it is
listed as such, never guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from broker_audit.i18n import N_, _
from broker_audit.letters.disclosure import summary_in
from broker_audit.tracking.model import RequestView
from broker_audit.tracking.states import State

_WORDS = {  # marked for the catalog: translated as each row is built
    "current-address": N_("your current address"),
    "past-addresses": N_("past addresses"),
    "phone": N_("your phone number"),
    "email": N_("your e-mail"),
    "birth-date": N_("your date of birth"),
    "other-names": N_("other names"),
    "advertising-id": N_("your phone's advertising ID"),
    "licence-number": N_("your licence number"),
}
NOT_RECORDED = N_("your whole profile of the time (logged before disclosures were recorded)")


def _word(field: str) -> str:
    found = _WORDS.get(field)
    return _(found) if found else field


class Told(msgspec.Struct, frozen=True, kw_only=True):
    """One letter that went out, and what it told its recipient."""

    request_id: int = msgspec.field(name="id")
    recipient: str
    kind: str
    sent: dt.date | None
    told: str  # "your name, an address you left in 2019, your e-mail; answers go to ..."
    withheld: tuple[str, ...]  # in words
    minimal: bool
    reason: str
    recorded: bool  # False: a letter from before disclosures were recorded


def told_rows(views: Sequence[RequestView]) -> tuple[list[Told], int]:
    """The sent letters with what each told its recipient (sent first, newest first), and how
    many letters are drafted and not yet sent (they have told no one yet)."""
    rows = []
    drafted = 0
    for view in views:
        if view.state is State.DRAFTED:
            drafted += 1
            continue
        if view.sent is None:
            continue  # withdrawn before it went out
        r = view.request
        d = r.disclosed
        rows.append(
            Told(
                request_id=r.id,
                recipient=r.recipient_name,
                kind=r.kind,
                sent=view.sent,
                told=(
                    summary_in(d.summary)
                    if d.summary
                    else ", ".join([_("your name"), *(_word(f) for f in d.given)])
                )
                if d is not None
                else _(NOT_RECORDED),
                withheld=tuple(_word(f) for f in d.withheld) if d is not None else (),
                minimal=d.minimal if d is not None else False,
                reason=d.reason if d is not None else "",
                recorded=d is not None,
            )
        )
    rows.sort(key=lambda t: (t.sent or dt.date.min, t.request_id), reverse=True)
    return rows, drafted
