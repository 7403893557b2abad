"""Imports flow one way: every module has a rank, and no module imports one of a higher rank at
run time (an import under ``if TYPE_CHECKING:`` is for annotations only, and may look up)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vectra_lint"

# Module (or package: it covers what is below, unless something below has its own rank) -> rank.
# A module may import modules of its own rank or lower. Gaps leave room for new layers.
RANKS: dict[str, int] = {
    "vectra_lint": 0,  # the version
    "vectra_lint.diagnostics": 0,
    "vectra_lint.rule": 10,
    "vectra_lint.config.settings": 10,
    "vectra_lint.engine": 20,
    # The engine rules (VL001-VL003): built on the engine's parts, reported by the engine's top.
    "vectra_lint.rules.core": 30,
    "vectra_lint.analysis": 30,
    "vectra_lint.engine.suppression": 40,
    "vectra_lint.engine.lint": 40,
    "vectra_lint.fixing": 50,
    "vectra_lint.frontend": 50,
    # The public rule API (plugins and built-in rules): the rule API and the shared analyses.
    "vectra_lint.api": 55,
    "vectra_lint.rules": 60,
    # Imports every rule module: nothing below it may import it.
    "vectra_lint.registry": 70,
    # Reading and resolving configuration: the settings themselves are at the bottom.
    "vectra_lint.config": 80,
    "vectra_lint.reporters": 80,
    "vectra_lint.pipeline.discovery": 85,
    "vectra_lint.pipeline": 90,
    "vectra_lint.lsp": 100,
    "vectra_lint.cli": 110,
    "vectra_lint.__main__": 110,
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, str]:
    """Every module of the package (dotted name -> source)."""
    return {_module_name(path, root): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))}


def rank_of(module: str) -> int | None:
    """The rank of ``module``: that of its longest ranked prefix; None when nothing ranks it."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        rank = RANKS.get(".".join(parts[:end]))
        if rank is not None and (end > 1 or module == "vectra_lint"):
            return rank
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(module: str, source: str, known: frozenset[str]) -> list[tuple[int, str]]:
    """(line, module) of each import of a package module ``module`` makes at run time: absolute,
    relative (resolved), inside functions too, and ``importlib.import_module("vectra_lint...")``;
    not those under ``if TYPE_CHECKING:``."""
    found = []
    for line, base, name in _imports(module, source, _is_package(module, known)):
        # `from package import module` imports the module; `from module import name`, the module.
        found.append((line, f"{base}.{name}" if name and f"{base}.{name}" in known else base))
    return found


@cache
def _imports(module: str, source: str, is_package: bool) -> tuple[tuple[int, str, str], ...]:
    """(line, module, name imported from it or "") of each run-time import (parsed once each)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str, str]] = []
    stack: list[ast.AST] = [ast.parse(source)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - (node.level - 1)], *([node.module] if node.module else [])])
            found.extend((node.lineno, base, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, "") for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value, ""))
        stack.extend(ast.iter_child_nodes(node))
    return tuple(found)


def _is_package(module: str, known: frozenset[str]) -> bool:
    return any(other.startswith(module + ".") for other in known)


def upward_imports(sources: Mapping[str, str]) -> list[str]:
    """Each run-time import of a module ranked above the importer, as ``importer:line imports module``."""
    wrong = []
    known = frozenset(sources)
    for module, source in sources.items():
        own = rank_of(module)
        assert own is not None, f"{module} has no rank: add it (or its package) to RANKS in tests/test_layers.py"
        for line, imported in runtime_imports(module, source, known):
            if imported != "vectra_lint" and not imported.startswith("vectra_lint."):
                continue
            theirs = rank_of(imported)
            if theirs is None or theirs > own:
                wrong.append(f"{module}:{line} (rank {own}) imports {imported} (rank {theirs})")
    return sorted(wrong)


REAL = modules()


def test_every_module_has_a_rank() -> None:
    unranked = sorted(module for module in REAL if rank_of(module) is None)
    assert unranked == [], "add these (or their packages) to RANKS in tests/test_layers.py"


def test_no_module_imports_upward() -> None:
    assert upward_imports(REAL) == []


def test_the_registry_is_imported_only_from_above_the_rules() -> None:
    # The registry imports every rule; what a rule builds on must not need it (no cycle).
    known = frozenset(REAL)
    importers = {
        module
        for module, source in REAL.items()
        for _, imported in runtime_imports(module, source, known)
        if imported == "vectra_lint.registry"
    }
    assert importers
    assert all(rank_of(module) > RANKS["vectra_lint.registry"] for module in importers), importers  # type: ignore[operator]


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("vectra_lint.engine.scope", "from vectra_lint.cli import main\n", "imports vectra_lint.cli (rank 110)"),
        ("vectra_lint.engine.scope", "from ..pipeline import runner\n", "imports vectra_lint.pipeline.runner"),
        ("vectra_lint.engine.scope", "from .. import registry\n", "imports vectra_lint.registry (rank 70)"),
        ("vectra_lint.rule", "import vectra_lint.engine.lint\n", "imports vectra_lint.engine.lint (rank 40)"),
        ("vectra_lint.analysis.layers", "def f():\n    from ..fixing import apply\n", ":2 (rank 30) imports"),
        ("vectra_lint.config.settings", "from vectra_lint import registry\n", "imports vectra_lint.registry"),
        ("vectra_lint.frontend.lookup", "importlib.import_module('vectra_lint.rules.logging.print_call')\n", "rank 60"),
        ("vectra_lint.engine.new_module", "from vectra_lint.fixing.apply import fix_text\n", "(rank 50)"),
    ],
)
def test_an_upward_import_is_found(module: str, source: str, expected: str) -> None:
    wrong = upward_imports({**REAL, module: source})
    assert len(wrong) == 1
    assert wrong[0].startswith(f"{module}:")
    assert expected in wrong[0]


@pytest.mark.parametrize(
    "source",
    [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from vectra_lint.cli import main\n",
        "from . import walker\nfrom .scope import ScopeTracker\nfrom vectra_lint.rule import Rule\n",
    ],
)
def test_annotations_and_imports_from_below_pass(source: str) -> None:
    assert upward_imports({**REAL, "vectra_lint.engine.scope": source}) == []


def test_a_module_without_a_rank_is_named() -> None:
    with pytest.raises(AssertionError, match="vectra_lint.newpackage.x has no rank"):
        upward_imports({**REAL, "vectra_lint.newpackage.x": "x = 1\n"})
