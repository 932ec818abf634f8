"""`profile show`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, console
from broker_audit.i18n import _

if TYPE_CHECKING:
    from broker_audit.profile import Profile


def render_profile(profile: Profile) -> None:
    table = Table(show_header=False, box=None)
    add_text_row(table, _("Name"), profile.name)
    if profile.other_names:
        add_text_row(table, _("Other names"), "; ".join(profile.other_names))
    add_text_row(table, _("State"), profile.state)
    for address in profile.addresses:
        years = f" ({address.years()})" if address.years() else ""
        add_text_row(
            table, _("Address (current)") if address.current else _("Address"), address.one_line() + years
        )
    add_text_row(table, _("Email"), profile.email or "-")
    add_text_row(table, _("Phone"), profile.phone or "-")
    add_text_row(table, _("Date of birth"), profile.birth_date.isoformat() if profile.birth_date else "-")
    reply = profile.reply_address
    add_text_row(table, _("Reply address"), ", ".join(reply.lines()) if reply else _("- (answers by e-mail)"))
    for ad_id in profile.advertising_ids:
        add_text_row(table, _("Advertising ID"), ad_id)
    if profile.licence_number:
        add_text_row(table, _("Licence number"), _("on file (given only where you --disclose it)"))
    default = _("standard") if profile.disclose is None else (", ".join(profile.disclose) or _("name only"))
    add_text_row(table, _("Letters to other brokers give"), default)
    add_text_row(
        table,
        _("Letters to government-linked brokers"),
        _("name, past addresses, e-mail and a reply address (add more with --disclose)"),
    )
    console.print(table)
