"""A clinic client with no id in the sheet gets one the vault keys: it is stable across the
vault's batches (a repeat is still found), different in another vault, and never the unkeyed hash
of name, birth date and ZIP that anyone who can guess those three could compute, in any file the
batch writes or in the due-date calendar that is often synced to someone else's server."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker_audit.errors import UserError
from broker_audit.intake import read_clients
from broker_audit.services import batch as batch_module
from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.batch import BatchOptions, run_batch
from broker_audit.services.clinic import bulk_mark, clinic_rows, write_due_calendar, write_rows_csv
from broker_audit.services.resources import Resources
from broker_audit.services.vaults import init_vault
from tests.services.test_batch_truth import CLINIC, MESSY, REGISTRY, TODAY


def _vault(path: Path) -> VaultAccess:
    access = VaultAccess(path=path, passphrase=lambda: "pass phrase", use_keyring=False)
    init_vault(access.path, None, passphrase="pass phrase", use_keyring=False, clinic=CLINIC)
    return access


def _batch(access: VaultAccess, out: Path, **kw: object):  # type: ignore[no-untyped-def]
    return run_batch(
        access,
        MESSY,
        BatchOptions(kinds=("access",), brokers=("mailonly", "emailonly"), workers=1, **kw),  # type: ignore[arg-type]
        out_dir=out,
        today=TODAY,
        resources=Resources(registry=REGISTRY),
    )


def _stored_ids(access: VaultAccess) -> set[str]:
    with open_journal(access) as journal:
        return set(journal.clients)


UNKEYED = {c.client_id for c in read_clients(MESSY, today=TODAY).clients}


def test_no_file_the_batch_writes_holds_the_unkeyed_id(tmp_path: Path) -> None:
    access = _vault(tmp_path / "v.db")
    made = _batch(access, tmp_path / "out")
    stored = _stored_ids(access)
    assert len(stored) == len(UNKEYED) == 8 and not stored & UNKEYED
    assert bulk_mark(access, made.batch_id, "sent", on=TODAY, today=TODAY, via="mail").marked
    rows = clinic_rows(access, today=TODAY)
    assert write_due_calendar(rows, tmp_path / "due.ics", calendar_name="due") > 0
    write_rows_csv(rows, tmp_path / "status.csv")
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    written += [tmp_path / "due.ics", tmp_path / "status.csv"]
    # every name and every byte (the calendar's, the PDFs' and e-mails' too) is free of the hash
    everything = b"\n".join(p.name.encode() + b"\n" + p.read_bytes() for p in written).replace(b"\r\n ", b"")
    assert not [i for i in UNKEYED if i.encode() in everything]
    calendar = (tmp_path / "due.ics").read_bytes().replace(b"\r\n ", b"")  # unfolded
    assert all(i.encode() in calendar for i in stored)  # the keyed ids are what it names


def test_the_same_client_keeps_one_id_in_a_vault_and_another_in_another_vault(tmp_path: Path) -> None:
    first = _vault(tmp_path / "a.db")
    _batch(first, tmp_path / "a1")
    with pytest.raises(UserError, match=r"repeats an open request \(16 letters\)"):
        _batch(first, tmp_path / "a2")  # each client x broker found again by its id
    assert len(_stored_ids(first)) == 8
    other = _vault(tmp_path / "b.db")
    _batch(other, tmp_path / "b1")
    assert not _stored_ids(first) & _stored_ids(other)


def test_a_client_stored_under_the_unkeyed_id_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vault whose clients were stored before ids were keyed: their requests are still found."""
    access = _vault(tmp_path / "v.db")
    with monkeypatch.context() as before:
        before.setattr(batch_module, "vault_client_ids", lambda intake, journal: intake)
        _batch(access, tmp_path / "old")
    assert _stored_ids(access) == UNKEYED
    with pytest.raises(UserError, match=r"repeats an open request \(16 letters\)"):
        _batch(access, tmp_path / "new")
    assert _stored_ids(access) == UNKEYED
