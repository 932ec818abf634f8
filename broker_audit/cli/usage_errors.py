"""Typer's usage errors ("No such option", "Missing argument", "Invalid value for ...") in the
reader's language.

Typer's copy of click writes these messages as English f-strings, not through gettext (and the
value checks under them are pydantic's English), so there is no catalog of theirs to load. Their
shapes are few and stable: each is matched here by a pattern and put into the catalog's words
(`_`), the values it holds (an option, a value the user typed, the choices) kept as they are. A
message that matches no pattern (a newer typer's) is shown as typer wrote it; our own
`typer.BadParameter` messages are already translated when they are raised and pass through.
"""

from __future__ import annotations

import re
from typing import Any

from broker_audit.i18n import N_, _, current_language

_WHOLE: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"No such option: (?P<option>\S+) \(Possible options: (?P<choices>.+)\)"),
        N_("No such option: {option} (did you mean: {choices}?)"),
    ),
    (re.compile(r"No such option: (?P<option>\S+)"), N_("No such option: {option}")),
    (re.compile(r"No such command (?P<command>.+)\."), N_("No such command {command}.")),
    (re.compile(r"Missing command\."), N_("Missing command.")),  # i18n: not user-facing (a pattern)
    (re.compile(r"Missing argument (?P<name>.+)\.(?: (?P<more>.*))?"), N_("Missing argument {name}.")),
    (re.compile(r"Missing option (?P<name>.+)\.(?: (?P<more>.*))?"), N_("Missing option {name}.")),
    (re.compile(r"Missing parameter (?P<name>.+)\.(?: (?P<more>.*))?"), N_("Missing value {name}.")),
    (
        re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<extra>.*)\)"),
        N_("Got an argument it does not take: {extra}"),
    ),
    (
        re.compile(r"Option (?P<option>\S+) requires an argument\."),
        N_("Option {option} needs a value after it."),
    ),
    (
        re.compile(r"Option (?P<option>\S+) requires (?P<count>\d+) arguments\."),
        N_("Option {option} needs {count} values after it."),
    ),
    (re.compile(r"Option (?P<option>\S+) does not take a value\."), N_("Option {option} takes no value.")),
    (
        re.compile(r"Argument (?P<name>\S+) takes (?P<count>\d+) values\."),
        N_("Argument {name} takes {count} values."),
    ),
    (
        re.compile(r"Invalid value for (?P<name>.+?): (?P<why>.*)", re.DOTALL),
        N_("Invalid value for {name}: {why}"),
    ),
    (re.compile(r"Invalid value: (?P<why>.*)", re.DOTALL), N_("Invalid value: {why}")),
)
"""A whole message of typer's, and the catalog's message for it. `why` is a reason of its own
(_REASONS); `more` (what typer adds to a missing value) is dropped: it repeats the help."""

_PYDANTIC = "Input should be a valid "  # i18n: not user-facing (pydantic's words, matched)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_PYDANTIC + r"integer.*"), N_("it should be a whole number")),
    (re.compile(_PYDANTIC + r"number.*"), N_("it should be a number")),
    (re.compile(_PYDANTIC + r"boolean.*"), N_("it should be yes or no")),
    (re.compile(_PYDANTIC + r"date.*"), N_("it should be a date (YYYY-MM-DD)")),
    (re.compile(r"Input should be greater than or equal to (?P<low>\S+)"), N_("it should be {low} or more")),
    (re.compile(r"Input should be less than or equal to (?P<high>\S+)"), N_("it should be {high} or less")),
    (re.compile(r"(?P<value>.+) is not one of (?P<choices>.+)\."), N_("{value} is not one of {choices}.")),
    (
        re.compile(r"(?P<value>.+) does not match the formats? (?P<formats>.+)\."),
        N_("{value} is not written as {formats}."),
    ),
    (re.compile(r"Value (?P<value>.+) is not a valid (?P<kind>\S+)\."), N_("{value} is not valid here.")),
    (
        re.compile(r"(?P<label>File|Directory|Path) (?P<path>.+) does not exist\."),
        N_("{path} does not exist."),
    ),
    (
        re.compile(r"(?P<label>File|Directory|Path) (?P<path>.+) is a file\."),
        N_("{path} is a file, not a folder."),
    ),
    (
        re.compile(r"(?P<label>File|Directory|Path) (?P<path>.+) is a directory\."),
        N_("{path} is a folder, not a file."),
    ),
    (
        re.compile(r"(?P<label>File|Directory|Path) (?P<path>.+) is not readable\."),
        N_("{path} cannot be read."),
    ),
    (
        re.compile(r"(?P<label>File|Directory|Path) (?P<path>.+) is not writable\."),
        N_("{path} cannot be written to."),
    ),
)
"""What typer (or pydantic under it) says is wrong with a value."""


def _fill(found: re.Match[str], message: str) -> str:
    values = {k: v for k, v in found.groupdict().items() if v is not None}
    if "why" in values:
        values["why"] = translate_reason(values["why"])
    return _(message).format_map(_Keep(values))


class _Keep(dict[str, str]):
    """Placeholders a translation names and the match does not hold stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate_reason(reason: str) -> str:
    """What is wrong with a value, in the current language (as it is when no pattern knows it)."""
    for pattern, message in _REASONS:
        found = pattern.fullmatch(reason.strip())
        if found:
            return _fill(found, message)
    return reason


def translate_usage(message: str) -> str:
    """One of typer's usage messages in the current language (as it is when no pattern knows it,
    and in English: typer's own words are the English ones)."""
    if current_language() == "en":
        return message
    for pattern, catalog_message in _WHOLE:
        found = pattern.fullmatch(message.strip())
        if found:
            return _fill(found, catalog_message)
    return message


def localise_usage_errors() -> None:
    """Make typer show its usage errors through `translate_usage` (rich's error box, and the plain
    one typer uses without rich)."""
    import typer.rich_utils as rich_utils

    def translating(show: Any) -> Any:
        if getattr(show, "translating", False):
            return show

        def shown(error: Any, *args: Any, **kwargs: Any) -> None:
            original = error.format_message()
            error.format_message = lambda: translate_usage(original)
            show(error, *args, **kwargs)

        shown.translating = True  # type: ignore[attr-defined]
        return shown

    rich_utils.rich_format_error = translating(rich_utils.rich_format_error)
    try:
        from typer._click import exceptions
    except ImportError:  # a typer without its own copy of click: rich's box is the one shown
        return
    for kind in (exceptions.ClickException, exceptions.UsageError):
        kind.show = translating(kind.show)  # type: ignore[method-assign]
