"""``vectra_lint.api`` is the surface rules are written against: versioned, complete, and the one
the built-in rules import (so that it cannot drift from what they use)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import vectra_lint.api as api

RULES = Path(api.__file__).parent / "rules"


def test_the_api_version_is_semver_and_documented() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", api.API_VERSION)
    assert "API_VERSION" in (api.__doc__ or "")
    assert "semantic versioning" in (api.__doc__ or "")


def test_every_public_name_exists() -> None:
    assert sorted(api.__all__) == api.__all__
    assert all(hasattr(api, name) for name in api.__all__)
    for name in ("Rule", "FixSpec", "Replace", "FixAvailability", "Applicability", "Valid", "Invalid", "Expect"):
        assert name in api.__all__


def _imports_bypassing_the_api(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("vectra_lint.rule", "vectra_lint.diagnostics"):
            found += [f"{path.name}:{node.lineno} {alias.name}" for alias in node.names if alias.name in api.__all__]
    return found


def test_built_in_rules_import_the_rule_api_from_vectra_lint_api() -> None:
    # The engine rules (rules/core/) rank below the API: they are the exception.
    paths = [path for path in RULES.rglob("*.py") if path.relative_to(RULES).parts[0] != "core"]
    assert [found for path in paths for found in _imports_bypassing_the_api(path)] == []
