"""ARCHITECTURE.md names every module outside ``rules/``: the map of the house stays the house's."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vectra_lint"


def _only_a_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def modules() -> list[str]:
    """Every module path (relative to the package) outside ``rules/``; package markers that hold
    only a docstring aside."""
    paths = (path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] != "rules")
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in paths
        if not (path.name == "__init__.py" and _only_a_docstring(path))
    )


def unnamed(text: str, paths: list[str]) -> list[str]:
    """The paths ``text`` does not name (``engine/lint.py``, not just ``lint.py``)."""
    return [path for path in paths if not re.search(rf"(?<![\w/])(?:vectra_lint/)?{re.escape(path)}(?!\w)", text)]


def test_architecture_names_every_module() -> None:
    missing = unnamed((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8"), modules())
    assert missing == [], f"ARCHITECTURE.md does not name these modules (add each to 'Where everything is'): {missing}"


def test_a_module_named_only_in_part_is_missing() -> None:
    text = "`lint.py` and `config/files.py` and `vectra_lint/engine/scope.py`"
    assert unnamed(text, ["engine/lint.py", "fixing/files.py", "engine/scope.py", "config/files.py"]) == [
        "engine/lint.py",
        "fixing/files.py",
    ]
