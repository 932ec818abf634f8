"""Where a fact was read: a URL that serves another site's page is never a source."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# Hosts that serve other sites' pages: proxies, mirrors, caches, front-ends. A URL on one of them
# (or one that carries a second URL inside it) is never a canonical source.
_PROXY_HOSTS = (
    "altruwe.org",
    "1.800.gay",
    "megalodon.jp",
    "web.archive.org",
    "archive.org",
    "archive.ph",
    "archive.today",
    "archive.is",
    "redlib.",
    "libreddit.",
    "teddit.",
    "translate.goog",
    "webcache.googleusercontent.com",
    "hn.jakechampion.name",
)
_EMBEDDED_IN_PATH = re.compile(r"(?i)/https?(?::|%3A)?/+[a-z0-9-]+\.[a-z]")


def is_proxy_url(url: str) -> bool:
    """A URL that serves another site's page (a proxy, mirror, cache or redirector)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if any(
        host == h or host.endswith("." + h) or (h.endswith(".") and host.startswith(h)) for h in _PROXY_HOSTS
    ):
        return True
    if any(value.lower().startswith(("http://", "https://")) for _, value in parse_qsl(parts.query)):
        return True  # a redirector or proxy carrying the real address as a parameter
    return bool(_EMBEDDED_IN_PATH.search(parts.path))
