"""Render a letter template (Jinja2, sandboxed, strict) into a :class:`Document`.

Templates are ``<kind>.txt.j2`` files. A user folder given as ``templates_dir`` overrides the
shipped templates file by file. Templates are untrusted: they run in a sandbox that refuses access
to Python internals and stops templates that would exhaust time or memory. Every such failure
becomes :class:`TemplateRefused` naming the template file, never a traceback.

Limits (per letter): output at most :data:`MAX_OUTPUT` characters; no string, list or number built
larger than that; at most :data:`MAX_STEPS` loop iterations plus calls; at most
:data:`MAX_SECONDS` of rendering; at most :data:`MAX_BLOCKS` blocks and :data:`MAX_BLOCK_CHARS`
characters in one block, so laying the letter out as a PDF is bounded too.

Templates are read only as regular files inside their folder (:class:`FolderLoader`): every path
component is opened with ``O_NOFOLLOW`` relative to the one before, so a symbolic link (to ``/``,
to ``/proc/self/environ``, to a key file), a ``..`` or an absolute name is refused, never followed;
the file itself is read by the one safe-read helper (``files.read_open_file``), which refuses a
file with another name (a hard link to ``/etc/shadow`` is one) and one that is not the size it says.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import msgspec

from broker_audit.errors import UserError
from broker_audit.i18n import N_
from broker_audit.letters.document import Block, Bullets, Document, Lines
from broker_audit.letters.markup import MarkupError, find_placeholder, parse_markup

if TYPE_CHECKING:
    from jinja2 import Environment, Template, nodes
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment

_T = TypeVar("_T")

MAX_OUTPUT = 200_000
"""Characters one letter may render to; also the cap on any string or list a template builds."""
MAX_EMITTED = 4 * MAX_OUTPUT
"""Characters a render may write in total, counting text written into macros and set blocks."""
MAX_STEPS = 250_000
"""Loop iterations plus calls one render may make."""
MAX_SECONDS = 0.75
"""Wall-clock time one render may take."""
MAX_BLOCKS = 2_000
"""Paragraphs, headings, bullet items and lines one letter may have (a real one has under 100)."""
MAX_BLOCK_CHARS = 20_000
"""Characters in one paragraph, bullet or group of kept lines (a real paragraph has under 2,000)."""
MAX_TEMPLATE_BYTES = 256 * 1024
"""Size of one template file."""
_MAX_INT_BITS = 4096

_KIND = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


class TemplateRefused(UserError):
    """A letter template could not be rendered safely; the message names the file."""


class _LimitExceeded(Exception):
    """Raised inside a render when a sandbox limit is hit."""


def shipped_templates_dir() -> Path:
    """The folder holding the shipped letter templates (installed wheel or source checkout)."""
    from broker_audit.datafiles import templates_dir

    return templates_dir()


# --------------------------------------------------------------------------- budget


class _Budget:
    """Work one render may still do; kept in a context variable for the sandbox hooks."""

    __slots__ = ("deadline", "emitted", "steps")

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.emitted = MAX_EMITTED
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise _LimitExceeded(f"more than {MAX_STEPS} loop iterations and calls")
        if self.steps % 512 == 0 and time.monotonic() > self.deadline:
            raise _LimitExceeded(f"rendering took longer than {MAX_SECONDS} s")


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("letter_budget")


def _budget() -> _Budget:
    try:
        return _BUDGET.get()
    except LookupError:  # only render_template_text sets a budget; never run without limits
        raise _LimitExceeded("letter templates render only through render_letter") from None


def _size(obj: object, limit: int = MAX_OUTPUT) -> int:
    """Characters obj would take as text, counted up to just past limit (cheap on shared lists)."""
    if isinstance(obj, str | bytes):
        return len(obj)
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj.bit_length() // 3
    if isinstance(obj, list | tuple | set | frozenset | dict):
        total = len(obj)
        for item in obj.items() if isinstance(obj, dict) else obj:
            if total > limit:
                break
            total += 1 + _size(item, limit - total)
        return total
    return 0


def _check_size(obj: _T, what: str) -> _T:
    if _size(obj) > MAX_OUTPUT:
        raise _LimitExceeded(f"{what} would exceed {MAX_OUTPUT} characters")
    return obj


def _check_int_args(args: Iterable[object], what: str) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_OUTPUT:
            raise _LimitExceeded(f"{what} called with a size above {MAX_OUTPUT}")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_DIGITS = re.compile(r"\d+")


def _check_format_string(fmt: str, args: Sequence[object]) -> None:
    """Refuse %- or {}-format strings that would pad to a huge width."""
    specs = [w for m in _PERCENT_SPEC.finditer(fmt) for w in m.groups() if w]
    specs += _BRACE_SPEC.findall(fmt)
    for spec in specs:
        for number in _DIGITS.findall(spec):
            if len(number) > 6 or int(number) > MAX_OUTPUT:
                raise _LimitExceeded(f"a format width above {MAX_OUTPUT}")
    if "*" in "".join(specs) or re.search(r"\{[^{}]*\{", fmt):
        _check_int_args(args, "format")


def _estimate_replace(s: str, old: object, new: object, count: object = -1) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return len(s)
    hits = len(s) + 1 if old == "" else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(s) + hits * len(new)


def _estimate_join(sep: object, items: object) -> int:
    n = len(items) if isinstance(items, Sized) else 0
    return _size(items) + (_size(sep) * max(n - 1, 0))


_STR_AMPLIFIERS = {"ljust", "rjust", "center", "zfill"}
_STR_FORBIDDEN = {"translate", "expandtabs", "format_map", "maketrans", "encode"}


def _precheck_str_method(name: str, owner: str, args: tuple[object, ...], kw: dict[str, object]) -> None:
    if name in _STR_AMPLIFIERS:
        _check_int_args([*args, *kw.values()], f"str.{name}")
    elif name == "replace":
        if _estimate_replace(owner, *args[:3], **kw) > MAX_OUTPUT:
            raise _LimitExceeded(f"str.replace would exceed {MAX_OUTPUT} characters")
    elif name == "join" and args:
        if _estimate_join(owner, args[0]) > MAX_OUTPUT:
            raise _LimitExceeded(f"str.join would exceed {MAX_OUTPUT} characters")
    elif name == "format":
        _check_format_string(owner, [*args, *kw.values()])


def _precheck_filter(name: str, value: object, args: tuple[object, ...], kw: dict[str, object]) -> None:
    extra = [*args, *kw.values()]
    _check_int_args(extra, f"filter {name!r}")
    if name == "replace" and isinstance(value, str):
        if _estimate_replace(value, *args[:3], **kw) > MAX_OUTPUT:
            raise _LimitExceeded(f"filter 'replace' would exceed {MAX_OUTPUT} characters")
    elif name == "join":
        sep = args[0] if args else kw.get("d", "")
        if _estimate_join(sep, value) > MAX_OUTPUT:
            raise _LimitExceeded(f"filter 'join' would exceed {MAX_OUTPUT} characters")
    elif name == "format" and isinstance(value, str):
        _check_format_string(value, extra)


def _binop_guard(op: str, left: object, right: object) -> None:
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            sized = isinstance(seq, str | list | tuple) and isinstance(n, int) and n > 0
            if sized and _size(seq) * cast(int, n) > MAX_OUTPUT:
                raise _LimitExceeded(f"'*' would build more than {MAX_OUTPUT} characters")
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() + right.bit_length() > _MAX_INT_BITS
        ):
            raise _LimitExceeded("'*' would build a huge number")
    elif op == "**":
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * math.log2(abs(left)) > _MAX_INT_BITS
        ):
            raise _LimitExceeded("'**' would build a huge number")
    elif op == "%" and isinstance(left, str):
        _check_format_string(left, right if isinstance(right, tuple) else (right,))
        _check_size(right, "'%' formatting")
    elif op == "+" and _size(left) + _size(right) > MAX_OUTPUT:
        raise _LimitExceeded(f"'+' would build more than {MAX_OUTPUT} characters")


# --------------------------------------------------------------------------- loading


def _refused(name: str, why: str) -> TemplateRefused:
    return TemplateRefused(
        f"template {name}: {why}",
        "templates are read only as regular files inside the templates folder (no links, no '..')",
    )


def _read_template(folder: Path, name: str) -> str | None:
    """The text of folder/name, opened component by component without following any link.

    None when there is no such file (so the next folder is tried); TemplateRefused for a name
    or file that could reach outside the folder, a non-regular file, a huge or non-UTF-8 one.
    """
    import os

    pieces = name.split("/")
    if "\\" in name or "\x00" in name or any(p in ("", ".", "..") for p in pieces):
        raise _refused(name, "the name leaves the templates folder")
    fds = [_open_templates_folder(folder)]
    try:
        for i, piece in enumerate(pieces):
            fd = _open_piece(fds[-1], piece, name, last=i == len(pieces) - 1)
            if fd is None:
                return None
            fds.append(fd)
        data = _read_regular(fds, name)
    finally:
        for fd in fds:
            os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateRefused(
            f"template {name}, line {line}: not UTF-8 text", "save the template as UTF-8"
        ) from None


def _open_flags() -> tuple[int, int, int, int]:
    """(read, no-follow, folder, non-blocking) open flags, 0 where the platform has none."""
    import os

    read = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    return read, getattr(os, "O_NOFOLLOW", 0), getattr(os, "O_DIRECTORY", 0), getattr(os, "O_NONBLOCK", 0)


def _open_templates_folder(folder: Path) -> int:
    """The templates folder itself, opened (the user's choice: it may be reached by a link)."""
    import os

    read, _, directory, _ = _open_flags()
    try:
        return os.open(folder, read | directory)
    except FileNotFoundError:
        raise TemplateRefused(
            f"templates folder {folder} does not exist", "check the --templates path"
        ) from None
    except OSError as exc:
        raise TemplateRefused(
            f"cannot open the templates folder {folder}: {exc.strerror}", "check the --templates path"
        ) from None


def _open_piece(parent: int, piece: str, name: str, *, last: bool) -> int | None:
    """One component of a template's path, opened inside `parent` without following a link: a
    folder, or (`last`) the file; None if there is no such thing."""
    import errno
    import os
    import stat

    read, nofollow, directory, nonblock = _open_flags()
    try:
        return os.open(piece, read | nofollow | (nonblock if last else directory), dir_fd=parent)
    except FileNotFoundError:
        return None
    except OSError as exc:
        is_link = exc.errno in (errno.ELOOP, errno.EMLINK)
        if exc.errno == errno.ENOTDIR:  # Linux, for a link opened as a folder
            with contextlib.suppress(OSError):
                is_link = stat.S_ISLNK(os.stat(piece, dir_fd=parent, follow_symlinks=False).st_mode)
            if not is_link:
                raise _refused(name, "passes through a file, not a folder") from None
        if is_link:
            raise _refused(name, "is a symbolic link or passes through one") from None
        raise _refused(name, f"cannot be read ({exc.strerror})") from None


def _read_regular(fds: list[int], name: str) -> bytes:
    """The bytes of the template open last in `fds` (taken from the list and closed once read),
    read by the one safe-read helper: a regular file with one name (no hard link), exactly its
    size, at most MAX_TEMPLATE_BYTES."""
    import os
    import stat

    from broker_audit.files import ReadRefused, read_open_file

    if not stat.S_ISREG(os.fstat(fds[-1]).st_mode):
        raise _refused(name, "is not a regular file")
    try:
        return read_open_file(fds.pop(), name, what=N_("template"), limit=MAX_TEMPLATE_BYTES)
    except ReadRefused as exc:
        why = {
            "too-large": f"is larger than {MAX_TEMPLATE_BYTES // 1024} kB",
            "hard-link": "has other names (hard links): it may be another file",
        }.get(exc.kind, "is not a regular file of the size it says")
        raise _refused(name, why) from None


def _folder_loader_class() -> type:
    from jinja2 import BaseLoader, TemplateNotFound

    class FolderLoader(BaseLoader):
        """Jinja loader for one folder: regular files inside it only (see :func:`_read_template`)."""

        def __init__(self, folder: Path) -> None:
            self.folder = Path(folder)

        def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            source = _read_template(self.folder, template)
            if source is None:
                raise TemplateNotFound(template)
            return source, str(self.folder / template), lambda: True

    return FolderLoader


FolderLoader = functools.cache(_folder_loader_class)


# --------------------------------------------------------------------------- environment


def _counted(iterable: Iterable[_T]) -> Iterator[_T]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


def _guarded_range(*args: int) -> Iterator[int]:
    from jinja2.sandbox import MAX_RANGE

    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise _LimitExceeded(f"range() longer than {MAX_RANGE}")
    return _counted(rng)


# The filters the sandbox wraps around every loop, every piece of text written and every part of a
# `~` concatenation (see LetterSandbox._parse); each takes the template's context first.


def _ba_iter(_ctx: Context, value: Iterable[_T]) -> Iterator[_T]:
    return _counted(value)


def _ba_emit(_ctx: Context, value: _T) -> _T:
    budget = _budget()
    budget.emitted -= _size(value, MAX_EMITTED)
    if budget.emitted < 0:
        raise _LimitExceeded(f"the letter would exceed {MAX_OUTPUT} characters")
    return value


def _ba_size(_ctx: Context, value: _T) -> _T:
    return _check_size(value, "'~' concatenation")


def _guard_filter(name: str, func: Callable[..., object]) -> Callable[..., object]:
    """Jinja's filter `func`, counted and held to the size limits, before and after."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: object, **kwargs: object) -> object:
        budget = _budget()
        budget.tick()
        value, extra = (args[skip], args[skip + 1 :]) if len(args) > skip else (None, ())
        _check_size(value, f"the value of filter {name!r}")
        for arg in (*extra, *kwargs.values()):
            _check_size(arg, f"an argument of filter {name!r}")
        _precheck_filter(name, value, extra, kwargs)
        return _check_size(func(*args, **kwargs), f"filter {name!r}")

    return guarded


def _precheck_call(obj: object, args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[object, ...]:
    """Before the sandbox calls `obj`: its arguments held to the size limits, a str method's
    result estimated (also through the sandbox's str.format wrapper), a loop's recursion
    counted. The arguments to call it with."""
    from jinja2.runtime import LoopContext

    _budget().tick()
    for arg in (*args, *kwargs.values()):
        _check_size(arg, "a call argument")
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, str):
        _precheck_str_method(getattr(obj, "__name__", ""), owner, args, kwargs)
    elif isinstance(obj, LoopContext) and args:
        args = (_counted(cast("Iterable[object]", args[0])), *args[1:])  # loop(iterable), recursive
    wrapped = getattr(obj, "__wrapped__", None)  # the sandbox's str.format wrapper
    wrapped_owner = getattr(wrapped, "__self__", None)
    if isinstance(wrapped_owner, str):
        _precheck_str_method(getattr(wrapped, "__name__", ""), wrapped_owner, args, kwargs)
    return args


def _count_everything(tree: nodes.Template) -> None:
    """Rewrite a parsed template so that every loop is counted (`_ba_iter`), every piece of text
    written is counted against the letter's size (`_ba_emit`), and every part of a `~`
    concatenation is held to it (`_ba_size`)."""
    from jinja2 import nodes

    def wrap(node: nodes.Expr, guard: str) -> nodes.Filter:
        if isinstance(node, nodes.TemplateData):
            node = nodes.Const(node.data, lineno=node.lineno)
        return nodes.Filter(node, guard, [], [], None, None, lineno=node.lineno)

    for loop in tree.find_all(nodes.For):
        loop.iter = wrap(cast("nodes.Expr", loop.iter), "_ba_iter")  # an expression, typed as any node
    for output in tree.find_all(nodes.Output):
        output.nodes = [wrap(child, "_ba_emit") for child in output.nodes]
    for concat in tree.find_all(nodes.Concat):
        concat.nodes = [wrap(child, "_ba_size") for child in concat.nodes]


def _sandbox_class() -> type[ImmutableSandboxedEnvironment]:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class LetterSandbox(ImmutableSandboxedEnvironment):
        """The sandbox plus limits on size, steps and time."""

        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
            if isinstance(obj, str) and attr in _STR_FORBIDDEN:
                return False
            return super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context: Context, operator: str, left: object, right: object) -> object:
            _budget().tick()
            _binop_guard(operator, left, right)
            return _check_size(super().call_binop(context, operator, left, right), operator)

        def call(__self, __context: Context, __obj: object, *args: object, **kwargs: object) -> object:
            args = _precheck_call(__obj, args, kwargs)
            return _check_size(super().call(__context, __obj, *args, **kwargs), "the result of a call")

        def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
            # Private hook, pinned by tests: count every loop and every written piece of text.
            tree = super()._parse(source, name, filename)
            _count_everything(tree)
            tree.set_environment(self)
            return tree

    return LetterSandbox


_LetterSandbox = functools.cache(_sandbox_class)


def _make_environment(templates_dir: Path | None) -> Environment:
    """Build the sandboxed, strict Jinja2 environment for one templates folder."""
    from jinja2 import ChoiceLoader, StrictUndefined, pass_context

    loader = FolderLoader()
    loaders = [loader(shipped_templates_dir())]
    if templates_dir is not None:
        loaders.insert(0, loader(templates_dir))
    env = _LetterSandbox()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters = {name: _guard_filter(name, f) for name, f in env.filters.items()}
    env.filters.update(
        {
            "_ba_iter": pass_context(_ba_iter),
            "_ba_emit": pass_context(_ba_emit),
            "_ba_size": pass_context(_ba_size),
        }
    )
    env.globals.pop("lipsum", None)
    env.globals["range"] = _guarded_range
    return env


@functools.lru_cache(maxsize=16)
def _environment(templates_dir: Path | None) -> Environment:
    return _make_environment(templates_dir)


# --------------------------------------------------------------------------- rendering


def _one_line(value: str) -> str:
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", value.replace("\t", " ")))


def _clean(value: object, depth: int = 0) -> object:
    """Caller data as single-line strings, so a value can never change the letter's structure."""
    if isinstance(value, str):
        return _one_line(value)
    if depth > 8:
        return value
    if isinstance(value, Mapping):
        return {k: _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v, depth + 1) for v in value)
    return value


def _strings(value: object, depth: int = 0) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif depth <= 8 and isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif depth <= 8 and isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v, depth + 1)


