"""The batch writers (batch PDF, labels, certified-mail list, rows to fix) never write through a
planted symbolic link and leave no temporary behind (issue 12, item 6). Their file names carry a
random batch id, so they are checked here, through the writers themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from broker_audit.files import UnsafeTarget
from broker_audit.intake import write_bad_rows_csv
from broker_audit.intake.model import BadRow
from broker_audit.letters.batch_pdf import write_batch_pdf, write_pdf_per_group
from broker_audit.letters.mailing import MailPiece, write_firm_mailing_list, write_labels_pdf

from .helpers import make_doc

ADDRESS = ("Equifax Privacy", "PO Box 105788", "Atlanta, GA 30348")
PIECE = MailPiece(reference="BA-1", request_id="1", recipient=ADDRESS, sender_name="A", kind="access")


def _writers(folder: Path) -> list[tuple[str, Callable[[Path], object]]]:
    return [
        ("B.pdf", lambda p: write_batch_pdf([make_doc()], p, workers=1)),
        ("B-labels.pdf", lambda p: write_labels_pdf([ADDRESS], p)),
        ("B-mail.pdf", lambda p: write_firm_mailing_list([PIECE], p, folder / "ok.csv")),
        ("B-mail.csv", lambda p: write_firm_mailing_list([PIECE], folder / "ok.pdf", p)),
        ("B-fix.csv", lambda p: write_bad_rows_csv([BadRow(row=2, reason="no name", raw={"a": "b"})], p)),
    ]


@pytest.mark.parametrize("index", range(5))
def test_batch_writers_refuse_a_planted_link(tmp_path: Path, index: int) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    name, write = _writers(out)[index]
    (out / name).symlink_to(victim)
    with pytest.raises(UnsafeTarget, match="symbolic link"):
        write(out / name)
    assert victim.read_text() == "precious"
    assert (out / name).is_symlink()
    assert not [p.name for p in out.iterdir() if ".ba-" in p.name]


def test_per_client_pdf_refuses_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "split"
    out.mkdir()
    (out / "C-001.pdf").symlink_to(victim)
    with pytest.raises(UnsafeTarget):
        write_pdf_per_group([("C-001", [make_doc()])], out, workers=1)
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["C-001.pdf"]
