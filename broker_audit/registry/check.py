"""`registry check`: named rules over the curated and imported registry.

Each rule has a stable id (never reused), a description and a suggested fix; the same code runs in
CI and for users. Offline by default; `online=True` adds R012, which asks each web form and
website whether it still answers (see fetch.check_links for the manners).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from broker_audit.errors import DataFileError
from broker_audit.geography import US_STATES, zip_matches_state
from broker_audit.i18n import N_
from broker_audit.provenance import is_proxy_url
from broker_audit.registry.routevalue import EMAIL, route_host
from broker_audit.registry.schema import Broker, BrokersFile, Preset, Route
from broker_audit.vocabulary import CHANNELS

if TYPE_CHECKING:
    from broker_audit.registry.doorcheck import ShippedText

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    description: str
    fix: str


RULES: tuple[Rule, ...] = (
    Rule(
        "R000",
        "files-validate",
        "brokers.toml and brokers.imported.json parse and match the schema.",
        "Fix the file at the line named; for the imported file, run `broker-audit registry import` again.",
    ),
    Rule(
        "R001",
        "record-sourced",
        "Every record has at least one source and a checked date.",
        "Add a [[broker.sources]] entry with the page the facts come from, and `checked`.",
    ),
    Rule(
        "R002",
        "fact-sourced",
        "Every contact fact, verification note and evidence item has an http(s) source and a checked date.",
        "Add `source` (the page the fact is on) and `checked` to the fact.",
    ),
    Rule(
        "R003",
        "checked-recently",
        "No checked date is in the future; dates older than the limit are stale (warning).",
        "Re-check the fact at its source and update `checked`.",
    ),
    Rule(
        "R004",
        "postal-address",
        "Postal addresses have a real US state code and a ZIP that fits it.",
        "Correct the state or ZIP from the broker's own privacy notice.",
    ),
    Rule(
        "R005",
        "preset-members",
        "Every broker a preset names exists, and preset ids are unique.",
        "Add the broker, or remove it from the preset.",
    ),
    Rule(
        "R006",
        "ids",
        "Broker ids are unique, slug-shaped (a-z, 0-9, single hyphens), and imported ids "
        "do not collide with curated ones.",
        "Rename the id; a removed broker keeps a tombstone.",
    ),
    Rule(
        "R007",
        "evidence-year",
        "Evidence items have a year between 1990 and this year.",
        "Use the year the sale or disclosure was documented.",
    ),
    Rule(
        "R008",
        "successors",
        "A tombstone's successor exists and successors do not loop.",
        "Point `successor` at an existing, active broker.",
    ),
    Rule(
        "R009",
        "reachable",
        "Every active broker has at least one way to send a request (email, web form, "
        "postal address) or a website (warning).",
        "Find the privacy contact and add it, with its source.",
    ),
    Rule("R010", "email-syntax", "Email addresses are well formed.", "Correct the address at its source."),
    # R011 (channels-have-facts) is retired: `channels` gave way to routes. Its id is not reused.
    Rule(
        "R012",
        "links-answer",
        "With --online: each web form and website still answers (dead curated "
        "links are errors, dead imported ones warnings).",
        "Find the new address and update the fact.",
    ),
)
RULES += (
    Rule(
        "R013",
        "no-proxy-or-mirror",
        "No source, route or website URL is a proxy, a mirror, a redirector or a cache: the "
        "canonical page goes in `source`, and where it was read in `read_at`.",
        "Find the original page's URL; keep the copy's address in `read_at`.",
    ),
    Rule(
        "R014",
        "weak-route",
        "A route read only on a weak source (a third-party copy) is listed (warning): it is printed "
        "only with a warning to the user.",
        "Confirm the route on the company's own page or filing and raise its grade.",
    ),
    Rule(
        "R015",
        "primary-route-for-government-sellers",
        "A broker documented as selling to immigration or law enforcement has a primary-graded "
        "route (warning).",
        "Find its request route on its own privacy page or its registry filing.",
    ),
    Rule(
        "R016",
        "route-fresh",
        "Every route was checked, and any registry filing it comes from was made, in the last 18 "
        "months (warning).",
        "Check the route again at its source, or against the current registry, and update `checked`.",
    ),
)
RULES += (
    Rule(
        "R017",
        "door-stated",
        "Every curated route says what kind of door it is: a request-channel the company names for "
        "privacy requests, a contact, or a registered address.",
        "Read the source again and set `door` from its own words (when unsure: contact).",
    ),
    Rule(
        "R018",
        "request-channel-for-government-sellers",
        "A broker documented as selling to immigration or law enforcement defaults, for every right "
        "it has a route for, to a request channel, never to a contact or a registered address.",
        "Find the channel it names for privacy requests (its registry filing, its privacy notice) "
        "and add it as a request-channel route.",
    ),
    Rule(
        "R019",
        "read-where-sourced",
        "A route's source names only a place its facts were read: a route read in a shipped "
        "registry export has its address and its door_words in that file, and a route sourced to a "
        "registry page says where it was read (`read_at`).",
        "Name the page or list the fact was really read on (a third-party list is `weak`, named as "
        "such), or read it again where the source says.",
    ),
    Rule(
        "R020",
        "contact-default",
        "A broker whose default route is a contact, not a request channel, is listed (warning): its "
        "letters go with a warning and may be ignored.",
        "Find the channel the company names for privacy requests and add it.",
    ),
    Rule(
        "R021",
        "consumer-reporting-sourced",
        "A curated broker listed as consumer-reporting says, with a source, whether it (or which "
        "affiliate) is a consumer reporting agency (warning): only a recorded agency gets FCRA "
        "letters and the FCRA paragraph.",
        "Add `[broker.consumer_reporting]` with `agency`, the entity and the source (the CFPB list of "
        "consumer reporting companies, the company's own page, its registry filing).",
    ),
    Rule(
        "R022",
        "shared-mail-host",
        "An email or web-form route on a host many companies share (public mail, a helpdesk, a "
        "privacy portal, a form builder: shared-mail-hosts.toml) is listed (warning): inbox takes "
        "mail from there as the broker's only from the route's exact address, never by its domain.",
        "Look for the broker's own privacy address on its own domain, and prefer that route.",
    ),
)
RULE_BY_ID = {r.id: r for r in RULES}
ROUTE_MAX_AGE_DAYS = 548  # 18 months

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    broker: str = ""
    where: str = ""

    fix: str = ""  # what to do about it: the rule's fix unless the finding says more


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    brokers: int
    links_checked: int = 0
    rules: tuple[Rule, ...] = field(default=RULES, repr=False)
    laws: int = 0
    agencies: int = 0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0


class CheckSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What a check found, with every rule it ran: the data of `registry check --json`."""

    ok: bool  # no rule found an error
    errors: int
    warnings: int
    brokers: int
    laws: int
    agencies: int
    links_checked: int
    findings: list[Finding]
    rules: list[Rule]