def _template_line(exc: BaseException, filename: str | None) -> str:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f", line {line}" if line else ""


def _load(kind: str, templates_dir: Path | None, folder: str = "") -> Template:
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    name = f"{folder}/{kind}.txt.j2" if folder else f"{kind}.txt.j2"
    if not _KIND.match(kind) or (folder and not _KIND.match(folder)):
        raise TemplateRefused(
            f"letter kind {kind!r} is not a valid name", "use lowercase letters, digits and '-'"
        )
    try:
        template: Template = _environment(templates_dir).get_template(name)
        return template
    except TemplateNotFound:
        where = f"{templates_dir} or the shipped templates" if templates_dir else "the templates"
        raise TemplateRefused(
            f"no letter template {name} in {where}",
            f"add {name} to your templates folder or pick another --kind",
        ) from None
    except TemplateSyntaxError as exc:
        raise TemplateRefused(
            f"template {exc.filename or name}, line {exc.lineno}: {exc.message}",
            "fix the template's Jinja syntax",
        ) from None
    except RecursionError:
        raise TemplateRefused(f"template {name} is nested too deeply") from None


def render_template_text(
    kind: str, context: Mapping[str, object], templates_dir: Path | None = None, folder: str = ""
) -> str:
    """Render the template of one letter kind to its markup text, inside the sandbox limits
    (`folder`: a language's own templates, `es/access.txt.j2`)."""
    from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

    template = _load(kind, templates_dir, folder)
    where = template.filename or template.name or kind
    token = _BUDGET.set(_Budget())
    try:
        text = template.render(context)
    except UndefinedError as exc:
        raise TemplateRefused(
            f"template {where}{_template_line(exc, template.filename)}: {exc.message}",
            "pass that value or remove it from the template",
        ) from None
    except SecurityError as exc:
        raise TemplateRefused(
            f"template {where}{_template_line(exc, template.filename)} does something unsafe: {exc.message}",
            "templates may only use the letter's data, filters and simple expressions",
        ) from None
    except _LimitExceeded as exc:
        raise TemplateRefused(
            f"template {where}{_template_line(exc, template.filename)} stopped: {exc}",
            "a letter template must not loop or grow text without bound",
        ) from None
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise TemplateRefused(
            f"template {where} stopped: {type(exc).__name__} (runaway recursion or size)",
            "a letter template must not recurse or grow text without bound",
        ) from None
    except TemplateError as exc:
        raise TemplateRefused(
            f"template {where}{_template_line(exc, template.filename)}: {exc.message}"
        ) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise TemplateRefused(
            f"template {where}{_template_line(exc, template.filename)} failed: {type(exc).__name__}",
            "check the expressions in the template",
        ) from None
    finally:
        _BUDGET.reset(token)
    if len(text) > MAX_OUTPUT:
        raise TemplateRefused(f"template {where} rendered more than {MAX_OUTPUT} characters")
    return text


