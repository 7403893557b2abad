"""Imports flow one way: the engine and the analyses never import what is built on them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vectra_lint"
# Package -> packages (prefixes of ``vectra_lint.``) its modules must not import at run time.
FORBIDDEN = {
    "engine": ("analysis", "fixing", "pipeline", "reporters", "cli", "config.loader"),
    "analysis": ("rules", "fixing", "pipeline", "reporters", "cli", "config.loader"),
    "fixing": ("pipeline", "reporters", "cli", "config.loader"),
    "rules": ("pipeline", "reporters", "cli", "config.loader"),
    "pipeline.discovery": ("pipeline.runner",),
}


def _runtime_imports(path: Path) -> set[str]:
    """Modules ``path`` imports, leaving out ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_module_imports_upward(layer: str) -> None:
    target = PACKAGE.joinpath(*layer.split("."))
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    assert files
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in _runtime_imports(path)
        if any(name == f"vectra_lint.{bad}" or name.startswith(f"vectra_lint.{bad}.") for bad in FORBIDDEN[layer])
    )
    assert wrong == []
