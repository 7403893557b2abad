"""Shared test helpers: lint or fix a snippet the way the CLI would, without the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import libcst as cst

from vectra_lint import registry
from vectra_lint.config.loader import rule_option_values
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.lint import MAX_FIX_PASSES, lint_text
from vectra_lint.fixing.apply import FixOutcome, fix_text

ROOT = Path("/project")


def settings_for(*codes: str, options: Mapping[str, Mapping[str, object]] | None = None, **changes: object) -> Settings:
    """The default rules plus ``codes``, Ruff off (tests of our rules do not depend on it)."""
    enabled = registry.resolve(None, codes, ())
    typed = {
        code: rule_option_values(registry.rules_by_code()[code], table, f"options.{code}")
        for code, table in (options or {}).items()
    }
    return Settings(root=ROOT, enabled=enabled, rule_options=typed, **changes)  # type: ignore[arg-type]


def lint(source: str, settings: Settings, path: str = "app/example.py") -> tuple[Diagnostic, ...]:
    """Every diagnostic for ``source`` checked as ``path`` (relative to the project root)."""
    return lint_text(path, path, source, settings).diagnostics


def fix(
    source: str, settings: Settings, code: str | None = None, path: str = "app/example.py", *, unsafe: bool = True
) -> FixOutcome:
    """Apply fixes (unsafe ones too unless ``unsafe=False``) until stable; only those of ``code`` when given."""

    def run(text: str) -> tuple[Diagnostic, ...]:
        found = lint(text, settings, path)
        return tuple(d for d in found if code is None or d.code == code)

    return fix_text(source, path, run, unsafe=unsafe, max_passes=MAX_FIX_PASSES)


def parses(source: str) -> bool:
    """Whether libcst parses and CPython compiles ``source``."""
    try:
        cst.parse_module(source)
        compile(source, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError):
        return False
    return True
