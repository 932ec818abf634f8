"""Print engine for clinic batches: thousands of letters into one print-ready PDF, memory flat.

The batch is cut into chunks; worker processes (one per usable core by default) turn each chunk
into letters (with a `render` function, so the templates too are filled in the workers) and draw
them into a small PDF with :mod:`broker_audit.letters.pdf`; the parent joins the chunks, in order,
into one PDF as they come back (:mod:`broker_audit.letters.join`), while the workers draw the next
ones. The joined file is read back and checked before it replaces anything.

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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker_audit.errors import JoinError
from broker_audit.i18n import N_
from broker_audit.letters.document import Document
from broker_audit.letters.join import StreamingJoiner, check_joined, join_pdfs

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "BatchPdfResult",
    "GroupPdfResult",
    "JoinError",
    "join_pdfs",
    "safe_file_stem",
    "usable_cores",
    "write_batch_pdf",
    "write_pdf_per_group",
]

DEFAULT_CHUNK_SIZE = 200
"""Documents per chunk: ~400 pages, ~6 MB of reportlab state in a worker, a few ms to join."""

Progress = Callable[[int], None]
Render = Callable[[Any], Sequence[Document]]
"""Turns one item of a batch into its documents, in a worker: a module-level function or a
picklable callable object (it is sent to each worker once)."""


def usable_cores() -> int:
    """The processors this process may run on: os.process_cpu_count() (Python 3.13), else the
    CPU affinity mask, else os.cpu_count(); at least 1."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        found = count()
    elif hasattr(os, "sched_getaffinity"):
        found = len(os.sched_getaffinity(0))
    else:
        found = os.cpu_count()
    return max(1, found or 1)


@dataclass(frozen=True, slots=True)
class BatchPdfResult:
    """What one batch PDF holds: page and document counts, and where each document starts."""

    pages: int
    documents: int
    first_pages: list[int]
    chunks: int = 0
    join_seconds: float = 0.0
    check_seconds: float = 0.0
    shared_objects: int = 0  # fonts and forms kept once instead of once per chunk


