"""`drop record` and `drop result`: a DROP request, or one broker's DROP status, as recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, say
from broker_audit.i18n import _
from broker_audit.words import state_word

if TYPE_CHECKING:
    from broker_audit.services.drop import DropResult


def render_drop(result: DropResult) -> None:
    """A DROP request, or one broker's DROP status, as just recorded."""
    view = result.view
    r = view.request
    due = (
        _("; every registered broker must have processed it by {day}").format(day=view.due.isoformat())
        if view.due
        else ""
    )
    if r.kind == "drop":
        ref = " " + _("(DROP ID {ref})").format(ref=r.platform_ref) if r.platform_ref else ""
        given = _("; identifiers given: {ids}").format(ids=", ".join(r.identifiers)) if r.identifiers else ""
        say(
            _("#{id} {platform}: request of {day} recorded{ref}{given}{due}").format(
                id=r.id, platform=result.platform, day=r.dated.isoformat(), ref=ref, given=given, due=due
            )
        )
        return
    template = (
        _("#{id} DROP status for {broker} recorded: {state}{due}")
        if result.created
        else _("#{id} DROP status for {broker} updated: {state}{due}")
    )
    say(template.format(id=r.id, broker=clean(r.broker_name), state=state_word(view.state.value), due=due))
