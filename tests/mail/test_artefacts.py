"""The letters folder and the files a user hands over cannot steer `reply --file` or `evidence`:
links, hard links and special files are refused by the one safe-read helper; a planted `replies/`
link is never followed; every text written into timeline.pdf and mailing-proof.txt is clean."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from conftest import TODAY, email_request
from pypdf import PdfReader

from broker_audit.errors import UserError
from broker_audit.files import UnsafeTarget
from broker_audit.services import VaultAccess, mark, open_journal
from broker_audit.services.evidence import write_evidence
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_reply_file_refuses_a_link_to_the_environment(access: VaultAccess, tmp_path: Path) -> None:
    letter = email_request(access, tmp_path)
    link = tmp_path / "reply.txt"
    link.symlink_to("/proc/self/environ")
    with pytest.raises(UserError, match="it is a symbolic link"):
        add_reply_file(access, letter.request_id, link, today=TODAY)
    real = tmp_path / "answer.txt"
    real.write_text("We have received your request.")
    os.link(real, tmp_path / "another-name.txt")
    with pytest.raises(UserError, match="hard links"):
        add_reply_file(access, letter.request_id, real, today=TODAY)
    with open_journal(access) as journal:
        assert not journal.replies


def test_evidence_copies_no_link_and_follows_no_planted_folder(access: VaultAccess, tmp_path: Path) -> None:
    letter = email_request(access, tmp_path)
    mark(access, letter.request_id, "sent", today=TODAY, via="email")
    answer = tmp_path / "answer.txt"
    answer.write_text("We have received your request.")
    add_reply_file(access, letter.request_id, answer, today=TODAY)
    secret = tmp_path / "secret.txt"
    secret.write_text("PASSPHRASE=correct horse battery staple")
    txt = next(f for f in letter.files if f.suffix == ".txt")
    txt.unlink()
    txt.symlink_to(secret)  # the letter's path now links to another file
    eml = next(f for f in letter.files if f.suffix == ".eml")
    eml.write_bytes(b"Cc: boss@attacker.example\r\n" + eml.read_bytes())
    packet = tmp_path / "packet"
    result = write_evidence(access, letter.request_id, out_dir=packet, today=TODAY, resources=Resources())
    assert any("it is a symbolic link" in why for why in result.missing)
    assert any(
        "is not the letter written (a Cc: header the letter did not have" in why for why in result.missing
    )
    for path in packet.rglob("*"):
        if path.is_file():
            assert b"correct horse" not in path.read_bytes() and b"attacker" not in path.read_bytes()
    # a `replies` link planted in a packet folder is refused, and nothing is written through it
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    again = tmp_path / "packet2"
    again.mkdir()
    (again / "replies").symlink_to(elsewhere)
    with pytest.raises(UnsafeTarget, match="it is a symbolic link"):
        write_evidence(access, letter.request_id, out_dir=again, today=TODAY, resources=Resources())
    assert list(elsewhere.iterdir()) == []


def test_control_characters_never_reach_the_packet(access: VaultAccess, tmp_path: Path) -> None:
    letter = email_request(access, tmp_path)
    hostile = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\u202egnp.exe\x9b31m\x00\x08"
    mark(access, letter.request_id, "sent", today=TODAY, via="email", tracking=f"T-{hostile}", note=hostile)
    answer = tmp_path / "answer.txt"
    answer.write_text(f"We have received your request. {hostile}")
    add_reply_file(access, letter.request_id, answer, today=TODAY, note=hostile)
    packet = tmp_path / "packet"
    write_evidence(access, letter.request_id, out_dir=packet, today=TODAY, resources=Resources())
    proof = (packet / "mailing-proof.txt").read_text()
    assert "click" in proof and "gnp.exe" in proof  # the words stay
    assert not CONTROLS.search(proof.replace("\n", "")), repr(proof)
    text = PdfReader(io.BytesIO((packet / "timeline.pdf").read_bytes())).pages[0].extract_text()
    assert "gnp.exe" in text and not CONTROLS.search(text.replace("\n", "")), repr(text)
