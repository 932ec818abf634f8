"""Print engine for clinic batches: thousands of letters into one print-ready PDF, memory flat.

Documents are cut into chunks; worker processes draw each chunk into its own small PDF with
:mod:`broker_audit.letters.pdf`; the parent joins the chunks, in order, into one PDF as they come
back, streaming: each chunk's objects are copied byte for byte with their numbers shifted, so the
joining step holds one chunk at a time and a few integers per page (a pypdf merge of 40,000 pages
held them all; see ``bench/bench_batch.py --compare-join``).

Every document starts on an odd page when ``start_on_odd`` (a blank back side is inserted, also
between chunks), so duplex printing never puts two letters on one sheet. The PDF is written to a
private temporary file beside the target and renamed into place at the end; chunks live in a
private temporary folder beside it. A failure or an interrupt removes both and leaves any earlier
file at the target untouched.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import re
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from broker_audit.letters.document import Document

DEFAULT_CHUNK_SIZE = 200
"""Documents per chunk: ~400 pages, ~6 MB of reportlab state in a worker, a few ms to join."""

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class BatchPdfResult:
    """What one batch PDF holds: page and document counts, and where each document starts."""

    pages: int
    documents: int
    first_pages: list[int]
    chunks: int = 0
    join_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class GroupPdfResult:
    """The PDFs written one per group (client), in the order the groups came."""

    paths: list[Path]
    pages: int
    documents: int
    first_pages: dict[str, list[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- worker side


def _init_worker() -> None:
    from broker_audit.letters import pdf

    pdf.register_fonts()
    pdf._styles()


def _render_chunk(docs: list[Document], folder: str, start_on_odd: bool) -> tuple[str, int, list[int]]:
    """Draw docs into a new private PDF in folder; returns its path, page count and first pages."""
    from broker_audit.files import temp_file
    from broker_audit.letters import pdf

    fd, name = temp_file(folder, ".pdf")
    firsts: list[int] = []
    try:
        with os.fdopen(fd, "wb") as out:
            pages = pdf._write(docs, out, start_on_odd, firsts)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return name, pages, firsts


def _render_group(docs: list[Document], path: str, start_on_odd: bool) -> tuple[int, list[int]]:
    """Draw one group's documents into its own PDF at path."""
    from broker_audit.files import new_file
    from broker_audit.letters import pdf

    firsts: list[int] = []
    fd = new_file(path)
    with os.fdopen(fd, "wb") as out:
        pages = pdf._write(docs, out, start_on_odd, firsts)
    return pages, firsts


# --------------------------------------------------------------------------- streaming join

