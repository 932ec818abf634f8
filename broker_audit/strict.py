"""The building blocks every typed data file shares (brokers, laws, agencies, the profile):
strict records that refuse unknown keys, ids, URLs and state codes."""

from __future__ import annotations

from typing import Annotated

import msgspec

Id = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")]
StateCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A record whose unknown keys are errors, so a typo cannot silently drop a fact."""
