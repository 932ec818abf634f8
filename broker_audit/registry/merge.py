"""Turn registry rows into broker records, store them beside the curated file, and merge the two.

Rules:
- Imported brokers live in `brokers.imported.json`, never in `brokers.toml`.
- They are matched to curated brokers (and to each other) by normalised name and by web domain.
- An import never overwrites a curated fact. A matched curated broker gains the registry's
  membership (`registries`), the registry's disclosures when it has none, and the routes the
  filing gives for channels it has no route for: the filing is the broker's own word, marked
  with the registry and the year it was filed ("as filed with California in 2020").
- Every imported fact is sourced to the registry page and checked on the day of the import.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import msgspec

from broker_audit.errors import DataFileError
from broker_audit.i18n import N_
from broker_audit.registry.schema import (
    Broker,
    Disclosures,
    ImportedFile,
    Postal,
    Route,
    Source,
)

if TYPE_CHECKING:  # importing the importers costs ~15 ms a start-up does not need
    from broker_audit.registry.imports.base import ImportedRow, ImportedRows
    from broker_audit.vocabulary import Channel, Door

_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "l",
    "c",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "lp",
    "llp",
    "plc",
    "pllc",
    "gmbh",
    "sa",
    "ag",
    "bv",
    "the",
    "holdings",
}
# Hosts many unrelated companies share: a domain match there means nothing.
_SHARED_DOMAINS = {
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "linkedin.com",
    "facebook.com",
    "wixsite.com",
    "godaddysites.com",
    "squarespace.com",
    "wordpress.com",
    "google.com",
    "hsforms.com",
    "service-now.com",
    "truste.com",
    "onetrust.com",
    "github.io",
}
_DBA = re.compile(r"\s+(?:doing business as|d/b/a|dba|a/k/a|aka)\s+.*$", re.IGNORECASE)


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HOST = re.compile(r"^https?://([A-Za-z0-9.-]+)(?=[/:?#]|$)")


def _normalise(text: str) -> str:
    """load.normalise_name, with a fast path for ASCII (most names): merging runs at every start."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def domain(url: str | None) -> str:
    """The registrable-ish domain of a URL: `https://www.risk.example.com/x` -> `example.com`."""
    if not url:
        return ""
    match = _HOST.match(url)
    host = match.group(1) if match else (urlsplit(url if "//" in url else "//" + url).hostname or "")
    labels = host.lower().removeprefix("www.").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net", "ac", "gov"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:]) if len(labels) >= 2 else ""


def match_key(name: str) -> str:
    """`Allant Group, LLC` -> `allant group`: names compared without corporate suffixes."""
    words = _normalise(name).split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def slug(name: str, limit: int = 48) -> str:
    """A broker id from a name: `Exponential Interactive, Inc. dba VDX.tv` -> `exponential-interactive`."""
    text = match_key(_DBA.sub("", name)) or match_key(name)
    words = text.split() or ["broker"]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or words[0][:limit]


def unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def broker_keys(broker: Broker) -> list[str]:
    """What an imported broker is matched on: its names, and its web domain."""
    keys = []
    for name in (broker.name, broker.legal_name, *broker.aliases, *broker.brands):
        key = match_key(name)
        if key:
            keys.append("n:" + key)
    form = next((r.value for r in broker.routes if r.channel == "web-form"), None)
    for url in (broker.website, form):
        dom = domain(url)
        if dom and dom not in _SHARED_DOMAINS:
            keys.append("d:" + dom)
            break
    return list(dict.fromkeys(keys))


# --- rows -> records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    brokers: tuple[Broker, ...]
    duplicates: tuple[tuple[int, str], ...]  # (line, why) rows folded into an earlier one


