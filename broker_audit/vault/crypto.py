"""Sealing and key derivation for the vault: AES-256-GCM, Argon2id, HKDF-SHA256.

Everything here comes from `cryptography`; nothing is home-made except the encoding of the
recovery key (Crockford base32 in readable groups).

New passphrase slots use Argon2id t=3, m=64 MiB, p=4 (`PASSPHRASE_COSTS[0]`). There is no switch
to weaken it: the test suite replaces these constants in its own conftest (and, for the
processes it starts, in a sitecustomize on its own path), never through the shipped code.
Costs read from a vault are checked against `ARGON2_LIMITS` before anything is derived.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from broker_audit.i18n import _

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
SALT_BYTES = 16
RECOVERY_BYTES = 20  # 160 bits -> 32 Crockford base32 characters, 8 groups of 4

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_READ = {c: i for i, c in enumerate(_CROCKFORD)} | {"O": 0, "I": 1, "L": 1}

__all__ = ["InvalidTag"]


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost: iterations, memory in KiB, lanes."""

    t: int
    m_kib: int
    p: int


STRONG_ARGON2 = Argon2Params(t=3, m_kib=64 * 1024, p=4)
PASSPHRASE_COSTS: tuple[Argon2Params, ...] = (STRONG_ARGON2,)
"""Every cost a (version 2) passphrase slot may carry; new slots get the first. A slot whose
cost is not listed here was changed, and is refused before anything is derived. A future,
stronger cost is added in front, never in place of one that vaults already use."""


@dataclass(frozen=True)
class Argon2Limits:
    """What a cost read from a vault may be before we spend time or memory on it."""

    max_t: int = 10
    max_m_kib: int = 1024 * 1024  # 1 GiB
    max_p: int = 16
    max_work_kib: int = 8 * 1024 * 1024  # t * m: about 8 passes over 1 GiB (a few seconds)


ARGON2_LIMITS = Argon2Limits()


def argon2_params_problem(params: Argon2Params) -> str | None:
    """Why `params` must not be used, or None if they are within `ARGON2_LIMITS`."""
    limits = ARGON2_LIMITS
    if not 1 <= params.t <= limits.max_t:
        return _("its time cost is out of range")
    if not 1 <= params.p <= limits.max_p:
        return _("its parallelism is out of range")
    if not 8 * params.p <= params.m_kib <= limits.max_m_kib:
        return _("its memory cost is out of range")
    if params.t * params.m_kib > limits.max_work_kib:
        return _("its total cost is out of range")
    return None


def default_argon2_params() -> Argon2Params:
    """The Argon2id cost for new passphrase slots."""
    return PASSPHRASE_COSTS[0]


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


class Sealer:
    """AES-256-GCM with one key; each seal uses a fresh random 96-bit nonce."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a vault key is 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
        """Return (nonce, ciphertext+tag)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plaintext, ad)

    def open(self, nonce: bytes, sealed: bytes, ad: bytes) -> bytes:
        """Decrypt and authenticate; raises `InvalidTag` on any mismatch."""
        if len(nonce) != NONCE_BYTES or len(sealed) < TAG_BYTES:
            raise InvalidTag()
        return self._aead.decrypt(nonce, sealed, ad)


def passphrase_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """Derive a 256-bit wrap key from a passphrase (NFC-normalised UTF-8) with Argon2id.

    Raises ValueError for a cost outside `ARGON2_LIMITS` (checked first, so a changed cost can
    neither exhaust memory nor hang) and MemoryError if this machine cannot spare the memory.
    """
    problem = argon2_params_problem(params)
    if problem is not None:
        raise ValueError(problem)
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.t,
        lanes=params.p,
        memory_cost=params.m_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def hkdf_key(secret: bytes, salt: bytes, info: bytes) -> bytes:
    """Derive a 256-bit key from high-entropy secret material with HKDF-SHA256."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(secret)


def new_recovery_key() -> tuple[str, bytes]:
    """A random 160-bit recovery key: (text shown to the user, raw bytes)."""
    raw = secrets.token_bytes(RECOVERY_BYTES)
    return format_recovery_key(raw), raw


def format_recovery_key(raw: bytes) -> str:
    """Crockford base32, upper case, groups of four joined by hyphens."""
    number = int.from_bytes(raw, "big")
    chars = len(raw) * 8 // 5
    text = "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(chars)))
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key typed by a person (case, spaces, hyphens, O/I/L forgiven).

    Raises ValueError (without echoing the input) if it is not a well-formed key.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(cleaned) != RECOVERY_BYTES * 8 // 5:
        raise ValueError("a recovery key has 32 characters")
    number = 0
    for ch in cleaned:
        value = _CROCKFORD_READ.get(ch)
        if value is None:
            raise ValueError("a recovery key uses only Crockford base32 characters")
        number = (number << 5) | value
    return number.to_bytes(RECOVERY_BYTES, "big")
