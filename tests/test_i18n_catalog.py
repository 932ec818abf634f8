"""The message catalog: complete, compiled as committed, extracted from the code as it is, and
every user-facing string of the covered modules inside it (scripts/i18n.py, the same code the
maintainers run)."""

from __future__ import annotations

import gettext
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tools() -> Any:
    spec = importlib.util.spec_from_file_location("i18n_tools", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tools"] = module
    spec.loader.exec_module(module)
    return module


tools = _tools()
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _strings(message: Any) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _ids(message: Any) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


@pytest.fixture(scope="module")
def spanish() -> Any:
    return tools.read_po(tools.po_path("es"))


def test_spanish_is_the_second_language() -> None:
    from broker_audit.i18n import LANGUAGES

    assert LANGUAGES == ("en", "es")
    assert tools.languages() == ["es"]


def test_spanish_catalog_has_no_untranslated_or_fuzzy_entry(spanish: Any) -> None:
    untranslated = [m.id for m in spanish if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in spanish if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len([m for m in spanish if m.id]) > 500


def test_spanish_plural_rule_is_one_and_other(spanish: Any) -> None:
    assert spanish.num_plurals == 2
    catalog = gettext.GNUTranslations(open(tools.po_path("es").with_suffix(".mo"), "rb"))  # noqa: SIM115
    assert catalog.ngettext("{days} day", "{days} days", 1) == "{days} día"
    assert catalog.ngettext("{days} day", "{days} days", 0) == "{days} días"
    assert catalog.ngettext("{days} day", "{days} days", 2) == "{days} días"


def test_every_message_is_extracted_from_the_code(spanish: Any) -> None:
    """The committed .pot and the .po hold exactly what the code marks today: run
    `python scripts/i18n.py all` after changing a message."""
    extracted = {(m.context, _ids(m)) for m in tools.extract() if m.id}
    template = {(m.context, _ids(m)) for m in tools.read_po(tools.TEMPLATE) if m.id}
    translated = {(m.context, _ids(m)) for m in spanish if m.id}
    assert extracted - template == set(), "new messages: run python scripts/i18n.py all"
    assert template - extracted == set(), "messages no longer in the code: run python scripts/i18n.py all"
    assert translated == template


def test_committed_mo_is_the_compiled_po(spanish: Any) -> None:
    """The .mo is committed (it ships in the wheel and serves the editable install); it must say
    what the .po says. Compared as catalogs, so another Babel's byte order does not matter."""
    import io

    committed = gettext.GNUTranslations(open(tools.po_path("es").with_suffix(".mo"), "rb"))  # noqa: SIM115
    fresh = gettext.GNUTranslations(io.BytesIO(tools.compile_mo(spanish)))
    assert committed._catalog == fresh._catalog  # type: ignore[attr-defined]


def test_translations_keep_every_placeholder(spanish: Any) -> None:
    """A translation that drops or renames a {placeholder} would fail at run time."""
    wrong = []
    for m in spanish:
        if not m.id:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_ids(m))))
        for text in _strings(m):
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((m.id, text))
    assert wrong == []


@pytest.mark.parametrize("module", tools.COVERED)
def test_no_user_facing_string_outside_the_catalog(module: str) -> None:
    """Every string a person reads in the covered modules goes through the catalog (or is marked
    English on purpose: what goes to an agency). The list grows as modules are converted."""
    assert tools.unwrapped_strings(ROOT / module) == []


def test_the_lint_finds_an_unwrapped_message(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from broker_audit.i18n import _\n"
        "def f(x):\n"
        '    """A docstring is not a message."""\n'
        '    ok = _("a message in the catalog")\n'
        '    bad = f"an English sentence about {x}"\n'
        '    also_bad = _(f"formatted {x} inside")\n'
        '    cmd = "broker-audit request lexisnexis --kind access"\n'
        '    raise ValueError("a bug, never shown")\n',
        encoding="utf-8",
    )
    found = tools.unwrapped_strings(source)
    assert [line for line, _ in found] == [5, 6]


def test_command_docstrings_are_extracted() -> None:
    docs = dict(
        (text.split("\n")[0], line)
        for line, text in tools.command_docstrings(ROOT / "broker_audit/cli/init.py")
    )
    assert "Create the encrypted vault and store your profile in it." in docs
