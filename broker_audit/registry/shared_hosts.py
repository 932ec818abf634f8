"""Hosts that many companies share (public mail, helpdesks, privacy portals, form builders):
`shared-mail-hosts.toml`, read once. A route on one of them names a mailbox or a form, never a
company's own domain (mail/match.py, and rule R017 of `registry check`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec

HostKind = Literal["public-mail", "isp-mail", "helpdesk", "privacy-platform", "form-host", "bulk-mail"]


class SharedHost(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    domain: str
    kind: HostKind


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    host: list[SharedHost] = []


@dataclass(frozen=True)
class SharedHosts:
    kinds: dict[str, str]  # domain -> kind

    def kind_of(self, host: str) -> str | None:
        """The kind of shared host `host` is on (itself or a parent domain), or None."""
        labels = host.lower().strip(".").split(".")
        for start in range(len(labels) - 1):
            kind = self.kinds.get(".".join(labels[start:]))
            if kind is not None:
                return kind
        return None


def load_shared_hosts(path: Path) -> SharedHosts:
    import tomllib

    from broker_audit.errors import DataFileError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = msgspec.convert(data, _File)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise DataFileError(f"{path}: {exc}", "restore the file from the package") from None
    return SharedHosts({h.domain.lower(): h.kind for h in parsed.host})


@functools.cache
def shared_hosts() -> SharedHosts:
    """The shipped list."""
    from broker_audit.datafiles import shared_mail_hosts_file

    return load_shared_hosts(shared_mail_hosts_file())