def build_brokers(
    imported: ImportedRows,
    *,
    source_url: str,
    today: dt.date,
    taken_ids: Iterable[str],
    previous_ids: dict[str, str] | None = None,
    filed: int | None = None,
) -> Built:
    """One imported Broker per row. Ids: the name's slug, unique, never one in `taken_ids`.

    `previous_ids` (match key -> id) keeps an id stable across imports of the same registry.
    `filed` is the registration year of the whole export, for rows that carry no date of their
    own (California's 2025 export has none; its file name says the year).
    """
    taken = set(taken_ids)
    previous = previous_ids or {}
    seen: dict[str, int] = {}
    out: list[Broker] = []
    duplicates: list[tuple[int, str]] = []
    for row in imported.rows:
        key = match_key(row.name)
        if key in seen:
            duplicates.append((row.line, f"same broker as line {seen[key]}"))
            continue
        seen[key] = row.line
        broker_id = previous.get(key)
        if broker_id is None or broker_id in taken:
            broker_id = unique_id(slug(row.name), taken)
        taken.add(broker_id)
        out.append(_broker(row, broker_id, imported, source_url, today, filed))
    return Built(tuple(out), tuple(duplicates))


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _broker(
    row: ImportedRow,
    broker_id: str,
    imported: ImportedRows,
    source: str,
    today: dt.date,
    export_year: int | None = None,
) -> Broker:
    where = f"registry row at line {row.line}"
    year = _YEAR.search(row.registered)
    filed = int(year.group(0)) if year else export_year
    notes: list[str] = []

    def route(
        channel: Channel, value: str = "", postal: Postal | None = None, *, door: Door, label: str = ""
    ) -> Route | None:
        try:
            return Route(
                channel=channel,
                value=value,
                postal=postal,
                grade="primary",  # the broker's own filing with a regulator
                source=source,
                read_at=imported.path.name,
                checked=today,
                registry=imported.registry,
                filed=filed,
                door=door,
                # The registry's words that make it a request channel: the column it is listed in.
                door_words=f"listed under: {label}" if label else "",
                note=where,
            )
        except ValueError as exc:  # e.g. "privacy [at] example" that could not be read
            notes.append(f"Not used as a {channel} route: {value!r} ({exc}).")
            return None

    postal = None
    if row.postal is not None:
        organization = _DBA.sub("", row.name).strip(" ,") or row.name
        postal = Postal(
            organization=organization,
            street=list(row.postal.street),
            city=row.postal.city,
            state=row.postal.state,
            zip=row.postal.zip,
        )
    # A registry lists the registrant's address (registered), a contact email and phone (contacts),
    # and in its request columns the channels the broker names for requests (request channels).
    contact_email = next((e for e in row.emails if e not in row.request_emails), None)
    contact_phone = next((p for p in row.phones if p not in row.request_phones), None)
    candidates = [
        route("mail", postal=postal, door="registered") if postal is not None else None,
        *(
            [route("email", row.request_emails[0], door="request-channel", label=row.request_label)]
            if row.request_emails
            else []
        ),
        route("email", contact_email, door="contact") if contact_email else None,
        route("web-form", row.web_form, door="request-channel", label=row.web_form_label)
        if row.web_form
        else None,
        *(
            [route("phone", row.request_phones[0], door="request-channel", label=row.request_label)]
            if row.request_phones
            else []
        ),
        route("phone", contact_phone, door="contact") if contact_phone and not row.request_phones else None,
    ]
    routes = [r for r in candidates if r is not None]
    notes.insert(0, f"Imported from the {imported.title}.")
    if row.registered:
        notes.append(f"Registered: {row.registered}.")
    if row.status:
        notes.append(f"Registration status: {row.status}.")
    if len(row.emails) > 1:
        notes.append("Other emails given: " + ", ".join(row.emails[1:]) + ".")
    if len(row.phones) > 1:
        notes.append("Other phone numbers given: " + ", ".join(row.phones[1:]) + ".")
    notes += row.notes
    flags = {k: v for k, v in row.disclosures}
    disclosures = None
    if any(v is not None for v in flags.values()):
        disclosures = Disclosures(registry=imported.registry, source=source, checked=today, **flags)
    return Broker(
        id=broker_id,
        name=row.name,
        aliases=list(row.aliases),
        categories=[],
        website=row.website,
        routes=routes,
        registries=[imported.registry],
        sources=[Source(url=source, checked=today, title=imported.title)],
        checked=today,
        notes="\n".join(notes),
        origin="imported",
        disclosures=disclosures,
    )


# --- the imported file ----------------------------------------------------------------------------


MAX_IMPORTED_BYTES = 40 * 1024 * 1024
"""Size of `brokers.imported.json`: four registries at their import bounds make ~30 MB."""
MAX_IMPORTED_BROKERS = 8_000
"""Brokers in `brokers.imported.json`: four registries of at most 2,000 each."""
_REIMPORT = "delete it and run `broker-audit registry import` (or `update`) again"


def load_imported(path: Path) -> ImportedFile:
    """Read `brokers.imported.json`; a damaged or oversized file is a DataFileError naming it.

    Every command loads this file, so one larger than any import can make (an old version's, a
    hand-made one) is refused rather than slowing every command down.
    """
    from broker_audit.files import read_input

    data = read_input(path, what=N_("imported-brokers file"), limit=MAX_IMPORTED_BYTES, hint=_REIMPORT)
    try:
        imported = msgspec.json.decode(data, type=ImportedFile)
    except msgspec.ValidationError as exc:
        raise DataFileError(
            f"{path}: not a valid imported-brokers file: {exc}",
            "run `broker-audit registry import` (or `update`) again to rewrite it",
        ) from None
    except msgspec.DecodeError as exc:
        raise DataFileError(f"{path}: not valid JSON: {exc}", "delete it and import again") from None
    if len(imported.broker) > MAX_IMPORTED_BROKERS:
        raise DataFileError(
            f"{path}: more than {MAX_IMPORTED_BROKERS:,} imported brokers; no import makes that many",
            _REIMPORT,
        )
    return imported


