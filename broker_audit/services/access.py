"""How to find and unlock the vault, shared by every action."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import UserError, VaultNotFound
from broker_audit.i18n import _
from broker_audit.profile import Profile
from broker_audit.tracking.journal import Journal

if TYPE_CHECKING:
    from broker_audit.vault.vault import OpenInfo, Vault


@dataclass(frozen=True)
class VaultAccess:
    """How to find and unlock the vault. The passphrase is asked for only when needed.

    `on_unlock`, if given, receives what unlocking found (`OpenInfo`: "N records, last change
    DATE" and warnings such as "this vault is older than the one last seen here") once per
    unlock; the CLI shows it on stderr. Services never print it themselves.
    """

    path: Path
    passphrase: Callable[[], str] | None = None
    recovery_key: str | None = None
    use_keyring: bool = True
    on_unlock: Callable[[OpenInfo], None] | None = None


def vault_path(option: Path | None = None) -> Path:
    """`--vault`, then BROKER_AUDIT_VAULT, then the platform's user data folder."""
    if option is not None:
        return option.expanduser()
    env = os.environ.get("BROKER_AUDIT_VAULT")
    if env:
        return Path(env).expanduser()
    from broker_audit.vault.vault import default_vault_path

    return default_vault_path()


def open_vault(access: VaultAccess) -> Vault:
    """Unlock the vault; a missing one is named by its path (the vault's own errors never are)."""
    from broker_audit.vault.vault import Vault

    try:
        vault = Vault.open(
            access.path,
            passphrase=access.passphrase,
            recovery_key=access.recovery_key,
            use_keyring=access.use_keyring,
        )
    except VaultNotFound as exc:
        raise VaultNotFound(_("no vault at {path}").format(path=access.path), exc.hint) from None
    if access.on_unlock is not None:
        access.on_unlock(vault.info)
    return vault


@contextmanager
def open_journal(access: VaultAccess) -> Iterator[Journal]:
    """The unlocked vault's journal. A service that writes does so in `with journal.write():`,
    reading ids and current states inside that block (see tracking/journal.py)."""
    vault = open_vault(access)
    try:
        journal = Journal(vault)
        yield journal
        journal.save_index()  # an index rebuilt while reading is written, if no one else writes
    finally:
        vault.close()


def require_profile(journal: Journal) -> Profile:
    if journal.profile is None:
        if journal.agent is not None:  # a clinic's vault: its clients' letters come from a batch
            raise UserError(
                _("this vault is a clinic's: it holds the clinic's profile, not a person's"),
                _("write the clients' letters with `broker-audit bulk letters clients.csv`"),
            )
        raise UserError(
            _("the vault holds no profile yet"),
            _("set one with `broker-audit profile edit --from-file me.toml`"),
        )
    return journal.profile
