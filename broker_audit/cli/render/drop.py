"""`drop record` and `drop result`: a DROP request, or one broker's DROP status, as recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, say

if TYPE_CHECKING:
    from broker_audit.services.drop import DropResult


def render_drop(result: DropResult) -> None:
    """A DROP request, or one broker's DROP status, as just recorded."""
    view = result.view
    r = view.request
    due = f"; every registered broker must have processed it by {view.due.isoformat()}" if view.due else ""
    if r.kind == "drop":
        ref = f" (DROP ID {r.platform_ref})" if r.platform_ref else ""
        given = f"; identifiers given: {', '.join(r.identifiers)}" if r.identifiers else ""
        say(f"#{r.id} {result.platform}: request of {r.dated.isoformat()} recorded{ref}{given}{due}")
        return
    verb = "recorded" if result.created else "updated"
    say(f"#{r.id} DROP status for {clean(r.broker_name)} {verb}: {view.state.value}{due}")
