"""Shared test helpers: lint or fix a snippet the way the CLI would, without the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import libcst as cst

from vectra_lint import registry
from vectra_lint.config.loader import rule_option_values
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.lint import lint_text
from vectra_lint.fixing.apply import MAX_FIX_PASSES, FixOutcome, fix_text
from vectra_lint.pipeline.discovery import Task
from vectra_lint.pipeline.runner import Outcome
from vectra_lint.pipeline.settle import finish_project

ROOT = Path("/project")

# The result cache's tests (tests/test_cache.py, tests/hardening/test_cache_poison.py): a service
# whose finding (VL207) depends on another file, so that cross-file answers are exercised.
CACHE_CONFIG = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n'
BLOCKING_HELPER = "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
SERVICE = "from app.helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
VIA_HELPER = "app/service.py:5:5: VL207"


def settings_for(*codes: str, options: Mapping[str, Mapping[str, object]] | None = None, **changes: object) -> Settings:
    """The default rules plus ``codes``, Ruff off (tests of our rules do not depend on it)."""
    enabled = registry.enabled_codes(None, codes, ())
    typed = {
        code: rule_option_values(registry.rules_by_code()[code], table, f"options.{code}")
        for code, table in (options or {}).items()
    }
    rules = registry.rules_for(enabled)
    return Settings(root=ROOT, enabled=enabled, rules=rules, rule_options=typed, **changes)  # type: ignore[arg-type]


def lint(source: str, settings: Settings, path: str = "app/example.py") -> tuple[Diagnostic, ...]:
    """Every diagnostic for ``source`` checked as ``path`` (relative to the project root)."""
    return lint_text(path, path, source, settings).diagnostics


def lint_in_project(
    source: str, settings: Settings, path: str, files: Mapping[str, str], root: Path
) -> tuple[Diagnostic, ...]:
    """Like ``lint``, with ``files`` written under ``root`` (the project root) and the project phase run."""
    for name, text in {path: source, **files}.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # The example and its files are the whole project.
    settings = replace(settings, root=root, whole_project=True)
    outcomes = []
    # The other Python files are linted too, for the facts cross-file rules read; their own
    # diagnostics are left out.
    others = {name: text for name, text in files.items() if name.endswith(".py")}
    for name, text in {path: source, **others}.items():
        result = lint_text(name, name, text, settings)
        outcomes.append(Outcome(Task(root / name, name, name), result.diagnostics, facts=result.facts))
    found = (d for finished in finish_project(outcomes, settings) for d in finished.diagnostics)
    return tuple(d for d in found if d.path not in others)


def fix(
    source: str, settings: Settings, code: str | None = None, path: str = "app/example.py", *, unsafe: bool = True
) -> FixOutcome:
    """Apply fixes (unsafe ones too unless ``unsafe=False``) until stable; only those of ``code`` when given."""

    def run(text: str) -> tuple[Diagnostic, ...]:
        # Settled by the project phase of this one file, as the CLI would: a fix may wait for it.
        result = lint_text(path, path, text, settings)
        (outcome,) = finish_project([Outcome(Task(None, path, path), result.diagnostics, facts=result.facts)], settings)
        return tuple(d for d in outcome.diagnostics if code is None or d.code == code)

    return fix_text(source, path, run, unsafe=unsafe, max_passes=MAX_FIX_PASSES)


def parses(source: str) -> bool:
    """Whether libcst parses and CPython compiles ``source``."""
    try:
        cst.parse_module(source)
        compile(source, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError):
        return False
    return True
