"""One function per user action. The CLI parses, calls one of these, and renders the result.

Nothing here prints or prompts: passphrases come in as callables, progress as callbacks.
Each module is light to import; heavy libraries are imported inside the functions that use them.
The names below are loaded on first use, so a command imports only the services it calls
(`broker-audit brokers list` does not load the vault, the letters or the clinic).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broker_audit.letters.formats import FORMATS, parse_formats, write_letter
    from broker_audit.services.access import VaultAccess, open_journal, require_profile, vault_path
    from broker_audit.services.brokers import list_brokers
    from broker_audit.services.demo import DemoResult, run_demo
    from broker_audit.services.followup import FollowupResult, followup_letters
    from broker_audit.services.letters import LetterResult, LettersResult, broker_warnings, request_letters
    from broker_audit.services.tracking import (
        StatusQuery,
        StatusReport,
        StatusRow,
        mark,
        show_request,
        status_report,
        status_rows,
    )
    from broker_audit.services.vaults import (
        InitResult,
        ProfileChanges,
        VerifyResult,
        change_passphrase,
        edit_profile,
        forget_vault,
        init_vault,
        show_profile,
        verify_vault,
    )
    from broker_audit.vocabulary import CHANNELS as VIAS

_HOME = {
    "broker_audit.letters.formats": ("FORMATS", "parse_formats", "write_letter"),
    "broker_audit.services.access": ("VaultAccess", "open_journal", "require_profile", "vault_path"),
    "broker_audit.services.brokers": ("list_brokers",),
    "broker_audit.services.demo": ("DemoResult", "run_demo"),
    "broker_audit.services.followup": ("FollowupResult", "followup_letters"),
    "broker_audit.services.letters": ("LetterResult", "LettersResult", "broker_warnings", "request_letters"),
    "broker_audit.services.tracking": (
        "VIAS",
        "StatusQuery",
        "StatusReport",
        "StatusRow",
        "mark",
        "show_request",
        "status_report",
        "status_rows",
    ),
    "broker_audit.services.vaults": (
        "InitResult",
        "ProfileChanges",
        "VerifyResult",
        "change_passphrase",
        "edit_profile",
        "forget_vault",
        "init_vault",
        "show_profile",
        "verify_vault",
    ),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "FORMATS",
    "VIAS",
    "DemoResult",
    "FollowupResult",
    "InitResult",
    "LetterResult",
    "LettersResult",
    "ProfileChanges",
    "StatusQuery",
    "StatusReport",
    "StatusRow",
    "VaultAccess",
    "VerifyResult",
    "broker_warnings",
    "change_passphrase",
    "edit_profile",
    "followup_letters",
    "forget_vault",
    "init_vault",
    "list_brokers",
    "mark",
    "open_journal",
    "parse_formats",
    "request_letters",
    "require_profile",
    "run_demo",
    "show_profile",
    "show_request",
    "status_report",
    "status_rows",
    "vault_path",
    "verify_vault",
    "write_letter",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups (and monkeypatches in tests) see a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