def check_summary(report: CheckReport) -> CheckSummary:
    return CheckSummary(
        ok=report.ok,
        errors=report.errors,
        warnings=report.warnings,
        brokers=report.brokers,
        laws=report.laws,
        agencies=report.agencies,
        links_checked=report.links_checked,
        findings=list(report.findings),
        rules=list(report.rules),
    )


class _Out:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, rule: str, severity: Severity, message: str, broker: str = "", where: str = "") -> None:
        self.findings.append(Finding(rule, severity, message, broker, where, RULE_BY_ID[rule].fix))


def _urls(broker: Broker) -> Iterable[tuple[str, str]]:
    """(field, url) of every URL a record would show a user or print in a letter."""
    if broker.website:
        yield "website", broker.website
    for i, s in enumerate(broker.sources):
        yield f"sources[{i}]", s.url
    for i, r in enumerate(broker.routes):
        yield f"routes[{i}].source", r.source
        if r.channel == "web-form":
            yield f"routes[{i}].value", r.value
    if broker.residency_limit is not None:
        yield "residency_limit", broker.residency_limit.source
    if broker.verification is not None:
        yield "verification", broker.verification.source
        for i, a in enumerate(broker.verification.asks):
            yield f"verification.asks[{i}]", a.source
            if a.risk_source:
                yield f"verification.asks[{i}].risk_source", a.risk_source
    if broker.exempt_data is not None:
        yield "exempt_data", broker.exempt_data.source
    for i, e in enumerate(broker.law_enforcement):
        yield f"law_enforcement[{i}]", e.source
    if broker.consumer_reporting is not None:
        yield "consumer_reporting", broker.consumer_reporting.source


