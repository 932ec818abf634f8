from pathlib import Path

import pytest

from broker_audit.errors import DataFileError, UnknownBroker
from broker_audit.registry.load import filter_brokers, load_registry, shipped_registry


def test_shipped_registry_validates_and_every_record_is_sourced() -> None:
    registry = shipped_registry()
    assert len(registry.brokers) >= 2
    for broker in registry.brokers:
        assert broker.sources, broker.id
        assert broker.checked, broker.id
        for route in broker.routes:
            assert route.source.startswith("http") and route.checked and route.grade, broker.id
        for evidence in broker.law_enforcement:
            assert evidence.source.startswith("http") and evidence.checked, broker.id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lexisnexis", "lexisnexis-risk-solutions"),
        ("LexisNexis", "lexisnexis-risk-solutions"),
        ("ACCURINT", "lexisnexis-risk-solutions"),
        ("lexisnexis-risk-solutions", "lexisnexis-risk-solutions"),
        ("appriss", "appriss-insights"),
        ("VINE", "appriss-insights"),
        ("Justice Intelligence", "appriss-insights"),
        ("appriss-insights", "appriss-insights"),
    ],
)
def test_founding_brokers_resolve_by_alias_and_brand(typed: str, expected: str) -> None:
    assert shipped_registry().resolve(typed).id == expected


def test_near_miss_suggests() -> None:
    with pytest.raises(UnknownBroker) as caught:
        shipped_registry().resolve("lexisnexus")
    assert "lexisnexis-risk-solutions" in caught.value.suggestions
    assert "did you mean" in (caught.value.hint or "")


def test_filters() -> None:
    registry = shipped_registry()
    ice = filter_brokers(registry.brokers, sells_to="immigration-enforcement")
    assert {"lexisnexis-risk-solutions", "appriss-insights"} <= {b.id for b in ice}
    assert filter_brokers(registry.brokers, text="accurint")[0].id == "lexisnexis-risk-solutions"


BAD_RECORD = """\
[[broker]]
id = "good-one"
name = "Good"
categories = ["marketing"]
checked = 2026-11-25
[[broker.sources]]
url = "https://example.org/a"
checked = 2026-11-25

[[broker]]
id = "bad-one"
name = "Bad"
categories = ["marketing"]
checked = 2026-11-25
[[broker.routes]]
channel = "email"
value = "privacy@example.org"
grade = "primary"
source = "not a url"
checked = 2026-11-25
[[broker.sources]]
url = "https://example.org/b"
checked = 2026-11-25
"""


def test_bad_value_names_file_line_and_broker(tmp_path: Path) -> None:
    path = tmp_path / "brokers.toml"
    path.write_text(BAD_RECORD)
    with pytest.raises(DataFileError) as caught:
        load_registry(path)
    message = caught.value.message
    assert f"{path}:19:" in message
    assert "'bad-one'" in message and "routes[0].source" in message


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "brokers.toml"
    path.write_text(BAD_RECORD.replace('source = "not a url"', 'source = "https://x.org"\nemial = "x"'))
    with pytest.raises(DataFileError) as caught:
        load_registry(path)
    assert "emial" in caught.value.message and "'bad-one'" in caught.value.message


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "brokers.toml"
    path.write_text('[[broker]]\nid = "x\n')
    with pytest.raises(DataFileError) as caught:
        load_registry(path)
    assert str(path) in caught.value.message and "line 2" in caught.value.message
