"""A vault with the demo profile, requests to brokers, and the answers of `docs.py` kept as replies."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from broker_audit.findings.ocr import OcrStatus, availability
from broker_audit.profile import load_profile_file
from broker_audit.services import VaultAccess
from broker_audit.services.letters import request_letters
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import mark
from broker_audit.services.vaults import init_vault

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.toml"
PASS = "correct horse battery staple"
TODAY = dt.date(2026, 11, 2)

NO_OCR = OcrStatus("", missing="Tesseract is not installed")


def ocr_or_skip() -> OcrStatus:
    status = availability()
    if not status.ready or not status.can_rasterise:
        pytest.skip(
            f"OCR is not installed here ({status.pdf_missing()}): "
            "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa (scripts/test.sh does as root)"
        )
    return status


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "vault" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", TODAY.isoformat())
    init_vault(path, load_profile_file(DEMO), passphrase=PASS, use_keyring=False)
    return path


@pytest.fixture
def access(vault_path: Path) -> VaultAccess:
    return VaultAccess(path=vault_path, passphrase=lambda: PASS, use_keyring=False)


Requester = Callable[..., int]


@pytest.fixture
def make_request(access: VaultAccess, tmp_path: Path) -> Requester:
    """`make_request(broker, kind, sent_on)`: a request logged and marked sent by mail."""

    def make(broker: str, kind: str = "access", sent_on: dt.date = dt.date(2026, 1, 5)) -> int:
        result = request_letters(
            access,
            [broker],
            [kind],
            out_dir=tmp_path / "letters",
            today=sent_on,
            resources=Resources(),
            formats=["txt"],
            again=True,  # a test may ask the same broker twice (a yearly access request)
        )
        (letter,) = result.letters
        request_id = letter.request_id
        channel = letter.channel
        mark(access, request_id, "sent", on=sent_on, via=channel, today=TODAY)
        return request_id

    return make


def keep_reply(access: VaultAccess, request_id: int, path: Path, on: dt.date) -> int:
    added = add_reply_file(access, request_id, path, today=TODAY, on=on)
    return added.reply.reply_id
