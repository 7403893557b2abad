"""Shared test helpers: lint or fix a snippet the way the CLI would, without the CLI.

They are the harness that runs every rule's examples (``vectra_lint/pipeline/rule_examples.py``,
also behind ``vectra-lint test-rules``): the tests and the plugins' examples run the same way.
"""

from __future__ import annotations

from vectra_lint.pipeline.rule_examples import ROOT, fix, lint, lint_in_project, parses, settings_for

__all__ = ["ROOT", "fix", "lint", "lint_in_project", "parses", "settings_for"]