def _dated(broker: Broker) -> Iterable[tuple[str, dt.date, str]]:
    """(field, checked date, source) of every dated item of a record."""
    yield "checked", broker.checked, ""
    for i, s in enumerate(broker.sources):
        yield f"sources[{i}]", s.checked, s.url
    for i, r in enumerate(broker.routes):
        yield f"routes[{i}]", r.checked, r.source
    if broker.residency_limit is not None:
        yield "residency_limit", broker.residency_limit.checked, broker.residency_limit.source
    if broker.verification is not None:
        yield "verification", broker.verification.checked, broker.verification.source
        for i, a in enumerate(broker.verification.asks):
            yield f"verification.asks[{i}]", a.checked, a.source
    if broker.exempt_data is not None:
        yield "exempt_data", broker.exempt_data.checked, broker.exempt_data.source
    for i, e in enumerate(broker.law_enforcement):
        yield f"law_enforcement[{i}]", e.checked, e.source
    if broker.disclosures is not None:
        yield "disclosures", broker.disclosures.checked, broker.disclosures.source
    if broker.consumer_reporting is not None:
        yield "consumer_reporting", broker.consumer_reporting.checked, broker.consumer_reporting.source


def check_records(
    curated: Sequence[Broker],
    imported: Sequence[Broker] | Sequence[Sequence[Broker]],
    presets: Sequence[Preset],
    *,
    today: dt.date,
    max_age_days: int = 365,
    shipped_texts: Mapping[str, ShippedText] | None = None,
) -> list[Finding]:
    """Every offline rule over the records. `imported` is one list of imported brokers, or one
    list per imported file: ids must be unique within a file, while the same broker filed again
    in another export of the registry (California 2020 and 2025) is the same broker, merged."""
    out = _Out()
    files: list[Sequence[Broker]] = (
        [list(f) for f in imported]  # type: ignore[arg-type]
        if imported and not isinstance(imported[0], Broker)
        else [list(imported)]  # type: ignore[arg-type]
    )
    every_imported = [b for f in files for b in f]
    everyone = [*curated, *every_imported]
    for broker in everyone:
        _record_rules(out, broker, today, max_age_days)
    _id_rules(out, curated, files)
    _preset_rules(out, presets, {b.id for b in everyone})
    _successor_rules(out, [*curated, *_one_per_id(every_imported)])
    from broker_audit.registry.doorcheck import door_rules
    from broker_audit.registry.merge import merge_imported

    door_rules(out.add, curated, merge_imported(curated, every_imported), shipped_texts or {})
    return out.findings


def _one_per_id(brokers: Sequence[Broker]) -> list[Broker]:
    """The first record of each id (a later file's record of the same id is merged into it)."""
    seen: dict[str, Broker] = {}
    for b in brokers:
        seen.setdefault(b.id, b)
    return list(seen.values())


def _record_rules(out: _Out, b: Broker, today: dt.date, max_age_days: int) -> None:
    """The rules over one record, in the order their findings are listed."""
    if not b.sources:
        out.add("R001", "error", "has no sources", b.id, "sources")
    _dated_rules(out, b, today, max_age_days)
    for i, route in enumerate(b.routes):
        _route_rules(out, b, i, route, today)
    for i, e in enumerate(b.law_enforcement):
        if not 1990 <= e.year <= today.year:
            out.add(
                "R007",
                "error",
                f"evidence year {e.year} is outside 1990-{today.year}",
                b.id,
                f"law_enforcement[{i}]",
            )
    _reach_rules(out, b)
    for where, url in _urls(b):
        if is_proxy_url(url):
            out.add("R013", "error", f"{where} is a proxy or mirror URL: {url}", b.id, where)
    if b.origin == "curated" and "consumer-reporting" in b.categories and b.consumer_reporting is None:
        out.add(
            "R021",
            "warning",
            "listed as consumer-reporting with no sourced `consumer_reporting` record: no FCRA letter",
            b.id,
            "consumer_reporting",
        )
    _enforcement_route_rule(out, b)


def _dated_rules(out: _Out, b: Broker, today: dt.date, max_age_days: int) -> None:
    """R002 (every dated item but the record and its sources has an http(s) source) and R003
    (checked neither in the future nor too long ago)."""
    for where, checked, source in _dated(b):
        if (
            where not in ("checked",)
            and not where.startswith("sources")
            and not re.match(r"^https?://\S+$", source)
        ):
            out.add("R002", "error", f"{where} has no http(s) source", b.id, where)
        if checked > today:
            out.add("R003", "error", f"{where} checked {checked}, which is in the future", b.id, where)
        elif (today - checked).days > max_age_days:
            out.add(
                "R003",
                "warning",
                f"{where} last checked {checked}, over {max_age_days} days ago",
                b.id,
                where,
            )


