"""`brokers show` (`brokers list` is a plain listing: `listing.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, joined, say
from broker_audit.i18n import _, data_text
from broker_audit.words import category_word, channel_name, door_word, grade_word, kind_word, recipient_word

if TYPE_CHECKING:
    from broker_audit.registry.schema import Broker, Route


def _route_lines(route: Route) -> list[tuple[str, str]]:
    limits = []
    if route.rights:
        limits.append(_("for {rights}").format(rights=joined(kind_word(r) for r in route.rights)))
    if route.states:
        limits.append(_("residents of {states}").format(states=joined(route.states)))
    if route.only_for:
        limits.append(_("only for {whom}").format(whom=clean(route.only_for)))
    where = provenance_words(route) or _("checked {day}").format(day=route.checked)
    head = (
        f"  {clean(channel_name(route.channel))} [{door_word(route.door_kind)}]: {clean(route.address())}"
        + (f" ({'; '.join(limits)})" if limits else "")
    )
    out = [
        (head, ""),
        (f"      {clean(grade_word(route.grade))}: {clean(route.source)} ({clean(where)})", ""),
    ]
    if route.door_words:
        out.append(("      " + _("its words: {words}").format(words=clean(route.door_words)), ""))
    if route.form is not None:
        out.append(
            (
                "      "
                + _("only on its own form: {form} ({where})").format(
                    form=clean(route.form.name), where=clean(route.form.where)
                ),
                "",
            )
        )
    if route.via_parent:
        out.append(("      " + _("the privacy desk of {parent}").format(parent=clean(route.via_parent)), ""))
    if route.note:
        out.append(("      " + _("note: {note}").format(note=clean(route.note)), ""))
    return out


def provenance_words(route: Route) -> str:
    """Where a route comes from, in the reader's language ("as filed with California in 2020")."""
    from broker_audit.registry.schema import REGISTRY_NAMES

    if route.registry is None:
        return ""
    where = REGISTRY_NAMES.get(route.registry, route.registry)
    if route.filed:
        return _("as filed with {registry} in {year}").format(registry=where, year=route.filed)
    return _("as filed with {registry}").format(registry=where)


_BOLD, _WARN = "bold", "bold red"


def render_broker(b: Broker, minimal_because: str = "") -> None:
    """`brokers show`: who the broker is, how to reach it, what it asks, what letters tell it,
    what it sold to government, and the sources, each part drawn by its own function."""
    lines: list[tuple[str, str]] = [(f"{clean(b.name)} ({clean(b.id)})", _BOLD)]
    lines += _who_lines(b)
    lines.append((_("How to send a request"), _BOLD))
    if not b.routes:
        lines.append(("  " + _("no route known yet: no letter can be sent"), "yellow"))
    for route in b.routes:
        lines += _route_lines(route)
    if b.rights:
        lines.append(
            ("  " + _("rights honoured: {rights}").format(rights=joined(kind_word(r) for r in b.rights)), "")
        )
    lines += _verification_lines(b)
    lines += _reach_lines(b, minimal_because)
    lines += _government_lines(b)
    for text, style in lines:
        say((text, style))


def _who_lines(b: Broker) -> list[tuple[str, str]]:
    """Its names, parent, brands, categories, what it holds and whether it is a CRA."""
    lines: list[tuple[str, str]] = []
    if b.legal_name:
        lines.append(("  " + _("legal name: {name}").format(name=clean(b.legal_name)), ""))
    if b.parent:
        lines.append(("  " + _("parent: {name}").format(name=clean(b.parent)), ""))
    if b.brands:
        lines.append(("  " + _("brands: {names}").format(names=joined(b.brands)), ""))
    lines.append(
        ("  " + _("categories: {ids}").format(ids=joined(category_word(c) for c in b.categories)), "")
    )
    if b.holds:
        held = "; ".join(clean(data_text(h)) for h in b.holds)  # an item may hold commas
        lines.append(("  " + _("holds: {what}").format(what=held), ""))
    cra = b.consumer_reporting
    if cra is not None:
        who = f" ({clean(cra.entity)})" if cra.entity else ""
        what = (
            _("a consumer reporting agency{who}: FCRA file disclosures (15 U.S.C. 1681g) apply").format(
                who=who
            )
            if cra.agency
            else _("not a consumer reporting agency: no FCRA file disclosure")
        )
        lines.append(("  " + what, ""))
        lines.append((_source_line(cra.source, cra.checked, cra.grade), ""))
    return lines


