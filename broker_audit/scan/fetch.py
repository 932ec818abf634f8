"""The only network code of `scan`: one polite search per site, robots.txt first.

- robots.txt is read before anything else is sent to a site; a disallowed search path is
  "blocked by robots.txt" and the search is not sent.
- One request at a time per site, at least `delay` seconds apart (longer if robots.txt asks for a
  Crawl-delay); a clear User-Agent; timeouts on every request; answers read up to a size limit.
- A fresh session per site: no cookie of one site is ever sent to another.
- Redirects are followed only within the same site (and only where robots.txt allows); the
  person's name is never carried to another host.
`requests` is imported inside the functions: it costs ~90 ms at start-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from broker_audit import __version__
from broker_audit.registry.schema import SearchRule
from broker_audit.scan.parse import Reading, is_html, read_page
from broker_audit.scan.plan import Person, PlannedSearch

if TYPE_CHECKING:
    import requests

USER_AGENT = f"broker-audit/{__version__} (+personal data audit; one search on behalf of the person named)"
MAX_BYTES = 3 * 1024 * 1024
MAX_ROBOTS_BYTES = 512 * 1024
MAX_REDIRECTS = 3
MAX_CRAWL_DELAY = 60.0


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Pacer:
    """At most one request at a time per site, at least `delay` seconds apart."""

    delay: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    last: dict[str, float] = field(default_factory=dict)

    def wait(self, site: str, at_least: float = 0.0) -> None:
        gap = max(self.delay, at_least)
        if site in self.last:
            remaining = gap - (self.clock() - self.last[site])
            if remaining > 0:
                self.sleep(remaining)
        self.last[site] = self.clock()


class _Stop(Exception):
    """Ends a check early with its reading."""

    def __init__(self, reading: Reading) -> None:
        super().__init__(reading.outcome)
        self.reading = reading


def _read_limited(
    response: requests.Response, limit: int, timeout: float, clock: Callable[[], float]
) -> bytes:
    import requests

    start = clock()
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > limit:
            raise _Stop(
                Reading("could-not-read", f"the answer is larger than {limit // 1024} kB; not a result page")
            )
        if clock() - start > 3 * timeout:
            raise requests.Timeout()
        chunks.append(chunk)
    return b"".join(chunks)


def _robots(session: requests.Session, site: str, pacer: Pacer, timeout: float) -> RobotFileParser:
    pacer.wait(site)
    robots = RobotFileParser(site + "/robots.txt")
    with session.get(site + "/robots.txt", timeout=timeout, stream=True) as response:
        status = response.status_code
        if status in (401, 403):
            robots.disallow_all = True  # type: ignore[attr-defined]  # set by RobotFileParser.read too
        elif status == 429:
            raise _Stop(
                Reading("blocked", "the site is rate-limiting (HTTP 429 for robots.txt); try again later")
            )
        elif status >= 500:
            raise _Stop(
                Reading("error", f"robots.txt could not be read (HTTP {status}); nothing was searched")
            )
        elif status >= 400:
            robots.allow_all = True  # type: ignore[attr-defined]
        else:
            body = _read_limited(response, MAX_ROBOTS_BYTES, timeout, pacer.clock)
            robots.parse(body.decode("utf-8", "replace").splitlines())
    return robots


def _crawl_delay(robots: RobotFileParser) -> float:
    try:
        value = float(robots.crawl_delay(USER_AGENT) or 0)
    except (TypeError, ValueError):
        return 0.0
    return min(max(value, 0.0), MAX_CRAWL_DELAY)


def _search(
    session: requests.Session,
    search: PlannedSearch,
    rule: SearchRule,
    person: Person,
    robots: RobotFileParser,
    pacer: Pacer,
    timeout: float,
) -> Reading:
    site = origin(search.url)
    url = search.url
    for _hop in range(MAX_REDIRECTS + 1):
        if not robots.can_fetch(USER_AGENT, url):
            return Reading(
                "blocked",
                "blocked by robots.txt: the site asks robots not to search there, so nothing was sent",
            )
        pacer.wait(site, _crawl_delay(robots))
        with session.get(url, timeout=timeout, allow_redirects=False, stream=True) as response:
            if response.is_redirect:
                target = urljoin(url, response.headers.get("Location", ""))
                if origin(target) != site:
                    return Reading(
                        "could-not-read",
                        f"the site sent the search on to another site "
                        f"({urlsplit(target).hostname}); not followed",
                    )
                url = target
                continue
            status = response.status_code
            if status in (401, 403):
                return Reading("blocked", f"the site refused the search (HTTP {status})")
            if status == 429:
                return Reading("blocked", "the site is rate-limiting (HTTP 429); try again later")
            if status >= 500:
                return Reading("error", f"the site answered HTTP {status}; try again later")
            if status >= 400 and status not in (404, 410):
                return Reading("could-not-read", f"unexpected answer HTTP {status}")
            body = _read_limited(response, MAX_BYTES, timeout, pacer.clock)
            content_type = response.headers.get("Content-Type", "")
        if not is_html(content_type, body):
            return Reading("could-not-read", f"the answer is not a web page ({content_type or 'no type'})")
        # Bytes: BeautifulSoup finds the encoding from the page itself when the header has none.
        return read_page(body, rule, person, url)
    return Reading("could-not-read", f"more than {MAX_REDIRECTS} redirects")


def check_listing(
    search: PlannedSearch, rule: SearchRule, person: Person, *, pacer: Pacer, timeout: float
) -> Reading:
    """robots.txt, then at most one search request (plus same-site redirects) to one site."""
    return check_site([search], rule, person, pacer=pacer, timeout=timeout)[0]


def check_site(
    searches: list[PlannedSearch], rule: SearchRule, person: Person, *, pacer: Pacer, timeout: float
) -> tuple[Reading, list[PlannedSearch]]:
    """robots.txt once, then the site's searches (the person's name variants) one by one, until
    one finds a listing or says anything but "not found" (blocked, a changed page, an error: no
    further name is sent). Returns the reading and the searches sent."""
    import requests

    session = requests.Session()
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "en-US,en;q=0.8",
        }
    )
    sent: list[PlannedSearch] = []
    try:
        robots = _robots(session, origin(searches[0].url), pacer, timeout)
        reading = Reading("not-found")
        for search in searches:
            reading = _search(session, search, rule, person, robots, pacer, timeout)
            sent.append(search)
            if reading.outcome != "not-found":
                break
        return reading, sent
    except _Stop as stop:
        return stop.reading, sent
    except requests.Timeout:
        return Reading("error", f"no answer within {timeout:g} seconds"), sent
    except requests.ConnectionError:
        return Reading(
            "error", "could not connect (the site's name did not resolve, or the connection failed)"
        ), sent
    except requests.RequestException as exc:
        return Reading("error", f"the request failed ({type(exc).__name__})"), sent
    finally:
        session.cookies.clear()
        session.close()
