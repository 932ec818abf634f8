"""Was the sender authenticated? The receiving mail server's `Authentication-Results` (RFC 8601).

Anyone can write `From: privacy@lexisnexis.com`, and anyone can write an `Authentication-Results:`
header into the message they send. Only the header that the user's own mail server adds is
evidence: it starts with that server's authserv-id (the account's `authserv_id`, e.g.
`mx.google.com`), and the server adds it above every header the message arrived with. So only the
topmost header with that id is read; every other one is ignored, whatever it says.

The header is parsed by the RFC 8601 grammar, not searched for a substring: comments (`(...)`) are
dropped wherever CFWS may stand, keywords are compared without regard to case, a method may carry
a version (`dkim/1`), results are split at `;` outside quoted strings, and a property's value may
be a quoted string. The sender counts as authenticated when that header says:

- `dmarc=pass` (and, when it names it, `header.from` is the From domain); or, when DMARC did not
  fail,
- `dkim=pass` with a signing domain (`header.d`) aligned with the From domain (the same, or one a
  subdomain of the other), or
- `spf=pass` with an envelope sender (`smtp.mailfrom`) whose domain is so aligned.

`dmarc=fail` is a forgery the server saw ("fail"); anything else (no header from that server, `none`,
`temperror`, `permerror`, `neutral`, a pass for another domain) is "none": not authenticated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["pass", "fail", "none"]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[;=]|[^\s;="()]+')
_MAX_COMMENT_DEPTH = 8


@dataclass(frozen=True)
class ResInfo:
    method: str  # lower case, without a version: "dmarc", "dkim", "spf"
    result: str  # lower case: "pass", "fail", ...
    props: dict[str, str] = field(default_factory=dict)  # "header.from" -> value (lower case)


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # lower case
    results: tuple[ResInfo, ...]


@dataclass(frozen=True)
class Authentication:
    verdict: Verdict
    detail: str  # what was found, in a few words (for show, the timeline and the refusal)


def _strip_comments(value: str) -> str | None:
    """`value` with its comments replaced by a space (quoted strings kept as they are); None if
    the comments nest too deeply or never close."""
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
            continue
        if quoted:
            quoted = char != '"'
            out.append(char)
            continue
        if char == "(":
            depth += 1
            if depth > _MAX_COMMENT_DEPTH:
                return None
            out.append(" ")
            continue
        if char == ")" and depth:
            depth -= 1
            continue
        if depth:
            continue
        if char == '"':
            quoted = True
        out.append(char)
    return None if depth or quoted else "".join(out)


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def parse_auth_results(value: str) -> AuthResults | None:
    """One `Authentication-Results` header value, or None when it is not one (RFC 8601 §2.2)."""
    text = _strip_comments(value)
    if text is None:
        return None
    tokens = _TOKEN.findall(text)
    if not tokens or tokens[0] in (";", "="):
        return None
    authserv_id = _unquote(tokens[0]).lower()
    rest = tokens[1:]
    if rest and rest[0].isdigit():  # authres-version
        if rest[0] != "1":
            return None  # a version this parser does not know: read nothing from it
        rest = rest[1:]
    if not rest or rest[0] != ";":
        return None
    groups: list[list[str]] = []
    for token in rest:
        if token == ";":
            groups.append([])
        else:
            groups[-1].append(token)
    if len(groups) == 1 and [t.lower() for t in groups[0]] == ["none"]:
        return AuthResults(authserv_id, ())
    results = []
    for group in groups:
        info = _resinfo(group)
        if info is None:
            return None  # a malformed result: trust nothing in this header
        results.append(info)
    return AuthResults(authserv_id, tuple(results))


def _resinfo(tokens: list[str]) -> ResInfo | None:
    """`method[/version] = result [reason=value] [ptype.property=value ...]`."""
    if "=" not in tokens:
        return None
    at = tokens.index("=")
    method = "".join(tokens[:at]).lower()  # "dkim / 1" was split by the spaces
    method = method.split("/", 1)[0]
    if not re.fullmatch(r"[a-z][a-z0-9-]*", method) or at + 1 >= len(tokens):
        return None
    result = tokens[at + 1].lower()
    if not re.fullmatch(r"[a-z][a-z0-9-]*", result):
        return None
    props: dict[str, str] = {}
    rest = tokens[at + 2 :]
    while rest:
        if "=" not in rest:
            return None
        eq = rest.index("=")
        key = "".join(rest[:eq]).lower()
        if eq + 1 >= len(rest) or rest[eq + 1] == "=":
            return None
        value = _unquote(rest[eq + 1]).lower()
        if key != "reason" and not re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9_\-.]+", key):
            return None
        props.setdefault(key, value)
        rest = rest[eq + 2 :]
    return ResInfo(method, result, props)


def _aligned(domain: str, from_domain: str) -> bool:
    domain, from_domain = domain.strip(".").lower(), from_domain.strip(".").lower()
    if not domain or not from_domain or "." not in domain:
        return False
    return domain == from_domain or from_domain.endswith("." + domain) or domain.endswith("." + from_domain)


def _domain_of(value: str) -> str:
    return value.rpartition("@")[2].strip("<>").strip(".").lower()


def authenticate(header_values: Iterable[str], authserv_id: str, from_domain: str) -> Authentication:
    """What the user's own mail server (`authserv_id`) found about the sender of a message whose
    `Authentication-Results` headers are `header_values`, topmost first."""
    wanted = authserv_id.strip().lower()
    if not wanted:
        return Authentication("none", "no authserv-id set for your mailbox: no sender is authenticated")
    own = _own_results(header_values, wanted)
    if isinstance(own, Authentication):
        return own
    by_method: dict[str, list[ResInfo]] = {}
    for info in own.results:
        by_method.setdefault(info.method, []).append(info)
    dmarc = by_method.get("dmarc", [])
    if any(i.result == "fail" for i in dmarc):
        return Authentication("fail", f"{wanted}: dmarc=fail for {from_domain or 'the sender'}")
    passed = _passed(wanted, by_method, from_domain)
    if passed is not None:
        return passed
    found = ", ".join(f"{i.method}={i.result}" for i in own.results) or "none"
    return Authentication("none", f"{wanted}: {found}; nothing authenticates {from_domain or 'the sender'}")


def _own_results(header_values: Iterable[str], wanted: str) -> AuthResults | Authentication:
    """The topmost Authentication-Results of the server `wanted`, or why there is none to read
    (every other header is ignored, whatever it says)."""
    for value in header_values:
        parsed = parse_auth_results(value)
        if parsed is not None and parsed.authserv_id == wanted:
            return parsed
        if parsed is None and value.strip().lower().startswith(wanted):
            return Authentication("none", f"the Authentication-Results of {wanted} could not be read")
    return Authentication("none", f"no Authentication-Results from {wanted}")


def _passed(wanted: str, by_method: dict[str, list[ResInfo]], from_domain: str) -> Authentication | None:
    """A pass for the From domain: dmarc (for it, when the result names a header.from), else dkim
    signed by an aligned domain, else spf for an aligned envelope sender; None without one."""
    for info in by_method.get("dmarc", []):
        named = info.props.get("header.from", "")
        if info.result == "pass" and (not named or _domain_of(named) == from_domain):
            return Authentication("pass", f"{wanted}: dmarc=pass for {from_domain}")
    for info in by_method.get("dkim", []):
        signer = info.props.get("header.d") or _domain_of(info.props.get("header.i", ""))
        if info.result == "pass" and _aligned(signer, from_domain):
            return Authentication("pass", f"{wanted}: dkim=pass, signed by {signer}")
    for info in by_method.get("spf", []):
        envelope = _domain_of(info.props.get("smtp.mailfrom", ""))
        if info.result == "pass" and _aligned(envelope, from_domain):
            return Authentication("pass", f"{wanted}: spf=pass for {envelope}")
    return None
