"""Unlocking: which key slot the caller can open, and what a failure means.

The recovery key if given; else the keyring slot if usable and present; else the passphrase
(asked only after the slot's Argon2id cost was checked: a changed slot is refused before any
time or memory is spent, and before the user types anything).
"""

from __future__ import annotations

from collections.abc import Callable

from broker_audit.errors import VaultCorrupt, VaultError, VaultLocked
from broker_audit.i18n import N_, _
from broker_audit.vault import keys
from broker_audit.vault.keys import Slot
from broker_audit.vault.store import RESTORE_HINT, Header

UNLOCK_HINT = N_(
    "unlock it with your passphrase (asked, or BROKER_AUDIT_PASSPHRASE); if it is lost, "
    "`broker-audit vault passwd --recovery` sets a new one with the recovery key shown at init"
)


def is_legacy(slot: Slot) -> bool:
    try:
        return "v" not in slot.params_dict()
    except (ValueError, UnicodeError):
        return False


def unlock(
    header: Header,
    passphrase: Callable[[], str] | None,
    recovery_key: str | None,
    use_keyring: bool,
) -> tuple[bytes, str | None]:
    """Recover the data key from the first slot the caller can open; (key, the passphrase if
    one was typed)."""
    slots = {slot.kind: slot for slot in header.slots}
    vid = header.vault_id
    try:
        if recovery_key is not None:
            slot = slots.get("recovery")
            if slot is None:
                raise VaultLocked(_("this vault has no recovery key slot"), _(UNLOCK_HINT))
            try:
                wrap_key = keys.recovery_wrap_key(slot, recovery_key)
            except ValueError:
                raise VaultLocked(
                    _("that is not a well-formed recovery key"),
                    _("type the 32 characters shown at `broker-audit init` (hyphens optional)"),
                ) from None
            return _unwrap_or_locked(slot, vid, wrap_key, _("the recovery key does not fit this vault")), None
        if use_keyring and "keyring" in slots:
            secret = keys.keyring_fetch(vid)
            if secret is not None:
                try:
                    key = keys.unwrap(slots["keyring"], vid, keys.keyring_wrap_key(slots["keyring"], secret))
                    return key, None
                except keys.SlotUnwrapError:
                    pass  # a stale keyring entry: fall back to the passphrase
    except (KeyError, TypeError, ValueError):
        raise VaultCorrupt(_("a vault key slot is damaged"), _(RESTORE_HINT)) from None
    if passphrase is not None and "passphrase" in slots:
        slot = slots["passphrase"]
        try:
            keys.passphrase_cost(slot)  # before asking: a changed slot is refused, not derived
        except keys.SlotChanged as exc:
            raise VaultCorrupt(
                _("the vault's key slot was changed ({why})").format(why=exc), _(RESTORE_HINT)
            ) from None
        text = passphrase()
        try:
            wrap_key = keys.passphrase_wrap_key(slot, text)
        except MemoryError:
            raise VaultError(
                _("this computer cannot spare the memory the vault's passphrase needs"),
                _("close other programs and retry, or unlock with the recovery key"),
            ) from None
        return _unwrap_or_locked(slot, vid, wrap_key, _("wrong passphrase for this vault")), text
    if "keyring" in slots and "passphrase" not in slots:
        raise VaultLocked(
            _("the OS keyring did not give the vault key"),
            _("log in to the desktop session that holds the keyring, or use the recovery key"),
        )
    raise VaultLocked(_("no key was given that unlocks the vault"), _(UNLOCK_HINT))


def _unwrap_or_locked(slot: Slot, vault_id: bytes, wrap_key: bytes, message: str) -> bytes:
    try:
        return keys.unwrap(slot, vault_id, wrap_key)
    except keys.SlotUnwrapError:
        raise VaultLocked(message, _(UNLOCK_HINT)) from None
