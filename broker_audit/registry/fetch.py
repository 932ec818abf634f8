"""The only network code of the registry: download an export, and check that links still answer.

Polite by construction: a clear User-Agent, timeouts on every request, retries with backoff only
for answers that may pass (timeouts, connection errors, 429 and 5xx), one request at a time per
host with a delay between them, and a cap on how many URLs one run may touch.
`requests` is imported inside the functions: it costs ~90 ms at start-up.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from broker_audit.errors import UserError
from broker_audit.i18n import N_

if TYPE_CHECKING:
    import requests

USER_AGENT = "broker-audit/0.1 (+registry update)"
CHECK_USER_AGENT = "broker-audit/0.1 (+registry check --online)"
MAX_BYTES = 16 * 1024 * 1024  # = registry.imports.table.MAX_EXPORT_BYTES: no larger export is imported


class FetchError(UserError):
    """A download failed; the message says how, and the hint what to try."""


@dataclass(frozen=True)
class Downloaded:
    url: str
    path: Path
    bytes: int
    attempts: int
    content_type: str


def _session(user_agent: str) -> requests.Session:
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    return session


def download(
    url: str,
    dest: Path,
    *,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Downloaded:
    """Fetch `url` into `dest` and check that it is a CSV export, not an error or a web page.

    Up to `retries` more attempts after the first, waiting backoff, 2*backoff, 4*backoff ... seconds.
    """
    import requests

    session = _session(USER_AGENT)
    last = ""
    for attempt in range(1, retries + 2):
        if attempt > 1:
            sleep(backoff * 2 ** (attempt - 2))
        try:
            with session.get(url, timeout=timeout, stream=True) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"the server answered {response.status_code} {response.reason}"
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        f"{url}: the server answered {response.status_code} {response.reason}",
                        "check the address; give another with --url",
                    )
                body = _read_limited(response, url)
                content_type = response.headers.get("Content-Type", "")
        except requests.Timeout:
            last = f"no answer within {timeout:g} seconds"
            continue
        except requests.ConnectionError as exc:
            last = f"could not connect ({type(exc).__name__})"
            continue
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {exc}", "check the address; give another with --url") from None
        _check_csv(url, body, content_type)
        from broker_audit.files import write_bytes

        write_bytes(dest, body, what=N_("downloaded registry export"))
        return Downloaded(url=url, path=dest, bytes=len(body), attempts=attempt, content_type=content_type)
    raise FetchError(
        f"{url}: download failed after {retries + 1} attempts: {last}",
        "try again later, or download the file in a browser and use `broker-audit registry import`",
    )


def _read_limited(response: requests.Response, url: str) -> bytes:
    chunks = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(
                f"{url}: the answer is larger than {MAX_BYTES // 1024 // 1024} MB; not a registry export"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _check_csv(url: str, body: bytes, content_type: str) -> None:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise FetchError(f"{url}: the server sent an empty answer", "try again later")
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise FetchError(
            f"{url}: the server sent a web page ({content_type or 'no content type'}), not a CSV export",
            "the registry may have moved its download; find the CSV link on the registry page and pass "
            "it with --url",
        )
    first_line = head.split(b"\n", 1)[0]
    if head.startswith((b"{", b"[")) or not any(d in first_line for d in (b",", b";", b"\t", b"|")):
        raise FetchError(
            f"{url}: the answer does not look like a CSV export ({content_type or 'no content type'})",
            "find the CSV link on the registry page and pass it with --url",
        )


# --- link checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkStatus:
    url: str
    ok: bool
    status: int | None  # the HTTP status of the last attempt, None when there was no answer
    method: str  # "HEAD" or "GET"
    error: str = ""


def check_links(
    urls: Iterable[str],
    *,
    timeout: float = 10.0,
    delay: float = 1.0,
    max_urls: int = 200,
    workers: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> list[LinkStatus]:
    """Whether each URL still answers: HEAD, then GET when HEAD fails or is refused.

    At most one request at a time to any host, `delay` seconds apart; hosts in parallel (up to
    `workers`); no more than `max_urls` URLs (the first ones, in the order given).
    """
    chosen = list(dict.fromkeys(urls))[:max_urls]
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in chosen:
        by_host[(urlsplit(url).hostname or "").lower()].append(url)

    def run_host(host_urls: list[str]) -> list[LinkStatus]:
        session = _session(CHECK_USER_AGENT)
        out = []
        for i, url in enumerate(host_urls):
            if i:
                sleep(delay)
            out.append(_check_one(session, url, timeout, delay, sleep))
        session.close()
        return out

    results: dict[str, LinkStatus] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for statuses in pool.map(run_host, by_host.values()):
            for status in statuses:
                results[status.url] = status
    return [results[u] for u in chosen]


def _check_one(
    session: requests.Session, url: str, timeout: float, delay: float, sleep: Callable[[float], None]
) -> LinkStatus:
    import requests

    try:
        head = session.head(url, timeout=timeout, allow_redirects=True)
        if head.status_code < 400:
            return LinkStatus(url, True, head.status_code, "HEAD")
    except requests.RequestException:
        pass
    # Many servers refuse or mishandle HEAD; a GET is the real test.
    sleep(delay)
    try:
        with session.get(url, timeout=timeout, allow_redirects=True, stream=True) as response:
            return LinkStatus(url, response.status_code < 400, response.status_code, "GET")
    except requests.Timeout:
        return LinkStatus(url, False, None, "GET", f"no answer within {timeout:g} s")
    except requests.RequestException as exc:
        return LinkStatus(url, False, None, "GET", type(exc).__name__)
