"""`registry check`: named rules, offline and (against 127.0.0.1 only) online."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from clijson import data

from broker_audit import datafiles
from broker_audit.registry.check import RULES, run_check
from broker_audit.registry.fetch import check_links
from broker_audit.services.registry import check_registry, import_registry

TODAY = dt.date(2026, 11, 25)
CPPA = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "registries" / "cppa-2025-sample.csv"

RECORD = """\
[[broker]]
id = "{id}"
name = "{name}"
categories = ["marketing"]
checked = {checked}
{extra}
[[broker.sources]]
url = "https://example.org/{id}"
checked = {checked}
"""


def toml(*records: str, presets: str = "") -> str:
    return "\n".join(records) + presets


def record(broker_id: str, name: str = "", checked: str = "2026-11-01", extra: str = "") -> str:
    return RECORD.format(id=broker_id, name=name or broker_id, checked=checked, extra=extra)


def rules_found(path: Path, imported: Path | None = None) -> dict[str, set[str]]:
    report = run_check(brokers_file=path, imported_file=imported, today=TODAY)
    out: dict[str, set[str]] = {}
    for f in report.findings:
        out.setdefault(f.rule, set()).add(f.severity)
    return out


def test_rules_have_stable_unique_ids_and_fixes() -> None:
    # R011 (channels-have-facts) is retired and its id never reused.
    assert [r.id for r in RULES] == [f"R{n:03d}" for n in range(23) if n != 11]
    assert all(r.description and r.fix for r in RULES)


def test_shipped_registry_has_no_errors() -> None:
    report = run_check(brokers_file=datafiles.brokers_file(), imported_file=None, today=dt.date.today())
    assert report.errors == 0, [f for f in report.findings if f.severity == "error"]
    assert report.brokers >= 2


def route(
    channel: str,
    value: str = "",
    *,
    grade: str = "primary",
    source: str = "https://example.org/r",
    checked: str = "2026-11-01",
    extra: str = "",
) -> str:
    text = f'[[broker.routes]]\nchannel = "{channel}"\n'
    if value:
        text += f'value = "{value}"\n'
    return text + f'grade = "{grade}"\nsource = "{source}"\nchecked = {checked}\n{extra}'


def test_each_rule_finds_its_problem(tmp_path: Path) -> None:
    postal = route(
        "mail",
        extra='[broker.routes.postal]\norganization = "X"\nstreet = ["1 Main St"]\ncity = "Denver"\n'
        'state = "ZZ"\nzip = "80202"\n',
    )
    wrong_zip = postal.replace('"ZZ"', '"CA"')
    evidence = (
        '[[broker.law_enforcement]]\nrecipient = "law-enforcement"\nagency = "X"\nsummary = "Y"\n'
        'year = 1980\nsource = "https://example.org/ev"\nchecked = 2026-11-01\n'
    )
    ice = evidence.replace('"law-enforcement"', '"immigration-enforcement"').replace("1980", "2022")
    cases = {
        "R003": record("future", checked="2027-01-01"),
        "R004": record("bad-state", extra=postal),
        "R007": record("old-evidence", extra=evidence),
        "R008": record("tomb", extra='successor = "nobody"\n'),
        "R009": record("unreachable"),
        "R010": record("bad-email", extra=route("email", "privacy@exa_mple.com")),
        "R013": record(
            "proxied",
            extra=route(
                "web-form",
                "https://example.org/form",
                source="https://app.altruwe.org/proxy?url=https%3A%2F%2Fexample.org",
            ),
        ),
        "R014": record("weak", extra=route("email", "privacy@example.org", grade="weak")),
        "R015": record("sells-to-ice", extra=ice + route("email", "privacy@example.org", grade="secondary")),
        "R016": record("stale-route", extra=route("email", "privacy@example.org", checked="2025-01-01")),
        "R021": record("bureau", extra=route("email", "privacy@example.org")).replace(
            'categories = ["marketing"]', 'categories = ["consumer-reporting"]'
        ),
        "R022": record("on-a-helpdesk", extra=route("email", "privacy@acme.zendesk.com")),
    }
    expected = {
        "R003": "error",
        "R004": "error",
        "R007": "error",
        "R008": "error",
        "R009": "warning",
        "R010": "error",
        "R013": "error",
        "R014": "warning",
        "R015": "warning",
        "R016": "warning",
        "R021": "warning",
        "R022": "warning",
    }
    for rule, text in cases.items():
        path = tmp_path / f"{rule}.toml"
        path.write_text(toml(text))
        found = rules_found(path)
        assert expected[rule] in found.get(rule, set()), (rule, found)
    path = tmp_path / "zip.toml"
    path.write_text(toml(record("wrong-zip", extra=wrong_zip)))
    assert rules_found(path)["R004"] == {"warning"}
    path = tmp_path / "stale.toml"
    path.write_text(toml(record("stale", checked="2024-01-01", extra='website = "https://x.example"\n')))
    assert rules_found(path)["R003"] == {"warning"}
    path = tmp_path / "dupes.toml"
    path.write_text(
        toml(
            record("same"),
            record("same"),
            presets='\n[[preset]]\nid = "p"\ndescription = "d"\nbrokers = ["same", "ghost"]\n',
        )
    )
    found = rules_found(path)
    assert found["R006"] == {"error"} and found["R005"] == {"error"}
    # a consumer-reporting broker recorded, with its source, as an agency (or not) is fine
    sourced = (
        record("bureau", extra=route("email", "privacy@example.org"))
        .replace('categories = ["marketing"]', 'categories = ["consumer-reporting"]')
        .replace(
            "[[broker.sources]]",
            '[broker.consumer_reporting]\nagency = true\nsource = "https://example.org/cfpb"\n'
            'grade = "primary"\nchecked = 2026-11-01\n\n[[broker.sources]]',
        )
    )
    path = tmp_path / "bureau.toml"
    path.write_text(toml(sourced))
    assert "R021" not in rules_found(path)


def test_no_shipped_url_is_a_proxy_or_mirror() -> None:
    """The shipped data passes R013 (the same rule fails on the fixture above)."""
    report = check_registry(today=dt.date(2026, 12, 8))  # after the shipped data was checked
    assert not [f for f in report.findings if f.rule in ("R013", "L006")]
    assert report.errors == 0, [f for f in report.findings if f.severity == "error"]
    # and its warnings are listed, not hidden: e.g. the brokers still without any route
    assert {f.broker for f in report.findings if f.rule == "R009"} >= {"appriss-insights"}


@pytest.mark.parametrize(
    "url",
    [
        "https://app.altruwe.org/proxy?url=https%3A%2F%2Frisk.lexisnexis.com%2Fstate-privacy-act-notice",
        "https://1.800.gay:443/https/www.experian.com/privacy",
        "https://megalodon.jp/ref/2026-0115-1333-20/https://cppa.ca.gov:443/webapplications/complaint",
        "https://redlib.deleted.directory/r/CCPA/comments/iyhns9/equifax_ccpa_request",
        "https://web.archive.org/web/2021/https://www.acxiom.com/",
        "https://www.google.com/url?q=https://www.spokeo.com/optout",
    ],
)
def test_proxy_and_mirror_urls_are_recognised(url: str) -> None:
    from broker_audit.registry.check import is_proxy_url

    assert is_proxy_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://oag.ca.gov/data-brokers",
        "https://coag.gov/file-complaint/?fbclid=x",
        "https://www.spokeo.com/optout",
    ],
)
def test_canonical_urls_are_not_flagged(url: str) -> None:
    from broker_audit.registry.check import is_proxy_url

    assert not is_proxy_url(url)


def test_schema_failure_is_rule_r000_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "brokers.toml"
    path.write_text(toml(record("ok"), record("Bad Id")))
    report = run_check(brokers_file=path, imported_file=None, today=TODAY)
    assert [f.rule for f in report.findings] == ["R000"] and not report.ok
    assert f"{path}:" in report.findings[0].message


def test_imported_file_is_checked_too(tmp_path: Path) -> None:
    curated = tmp_path / "brokers.toml"
    curated.write_text(toml(record("mock-risk-solutions", extra='website = "https://x.example"\n')))
    into = tmp_path / "imported.json"
    import_registry("ca", CPPA, today=TODAY, into=into, brokers_file=curated)
    report = run_check(brokers_file=curated, imported_file=into, today=TODAY)
    # 30 rows, one of them the curated broker: counted once, as `brokers list` shows it
    assert report.brokers == 30 and report.ok, report.findings
    into.write_text("{not json")
    report = run_check(brokers_file=curated, imported_file=into, today=TODAY)
    errors = [f for f in report.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["R000"] and str(into) in errors[0].message


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from broker_audit.cli.app import main

    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_check_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(toml(record("fine", checked="2020-01-01", extra='website = "https://x.example"\n')))
    code, out, err = run_cli(
        ["registry", "check", "--brokers", str(good), "--imported", str(tmp_path / "none"), "--json"], capsys
    )
    report = data(out)
    assert code == 0, err  # warnings (a stale date) do not fail the check
    assert report["ok"] is True and report["warnings"] >= 1 and report["errors"] == 0
    assert {r["id"] for r in report["rules"]} >= {"R001", "R012"}
    bad = tmp_path / "bad.toml"
    bad.write_text(toml(record("future", checked="2999-01-01")))
    code, out, _ = run_cli(["registry", "check", "--brokers", str(bad), "--json"], capsys)
    report = data(out)
    assert code == 1 and report["ok"] is False
    finding = next(f for f in report["findings"] if f["rule"] == "R003")
    assert finding["broker"] == "future" and finding["fix"].startswith("Re-check")
    code, out, _ = run_cli(["registry", "check", "--brokers", str(bad)], capsys)
    assert code == 1 and "R003" in out


# --- online, against 127.0.0.1 only ---------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    in_flight = 0
    most = 0
    lock = threading.Lock()
    log: ClassVar[list[tuple[str, str]]] = []

    def _serve(self, body: bool) -> None:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
            cls.log.append((self.command, self.path))
        time.sleep(0.05)
        status = 200
        if self.path.startswith("/dead"):
            status = 404
        elif self.path.startswith("/no-head") and self.command == "HEAD":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")
        with cls.lock:
            cls.in_flight -= 1

    def do_GET(self) -> None:
        self._serve(True)

    def do_HEAD(self) -> None:
        self._serve(False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Handler.in_flight = _Handler.most = 0
    _Handler.log = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_check_links_head_then_get_one_at_a_time_per_host(site: str) -> None:
    urls = [f"{site}/ok/1", f"{site}/no-head", f"{site}/dead", f"{site}/ok/2", f"{site}/ok/3"]
    statuses = check_links(urls, timeout=2, delay=0.01, max_urls=4, workers=4)
    assert [s.url for s in statuses] == urls[:4]  # bounded by max_urls
    by_url = {s.url: s for s in statuses}
    assert by_url[f"{site}/ok/1"].ok and by_url[f"{site}/ok/1"].method == "HEAD"
    assert by_url[f"{site}/no-head"].ok and by_url[f"{site}/no-head"].method == "GET"
    assert not by_url[f"{site}/dead"].ok and by_url[f"{site}/dead"].status == 404
    assert _Handler.most == 1  # never two requests at once to one host
    assert ("GET", "/ok/3") not in _Handler.log and ("HEAD", "/ok/3") not in _Handler.log


def test_online_check_reports_dead_links(site: str, tmp_path: Path) -> None:
    curated = tmp_path / "brokers.toml"
    curated.write_text(
        toml(
            record("alive", extra=f'website = "{site}/ok/a"\n'),
            record("gone", extra=f'website = "{site}/dead/b"\n'),
        )
    )
    report = check_registry(
        today=TODAY,
        online=True,
        delay=0.01,
        timeout=2,
        brokers_file=curated,
        imported_file=tmp_path / "none.json",
    )
    dead = [f for f in report.findings if f.rule == "R012"]
    assert report.links_checked == 2
    assert [(f.broker, f.severity) for f in dead] == [("gone", "error")]
    assert "HTTP 404" in dead[0].message and not report.ok
    # Offline, the same registry passes: nothing is fetched.
    _Handler.log = []
    assert check_registry(today=TODAY, brokers_file=curated, imported_file=tmp_path / "none.json").ok
    assert _Handler.log == []


# --- doors and where facts were read (R017-R020) ----------------------------------------------------

AG_2020 = datafiles.shipped_imports_dir() / "ca-ag-2020.csv"


def door_findings(tmp_path: Path, *records: str) -> dict[str, list[str]]:
    path = tmp_path / "brokers.toml"
    path.write_text(toml(*records))
    report = run_check(brokers_file=path, imported_file=None, today=TODAY, shipped_exports=[AG_2020])
    out: dict[str, list[str]] = {}
    for f in report.findings:
        if f.rule in ("R017", "R018", "R019", "R020"):
            out.setdefault(f.rule, []).append(f"{f.severity} {f.broker}: {f.message}")
    return out


def test_a_route_must_state_its_door(tmp_path: Path) -> None:
    found = door_findings(tmp_path, record("no-door", extra=route("email", "privacy@example.org")))
    assert found["R017"] == ["error no-door: email route 'privacy@example.org' states no door"]


def test_a_government_seller_must_default_to_a_request_channel(tmp_path: Path) -> None:
    """R018: a broker with documented ICE sales whose only route is a contact (a registry contact
    field) fails for every right; another broker with only a contact is a warning (R020)."""
    ice = (
        '[[broker.law_enforcement]]\nrecipient = "immigration-enforcement"\nagency = "ICE"\n'
        'summary = "Y"\nyear = 2022\nsource = "https://example.org/ev"\nchecked = 2026-11-01\n'
    )
    contact = route("email", "privacy@example.org", extra='door = "contact"\n')
    found = door_findings(
        tmp_path, record("sells-to-ice", extra=ice + contact), record("plain", extra=contact)
    )
    assert [m.split(",")[0] for m in found["R018"]] == [
        "error sells-to-ice: sells to immigration or law enforcement"
    ] * 3  # access, delete, opt-out
    assert found["R020"] == [
        "warning plain: access, delete, opt-out requests default to a contact (privacy@example.org): "
        "no request channel is known"
    ]
    # with a request channel beside the contact, neither fires
    channel = route("web-form", "https://example.org/privacy-request", extra='door = "request-channel"\n')
    found = door_findings(tmp_path, record("sells-to-ice", extra=ice + contact + channel))
    assert "R018" not in found and "R020" not in found


def test_a_source_names_only_where_the_fact_was_read(tmp_path: Path) -> None:
    """R019, from the shipped 2020 export: LexisNexis filed consumer.documents [at] lexisnexis.com
    and its CCPA box; Spokeo's privacy@spokeo.com appears only in a third-party list."""
    ag = 'source = "https://oag.ca.gov/data-brokers"\nread_at = "registries/ca-ag-2020.csv"\n'
    read_there = route("email", "consumer.documents@lexisnexis.com", extra='door = "contact"\n')
    read_there = read_there.replace('source = "https://example.org/r"\n', ag)
    not_there = read_there.replace("consumer.documents@lexisnexis.com", "privacy@spokeo.com")
    no_read_at = not_there.replace('read_at = "registries/ca-ag-2020.csv"\n', "")
    quoted = route(
        "mail",
        extra='door = "request-channel"\n'
        'door_words = "California consumers may also submit a request by phone at 1-888-217-1591 or by '
        'mail at: … Consumer Center, Attn: California Consumer Privacy Act (CCPA) Request"\n'
        '[broker.routes.postal]\norganization = "LexisNexis Risk Solutions"\nstreet = ["P.O. Box 105108"]\n'
        'city = "Atlanta"\nstate = "GA"\nzip = "30348-5295"\n',
    ).replace('source = "https://example.org/r"\n', ag)
    misquoted = quoted.replace("Consumer Center, Attn:", "Consumer Care, Attn:")
    assert "R019" not in door_findings(tmp_path, record("read-there", extra=read_there + quoted))
    found = door_findings(tmp_path, record("not-there", extra=not_there))
    assert found["R019"] == [
        "error not-there: email route 'privacy@spokeo.com' says it was read in ca-ag-2020.csv, which "
        "does not contain it"
    ]
    found = door_findings(tmp_path, record("no-read-at", extra=no_read_at))
    assert found["R019"][0].startswith(
        "error no-read-at: email route 'privacy@spokeo.com' is sourced to a registry"
    )
    found = door_findings(tmp_path, record("misquoted", extra=misquoted))
    assert found["R019"] == [
        "error misquoted: door_words 'Consumer Care, Attn: California Consumer Privacy Act (CCPA) "
        "Request' are not in ca-ag-2020.csv, where the route says it was read"
    ]


@pytest.mark.parametrize("export", ["cppa-2025.csv", "ca-ag-2020.csv"])
def test_an_import_of_a_shipped_california_file_leaves_the_check_at_zero_errors(
    tmp_path: Path, export: str
) -> None:
    """The user's import of a registry replaces its shipped exports in `registry check` as in the
    listing: nothing is counted twice (it was 432 errors, "imported id ... appears 2 times")."""
    from broker_audit.registry.load import load_registry

    into = tmp_path / "brokers.imported.json"
    import_registry("ca", datafiles.shipped_imports_dir() / export, today=dt.date(2026, 12, 7), into=into)
    report = check_registry(today=dt.date(2026, 12, 7), imported_file=into)
    assert report.errors == 0, [f for f in report.findings if f.severity == "error"][:5]
    assert report.brokers == len(load_registry(imported=into).brokers)  # what `brokers list` shows
