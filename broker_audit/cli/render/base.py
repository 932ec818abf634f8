"""What every drawing shares: the rich consoles, a line of text, a table row, clean text, and
the progress bar. Data is cleaned on its way to the terminal (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from broker_audit.cleantext import clean_lines, clean_value

if TYPE_CHECKING:
    from rich.progress import TaskID

console = Console()
err_console = Console(stderr=True)


def clean(value: object) -> str:
    """One line of data, safe for the terminal."""
    return clean_value(value)


def joined(values: Iterable[object]) -> str:
    """Values of data, cleaned, comma-separated."""
    return ", ".join(clean(v) for v in values)


def _cell(value: object) -> Text:
    if isinstance(value, Text):
        plain = clean_lines(value.plain)
        return value if plain == value.plain else Text(plain, style=value.style)
    return Text(clean_lines(value if isinstance(value, str) else str(value)))


def add_text_row(table: Table, *values: object, style: str | None = None) -> None:
    """Add a row of plain text: data never goes through rich markup (a name like "[/]"
    would break it, or restyle the table) and loses its control characters."""
    table.add_row(*(_cell(v) for v in values), style=style)


def say(*parts: str | tuple[str, str], err: bool = False) -> None:
    """Print one line of plain text (no markup); a part may be (text, style). Data is cleaned."""
    line = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, "")
        line.append(clean_lines(text), style=style)
    (err_console if err else console).print(line, highlight=False, soft_wrap=True)


class progress_bar:
    """A rich progress bar on stderr with rate and time left; yields `advance(done, total)`."""

    def __init__(self, title: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn(title),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        # shown from the first step on: work refused before it starts leaves no bar above its error
        def advance(done: int, total: int) -> None:
            if self._task is None:
                self._progress.start()
                self._task = self._progress.add_task("work", total=None, rate="")
            task = self._progress.tasks[0]
            elapsed = task.elapsed or 0.0
            rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
            assert self._task is not None
            self._progress.update(self._task, completed=done, total=total, rate=rate)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._progress.stop()