def _reach_rules(out: _Out, b: Broker) -> None:
    """R009: a broker (not succeeded by another) a letter can reach."""
    if not b.successor and not b.routes and not b.website:
        out.add("R009", "warning", "no route (mail, email, web form, phone) and no website", b.id, "routes")
    elif not b.successor and not b.routes and b.origin == "curated":
        out.add("R009", "warning", "no route known: letters to it cannot be sent", b.id, "routes")


def _enforcement_route_rule(out: _Out, b: Broker) -> None:
    """R015: a broker that sells to immigration or law enforcement has a primary-graded route."""
    sells = b.sells_to("immigration-enforcement") or b.sells_to("law-enforcement")
    if sells and not b.successor and not any(r.grade == "primary" and not r.only_for for r in b.routes):
        out.add(
            "R015",
            "warning",
            "sells to immigration or law enforcement but has no primary-graded route",
            b.id,
            "routes",
        )


def _route_rules(out: _Out, b: Broker, i: int, route: Route, today: dt.date) -> None:
    where = f"routes[{i}]"
    postal = route.postal
    if postal is not None:
        if postal.state not in US_STATES:
            out.add("R004", "error", f"postal state {postal.state!r} is not a US state code", b.id, where)
        elif not zip_matches_state(postal.zip, postal.state):
            out.add("R004", "warning", f"ZIP {postal.zip} does not belong to {postal.state}", b.id, where)
    if CHANNELS[route.channel].value == "email" and not EMAIL.match(route.value):
        out.add("R010", "error", f"email {route.value!r} is not well formed", b.id, where)
    _shared_host_rule(out, b, where, route)
    if route.grade == "weak":
        out.add(
            "R014",
            "warning",
            f"{route.channel} route {route.address()!r} has only a weak source",
            b.id,
            where,
        )
    if (today - route.checked).days > ROUTE_MAX_AGE_DAYS:
        out.add("R016", "warning", f"{route.channel} route last checked {route.checked}", b.id, where)
    elif route.filed is not None and today.year - route.filed >= 2 and b.origin == "curated":
        out.add(
            "R016",
            "warning",
            f"{route.channel} route is {route.provenance()}; confirm it is still current",
            b.id,
            where,
        )


def _shared_host_rule(out: _Out, b: Broker, where: str, route: Route) -> None:
    from broker_audit.registry.shared_hosts import shared_hosts

    host = route_host(route.channel, route.value)
    kind = shared_hosts().kind_of(host) if host else None
    if kind is not None:
        out.add(
            "R022",
            "warning",
            f"{route.channel} route {route.value!r} is on {host}, a {kind.replace('-', ' ')} host many "
            "companies share: inbox trusts only this exact address, never the domain",
            b.id,
            where,
        )


def _id_rules(out: _Out, curated: Sequence[Broker], files: Sequence[Sequence[Broker]]) -> None:
    for group, records in (("curated", curated), *(("imported", f) for f in files)):
        counts = Counter(b.id for b in records)
        for broker_id, n in sorted(counts.items()):
            if n > 1:
                out.add("R006", "error", f"{group} id {broker_id!r} appears {n} times", broker_id, "id")
        for b in records:
            if not _SLUG.match(b.id):
                out.add("R006", "error", f"id {b.id!r} is not slug-shaped", b.id, "id")
    curated_ids = {b.id for b in curated}
    for b in _one_per_id([b for f in files for b in f]):
        if b.id in curated_ids:
            out.add(
                "R006",
                "warning",
                f"imported id {b.id!r} is also a curated id; it is renamed when merged",
                b.id,
                "id",
            )


def _preset_rules(out: _Out, presets: Sequence[Preset], ids: set[str]) -> None:
    for preset_id, n in Counter(p.id for p in presets).items():
        if n > 1:
            out.add("R005", "error", f"preset {preset_id!r} is defined {n} times", "", f"preset {preset_id}")
    for preset in presets:
        for member in preset.brokers:
            if member not in ids:
                out.add(
                    "R005",
                    "error",
                    f"preset {preset.id!r} names unknown broker {member!r}",
                    member,
                    f"preset {preset.id}",
                )


