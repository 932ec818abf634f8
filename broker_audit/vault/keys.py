"""Key slots: each wraps the vault's data key under a key from the keyring, a passphrase or a
recovery key.

A slot is (kind, params, wrapped). ``params`` is canonical JSON kept in the clear (KDF name, cost,
salt); ``wrapped`` is nonce + AES-256-GCM(data key) with the vault id, kind and params bound in as
associated data, so a slot cannot be moved to another vault or have its parameters swapped.

A passphrase slot's Argon2id cost is also checked before it is used: a version 2 slot (``"v": 2``,
written since vault format 2) must carry one of the costs this code writes
(`crypto.PASSPHRASE_COSTS`), and any slot's cost must lie within `crypto.ARGON2_LIMITS`. A slot
that fails either was changed (`SlotChanged`): it is refused before any memory or time is spent,
instead of deriving for minutes or reporting a wrong passphrase.

Only secure keyring backends count (an allowlist, checked by exact class). A backend that keeps
secrets in the clear (keyrings.alt), the fail and null backends, or a chainer without a secure
backend means "no keyring". Any exception from a keyring means "not available".
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

from broker_audit.i18n import _
from broker_audit.vault import crypto

KEYRING_SERVICE = "broker-audit"
SLOT_ORDER = ("keyring", "passphrase", "recovery")

SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
    }
)

_SLOT_AD = b"broker-audit slot v1\x00"
_RECOVERY_INFO = b"broker-audit recovery slot v1"
_KEYRING_INFO = b"broker-audit keyring slot v1"


class SlotUnwrapError(Exception):
    """The key offered does not open this slot (wrong key, or the slot was changed)."""


class SlotChanged(Exception):
    """The slot's parameters are not ones broker-audit writes: the slot was changed or damaged.

    The message says which part, never a value."""


@dataclass(frozen=True)
class Slot:
    """One key slot as stored in the vault header."""

    kind: str
    params: bytes
    wrapped: bytes

    def params_dict(self) -> dict[str, Any]:
        """The decoded parameters; raises ValueError if they are malformed."""
        value = json.loads(self.params.decode("ascii"))
        if not isinstance(value, dict):
            raise ValueError("slot parameters are not an object")
        return value


def _encode_params(params: dict[str, Any]) -> bytes:
    return json.dumps(params, sort_keys=True, separators=(",", ":")).encode("ascii")


def _ad(vault_id: bytes, kind: str, params: bytes) -> bytes:
    return _SLOT_AD + vault_id + kind.encode("ascii") + b"\x00" + params


def _wrap(vault_id: bytes, kind: str, params: dict[str, Any], wrap_key: bytes, data_key: bytes) -> Slot:
    encoded = _encode_params(params)
    nonce, sealed = crypto.Sealer(wrap_key).seal(data_key, _ad(vault_id, kind, encoded))
    return Slot(kind, encoded, nonce + sealed)


def unwrap(slot: Slot, vault_id: bytes, wrap_key: bytes) -> bytes:
    """Recover the data key from a slot; raises SlotUnwrapError if the key does not fit."""
    nonce, sealed = slot.wrapped[: crypto.NONCE_BYTES], slot.wrapped[crypto.NONCE_BYTES :]
    try:
        key = crypto.Sealer(wrap_key).open(nonce, sealed, _ad(vault_id, slot.kind, slot.params))
    except crypto.InvalidTag:
        raise SlotUnwrapError() from None
    if len(key) != crypto.KEY_BYTES:
        raise SlotUnwrapError()
    return key


# --- passphrase -----------------------------------------------------------------------------


PASSPHRASE_SLOT_VERSION = 2


def passphrase_slot(vault_id: bytes, data_key: bytes, passphrase: str) -> Slot:
    """A new (version 2) passphrase slot with a fresh salt and the current Argon2id cost."""
    cost = crypto.default_argon2_params()
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    params = {
        "kdf": "argon2id",
        "v": PASSPHRASE_SLOT_VERSION,
        "t": cost.t,
        "m_kib": cost.m_kib,
        "p": cost.p,
        "salt": salt.hex(),
    }
    return _wrap(vault_id, "passphrase", params, crypto.passphrase_key(passphrase, salt, cost), data_key)


def passphrase_cost(slot: Slot) -> tuple[crypto.Argon2Params, bytes]:
    """The checked (cost, salt) of a passphrase slot; SlotChanged if they cannot be trusted.

    Nothing is derived here: this is the check that runs before Argon2id does.
    """
    try:
        params = slot.params_dict()
    except (ValueError, UnicodeError):
        raise SlotChanged(_("its parameters are not readable")) from None
    if params.get("kdf") != "argon2id":
        raise SlotChanged(_("its key derivation is not Argon2id"))
    legacy = "v" not in params  # written before vault format 2: the cost is only bounded
    expected = {"kdf", "t", "m_kib", "p", "salt"} | (set() if legacy else {"v"})
    version_ok = legacy or (type(params["v"]) is int and params["v"] == PASSPHRASE_SLOT_VERSION)
    if set(params) != expected or not version_ok:
        raise SlotChanged(_("its parameters are not ones broker-audit writes"))
    values = [params["t"], params["m_kib"], params["p"]]
    if not all(type(v) is int for v in values) or not isinstance(params["salt"], str):
        raise SlotChanged(_("its parameters are not numbers"))
    try:
        salt = bytes.fromhex(params["salt"])
    except ValueError:
        raise SlotChanged(_("its salt is not readable")) from None
    if len(salt) != crypto.SALT_BYTES:
        raise SlotChanged(_("its salt has the wrong length"))
    cost = crypto.Argon2Params(t=values[0], m_kib=values[1], p=values[2])
    problem = crypto.argon2_params_problem(cost)
    if problem is not None:
        raise SlotChanged(problem)
    if not legacy and cost not in crypto.PASSPHRASE_COSTS:
        raise SlotChanged(_("its cost is not one broker-audit writes"))
    return cost, salt


def passphrase_wrap_key(slot: Slot, passphrase: str) -> bytes:
    """The wrap key for a passphrase slot, using the cost and salt stored in it (checked first).

    Raises SlotChanged for a cost or salt that cannot be trusted, MemoryError if this machine
    cannot spare the memory the (in-range) cost asks for.
    """
    cost, salt = passphrase_cost(slot)
    return crypto.passphrase_key(passphrase, salt, cost)


# --- recovery -------------------------------------------------------------------------------


def recovery_slot(vault_id: bytes, data_key: bytes) -> tuple[Slot, str]:
    """A new recovery slot and the recovery key text to show the user once."""
    text, raw = crypto.new_recovery_key()
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    params = {"kdf": "hkdf-sha256", "salt": salt.hex()}
    return _wrap(vault_id, "recovery", params, crypto.hkdf_key(raw, salt, _RECOVERY_INFO), data_key), text


def recovery_wrap_key(slot: Slot, recovery_key: str) -> bytes:
    """The wrap key for a recovery slot; ValueError if the text is not a recovery key."""
    raw = crypto.parse_recovery_key(recovery_key)
    params = slot.params_dict()
    if params.get("kdf") != "hkdf-sha256":
        raise ValueError("unknown recovery KDF")
    return crypto.hkdf_key(raw, bytes.fromhex(params["salt"]), _RECOVERY_INFO)


# --- keyring --------------------------------------------------------------------------------


def keyring_slot(vault_id: bytes, data_key: bytes, secret: bytes) -> Slot:
    """A keyring slot whose wrap key derives from `secret` (kept in the OS keyring)."""
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    params = {"kdf": "hkdf-sha256", "salt": salt.hex(), "service": KEYRING_SERVICE}
    return _wrap(vault_id, "keyring", params, crypto.hkdf_key(secret, salt, _KEYRING_INFO), data_key)


def keyring_wrap_key(slot: Slot, secret: bytes) -> bytes:
    """The wrap key for a keyring slot from the secret fetched from the keyring."""
    params = slot.params_dict()
    if params.get("kdf") != "hkdf-sha256":
        raise ValueError("unknown keyring KDF")
    return crypto.hkdf_key(secret, bytes.fromhex(params["salt"]), _KEYRING_INFO)


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def secure_backend() -> Any | None:
    """The secure keyring backend to use, or None. Never raises.

    A chainer is unwrapped and its highest-priority secure member is used directly, so a
    plaintext backend in the same chain can never receive the secret.
    """
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend

        chosen = keyring.get_keyring()
        candidates = list(chosen.backends) if isinstance(chosen, ChainerBackend) else [chosen]
        for backend in candidates:
            # `priority` raises for a backend that cannot run here (e.g. no D-Bus).
            if _backend_name(backend) in SECURE_BACKENDS and float(type(backend).priority) > 0:
                return backend
    except Exception:
        return None
    return None


def keyring_available() -> bool:
    """True if a secure OS keyring backend is usable now."""
    return secure_backend() is not None


def _username(vault_id: bytes, item: str = "") -> str:
    return vault_id.hex() + (f":{item}" if item else "")


LAST_SEEN_ITEM = "last-seen"
"""The keyring item (beside the key's) that remembers the last state of the vault seen here."""


def keyring_get_text(vault_id: bytes, item: str) -> str | None:
    """The text kept for this vault under `item` in a secure keyring, or None. Never raises."""
    backend = secure_backend()
    if backend is None:
        return None
    try:
        text = backend.get_password(KEYRING_SERVICE, _username(vault_id, item))
    except Exception:
        return None
    return text if isinstance(text, str) else None


def keyring_set_text(vault_id: bytes, item: str, text: str) -> bool:
    """Keep `text` for this vault under `item` in a secure keyring; True if it took it."""
    backend = secure_backend()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, _username(vault_id, item), text)
    except Exception:
        return False
    return True


