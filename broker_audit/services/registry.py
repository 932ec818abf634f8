"""Refreshing and checking the registry: import an export, update from the web, check the rules."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from broker_audit import datafiles
from broker_audit.i18n import N_

if TYPE_CHECKING:
    from broker_audit.registry.check import CheckReport

DEFAULT_UPDATE_URL = "https://cppa.ca.gov/data_broker_registry/registry.csv"


@dataclass(frozen=True)
class ImportResult:
    registry: str
    form: str
    source_url: str
    file: str
    into: Path
    rows: int
    brokers: int  # imported records written for this registry
    usable: int  # rows with an email or web address
    matched: tuple[tuple[str, str, str], ...]  # (imported name, merged into id, "curated"/"imported")
    new: tuple[str, ...]
    changed: tuple[str, ...]
    gone: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    unmapped: tuple[str, ...]
    ignored: tuple[str, ...]
    skipped: tuple[tuple[int, str], ...]
    downloaded_bytes: int = 0
    attempts: int = 0

    @property
    def coverage(self) -> float:
        return self.usable / self.rows if self.rows else 0.0


class Matched(msgspec.Struct, frozen=True):
    """An imported broker merged into a known one."""

    name: str  # as the registry spells it
    into: str  # the id it was merged into
    origin: str  # "curated" or "imported"


class ColumnRead(msgspec.Struct, frozen=True):
    label: str  # the export's column header
    kind: str  # what it was read as


class SkippedLine(msgspec.Struct, frozen=True):
    line: int
    why: str


class ImportSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What `registry import` and `registry update` did: the data of their `--json`."""

    registry: str
    form: str
    source_url: str
    file: str
    into: Path
    rows: int
    brokers: int  # imported records written for this registry
    usable: int  # rows with an email or web address
    coverage: float  # usable / rows, to 4 places
    matched: list[Matched]
    new: list[str]
    changed: list[str]
    gone: list[str]
    columns: list[ColumnRead]
    unmapped: list[str]
    ignored: list[str]
    skipped: list[SkippedLine]


def import_summary(result: ImportResult) -> ImportSummary:
    return ImportSummary(
        registry=result.registry,
        form=result.form,
        source_url=result.source_url,
        file=result.file,
        into=result.into,
        rows=result.rows,
        brokers=result.brokers,
        usable=result.usable,
        coverage=round(result.coverage, 4),
        matched=[Matched(*m) for m in result.matched],
        new=list(result.new),
        changed=list(result.changed),
        gone=list(result.gone),
        columns=[ColumnRead(*c) for c in result.columns],
        unmapped=list(result.unmapped),
        ignored=list(result.ignored),
        skipped=[SkippedLine(*s) for s in result.skipped],
    )


def import_registry(
    source: str,
    file: Path,
    *,
    today: dt.date,
    into: Path | None = None,
    source_url: str | None = None,
    brokers_file: Path | None = None,
    filed: int | None = None,
) -> ImportResult:
    """Read a state registry export and store its brokers in the imported file (`into`).

    Records of other registries in that file are kept; this registry's are replaced, keeping the
    ids of brokers seen before. Nothing in `brokers.toml` is touched. `filed` is the registration
    year of an export whose rows carry no date (California's 2025 file).
    """
    from broker_audit.files import check_target
    from broker_audit.registry.imports import importer_for
    from broker_audit.registry.load import imported_file, load_registry
    from broker_audit.registry.merge import (
        build_brokers,
        diff,
        load_imported,
        match_key,
        merge,
        save_imported,
    )
    from broker_audit.registry.schema import ImportedFile, ImportRun

    target = into or imported_file()
    check_target(target, what=N_("imported-brokers file"))  # before reading it: never through a link
    rows = importer_for(source).parse(file)
    url = source_url or rows.source_url
    _check_url(url)
    # Given a path, load_registry reads the curated file alone (no imported merge).
    curated = load_registry(brokers_file or datafiles.brokers_file())
    existing = load_imported(target) if target.is_file() else ImportedFile()
    previous = [b for b in existing.broker if b.registries and b.registries[0] == source]
    others = [b for b in existing.broker if not (b.registries and b.registries[0] == source)]
    built = build_brokers(
        rows,
        source_url=url,
        today=today,
        taken_ids={b.id for b in curated.brokers} | {b.id for b in others},
        previous_ids={match_key(b.name): b.id for b in previous},
        filed=filed,
    )
    changes = diff(previous, built.brokers)
    run = ImportRun(
        registry=rows.registry,
        form=rows.form,
        source=url,
        file=file.name,
        imported_on=today,
        rows=len(rows.rows),
        unmapped=list(rows.unmapped),
    )
    data = ImportedFile(
        imports=[*[r for r in existing.imports if r.registry != source], run],
        broker=[*others, *built.brokers],
    )
    # Validate what is written exactly as a later load will read it.
    import msgspec

    data = msgspec.json.decode(msgspec.json.encode(data), type=ImportedFile)
    save_imported(target, data)
    _, matches = merge(curated.brokers, built.brokers)
    return ImportResult(
        registry=source,
        form=rows.form,
        source_url=url,
        file=str(file),
        into=target,
        rows=len(rows.rows),
        brokers=len(built.brokers),
        usable=sum(r.usable for r in rows.rows),
        matched=tuple((m.imported_name, m.into, m.origin) for m in matches),
        new=changes.new,
        changed=changes.changed,
        gone=changes.gone,
        columns=rows.columns,
        unmapped=rows.unmapped,
        ignored=rows.ignored,
        skipped=(*rows.skipped, *built.duplicates),
    )


