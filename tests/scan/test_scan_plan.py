"""Search URLs from the registry's rules (pure), the rule schema, and reading pages offline."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from conftest import DEMO, page

from broker_audit.profile import load_profile_file
from broker_audit.registry.load import shipped_registry
from broker_audit.registry.schema import SearchRule
from broker_audit.scan.parse import read_page
from broker_audit.scan.plan import person_from_profile, search_url

SOURCE = {"source": "https://example.org/rules", "checked": dt.date(2026, 11, 25)}


def rule(url: str, **kw: object) -> SearchRule:
    return msgspec.convert({"url": url, "results": ".r", "name": ".n", **SOURCE, **kw}, SearchRule)


def test_shipped_rules_make_the_urls_their_sources_describe() -> None:
    person = person_from_profile(load_profile_file(DEMO), "Maria Nguyen")
    urls = {b.id: search_url(b.search, person) for b in shipped_registry().brokers if b.search}
    assert urls == {
        "fastpeoplesearch-network": "https://www.fastpeoplesearch.com/name/maria-nguyen_denver-co",
        "truepeoplesearch": "https://www.truepeoplesearch.com/results?name=Maria%20Nguyen&citystatezip=Denver,CO",
        "spokeo": "https://www.spokeo.com/Maria-Nguyen/Colorado/Denver",
        "peoplefinders": "https://www.peoplefinders.com/people/Maria-Nguyen/CO/Denver?landing=all",
    }
    # none of the shipped rules was checked against a real page, and each says where it came from
    for broker in shipped_registry().brokers:
        if broker.search:
            assert broker.search.verified is False
            assert broker.search.source.startswith("https://github.com/duckduckgo/")


def test_slugs_fold_accents_and_punctuation_and_use_state_names() -> None:
    profile = msgspec.structs.replace(load_profile_file(DEMO), name="José O'Brien-Ávila")
    profile = msgspec.structs.replace(
        profile, addresses=[msgspec.structs.replace(profile.addresses[0], city="Colorado Springs")]
    )
    person = person_from_profile(profile)
    assert (
        search_url(rule("https://x.test/{first|lower}-{last|lower}/{state|state-name}/{city}"), person)
        == "https://x.test/jose-o-brien-avila/Colorado/Colorado-Springs"
    )
    assert (
        search_url(rule("https://x.test/s?n={first}%20{last}&w={city|upper}", encoding="query"), person)
        == "https://x.test/s?n=Jose%20O%27Brien-Avila&w=COLORADO%20SPRINGS"
    )
    assert (
        search_url(rule("https://x.test/{first}/{last}"), person, "http://127.0.0.1:9/p")
        == "http://127.0.0.1:9/p/Jose/O-Brien-Avila"
    )


def test_search_name_option_and_missing_address() -> None:
    profile = load_profile_file(DEMO)
    assert person_from_profile(profile, "Maria Nunez").last == "Nunez"
    with pytest.raises(Exception, match="address"):
        person_from_profile(msgspec.structs.replace(profile, addresses=[]))


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://x.test/{first}/{surname}", "unknown placeholder"),
        ("https://x.test/{first|shout}/{last}", "unknown filter"),
        ("https://x.test/{first}", "needs both"),
    ],
)
def test_the_schema_refuses_bad_templates(url: str, message: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=message):
        rule(url)


def test_reading_pages_without_a_network() -> None:
    person = person_from_profile(load_profile_file(DEMO))
    fps = shipped_registry().get("fastpeoplesearch-network").search
    assert fps is not None
    assert read_page(page("fps_found.html"), fps, person, "https://h.test/").outcome == "found"
    assert read_page(page("changed_layout.html"), fps, person, "https://h.test/").outcome == "could-not-read"
    # a rule whose selectors no longer match anything never says "not found"
    broken = rule("https://x.test/{first}/{last}", results=".gone", name=".gone")
    assert read_page(page("fps_found.html"), broken, person, "https://h.test/").outcome == "could-not-read"
    # a listing link that is not http(s) is dropped
    js = page("fps_found.html").replace(b'href="/maria-nguyen_id_G-2"', b'href="javascript:alert(1)"')
    assert read_page(js, fps, person, "https://h.test/").listing_url == ""


def test_scan_name_variants_both_surnames_first_surname_other_names_with_and_without_accents() -> None:
    """The issue's client: "Rosa Elena Martínez Ortega" was searched only as "Rosa Ortega"."""
    from broker_audit.scan.plan import plan_searches

    profile = msgspec.structs.replace(
        load_profile_file(DEMO), name="Rosa Elena Martínez Ortega", other_names=["Rosa E. Ortega de Luna"]
    )
    person = person_from_profile(profile)
    assert [(v.first, v.last, v.why) for v in person.variants] == [
        ("Rosa", "Martínez Ortega", "both surnames"),
        ("Rosa", "Martínez", "first surname"),
        ("Rosa", "Ortega", "last word"),
        ("Rosa", "Ortega de Luna", "other name"),  # "de" goes with the surname after it
        ("Rosa", "de Luna", "other name"),
    ]
    path_rule = rule("https://x.test/{first|lower}-{last|lower}/{state}")
    query_rule = rule("https://y.test/s?n={first}%20{last}", encoding="query")
    brokers = [
        msgspec.structs.replace(shipped_registry().get("spokeo"), id="path-site", search=path_rule),
        msgspec.structs.replace(shipped_registry().get("spokeo"), id="query-site", search=query_rule),
    ]
    urls = [(s.broker_id, s.url, s.why) for s in plan_searches(brokers, person)]
    assert urls[:3] == [
        ("path-site", "https://x.test/rosa-martinez-ortega/CO", "both surnames"),
        ("path-site", "https://x.test/rosa-martinez/CO", "first surname"),
        ("path-site", "https://x.test/rosa-ortega/CO", "last word"),
    ]
    query = [(u, w) for b, u, w in urls if b == "query-site"]
    assert query[:4] == [
        ("https://y.test/s?n=Rosa%20Mart%C3%ADnez%20Ortega", "both surnames"),
        ("https://y.test/s?n=Rosa%20Martinez%20Ortega", "both surnames, without accents"),
        ("https://y.test/s?n=Rosa%20Mart%C3%ADnez", "first surname"),
        ("https://y.test/s?n=Rosa%20Martinez", "first surname, without accents"),
    ]
    # a listing under the first surname alone is hers
    from broker_audit.scan.parse import _name_matches

    assert _name_matches("Rosa Martinez, age 39", person)
    assert _name_matches("ROSA MARTINEZ ORTEGA", person)
    assert not _name_matches("Rosa Elena Gomez", person)
