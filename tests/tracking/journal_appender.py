"""Child process for the index kill test: log requests and their status changes through the
journal forever (each append writes the index's parts and root with its records), printing
"request N" or "event N STATE" once each append has returned (so the parent may treat every
printed line as durable).

Usage: python journal_appender.py VAULT_PATH RECOVERY_KEY
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from broker_audit.tracking.journal import Journal, now
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import State
from broker_audit.vault.vault import Vault

DAY = dt.date(2026, 3, 2)


def request(request_id: int) -> RequestMade:
    return RequestMade(
        id=request_id,
        broker_id=f"broker-{request_id % 5}",
        broker_name="Broker",
        kind="access",
        law_id="co-cpa",
        law_name="Colorado Privacy Act",
        deadline_days=45,
        reference=f"BA-{request_id}",
        dated=DAY,
        created=now(),
    )


def main() -> None:
    journal = Journal(Vault.open(Path(sys.argv[1]), recovery_key=sys.argv[2]))
    print("ready", flush=True)
    while True:
        with journal.write():
            request_id = journal.next_request_id()
            if request_id % 3 == 0:  # two requests in one append now and then
                journal.append([request(request_id), request(request_id + 1)])
                print(f"request {request_id}\nrequest {request_id + 1}", flush=True)
            else:
                journal.append([request(request_id)])
                print(f"request {request_id}", flush=True)
        sent = StatusChanged(
            request_id=request_id,
            state=State.SENT,
            on=DAY + dt.timedelta(days=request_id % 30),
            via="mail",
            recorded=now(),
        )
        journal.append([sent])
        print(f"event {request_id} sent", flush=True)


if __name__ == "__main__":
    main()