def _check_url(url: str) -> None:
    import re

    from broker_audit.errors import UserError

    if not re.match(r"^https?://\S+$", url):
        raise UserError(
            f"source URL {url!r} is not an http(s) URL",
            "pass the registry page, e.g. --source-url https://cppa.ca.gov/data_broker_registry/",
        )


def update_registry(
    *,
    today: dt.date,
    url: str = DEFAULT_UPDATE_URL,
    into: Path | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    brokers_file: Path | None = None,
) -> ImportResult:
    """Download California's current export and import it. The facts are sourced to the registry
    page (https://cppa.ca.gov/data_broker_registry/) when the default URL is used."""
    from broker_audit.registry.fetch import download
    from broker_audit.registry.imports.california import CPPA_URL

    with tempfile.TemporaryDirectory(prefix="broker-audit-") as tmp:
        got = download(url, Path(tmp) / "registry.csv", timeout=timeout, retries=retries, backoff=backoff)
        result = import_registry(
            "ca",
            got.path,
            today=today,
            into=into,
            source_url=CPPA_URL if url == DEFAULT_UPDATE_URL else None,
            brokers_file=brokers_file,
        )
    from dataclasses import replace

    return replace(result, file=url, downloaded_bytes=got.bytes, attempts=got.attempts)


def _imported_file() -> Path:
    from broker_audit.registry.load import imported_file

    return imported_file()


def check_registry(
    *,
    today: dt.date,
    online: bool = False,
    max_age_days: int = 365,
    max_urls: int = 200,
    timeout: float = 10.0,
    delay: float = 1.0,
    brokers_file: Path | None = None,
    imported_file: Path | None = None,
    agencies_file: Path | None = None,
) -> CheckReport:
    """Run the named rules over the curated registry, the shipped and the user's imports, the law
    data (L-rules, see law/check.py) and the agency directory (A-rules, registry/agency_check.py)."""
    from dataclasses import replace

    from broker_audit.law.check import LAW_RULES, check_laws
    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.check import Finding, Rule, run_check
    from broker_audit.services.lettercheck import render_every_kind

    links = None
    if online:
        from broker_audit.registry.fetch import check_links

        def links(urls: list[str]) -> list[object]:
            return list(check_links(urls, timeout=timeout, delay=delay, max_urls=max_urls))

    report = run_check(
        brokers_file=brokers_file or datafiles.brokers_file(),
        imported_file=imported_file if imported_file is not None else _imported_file(),
        shipped_imports=[] if brokers_file is not None else shipped_import_files(),
        shipped_exports=shipped_export_files(),
        today=today,
        max_age_days=max_age_days,
        online=online,
        check_links=links,
    )
    laws = shipped_laws()
    law_findings = [
        Finding(f.rule, f.severity, f.message, f.law, f"laws.toml {f.where}", f.fix)
        for f in [*check_laws(laws, today=today), *render_every_kind(laws, today)]
    ]
    from broker_audit.registry.agency_check import AGENCY_RULES, AgencyFinding, run_agency_check

    # Like the shipped imports: checking a brokers file of one's own does not check the shipped
    # directory of agencies unless it is named too.
    agencies: int = 0
    found: list[AgencyFinding] = []
    if agencies_file is not None or brokers_file is None:
        agencies, found = run_agency_check(agencies_file or datafiles.agencies_file(), today=today)
    agency_findings = [
        Finding(f.rule, f.severity, f.message, f.agency, f"agencies.toml {f.where}".strip(), f.fix)
        for f in found
    ]
    return replace(
        report,
        findings=(*report.findings, *law_findings, *agency_findings),
        rules=(
            *report.rules,
            *(Rule(r.id, r.name, r.description, r.fix) for r in LAW_RULES),
            *(Rule(r.id, r.name, r.description, r.fix) for r in AGENCY_RULES),
        ),
        laws=len(laws),
        agencies=agencies,
    )


def shipped_export_files() -> list[Path]:
    """The registry exports shipped in `registries/` (curated routes name them in `read_at`)."""
    from broker_audit.registry.shipped import SHIPPED

    folder = datafiles.shipped_imports_dir()
    return [folder / item.export for item in SHIPPED if (folder / item.export).is_file()]


def shipped_import_files() -> list[Path]:
    from broker_audit.registry.load import shipped_bundles

    return shipped_bundles()


def rebuild_shipped_imports(folder: Path | None = None, into: Path | None = None) -> list[Path]:
    """Re-import every shipped export from `folder` and write its JSON into `into`."""
    from broker_audit.registry.shipped import SHIPPED

    folder = folder or datafiles.shipped_imports_dir()
    into = into or folder
    written = []
    for item in SHIPPED:
        target = into / item.bundle
        target.unlink(missing_ok=True)
        import_registry(
            item.registry,
            folder / item.export,
            today=item.imported_on,
            into=target,
            source_url=item.source_url,
            filed=item.filed,
        )
        written.append(target)
    return written
