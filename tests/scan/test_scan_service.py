"""`run_scan` against saved pages on a local server: every outcome, politeness, and privacy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from conftest import Answer, Server, page

from broker_audit.errors import UserError
from broker_audit.scan.fetch import USER_AGENT
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.resources import Resources
from broker_audit.services.scan import ScanReport, run_scan
from broker_audit.tracking.journal import ScanFinding

TODAY = dt.date(2026, 11, 25)
FPS = "fastpeoplesearch-network"
TPS = "truepeoplesearch"
FPS_PATH = "/fps/name/maria-nguyen_denver-co"
TPS_PATH = "/tps/results?name=Maria%20Nguyen&citystatezip=Denver,CO"


def scan(
    vault: VaultAccess,
    server: Server,
    brokers: tuple[str, ...] = (FPS,),
    *,
    confirm: bool = True,
    timeout: float = 5.0,
    sleeps: list[float] | None = None,
    **kw: object,
) -> ScanReport:
    prefixes = {FPS: "/fps", TPS: "/tps"}
    kw.setdefault("search_name", "Maria Nguyen")  # one name: one search per site (see test_name_variants)
    return run_scan(
        vault,
        resources=Resources(),
        confirm=lambda plan: confirm,
        brokers=brokers,
        base_urls={b: server.url + prefixes.get(b, "") for b in brokers},
        today=TODAY,
        timeout=timeout,
        delay=2.0,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        **kw,
    )  # type: ignore[arg-type]


def only(report: ScanReport) -> ScanFinding:
    assert len(report.results) == 1
    return report.results[0]


def stored(vault: VaultAccess) -> dict[str, ScanFinding]:
    with open_journal(vault) as journal:
        return journal.scan_findings()


def test_found_listing_is_stored_with_its_url_name_and_place(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    finding = only(scan(vault, server))
    assert finding.outcome == "found"
    assert finding.listing_url == server.url + "/maria-nguyen_id_G-2"
    assert finding.matched_name == "Maria J Nguyen"
    assert "Denver, CO" in finding.matched_location
    assert stored(vault)[FPS] == finding
    # robots.txt first, then exactly one search, with the clear User-Agent
    assert server.paths() == ["/robots.txt", FPS_PATH]
    assert {s.user_agent for s in server.seen} == {USER_AGENT}
    assert "one search on behalf of the person named" in USER_AGENT


def test_found_via_data_attribute_and_no_results_marker(vault: VaultAccess, server: Server) -> None:
    server.routes[TPS_PATH] = Answer(body=page("tps_found.html"))
    finding = only(scan(vault, server, (TPS,)))
    assert finding.outcome == "found"
    assert finding.listing_url == server.url + "/find/person/px0000demo"

    server.routes[TPS_PATH] = Answer(body=page("tps_no_results.html"))
    finding = only(scan(vault, server, (TPS,)))
    assert finding.outcome == "not-found"
    assert "no records" in finding.detail
    # a later "not found" replaces the earlier "found"
    assert stored(vault)[TPS].outcome == "not-found"


def test_namesakes_elsewhere_are_not_a_match(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("fps_others.html"))
    finding = only(scan(vault, server))
    assert finding.outcome == "not-found"
    assert "none with your name in your city" in finding.detail


@pytest.mark.parametrize("status", [403, 429])
def test_refusals_are_blocked(vault: VaultAccess, server: Server, status: int) -> None:
    server.routes[FPS_PATH] = Answer(status=status, body=b"<html><body>no</body></html>")
    finding = only(scan(vault, server))
    assert finding.outcome == "blocked"
    assert str(status) in finding.detail


def test_a_captcha_page_is_blocked_not_not_found(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("captcha.html"))
    assert only(scan(vault, server)).outcome == "blocked"


def test_robots_txt_disallow_sends_nothing_with_the_name(vault: VaultAccess, server: Server) -> None:
    server.routes["/robots.txt"] = Answer(
        body=b"User-agent: *\nDisallow: /fps/name/\n", content_type="text/plain"
    )
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    finding = only(scan(vault, server))
    assert finding.outcome == "blocked"
    assert "blocked by robots.txt" in finding.detail
    assert server.paths() == ["/robots.txt"]


def test_robots_txt_refused_counts_as_disallow(vault: VaultAccess, server: Server) -> None:
    server.routes["/robots.txt"] = Answer(status=403, body=b"no", content_type="text/plain")
    assert only(scan(vault, server)).outcome == "blocked"
    assert server.paths() == ["/robots.txt"]


def test_a_changed_layout_is_could_not_read_never_not_found(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("changed_layout.html"))
    finding = only(scan(vault, server))
    assert finding.outcome == "could-not-read"
    assert "layout" in finding.detail


def test_timeout_and_server_errors_are_errors(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"), delay=1.5)
    finding = only(scan(vault, server, timeout=0.3))
    assert finding.outcome == "error"
    assert "no answer within" in finding.detail
    server.routes[FPS_PATH] = Answer(status=503, body=b"down", content_type="text/plain")
    assert only(scan(vault, server)).outcome == "error"


def test_an_earlier_found_survives_a_later_blocked_check(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    scan(vault, server)
    server.routes[FPS_PATH] = Answer(status=429)
    scan(vault, server)
    assert stored(vault)[FPS].outcome == "found"


def test_redirects_to_another_site_are_not_followed(
    vault: VaultAccess, server: Server, make_server: Callable[[], Server]
) -> None:
    other = make_server()
    server.routes[FPS_PATH] = Answer(status=302, headers={"Location": other.url + "/x?name=Maria"})
    finding = only(scan(vault, server))
    assert finding.outcome == "could-not-read"
    assert other.seen == []


def test_dry_run_and_a_no_send_nothing(vault: VaultAccess, server: Server) -> None:
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    report = scan(vault, server, dry_run=True)
    assert report.dry_run and not report.sent
    assert [s.url for s in report.plan.searches] == [server.url + FPS_PATH]
    report = scan(vault, server, confirm=False)
    assert not report.sent and report.results == []
    assert server.seen == []
    assert stored(vault) == {}


def test_the_name_goes_only_to_the_listed_sites_and_no_cookie_crosses_sites(
    vault: VaultAccess, make_server: Callable[[], Server]
) -> None:
    a, b = make_server(), make_server()
    a.routes["/robots.txt"] = Answer(
        body=b"User-agent: *\nAllow: /\n",
        content_type="text/plain",
        headers={"Set-Cookie": "tracker=site-a; Path=/"},
    )
    a.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    b.routes[TPS_PATH] = Answer(body=page("tps_no_results.html"))
    seen_plan: list[str] = []

    def confirm(plan: object) -> bool:
        seen_plan.extend(s.url for s in plan.searches)  # type: ignore[attr-defined]
        return True

    report = run_scan(
        vault,
        resources=Resources(),
        confirm=confirm,
        brokers=(FPS, TPS),
        base_urls={FPS: a.url + "/fps", TPS: b.url + "/tps"},
        today=TODAY,
        delay=2.0,
        sleep=lambda s: None,
        search_name="Maria Nguyen",
    )
    assert [f.outcome for f in report.results] == ["found", "not-found"]
    sent = [server.url + s.path for server in (a, b) for s in server.seen if s.path != "/robots.txt"]
    assert sorted(sent) == sorted(seen_plan)
    # site A's cookie came back to site A only
    assert a.seen[1].cookie == "tracker=site-a"
    assert all(s.cookie == "" for s in b.seen)


def test_requests_to_one_site_are_spaced_by_the_delay(vault: VaultAccess, server: Server) -> None:
    server.routes["/robots.txt"] = Answer(body=b"User-agent: *\nCrawl-delay: 5\n", content_type="text/plain")
    server.routes[FPS_PATH] = Answer(body=page("fps_found.html"))
    sleeps: list[float] = []
    scan(vault, server, sleeps=sleeps)
    assert len(sleeps) == 1 and 4.5 < sleeps[0] <= 5.0  # robots.txt's Crawl-delay beats --delay


def test_a_broker_without_rules_is_skipped_and_nothing_to_do_is_an_error(
    vault: VaultAccess, server: Server
) -> None:
    with pytest.raises(UserError, match="none of the chosen brokers"):
        scan(vault, server, ("lexisnexis",))
    report = scan(vault, server, (FPS, "lexisnexis"), dry_run=True)
    assert report.plan.skipped == [("lexisnexis-risk-solutions", "no public search rule in the registry")]


def test_scan_name_variants_are_tried_in_turn_until_a_listing_is_found(
    vault: VaultAccess, server: Server
) -> None:
    """The demo profile is "María José Núñez Nguyễn": the site lists her as "Maria Nunez" (the
    first surname only). Both surnames find nothing, the first surname finds her, and the last
    word is never sent; robots.txt is read once."""
    server.routes["/fps/name/maria-nunez-nguyen_denver-co"] = Answer(body=page("fps_others.html"))
    listed = page("fps_found.html").replace(b"Maria J Nguyen", b"Maria Nunez")
    server.routes["/fps/name/maria-nunez_denver-co"] = Answer(body=listed)
    report = scan(vault, server, search_name=None)
    assert [s.why for s in report.plan.searches] == ["both surnames", "first surname", "last word"]
    finding = only(report)
    assert finding.outcome == "found" and finding.matched_name == "Maria Nunez"
    assert server.paths() == [
        "/robots.txt",
        "/fps/name/maria-nunez-nguyen_denver-co",
        "/fps/name/maria-nunez_denver-co",
    ]


def test_scan_name_variants_not_found_under_any_name_says_which_were_tried(
    vault: VaultAccess, server: Server
) -> None:
    for path in ("maria-nunez-nguyen", "maria-nunez", "maria-nguyen"):
        server.routes[f"/fps/name/{path}_denver-co"] = Answer(body=page("fps_others.html"))
    finding = only(scan(vault, server, search_name=None))
    assert finding.outcome == "not-found"
    assert finding.detail == ("not found under any of 3 names: María Núñez Nguyễn; María Núñez; María Nguyễn")
