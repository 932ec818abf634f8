"""Creating the vault, the profile in it, and key management."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from broker_audit.errors import UserError
from broker_audit.i18n import N_
from broker_audit.profile import Profile, validate_profile
from broker_audit.services.access import VaultAccess, open_journal, open_vault, require_profile
from broker_audit.tracking.journal import AgentProfile, Journal, ProfileSet, Record, now
from broker_audit.tracking.records import agent_set


class InitResult(msgspec.Struct, frozen=True, kw_only=True):
    """The vault made: the data of `init --json`."""

    path: Path = msgspec.field(name="vault")
    slots: list[str]  # what unlocks it: keyring, passphrase, recovery
    recovery_key: str  # shown once


def init_vault(
    path: Path,
    profile: Profile | None,
    *,
    passphrase: str | None,
    use_keyring: bool,
    clinic: AgentProfile | None = None,
) -> InitResult:
    """Create the encrypted vault holding `profile` (an individual) and/or `clinic` (a clinic's
    vault, whose clients come with each batch); returns the one-time recovery key."""
    from broker_audit.vault.vault import Vault

    if profile is None and clinic is None:
        raise UserError("give a profile (or, for a clinic, the clinic's profile)")
    records: list[Record] = []
    if profile is not None:
        records.append(ProfileSet(profile=validate_profile(profile), recorded=now()))
    if clinic is not None:
        records.append(agent_set(clinic, now()))
    vault, recovery_key = Vault.create(path, passphrase=passphrase, use_keyring=use_keyring)
    try:
        Journal(vault).append(records)
        slots = vault.slots()
    finally:
        vault.close()
    return InitResult(path=path, slots=slots, recovery_key=recovery_key)


def show_profile(access: VaultAccess) -> Profile:
    with open_journal(access) as journal:
        return require_profile(journal)


@dataclass(frozen=True)
class ProfileChanges:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    other_names: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    state: str | None = None
    advertising_ids: list[str] | None = None
    licence_number: str | None = None
    # What letters to brokers with no known sales to government carry besides the name
    # (field names, vocabulary.IDENTITY_FIELDS); [] gives nothing but the name.
    disclose: list[str] | None = None
    replace_with: Profile | None = None


def edit_profile(access: VaultAccess, changes: ProfileChanges) -> Profile:
    """Record a new version of the profile (the old one stays in the append-only log)."""
    with open_journal(access) as journal, journal.write():  # changes apply to the latest profile
        if changes.replace_with is not None:
            profile = changes.replace_with
        else:
            profile = require_profile(journal)
            updates = {
                k: v
                for k, v in (
                    ("name", changes.name),
                    ("other_names", changes.other_names),
                    ("email", changes.email),
                    ("phone", changes.phone),
                    ("birth_date", changes.birth_date),
                    ("state", changes.state),
                    ("advertising_ids", changes.advertising_ids),
                    ("licence_number", changes.licence_number),
                    ("disclose", changes.disclose),
                )
                if v is not None
            }
            if not updates:
                raise UserError("nothing to change", "give at least one option, e.g. --email")
            profile = msgspec.structs.replace(profile, **updates)
        profile = validate_profile(profile)
        journal.append([ProfileSet(profile=profile, recorded=now())])
        return profile


class VerifyResult(msgspec.Struct, frozen=True, kw_only=True):
    """What `vault verify` checked, walking from the first record: the data of its `--json`."""

    records: int
    requests: int
    blobs: int = msgspec.field(name="attachments")
    chunks: int = msgspec.field(name="attachment_parts")
    index: str  # "matches the records", "rebuilt" (it did not), "built" (there was none)
    last_change: dt.datetime | None
    replies: int = 0  # each checked against its request (tracking/bindings.py)
    warnings: tuple[str, ...] = ()


def verify_vault(access: VaultAccess) -> VerifyResult:
    """The full walk: every record's seal and chain link from the first, the sealed head, every
    attachment chunk, every record readable by this version, each reply's binding to its
    request; then the derived index is compared, part by part, with an index built from every
    record, and rebuilt if it differs or a part of it is damaged, missing or left over (it is
    never trusted here). Any damage to the records, or a reply they misfile, raises VaultCorrupt
    naming the first."""
    from broker_audit.errors import VaultCorrupt
    from broker_audit.tracking.bindings import check_reply_bindings
    from broker_audit.tracking.index import RequestIndex

    vault = open_vault(access)
    try:
        journal = Journal(vault)  # the stored index, with the records after it applied (and written)
        index = journal.index
        assert index is not None
        report = vault.verify()
        bindings = check_reply_bindings(vault.iter_records(to_head=False))
        if bindings.problems:
            raise VaultCorrupt(
                f"the log misfiles a reply: {bindings.problems[0]}"
                + (f" (and {len(bindings.problems) - 1} more)" if len(bindings.problems) > 1 else ""),
                "the records are intact but say something false: restore a backup from before it, or keep "
                "this vault and check each request's replies with `broker-audit show ID`",
            )
        with vault.reading():
            truth = RequestIndex.empty(vault)
            truth.rebuild()
            problems = index.differences(truth)
            requests = truth.summary.requests
        if index.origin == "stored" and (problems or report.parts != index.part_count()):
            journal.rebuild_index()
            status = N_("rebuilt")
        else:
            status = {"stored": N_("matches the records"), "rebuilt": N_("rebuilt")}.get(
                index.origin, N_("built")
            )
        return VerifyResult(
            records=report.records,
            requests=requests,
            blobs=report.blobs,
            chunks=report.chunks,
            index=status,
            last_change=vault.info.last_change,
            replies=bindings.replies,
            warnings=tuple(bindings.warnings),
        )
    finally:
        vault.close()


def accept_vault(access: VaultAccess) -> bool:
    """Take an older or different copy of the vault as the one to go on with (it was read-only
    until now); False if it was neither."""
    vault = open_vault(access)
    try:
        return vault.accept()
    finally:
        vault.close()


def forget_vault(access: VaultAccess) -> Path:
    """Crypto-shred: destroy every key slot, then the file."""

    from broker_audit.errors import BrokerAuditError
    from broker_audit.services.mail import forget_mail_password

    vault = open_vault(access)
    with contextlib.suppress(BrokerAuditError):  # an unreadable record must not stop the shredding
        forget_mail_password(Journal(vault))  # the mail password in the keyring goes too
    vault.forget()
    return access.path


def change_passphrase(access: VaultAccess, new: Callable[[], str]) -> list[str]:
    """Unlock with the current key, then set the passphrase that `new` gives."""

    vault = open_vault(access)
    try:
        vault.change_passphrase(new())
        return vault.slots()
    finally:
        vault.close()