_OBJ_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n")
_XREF_SECTION = re.compile(rb"\s*(\d+)\s+(\d+)\s*[\r\n]+")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
# a literal string, a hex string, or an indirect reference: only references are rewritten
_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(\d+)\s+\d+\s+R\b")
_REF = re.compile(rb"/(\w+)\s+(\d+)\s+\d+\s+R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_REFS = re.compile(rb"(\d+)\s+\d+\s+R")
_INHERITED = re.compile(rb"/(Resources|MediaBox|CropBox|Rotate)\b")
_MEDIABOX = b"[ 0 0 612 792 ]"


class JoinError(ValueError):
    """A chunk PDF is not in the simple form the streaming joiner copies (classic xref, flat tree)."""


@dataclass(slots=True)
class _Chunk:
    objects: dict[int, bytes]  # object number -> its bytes, "n 0 obj" to before the next object
    size: int  # the trailer's /Size: object numbers run 1 .. size - 1
    root: int
    info: int | None

    def dictionary(self, num: int) -> bytes:
        raw = self.objects[num]
        match = _STREAM.search(raw)
        return raw[: match.start()] if match else raw

    def ref(self, num: int, key: bytes) -> int | None:
        for match in _REF.finditer(self.dictionary(num)):
            if match.group(1) == key:
                return int(match.group(2))
        return None

    def page_tree(self) -> tuple[int, list[int]]:
        """The page tree's (single, flat) node and its pages in order."""
        node = self.ref(self.root, b"Pages")
        if node is None or node not in self.objects:
            raise JoinError("chunk has no page tree")
        head = self.dictionary(node)
        kids = _KIDS.search(head)
        if kids is None or _INHERITED.search(head):
            raise JoinError("chunk page tree carries inherited attributes")
        pages = [int(kid.group(1)) for kid in _REFS.finditer(kids.group(1))]
        for page in pages:
            if b"/Kids" in self.dictionary(page):
                raise JoinError("chunk page tree is nested")
        return node, pages


def _read_chunk(data: bytes) -> _Chunk:
    """Index a reportlab-written PDF: object slices by its (classic) xref table."""
    if not data.startswith(b"%PDF-"):
        raise JoinError("chunk is not a PDF")
    at = data.rfind(b"startxref")
    if at < 0:
        raise JoinError("chunk has no startxref")
    xref_at = int(data[at + 9 :].split()[0])
    if data[xref_at : xref_at + 4] != b"xref":
        raise JoinError("chunk uses an xref stream")
    pos = xref_at + 4
    offsets: dict[int, int] = {}
    while (section := _XREF_SECTION.match(data, pos)) is not None:
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        for i in range(count):
            row = _XREF_ROW.match(data, pos)
            if row is None:
                raise JoinError("chunk xref table is damaged")
            if row.group(3) == b"n":
                offsets[first + i] = int(row.group(1))
            pos = row.end()
            while data[pos : pos + 1] in (b" ", b"\r", b"\n"):
                pos += 1
    trailer = data[pos:at]
    if not trailer.lstrip().startswith(b"trailer"):
        raise JoinError("chunk has several xref sections (incremental update)")
    refs = {m.group(1): int(m.group(2)) for m in _REF.finditer(trailer)}
    size = re.search(rb"/Size\s+(\d+)", trailer)
    if b"Root" not in refs or size is None:
        raise JoinError("chunk has no catalog")
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    ends = [off for _, off in ordered[1:]] + [xref_at]
    objects = {}
    for (num, start), end in zip(ordered, ends, strict=True):
        head = _OBJ_HEAD.match(data, start)
        if head is None or int(head.group(1)) != num or num >= int(size.group(1)):
            raise JoinError(f"chunk xref points past object {num}")
        objects[num] = data[start:end]
    return _Chunk(objects=objects, size=int(size.group(1)), root=refs[b"Root"], info=refs.get(b"Info"))


class StreamingJoiner:
    """Append PDFs made by reportlab into one output file, page order kept, one chunk in memory.

    A chunk's objects keep their order and are shifted by a constant (every ``n 0 R`` becomes
    ``n+base 0 R``, found by one regular expression over the dictionaries only); its page-tree node
    becomes a child of the new root; its catalog and info become ``null``; stream data is copied
    unchanged. Memory: the current chunk plus 8 bytes per object written.
    """

    ROOT_PAGES, CATALOG, INFO = 1, 2, 3

    def __init__(self, out: BinaryIO, *, start_on_odd: bool = False) -> None:
        self._out = out
        self._start_on_odd = start_on_odd
        self._offsets = array("Q", [0, 0, 0, 0])  # index = object number; 1-3 written last
        self._nodes = array("Q")
        self._pos = 0
        self.pages = 0
        self._emit([b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"])

    def _emit(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            self._out.write(piece)
            self._pos += len(piece)

    def append(self, data: bytes) -> int:
        """Append one chunk's pages; returns the 1-based page its first page lands on."""
        chunk = _read_chunk(data)
        node, pages = chunk.page_tree()
        base = len(self._offsets) - 1
        self._offsets.extend(array("Q", bytes(8 * (chunk.size - 1))))  # numbers base+1 .. base+size-1

        def shift(match: re.Match[bytes]) -> bytes:
            old = match.group(1)
            return match.group(0) if old is None else b"%d 0 R" % (int(old) + base)

        offsets, pos = self._offsets, self._pos
        pieces: list[bytes] = []

        def put(num: int, piece: bytes) -> None:
            nonlocal pos
            offsets[num] = pos
            pieces.append(piece)
            pos += len(piece)

        dropped = {chunk.root, node} | ({chunk.info} if chunk.info is not None else set())
        for old in range(1, chunk.size):
            raw = chunk.objects.get(old)
            new = old + base
            if raw is None or old in dropped:
                if old != node:
                    put(new, b"%d 0 obj\nnull\nendobj\n" % new)
                continue
            head = _OBJ_HEAD.match(raw)
            assert head is not None
            stream = _STREAM.search(raw, head.end())
            split = stream.start() if stream else len(raw)
            dictionary = raw[head.end() : split]
            if b" R" in dictionary:
                dictionary = _TOKEN.sub(shift, dictionary)
            put(new, b"%d 0 obj%s%s" % (new, dictionary, raw[split:]))
        kids = [page + base for page in pages]
        if self._start_on_odd and self.pages % 2 == 1:
            blank = len(offsets)
            offsets.append(0)
            put(
                blank,
                _object(
                    blank,
                    b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << >> >>"
                    % (node + base, _MEDIABOX),
                ),
            )
            kids.insert(0, blank)
        put(
            node + base,
            _object(
                node + base,
                b"<< /Type /Pages /Parent %d 0 R /Count %d /Kids [ %s ] >>"
                % (self.ROOT_PAGES, len(kids), b" ".join(b"%d 0 R" % k for k in kids)),
            ),
        )
        self._emit(pieces)
        self._nodes.append(node + base)
        first = self.pages + len(kids) - len(pages) + 1
        self.pages += len(kids)
        return first

    def finish(self, producer: str = "broker-audit") -> int:
        """Write the page tree root, catalog, info, xref and trailer; returns the page count."""
        if self.pages == 0:
            raise ValueError("no pages to write")
        kids = b" ".join(b"%d 0 R" % k for k in self._nodes)
        name = producer.encode("ascii", "replace").replace(b"(", b"").replace(b")", b"")
        for num, body in (
            (self.ROOT_PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (self.pages, kids)),
            (self.CATALOG, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>" % self.ROOT_PAGES),
            (self.INFO, b"<< /Producer (%s) /Creator (%s) >>" % (name, name)),
        ):
            self._offsets[num] = self._pos
            self._emit([_object(num, body)])
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


def _object(num: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (num, body)


def join_pdfs(parts: Iterable[Path], path: Path, *, start_on_odd: bool = False) -> list[int]:
    """Join reportlab-made PDFs into one at path (for benchmarks and tools).

    Returns the page each part starts on.
    """
    from broker_audit.files import atomic_file

    starts = []
    with atomic_file(Path(path), what="joined PDF") as out:
        joiner = StreamingJoiner(out, start_on_odd=start_on_odd)
        for part in parts:
            starts.append(joiner.append(Path(part).read_bytes()))
        joiner.finish()
    return starts


# --------------------------------------------------------------------------- batch


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn: workers hold no copy of the parent's memory (vault keys, profiles), and their RSS
    # is their own, not copy-on-write pages of a big parent.
    return ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
    )


def _batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _shutdown(pool: ProcessPoolExecutor, pending: Iterable[Future[Any]]) -> None:
    for future in pending:
        future.cancel()
    pool.shutdown(wait=True, cancel_futures=True)


def write_batch_pdf(
    documents: Iterable[Document],
    path: Path,
    *,
    workers: int = 2,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    start_on_odd: bool = True,
    progress: Progress | None = None,
) -> BatchPdfResult:
    """Write every document into one print-ready PDF at path, drawn by worker processes.

    ``documents`` is read lazily, ``chunk_size`` at a time, with at most ``workers + 2`` chunks
    in flight, so memory stays flat whatever the batch size. ``progress(n)`` is called with the
    number of documents written so far, in order, as chunks are joined. Returns the page count,
    the document count and the 1-based page each document starts on. On any error or interrupt
    no file appears at path (a previous one is kept) and the temporary chunks are removed.
    """
    import time

    from broker_audit.files import atomic_file, work_dir

    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    path = Path(path)
    pending: deque[Future[tuple[str, int, list[int]]]] = deque()
    first_pages: list[int] = []
    join_seconds, chunks = 0.0, 0
    # Chunks go to a private folder beside the target, the PDF to a private temporary file that
    # replaces path at the end; both are removed on any error (or by the next run if killed).
    with (
        work_dir(path.parent, path.name, what="batch PDF chunks") as work,
        atomic_file(path, what="batch PDF") as out,
    ):
        pool = _pool(workers)
        try:
            joiner = StreamingJoiner(out, start_on_odd=start_on_odd)
            batches = _batched(documents, chunk_size)
            more = True
            while more or pending:
                while more and len(pending) < workers + 2:
                    batch = next(batches, None)
                    if batch is None:
                        more = False
                    else:
                        pending.append(pool.submit(_render_chunk, batch, str(work), start_on_odd))
                if not pending:
                    break
                name, _, firsts = pending.popleft().result()
                started = time.perf_counter()
                with open(name, "rb") as part:
                    data = part.read()
                os.unlink(name)
                offset = joiner.append(data) - 1
                del data
                join_seconds += time.perf_counter() - started
                first_pages.extend(offset + page for page in firsts)
                chunks += 1
                if progress is not None:
                    progress(len(first_pages))
            started = time.perf_counter()
            pages = joiner.finish()
            join_seconds += time.perf_counter() - started
        except BaseException:
            _shutdown(pool, pending)  # workers stop before their folder is removed
            raise
        pool.shutdown(wait=True)
    return BatchPdfResult(
        pages=pages,
        documents=len(first_pages),
        first_pages=first_pages,
        chunks=chunks,
        join_seconds=join_seconds,
    )


# --------------------------------------------------------------------------- one PDF per group

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_stem(name: str, taken: set[str]) -> str:
    """A file name stem from a group name: ASCII letters, digits, ``._-``; unique within taken."""
    stem = _UNSAFE.sub("-", name).strip("-.")[:80] or "group"
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate


def write_pdf_per_group(
    groups: Iterable[tuple[str, Sequence[Document]]],
    folder: Path,
    *,
    workers: int = 2,
    start_on_odd: bool = True,
    progress: Progress | None = None,
) -> GroupPdfResult:
    """Write one PDF per group (e.g. per client) into folder, named after the group.

    Groups are read lazily and drawn by worker processes. All files are first written into a
    private temporary folder inside ``folder`` and moved into place only when every group has
    been drawn, so a failure or an interrupt adds no file to folder. ``progress(n)`` gets the
    number of documents written so far.
    """
    from broker_audit.files import move_into_place, work_dir

    folder = Path(folder)
    pending: deque[tuple[str, Path, Future[tuple[int, list[int]]]]] = deque()
    taken: set[str] = set()
    written: list[tuple[str, Path]] = []
    first_pages: dict[str, list[int]] = {}
    pages = documents = 0
    with work_dir(folder, "groups", what="per-client PDFs") as stage:
        pool = _pool(workers)
        try:
            it = iter(groups)
            more = True
            while more or pending:
                while more and len(pending) < 2 * workers + 2:
                    group = next(it, None)
                    if group is None:
                        more = False
                        continue
                    name, docs = group
                    staged = stage / f"{safe_file_stem(name, taken)}.pdf"
                    pending.append(
                        (name, staged, pool.submit(_render_group, list(docs), str(staged), start_on_odd))
                    )
                if not pending:
                    break
                name, staged, future = pending.popleft()
                count, firsts = future.result()
                pages += count
                documents += len(firsts)
                first_pages[name] = firsts
                written.append((name, staged))
                if progress is not None:
                    progress(documents)
        except BaseException:
            _shutdown(pool, (f for _, _, f in pending))  # workers stop before their folder goes
            raise
        pool.shutdown(wait=True)
        paths = []
        for _, staged in written:
            final = folder / staged.name
            move_into_place(staged, final, what="client PDF")
            paths.append(final)
    return GroupPdfResult(paths=paths, pages=pages, documents=documents, first_pages=first_pages)
