"""The pure parts: whose domain a sender is, which request a message answers, what it says."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_audit.errors import VaultTooNew
from broker_audit.mail.match import Known, broker_domains, domain_belongs, match_message, registrable
from broker_audit.mail.parse import ParsedMessage, parse_message, safe_name
from broker_audit.mail.rules import suggest_state
from broker_audit.tracking.journal import decode, encode
from broker_audit.tracking.mail_records import MailAccountSet


def test_domains() -> None:
    assert registrable("risk.lexisnexis.com") == "lexisnexis.com"
    assert registrable("mail.example.co.uk") == "example.co.uk"
    domains = broker_domains(["consumer.documents@lexisnexis.com"], "https://risk.lexisnexis.com/x")
    assert domains == frozenset({"lexisnexis.com"})
    assert domain_belongs("privacy.lexisnexis.com", domains)
    assert not domain_belongs("evillexisnexis.com", domains)  # a suffix is not a subdomain
    assert not domain_belongs("lexisnexis.com.evil.example", domains)


KNOWN = Known(
    references={"BA-ABCDEFGH": 1, "BA-JKMNPQRS": 2},
    message_ids={"<sent-1@example.org>": 1},
    broker_of={1: "lexis", 2: "acme"},
    domains={"lexis": frozenset({"lexisnexis.com"}), "acme": frozenset({"acme.example"})},
    open_requests={"lexis": [1], "acme": [2, 3]},
    own_addresses=frozenset({"me@example.org"}),
)


def _msg(sender: str, subject: str = "", text: str = "", in_reply_to: tuple[str, ...] = ()) -> ParsedMessage:
    return ParsedMessage(
        from_addr=sender,
        from_domain=sender.rpartition("@")[2],
        to_addr="me@example.org",
        subject=subject,
        message_id="<x@y>",
        in_reply_to=in_reply_to,
        headers=(),
        text=text,
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
    ],
)
def test_match(message: ParsedMessage, outcome: str, request_id: int | None, how: str) -> None:
    found = match_message(message, KNOWN)
    assert (found.outcome, found.request_id, found.matched_by) == (outcome, request_id, how)


def test_dmarc_failure_is_flagged() -> None:
    raw = (
        b"From: a@lexisnexis.com\r\nSubject: ref. BA-ABCDEFGH\r\nMessage-ID: <m@x>\r\n"
        b"Authentication-Results: mx.example.org; dmarc=fail header.from=lexisnexis.com\r\n\r\nHi\r\n"
    )
    found = match_message(parse_message(raw), KNOWN)
    assert found.outcome == "flagged" and "fails DMARC" in found.reason


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
