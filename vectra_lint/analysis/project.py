"""The project phase: what is known once every checked file has been read.

Files are parsed and walked once, in worker processes; their analyses leave picklable facts.
Here those facts are gathered, and the diagnostics that need more than one file to decide
(reported with ``pending``) are settled by their rule's ``resolve_pending``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.rule import Analysis, load_rules


@dataclass
class Project:
    """Every checked file's facts (by root-relative path), and a cache for indexes built from them."""

    settings: Settings
    facts: Mapping[str, Mapping[str, object]]
    # Any: each rule stores its own kind of index under its own key.
    cache: dict[str, Any] = field(default_factory=dict)
    """For indexes derived from the facts, built once per run by whichever rule needs them first."""
    notices: list[str] = field(default_factory=list)
    """Run-level messages for the user (not diagnostics: no file to put them on), each said once."""

    def facts_of(self, analysis: type[Analysis]) -> dict[str, object]:
        """The facts one analysis left, by file."""
        key = analysis.facts_key()
        return {path: facts[key] for path, facts in self.facts.items() if key in facts}

    def notice(self, text: str) -> None:
        """Tell the user something about the whole run, once (the CLI prints it as a warning)."""
        if text not in self.notices:
            self.notices.append(text)


def settle_pending(project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Settle the pending diagnostics of all files; the others pass through unchanged."""
    pending: dict[str, list[Diagnostic]] = {}
    settled: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.pending is None:
            settled.append(diagnostic)
        else:
            pending.setdefault(diagnostic.code, []).append(diagnostic)
    rules = {rule.code: rule for rule in load_rules(project.settings.rules, project.settings.plugin_path)}
    for code, group in sorted(pending.items()):
        settled.extend(rules[code].resolve_pending(project, group))
    return settled
