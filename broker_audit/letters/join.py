"""The streaming joiner of batch chunks, and the read-back check of what it wrote.

A batch is drawn in chunks by several processes (``batch_pdf``); the joiner appends the chunks'
pages, in order, to one output file as they come back. It holds one chunk at a time: objects are
copied byte for byte with their references renumbered, stream data untouched. On 42,000 pages this
takes about 2 s and 25 MB, where qpdf took 14 s and 1.75 GB and pypdf 49 s and 1.4 GB.

It copies only what it was built for, the chunks `pdf.write_documents` draws, and refuses anything
else with a `JoinError` naming the reason, rather than writing a file that drops or breaks parts:
an encrypted PDF, an incremental update, an xref stream, outlines, form fields or any other
catalog entry, inherited page attributes, a nested page tree, a stream without a direct length,
an object where the cross-reference table does not point, a reference to a missing object.

Fonts and repeated-paragraph forms are drawn alike in every chunk (`pdf.SHARED_CHARACTERS`); the
joiner keeps the first copy of such an object and points later chunks at it, so the batch is no
larger than the same letters drawn in one PDF.

`check_joined` reads the finished file back: the cross-reference table, every object where it
points, the page tree and its page count; a failure is a `BatchCheckFailed`.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broker_audit.errors import BatchCheckFailed, JoinError
from broker_audit.i18n import N_
from broker_audit.letters.pdf import CREATOR

_OBJ_HEAD = re.compile(rb"(\d+) (\d+) obj\b")
_END = re.compile(rb"\s*endobj\s*$")
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")
_END_STREAM = re.compile(rb"(?:\r\n|\r|\n)?endstream\s+endobj\s*$")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R\b)?")
_XREF_SECTION = re.compile(rb"\s*(\d+)\s+(\d+)\s*[\r\n]+")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s{1,2}")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_KEY_REF = re.compile(rb"/(\w+)\s+(\d+)\s+(\d+)\s+R\b")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_CONTENTS = re.compile(rb"/Contents\s+(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])")
_INHERITED = re.compile(rb"/(Resources|MediaBox|CropBox|Rotate)\b")
_PAGE_TYPE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_CATALOG_KEYS = re.compile(rb"/([A-Za-z]+)")
_MEDIABOX = b"[ 0 0 612 792 ]"
# what a chunk's catalog may hold: anything else (outlines, form fields, names, actions, page
# labels, structure) would be silently dropped by the join, so it is refused instead
_CATALOG_ALLOWED = {b"Type", b"Catalog", b"Pages", b"PageMode", b"UseNone"}


@dataclass(slots=True)
class _Object:
    raw: bytes  # "n 0 obj ... endobj"
    head: int  # end of "n 0 obj"
    split: int  # end of the dictionary (where "stream" starts), or the end of the object


@dataclass(slots=True)
class Chunk:
    """An indexed chunk: its objects by number, its catalog, its page tree."""

    objects: dict[int, _Object]
    size: int  # the trailer's /Size: object numbers run 1 .. size - 1
    root: int
    info: int | None

    def dictionary(self, num: int) -> bytes:
        obj = self.objects[num]
        return obj.raw[obj.head : obj.split]

    def ref(self, num: int, key: bytes) -> int | None:
        for match in _KEY_REF.finditer(_code(self.dictionary(num))):
            if match.group(1) == key:
                return int(match.group(2))
        return None

    def page_tree(self) -> tuple[int, list[int]]:
        """The page tree's (single, flat) node and its pages in order."""
        node = self.ref(self.root, b"Pages")
        if node is None or node not in self.objects:
            raise JoinError("the chunk has no page tree")
        head = self.dictionary(node)
        kids = _KIDS.search(head)
        if kids is None:
            raise JoinError("the chunk's page tree has no pages")
        if _INHERITED.search(head):
            raise JoinError("the chunk's page tree carries inherited attributes")
        pages = [int(kid.group(1)) for kid in _REF.finditer(kids.group(1))]
        for page in pages:
            if page not in self.objects:
                raise JoinError(f"the chunk's page {page} is missing")
            body = self.dictionary(page)
            if b"/Kids" in body or not _PAGE_TYPE.search(body):
                raise JoinError("the chunk's page tree is nested")
            if b"/MediaBox" not in body or b"/Resources" not in body:
                raise JoinError("a chunk page inherits its size or resources")
        return node, pages


