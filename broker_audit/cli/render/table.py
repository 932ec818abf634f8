"""Plain-text tables for long listings (status, brokers list), and a pager for them.

rich draws a 600-row table in about 0.2 s and a 100,000-row one in about a minute; these listings
are drawn here instead: columns sized to their widest cell (by display width) and cut with an
ellipsis when the terminal is narrower, colour only on a terminal (and never with NO_COLOR), and
a pager when the listing is taller than the terminal. Cells are data: escape sequences and
control characters (which could move the cursor or rewrite the screen) are removed before
anything reaches the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from broker_audit.cleantext import clean_value

BOLD, RED, DIM, RESET = "\x1b[1m", "\x1b[31m", "\x1b[2m", "\x1b[0m"
STYLES = {"bold": BOLD, "red": RED, "bold red": BOLD + RED, "dim": DIM}


def clean(value: object) -> str:
    """A cell's text, safe for a terminal: one line, no escape sequences or control characters
    (`cleantext`, the one place that decides what a terminal may be sent)."""
    return clean_value(value)


def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide East Asian characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, an ellipsis marking the cut."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    out, used = [], 0
    for char in text:
        w = cell_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "\u2026"


def _pad(text: str, width: int, right: bool) -> str:
    gap = width - cell_width(text)
    if gap <= 0:
        return text
    return " " * gap + text if right else text + " " * gap


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # right-aligned (numbers)
    min_width: int = 4  # never narrower than this when the table must shrink
    shrink: bool = True  # False: always as wide as its widest cell (ids people type)


def format_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    styles: Sequence[str | None] | None = None,
    colour: bool = False,
) -> list[str]:
    """The table's lines: header, rule, one line per row. Cells must be `clean` already.

    Columns take their widest cell; when the total exceeds `width`, the widest columns give up
    space first, and cells that no longer fit are cut with an ellipsis. `styles[i]` (a key of
    STYLES) colours row i when `colour`.
    """
    gap = 2
    widths = [cell_width(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            w = len(cell) if cell.isascii() else cell_width(cell)
            if w > widths[i]:
                widths[i] = w
    if width is not None:
        excess = sum(widths) + gap * (len(columns) - 1) - width
        while excess > 0:
            flexible = [i for i, c in enumerate(columns) if c.shrink]
            floors = {i: max(columns[i].min_width, cell_width(columns[i].header)) for i in flexible}
            flexible = [i for i in flexible if widths[i] > floors[i]]
            if not flexible:
                break
            widest = max(flexible, key=lambda i: widths[i])
            floor = floors[widest]
            cut = min(excess, widths[widest] - floor, max(1, widths[widest] // 4))
            widths[widest] -= cut
            excess -= cut
    sep = " " * gap

    def line(cells: Sequence[str]) -> str:
        return sep.join(
            _pad(fit(cell, w), w, c.right) for cell, w, c in zip(cells, widths, columns, strict=True)
        ).rstrip()

    header = line([c.header for c in columns])
    out = [f"{BOLD}{header}{RESET}" if colour else header, sep.join("\u2500" * w for w in widths)]
    for i, row in enumerate(rows):
        text = line(row)
        style = styles[i] if styles is not None else None
        out.append(f"{STYLES[style]}{text}{RESET}" if colour and style else text)
    return out


def terminal_width(stream: TextIO | None = None) -> int | None:
    """The terminal's width when writing to one (or COLUMNS is set), else None: no cutting."""
    stream = stream or sys.stdout
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if _isatty(stream):
        return _terminal_size().columns
    return None


def use_colour(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return _isatty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def show(lines: Iterable[str], *, stream: TextIO | None = None, page: bool = True) -> None:
    """Write the lines; on a terminal, through a pager when they are taller than the screen.

    The pager is $BROKER_AUDIT_PAGER, else $PAGER, else `less` (with LESS=FRX unless LESS is
    set: quit when one screen is enough, keep colours, leave the text on the screen); an empty
    BROKER_AUDIT_PAGER turns paging off. Without a pager the lines are written as they are.
    """
    stream = stream or sys.stdout
    lines = list(lines)
    if page and _isatty(stream) and len(lines) > _terminal_size().lines - 1:
        command = _pager_command()
        if command and _page(command, lines):
            return
    _write(stream, lines)


def _terminal_size() -> os.terminal_size:
    """The terminal's size (COLUMNS and LINES win), as shutil reports it, without importing it."""
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        size = os.terminal_size((80, 24))
    columns, lines = os.environ.get("COLUMNS", ""), os.environ.get("LINES", "")
    return os.terminal_size(
        (
            int(columns) if columns.isdigit() and int(columns) > 0 else size.columns or 80,
            int(lines) if lines.isdigit() and int(lines) > 0 else size.lines or 24,
        )
    )


def _write(stream: TextIO, lines: Sequence[str]) -> None:
    for start in range(0, len(lines), 2000):
        stream.write("\n".join(lines[start : start + 2000]) + "\n")
    stream.flush()


def _pager_command() -> str | None:
    command = os.environ.get("BROKER_AUDIT_PAGER")
    if command is not None:
        return command.strip() or None
    command = os.environ.get("PAGER", "").strip()
    if command:
        return command
    import shutil

    return "less" if shutil.which("less") else None


def _page(command: str, lines: Sequence[str]) -> bool:
    """Pipe the lines into the pager; False if it could not be started."""
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert pager.stdin is not None
    try:
        with pager.stdin as pipe:
            for start in range(0, len(lines), 2000):
                pipe.write(("\n".join(lines[start : start + 2000]) + "\n").encode("utf-8", "replace"))
    except BrokenPipeError:  # the reader quit early: fine
        pass
    except KeyboardInterrupt:
        pass
    while True:
        try:
            code = pager.wait()
            break
        except KeyboardInterrupt:  # ^C belongs to the pager, as with git and man
            continue
    return code != 127  # the shell could not find it: print instead
