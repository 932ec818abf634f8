"""The due-date index: every request that awaits an answer by a known day, in the order of that
day, so that `status` counts the overdue and the due-soon requests and finds the most urgent ones
without reading every request.

Its keys are (due day as a date ordinal, request id), sorted, kept in pages of at most
`PAGE_MAX` keys. Each page is a sealed part of the vault's derived index (`tracking.index`); the
directory of pages (each page's part key, first key, number of keys and the tag of its seal) is
held by the index's summary, so a page is read only when a question needs it: counting the keys
before a day reads at most one page, the most urgent `n` keys the first pages. A page that grows
past `PAGE_MAX` is split in two; an empty page is dropped.

A page that cannot be read, or does not hold what the directory says, raises `IndexDamaged`; the
index is then rebuilt from the records, never patched.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from itertools import pairwise

import msgspec

PAGE_MAX = 2048
"""Keys a page may hold before it is split (32 KiB of keys)."""
PAGE_FILL = 1024
"""Keys per page when the index is built at once (room to grow before a split)."""

Key = tuple[int, int]  # (due day as date.toordinal(), request id)


class IndexDamaged(Exception):
    """A part of the derived index is missing, stale, damaged or says something impossible: the
    index must be rebuilt from the records."""


class PageRef(msgspec.Struct, array_like=True, gc=False):
    """One page in the directory: its part key, its first key, how many keys, its seal's tag."""

    key: int
    first_due: int
    first_id: int
    count: int
    tag: bytes = b""


def encode_page(keys: list[Key]) -> bytes:
    flat = array("q", (x for key in keys for x in key))
    if sys.byteorder == "big":
        flat.byteswap()
    return flat.tobytes()


def decode_page(data: bytes) -> list[Key]:
    if len(data) % 16:
        raise IndexDamaged("a due-date page has a torn key")
    flat = array("q")
    flat.frombytes(data)
    if sys.byteorder == "big":
        flat.byteswap()
    return list(zip(flat[0::2], flat[1::2], strict=True))


class DueIndex:
    """The pages of the due-date index, read on demand through `load(part key, tag)`."""

    def __init__(
        self, refs: list[PageRef], next_key: int, load: Callable[[int, bytes], bytes | None]
    ) -> None:
        self.refs = refs
        self.next_key = next_key
        self._load = load
        self._pages: dict[int, list[Key]] = {}
        self._firsts: list[Key] | None = None  # each page's first key, while no first changes
        self.dirty: set[int] = set()  # part keys of pages to write
        self.dropped: set[int] = set()  # part keys of pages to remove

    @classmethod
    def build(cls, keys: list[Key], load: Callable[[int, bytes], bytes | None]) -> DueIndex:
        """An index holding `keys` (any order), in full pages of `PAGE_FILL` keys, all to write."""
        keys = sorted(keys)
        index = cls([], 0, load)
        for start in range(0, len(keys), PAGE_FILL):
            page = keys[start : start + PAGE_FILL]
            index._new_page(len(index.refs), page)
        return index

    # --- questions -------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(ref.count for ref in self.refs)

    def count_before(self, due: int) -> int:
        """How many keys have a due day before `due` (an ordinal)."""
        firsts = self._first_keys()
        probe = (due,)  # sorts before every key of that day
        j = bisect_left(firsts, probe)
        if j == 0:
            return 0
        before = sum(ref.count for ref in self.refs[: j - 1])
        return before + bisect_left(self._page(j - 1), probe)

    def first(self, n: int) -> list[Key]:
        """The first `n` keys (the soonest due), in order."""
        out: list[Key] = []
        for i in range(len(self.refs)):
            if len(out) >= n:
                break
            out += self._page(i)[: n - len(out)]
        return out

    def __iter__(self) -> Iterator[Key]:
        for i in range(len(self.refs)):
            yield from self._page(i)

    # --- changes ---------------------------------------------------------------------------

    def add(self, key: Key) -> None:
        if not self.refs:
            self._new_page(0, [key])
            return
        i = self._position(key)
        page = self._page(i)
        j = bisect_left(page, key)
        if j < len(page) and page[j] == key:
            raise IndexDamaged("a request is twice in the due-date index")
        insort(page, key)
        self._changed(i)
        if len(page) > PAGE_MAX:
            half = len(page) // 2
            self._pages[self.refs[i].key] = page[:half]
            self._changed(i)
            self._new_page(i + 1, page[half:])

    def remove(self, key: Key) -> None:
        if not self.refs:
            raise IndexDamaged("a request is missing from the due-date index")
        i = self._position(key)
        page = self._page(i)
        j = bisect_left(page, key)
        if j == len(page) or page[j] != key:
            raise IndexDamaged("a request is missing from the due-date index")
        del page[j]
        if page:
            self._changed(i)
            return
        ref = self.refs.pop(i)
        self._firsts = None
        self._pages.pop(ref.key, None)
        self.dirty.discard(ref.key)
        self.dropped.add(ref.key)

    # --- internals -------------------------------------------------------------------------

    def _first_keys(self) -> list[Key]:
        if self._firsts is None:
            self._firsts = [(ref.first_due, ref.first_id) for ref in self.refs]
        return self._firsts

    def _position(self, key: Key) -> int:
        """The page that holds `key`, or would: the last whose first key is not after it."""
        return max(bisect_right(self._first_keys(), key) - 1, 0)

    def _page(self, i: int) -> list[Key]:
        ref = self.refs[i]
        page = self._pages.get(ref.key)
        if page is None:
            data = self._load(ref.key, ref.tag)
            if data is None:
                raise IndexDamaged("a due-date page is missing, stale or damaged")
            page = decode_page(data)
            if len(page) != ref.count or not page or page[0] != (ref.first_due, ref.first_id):
                raise IndexDamaged("a due-date page does not match its directory")
            if any(a >= b for a, b in pairwise(page)):
                raise IndexDamaged("a due-date page is out of order")
            self._pages[ref.key] = page
        return page

    def _changed(self, i: int) -> None:
        ref = self.refs[i]
        page = self._pages[ref.key]
        ref.count = len(page)
        if (ref.first_due, ref.first_id) != page[0]:
            ref.first_due, ref.first_id = page[0]
            self._firsts = None
        self.dirty.add(ref.key)

    def _new_page(self, i: int, keys: list[Key]) -> None:
        key = self.next_key
        self.next_key += 1
        self.refs.insert(i, PageRef(key=key, first_due=keys[0][0], first_id=keys[0][1], count=len(keys)))
        self._firsts = None
        self._pages[key] = keys
        self.dirty.add(key)

    def pages_to_write(self) -> Iterator[tuple[PageRef, bytes]]:
        """Each changed page with its encoding; set each ref's tag once it is sealed."""
        for ref in self.refs:
            if ref.key in self.dirty:
                yield ref, encode_page(self._pages[ref.key])

    def written(self) -> None:
        self.dirty.clear()
        self.dropped.clear()