# --------------------------------------------------------------------------- reading a chunk


def _skip_string(data: bytes, at: int) -> int:
    """The position after the literal string that starts at `at` (nested and escaped parens)."""
    depth, i, end = 0, at, len(data)
    while i < end:
        c = data[i]
        if c == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise JoinError("a chunk object has an unterminated string")


_SPECIAL = re.compile(rb"[(%<]")
_EOL = re.compile(rb"[\r\n]")


def _segments(data: bytes) -> Iterator[tuple[bool, bytes]]:
    """`data` cut into (is_code, bytes) pieces, in order: strings, hex strings and comments are
    not code. Lazy, so a caller can stop before the stream data after a dictionary."""
    start, end = 0, len(data)
    i = 0
    while (special := _SPECIAL.search(data, i)) is not None:
        i = special.start()
        c = data[i]
        if c == 0x3C:  # "<": "<<" opens a dictionary; "<" alone a hex string
            if data[i + 1 : i + 2] == b"<":
                i += 2
                continue
            close = data.find(b">", i)
            stop = close + 1 if close >= 0 else end
        elif c == 0x28:  # "(": a literal string
            stop = _skip_string(data, i)
        else:  # "%": a comment, to the end of the line
            nl = _EOL.search(data, i)
            stop = nl.start() if nl else end
        if i > start:
            yield True, data[start:i]
        yield False, data[i:stop]
        i = start = stop
    if start < end:
        yield True, data[start:]


def _code(dictionary: bytes) -> bytes:
    """The dictionary without its strings and comments (where keys and references are)."""
    if b"(" not in dictionary and b"%" not in dictionary:
        return dictionary
    return b" ".join(piece for is_code, piece in _segments(dictionary) if is_code)


def _dictionary_end(raw: bytes, start: int) -> int:
    """Where the object's dictionary ends and its stream begins (the `stream` keyword outside
    every string and comment), or the end of the object when it has no stream."""
    match = _STREAM_START.search(raw, start)
    if match is None:
        return len(raw)
    before = raw[start : match.start()]
    if b"(" not in before and b"%" not in before:
        return match.start() + 2  # nothing before it can hide a keyword: it is the one
    pos = start  # a string or a comment comes first: read the value token by token
    for is_code, piece in _segments(raw[start:]):
        if is_code:
            found = _STREAM_START.search(piece)
            if found:
                return pos + found.start() + 2
        pos += len(piece)
    return len(raw)


def _object(raw: bytes, num: int) -> _Object:
    head = _OBJ_HEAD.match(raw)
    if head is None or int(head.group(1)) != num:
        raise JoinError(f"the chunk's cross-reference table does not point at object {num}")
    if head.group(2) != b"0":
        raise JoinError(f"the chunk's object {num} has a generation number (an edited file)")
    if not _END.search(raw[-24:]):
        raise JoinError(f"the chunk's object {num} does not end where the next begins")
    split = _dictionary_end(raw, head.end())
    if split == len(raw):
        return _Object(raw, head.end(), split)
    dictionary = raw[head.end() : split]
    length = _LENGTH.search(_code(dictionary))
    if length is None or length.group(2):
        raise JoinError(f"the chunk's stream {num} has no direct /Length")
    data_start = _STREAM_START.match(raw, split - 2)
    assert data_start is not None
    after = data_start.end() + int(length.group(1))
    if not _END_STREAM.match(raw, after):
        raise JoinError(f"the chunk's stream {num} is not as long as its /Length says")
    return _Object(raw, head.end(), split)


def read_chunk(data: bytes) -> Chunk:
    """Index a chunk by its (single, classic) cross-reference table, refusing what the joiner
    does not copy faithfully."""
    if not data.startswith(b"%PDF-"):
        raise JoinError("the chunk is not a PDF")
    at, xref_at = _startxref(data)
    offsets, pos = _xref_table(data, xref_at)
    refs, total = _trailer(_code(data[pos:at]))
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    ends = [off for _, off in ordered[1:]] + [xref_at]
    objects = {}
    for (num, start), end in zip(ordered, ends, strict=True):
        if not 0 < num < total:
            raise JoinError(f"the chunk's object {num} is beyond its /Size")
        objects[num] = _object(data[start:end], num)
    chunk = Chunk(objects=objects, size=total, root=refs[b"Root"], info=refs.get(b"Info"))
    _check_catalog(chunk)
    return chunk