def _check_layout_bounds(subject: str, blocks: Sequence[Block], where: str) -> None:
    """Refuse a letter whose layout would be unbounded: too many blocks, or one block too long.

    Laying a paragraph out costs more than rendering it (line breaking, long words split letter by
    letter), so the PDF engine's time is bounded here, before anything is drawn or written.
    """
    parts = 0
    for block in blocks:
        if isinstance(block, Bullets):
            pieces: Sequence[str] = block.items
        elif isinstance(block, Lines):
            pieces = block.lines
        else:
            pieces = (block.text,)
        parts += len(pieces)
        longest = max((len(p) for p in pieces), default=0)
        if isinstance(block, Lines):
            longest = sum(len(p) for p in pieces)
        if longest > MAX_BLOCK_CHARS or len(subject) > MAX_BLOCK_CHARS:
            raise TemplateRefused(
                f"template {where} made a paragraph longer than {MAX_BLOCK_CHARS:,} characters",
                "split long text into paragraphs (a blank line between them)",
            )
    if parts > MAX_BLOCKS:
        raise TemplateRefused(
            f"template {where} made a letter of more than {MAX_BLOCKS:,} paragraphs, items and lines",
            "a letter template must not loop or grow text without bound",
        )


def render_letter(
    kind: str,
    context: Mapping[str, object] | msgspec.Struct,
    *,
    sender: Sequence[str],
    recipient: Sequence[str],
    date: dt.date,
    reference: str,
    email_to: str | None = None,
    email_from: str | None = None,
    templates_dir: Path | None = None,
    language: str = "en",
    postal: bool = True,
    folder: str = "",
) -> Document:
    """Render ``<kind>.txt.j2`` with context into a :class:`Document`.

    Besides context, the template sees ``sender_lines``, ``recipient_lines``, ``date`` (a
    ``datetime.date``) and ``reference``, unless context sets them itself. String values are
    made single-line first, so data cannot change the letter's structure. Raises
    :class:`TemplateRefused` for a missing, unsafe or broken template. `folder`: a language's
    templates (`es/`), for a reading copy (letters/reading_copy.py).
    """
    sender_t = tuple(_one_line(line) for line in sender)
    recipient_t = tuple(_one_line(line) for line in recipient)
    values: dict[str, Any] = {
        "sender_lines": sender_t,
        "recipient_lines": recipient_t,
        "date": date,
        "reference": _one_line(reference),
    }
    # A typed context (letters/context.py) reaches the sandbox as plain values.
    plain: Mapping[str, object] = (
        msgspec.to_builtins(context) if isinstance(context, msgspec.Struct) else context
    )
    values.update({k: _clean(v, 1) for k, v in plain.items()})
    text = render_template_text(kind, values, templates_dir, folder)
    where = f"{folder}/{kind}.txt.j2" if folder else f"{kind}.txt.j2"
    checked = text
    for value in _strings(values):  # data may hold braces; only the template's own text counts
        if find_placeholder(value):
            checked = checked.replace(value, "")
    leftover = find_placeholder(checked)
    if leftover:
        raise TemplateRefused(
            f"template {where} left an unrendered placeholder {leftover!r} in the letter",
            "check the template's {{ }} and {% %} pairs",
        )
    try:
        parsed = parse_markup(text)
    except MarkupError as exc:
        raise TemplateRefused(f"template {where}: {exc}", "start the letter with 'Subject: '") from None
    _check_layout_bounds(parsed.subject, parsed.blocks, where)
    return Document(
        kind=kind,
        subject=parsed.subject,
        sender=sender_t,
        recipient=recipient_t,
        date=date,
        reference=values["reference"],
        blocks=parsed.blocks,
        email_to=email_to,
        email_from=email_from,
        language=language,
        postal=postal,
    )
