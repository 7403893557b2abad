"""Baselines: the findings a team has accepted for now, so that a check reports only new ones.

A finding's fingerprint is its rule, its file (relative to the project root), the function or class
it is in, and the source of its line with blanks normalised: never a line number, so code inserted
or removed elsewhere in the file does not bring old findings back. Identical fingerprints (the same
line twice in one function) are counted. Entries no finding matches any more are *stale*: fixed
findings, or lines edited since; the summary counts them so the baseline can be regenerated.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vectra_lint.diagnostics import Diagnostic

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read."""


@dataclass(frozen=True)
class Finding:
    """One diagnostic with what identifies it across edits."""

    diagnostic: Diagnostic
    path: str
    """Relative to the project root."""
    scope: str
    """The qualified name of the enclosing function or class (empty at module level)."""
    source: str
    """The diagnostic's first line, blanks collapsed."""

    @property
    def fingerprint(self) -> str:
        """A stable hash of rule, path, scope and source."""
        key = "\0".join((self.diagnostic.code, self.path, self.scope, self.source))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _scopes(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, outer ones first."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.append((first, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def findings(diagnostics: Sequence[Diagnostic], relative: str, text: str | None) -> list[Finding]:
    """The fingerprintable form of one file's diagnostics (``text`` is the file's source)."""
    lines = text.splitlines() if text is not None else []
    scopes = _scopes(text) if text is not None and diagnostics else []
    result = []
    for diagnostic in diagnostics:
        line = diagnostic.line
        # The innermost scope whose lines hold the diagnostic's line (scopes come outer first).
        scope = ""
        for first, last, name in scopes:
            if first <= line <= last:
                scope = name
        source = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
        result.append(Finding(diagnostic, relative, scope, source))
    return result


@dataclass
class Baseline:
    """Accepted findings: fingerprint -> how many, and the path of each (for stale counts)."""

    counts: Counter[str]
    paths: dict[str, str]

    @classmethod
    def read(cls, file: Path) -> Baseline:
        """Load a baseline written by :func:`write`."""
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            entries = data["entries"]
            counts: Counter[str] = Counter()
            paths: dict[str, str] = {}
            for entry in entries:
                counts[entry["fingerprint"]] += int(entry.get("count", 1))
                paths[entry["fingerprint"]] = entry["path"]
        except OSError as error:
            raise BaselineError(f"{file}: cannot read the baseline: {error.strerror or error}") from None
        except (ValueError, KeyError, TypeError) as error:
            raise BaselineError(f"{file}: not a vectra-lint baseline ({error})") from None
        return cls(counts, paths)

    def filter(self, found: Iterable[Finding], checked: set[str]) -> tuple[list[Finding], int]:
        """The findings not in the baseline, and how many baseline entries of the ``checked``
        files (root-relative paths) matched nothing."""
        left = Counter(self.counts)
        new = []
        for finding in found:
            key = finding.fingerprint
            if left[key] > 0:
                left[key] -= 1
            else:
                new.append(finding)
        stale = sum(count for key, count in left.items() if count > 0 and self.paths.get(key) in checked)
        return new, stale


def write(file: Path, found: Iterable[Finding]) -> int:
    """Write every finding to ``file`` (sorted, so the file diffs well); how many entries."""
    grouped: dict[str, tuple[Finding, int]] = {}
    for finding in found:
        previous = grouped.get(finding.fingerprint)
        grouped[finding.fingerprint] = (finding, previous[1] + 1 if previous else 1)
    entries = [
        {
            "fingerprint": key,
            "code": finding.diagnostic.code,
            "path": finding.path,
            "scope": finding.scope,
            "source": finding.source,
            "count": count,
        }
        for key, (finding, count) in sorted(grouped.items(), key=lambda item: (item[1][0].path, item[0]))
    ]
    data = {"version": FORMAT_VERSION, "tool": "vectra-lint", "entries": entries}
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sum(count for _, count in grouped.values())