def _successor_rules(out: _Out, records: Sequence[Broker]) -> None:
    by_id = {b.id: b for b in records}
    for b in records:
        if not b.successor:
            continue
        if b.successor not in by_id:
            out.add("R008", "error", f"successor {b.successor!r} does not exist", b.id, "successor")
            continue
        seen = {b.id}
        step: Broker | None = by_id[b.successor]
        while step is not None and step.successor:
            if step.id in seen:
                out.add("R008", "error", "successors loop back to this broker", b.id, "successor")
                break
            seen.add(step.id)
            step = by_id.get(step.successor)


def link_targets(brokers: Sequence[Broker]) -> list[tuple[str, str, str]]:
    """(url, broker id, origin) of each web form and website, curated first."""
    out: list[tuple[str, str, str]] = []
    for b in sorted(brokers, key=lambda x: x.origin != "curated"):
        if b.successor:
            continue
        forms = [r.value for r in b.routes if r.channel == "web-form"]
        for url in (*forms, b.website):
            if url and url.startswith(("http://", "https://")):
                out.append((url, b.id, b.origin))
    return out


def shipped_texts(exports: Sequence[Path]) -> dict[str, ShippedText]:
    """The shipped registry exports (the files curated routes name in `read_at`), read once."""
    from broker_audit.files import read_input
    from broker_audit.registry.doorcheck import ShippedText

    out = {}
    for path in exports:
        data = read_input(path, what=N_("registry export"), limit=20 * 1024 * 1024)
        out[path.name] = ShippedText.of(path.name, data.decode("utf-8-sig", errors="replace"))
    return out


def run_check(
    *,
    brokers_file: Path,
    imported_file: Path | None,
    today: dt.date,
    shipped_imports: Sequence[Path] = (),
    shipped_exports: Sequence[Path] = (),
    max_age_days: int = 365,
    online: bool = False,
    check_links: Callable[[list[str]], list[object]] | None = None,
) -> CheckReport:
    """Validate the curated file and the imported file, offline unless `online`."""
    from broker_audit.registry.merge import load_imported
    from broker_audit.tomlerrors import load_toml

    out = _Out()
    try:
        curated = load_toml(brokers_file, BrokersFile, table="broker")
    except DataFileError as exc:
        out.add("R000", "error", exc.message, "", str(brokers_file))
        return CheckReport(tuple(out.findings), 0)
    # The user's import of a registry replaces its shipped exports here as in every other view,
    # so an import of the shipped file itself is not counted twice.
    own = None
    if imported_file is not None and imported_file.is_file():
        try:
            own = load_imported(imported_file)
        except DataFileError as exc:
            out.add("R000", "error", exc.message, "", str(imported_file))
    replaced = {run.registry for run in own.imports} if own is not None else set()
    files: list[list[Broker]] = []
    for file in shipped_imports:
        try:
            bundle = load_imported(file)
        except DataFileError as exc:
            out.add("R000", "error", exc.message, "", str(file))
            continue
        if not {run.registry for run in bundle.imports} & replaced:
            files.append(list(bundle.broker))
    if own is not None:
        files.append(list(own.broker))
    imported = [b for f in files for b in f]
    findings = out.findings + check_records(
        curated.broker,
        files,
        curated.preset,
        today=today,
        max_age_days=max_age_days,
        shipped_texts=shipped_texts(shipped_exports),
    )
    links = 0
    if online and check_links is not None:
        targets = link_targets([*curated.broker, *imported])
        statuses = check_links([u for u, _, _ in targets])
        links = len(statuses)
        owners: dict[str, tuple[str, str]] = {}
        for url, broker_id, origin in targets:
            owners.setdefault(url, (broker_id, origin))
        for status in statuses:
            if getattr(status, "ok", True):
                continue
            url = status.url  # type: ignore[attr-defined]
            broker_id, origin = owners.get(url, ("", "imported"))
            answer = f"HTTP {status.status}" if status.status else (status.error or "no answer")  # type: ignore[attr-defined]
            findings.append(
                Finding(
                    "R012",
                    "error" if origin == "curated" else "warning",
                    f"{url} does not answer ({answer})",
                    broker_id,
                    "link",
                    RULE_BY_ID["R012"].fix,
                )
            )
    from broker_audit.registry.merge import merge_imported

    return CheckReport(tuple(findings), len(merge_imported(curated.broker, imported)), links)
