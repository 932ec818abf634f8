"""`request`, `followup`, `resend`, `demo` and `show`: the letters written, what each tells,
and one request's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, say
from broker_audit.i18n import _
from broker_audit.words import channel_name, kind_word, state_word

if TYPE_CHECKING:
    from broker_audit.services.letters import Announcement, LetterResult, NoRoute
    from broker_audit.tracking.model import RequestMade, RequestView


def estimate_note(view: RequestView) -> str:
    """Why a due date is an estimate, and how to make it exact. An appealed request's date counts
    from the day the appeal went out: its receipt is recorded on the appeal, not on the request
    (which `mark ID delivered` would refuse: it was received once already)."""
    from broker_audit.tracking.states import State

    if view.state is State.APPEALED:
        return _(
            "(estimated from the day the appeal went out: record the appeal's receipt on the appeal, "
            "`mark APPEAL-ID delivered --on DATE`)"
        )
    return _("(estimated: record the day it was received with `mark ID delivered --on DATE`)")


def render_reading_copies(
    request_id: int, paths: Sequence[object], *, err: bool = True, indent: str = ""
) -> None:
    """Where each reading copy of request `request_id`'s letter was written."""
    for path in paths:
        say(
            indent
            + _("#{id}: reading copy (a translation for you, not sent): {path}").format(
                id=request_id, path=clean(str(path))
            ),
            err=err,
        )


def render_marked(request_id: int, view: RequestView) -> None:
    """`mark`: the request's state now, and the date it awaits an answer by (an estimate said so;
    a closed request awaits nothing)."""
    from broker_audit.tracking.states import AWAITING

    due = ""
    if view.due and view.state in AWAITING:
        due = _(", due {day}").format(day=("~" if view.due_estimated else "") + view.due.isoformat())
        if view.due_estimated:
            due += " " + estimate_note(view)
    say(_("#{id} is now {state}{due}").format(id=request_id, state=state_word(view.state.value), due=due))


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
        say(_("warning: {warning}").format(warning=clean(warning)), err=True)
    for r in letters:
        about = _(", about #{id}").format(id=r.linked_to) if r.linked_to else ""
        say(
            _("#{id} {broker} ({kind}, {law}{about}) {channel} to {route}: {files}").format(
                id=r.request_id,
                broker=clean(r.broker_name),
                kind=clean(kind_word(r.kind)),
                law=clean(r.law_id) if r.law_id != "none" else _("no state privacy law"),
                about=about,
                channel=clean(channel_name(r.channel)),
                route=clean(r.route),
                files=", ".join(clean(f) for f in r.files),
            )
        )
        for also in r.also:
            channel, _sep, where = also.partition(": ")
            say(
                "    "
                + _(
                    "and its sheet for {route}: the fast way; the letter is the one that leaves proof"
                ).format(route=clean(f"{channel_name(channel)}: {where}" if where else channel_name(channel)))
            )
        if told and r.disclosure:
            say(f"  {clean(r.disclosure)}")
    for n in no_route:
        say(
            _("no letter: {broker} ({kind}): {reason}. You can:").format(
                broker=clean(n.broker_name), kind=clean(kind_word(n.kind)), reason=clean(_(n.reason))
            )
        )
        for advice in n.advice:
            say(f"  - {clean(advice)}")
    for note in notes:
        say(_("note: {note}").format(note=clean(note)), err=True)


def render_announcements(items: Sequence[Announcement]) -> None:
    """What each planned letter will tell whom, printed (on stderr) before any is written, with
    what a state-law request may not reach at that broker."""
    for item in items:
        say(f"{clean(item.line)}", err=True)
    for reach in dict.fromkeys(i.cannot_reach for i in items if i.cannot_reach):
        say(_("note: {note}").format(note=clean(reach)), err=True)


def disclosure_line(request: RequestMade) -> str:
    """What a logged letter told its recipient, for `show` and the audit."""
    from broker_audit.i18n import current_language
    from broker_audit.letters.disclosure import field_words, reason_in, summary_in

    d = request.disclosed
    if d is None:
        return _("not recorded (a letter from before disclosures were kept: it gave the whole profile)")
    language = current_language()

    def words(name: str) -> str:
        try:
            return field_words(name, language)
        except KeyError:  # a field a newer broker-audit knows
            return name

    line = summary_in(d.summary) if d.summary else ", ".join([_("your name"), *(words(f) for f in d.given)])
    if d.withheld:
        line += _("; not told: {fields}").format(fields=", ".join(words(f) for f in d.withheld))
    if d.reason:
        line += f" ({reason_in(d.reason)})"
    return line


def render_view(view: RequestView, today: dt.date) -> None:
    r = view.request
    say(
        (_("#{id} {recipient}").format(id=r.id, recipient=clean(r.recipient_name)), "bold"),
        " — " + _("{kind} under {law}").format(kind=clean(kind_word(r.kind)), law=clean(r.law_name)),
    )
    # The letter's own date (what it says, and what clocks count from); when the log was written
    # on another day (a letter dated ahead, BROKER_AUDIT_TODAY), that day too.
    logged = _(" (logged {day})").format(day=f"{r.created:%Y-%m-%d}") if r.created.date() != r.dated else ""
    say(
        "  "
        + _("reference {reference}, drafted {day}").format(
            reference=clean(r.reference), day=r.dated.isoformat()
        )
        + logged
    )
    state = state_word(view.state.value)
    due = ""
    if view.due:
        due = _("; due {day}").format(day=view.due.isoformat())
        if view.due_courtesy:
            due += " " + _("(a courtesy date the letter asked for, not a legal deadline)")
        if view.due_estimated:
            due += " " + estimate_note(view)
    say("  " + _("state: {state}{due}").format(state=state, due=due))
    for n, route in enumerate(r.routes):
        channel, _sep, where = route.partition(": ")
        shown = f"{channel_name(channel)}: {where}" if where else route
        say("  " + (_("route: {route}") if n == 0 else _("also: {route}")).format(route=clean(shown)))
    say(
        "  "
        + _("told {recipient}: {told}").format(
            recipient=clean(r.recipient_name), told=clean(disclosure_line(r))
        )
    )
    for f in r.files:
        say("  " + _("file: {path}").format(path=clean(f)))
    table = Table(title=_("History"))
    for col in (_("on"), _("state"), _("via"), _("tracking"), _("note")):
        table.add_column(col)
    add_text_row(table, r.dated.isoformat(), state_word("drafted"), "", "", "")
    for e in view.events:
        add_text_row(
            table, e.on.isoformat(), state_word(e.state.value), channel_name(e.via), e.tracking, e.note
        )
    console.print(table)
