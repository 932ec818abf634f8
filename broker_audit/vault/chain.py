"""The sealed chain: how records, the head and the snapshot are bound to each other.

Each record n is sealed with AES-256-GCM under the data key, with (vault id, n, tag of record
n-1) as associated data, so any changed, removed or reordered record fails to verify. The sealed
head (record count, last tag, hash of the clear header, time of the last change) is rewritten in
the same SQLite transaction as every append, so a dropped tail or an edited key slot is caught
too. The snapshot of derived state is sealed with (vault id, n, tag of record n): it belongs to
exactly one point of exactly one history, and is used only where that point still exists.

From format 3 the snapshot is the root of a derived index kept in parts: each part is sealed with
(vault id, its kind, its key), and the root holds the tag of every part it stands for, so a part
that is damaged, swapped for another part or put back from an older state fails to match.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from broker_audit.errors import VaultCorrupt
from broker_audit.i18n import _
from broker_audit.vault import crypto
from broker_audit.vault.store import RESTORE_HINT, Header, Store

ZERO_TAG = bytes(crypto.TAG_BYTES)
_RECORD_AD = b"broker-audit record v1\x00"
_HEAD_AD_V1 = b"broker-audit head v1\x00"
_HEAD_AD = b"broker-audit head v2\x00"
_SNAPSHOT_AD = b"broker-audit snapshot v1\x00"
_PART_AD = b"broker-audit part v1\x00"
_PART = struct.Struct(">Iq")  # kind, key
_HEAD_V1 = struct.Struct(">Q16s32s")  # record count, last tag, header digest (format 1)
_HEAD = struct.Struct(">Q16s32sQ")  # ... and the time of the last change, unix seconds
_N = struct.Struct(">Q")


@dataclass(frozen=True)
class Head:
    """What the sealed head says: how many records, the last one's tag, when it last changed."""

    count: int
    last_tag: bytes
    changed_at: int = 0  # unix seconds; 0 if unknown (a vault from before format 2)


def record_ad(vault_id: bytes, n: int, prev_tag: bytes) -> bytes:
    return _RECORD_AD + vault_id + _N.pack(n) + prev_tag


def snapshot_ad(vault_id: bytes, n: int, tag: bytes) -> bytes:
    return _SNAPSHOT_AD + vault_id + _N.pack(n) + tag


def part_ad(vault_id: bytes, kind: int, key: int) -> bytes:
    return _PART_AD + vault_id + _PART.pack(kind, key)


def tag_of(sealed: bytes) -> bytes:
    return sealed[-crypto.TAG_BYTES :]


def seal_head(sealer: crypto.Sealer, header: Header, head: Head) -> tuple[bytes, bytes]:
    plain = _HEAD.pack(head.count, head.last_tag, header.digest(), head.changed_at)
    return sealer.seal(plain, _HEAD_AD + header.vault_id)


def read_head(store: Store, sealer: crypto.Sealer, header: Header) -> Head:
    """The sealed head, checked against the clear header (a format 1 head before migration)."""
    raw = store.read_head()
    try:
        if raw is None:
            raise crypto.InvalidTag()
        if header.format_version < 2:
            count, last_tag, digest = _HEAD_V1.unpack(
                sealer.open(raw[0], raw[1], _HEAD_AD_V1 + header.vault_id)
            )
            changed_at = 0
        else:
            plain = sealer.open(raw[0], raw[1], _HEAD_AD + header.vault_id)
            count, last_tag, digest, changed_at = _HEAD.unpack(plain)
    except (crypto.InvalidTag, struct.error):
        raise VaultCorrupt(_("the vault head is damaged or was changed"), RESTORE_HINT) from None
    if digest != header.digest():
        raise VaultCorrupt(_("the vault header does not match its sealed head"), RESTORE_HINT)
    return Head(count, last_tag, changed_at)


def walk(
    store: Store,
    sealer: crypto.Sealer,
    vault_id: bytes,
    after: int,
    prev: bytes,
    head: Head,
    *,
    to_head: bool = False,
) -> Iterator[tuple[int, bytes]]:
    """Verify records after+1 .. head.count, chained from `prev` (the tag of record `after`),
    and yield each (n, plaintext); the last must end at the head's tag. Names the first bad
    record in a VaultCorrupt. With `to_head`, rows after the head are not read (a writer's own
    rows before its commit); otherwise one is an error."""
    expected = after + 1
    count = head.count
    for n, nonce, sealed in store.iter_records(after, upto=count if to_head else None):
        if n < expected:
            raise VaultCorrupt(_("vault record {n} has no valid number").format(n=n), RESTORE_HINT)
        if n > expected and expected <= count:
            raise VaultCorrupt(
                _("vault record {expected} is missing or out of place").format(expected=expected),
                RESTORE_HINT,
            )
        if n > count:
            raise VaultCorrupt(_("vault record {n} lies beyond the sealed end").format(n=n), RESTORE_HINT)
        try:
            plain = sealer.open(nonce, sealed, record_ad(vault_id, n, prev))
        except crypto.InvalidTag:
            raise VaultCorrupt(
                _("vault record {n} is damaged, changed or out of place").format(n=n), RESTORE_HINT
            ) from None
        yield n, plain
        prev, expected = tag_of(sealed), expected + 1
    if expected <= count:
        raise VaultCorrupt(
            _("vault record {expected} is missing: the vault ends early").format(expected=expected),
            RESTORE_HINT,
        )
    if prev != head.last_tag:
        raise VaultCorrupt(
            _("vault record {count} does not match the sealed head").format(count=count), RESTORE_HINT
        )
