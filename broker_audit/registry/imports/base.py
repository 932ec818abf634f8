"""What every state importer shares: the typed rows it returns, the Protocol, and column mapping.

Registries relabel their columns from year to year, so columns are mapped by what their labels
mean (keywords), never by position. Every column that no rule claims is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from broker_audit.registry.imports import extract
from broker_audit.registry.imports.extract import Postal
from broker_audit.registry.imports.table import MAX_ROWS, cut_cell, read_table, too_many_rows
from broker_audit.registry.schema import Registry

# Kinds a column can be mapped to. "bool:<flag>" is a yes/no disclosure; "note" goes to the notes.
SINGLE = {
    "name",
    "website",
    "web_form",
    "address",
    "city",
    "state",
    "zip",
    "country",
    "registered",
    "status",
    "id",
}


@dataclass(frozen=True)
class ImportedRow:
    """One broker as a registry lists it, with what could be read from its prose."""

    line: int
    name: str
    aliases: tuple[str, ...] = ()
    website: str | None = None
    emails: tuple[str, ...] = ()
    web_form: str | None = None
    phones: tuple[str, ...] = ()
    # What the filing names for requests (its instructions, its rights page), as distinct from its
    # contact fields: the routes built from them are request channels (vocabulary.Door), and
    # `request_label` is the label of the column that names them, the registry's own words.
    request_emails: tuple[str, ...] = ()
    request_phones: tuple[str, ...] = ()
    request_label: str = ""
    web_form_label: str = ""
    postal: Postal | None = None
    disclosures: tuple[tuple[str, bool | None], ...] = ()
    notes: tuple[str, ...] = ()
    registered: str = ""
    status: str = ""

    @property
    def usable(self) -> bool:
        """Has a way to send a request: an email, a web form or at least a web address."""
        return bool(self.emails or self.web_form or self.website)


@dataclass(frozen=True)
class ImportedRows:
    """The result of reading one registry export."""

    registry: Registry  # "ca", "vt", "tx", "or"
    form: str  # which layout, e.g. "cppa", "ca-ag", "vt-sos"
    source_url: str  # the official page the facts are sourced to, unless the caller gives one
    title: str
    path: Path
    rows: tuple[ImportedRow, ...]
    columns: tuple[tuple[str, str], ...] = ()  # (label, kind) for every mapped column
    unmapped: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # recognised and deliberately not kept (e.g. request metrics)
    skipped: tuple[tuple[int, str], ...] = ()  # (line, why)
    encoding: str = "utf-8"

    @property
    def coverage(self) -> float:
        """The share of rows that give a usable email or web address."""
        return sum(r.usable for r in self.rows) / len(self.rows) if self.rows else 0.0


class RegistryImporter(Protocol):
    """One state registry's export format."""

    @property
    def registry(self) -> str: ...

    def parse(self, path: Path) -> ImportedRows: ...


@dataclass(frozen=True)
class Rule:
    """Map a column whose label has any of `any_of` (and all of `all_of`, none of `none_of`)."""

    kind: str
    any_of: tuple[str, ...]
    all_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()

    def matches(self, label: str) -> bool:
        return (
            any(k in label for k in self.any_of)
            and all(k in label for k in self.all_of)
            and not any(k in label for k in self.none_of)
        )


def norm_label(label: str) -> str:
    """` data broker email address ` from `Data Broker E-mail Address:` for keyword matching."""
    text = label.lower().replace("e-mail", "email").replace("opt-out", "opt out").replace("&", " and ")
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


@dataclass(frozen=True)
class ColumnMap:
    kinds: tuple[str | None, ...]  # per column index; None = unmapped
    header: tuple[str, ...]

    def labelled(self) -> tuple[tuple[str, str], ...]:
        return tuple((h, k) for h, k in zip(self.header, self.kinds, strict=True) if k and k != "ignore")

    def unmapped(self) -> tuple[str, ...]:
        return tuple(h for h, k in zip(self.header, self.kinds, strict=True) if k is None and h)

    def ignored(self) -> tuple[str, ...]:
        return tuple(h for h, k in zip(self.header, self.kinds, strict=True) if k == "ignore")

    def has(self, kind: str) -> bool:
        return kind in self.kinds


def map_columns(header: Sequence[str], rules: Sequence[Rule]) -> ColumnMap:
    """The kind of each column: the first rule its label matches; single-valued kinds once only."""
    kinds: list[str | None] = []
    taken: set[str] = set()
    for label in header:
        text = norm_label(label)
        kind = next((r.kind for r in rules if r.matches(text)), None) if text.strip() else None
        if kind is not None and (kind in SINGLE or kind.startswith("bool:")):
            if kind in taken:
                kind = None  # a second column claiming the same single fact: report it, do not guess
            else:
                taken.add(kind)
        kinds.append(kind)
    return ColumnMap(tuple(kinds), tuple(header))


