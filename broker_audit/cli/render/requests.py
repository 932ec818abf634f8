"""`request`, `followup`, `resend`, `demo` and `show`: the letters written, what each tells,
and one request's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, say

if TYPE_CHECKING:
    from broker_audit.services.letters import Announcement, LetterResult, NoRoute
    from broker_audit.tracking.model import RequestMade, RequestView


def render_letters(
    letters: Sequence[LetterResult],
    no_route: Sequence[NoRoute],
    warnings: list[str],
    notes: Sequence[str] = (),
    *,
    told: bool = False,
) -> None:
    """What `request`, `followup` and `demo` wrote: each letter, where it goes, what was not written.
    `told`: also what each letter tells its recipient (when it was not announced before writing)."""
    for warning in dict.fromkeys([*warnings, *(w for r in letters for w in r.warnings)]):
        say(f"warning: {clean(warning)}", err=True)
    for r in letters:
        about = f", about #{r.linked_to}" if r.linked_to else ""
        say(
            f"#{r.request_id} {clean(r.broker_name)} ({clean(r.kind)}, {clean(r.law_id)}{about}) "
            f"{clean(r.channel)} to {clean(r.route)}: " + ", ".join(clean(f) for f in r.files)
        )
        for also in r.also:
            say(f"    and its sheet for {clean(also)}: the fast way; the letter is the one that leaves proof")
        if told and r.disclosure:
            say(f"  {clean(r.disclosure)}")
    for n in no_route:
        say(f"no letter: {clean(n.broker_name)} ({clean(n.kind)}): {clean(n.reason)}. You can:")
        for advice in n.advice:
            say(f"  - {clean(advice)}")
    for note in notes:
        say(f"note: {clean(note)}", err=True)


def render_announcements(items: Sequence[Announcement]) -> None:
    """What each planned letter will tell whom, printed (on stderr) before any is written, with
    what a state-law request may not reach at that broker."""
    for item in items:
        say(f"{clean(item.line)}", err=True)
    for reach in dict.fromkeys(i.cannot_reach for i in items if i.cannot_reach):
        say(f"note: {clean(reach)}", err=True)


def disclosure_line(request: RequestMade) -> str:
    """What a logged letter told its recipient, for `show` and the audit."""
    from broker_audit.letters.disclosure import field_words

    d = request.disclosed
    if d is None:
        return "not recorded (a letter from before disclosures were kept: it gave the whole profile)"

    def words(name: str) -> str:
        try:
            return field_words(name)
        except KeyError:  # a field a newer broker-audit knows
            return name

    line = d.summary or ", ".join(["your name", *(words(f) for f in d.given)])
    if d.withheld:
        line += "; not told: " + ", ".join(words(f) for f in d.withheld)
    if d.reason:
        line += f" ({d.reason})"
    return line


def render_view(view: RequestView, today: dt.date) -> None:
    r = view.request
    say((f"#{r.id} {clean(r.recipient_name)}", "bold"), f" — {clean(r.kind)} under {clean(r.law_name)}")
    say(f"  reference {clean(r.reference)}, drafted {r.created:%Y-%m-%d}")
    state = view.state.value
    due = ""
    if view.due:
        due = f"; due {view.due.isoformat()}"
        if view.due_courtesy:
            due += " (a courtesy date the letter asked for, not a legal deadline)"
        if view.due_estimated:
            due += " (estimated: record the day it was received with `mark ID delivered --on DATE`)"
    say(f"  state: {state}{due}")
    for n, route in enumerate(r.routes):
        say(f"  {'route' if n == 0 else 'also'}: {clean(route)}")
    say(f"  told {clean(r.recipient_name)}: {clean(disclosure_line(r))}")
    for f in r.files:
        say(f"  file: {clean(f)}")
    table = Table(title="History")
    for col in ("on", "state", "via", "tracking", "note"):
        table.add_column(col)
    add_text_row(table, f"{r.created:%Y-%m-%d}", "drafted", "", "", "")
    for e in view.events:
        add_text_row(table, e.on.isoformat(), e.state.value, e.via, e.tracking, e.note)
    console.print(table)
