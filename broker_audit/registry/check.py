"""`registry check`: named rules over the curated and imported registry.

Each rule has a stable id (never reused), a description and a suggested fix; the same code runs in
CI and for users. Offline by default; `online=True` adds R012, which asks each web form and
website whether it still answers (see fetch.check_links for the manners).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from broker_audit.errors import DataFileError
from broker_audit.registry.imports.extract import US_STATES
from broker_audit.registry.schema import Broker, BrokersFile, Preset
from broker_audit.usps import zip_matches_state

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
    Rule(
        "R011",
        "channels-have-facts",
        "Each channel listed in `channels` has its contact fact (warning).",
        "Add the missing contact fact or remove the channel.",
    ),
    Rule(
        "R012",
        "links-answer",
        "With --online: each web form and website still answers (dead curated "
        "links are errors, dead imported ones warnings).",
        "Find the new address and update the fact.",
    ),
)
RULE_BY_ID = {r.id: r for r in RULES}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    broker: str = ""
    where: str = ""

    @property
    def fix(self) -> str:
        return RULE_BY_ID[self.rule].fix


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    brokers: int
    links_checked: int = 0
    rules: tuple[Rule, ...] = field(default=RULES, repr=False)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0


class _Out:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, rule: str, severity: Severity, message: str, broker: str = "", where: str = "") -> None:
        self.findings.append(Finding(rule, severity, message, broker, where))


def _dated(broker: Broker) -> Iterable[tuple[str, dt.date, str]]:
    """(field, checked date, source) of every dated item of a record."""
    yield "checked", broker.checked, ""
    for i, s in enumerate(broker.sources):
        yield f"sources[{i}]", s.checked, s.url
    c = broker.contact
    for name in ("email", "web_form", "phone", "fax", "postal"):
        fact = getattr(c, name)
        if fact is not None:
            yield f"contact.{name}", fact.checked, fact.source
    if broker.verification is not None:
        yield "verification", broker.verification.checked, broker.verification.source
    for i, e in enumerate(broker.law_enforcement):
        yield f"law_enforcement[{i}]", e.checked, e.source
    if broker.disclosures is not None:
        yield "disclosures", broker.disclosures.checked, broker.disclosures.source


def check_records(
    curated: Sequence[Broker],
    imported: Sequence[Broker],
    presets: Sequence[Preset],
    *,
    today: dt.date,
    max_age_days: int = 365,
) -> list[Finding]:
    """Every offline rule over the records."""
    out = _Out()
    everyone = [*curated, *imported]
    for broker in everyone:
        _record_rules(out, broker, today, max_age_days)
    _id_rules(out, curated, imported)
    _preset_rules(out, presets, {b.id for b in everyone})
    _successor_rules(out, everyone)
    return out.findings


def _record_rules(out: _Out, b: Broker, today: dt.date, max_age_days: int) -> None:
    if not b.sources:
        out.add("R001", "error", "has no sources", b.id, "sources")
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
    postal = b.contact.postal
    if postal is not None:
        if postal.state not in US_STATES:
            out.add(
                "R004",
                "error",
                f"postal state {postal.state!r} is not a US state code",
                b.id,
                "contact.postal",
            )
        elif not zip_matches_state(postal.zip, postal.state):
            out.add(
                "R004",
                "warning",
                f"ZIP {postal.zip} does not belong to {postal.state}",
                b.id,
                "contact.postal",
            )
    for i, e in enumerate(b.law_enforcement):
        if not 1990 <= e.year <= today.year:
            out.add(
                "R007",
                "error",
                f"evidence year {e.year} is outside 1990-{today.year}",
                b.id,
                f"law_enforcement[{i}]",
            )
    c = b.contact
    if not b.successor and not (c.email or c.web_form or c.postal or b.website):
        out.add("R009", "warning", "no email, web form, postal address or website", b.id, "contact")
    if c.email is not None and not _EMAIL.match(c.email.value):
        out.add("R010", "error", f"email {c.email.value!r} is not well formed", b.id, "contact.email")
    present = {"email": c.email, "web-form": c.web_form, "mail": c.postal, "phone": c.phone, "fax": c.fax}
    for channel in b.channels:
        if present.get(channel) is None:
            out.add(
                "R011",
                "warning",
                f"channel {channel!r} is listed but there is no such contact fact",
                b.id,
                "channels",
            )


def _id_rules(out: _Out, curated: Sequence[Broker], imported: Sequence[Broker]) -> None:
    for group, records in (("curated", curated), ("imported", imported)):
        counts = Counter(b.id for b in records)
        for broker_id, n in sorted(counts.items()):
            if n > 1:
                out.add("R006", "error", f"{group} id {broker_id!r} appears {n} times", broker_id, "id")
        for b in records:
            if not _SLUG.match(b.id):
                out.add("R006", "error", f"id {b.id!r} is not slug-shaped", b.id, "id")
    curated_ids = {b.id for b in curated}
    for b in imported:
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
        for url in (b.contact.web_form.value if b.contact.web_form else None, b.website):
            if url and url.startswith(("http://", "https://")):
                out.append((url, b.id, b.origin))
    return out


def run_check(
    *,
    brokers_file: Path,
    imported_file: Path | None,
    today: dt.date,
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
    imported: list[Broker] = []
    if imported_file is not None and imported_file.is_file():
        try:
            imported = list(load_imported(imported_file).broker)
        except DataFileError as exc:
            out.add("R000", "error", exc.message, "", str(imported_file))
    findings = out.findings + check_records(
        curated.broker, imported, curated.preset, today=today, max_age_days=max_age_days
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
                )
            )
    return CheckReport(tuple(findings), len(curated.broker) + len(imported), links)