def _startxref(data: bytes) -> tuple[int, int]:
    """Where the chunk's `startxref` is, and the offset of the cross-reference table it gives."""
    at = data.rfind(b"startxref")
    if at < 0:
        raise JoinError("the chunk has no startxref")
    tail = data[at + 9 :].split()
    if len(tail) != 2 or tail[1] != b"%%EOF" or not tail[0].isdigit():
        raise JoinError("the chunk does not end with its cross-reference offset")
    xref_at = int(tail[0])
    if data[xref_at : xref_at + 4] != b"xref":
        raise JoinError("the chunk uses an xref stream")
    return at, xref_at


def _xref_table(data: bytes, xref_at: int) -> tuple[dict[int, int], int]:
    """The offset of each object in use, by number, and where the table ends."""
    pos = xref_at + 4
    offsets: dict[int, int] = {}
    while (section := _XREF_SECTION.match(data, pos)) is not None:
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        for i in range(count):
            row = _XREF_ROW.match(data, pos)
            if row is None:
                raise JoinError("the chunk's cross-reference table is damaged")
            if row.group(3) == b"n":
                offsets[first + i] = int(row.group(1))
            pos = row.end()
    return offsets, pos


def _trailer(trailer: bytes) -> tuple[dict[bytes, int], int]:
    """The trailer's references (/Root, /Info) and its /Size; refused if the chunk is encrypted
    or was updated incrementally."""
    if not trailer.lstrip().startswith(b"trailer"):
        raise JoinError("the chunk has several cross-reference sections (an incremental update)")
    if b"/Encrypt" in trailer:
        raise JoinError("the chunk is encrypted")
    if b"/Prev" in trailer or b"/XRefStm" in trailer:
        raise JoinError("the chunk was updated incrementally")
    refs = {m.group(1): int(m.group(2)) for m in _KEY_REF.finditer(trailer)}
    size = re.search(rb"/Size\s+(\d+)", trailer)
    if b"Root" not in refs or size is None:
        raise JoinError("the chunk has no catalog")
    return refs, int(size.group(1))


def _check_catalog(chunk: Chunk) -> None:
    if chunk.root not in chunk.objects:
        raise JoinError("the chunk's catalog is missing")
    catalog = _code(chunk.dictionary(chunk.root))
    for key in _CATALOG_KEYS.findall(catalog):
        if key == b"Outlines":
            raise JoinError("the chunk has outlines (bookmarks), which the join would drop")
        if key == b"AcroForm":
            raise JoinError("the chunk has form fields, which the join would drop")
        if key not in _CATALOG_ALLOWED:
            raise JoinError(f"the chunk's catalog holds /{key.decode()}, which the join would drop")
    info = chunk.dictionary(chunk.info) if chunk.info in chunk.objects else b""
    if b"/Creator (%s)" % CREATOR.encode() not in info:
        raise JoinError("the PDF was not drawn by broker-audit as a batch chunk")


# --------------------------------------------------------------------------- joining