_EMPTY = {
    "",
    "n/a",
    "na",
    "none",
    "none.",
    "none indicated",
    "none indicated.",
    "none listed",
    "-",
    "--",
    "not applicable",
    "see attached",
    "see attached.",
}
_DBA = re.compile(r"\s+(?:doing business as|d/b/a|dba|a/k/a|aka|also known as)\s+", re.IGNORECASE)


def blank(value: str) -> bool:
    return value.strip().lower() in _EMPTY


def short(label: str, limit: int = 70) -> str:
    text = label.strip().rstrip(":").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


MAX_NAME_CHARS = 300
MAX_NOTES_CHARS = 3_000
"""Characters of notes kept per broker (the largest real row, California 2020, has ~2,000)."""
MAX_LIST = 10
"""Aliases, emails and phone numbers kept per broker."""


@dataclass
class _Cells:
    """A row's cells read by kind: the values (in column order), the label of the first column of
    each kind that had a value, the notes (label: text), and the yes/no disclosure columns."""

    got: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    disclosures: dict[str, bool | None] = field(default_factory=dict)

    def all(self, *kinds: str) -> list[str]:
        return [value for kind in kinds for value in self.got.get(kind, [])]


def _read_cells(cells: Sequence[str], columns: ColumnMap, note_limit: int) -> _Cells:
    read = _Cells()
    for label, kind, value in zip(columns.header, columns.kinds, cells, strict=False):
        value = cut_cell(value).strip()
        if kind is None or kind == "ignore":
            continue
        if kind.startswith("bool:"):
            read.disclosures[kind[5:]] = extract.yes_no(value)
            continue
        if blank(value):
            continue
        read.labels.setdefault(kind, " ".join(label.split()).rstrip(":").strip())
        if kind in ("note", "instructions", "instructions-protected"):
            text = " ".join(value.split())
            if len(text) > note_limit:
                text = text[: note_limit - 1].rstrip() + "…"
            read.notes.append(f"{short(label)}: {text}")
        read.got.setdefault(kind, []).append(value)
    return read


def build_row(
    line: int, cells: Sequence[str], columns: ColumnMap, *, note_limit: int = 600
) -> ImportedRow | str:
    """One ImportedRow from a row of cells, or the reason it cannot be used.

    Cells lose escape sequences and control characters; names, notes and lists are bounded, so
    no row can make the imported registry, which every command loads, large.
    """
    read = _read_cells(cells, columns, note_limit)
    got, labels = read.got, read.labels
    name = " ".join(got.get("name", [""])[0].split())
    if not name:
        return "no broker name"
    if len(name) > MAX_NAME_CHARS:
        return f"the broker name is longer than {MAX_NAME_CHARS} characters"
    instructions = " \n ".join(got.get("instructions", []))
    request_emails = extract.emails(instructions)
    emails = [e for v in got.get("email", []) for e in extract.emails(v)]
    emails += [
        e
        for e in [*request_emails, *extract.emails(" ".join(got.get("instructions-protected", [])))]
        if e not in emails
    ]
    website = _website(read)
    web_form, web_form_label = _web_form(read, instructions, website)
    request_phones = extract.phones(instructions)
    phones = [p for v in got.get("phone", []) for p in extract.phones(v, bare=True)]
    prose = " \n ".join(read.all("instructions", "instructions-protected", "note"))
    phones += [p for p in extract.phones(prose) if p not in phones]
    postal = _postal(got)
    if postal is None and (got.get("address") or got.get("street") or got.get("city")):
        where = ", ".join(read.all("address", "street", "city", "state", "zip", "country"))
        read.notes.insert(
            0, f"Address as registered (not read as a US postal address): {' '.join(where.split())}"
        )
    return ImportedRow(
        line=line,
        name=name,
        aliases=_aliases(name, read),
        website=website,
        emails=_unique_ci(emails)[:MAX_LIST],
        web_form=web_form,
        phones=tuple(dict.fromkeys(phones))[:MAX_LIST],
        request_emails=_unique_ci(request_emails)[:MAX_LIST],
        request_phones=tuple(dict.fromkeys(request_phones))[:MAX_LIST],
        request_label=labels.get("instructions", "") if request_emails or request_phones else "",
        web_form_label=web_form_label,
        postal=postal,
        disclosures=tuple(sorted(read.disclosures.items())),
        notes=_bounded_notes(read.notes),
        registered=(got.get("registered") or [""])[0],
        status=(got.get("status") or [""])[0],
    )


def _aliases(name: str, read: _Cells) -> tuple[str, ...]:
    """Other names: those in the name itself ("X d/b/a Y") and in the doing-business-as cells."""
    aliases = [a for a in _DBA.split(name) if a and a != name] if _DBA.search(name) else []
    for value in read.got.get("dba", []):
        aliases += [a.strip() for a in re.split(r"[;\n]|,\s*(?=[A-Z])", value) if a.strip()]
    kept = dict.fromkeys(a[:MAX_NAME_CHARS] for a in aliases if a.lower() != name.lower())
    return tuple(kept)[:MAX_LIST]


