"""The pre-built registry: used when built from the same files, rebuilt when anything changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_merge import CPPA, CURATED

from broker_audit import datafiles
from broker_audit.registry import cache, load
from broker_audit.services.registry import import_registry

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """A curated file, the user's import of the CPPA sample, and an empty folder of shipped
    imports, as the shipped registry's sources."""
    curated = tmp_path / "brokers.toml"
    curated.write_text(CURATED)
    imported = tmp_path / "brokers.imported.json"
    import_registry("ca", CPPA, today=TODAY, into=imported)
    shipped = tmp_path / "registries"
    shipped.mkdir()
    monkeypatch.setattr(datafiles, "brokers_file", lambda: curated)
    monkeypatch.setattr(datafiles, "shipped_imports_dir", lambda: shipped)
    monkeypatch.setenv("BROKER_AUDIT_IMPORTED", str(imported))
    monkeypatch.setenv("BROKER_AUDIT_CACHE", str(tmp_path / "cache"))
    load.shipped_registry.cache_clear()
    yield curated, imported
    load.shipped_registry.cache_clear()


def _fresh() -> load.Registry:
    load.shipped_registry.cache_clear()
    return load.shipped_registry()


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the registry was parsed again instead of read from the cache")

    monkeypatch.setattr(load, "load_registry", refuse)


def test_the_second_start_reads_the_cache(
    sources: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _fresh()
    assert cache.cache_file().is_file() and oct(cache.cache_file().stat().st_mode & 0o777) == "0o600"
    _no_parsing(monkeypatch)
    read = _fresh()
    assert read.brokers == built.brokers and read.presets == built.presets
    assert read.resolve("demo identity graph").id == "demo-identity"  # the index came along
    assert read.suggest("exampel data") == built.suggest("exampel data")


def test_a_new_import_or_an_edit_rebuilds_it(sources: tuple[Path, Path]) -> None:
    curated, imported = sources
    before = {b.id for b in _fresh().brokers}
    curated.write_text(CURATED.replace('name = "Example Data"', 'name = "Example Data Renamed"'))
    assert _fresh().get("example-data").name == "Example Data Renamed"
    shipped = imported.parent / "registries" / "ca-sample.json"
    imported.rename(shipped)  # the same brokers, now as a shipped import
    assert {b.id for b in _fresh().brokers} == before
    shipped.unlink()
    after = {b.id for b in _fresh().brokers}
    assert after == {"example-data", "sample-location-analytics", "demo-identity"} < before


@pytest.mark.parametrize("damage", [b"", b"not a cache", None])
def test_a_damaged_cache_is_rebuilt(sources: tuple[Path, Path], damage: bytes | None) -> None:
    built = _fresh()
    data = cache.cache_file().read_bytes()
    if damage is None:  # right key, records that no longer validate
        damage = data.replace(b"example-data", b"EXAMPLE DATA")
    cache.cache_file().write_bytes(damage)
    assert _fresh().brokers == built.brokers


def test_a_cache_that_cannot_be_written_only_costs_time(
    sources: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BROKER_AUDIT_CACHE", str(blocker))
    assert _fresh().get("example-data").id == "example-data"
    assert not cache.cache_file().exists()


def test_listing_rows_come_from_the_cache_and_match_the_records(
    sources: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typing import get_args

    from broker_audit.registry import listing, schema

    assert get_args(schema.Recipient) == listing.RECIPIENTS
    registry = _fresh()  # builds the cache
    expected = [listing.row_of(b) for b in registry.brokers]
    _no_parsing(monkeypatch)
    monkeypatch.setattr(cache, "read", lambda *a: pytest.fail("records decoded to list them"))
    rows = load.shipped_rows()
    assert rows == expected
    for filters in ({"sells_to": "law-enforcement"}, {"registry": "ca"}, {"text": "identity graph"}):
        assert [r.id for r in listing.filter_rows(rows, **filters)] == [
            b.id for b in load.filter_brokers(registry.brokers, **filters)
        ]
