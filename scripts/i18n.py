"""The message catalog's tools: extract, update, compile, lint (Babel; the tests use the same code).

    python scripts/i18n.py extract   # broker_audit/locale/broker_audit.pot from the code
    python scripts/i18n.py update    # merge it into every language's .po (new entries untranslated)
    python scripts/i18n.py compile   # each .po -> its .mo (committed; a test fails when they differ)
    python scripts/i18n.py lint      # user-facing strings in the covered modules left outside the catalog
    python scripts/i18n.py all       # extract, update, compile, then lint

What is extracted: every ``_()``, ``N_()``, ``ngettext()``, ``gettext_in(lang, ...)`` and
``ngettext_in(lang, ...)`` call in broker_audit, and the docstring of every CLI command (typer
shows it as the command's --help; cli/app.py translates it when the command is built).

Why the .mo files are committed rather than compiled at build time: the package runs from a
source checkout (the test install is editable), from the sdist and from the wheel, and each needs
the compiled catalog without a build hook or Babel at build time; the drift test
(tests/test_i18n_catalog.py) compiles the .po in memory and fails when the committed .mo says
anything else, so a forgotten `compile` cannot ship.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "broker_audit"
LOCALE = PACKAGE / "locale"
DOMAIN = "broker_audit"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"

KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "gettext_in": (2,),
    "ngettext_in": (2, 3),
    "NP_": ((1, "c"), 2),
    "pgettext_in": ((2, "c"), 3),
}
TRANSLATING_CALLS = frozenset(KEYWORDS)

COVERED = (
    "broker_audit/errors.py",
    "broker_audit/dates.py",
    "broker_audit/vault/unlock.py",
    "broker_audit/cli/app.py",
    "broker_audit/cli/common.py",
    "broker_audit/cli/init.py",
    "broker_audit/audit/html_report.py",
    "broker_audit/audit/progress.py",
    "broker_audit/audit/rank.py",
    "broker_audit/audit/told.py",
    "broker_audit/audit/flow_svg.py",
    "broker_audit/services/evidence.py",
    "broker_audit/mail/rules.py",
    "broker_audit/letters/reading_copy.py",
    "broker_audit/letters/cover.py",
    # issue 24, phase 2: the whole command line, and what the services say through it
    *sorted(
        p.relative_to(ROOT).as_posix()
        for p in (*PACKAGE.glob("cli/*.py"), *PACKAGE.glob("cli/render/*.py"))
        if p.name != "contract.py"  # writes the JSON Schema: names of commands, not prose
    ),
    "broker_audit/letters/disclosure.py",
    "broker_audit/letters/exempt.py",
    "broker_audit/letters/sheet.py",
    "broker_audit/letters/records_identity.py",
    "broker_audit/findings/steps.py",
    "broker_audit/registry/routes.py",
    "broker_audit/intake/rows.py",
    "broker_audit/intake/dates.py",
    "broker_audit/services/audit.py",
    # issue 24, phase 3: what the services, the vault, the files and the mail layer say to a person
    *(
        f"broker_audit/services/{name}.py"
        for name in (
            "batch",
            "send",
            "email_sender",
            "senders",
            "inbox",
            "campaign",
            "replies",
            "mail",
            "drop",
            "clinic",
            "tracking",
            "resend",
            "followup",
            "evidence",
        )
    ),
    "broker_audit/profile.py",
    "broker_audit/files.py",
    "broker_audit/tomlerrors.py",
    *(f"broker_audit/vault/{p.name}" for p in sorted(PACKAGE.glob("vault/*.py"))),
    *(f"broker_audit/mail/{name}.py" for name in ("bounds", "draft", "imap", "smtp", "tls", "password")),
)
"""The modules whose user-facing strings all go through the catalog (`lint` checks them). The
CLI's help texts are checked for every command by building them (tests/cli/test_help_spanish.py).
A module not listed may still print English on purpose: registry check and lettercheck (maintainer
output), mail/match.py and mail/authres.py (their reasons are stored with a reply), scan/ (its
details are stored with a scan): add a module here once it is done."""

IGNORE_MARKS = ("i18n: not user-facing", "i18n: English on purpose")
"""A comment on a string's line that says it is not shown to a person (a CSS block), or that it
is written in English on purpose (what goes to a company or an agency with a complaint)."""

_NOT_SHOWN_CALLS = frozenset(
    {"TypeError", "ValueError", "KeyError", "AssertionError", "RuntimeError", "NotImplementedError"}
)
"""Errors that mean a bug: the CLI never shows their text (it prints the type only)."""
_TAG = re.compile(r"<[^<>]*>")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"')
_WORD = re.compile(r"(?<![\w-])[A-Za-z]{2,}")
_NOT_PROSE = ("broker-audit ", "--", "(?", "\\b")
_SQL = re.compile(r"(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|BEGIN|DROP|ALTER|WITH)\b")
"""A statement to SQLite (the vault's store), not prose."""
_STYLE_WORDS = frozenset(
    {"bold", "dim", "italic", "underline", "red", "green", "yellow", "blue", "on", "white"}
)
"""A rich style ("bold red") is not prose."""


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    # A string alone as a statement (an attribute's docstring) is documentation too.
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            ids.add(id(node.value))
    return ids


def looks_user_facing(text: str) -> bool:
    """Prose a person reads: two words or more outside markup, attributes and placeholders;
    not a command line, an option, or a regular expression."""
    bare = _ATTRIBUTE.sub(" ", _PLACEHOLDER.sub("", _TAG.sub(" ", text))).strip()
    if bare.startswith(_NOT_PROSE[:2]) or any(mark in text for mark in _NOT_PROSE[2:]):
        return False
    if set(bare.split()) <= _STYLE_WORDS or _SQL.match(bare):
        return False
    return " " in bare and len(_WORD.findall(bare)) >= 2


def unwrapped_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every user-facing string literal in `path` that is not inside a
    translating call, nor a docstring, nor a bug's exception, nor on a line marked with one
    of IGNORE_MARKS; also every translating call whose message is an f-string or a sum."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    marked = {
        tok.start[0]
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT and any(mark in tok.string for mark in IGNORE_MARKS)
    }
    docstrings = _docstring_nodes(tree)
    # A mark anywhere in a simple statement (one line of code as the formatter wraps it) covers
    # the strings in it.
    statement_of: dict[int, tuple[int, int]] = {}
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.stmt) and not hasattr(stmt, "body"):
            for sub in ast.walk(stmt):
                statement_of[id(sub)] = (stmt.lineno, stmt.end_lineno or stmt.lineno)
    inside, problems = _passed_over(tree, marked)
    for node in ast.walk(tree):
        if id(node) in inside or id(node) in docstrings:
            continue
        text = _literal_text(node)
        if text is None:
            continue
        first, last = statement_of.get(id(node), (node.lineno, node.end_lineno or node.lineno))
        if any(line in marked for line in range(first, last + 1)):
            continue
        if looks_user_facing(text):
            problems.append((node.lineno, text))
    return sorted(problems)