def _website(read: _Cells) -> str | None:
    websites = read.got.get("website", [])
    website = next((u for v in websites for u in [extract.normalise_url(v)] if u), None)
    if website is None:
        website = next((u for v in websites for u in extract.urls(v)), None)
    return website


def _web_form(read: _Cells, instructions: str, website: str | None) -> tuple[str | None, str]:
    """The broker's request form and the label of the column it came from: a web-form column
    (the last one with a value), else a form link in the instructions, else in the instructions
    for protected persons."""
    web_form = None
    label = ""
    for value in read.got.get("web_form", []):
        web_form = extract.normalise_url(value) or next(iter(extract.urls(value)), None)
        label = read.labels.get("web_form", "")
    if web_form is None:
        web_form = extract.form_url(extract.urls(instructions), website)
        label = read.labels.get("instructions", "") if web_form else ""
    if web_form is None:
        protected = " ".join(read.got.get("instructions-protected", []))
        web_form = extract.form_url(extract.urls(protected), website)
        label = read.labels.get("instructions-protected", "") if web_form else ""
    return web_form, label


def _bounded_notes(notes: list[str]) -> tuple[str, ...]:
    """The notes that fit in MAX_NOTES_CHARS, the first one that does not cut short (if room is
    left for a useful part of it)."""
    kept: list[str] = []
    room = MAX_NOTES_CHARS
    for note in notes:
        if len(note) > room:
            if room > 40:
                kept.append(note[: room - 1].rstrip() + "…")
            break
        kept.append(note)
        room -= len(note)
    return tuple(kept)


def _unique_ci(values: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return tuple(out)


def _postal(got: dict[str, list[str]]) -> Postal | None:
    country = (got.get("country") or [""])[0].strip().lower()
    if country and country not in (
        "us",
        "usa",
        "u.s.",
        "u.s.a.",
        "united states",
        "united states of america",
    ):
        return None
    if got.get("street") and got.get("city"):
        return extract.structured_address(
            ", ".join(got["street"]),
            got["city"][0],
            (got.get("state") or [""])[0],
            (got.get("zip") or [""])[0],
        )
    if got.get("address"):
        return extract.postal_address(got["address"][0])
    return None


@dataclass
class RowsBuilder:
    """Collects rows and skips while an importer walks a table."""

    columns: ColumnMap
    rows: list[ImportedRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    accept: Callable[[ImportedRow], str | None] | None = None

    def add(self, line: int, cells: Sequence[str]) -> None:
        if len(cells) > len(self.columns.header) and any(
            c.strip() for c in cells[len(self.columns.header) :]
        ):
            self.skipped.append((line, f"{len(cells)} fields but the header has {len(self.columns.header)}"))
            return
        row = build_row(line, cells, self.columns)
        if isinstance(row, str):
            self.skipped.append((line, row))
            return
        why = self.accept(row) if self.accept else None
        if why:
            self.skipped.append((line, why))
            return
        self.rows.append(row)


def from_cells(
    path: Path,
    header: Sequence[str],
    header_line: int,
    body: Sequence[tuple[int, Sequence[str]]],
    rules: Sequence[Rule],
    *,
    registry: Registry,
    form: str,
    source_url: str,
    title: str,
    encoding: str = "utf-8",
) -> ImportedRows:
    """ImportedRows from a header and (line, cells) pairs, columns mapped by `rules`."""
    from broker_audit.errors import DataFileError

    columns = map_columns(header, rules)
    if not columns.has("name"):
        raise DataFileError(
            f"{path}:{header_line}: no column looks like the data broker's name",
            "columns found: " + "; ".join(h for h in header if h),
        )
    if len(body) > MAX_ROWS:
        raise too_many_rows(path)
    builder = RowsBuilder(columns)
    for line, cells in body:
        builder.add(line, cells)
    return ImportedRows(
        registry=registry,
        form=form,
        source_url=source_url,
        title=title,
        path=path,
        rows=tuple(builder.rows),
        columns=columns.labelled(),
        unmapped=columns.unmapped(),
        ignored=columns.ignored(),
        skipped=tuple(builder.skipped),
        encoding=encoding,
    )


@dataclass(frozen=True)
class CsvRegistry:
    """A state registry whose export is one CSV table: what differs is only its labels and names.

    `min_filled` is how many non-empty cells the header row has at least, so a preamble above
    it ("Record Name", "Exported On") is skipped.
    """

    registry: Registry
    form: str
    source_url: str
    title: str
    rules: tuple[Rule, ...]
    min_filled: int = 2

    def _is_header(self, cells: tuple[str, ...]) -> bool:
        filled = sum(bool(c) for c in cells)
        return filled >= self.min_filled and any(" name " in norm_label(c) for c in cells)

    def parse(self, path: Path) -> ImportedRows:
        table = read_table(path, is_header=self._is_header)
        return from_cells(
            path,
            table.header,
            table.header_line,
            list(zip(table.lines, table.rows, strict=True)),
            self.rules,
            registry=self.registry,
            form=self.form,
            source_url=self.source_url,
            title=self.title,
            encoding=table.encoding,
        )
