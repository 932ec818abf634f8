"""Child process for the kill test: append records forever, printing each acknowledged number.

Usage: python vault_appender.py VAULT_PATH RECOVERY_KEY
Prints "ready" once the vault is open, then one record number per line, flushed, only after
append() has returned (so the parent may treat every printed number as durable).
"""

from __future__ import annotations

import sys
from pathlib import Path

from broker_audit.vault.vault import Vault


def payload(n: int) -> bytes:
    """The content of record n: long enough to span pages now and then."""
    return (f"record {n}:".encode() * (1 + n % 97))[: 40 + (n * 37) % 900]


def main() -> None:
    vault = Vault.open(Path(sys.argv[1]), recovery_key=sys.argv[2])
    expected = len(vault.records()) + 1
    print("ready", flush=True)
    while True:
        if expected % 5 == 0:
            numbers = vault.append_many([payload(expected), payload(expected + 1)])
        else:
            numbers = [vault.append(payload(expected))]
        assert numbers == list(range(expected, expected + len(numbers))), numbers
        for n in numbers:
            print(n, flush=True)
        expected += len(numbers)


if __name__ == "__main__":
    main()
