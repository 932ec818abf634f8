"""Build a clinic-sized vault fast, writing records straight through the vault's transactions.

    python bench/vaultgen.py PATH --requests 100000 [--passphrase P]

A clinic of N/20 clients, each sent 20 requests (10 brokers x access and delete) in batches of
5,000 requests, most of them marked sent and a share of those answered, denied or extended: the
shape of a vault after a few rounds of `bulk letters` and `bulk mark`. Records are encoded with
the journal's own types and appended in large transactions (no per-record lock and head), so
100,000 requests take seconds. The journal then builds the vault's derived index from them once
and writes it, as the first command would. Used by bench/bench_status.py, bench/bench_scale.py
and tests/vault/test_vault_scale.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path

BROKERS = [
    ("lexisnexis-risk-solutions", "LexisNexis Risk Solutions"),
    ("appriss-insights", "Appriss Insights"),
    ("thomson-reuters-clear", "Thomson Reuters CLEAR"),
    ("transunion", "TransUnion"),
    ("equifax", "Equifax"),
    ("experian", "Experian"),
    ("acxiom", "Acxiom"),
    ("spokeo", "Spokeo"),
    ("whitepages", "Whitepages"),
    ("intelius", "Intelius"),
]
KINDS = ("access", "delete")
PER_CLIENT = len(BROKERS) * len(KINDS)
BATCH_REQUESTS = 5_000
CHUNK_RECORDS = 20_000  # records per transaction


def records(requests: int, seed: int = 15) -> Iterator[object]:
    """The records of a clinic vault holding `requests` requests, in the order they are logged."""
    from broker_audit.profile import Address, Profile
    from broker_audit.tracking.journal import AgentProfile, AgentSet, BatchMade, ClientSet
    from broker_audit.tracking.model import RequestMade, StatusChanged
    from broker_audit.tracking.states import State

    rng = random.Random(seed)
    created = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)
    yield AgentSet(
        agent=AgentProfile(organization="Bench Legal Aid", address=["1 Main St", "Denver, CO 80204"]),
        recorded=created,
    )
    made = 0
    batch_no = 0
    while made < requests:
        batch_no += 1
        batch_id = f"B-20260302-{batch_no:06X}"
        dated = dt.date(2026, 3, 2) + dt.timedelta(days=7 * batch_no)
        first = made + 1
        in_batch = min(BATCH_REQUESTS, requests - made)
        events = []
        for offset in range(0, in_batch, PER_CLIENT):
            client = f"C{(made + offset) // PER_CLIENT + 1:06d}"
            yield ClientSet(
                client_id=client,
                profile=Profile(
                    name=f"Client {client}",
                    state="CO",
                    birth_date=dt.date(
                        1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)
                    ),
                    addresses=[
                        Address(line1=f"{rng.randrange(9999)} Elm St", city="Denver", state="CO", zip="80204")
                    ],
                ),
                language=rng.choice(("en", "es")),
                recorded=created,
            )
            for i in range(min(PER_CLIENT, in_batch - offset)):
                request_id = made + offset + i + 1
                broker_id, broker_name = BROKERS[(i // len(KINDS)) % len(BROKERS)]
                yield RequestMade(
                    id=request_id,
                    broker_id=broker_id,
                    broker_name=broker_name,
                    kind=KINDS[i % len(KINDS)],
                    law_id="co-cpa",
                    law_name="Colorado Privacy Act",
                    deadline_days=45,
                    extension_days=45,
                    appeal_days=45,
                    reference=f"BA-{request_id:08d}-{rng.randrange(16**6):06X}",
                    dated=dated,
                    created=created,
                    client_id=client,
                    batch_id=batch_id,
                )
                events.append(request_id)
        yield BatchMade(
            batch_id=batch_id,
            created=created,
            dated=dated,
            first_request=first,
            last_request=made + in_batch,
            clients=-(-in_batch // PER_CLIENT),
            brokers=[b for b, _ in BROKERS],
            kinds=list(KINDS),
        )
        made += in_batch
        sent_on = dated + dt.timedelta(days=1)
        for request_id in events:  # the evening's mailing: every letter sent
            yield StatusChanged(
                request_id=request_id, state=State.SENT, on=sent_on, via="mail", recorded=created
            )
        for request_id in events:  # a share answered
            roll = rng.random()
            later = sent_on + dt.timedelta(days=10 + rng.randrange(30))
            if roll < 0.3:
                yield StatusChanged(
                    request_id=request_id, state=State.ACKNOWLEDGED, on=later, recorded=created
                )
            elif roll < 0.45:
                yield StatusChanged(request_id=request_id, state=State.FULFILLED, on=later, recorded=created)
            elif roll < 0.5:
                yield StatusChanged(request_id=request_id, state=State.DENIED, on=later, recorded=created)
            elif roll < 0.55:
                yield StatusChanged(request_id=request_id, state=State.EXTENDED, on=later, recorded=created)


def build(path: Path, requests: int, *, passphrase: str = "bench passphrase", snapshot: bool = True) -> str:
    """Create the vault at `path` holding `requests` requests; returns its recovery key."""
    from broker_audit.tracking.journal import Journal, encode
    from broker_audit.vault.vault import Vault

    vault, recovery = Vault.create(path, passphrase=passphrase, use_keyring=False)
    try:
        pending: list[bytes] = []
        for record in records(requests):
            pending.append(encode(record))  # type: ignore[arg-type]
            if len(pending) >= CHUNK_RECORDS:
                vault.append_many(pending)
                pending = []
        if pending:
            vault.append_many(pending)
    finally:
        vault.close()
    if snapshot:  # build the index once and write it, as the first command does
        vault = Vault.open(path, recovery_key=recovery)
        try:
            Journal(vault)
        finally:
            vault.close()
    return recovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--passphrase", default="bench passphrase")
    args = parser.parse_args()
    start = time.perf_counter()
    build(args.path, args.requests, passphrase=args.passphrase)
    print(f"{args.requests} requests in {time.perf_counter() - start:.1f} s: {args.path}")


if __name__ == "__main__":
    main()
