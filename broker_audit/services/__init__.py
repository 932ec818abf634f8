"""One function per user action. The CLI parses, calls one of these, and renders the result.

Nothing here prints or prompts: passphrases come in as callables, progress as callbacks.
Each module is light to import; heavy libraries are imported inside the functions that use them.
"""

from broker_audit.letters.formats import FORMATS, parse_formats, write_letter
from broker_audit.services.access import VaultAccess, open_journal, require_profile, vault_path
from broker_audit.services.brokers import list_brokers
from broker_audit.services.demo import DemoResult, run_demo
from broker_audit.services.followup import FollowupResult, followup_letters
from broker_audit.services.letters import LetterResult, LettersResult, broker_warnings, request_letters
from broker_audit.services.tracking import VIAS, StatusRow, mark, show_request, status_rows
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

__all__ = [
    "FORMATS",
    "VIAS",
    "DemoResult",
    "FollowupResult",
    "InitResult",
    "LetterResult",
    "LettersResult",
    "ProfileChanges",
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
    "status_rows",
    "vault_path",
    "verify_vault",
    "write_letter",
]