@dataclass(frozen=True, slots=True)
class GroupPdfResult:
    """The PDFs written one per group (client), in the order the groups came."""

    paths: list[Path]
    pages: int
    documents: int
    first_pages: dict[str, list[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- worker side

_render: Render | None = None


def _init_worker(render: Render | None) -> None:
    from broker_audit.letters import pdf

    global _render
    _render = render
    pdf.paragraph_styles()  # registers the fonts


def _documents(items: list[Any], render: Render | None) -> list[Document]:
    if render is None:
        return items
    return [doc for item in items for doc in render(item)]


def _render_chunk(
    items: list[Any], folder: str, start_on_odd: bool, render: Render | None = None
) -> tuple[str, int, list[int]]:
    """Draw the items' documents into a new private PDF in folder; returns its path, page count
    and the page each document starts on. In a worker, `render` is the one it was started with."""
    from broker_audit.files import temp_file
    from broker_audit.letters import pdf

    docs = _documents(items, render or _render)
    fd, name = temp_file(folder, ".pdf")
    firsts: list[int] = []
    try:
        with os.fdopen(fd, "wb") as out:
            pages = pdf.write_documents(
                docs, out, start_on_odd=start_on_odd, first_pages=firsts, shared_fonts=True
            )
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return name, pages, firsts


def _render_group(item: Any, path: str, start_on_odd: bool) -> tuple[int, list[int]]:
    """Draw one group's documents into its own PDF at path."""
    from broker_audit.files import new_file
    from broker_audit.letters import pdf

    docs = _documents([item], _render) if _render is not None else list(item)
    firsts: list[int] = []
    fd = new_file(path)
    with os.fdopen(fd, "wb") as out:
        pages = pdf.write_documents(docs, out, start_on_odd=start_on_odd, first_pages=firsts)
    return pages, firsts


# --------------------------------------------------------------------------- batch


def _pool(workers: int, render: Render | None) -> ProcessPoolExecutor:
    # spawn: workers hold no copy of the parent's memory (vault keys, profiles), and their RSS
    # is their own, not copy-on-write pages of a big parent.
    return ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(render,),
    )


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _done(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """`fn(*args)` run here, as a finished future (its exception, if any, raised by result())."""
    future: Future[Any] = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


def _shutdown(pool: ProcessPoolExecutor, pending: Iterable[Future[Any]]) -> None:
    for future in pending:
        future.cancel()
    pool.shutdown(wait=True, cancel_futures=True)


def write_batch_pdf(
    items: Iterable[Any],
    path: Path,
    *,
    render: Render | None = None,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    start_on_odd: bool = True,
    progress: Progress | None = None,
    title: str = "",
    count: int | None = None,
) -> BatchPdfResult:
    """Write every document into one print-ready PDF at path, drawn by worker processes.

    `items` are the documents, or, with `render`, what `render` turns into documents in the
    workers (a client's plan: its cover sheet and letters), so that filling in the templates is
    spread over the workers too. `items` is read lazily, ``chunk_size`` at a time, with at most
    ``workers + 2`` chunks in flight, so memory stays flat whatever the batch size (`count` says
    how many items an iterator holds: one chunk is drawn here, without starting workers). ``workers``
    defaults to the usable cores. ``progress(n)`` is called with the number of documents written
    so far, in order, as chunks are joined. The joined file is read back (`check_joined`) before
    it is renamed into place. Returns the page count, the document count and the 1-based page
    each document starts on. On any error or interrupt no file appears at path (a previous one is
    kept) and the temporary chunks are removed.
    """
    import time

    from broker_audit.files import atomic_file, work_dir

    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    workers = workers or usable_cores()
    path = Path(path)
    pending: deque[Future[tuple[str, int, list[int]]]] = deque()
    first_pages: list[int] = []
    join_seconds, chunks = 0.0, 0
    if count is None and isinstance(items, Sequence):
        count = len(items)
    one_chunk = count is not None and count <= chunk_size
    # Chunks go to a private folder beside the target, the PDF to a private temporary file that
    # replaces path at the end, once read back; both are removed on any error (or by the next
    # run if this one is killed).
    with (
        work_dir(path.parent, path.name, what=N_("batch PDF chunks")) as work,
        atomic_file(path, what=N_("batch PDF")) as out,
    ):
        # one chunk is drawn here: starting worker processes would take longer than drawing it
        pool = None if one_chunk else _pool(workers, render)
        try:
            joiner = StreamingJoiner(out, start_on_odd=start_on_odd)
            batches = _batched(items, chunk_size)
            more = True
            while more or pending:
                while more and len(pending) < workers + 2:
                    batch = next(batches, None)
                    if batch is None:
                        more = False
                    elif pool is None:
                        pending.append(_done(_render_chunk, batch, str(work), start_on_odd, render))
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
            pages = joiner.finish(title=title)
            out.flush()
            join_seconds += time.perf_counter() - started
        except BaseException:
            if pool is not None:
                _shutdown(pool, pending)  # workers stop before their folder is removed
            raise
        if pool is not None:
            pool.shutdown(wait=True)
        started = time.perf_counter()
        check_joined(out.fileno(), pages, name=path.name)  # before it replaces anything
        check_seconds = time.perf_counter() - started
    return BatchPdfResult(
        pages=pages,
        documents=len(first_pages),
        first_pages=first_pages,
        chunks=chunks,
        join_seconds=join_seconds,
        check_seconds=check_seconds,
        shared_objects=joiner.shared_objects,
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
    groups: Iterable[tuple[str, Any]],
    folder: Path,
    *,
    render: Render | None = None,
    workers: int | None = None,
    start_on_odd: bool = True,
    progress: Progress | None = None,
) -> GroupPdfResult:
    """Write one PDF per group (e.g. per client) into folder, named after the group.

    A group is (name, documents), or with `render`, (name, what `render` turns into them in a
    worker). Groups are read lazily and drawn by worker processes (by default one per usable
    core). All files are first written into a
    private temporary folder inside ``folder`` and moved into place only when every group has
    been drawn, so a failure or an interrupt adds no file to folder. ``progress(n)`` gets the
    number of documents written so far.
    """
    from broker_audit.files import move_into_place, work_dir

    folder = Path(folder)
    workers = workers or usable_cores()
    pending: deque[tuple[str, Path, Future[tuple[int, list[int]]]]] = deque()
    taken: set[str] = set()
    written: list[tuple[str, Path]] = []
    first_pages: dict[str, list[int]] = {}
    pages = documents = 0
    with work_dir(folder, "groups", what=N_("per-client PDFs")) as stage:
        pool = _pool(workers, render)
        try:
            it = iter(groups)
            more = True
            while more or pending:
                while more and len(pending) < 2 * workers + 2:
                    group = next(it, None)
                    if group is None:
                        more = False
                        continue
                    name, item = group
                    staged = stage / f"{safe_file_stem(name, taken)}.pdf"
                    item = item if render is not None else list(item)
                    pending.append(
                        (name, staged, pool.submit(_render_group, item, str(staged), start_on_odd))
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
            move_into_place(staged, final, what=N_("client PDF"))
            paths.append(final)
    return GroupPdfResult(paths=paths, pages=pages, documents=documents, first_pages=first_pages)
