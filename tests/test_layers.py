"""The package's layers, stated once and checked on every import, including imports made inside
functions and under TYPE_CHECKING (Python and the other tests never see those).

A module may import its own part and any part on a lower floor, never one on its floor or above;
within a part, no two files may import each other, directly or round a longer loop. When two parts
need one thing, move it down (DESIGN.md: "Parts and the direction of dependence").
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "broker_audit"

# Lowest floor first. A part is a top-level module or sub-package of broker_audit.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("i18n",),
    ("errors", "cleantext", "vocabulary", "datafiles", "strict", "provenance"),
    ("dates", "calendars", "files", "geography", "words"),
    ("tomlerrors", "vault"),
    ("profile",),
    ("registry", "intake"),
    ("law", "scan"),
    ("letters", "jsonschemas"),
    ("tracking",),
    ("findings",),
    ("audit", "mail"),
    ("services",),
    ("cli",),
    ("__main__",),
)


def floor_of(part: str) -> int:
    for number, parts in enumerate(FLOORS):
        if part in parts:
            return number
    raise AssertionError(f"broker_audit.{part} is on no floor: add it to FLOORS in {__file__}")


def module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """Every broker_audit module `path` imports, anywhere in the file, as (line, dotted name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root.name:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != root.name:
                continue
            names_a_name = False
            for alias in node.names:  # `from broker_audit.x import y` may import module x.y
                candidate = root.parent / Path(*f"{target}.{alias.name}".split("."))
                if candidate.with_suffix(".py").exists() or candidate.is_dir():
                    yield node.lineno, f"{target}.{alias.name}"
                else:
                    names_a_name = True
            if names_a_name:
                yield node.lineno, target


def part_of(dotted: str) -> str:
    pieces = dotted.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def import_graph(root: Path) -> dict[str, dict[str, int]]:
    """module -> {imported module: first line}, over every .py file of the package."""
    graph: dict[str, dict[str, int]] = {}
    for path in sorted(root.rglob("*.py")):
        edges = graph.setdefault(module_name(path, root), {})
        for line, target in imported_modules(path, root):
            edges.setdefault(target, line)
    return graph


def upward_imports(root: Path) -> list[str]:
    problems = []
    for module, edges in import_graph(root).items():
        here = part_of(module)
        if here == "__init__":
            continue
        for target, line in edges.items():
            there = part_of(target)
            if there in (here, "__init__"):
                continue
            if floor_of(there) >= floor_of(here):
                problems.append(f"{module} (line {line}) imports {target}: {there} is not below {here}")
    return problems


def cycles(root: Path) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    graph = import_graph(root)
    known = set(graph)
    edges = {m: [t for t in targets if t in known and t != m] for m, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_part_imports_a_part_on_its_floor_or_above() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_two_modules_import_each_other() -> None:
    assert cycles(PACKAGE) == []


def test_every_part_has_a_floor() -> None:
    for path in PACKAGE.iterdir():
        if path.name.startswith("_") and path.name != "__main__.py":
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            floor_of(path.stem if path.suffix else path.name)


@pytest.fixture
def copy_of_package(tmp_path: Path) -> Path:
    root = tmp_path / "broker_audit"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_a_planted_cycle_inside_a_function_fails(copy_of_package: Path) -> None:
    vault = copy_of_package / "vault" / "crypto.py"
    vault.write_text(
        vault.read_text() + "\n\ndef _planted():\n    from broker_audit.vault import chain\n",
        encoding="utf-8",
    )
    chain = copy_of_package / "vault" / "chain.py"
    chain.write_text(chain.read_text() + "\n\ndef _planted():\n    from . import crypto\n", encoding="utf-8")
    found = cycles(copy_of_package)
    assert any({"broker_audit.vault.chain", "broker_audit.vault.crypto"} <= set(c) for c in found)


def test_a_planted_upward_import_under_type_checking_fails(copy_of_package: Path) -> None:
    target = copy_of_package / "registry" / "routes.py"
    target.write_text(
        target.read_text()
        + "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        + "    from broker_audit.services.letters import issue_letters\n",
        encoding="utf-8",
    )
    problems = upward_imports(copy_of_package)
    assert any(p.startswith("broker_audit.registry.routes") and "services" in p for p in problems)
