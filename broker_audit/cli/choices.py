"""Choice lists in `--help`, made from the tables that define them, so help cannot go stale.

A command's help names a list as `{kinds}`, `{channels}`, ...; `cli/app.py` fills each in when
the command is loaded, from the vocabulary as it is then: a letter kind added to
`vocabulary.KINDS`, a channel to `CHANNELS` or a state to `tracking/states.py` shows in every
help that lists them, and one test (`tests/cli/test_choices.py`) holds each list to its table.
Only names in `CHOICES` are filled; other braces are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence


def _kinds() -> Sequence[str]:
    from broker_audit.vocabulary import request_kinds

    return request_kinds()


def _batch_kinds() -> Sequence[str]:
    from broker_audit.vocabulary import batch_kinds

    return batch_kinds()


def _channels() -> Sequence[str]:
    from broker_audit.vocabulary import channels_by_rank

    return channels_by_rank()


def _agency_channels() -> Sequence[str]:
    from broker_audit.registry.agencies import letter_channels

    return letter_channels()


def _fields() -> Sequence[str]:
    from broker_audit.vocabulary import IDENTITY_FIELDS

    return IDENTITY_FIELDS


def _formats() -> Sequence[str]:
    from broker_audit.letters.formats import FORMATS

    return FORMATS


def _states() -> Sequence[str]:
    """The states `mark` records (not `drafted`, which only writing a letter makes)."""
    from broker_audit.tracking.states import DROP_RESULTS, State

    return [s.value for s in State if s is not State.DRAFTED and s not in DROP_RESULTS]


def _drop_states() -> Sequence[str]:
    from broker_audit.tracking.states import DROP_RESULTS, State

    return [s.value for s in State if s in DROP_RESULTS]


def _findings() -> Sequence[str]:
    from broker_audit.vocabulary import FINDINGS

    return FINDINGS


def _roles() -> Sequence[str]:
    from broker_audit.findings.names import ROLES

    return ROLES


def _identifiers() -> Sequence[str]:
    from broker_audit.services.drop import IDENTIFIERS

    return IDENTIFIERS


def _registries() -> Sequence[str]:
    from broker_audit.registry.imports import SOURCES

    return SOURCES


def _groupings() -> Sequence[str]:
    from broker_audit.services.clinic import GROUPINGS

    return list(GROUPINGS)


CHOICES: dict[str, Callable[[], Sequence[str]]] = {
    "kinds": _kinds,  # what `request` writes
    "batch_kinds": _batch_kinds,  # what `bulk letters` writes (not a correction: it needs --details)
    "channels": _channels,  # how a request reaches its recipient
    "agency_channels": _agency_channels,  # the channels a campaign letter can be written for
    "fields": _fields,  # what a letter may tell about the requester
    "formats": _formats,
    "states": _states,
    "drop_states": _drop_states,
    "findings": _findings,  # what an agency's answer showed
    "roles": _roles,  # what kind of body a source or recipient is
    "identifiers": _identifiers,  # what DROP takes
    "registries": _registries,  # the state registries `registry import` reads
    "groupings": _groupings,  # how `bulk status` groups its table
}

_NAME = re.compile(r"\{(" + "|".join(CHOICES) + r")\}")


def listed(values: Sequence[str], last: str | None = None) -> str:
    """`a, b, c or d` ("o" in Spanish: the ids stay as they are typed)."""
    from broker_audit.i18n import NP_, pgettext_in

    values = list(values)
    if len(values) < 2:
        return "".join(values)
    last = last if last is not None else pgettext_in(None, "list", NP_("list", "or"))
    return f"{', '.join(values[:-1])} {last} {values[-1]}"


def fill(text: str) -> str:
    """`text` with each `{name}` of `CHOICES` replaced by its current list."""
    if "{" not in text:
        return text
    return _NAME.sub(lambda m: listed(CHOICES[m.group(1)]()), text)
