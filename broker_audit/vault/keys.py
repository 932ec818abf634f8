"""Key slots: each wraps the vault's data key under a key from the keyring, a passphrase or a
recovery key.

A slot is (kind, params, wrapped). ``params`` is canonical JSON kept in the clear (KDF name, cost,
salt); ``wrapped`` is nonce + AES-256-GCM(data key) with the vault id, kind and params bound in as
associated data, so a slot cannot be moved to another vault or have its parameters swapped.

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


def passphrase_slot(vault_id: bytes, data_key: bytes, passphrase: str) -> Slot:
    """A new passphrase slot with a fresh salt and the default Argon2id cost."""
    cost = crypto.default_argon2_params()
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    params = {"kdf": "argon2id", "t": cost.t, "m_kib": cost.m_kib, "p": cost.p, "salt": salt.hex()}
    return _wrap(vault_id, "passphrase", params, crypto.passphrase_key(passphrase, salt, cost), data_key)


def passphrase_wrap_key(slot: Slot, passphrase: str) -> bytes:
    """The wrap key for a passphrase slot, using the cost and salt stored in it."""
    params = slot.params_dict()
    if params.get("kdf") != "argon2id":
        raise ValueError("unknown passphrase KDF")
    cost = crypto.Argon2Params(t=int(params["t"]), m_kib=int(params["m_kib"]), p=int(params["p"]))
    return crypto.passphrase_key(passphrase, bytes.fromhex(params["salt"]), cost)


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


def _username(vault_id: bytes) -> str:
    return vault_id.hex()


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


def keyring_delete(vault_id: bytes) -> bool:
    """Delete this vault's keyring entry; True if it is gone (or was never there)."""
    backend = secure_backend()
    if backend is None:
        return False
    try:
        backend.delete_password(KEYRING_SERVICE, _username(vault_id))
    except Exception:
        try:
            return backend.get_password(KEYRING_SERVICE, _username(vault_id)) is None
        except Exception:
            return False
    return True
