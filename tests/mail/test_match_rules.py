"""The pure parts: whose domain a sender is, which request a message answers, what it says."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_audit.errors import VaultTooNew
from broker_audit.mail.match import Known, Senders, broker_senders, match_message
from broker_audit.mail.parse import ParsedMessage, parse_message, safe_name
from broker_audit.mail.rules import suggest_state
from broker_audit.registry.shared_hosts import shared_hosts
from broker_audit.tracking.journal import decode, encode
from broker_audit.tracking.mail_records import MailAccountSet


def test_a_broker_is_only_who_its_routes_name() -> None:
    shared = shared_hosts()
    lexis = broker_senders(
        [("email", "consumer.documents@lexisnexis.com"), ("web-form", "https://www.lexisnexis.com/optout")],
        shared,
    )
    assert lexis.domains == frozenset({"lexisnexis.com"}) and not lexis.addresses
    assert lexis.admit("privacy@lexisnexis.com") and lexis.admit("noreply@mail.lexisnexis.com")
    assert not lexis.admit("x@evillexisnexis.com")  # a suffix is not a subdomain
    assert not lexis.admit("x@lexisnexis.com.evil.example")
    # the website is not a route: risk.lexisnexis.com names nothing by itself
    assert broker_senders([("web-form", "https://risk.lexisnexis.com/x")], shared).domains == {
        "risk.lexisnexis.com"
    }
    # a desk on a shared helpdesk host and a gmail address: only those exact addresses
    fps = broker_senders([("email", "privacy@mtalley.zendesk.com")], shared)
    assert fps.domains == frozenset() and fps.addresses == {"privacy@mtalley.zendesk.com"}
    assert fps.admit("Privacy@MTalley.zendesk.com")
    assert not fps.admit("support@mtalley.zendesk.com") and not fps.admit("orders@shop.zendesk.com")
    jay = broker_senders([("email", "JayDunsing@gmail.com"), ("email", "gene-datatrue@att.net")], shared)
    assert jay.admit("jaydunsing@gmail.com") and jay.admit("gene-datatrue@att.net")
    assert not jay.admit("anyone@gmail.com") and not jay.admit("someone@att.net")
    # a form on a privacy platform names no domain at all
    assert broker_senders([("web-form", "https://privacyportal-cdn.onetrust.com/x")], shared) == Senders()


KNOWN = Known(
    references={"BA-ABCDEFGH": 1, "BA-JKMNPQRS": 2},
    message_ids={"<sent-1@example.org>": 1},
    broker_of={1: "lexis", 2: "acme"},
    senders={
        "lexis": Senders(frozenset({"lexisnexis.com"})),
        "acme": Senders(frozenset({"acme.example"})),
        "fps": Senders(addresses=frozenset({"privacy@fps.zendesk.com"})),
    },
    open_requests={"lexis": [1], "acme": [2, 3], "fps": [4]},
    own_addresses=frozenset({"me@example.org"}),
)


def _msg(
    sender: str,
    subject: str = "",
    text: str = "",
    in_reply_to: tuple[str, ...] = (),
    authentication: str = "pass",
) -> ParsedMessage:
    return ParsedMessage(
        from_addr=sender,
        from_domain=sender.rpartition("@")[2],
        to_addr="me@example.org",
        subject=subject,
        message_id="<x@y>",
        in_reply_to=in_reply_to,
        headers=(),
        text=text,
        authentication=authentication,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("message", "outcome", "request_id", "how"),
    [
        (_msg("a@lexisnexis.com", in_reply_to=("<sent-1@example.org>",)), "matched", 1, "message-id"),
        (_msg("a@mail.lexisnexis.com", subject="Re: (ref. BA-ABCDEFGH)"), "matched", 1, "reference"),
        (_msg("a@acme.example", text="your request BA-JKMNPQRS"), "matched", 2, "reference"),
        (_msg("a@lexisnexis.com", subject="hello"), "matched", 1, "domain"),  # one open request
        (_msg("a@acme.example", subject="hello"), "unmatched", None, ""),  # two open requests
        (_msg("a@evil.example", subject="ref. BA-ABCDEFGH"), "flagged", 1, "reference"),
        (_msg("a@acme.example", subject="ref. BA-ABCDEFGH"), "flagged", 1, "reference"),  # other broker
        (_msg("a@evil.example", subject="ref. BA-ZZZZZZZZ"), "ignored", None, ""),  # not ours
        (_msg("me@example.org", subject="ref. BA-ABCDEFGH"), "ignored", None, ""),  # our own copy
        (_msg("news@shop.example", subject="Sale"), "ignored", None, ""),
        (_msg("privacy@fps.zendesk.com", subject="Your ticket"), "matched", 4, "domain"),
        (_msg("orders@shop.zendesk.com", subject="Your order has shipped"), "ignored", None, ""),
        (_msg("anyone@gmail.com", subject="ref. BA-ABCDEFGH"), "flagged", 1, "reference"),
        (
            _msg("a@lexisnexis.com", subject="ref. BA-ABCDEFGH", authentication="fail"),
            "flagged",
            1,
            "reference",
        ),
    ],
)
def test_match(message: ParsedMessage, outcome: str, request_id: int | None, how: str) -> None:
    found = match_message(message, KNOWN)
    assert (found.outcome, found.request_id, found.matched_by) == (outcome, request_id, how)


def test_an_unauthenticated_match_is_stored_but_marked() -> None:
    found = match_message(_msg("a@lexisnexis.com", subject="ref. BA-ABCDEFGH", authentication="none"), KNOWN)
    assert found.outcome == "matched" and not found.authenticated
    assert match_message(_msg("a@lexisnexis.com", subject="ref. BA-ABCDEFGH"), KNOWN).authenticated


SERVER = "mx.example.org"
HEAD = "From: a@lexisnexis.com\r\nSubject: ref. BA-ABCDEFGH\r\nMessage-ID: <m@x>\r\n"


def _auth(*results: str) -> tuple[str, str]:
    raw = HEAD + "".join(f"Authentication-Results: {r}\r\n" for r in results) + "\r\nHi\r\n"
    parsed = parse_message(raw.encode(), authserv_id=SERVER)
    return parsed.authentication, parsed.auth_detail


@pytest.mark.parametrize(
    ("results", "verdict"),
    [
        # the receiving server says the sender is genuine
        ([f"{SERVER}; dmarc=pass header.from=lexisnexis.com"], "pass"),
        ([f"{SERVER}; spf=pass smtp.mailfrom=bounce@lexisnexis.com; dkim=none"], "pass"),
        ([f"{SERVER} 1; dkim=pass (2048-bit key) header.d=lexisnexis.com header.s=s1"], "pass"),
        ([f'{SERVER}; dkim/1 = pass header.i="@mail.lexisnexis.com"'], "pass"),
        # failures and their variants: none of them authenticates
        ([f"{SERVER}; dmarc=fail header.from=lexisnexis.com"], "fail"),
        ([f"{SERVER}; DMARC=FAIL (p=REJECT) header.from=lexisnexis.com"], "fail"),
        ([f"{SERVER};\r\n  dmarc = fail (as seen) header.from=lexisnexis.com"], "fail"),
        ([f"{SERVER}; dkim=pass header.d=lexisnexis.com; dmarc=fail"], "fail"),
        ([f"{SERVER}; dmarc=permerror header.from=lexisnexis.com"], "none"),
        ([f"{SERVER}; dmarc=temperror"], "none"),
        ([f"{SERVER}; dmarc=none; spf=softfail smtp.mailfrom=lexisnexis.com"], "none"),
        ([f"{SERVER}; dmarc=pass header.from=evil.example"], "none"),  # a pass, for another domain
        ([f"{SERVER}; dkim=pass header.d=evil.example"], "none"),  # signed, by someone else
        ([f"{SERVER}; spf=pass smtp.mailfrom=x@evil.example"], "none"),
        ([f"{SERVER}; (dmarc=pass) dkim=none"], "none"),  # a pass inside a comment
        ([f'{SERVER}; dkim=neutral reason="dmarc=pass"'], "none"),  # a pass inside a reason
        ([f"{SERVER}; x-dmarc=pass"], "none"),
        ([f"{SERVER}; none"], "none"),
        # a pass written by the sender, under another server's name or below ours
        (["mx.google.com; dmarc=pass header.from=lexisnexis.com"], "none"),
        (
            [
                f"{SERVER}; dmarc=fail header.from=lexisnexis.com",
                f"{SERVER}; dmarc=pass header.from=lexisnexis.com",
            ],
            "fail",
        ),
        ([f"{SERVER}.evil.example; dmarc=pass"], "none"),
        ([], "none"),
        ([f"{SERVER} 2; dmarc=pass"], "none"),  # a version this parser does not know
        ([f"{SERVER}; dmarc=pass header.from=lexisnexis.com ((((((((((x))))))))))"], "none"),
    ],
)
def test_authentication_results_per_rfc_8601(results: list[str], verdict: str) -> None:
    got, detail = _auth(*results)
    assert got == verdict, detail
    assert detail


def test_no_authserv_id_authenticates_nobody() -> None:
    raw = (HEAD + f"Authentication-Results: {SERVER}; dmarc=pass\r\n\r\nHi\r\n").encode()
    parsed = parse_message(raw)
    assert parsed.authentication == "none" and "no authserv-id" in parsed.auth_detail


def test_dmarc_failure_is_flagged() -> None:
    raw = (
        HEAD + f"Authentication-Results: {SERVER}; dmarc=fail header.from=lexisnexis.com\r\n\r\nHi\r\n"
    ).encode()
    found = match_message(parse_message(raw, authserv_id=SERVER), KNOWN)
    assert found.outcome == "flagged" and "found it forged" in found.reason


@pytest.mark.parametrize(
    ("subject", "text", "state"),
    [
        ("", "We have received your request and will respond shortly.", "acknowledged"),
        ("", "We received your request. To proceed, please verify your identity.", "needs-verification"),
        ("", "We need an additional 45 days to respond, as the law permits.", "extended"),
        ("", "Your request has been denied because the data is exempt from the act.", "denied"),
        ("", "Please find attached a copy of the personal information we hold.", "fulfilled"),
        ("", "We have deleted your personal information from our systems.", "fulfilled"),
        ("", "Hemos recibido su solicitud.", "acknowledged"),
        (
            "",
            "Necesitamos verificar su identidad: envíe una copia de su identificación.",
            "needs-verification",
        ),
        ("", "Tomaremos una prórroga de 45 días adicionales.", "extended"),
        ("", "Lamentamos informarle que su solicitud ha sido denegada.", "denied"),
        ("", "Hemos eliminado sus datos.", "fulfilled"),
        ("Weekly newsletter", "Big savings on everything.", ""),
    ],
)
def test_suggestions(subject: str, text: str, state: str) -> None:
    suggestion = suggest_state(subject, text)
    assert suggestion.state == state
    assert suggestion.reason  # always says why (or that nothing matched)


def test_safe_attachment_names() -> None:
    assert safe_name("../../etc/passwd", "x") == "passwd"
    assert safe_name("..\\..\\boot.ini", "x") == "boot.ini"
    assert safe_name(".bashrc", "x") == "bashrc"
    assert safe_name("", "attachment-1.pdf") == "attachment-1.pdf"
    assert "/" not in safe_name("a/b\x00c.pdf", "x")


def test_a_newer_record_version_is_refused() -> None:
    account = MailAccountSet(
        v=2,
        account_id="x",
        from_addr="me@example.org",
        smtp_host="smtp.example.org",
        smtp_port=465,
        smtp_security="tls",
        smtp_user="me@example.org",
        recorded=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(VaultTooNew, match="record 7 is a 'mail-account' record, version 2"):
        decode(7, encode(account))


@pytest.mark.parametrize("command", [["mail", "setup"], ["send"], ["inbox"], ["reply"], ["evidence"]])
def test_every_mail_command_has_help_with_an_example(command: list[str], cli: object) -> None:
    code, out, _ = cli([*command, "--help"])  # type: ignore[operator]
    assert code == 0 and "Example: broker-audit" in " ".join(out.split())
