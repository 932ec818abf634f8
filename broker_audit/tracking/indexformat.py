"""What the parts of the derived index and its root hold, and how each is encoded: the data
format of `tracking.index` (which reads and writes them), in one place.

- `Listed`: what `status` lists about a request, computed from its records (FACTS parts);
- `Entry`: one request's records (ENTRIES parts, compressed);
- `fold.Rest`: everything not about one request (the REST part);
- `Summary`: the root (counts, highest ids, each part's tag, the due-date pages' directory).

States and due dates depend on the code that computes them, so the root carries
`rules_fingerprint()`; a root made by other rules (or another `INDEX_VERSION`) is not read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import zlib
from pathlib import Path

import msgspec

from broker_audit.tracking import due as due_rules
from broker_audit.tracking.due import Current
from broker_audit.tracking.dueindex import IndexDamaged, Key, PageRef
from broker_audit.tracking.fold import Rest
from broker_audit.tracking.mail_records import EmailSent, ReplyStored
from broker_audit.tracking.model import RequestMade, StatusChanged
from broker_audit.tracking.states import AWAITING, State
from broker_audit.vocabulary import CHANNELS

INDEX_VERSION = 2
"""Bump when the shape or the meaning of a part or of the root changes: other versions are rebuilt.
2: the rest holds the text read from replies, the findings proposed and reviewed, the campaigns
with what each agency's answer showed and the open sending claims; a listed request its routes
and whether its due date is a courtesy (the whole-state snapshot's versions 2 and 3 held these)."""
CHUNK = 256
"""Request ids per chunk: what `show` and `mark` decrypt (about 100 KiB) to read one request."""
FACTS, ENTRIES, DUE, REST = 1, 2, 3, 4
_PREFIX = b"broker-audit index " + INDEX_VERSION.to_bytes(2, "big")


class Listed(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """One request as `status` lists it, without what depends on the day it is asked (days left,
    overdue): computed from the request's records when they change."""

    id: int
    broker: str
    broker_name: str
    kind: str
    state: State
    law: str
    sent: dt.date | None
    delivered: dt.date | None
    due: dt.date | None
    due_estimated: bool
    due_courtesy: bool  # no law sets the date: the time the letter asked for
    channel: str
    reference: str
    client_id: str | None
    batch_id: str | None
    routes: list[str] = []  # every route an artefact was written for, the letter's first


class Entry(msgspec.Struct, array_like=True, gc=False):
    """One request's records, in the order recorded (`request` is None while only records about
    it, not the request itself, have been seen)."""

    request: RequestMade | None = None
    events: list[StatusChanged] = []
    sent_mail: list[EmailSent] = []
    replies: list[ReplyStored] = []


class Summary(msgspec.Struct, kw_only=True, gc=False):
    """The root: what `status` counts, and where every part is (its seal's tag)."""

    rules: bytes
    requests: int = 0
    max_request: int = 0
    max_reply: int = 0
    by_state: dict[str, int] = {}
    chunks: dict[int, bytes] = {}  # chunk -> tag of its FACTS part + tag of its ENTRIES part
    due: list[PageRef] = []
    next_page: int = 0
    rest: bytes = b""  # tag of the REST part; empty while there is none


_summary_decoder = msgspec.msgpack.Decoder(Summary)
_facts_decoder = msgspec.msgpack.Decoder(list[Listed])
_entries_decoder = msgspec.msgpack.Decoder(list[tuple[int, msgspec.Raw]])
_entry_decoder = msgspec.msgpack.Decoder(Entry)
_rest_decoder = msgspec.msgpack.Decoder(Rest)
_encoder = msgspec.msgpack.Encoder()


def encode_facts(facts: list[Listed]) -> bytes:
    return _encoder.encode(facts)


def decode_facts(data: bytes) -> list[Listed]:
    try:
        return _facts_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise IndexDamaged("a chunk of facts does not decode") from None


def encode_entries(pairs: list[tuple[int, Entry | msgspec.Raw]]) -> bytes:
    """(request id, entry) pairs, compressed (zlib, level 1: a tenth of the size, 0.3 ms a chunk
    each way) before the vault seals them, as the whole-state snapshot was."""
    return zlib.compress(_encoder.encode(pairs), 1)


def decode_entries(data: bytes) -> list[tuple[int, msgspec.Raw]]:
    """The pairs, each entry left encoded until it is asked for (`decode_entry`)."""
    try:
        return _entries_decoder.decode(zlib.decompress(data))
    except (msgspec.DecodeError, msgspec.ValidationError, zlib.error):
        raise IndexDamaged("a chunk of requests does not decode") from None


def decode_entry(raw: msgspec.Raw) -> Entry:
    try:
        return _entry_decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise IndexDamaged("a request in the index does not decode") from None


def encode_rest(rest: Rest) -> bytes:
    return _encoder.encode(rest)


def decode_rest(data: bytes) -> Rest:
    try:
        return _rest_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise IndexDamaged("the rest of the index does not decode") from None


@functools.cache
def rules_fingerprint() -> bytes:
    """What the index's states and due dates were computed by: this module and the index's and
    the fold's, the lifecycle and due-date modules, the deadline arithmetic and the holiday
    calendars, with the holidays library's United States calendar and its rule for observed days
    (their source), the channels' delivery allowances, and the version of broker-audit. Another
    fingerprint in a root means the index is rebuilt."""
    from broker_audit import __version__, calendars
    from broker_audit.law import deadlines
    from broker_audit.tracking import states

    digest = hashlib.sha256(b"broker-audit index rules %d %s\x00" % (INDEX_VERSION, __version__.encode()))
    digest.update(repr(sorted((c.id, c.delivery_days) for c in CHANNELS.values())).encode())
    digest.update(repr(due_rules.UNKNOWN_CHANNEL_ALLOWANCE).encode())
    here = Path(__file__)
    sources = [Path(m.__file__ or "") for m in (due_rules, states, deadlines, calendars)]
    sources += [*_holiday_sources(), here.with_name("index.py"), here.with_name("fold.py"), here]
    for source in sources:
        try:
            digest.update(source.read_bytes())
        except OSError:  # no source shipped: the version above stands for it
            digest.update(str(source).encode())
    return digest.digest()[:16]


def _holiday_sources() -> list[Path]:
    """The holidays library's files that say which days are United States (and Colorado)
    public holidays, found without importing it (about 70 ms)."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return [Path("holidays (not installed)")]
    root = Path(next(iter(folders)))
    return [root / "countries" / "united_states.py", root / "observed_holiday_base.py"]


def encode_root(summary: Summary) -> bytes:
    return _PREFIX + _encoder.encode(summary)


def decode_root(data: bytes) -> Summary | None:
    """The summary in `data`, or None if it is of another version or rules, or does not decode."""
    if not data.startswith(_PREFIX):
        return None
    try:
        summary = _summary_decoder.decode(memoryview(data)[len(_PREFIX) :])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return summary if summary.rules == rules_fingerprint() else None


def chunk_of(request_id: int) -> int:
    return (request_id - 1) // CHUNK


def listed_of(request: RequestMade, now: Current) -> Listed:
    return Listed(
        id=request.id,
        broker=request.broker_id,
        broker_name=request.recipient_name,
        kind=request.kind,
        state=now.state,
        law=request.law_id,
        sent=now.sent,
        delivered=now.delivered,
        due=now.due.date,
        due_estimated=now.due.estimated,
        due_courtesy=now.due.courtesy,
        channel=request.channel,
        reference=request.reference,
        client_id=request.client_id,
        batch_id=request.batch_id,
        routes=request.routes,
    )


def clocked(listed: Listed) -> bool:
    """Whether the request is in the due-date index: it awaits an answer by a known day."""
    return listed.due is not None and listed.state in AWAITING


def due_key(listed: Listed) -> Key:
    assert listed.due is not None
    return (listed.due.toordinal(), listed.id)
