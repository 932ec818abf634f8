"""Rank the brokers that most likely hold a person's data, most dangerous first. Pure: no I/O.

Danger comes first: documented sales to immigration enforcement, then to police, then what a
broker itself disclosed to a state registry (sharing with the federal government or law
enforcement, collecting immigration status), then the rest. Within a tier, brokers whose data
matches more of the person's life come first. Every reason carries its source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from broker_audit.audit.questions import QUESTIONS
from broker_audit.i18n import N_, _, current_language, data_text
from broker_audit.registry.schema import Broker
from broker_audit.tracking.records import Answers, ScanFinding
from broker_audit.words import recipient_word

TIERS = {  # marked for the catalog: translated where shown
    1: N_("documented sales or sharing with immigration enforcement"),
    2: N_("documented sales or sharing with police or other government"),
    3: N_("told a state registry it shares with government or collects immigration status"),
    4: N_("likely holds your data"),
}

# Everyone with an address is in people-search and marketing files.
_EVERYONE = frozenset({"people-search", "marketing"})


@dataclass(frozen=True)
class Reason:
    text: str
    source: str = ""
    short: str = ""  # a few words for the terminal table


@dataclass(frozen=True)
class Ranked:
    broker: Broker
    tier: int
    likelihood: int  # how many of the person's exposures the broker's data matches
    reasons: tuple[Reason, ...]
    in_your_state: bool = False  # documented evidence about the person's own state
    listing: str = ""  # a public listing of the person that `broker-audit scan` found (its URL)
    listed: bool = False  # a scan found a listing (even one whose URL could not be read)


def _order(r: Ranked) -> tuple[int, bool, bool, int, str]:
    return (r.tier, not r.in_your_state, not r.listed, -r.likelihood, r.broker.name.lower())


def _disclosure_reasons(broker: Broker) -> list[Reason]:
    """Registry disclosures, where the registry data gives them (imported records)."""
    disclosures = getattr(broker, "disclosures", None)
    if disclosures is None:
        return []
    out = []
    source = getattr(disclosures, "source", "") or ""
    checks = (
        (
            "shares_with_federal_government",
            _("told the state registry it shares data with the federal government"),
            _("registry: shares data with the federal government"),
        ),
        (
            "shares_with_law_enforcement",
            _("told the state registry it shares data with law enforcement"),
            _("registry: shares data with law enforcement"),
        ),
        (
            "collects_immigration_status",
            _("told the state registry it collects citizenship or immigration status"),
            _("registry: collects citizenship or immigration status"),
        ),
    )
    for attribute, text, short in checks:
        if getattr(disclosures, attribute, None):
            out.append(Reason(text, source, short=short))
    return out


def _matches(broker: Broker, answers: Answers) -> list[Reason]:
    holds = " ".join(broker.holds).lower()
    source = broker.sources[0].url if broker.sources else ""
    out = []
    for question in QUESTIONS:
        answer = getattr(answers, question.key)
        if answer is False:
            continue
        hit_category = set(question.categories) & set(broker.categories)
        hit_words = [w for w in question.words if w in holds]
        if hit_category or hit_words:
            what = ", ".join(sorted(hit_category) or hit_words[:2])
            maybe = "" if answer else " " + _("(you did not say; it may apply)")
            asked = question.text_es if current_language() == "es" else question.text_en
            out.append(
                Reason(
                    _("its data ({what}) matches: {question}").format(what=what, question=asked.lower())
                    + maybe,
                    source,
                    short=_(question.short) + ("?" if answer is None else ""),
                )
            )
    return out


def rank_brokers(brokers: Sequence[Broker], answers: Answers, state: str = "") -> list[Ranked]:
    """Most dangerous and most likely first; documented evidence about `state` leads its tier."""
    ranked = []
    for broker in brokers:
        if broker.successor:
            continue
        reasons: list[Reason] = []
        documented = [e for e in broker.law_enforcement if not e.self_reported]
        ice = [e for e in documented if e.recipient == "immigration-enforcement"]
        police = [e for e in documented if e.recipient != "immigration-enforcement"]
        local = [e for e in documented if state and state in e.states]
        for e in sorted(ice + police, key=lambda e: (e not in local, -e.year)):
            who = (
                _("ICE/immigration")
                if e.recipient == "immigration-enforcement"
                else recipient_word(e.recipient)
            )
            where = " " + _("in {state}").format(state=state) if e in local else ""
            reasons.append(
                Reason(
                    f"{e.year}: {e.agency}: {data_text(e.summary)}", e.source, short=f"{who}{where} {e.year}"
                )
            )
        disclosed = _disclosure_reasons(broker)
        for e in broker.law_enforcement:
            if e.self_reported:
                disclosed.append(
                    Reason(
                        f"{e.year}: {data_text(e.summary)}",
                        e.source,
                        short=_("registry: shares with {recipient}").format(
                            recipient=recipient_word(e.recipient)
                        ),
                    )
                )
        reasons += disclosed
        tier = 1 if ice else 2 if police else 3 if disclosed else 4
        matches = _matches(broker, answers)
        everyone = _EVERYONE & set(broker.categories)
        if everyone:
            source = broker.sources[0].url if broker.sources else ""
            matches.append(
                Reason(
                    _("a {category} company: it compiles files on almost every adult with an address").format(
                        category=sorted(everyone)[0]
                    ),
                    source,
                    short=sorted(everyone)[0],
                )
            )
        if not matches and tier == 4:
            continue  # nothing suggests it holds this person's data
        reasons += matches
        sure = sum(1 for m in matches if not m.short.endswith("?"))
        ranked.append(
            Ranked(
                broker=broker,
                tier=tier,
                likelihood=sure * 2 + (len(matches) - sure),
                reasons=tuple(reasons),
                in_your_state=bool(local),
            )
        )
    ranked.sort(key=_order)
    return ranked


def with_scan_findings(
    ranked: Sequence[Ranked], findings: Mapping[str, ScanFinding], brokers: Sequence[Broker] = ()
) -> list[Ranked]:
    """Add "a scan found your listing" as the first reason of each broker where the latest scan
    found one (`findings`: broker id -> the journal's ScanFinding). A listed broker the ranking
    left out (from `brokers`) is added; listed brokers lead their tier."""
    found = {b: f for b, f in findings.items() if f.outcome == "found"}
    if not found:
        return list(ranked)
    out = []
    present = {r.broker.id for r in ranked}
    extra = [
        Ranked(broker=b, tier=4, likelihood=0, reasons=())
        for b in brokers
        if b.id in found and b.id not in present and not b.successor
    ]
    for r in [*ranked, *extra]:
        finding = found.get(r.broker.id)
        if finding is None:
            out.append(r)
            continue
        where = f" ({finding.matched_location})" if finding.matched_location else ""
        reason = Reason(
            _("a scan on {date} found a public listing of you").format(date=finding.on.isoformat())
            + where
            + (f": {finding.listing_url}" if finding.listing_url else ""),
            finding.listing_url,
            short=_("listing found by scan"),
        )
        out.append(
            dataclasses.replace(r, reasons=(reason, *r.reasons), listing=finding.listing_url, listed=True)
        )
    out.sort(key=_order)
    return out
