"""The clinic's view of what the brokers' answers disclosed, across clients: anonymised counts.

For each broker, how many clients' confirmed findings name a recipient of each kind (immigration
enforcement, law enforcement, government, ...) and each recipient the directory knows (an agency
or a broker of the registry: public bodies and companies, never a free-text name that could carry
personal data). A client counts once per cell however many answers say it. Counts under
`SUPPRESS_BELOW` are shown as "<5", so a small cell cannot single a client out. Only accepted
findings count. Kept apart from `bulk stats` (services/clinic.py) on purpose: its own function, its
own command (`bulk recipients`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from broker_audit.services.access import VaultAccess, open_journal
from broker_audit.services.findings import confirmed_findings

SUPPRESS_BELOW = 5
ALL_BROKERS = "any broker"


@dataclass(frozen=True)
class RecipientCounts:
    """Clients (not answers) per broker and recipient; small counts suppressed."""

    threshold: int
    clients: int | str  # clients with any confirmed recipient finding
    by_broker: dict[str, dict[str, int | str]]


def _shown(count: int, threshold: int) -> int | str:
    return count if count >= threshold else f"<{threshold}"


def recipient_counts(
    access: VaultAccess, *, names: dict[str, str] | None = None, threshold: int = SUPPRESS_BELOW
) -> RecipientCounts:
    """Anonymised counts of confirmed recipients across clients; `names` gives display names for
    matched keys (else the key, e.g. "agency:us-ice")."""
    names = names or {}
    cells: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    clients: set[str] = set()
    with open_journal(access) as journal:
        for current in confirmed_findings(journal):
            f = current.finding
            if f.kind != "recipient":
                continue
            request = journal.requests.get(current.request_id)
            if request is None or request.client_id is None or not request.broker_id:
                continue
            client = request.client_id
            clients.add(client)
            labels = [f"kind: {f.role or 'other'}"]
            if f.matched:
                labels.append(names.get(f.matched, f.matched))
            for broker in (request.broker_id, ALL_BROKERS):
                for label in labels:
                    cells[broker][label].add(client)
    by_broker = {
        broker: {label: _shown(len(ids), threshold) for label, ids in sorted(counts.items())}
        for broker, counts in sorted(cells.items(), key=lambda kv: (kv[0] == ALL_BROKERS, kv[0]))
    }
    return RecipientCounts(threshold, _shown(len(clients), threshold), by_broker)
