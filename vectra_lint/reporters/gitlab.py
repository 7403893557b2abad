"""``--output-format gitlab``: a GitLab Code Quality report (a JSON array, ``artifacts:reports:codequality``).

Each object is what GitLab's merge request widget reads::

    {
      "description": "VL201 `time.sleep` blocks the event loop ...",
      "check_name": "VL201",
      "fingerprint": "3f1c...",      // stable while the finding's file, rule, message and line text stay
      "severity": "major",
      "location": {"path": "app/x.py", "positions": {"begin": {"line": 5, "column": 5},
                                                     "end": {"line": 5, "column": 18}}}
    }

Paths are relative to the repository's top, where GitLab resolves them. The fingerprint does not
use the line number, so a finding that only moved is not reported as new and fixed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.reporters import json_text
from vectra_lint.reporters.base import Reporter, SeverityLookup, SourceLookup, Summary, all_errors

# GitLab's scale: info, minor, major, critical, blocker.
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    """Collects every diagnostic and writes the Code Quality array at the end."""

    def __init__(
        self, stream: TextIO, sources: SourceLookup, *, color: bool = False, severity: SeverityLookup = all_errors
    ) -> None:
        """Collect records until ``finish`` writes the array."""
        super().__init__(stream, sources, color=color, severity=severity)
        self.items: list[str] = []
        self.seen: Counter[str] = Counter()

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Add the file's diagnostics."""
        string, position = json_text.string, json_text.position
        text = self.sources(path)
        lines = text.splitlines() if text is not None else []
        for diagnostic in diagnostics:
            source = lines[diagnostic.line - 1].strip() if 0 < diagnostic.line <= len(lines) else ""
            material = "\0".join((diagnostic.path, diagnostic.code, diagnostic.message, source))
            # Two identical findings in one file differ by their rank, as GitLab needs unique fingerprints.
            self.seen[material] += 1
            material += f"\0{self.seen[material]}"
            fingerprint = hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()
            # The object json.dumps(indent=2) wrote, from a template (see json_text).
            self.items.append(
                f'{{\n  "description": {string(f"{diagnostic.code} {diagnostic.message}")},\n'
                f'  "check_name": {string(diagnostic.code)},\n  "fingerprint": "{fingerprint}",\n'
                f'  "severity": {string(SEVERITY[self.severity(diagnostic)])},\n'
                f'  "location": {{\n    "path": {string(diagnostic.path)},\n    "positions": {{\n'
                f'      "begin": {position(diagnostic.line, diagnostic.column, "      ")},\n'
                f'      "end": {position(diagnostic.end_line, diagnostic.end_column, "      ")}\n    }}\n  }}\n}}'
            )

    def finish(self, summary: Summary) -> None:
        """Write the array."""
        json_text.write_array(self.stream.write, self.items)
        self.stream.write("\n")