def _verification_lines(b: Broker) -> list[tuple[str, str]]:
    """What it asks to verify a requester (SSN, an ID copy) and each ask's risk and way round."""
    v = b.verification
    if v is None:
        return []
    lines: list[tuple[str, str]] = []
    if v.asks_ssn:
        lines.append(
            (
                "  "
                + _("Warning: asks for a Social Security number. Do not volunteer it; ask why it is needed."),
                _WARN,
            )
        )
    if v.asks_id_copy:
        lines.append(
            (
                "  "
                + _(
                    "Warning: asks for a copy of an ID. Send one only if you must, with the number "
                    "partly covered."
                ),
                _WARN,
            )
        )
    if v.details:
        lines.append(("  " + _("verification: {details}").format(details=clean(data_text(v.details))), ""))
    lines.append((_source_line(v.source, v.checked), ""))
    if v.asks:
        from broker_audit.registry.schema import IDENTITY_ITEM_WORDS

        lines.append((_("What it asks to identify you, the risk, and the least-risk way"), _BOLD))
        for a in v.asks:
            when = f" ({clean(data_text(a.when))})" if a.when else ""
            lines.append((f"  {clean(_(IDENTITY_ITEM_WORDS[a.item]))}{when}", _WARN))
            lines.append(("      " + _("risk: {risk}").format(risk=clean(data_text(a.risk))), ""))
            lines.append(("      " + _("instead: {instead}").format(instead=clean(data_text(a.instead))), ""))
            lines.append(
                (
                    f"      {clean(grade_word(a.grade))}: {clean(a.source)} "
                    + _("(checked {day})").format(day=clean(a.checked)),
                    "",
                )
            )
            if a.risk_source:
                lines.append(("      " + _("the risk, source: {url}").format(url=clean(a.risk_source)), ""))
    return lines


def _reach_lines(b: Broker, ties: str) -> list[tuple[str, str]]:
    """What letters to it tell (`ties`: why they are minimal, "" when not), the data a deletion
    cannot reach, whose residents it answers."""
    lines: list[tuple[str, str]] = []
    from broker_audit.letters.disclosure import reason_in

    lines.append(
        (
            "  "
            + _(
                "Letters to it give only your name, past addresses and a reply channel ({why}); add more "
                "with --disclose"
            ).format(why=clean(reason_in(ties)))
            if ties
            else "  " + _("Letters to it give your profile's default details (no known sales to government)"),
            "",
        )
    )
    if b.exempt_data is not None:
        from broker_audit.letters.exempt import cannot_reach

        lines.append((f"  {clean(cannot_reach(b, 'delete'))}", "yellow"))
        lines.append(
            ("      " + _("its words: {words}").format(words=clean(data_text(b.exempt_data.summary))), "")
        )
        lines.append((f"      {clean(grade_word(b.exempt_data.grade))}: {clean(b.exempt_data.source)}", ""))
    if b.residency_limit is not None:
        lines.append(
            (
                "  "
                + _("Answers only some states' residents: {limit}").format(
                    limit=clean(data_text(b.residency_limit.value))
                ),
                "yellow",
            )
        )
        lines.append((_source_line(b.residency_limit.source, b.residency_limit.checked), ""))
    return lines


def _government_lines(b: Broker) -> list[tuple[str, str]]:
    """Its documented sales or sharing with government, then its sources and notes."""
    lines: list[tuple[str, str]] = []
    if b.law_enforcement:
        lines.append((_("Documented sales or sharing with government"), _BOLD))
        for e in b.law_enforcement:
            lines.append(
                (
                    f"  {clean(e.year)} {clean(e.agency)} ({clean(recipient_word(e.recipient))}): "
                    + clean(data_text(e.summary)),
                    "",
                )
            )
            lines.append((_source_line(e.source, e.checked), ""))
    lines.append((_("Sources"), _BOLD))
    for s in b.sources:
        lines.append((f"  {clean(s.url)} " + _("(checked {day})").format(day=clean(s.checked)), ""))
    if b.notes:
        lines.append(("  " + _("notes: {notes}").format(notes=clean(b.notes)), ""))
    return lines


def _source_line(url: str, checked: object, grade: str = "") -> str:
    """ "      source: URL (checked DATE)", with the source's grade when it has one."""
    if grade:
        return "      " + _("source: {url} ({grade}, checked {day})").format(
            url=clean(url), grade=clean(grade_word(grade)), day=clean(checked)
        )
    return "      " + _("source: {url} (checked {day})").format(url=clean(url), day=clean(checked))