def save_imported(path: Path, data: ImportedFile) -> None:
    """Write atomically (temp file, fsync, rename), so a crash leaves the old file or the new one."""
    from broker_audit.files import write_bytes

    payload = msgspec.json.format(msgspec.json.encode(data), indent=1)
    write_bytes(path, payload + b"\n", what=N_("imported-brokers file"))


# --- new, changed, gone ---------------------------------------------------------------------------


def _facts(value: Any) -> Any:
    """A record without its `checked` dates and import notes, to see whether its facts changed."""
    if isinstance(value, dict):
        return {k: _facts(v) for k, v in value.items() if k not in ("checked", "note", "notes", "read_at")}
    if isinstance(value, list):
        return [_facts(v) for v in value]
    return value


@dataclass(frozen=True)
class Diff:
    new: tuple[str, ...]
    changed: tuple[str, ...]
    gone: tuple[str, ...]


def diff(previous: Sequence[Broker], current: Sequence[Broker]) -> Diff:
    """Broker ids that are new, changed or gone since the previous import of the same registry."""
    old = {match_key(b.name): b for b in previous}
    new = {match_key(b.name): b for b in current}
    return Diff(
        new=tuple(sorted(new[k].id for k in new.keys() - old.keys())),
        changed=tuple(
            sorted(
                new[k].id
                for k in new.keys() & old.keys()
                if _facts(msgspec.to_builtins(new[k])) != _facts(msgspec.to_builtins(old[k]))
            )
        ),
        gone=tuple(sorted(old[k].id for k in old.keys() - new.keys())),
    )


# --- the merged view ------------------------------------------------------------------------------


def _absorb(target: Broker, extra: Broker) -> Broker:
    """`target` with what `extra` (an imported record) may add to it.

    Any target gains the registry's membership, its disclosures if it has none, and the routes of
    the channels it lacks. An imported target (the same broker in a second registry) also gains
    a website. Nothing the target has is replaced.
    """
    changes: dict[str, Any] = {}
    registries = list(dict.fromkeys([*target.registries, *extra.registries]))
    if registries != target.registries:
        changes["registries"] = registries
    if target.disclosures is None and extra.disclosures is not None:
        changes["disclosures"] = extra.disclosures
    # A registry filing is the broker's own word: it may add routes for the channels the target
    # lacks (marked with the registry and its year), never replace one the target has.
    have = {r.channel for r in target.routes}
    added = [r for r in extra.routes if r.channel not in have]
    if added:
        changes["routes"] = [*target.routes, *added]
    if target.origin == "imported" and target.website is None and extra.website:
        changes["website"] = extra.website
    if added or target.origin == "imported":
        sources = [
            *target.sources,
            *[s for s in extra.sources if s.url not in {t.url for t in target.sources}],
        ]
        if len(sources) != len(target.sources):
            changes["sources"] = sources
    return msgspec.structs.replace(target, **changes) if changes else target


@dataclass(frozen=True)
class Match:
    imported_id: str
    imported_name: str
    into: str  # the id of the broker it was merged into
    origin: str  # "curated" or "imported"


def merge(curated: Sequence[Broker], imported: Sequence[Broker]) -> tuple[list[Broker], list[Match]]:
    """The merged registry: curated records first, then imported ones not matching any of them."""
    out = list(curated)
    position: dict[str, int] = {b.id: i for i, b in enumerate(out)}
    index: dict[str, int] = {}
    for i, broker in enumerate(out):
        for key in broker_keys(broker):
            index.setdefault(key, i)
    matches: list[Match] = []
    for broker in imported:
        keys = broker_keys(broker)
        at = next((index[k] for k in keys if k in index), None)
        if at is not None:
            seen = {out[at].id}
            while out[at].successor and out[at].successor in position and out[at].successor not in seen:
                seen.add(out[at].successor or "")
                at = position[out[at].successor or ""]
            out[at] = _absorb(out[at], broker)
            matches.append(Match(broker.id, broker.name, out[at].id, out[at].origin))
            continue
        if broker.id in position:
            broker = msgspec.structs.replace(
                broker, id=unique_id(f"{broker.id}-{broker.registries[0]}", set(position))
            )
        position[broker.id] = len(out)
        for key in keys:
            index.setdefault(key, len(out))
        out.append(broker)
    return out, matches


def merge_imported(curated: Sequence[Broker], imported: Sequence[Broker]) -> list[Broker]:
    return merge(curated, imported)[0]
