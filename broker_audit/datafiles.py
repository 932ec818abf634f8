"""Where the shipped data files are: inside an installed wheel, or at the top of a source checkout."""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
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


def sources_key(tag: bytes, sources: Sequence[Path | None]) -> bytes:
    """What a cache was built from, as plain bytes to compare whole (a few hundred; no hash to
    import or to collide): `tag` (the cache's format and its decoder's version), then each source
    file's path, inode, size and modification time ("none" for an absent optional source,
    "missing" for one that cannot be read). Any change to a data file or to the code that reads
    it changes the key, so the cache is built again."""
    parts = [tag]
    for path in sources:
        if path is None:
            parts.append(b"none")
            continue
        try:
            st = path.stat()
        except OSError:
            parts.append(b"missing " + os.fsencode(path))
            continue
        parts.append(b"%s %d %d %d" % (os.fsencode(path), st.st_ino, st.st_size, st.st_mtime_ns))
    material = b"\0".join(parts)
    return struct.pack(">I", len(material)) + material
