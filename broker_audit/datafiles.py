"""Where the shipped data files are: inside an installed wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_root() -> Path:
    """The folder holding `brokers.toml`, `laws.toml`, `agencies.toml` and `templates/`.

    An installed wheel carries them in `broker_audit/_data`; a source checkout (or an editable
    install) has them at the repository's top level.
    """
    packaged = Path(__file__).resolve().parent / "_data"  # what importlib.resources finds, 6 ms sooner
    if (packaged / "brokers.toml").is_file():
        return packaged
    return Path(__file__).resolve().parents[1]


def brokers_file() -> Path:
    return data_root() / "brokers.toml"


def imported_brokers_file() -> Path:
    """Where `registry import` and `registry update` keep the brokers they read: the user's data
    folder (never the install folder, which may be read-only and is replaced on upgrade)."""
    import platformdirs

    return platformdirs.user_data_path("broker-audit") / "brokers.imported.json"


def shipped_imports_dir() -> Path:
    """The state-registry imports that ship with broker-audit (e.g. California's 2020 registry)."""
    return data_root() / "registries"


def shared_mail_hosts_file() -> Path:
    """Public mail, helpdesk, privacy-portal and form hosts that many companies share."""
    return data_root() / "shared-mail-hosts.toml"


def laws_file() -> Path:
    return data_root() / "laws.toml"


def agencies_file() -> Path:
    """The directory of agencies a records request goes to (Colorado's sheriffs and state agencies)."""
    return data_root() / "agencies.toml"


def templates_dir() -> Path:
    return data_root() / "templates" / "letters"


def demo_profile_file() -> Path:
    return data_root() / "examples" / "demo-profile.toml"
