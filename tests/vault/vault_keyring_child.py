"""Child process for the real-keyring tests (runs against a private D-Bus + gnome-keyring).

Usage: python vault_keyring_child.py COMMAND [ARG]
  available         print keyring_available() and the backend class that will hold secrets
  create PATH       create a vault with the keyring slot and no passphrase; append two records
  open PATH         open with the keyring only (a passphrase prompt would fail); print records
  forget PATH       open with the keyring and forget the vault
  peek VAULT_ID     print whether the Secret Service holds an entry for that vault (not the value)
"""

from __future__ import annotations

import sys
from pathlib import Path

from broker_audit.vault import keys
from broker_audit.vault.vault import Vault


def _no_prompt() -> str:
    raise SystemExit("the passphrase was asked for")


def main() -> None:
    command, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    if command == "available":
        backend = keys.secure_backend()
        print(keys.keyring_available(), type(backend).__module__ if backend else None)
    elif command == "create":
        vault, _ = Vault.create(Path(arg), passphrase=None, use_keyring=True)
        vault.append_many([b"one", b"two"])
        print(",".join(vault.slots()))
        vault.close()
    elif command == "open":
        vault = Vault.open(Path(arg), passphrase=_no_prompt)
        print(",".join(r.decode() for _, r in vault.records()))
        vault.close()
    elif command == "forget":
        Vault.open(Path(arg), passphrase=_no_prompt).forget()
        print("forgotten")
    elif command == "peek":
        from keyring.backends.SecretService import Keyring

        present = Keyring().get_password(keys.KEYRING_SERVICE, arg) is not None
        print("present" if present else "absent")
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
