"""`mail setup` (the password in a secure keyring only), `reply --file`, and clinic batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from clijson import data
from conftest import ROOT, TODAY, email_request
from keyring.backends import fail
from keyring_session import MemoryKeyring
from mailservers import PASSWORD, USER, SmtpServer, tiny_pdf

from broker_audit.errors import UserError
from broker_audit.mail.password import MAIL_KEYRING_SERVICE
from broker_audit.services import VaultAccess, open_journal
from broker_audit.services.mail import MailSettings, account_password, setup_mail
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources
from broker_audit.tracking.states import State
from broker_audit.vault import keys

# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

Runner = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def secure_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    monkeypatch.setattr(keys, "SECURE_BACKENDS", keys.SECURE_BACKENDS | {name})
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


SETTINGS = MailSettings("smtp.example.org", 465, "tls", USER, imap_host="imap.example.org")


def _no_prompt() -> str:
    raise AssertionError("the password was asked for")


def test_password_in_a_secure_keyring_and_gone_with_the_vault(
    access: VaultAccess, secure_keyring: MemoryKeyring
) -> None:
    result = setup_mail(access, SETTINGS, password=lambda: PASSWORD)
    assert result.password_in_keyring
    account_id = result.account.account_id
    assert secure_keyring.entries == {(MAIL_KEYRING_SERVICE, account_id): PASSWORD}
    with open_journal(access) as journal:
        account = journal.mail_account
        assert account is not None and account.password_in_keyring
        assert account_password(account, _no_prompt) == PASSWORD
    # the vault holds no password, even encrypted: the record has no such field
    assert "password" not in {f for f in type(account).__struct_fields__ if f != "password_in_keyring"}
    from broker_audit.services.vaults import forget_vault

    forget_vault(access)
    assert secure_keyring.entries == {}


def test_a_plaintext_keyring_counts_as_none(access: VaultAccess, tmp_path: Path) -> None:
    pytest.importorskip("keyrings.alt")
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "plaintext-keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        asked = []
        result = setup_mail(access, SETTINGS, password=lambda: asked.append(1) or PASSWORD)
        assert not result.password_in_keyring and asked == []  # not even asked: nowhere to keep it
        assert not (tmp_path / "plaintext-keyring.cfg").exists()
        with open_journal(access) as journal:
            assert journal.mail_account is not None
            assert account_password(journal.mail_account, lambda: "typed") == "typed"
    finally:
        keyring.set_keyring(previous if not isinstance(previous, fail.Keyring) else fail.Keyring())


def test_setup_refuses_bad_settings(access: VaultAccess) -> None:
    with pytest.raises(UserError, match="is not starttls or tls"):
        setup_mail(access, MailSettings("smtp.example.org", 25, "none", USER), password=lambda: "x")
    with pytest.raises(UserError, match="is not a host name"):
        setup_mail(access, MailSettings("smtp example", 465, "tls", USER), password=lambda: "x")
    with pytest.raises(UserError, match="give the address to send from"):
        setup_mail(access, MailSettings("smtp.example.org", 465, "tls", "login-name"), password=lambda: "x")


def test_reply_by_post_as_a_scan(access: VaultAccess, tmp_path: Path) -> None:
    letter = email_request(access, tmp_path)
    from broker_audit.services import mark

    mark(access, letter.request_id, "sent", today=TODAY, via="email")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(tiny_pdf("We deny your request"))
    added = add_reply_file(
        access, letter.request_id, scan, today=TODAY, on=TODAY, state="denied", note="came by post"
    )
    assert added.applied == "denied" and added.reply.attachments == (("scan.pdf", scan.stat().st_size),)
    with open_journal(access) as journal:
        view = journal.view(letter.request_id)
        assert view.state is State.DENIED and view.events[-1].reply_id == added.reply.reply_id
        (reply,) = journal.request_replies(letter.request_id)
        assert journal.read_payload(reply.original) == scan.read_bytes()
        assert (reply.source, reply.matched_by, reply.note) == ("file", "by hand", "came by post")
    # a saved email is read like one from the inbox, with a suggestion
    saved = tmp_path / "saved.eml"
    from mailservers import reply_message

    saved.write_bytes(
        reply_message(
            sender="privacy@lexisnexis.com",
            subject="Your request",
            body="Necesitamos verificar su identidad.",
            date=dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC),
        )
    )
    second = add_reply_file(access, letter.request_id, saved, today=TODAY)
    assert second.reply.suggested == "needs-verification" and second.applied == ""
    assert second.reply.from_addr == "privacy@lexisnexis.com"


def test_reply_file_refusals(access: VaultAccess, tmp_path: Path) -> None:
    letter = email_request(access, tmp_path)
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"not a jpeg")
    with pytest.raises(UserError, match="does not look like a JPG file"):
        add_reply_file(access, letter.request_id, fake, today=TODAY)
    doc = tmp_path / "answer.docx"
    doc.write_bytes(b"PK")
    with pytest.raises(UserError, match=r"a reply file is \.pdf, \.jpg, \.png, \.txt or \.eml"):
        add_reply_file(access, letter.request_id, doc, today=TODAY)
    text = tmp_path / "answer.txt"
    text.write_text("We have deleted your data.")
    with pytest.raises(UserError, match="cannot become fulfilled"):  # still drafted: nothing stored
        add_reply_file(access, letter.request_id, text, today=TODAY, state="fulfilled")
    with pytest.raises(UserError, match="is in the future"):
        add_reply_file(access, letter.request_id, text, today=TODAY, on=TODAY + dt.timedelta(days=1))
    with open_journal(access) as journal:
        assert not journal.replies


def test_clinic_batch_is_sent_only_with_batch(
    tmp_path: Path, cli: Runner, smtp_tls: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    assert cli(["init", "--passphrase", "--clinic", str(ROOT / "examples" / "clinic.toml")])[0] == 0
    code, out, err = cli(
        [
            "bulk",
            "letters",
            str(ROOT / "examples" / "clients.csv"),
            "--brokers",
            "venntel",
            "--kind",
            "access",
            "--out",
            str(tmp_path / "batch"),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(out)
    assert summary["by_channel"].get("email", 0) >= 1
    emails = summary["by_channel"]["email"]
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(
        [
            "mail",
            "setup",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(smtp_tls.port),
            "--smtp-security",
            "tls",
            "--smtp-user",
            USER,
            # the clinic's own address: a client's letter goes From it, never from another
            # client's (or a volunteer's) address the letter does not give
            "--from",
            "privacy-desk@example.org",
            "--cafile",
            str(smtp_tls.cafile),
        ]
    )
    assert code == 0, err
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes", "--pace", "0"])
    assert code == 0 and "No drafted email request to send." in out and smtp_tls.received == []
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, out, err = cli(["send", "--yes", "--pace", "0", "--batch", summary["batch"]])
    assert code == 0, err
    assert len(smtp_tls.received) == emails
    # Venntel's filing names privacy@venntel.com for "any requests related to the CCPA"
    assert {r.rcpt_tos[0] for r in smtp_tls.received} == {"privacy@venntel.com"}
    assert {r.mail_from for r in smtp_tls.received} == {"privacy-desk@example.org"}


def test_the_timeline_stays_on_one_page(access: VaultAccess, tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    from broker_audit.services import mark
    from broker_audit.services.evidence import write_evidence

    letter = email_request(access, tmp_path)
    mark(access, letter.request_id, "sent", today=TODAY, via="email")
    long_text = tmp_path / "long.txt"
    for n in range(45):  # 45 letters (the same file twice is refused: it is kept already)
        long_text.write_text(f"Letter {n}. " + "We have received your request and are reviewing it. " * 80)
        add_reply_file(access, letter.request_id, long_text, today=TODAY)
    result = write_evidence(
        access, letter.request_id, out_dir=tmp_path / "p", today=TODAY, resources=Resources()
    )
    reader = PdfReader(io.BytesIO((tmp_path / "p" / "timeline.pdf").read_bytes()))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "more events: see mailing-proof.txt and replies/" in text and "Reply #45" in text
    assert len([f for f in result.files if f.parent.name == "replies"]) == 45


def test_mail_state_survives_the_index(access: VaultAccess, tmp_path: Path) -> None:
    """The vault's derived index keeps the mail account, the emails sent and the replies."""
    letter = email_request(access, tmp_path)
    setup_mail(access, SETTINGS, password=lambda: PASSWORD, use_keyring=False)
    text = tmp_path / "answer.txt"
    text.write_text("We have received your request.")
    add_reply_file(access, letter.request_id, text, today=TODAY)
    with open_journal(access) as journal:
        assert journal.vault.snapshot_count == journal.vault.count  # read from the index alone
        assert journal.mail_account is not None and journal.mail_account.smtp_host == "smtp.example.org"
        (reply,) = journal.request_replies(letter.request_id)
        assert journal.read_payload(reply.original) == text.read_bytes()
