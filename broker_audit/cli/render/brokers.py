"""`brokers show` (`brokers list` is a plain listing: `listing.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker_audit.cli.render.base import clean, joined, say

if TYPE_CHECKING:
    from broker_audit.registry.schema import Broker, Route


def _route_lines(route: Route) -> list[tuple[str, str]]:
    limits = []
    if route.rights:
        limits.append("for " + joined(route.rights))
    if route.states:
        limits.append("residents of " + joined(route.states))
    if route.only_for:
        limits.append("only for " + clean(route.only_for))
    where = route.provenance() or f"checked {route.checked}"
    door = {"request-channel": "request channel", "contact": "contact", "registered": "registered address"}
    kind = door.get(route.door_kind, route.door_kind)
    head = f"  {clean(route.channel)} [{kind}]: {clean(route.address())}" + (
        f" ({'; '.join(limits)})" if limits else ""
    )
    out = [(head, ""), (f"      {clean(route.grade)}: {clean(route.source)} ({clean(where)})", "")]
    if route.door_words:
        out.append((f"      its words: {clean(route.door_words)}", ""))
    if route.form is not None:
        out.append((f"      only on its own form: {clean(route.form.name)} ({clean(route.form.where)})", ""))
    if route.via_parent:
        out.append((f"      the privacy desk of {clean(route.via_parent)}", ""))
    if route.note:
        out.append((f"      note: {clean(route.note)}", ""))
    return out


_BOLD, _WARN = "bold", "bold red"


def render_broker(b: Broker) -> None:
    """`brokers show`: who the broker is, how to reach it, what it asks, what letters tell it,
    what it sold to government, and the sources, each part drawn by its own function."""
    lines: list[tuple[str, str]] = [(f"{clean(b.name)} ({clean(b.id)})", _BOLD)]
    lines += _who_lines(b)
    lines.append(("How to send a request", _BOLD))
    if not b.routes:
        lines.append(("  no route known yet: no letter can be sent", "yellow"))
    for route in b.routes:
        lines += _route_lines(route)
    if b.rights:
        lines.append(("  rights honoured: " + joined(b.rights), ""))
    lines += _verification_lines(b)
    lines += _reach_lines(b)
    lines += _government_lines(b)
    for text, style in lines:
        say((text, style))


def _who_lines(b: Broker) -> list[tuple[str, str]]:
    """Its names, parent, brands, categories, what it holds and whether it is a CRA."""
    lines: list[tuple[str, str]] = []
    if b.legal_name:
        lines.append((f"  legal name: {clean(b.legal_name)}", ""))
    if b.parent:
        lines.append((f"  parent: {clean(b.parent)}", ""))
    if b.brands:
        lines.append(("  brands: " + joined(b.brands), ""))
    lines.append(("  categories: " + joined(b.categories), ""))
    if b.holds:
        lines.append(("  holds: " + joined(b.holds), ""))
    cra = b.consumer_reporting
    if cra is not None:
        who = f" ({clean(cra.entity)})" if cra.entity else ""
        what = (
            f"  a consumer reporting agency{who}: FCRA file disclosures (15 U.S.C. 1681g) apply"
            if cra.agency
            else "  not a consumer reporting agency: no FCRA file disclosure"
        )
        lines.append((what, ""))
        lines.append(
            (f"      source: {clean(cra.source)} ({clean(cra.grade)}, checked {clean(cra.checked)})", "")
        )
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
                "  Warning: asks for a Social Security number. Do not volunteer it; ask why it is needed.",
                _WARN,
            )
        )
    if v.asks_id_copy:
        lines.append(
            (
                "  Warning: asks for a copy of an ID. Send one only if you must, "
                "with the number partly covered.",
                _WARN,
            )
        )
    if v.details:
        lines.append((f"  verification: {clean(v.details)}", ""))
    lines.append((f"      source: {clean(v.source)} (checked {clean(v.checked)})", ""))
    if v.asks:
        from broker_audit.registry.schema import IDENTITY_ITEM_WORDS

        lines.append(("What it asks to identify you, the risk, and the least-risk way", _BOLD))
        for a in v.asks:
            when = f" ({clean(a.when)})" if a.when else ""
            lines.append((f"  {clean(IDENTITY_ITEM_WORDS[a.item])}{when}", _WARN))
            lines.append((f"      risk: {clean(a.risk)}", ""))
            lines.append((f"      instead: {clean(a.instead)}", ""))
            lines.append((f"      {clean(a.grade)}: {clean(a.source)} (checked {clean(a.checked)})", ""))
            if a.risk_source:
                lines.append((f"      the risk, source: {clean(a.risk_source)}", ""))
    return lines


def _reach_lines(b: Broker) -> list[tuple[str, str]]:
    """What letters to it tell, the data a deletion cannot reach, whose residents it answers."""
    from broker_audit.letters.disclosure import government_ties

    ties = government_ties(b)
    lines: list[tuple[str, str]] = [
        (
            f"  Letters to it give only your name, past addresses and a reply channel ({clean(ties)}); "
            "add more with --disclose"
            if ties
            else "  Letters to it give your profile's default details (no known sales to government)",
            "",
        )
    ]
    if b.exempt_data is not None:
        from broker_audit.letters.exempt import cannot_reach

        lines.append((f"  {clean(cannot_reach(b, 'delete'))}", "yellow"))
        lines.append((f"      its words: {clean(b.exempt_data.summary)}", ""))
        lines.append((f"      {clean(b.exempt_data.grade)}: {clean(b.exempt_data.source)}", ""))
    if b.residency_limit is not None:
        lines.append((f"  Answers only some states' residents: {clean(b.residency_limit.value)}", "yellow"))
        lines.append(
            (
                f"      source: {clean(b.residency_limit.source)} "
                f"(checked {clean(b.residency_limit.checked)})",
                "",
            )
        )
    return lines


def _government_lines(b: Broker) -> list[tuple[str, str]]:
    """Its documented sales or sharing with government, then its sources and notes."""
    lines: list[tuple[str, str]] = []
    if b.law_enforcement:
        lines.append(("Documented sales or sharing with government", _BOLD))
        for e in b.law_enforcement:
            lines.append(
                (f"  {clean(e.year)} {clean(e.agency)} ({clean(e.recipient)}): {clean(e.summary)}", "")
            )
            lines.append((f"      source: {clean(e.source)} (checked {clean(e.checked)})", ""))
    lines.append(("Sources", _BOLD))
    for s in b.sources:
        lines.append((f"  {clean(s.url)} (checked {clean(s.checked)})", ""))
    if b.notes:
        lines.append((f"  notes: {clean(b.notes)}", ""))
    return lines