def _passed_over(tree: ast.AST, marked: set[int]) -> tuple[set[int], list[tuple[int, str]]]:
    """The ids of the nodes not to look at (inside a marked function, a translating or
    not-shown call, or an f-string's pieces), and the translating calls given an f-string or a
    sum."""
    inside: set[int] = set()
    for node in ast.walk(tree):  # a mark on a `def` line covers the whole function
        if isinstance(node, ast.FunctionDef) and node.lineno in marked:
            inside.update(id(sub) for sub in ast.walk(node))
    problems: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in TRANSLATING_CALLS or name in _NOT_SHOWN_CALLS:
                inside.update(id(sub) for sub in ast.walk(node))
            if name in TRANSLATING_CALLS:
                problems += _formatted_messages(node, name)
        elif isinstance(node, ast.JoinedStr):  # an f-string: its pieces are not strings of their own
            inside.update(id(sub) for sub in ast.walk(node) if sub is not node)
    return inside, problems


def _formatted_messages(node: ast.Call, name: str) -> list[tuple[int, str]]:
    """A translating call whose message argument is an f-string or a sum (never translated)."""
    spec = KEYWORDS[name] or (1,)
    positions = [(p[0] if isinstance(p, tuple) else p) - 1 for p in spec]
    return [
        (node.lineno, f"{name}() of an f-string or a sum: use placeholders")
        for index in positions
        if index < len(node.args) and isinstance(node.args[index], ast.JoinedStr | ast.BinOp)
    ]


