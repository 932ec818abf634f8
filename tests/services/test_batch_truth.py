"""A clinic batch whose papers say what happens: who sends its e-mails, addresses that fit the
window, labels and the certified-mail book, and what the dry run read from a messy sheet."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
from pathlib import Path

import msgspec
import pytest
from pypdf import PdfReader

from broker_audit.law.load import shipped_laws
from broker_audit.profile import AgentProfile
from broker_audit.registry.load import Registry, shipped_registry
from broker_audit.registry.schema import Postal, Route
from broker_audit.services.access import VaultAccess
from broker_audit.services.batch import BatchOptions, run_batch
from broker_audit.services.resources import Resources
from broker_audit.services.vaults import init_vault

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "fixtures" / "intake" / "messy-clients.csv"
TODAY = dt.date(2026, 11, 25)
CHECKED = dt.date(2026, 11, 1)
CLINIC = AgentProfile(
    organization="Centro Example Clinic",
    address=["27 West Colfax Avenue Suite 300", "Denver, CO 80202"],
    email="desk@clinic.example",
    reply_to="answers@clinic.example",
)
LEXISNEXIS = Postal(
    organization="LexisNexis Risk Solutions",
    attention="Consumer Center, Attn: California Consumer Privacy Act (CCPA) Request",
    street=["P.O. Box 105108"],
    city="Atlanta",
    state="GA",
    zip="30348-5295",
)


def _broker(broker_id: str, route: Route):  # type: ignore[no-untyped-def]
    base = shipped_registry().get("equifax")
    return msgspec.structs.replace(base, id=broker_id, name=broker_id.title(), legal_name="", routes=[route])


REGISTRY = Registry(
    (
        _broker(
            "mailonly",
            Route(
                channel="mail",
                postal=LEXISNEXIS,
                grade="primary",
                source="https://example.org/p",
                checked=CHECKED,
            ),
        ),
        _broker(
            "emailonly",
            Route(
                channel="email",
                value="privacy@broker.example",
                grade="primary",
                source="https://example.org/p",
                checked=CHECKED,
            ),
        ),
    )
)


@pytest.fixture
def clinic(tmp_path: Path) -> VaultAccess:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, None, passphrase="pass phrase", use_keyring=False, clinic=CLINIC)
    return access


def _batch(access: VaultAccess, tmp_path: Path, brokers: list[str], **kw: object):  # type: ignore[no-untyped-def]
    return run_batch(
        access,
        MESSY,
        BatchOptions(kinds=("access",), brokers=tuple(brokers), workers=1, **kw),  # type: ignore[arg-type]
        out_dir=tmp_path / "out",
        today=TODAY,
        resources=Resources(registry=REGISTRY, laws=shipped_laws()),
    )


def _emails(folder: Path) -> dict[str, email.message.EmailMessage]:
    out = {}
    for path in sorted(folder.rglob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        out[path.name] = msg  # type: ignore[assignment]
    return out


def test_who_sends_clinic_emails_come_from_its_mailbox_and_say_for_whom(
    clinic: VaultAccess, tmp_path: Path
) -> None:
    result = _batch(clinic, tmp_path, ["emailonly"], as_agent=True)
    assert result.by_channel == {"email": 8}
    emails = _emails(tmp_path / "out")
    assert len(emails) == 8
    for msg in emails.values():
        assert msg["From"].addresses[0].addr_spec == "desk@clinic.example"
        assert msg["From"].addresses[0].display_name == "Centro Example Clinic"
        assert msg["Reply-To"] == "answers@clinic.example"
        assert msg["Date"] and msg["Message-ID"]
    # Fatima lives in California, whose law lets an agent make an access request (11 CCR 7063)
    (fatima,) = [m for name, m in emails.items() if _client(clinic, name, "Fatima")]
    text = fatima.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith(
        "Centro Example Clinic sends this request on behalf of Fatima Ahmed, as Fatima Ahmed's "
        "authorized agent (11 CCR 7063(a)-(b)). The authorization is attached."
    )
    assert text.rstrip().endswith("Sent by Centro Example Clinic, authorized agent of Fatima Ahmed.")
    (authorization,) = list(fatima.iter_attachments())
    assert authorization.get_content_type() == "application/pdf"
    assert authorization.get_filename().startswith("authorization-BA-")
    # Carlos lives in Colorado, whose law gives an agent no access request; he has no e-mail address
    (carlos,) = [m for name, m in emails.items() if _client(clinic, name, "Carlos")]
    text = carlos.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith(
        "Centro Example Clinic sends this e-mail at the request of Carlos Pérez Núñez: the request below "
        "is Carlos Pérez Núñez's own."
    )
    assert text.rstrip().endswith("Sent at the request of Carlos Pérez Núñez by Centro Example Clinic.")
    assert list(carlos.iter_attachments()) == []


def _client(access: VaultAccess, file_name: str, first: str) -> bool:
    """Whether `file_name` is a file of the client named `first`, by the id the vault gave them."""
    from broker_audit.services.access import open_journal

    with open_journal(access) as journal:
        ids = {i for i, c in journal.clients.items() if c.profile.name.startswith(first)}
    return any(file_name.startswith(i) for i in ids)


def test_who_sends_without_a_clinic_mailbox_no_email_is_written(tmp_path: Path) -> None:
    from broker_audit.errors import UserError

    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(
        access.path,
        None,
        passphrase="pass phrase",
        use_keyring=False,
        clinic=msgspec.structs.replace(CLINIC, email=""),
    )
    with pytest.raises(UserError, match="no mailbox for the From:"):
        _batch(access, tmp_path, ["emailonly"])
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_addresses_that_fit_the_batch_prints_the_long_address_whole_and_the_book_names_each_envelopes_sender(
    clinic: VaultAccess, tmp_path: Path
) -> None:
    """Without --agent each letter is the client's own; to LexisNexis, which sells to immigration
    enforcement, it is minimal, so its return address is the client care of the clinic (never the
    client's home): the certified-mail book names that same return address, envelope by envelope."""
    result = _batch(clinic, tmp_path, ["mailonly"])
    assert result.by_channel == {"mail": 8} and result.notes == []
    out = tmp_path / "out"
    batch_pdf = PdfReader(str(out / f"{result.batch_id}.pdf"))
    letters = [p.extract_text() for p in batch_pdf.pages if "PO Box 105108" in p.extract_text()]
    assert len(letters) == 8
    assert all("(CCPA) Request" in t and "\u2026" not in t for t in letters)
    labels = "".join(p.extract_text() for p in PdfReader(str(out / f"{result.batch_id}-labels.pdf")).pages)
    assert labels.count("PO Box 105108") == 8 and "\u2026" not in labels
    with open(out / f"{result.batch_id}-certified-mail.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Line"] != "Total"]
    senders = {r["Sender (client)"]: r["Return address"] for r in rows}
    assert (
        senders["Rosa Elena Martínez Ortega"]
        == "Rosa Elena Martínez Ortega / c/o Centro Example Clinic / 27 West Colfax Avenue Suite 300 / "
        "Denver, CO 80202"
    )
    assert all("1550 Calle" not in r for r in senders.values())  # no client's home
    book = [p.extract_text() for p in PdfReader(str(out / f"{result.batch_id}-certified-mail.pdf")).pages]
    assert len(book) == 8  # one client's return address a page
    assert "Rosa Elena Martínez Ortega" in book[0] and "c/o Centro Example Clinic" in book[0]
    assert not any("1550 Calle" in page for page in book)
