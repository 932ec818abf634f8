"""A clinic client's id where the sheet gives none, as the vault stores it.

The intake's id (intake/rows.py `generated_id`) is a hash of name, birth date and ZIP: anyone who
can guess those three can compute it, and the id is written where names are not (the clinic's
due-date calendar, which is often synced to someone else's server; the work list; `.eml` file
names). So before a batch stores or writes one, it is keyed with a key derived from the vault's
own: the same person gets the same id in every batch of one vault, and no one without the vault
can tell whose id it is. A client already stored under the unkeyed id (a vault made before this
change) keeps it, so a repeat of their request is still found.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broker_audit.intake.model import Client, Intake
    from broker_audit.tracking.journal import Journal

_INFO = b"broker-audit client id v1"


def keyed_client_id(generated: str, key: bytes) -> str:
    """`generated` (the intake's unkeyed id) keyed with `key`: BLAKE2b keyed mode, 64 bits."""
    digest = hashlib.blake2b(
        generated.encode(), digest_size=8, key=key, person=b"broker-audit-cid"
    ).hexdigest()
    return "c-" + digest


def vault_client_ids(intake: Intake, journal: Journal) -> Intake:
    """`intake` with every generated client id keyed by `journal`'s vault (the sheet's own ids
    are kept as given)."""
    key = journal.vault.derived_key(_INFO)

    def keyed(client: Client) -> Client:
        if not client.id_generated or client.client_id in journal.clients:
            return client
        return dataclasses.replace(client, client_id=keyed_client_id(client.client_id, key))

    return dataclasses.replace(intake, clients=[keyed(c) for c in intake.clients])
