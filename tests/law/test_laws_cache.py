"""The pre-built laws (issue 27): read from the cache when it was built from the same laws.toml
and code, parsed again when anything changed, rebuilt when damaged."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from broker_audit import datafiles
from broker_audit.law import cache, load
from broker_audit.law.schema import Law


@pytest.fixture
def laws_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped laws.toml as the shipped file, and a cache folder of the test's own."""
    copy = tmp_path / "laws.toml"
    shutil.copyfile(datafiles.laws_file(), copy)
    monkeypatch.setattr(datafiles, "laws_file", lambda: copy)
    monkeypatch.setenv("BROKER_AUDIT_CACHE", str(tmp_path / "cache"))
    load.shipped_laws.cache_clear()
    yield copy
    load.shipped_laws.cache_clear()


def fresh() -> tuple[Law, ...]:
    load.shipped_laws.cache_clear()
    return load.shipped_laws()


def test_the_second_start_reads_the_cache(laws_toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: the first start parses laws.toml and writes the cache (0600); the next one reads
    the same laws from it without parsing."""
    parsed = fresh()
    assert cache.cache_file().is_file() and oct(cache.cache_file().stat().st_mode & 0o777) == "0o600"
    monkeypatch.setattr(load, "load_laws", lambda *a: pytest.fail("laws.toml was parsed again"))
    assert fresh() == parsed
    assert any(law.id == "co-cpa" for law in fresh())


def test_an_edit_of_laws_toml_rebuilds_it(laws_toml: Path) -> None:
    """Proves: the cache is keyed by the file's identity: an edited laws.toml is parsed again."""
    before = {law.id: law.name for law in fresh()}
    assert before["co-cpa"] == "Colorado Privacy Act"
    laws_toml.write_text(
        laws_toml.read_text().replace('name = "Colorado Privacy Act"', 'name = "CPA (edited)"')
    )
    after = {law.id: law.name for law in fresh()}
    assert after["co-cpa"] == "CPA (edited)"


@pytest.mark.parametrize("damage", [b"", b"not a cache", None])
def test_a_damaged_cache_is_rebuilt(laws_toml: Path, damage: bytes | None) -> None:
    """Proves: a cache that does not decode, or holds a value its type refuses, is not used."""
    parsed = fresh()
    data = cache.cache_file().read_bytes()
    if damage is None:  # the right key, a record that no longer validates (an id with capitals)
        damage = data.replace(b"co-cpa", b"CO-CPA")
        assert damage != data
    cache.cache_file().write_bytes(damage)
    assert fresh() == parsed


def test_a_cache_that_cannot_be_written_only_costs_time(
    laws_toml: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BROKER_AUDIT_CACHE", str(blocker))
    assert any(law.id == "co-cpa" for law in fresh())
    assert not cache.cache_file().exists()
