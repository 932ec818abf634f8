"""A clinic batch in stages (plan, write, log): each e-mail letter filled in once, a batch with
nothing new refused before anything is written, the options checked before the sheet is read."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from broker_audit.errors import UserError
from broker_audit.law.load import shipped_laws
from broker_audit.letters import render
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.batch import BatchOptions, choose, run_batch
from broker_audit.services.resources import Resources

from .test_batch_truth import MESSY, REGISTRY, TODAY, _batch, clinic  # noqa: F401  (the fixture)


def test_each_email_letter_is_filled_in_once_for_its_eml_and_its_work_list_page(
    clinic: VaultAccess,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parent fills in each e-mail letter for its `.eml` and hands that letter on to draw its
    work-list page; before, a worker filled it in a second time for the page. (A batch this small
    is drawn in this process, so every filling-in is counted here.)"""
    filled: collections.Counter[tuple[str, str]] = collections.Counter()
    real = render.render_letter

    def counted(kind: str, context: Any, **kw: Any) -> Any:
        filled[(kind, kw["reference"])] += 1
        return real(kind, context, **kw)

    monkeypatch.setattr(render, "render_letter", counted)
    result = _batch(clinic, tmp_path, ["emailonly"])
    assert result.by_channel == {"email": 8}
    letters = {ref: n for (kind, ref), n in filled.items() if kind == "access"}
    assert len(letters) == 8  # the fixture's eight good rows, one access letter each
    assert set(letters.values()) == {1}
    out = tmp_path / "out"
    worklist = "".join(
        p.extract_text() for p in PdfReader(str(out / f"{result.batch_id}-worklist.pdf")).pages
    )
    emls = sorted((out / f"{result.batch_id}-email").glob("*.eml"))
    assert len(emls) == 8
    for reference in letters:  # the page drawn is that letter: its reference is on it
        assert reference in worklist


def test_a_batch_with_nothing_new_is_refused_and_writes_and_logs_nothing(
    clinic: VaultAccess,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Run twice on the same sheet: the second run's every letter repeats an open request. It
    used to end in an unexpected error while joining an empty print PDF."""
    first = _batch(clinic, tmp_path, ["mailonly"])
    assert first.letters == 8
    with open_journal(clinic) as journal:
        requests = dict(journal.requests)
    again = tmp_path / "again"
    with pytest.raises(UserError, match=r"every letter of this batch repeats an open request \(8 letters\)"):
        run_batch(
            clinic,
            MESSY,
            BatchOptions(kinds=("access",), brokers=("mailonly",), workers=1),
            out_dir=again,
            today=TODAY,
            resources=Resources(registry=REGISTRY, laws=shipped_laws()),
        )
    assert not again.exists()
    with open_journal(clinic) as journal:
        assert dict(journal.requests) == requests


def test_options_are_checked_before_the_spreadsheet_is_read(tmp_path: Path) -> None:
    access = VaultAccess(path=tmp_path / "v.db", passphrase=lambda: "x", use_keyring=False)
    missing = tmp_path / "no-such.csv"
    with pytest.raises(UserError, match="--workers must be between 1 and 32, not 0"):
        run_batch(
            access,
            missing,
            BatchOptions(kinds=("access",), brokers=("mailonly",), workers=0),
            out_dir=tmp_path / "out",
            today=TODAY,
            resources=Resources(registry=REGISTRY, laws=shipped_laws()),
        )
    chosen = choose(BatchOptions(kinds=("access", "access", "delete"), brokers=("mailonly",)), REGISTRY)
    assert [k.id for k in chosen.letters] == ["access", "delete"]
    assert [b.id for b in chosen.brokers] == ["mailonly"]
    assert chosen.workers >= 1
