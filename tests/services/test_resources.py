"""One Resources per run: each part loaded the first time a service reads it, once, and a part
a caller gives is the one used."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from broker_audit.law import load as law_load
from broker_audit.registry import agencies as agency_load
from broker_audit.registry import load as registry_load
from broker_audit.registry.load import Registry, shipped_registry
from broker_audit.services.resources import Resources

Runner = Callable[[list[str]], tuple[int, str, str]]


def _refuse(what: str) -> object:
    def loader() -> object:
        raise AssertionError(f"{what} loaded")

    return loader


def test_a_part_is_loaded_when_read_and_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = law_load.shipped_laws

    def counted() -> object:
        calls.append("laws")
        return real()

    monkeypatch.setattr(law_load, "shipped_laws", counted)
    monkeypatch.setattr(registry_load, "shipped_registry", _refuse("the registry"))
    monkeypatch.setattr(agency_load, "shipped_agencies", _refuse("the agencies"))
    resources = Resources()
    assert calls == []
    assert resources.laws is resources.laws and calls == ["laws"]


def test_a_part_given_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    own = Registry(tuple(shipped_registry().brokers[:3]), ())
    monkeypatch.setattr(registry_load, "shipped_registry", _refuse("the shipped registry"))
    assert Resources(registry=own).registry is own


def test_a_command_loads_only_what_its_service_reads(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(law_load, "shipped_laws", _refuse("laws.toml"))
    monkeypatch.setattr(agency_load, "shipped_agencies", _refuse("agencies.toml"))
    code, out, err = cli(["brokers", "show", "lexisnexis", "--json"])
    assert code == 0, err
    code, out, err = cli(["agencies", "show", "sheriff-jefferson", "--json"])
    assert code == 1 and "unexpected AssertionError" in err  # the agencies command does read them