def _literal_text(node: ast.AST) -> str | None:
    """A string constant's text, an f-string's with `{}` for each value; None for other nodes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}" for v in node.values
        )
    return None


def command_docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """The docstrings typer shows as --help: functions decorated with `.command(...)` or
    `.callback(...)`, and the command functions cli/app.py names (`*_command`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorated = any(
            isinstance(d, ast.Call) and _called_name(d) in ("command", "callback")
            for d in node.decorator_list
        )
        if decorated or node.name.endswith("_command"):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, doc


def extract() -> object:
    """The template catalog: every message the code marks, and every command's help."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(project="broker-audit", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for line, message, comments, context in extract_from_file("python", path, keywords=KEYWORDS):
            catalog.add(message, locations=[(relative, line)], auto_comments=comments, context=context)
        if "/cli/" in relative:
            for line, doc in command_docstrings(path):
                catalog.add(doc, locations=[(relative, line)], auto_comments=["command help (docstring)"])
    for name in ("brokers.toml", "agencies.toml"):
        for record_id, field, text in data_messages(ROOT / name):
            comment = f"data: {record_id}, {field}"
            catalog.add(text, locations=[(name, 0)], auto_comments=[comment])
    return catalog


def data_messages(path: Path) -> Iterator[tuple[str, str, str]]:
    """(record id, field, text) for every text of `path` in a field i18n.DATA_MESSAGES names:
    what the user reads to decide, shown through i18n.data_text."""
    import tomllib

    from broker_audit.i18n import DATA_MESSAGES

    def walk(node: object, trail: tuple[str, ...], record_id: str) -> Iterator[tuple[str, str, str]]:
        if isinstance(node, dict):
            record_id = node.get("id", record_id) if len(trail) == 1 else record_id
            for key, value in node.items():
                yield from walk(value, (*trail, key), record_id)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, trail, record_id)
        elif isinstance(node, str) and node and ".".join(trail) in DATA_MESSAGES:
            yield record_id, trail[-1], node

    with path.open("rb") as handle:
        yield from walk(tomllib.load(handle), (), "")


def _write_po(catalog: object, path: Path, **options: object) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, **options)  # type: ignore[arg-type]
    path.write_bytes(buffer.getvalue())


def read_po(path: Path) -> object:
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as handle:
        return babel_read_po(handle, domain=DOMAIN)


def compile_mo(catalog: object) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # type: ignore[arg-type]
    return buffer.getvalue()


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what in ("extract", "all"):
        template = extract()
        TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
        _write_po(template, TEMPLATE, ignore_obsolete=True, include_lineno=False)
        print(f"{TEMPLATE.relative_to(ROOT)}: {len(template)} messages")  # type: ignore[arg-type]
    if what in ("update", "all"):
        template = read_po(TEMPLATE)
        for language in languages():
            catalog = read_po(po_path(language))
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)  # type: ignore[attr-defined]
            _write_po(catalog, po_path(language), ignore_obsolete=True, include_lineno=False)
            missing = sum(
                1
                for m in catalog
                if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
            )  # type: ignore[attr-defined]
            print(f"{po_path(language).relative_to(ROOT)}: {missing} untranslated")
    if what in ("compile", "all"):
        for language in languages():
            mo = po_path(language).with_suffix(".mo")
            mo.write_bytes(compile_mo(read_po(po_path(language))))
            print(f"{mo.relative_to(ROOT)}: written")
    if what in ("lint", "all"):
        found = 0
        for relative in COVERED:
            for line, text in unwrapped_strings(ROOT / relative):
                found += 1
                print(f"{relative}:{line}: not in the catalog: {text[:90]!r}")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
