"""The mail password in the OS keyring, under the same rules as the vault key's keyring slot:
only a secure backend counts (a keyring that keeps secrets in the clear counts as none)."""

from __future__ import annotations

MAIL_KEYRING_SERVICE = "broker-audit-mail"


def store_password(account_id: str, password: str) -> bool:
    """Keep the password in a secure OS keyring; False if there is none (or it refused)."""
    from broker_audit.vault.keys import secure_backend

    backend = secure_backend()
    if backend is None:
        return False
    try:
        backend.set_password(MAIL_KEYRING_SERVICE, account_id, password)
        return bool(backend.get_password(MAIL_KEYRING_SERVICE, account_id) == password)
    except Exception:
        return False


def fetch_password(account_id: str) -> str | None:
    """The stored password, or None (no secure keyring, no entry, locked, any error)."""
    from broker_audit.vault.keys import secure_backend

    backend = secure_backend()
    if backend is None:
        return None
    try:
        found = backend.get_password(MAIL_KEYRING_SERVICE, account_id)
    except Exception:
        return None
    return found if isinstance(found, str) and found else None


def delete_password(account_id: str) -> None:
    """Remove the stored password, if any (vault forget, a new setup without the keyring)."""
    from broker_audit.vault.keys import secure_backend

    backend = secure_backend()
    if backend is None:
        return
    try:
        backend.delete_password(MAIL_KEYRING_SERVICE, account_id)
    except Exception:
        return