class StreamingJoiner:
    """Append chunks into one output file, page order kept, one chunk in memory.

    A chunk's objects keep their order and are renumbered (`n 0 R` becomes its new number, found by
    one regular expression over the dictionaries, never inside strings or stream data); its
    page-tree node becomes a child of the new root; its catalog and info become ``null``; stream
    data is copied unchanged. A font or form equal, byte for byte once renumbered, to one an earlier
    chunk brought is not written again: references point to the earlier copy. Memory: the current
    chunk, 8 bytes per object written, 16 bytes per distinct font or form object.
    """

    ROOT_PAGES, CATALOG, INFO = 1, 2, 3

    def __init__(self, out: BinaryIO, *, start_on_odd: bool = False) -> None:
        self._out = out
        self._start_on_odd = start_on_odd
        self._offsets = array("Q", [0, 0, 0, 0])  # index = object number; 1-3 written last
        self._nodes = array("Q")
        self._shared: dict[bytes, int] = {}  # digest of a font or form object -> its number
        self._pos = 0
        self.pages = 0
        self.shared_objects = 0  # objects not written again because an equal one was
        self._emit([b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"])

    def _emit(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            self._out.write(piece)
            self._pos += len(piece)

    def append(self, data: bytes) -> int:
        """Append one chunk's pages; returns the 1-based page its first page lands on."""
        chunk = read_chunk(data)
        node, pages = chunk.page_tree()
        base = len(self._offsets) - 1
        self._offsets.extend(array("Q", bytes(8 * (chunk.size - 1))))  # numbers base+1 .. base+size-1
        numbering = _Numbering(chunk, base, _drawn_by_pages(chunk, node, pages), self._shared)
        writer = _Pieces(self._offsets, self._pos)
        dropped = {chunk.root} | ({chunk.info} if chunk.info is not None else set())
        for old in range(1, chunk.size):
            obj = chunk.objects.get(old)
            new = old + base
            if obj is None or old in dropped:
                writer.put(new, b"%d 0 obj\nnull\nendobj\n" % new)
                continue
            if old == node:
                continue  # rewritten below, as a child of the root
            if numbering.number(old) != new:  # an equal object is already written
                writer.put(new, b"%d 0 obj\nnull\nendobj\n" % new)
                continue
            writer.put(new, b"%d 0 obj%s%s" % (new, numbering.renumbered(old), obj.raw[obj.split :]))
        self.shared_objects += len(numbering.shared)
        kids = [numbering.number(page) for page in pages]
        if self._start_on_odd and self.pages % 2 == 1:
            blank = len(self._offsets)
            self._offsets.append(0)
            page = b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << >> >>" % (
                node + base,
                _MEDIABOX,
            )
            writer.put(blank, _indirect(blank, page))
            kids.insert(0, blank)
        tree = b"<< /Type /Pages /Parent %d 0 R /Count %d /Kids [ %s ] >>" % (
            self.ROOT_PAGES,
            len(kids),
            b" ".join(b"%d 0 R" % k for k in kids),
        )
        writer.put(node + base, _indirect(node + base, tree))
        self._emit(writer.pieces)
        self._nodes.append(node + base)
        first = self.pages + len(kids) - len(pages) + 1
        self.pages += len(kids)
        return first

    def finish(self, producer: str = "broker-audit", title: str = "") -> int:
        """Write the page tree root, catalog, info, xref and trailer; returns the page count.

        `title` (ASCII, e.g. the batch id) becomes the document's title."""
        if self.pages == 0:
            raise ValueError("no pages to write")
        kids = b" ".join(b"%d 0 R" % k for k in self._nodes)
        name = producer.encode("ascii", "replace").replace(b"(", b"").replace(b")", b"")
        for num, body in (
            (self.ROOT_PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (self.pages, kids)),
            (self.CATALOG, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>" % self.ROOT_PAGES),
            (self.INFO, b"<< /Producer (%s) /Creator (%s)%s >>" % (name, name, _title_entry(title))),
        ):
            self._offsets[num] = self._pos
            self._emit([_indirect(num, body)])
        xref_at = self._pos
        size = len(self._offsets)
        self._emit([b"xref\n0 %d\n0000000000 65535 f \n" % size])
        for begin in range(1, size, 4096):
            rows = self._offsets[begin : begin + 4096]
            self._emit([b"".join(b"%010d 00000 n \n" % off for off in rows)])
        self._emit(
            [
                b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (size, self.CATALOG, self.INFO, xref_at)
            ]
        )
        return self.pages


def _drawn_by_pages(chunk: Chunk, node: int, pages: list[int]) -> set[int]:
    """The objects never shared with an earlier chunk: the catalog, the info, the page tree, the
    pages and what they draw (their contents)."""
    fixed = {chunk.root, node, *pages}
    if chunk.info is not None:
        fixed.add(chunk.info)
    for page in pages:
        contents = _CONTENTS.search(_code(chunk.dictionary(page)))
        if contents:
            fixed.update(int(m.group(1)) for m in _REF.finditer(contents.group(0)))
    return fixed


class _Numbering:
    """The new numbers of one chunk's objects: its own number plus `base`, or, for a font or form
    equal byte for byte (once renumbered) to one an earlier chunk brought, that one's number
    (`known`: digest -> number, kept by the joiner across chunks)."""

    def __init__(self, chunk: Chunk, base: int, fixed: set[int], known: dict[bytes, int]) -> None:
        self.chunk, self.base, self.fixed, self.known = chunk, base, fixed, known
        self.final: dict[int, int] = {}
        self.shared: set[int] = set()  # objects not written: an equal one was
        self._resolving: set[int] = set()

    def number(self, old: int) -> int:
        """The new number of the chunk's object `old` (an earlier equal copy, if shared)."""
        new = self.final.get(old)
        if new is not None:
            return new
        chunk = self.chunk
        if old not in chunk.objects:
            raise JoinError(f"the chunk refers to object {old}, which it does not hold")
        if old in self.fixed or old in self._resolving:
            self.final[old] = old + self.base
            return old + self.base
        self._resolving.add(old)
        body = self.renumbered(old)
        self._resolving.discard(old)
        if old in self.final:  # part of a cycle: numbered while its body was renumbered
            return self.final[old]
        obj = chunk.objects[old]
        digest = hashlib.blake2b(body + obj.raw[obj.split :], digest_size=16).digest()
        earlier = self.known.get(digest)
        if earlier is not None:
            self.shared.add(old)
            self.final[old] = earlier
        else:
            self.final[old] = self.known[digest] = old + self.base
        return self.final[old]

    def _shift(self, match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % self.number(int(match.group(1)))

    def renumbered(self, old: int) -> bytes:
        """The dictionary of object `old` with every reference renumbered (none inside strings
        or comments)."""
        dictionary = self.chunk.dictionary(old)
        if b" R" not in dictionary:
            return dictionary
        if b"(" not in dictionary and b"%" not in dictionary:
            return _REF.sub(self._shift, dictionary)
        return b"".join(
            _REF.sub(self._shift, piece) if is_code else piece for is_code, piece in _segments(dictionary)
        )


class _Pieces:
    """What one chunk adds to the output, collected before it is written: each object's offset
    goes into the joiner's table as the object is put."""

    def __init__(self, offsets: array[int], pos: int) -> None:
        self.offsets, self.pos = offsets, pos
        self.pieces: list[bytes] = []

    def put(self, num: int, piece: bytes) -> None:
        self.offsets[num] = self.pos
        self.pieces.append(piece)
        self.pos += len(piece)


def _indirect(num: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (num, body)


def join_pdfs(parts: Iterable[Path], path: Path, *, start_on_odd: bool = False) -> list[int]:
    """Join chunk PDFs into one at path (for benchmarks and tools), checked before it is in place.

    Returns the page each part starts on.
    """
    from broker_audit.files import atomic_file

    starts = []
    with atomic_file(Path(path), what=N_("joined PDF")) as out:
        joiner = StreamingJoiner(out, start_on_odd=start_on_odd)
        for part in parts:
            starts.append(joiner.append(Path(part).read_bytes()))
        pages = joiner.finish()
        out.flush()
        check_joined(out.fileno(), pages, name=Path(path).name)
    return starts


# --------------------------------------------------------------------------- reading back

_TRAILER = re.compile(
    rb"trailer\s*<<\s*/Size (\d+) /Root (\d+) 0 R /Info \d+ 0 R\s*>>\s*startxref\s*(\d+)\s*%%EOF\s*$"
)
_COUNT = re.compile(rb"/Count (\d+)")
_RELEASE_STEP = 2 << 20


def check_joined(source: Path | int, pages: int, *, name: str | None = None) -> int:
    """Read the joined file back (a path, or a file descriptor open for reading): the trailer and
    cross-reference table, every object where the table points, the page tree (root, chunk nodes,
    pages) and its page count, which must be `pages`. Returns the page count; raises
    BatchCheckFailed naming the first fault (and the file, `name`).

    It reads the file through a memory map, letting go of what it has read as it goes (so the
    file's pages do not count as this process's memory), and keeps an 8-byte offset per object:
    about 0.1 s for a 42,000-page batch (see bench/bench_batch.py)."""
    label = name or (Path(source).name if not isinstance(source, int) else "")
    with contextlib.ExitStack() as stack:
        fd = source if isinstance(source, int) else stack.enter_context(open(source, "rb")).fileno()
        reader = _ReadBack(stack.enter_context(mmap.mmap(fd, 0, access=mmap.ACCESS_READ)), label)
        found, counted = reader.count_pages(reader.read_xref())
        if found != counted or found != pages:
            raise reader.fail(f"{found} pages where {pages} were written")
    return found


class _ReadBack:
    """The joined file, mapped, as `check_joined` reads it: the offset of each object found
    through the cross-reference table, and the pages read so far let go of."""

    def __init__(self, data: mmap.mmap, label: str) -> None:
        self.data, self.label = data, label
        self.offsets = array("Q")
        self._released = 0

    def fail(self, what: str) -> BatchCheckFailed:
        return BatchCheckFailed(f"the batch PDF {self.label} failed its read-back check: {what}")

    def release(self, at: int) -> None:
        """Reading has reached `at`: drop the mapped pages read since the last call that dropped
        some, from this process (the page cache keeps them)."""
        at -= at % mmap.PAGESIZE
        if at < self._released:  # reading went back (objects 1-3 are at the end): start over here
            self._released = at
        elif at - self._released >= _RELEASE_STEP and hasattr(self.data, "madvise"):
            self.data.madvise(mmap.MADV_DONTNEED, self._released, at - self._released)
            self._released = at

    def dictionary(self, n: int) -> bytes:
        start = self.offsets[n - 1]
        end = self.data.find(b"endobj", start)
        return bytes(self.data[start:end])

    def read_xref(self) -> int:
        """Check the trailer and the cross-reference table, and each object where the table says;
        returns the catalog's number."""
        data = self.data
        trailer = _TRAILER.search(data, max(0, len(data) - 200))
        if trailer is None:
            raise self.fail("no trailer")
        size, root, xref_at = (int(g) for g in trailer.groups())
        header = b"xref\n0 %d\n" % size
        if data[xref_at : xref_at + len(header)] != header:
            raise self.fail("the cross-reference table is not where the trailer says")
        table = data[xref_at + len(header) : xref_at + len(header) + 20 * size]
        if len(table) != 20 * size or table[:20] != b"0000000000 65535 f \n":
            raise self.fail("the cross-reference table is cut short")
        for n in range(1, size):
            row = table[20 * n : 20 * n + 20]
            if row[10:] != b" 00000 n \n" or not row[:10].isdigit():
                raise self.fail(f"cross-reference entry {n} is damaged")
            offset = int(row[:10])
            if data[offset : offset + 24].split(b" obj", 1)[0] != b"%d 0" % n:
                raise self.fail(f"object {n} is not where the cross-reference table says")
            self.offsets.append(offset)
            self.release(offset)
        return root

    def count_pages(self, root: int) -> tuple[int, int]:
        """The pages found under the catalog's page tree (root, one node per chunk, pages: each
        node's count checked, every leaf a page), and the count its root gives."""
        top = re.search(rb"/Pages (\d+) 0 R", self.dictionary(root))
        if top is None:
            raise self.fail("the catalog has no page tree")
        head = self.dictionary(int(top.group(1)))
        count = _COUNT.search(head)
        kids = _KIDS.search(head)
        if count is None or kids is None:
            raise self.fail("the page tree's root is damaged")
        found = sum(self._node_pages(node_ref.group(1)) for node_ref in _REF.finditer(kids.group(1)))
        return found, int(count.group(1))

    def _node_pages(self, number: bytes) -> int:
        node = self.dictionary(int(number))
        node_count, node_kids = _COUNT.search(node), _KIDS.search(node)
        if node_count is None or node_kids is None:
            raise self.fail(f"page tree node {number.decode()} is damaged")
        leaves = [int(m.group(1)) for m in _REF.finditer(node_kids.group(1))]
        if len(leaves) != int(node_count.group(1)):
            raise self.fail(f"page tree node {number.decode()} miscounts its pages")
        for leaf in leaves:
            start = self.offsets[leaf - 1]
            if not _PAGE_TYPE.search(self.data, start, self.data.find(b"endobj", start)):
                raise self.fail(f"object {leaf} in the page tree is not a page")
            self.release(start)
        return len(leaves)


def _title_entry(title: str) -> bytes:
    """` /Title (...)` for the info dictionary, ASCII only, no characters a PDF string escapes."""
    clean = "".join(c for c in title if c.isascii() and c.isprintable() and c not in "()\\")
    return b" /Title (%s)" % clean.encode("ascii") if clean else b""