def keyring_store(vault_id: bytes) -> bytes | None:
    """Store a fresh random secret for this vault in the keyring and read it back.

    Returns the secret, or None if no secure keyring took it.
    """
    backend = secure_backend()
    if backend is None:
        return None
    secret = crypto.new_key()
    text = base64.b64encode(secret).decode("ascii")
    try:
        backend.set_password(KEYRING_SERVICE, _username(vault_id), text)
        if backend.get_password(KEYRING_SERVICE, _username(vault_id)) != text:
            return None
    except Exception:
        return None
    return secret


def keyring_fetch(vault_id: bytes) -> bytes | None:
    """The secret stored for this vault, or None (no keyring, no entry, locked, any error)."""
    backend = secure_backend()
    if backend is None:
        return None
    try:
        text = backend.get_password(KEYRING_SERVICE, _username(vault_id))
        if text is None:
            return None
        secret = base64.b64decode(text, validate=True)
    except Exception:
        return None
    return secret if len(secret) == crypto.KEY_BYTES else None


def keyring_delete(vault_id: bytes, item: str = "") -> bool:
    """Delete this vault's keyring entry (or its `item`); True if it is gone (or was never there)."""
    backend = secure_backend()
    if backend is None:
        return False
    try:
        backend.delete_password(KEYRING_SERVICE, _username(vault_id, item))
    except Exception:
        try:
            return backend.get_password(KEYRING_SERVICE, _username(vault_id, item)) is None
        except Exception:
            return False
    return True
