"""``--output-format json``: one JSON array of every diagnostic (a public, stable contract).

The output is a single JSON array, indented by two spaces, with keys in the order below. Elements
are ordered by path, line, column and code. Lines and columns are 1-based; columns count
characters (Unicode code points), not bytes. An ``end_location`` is exclusive: it is the position
just after the last character of the span::

    [
      {
        "code": "VL101",                      // rule code (Ruff's PEP 8 codes look like "E501")
        "name": "print-call",                 // rule name, kebab-case
        "message": "...",                     // what is wrong, for a human
        "path": "app/example.py",             // as given on the command line, "/" separated
                                              // (a byte of a name that is not UTF-8 as "\\xNN")
        "location": {"line": 3, "column": 5},
        "end_location": {"line": 3, "column": 12},
        "severity": "error",                  // "error", "warning" or "info" (see `severity` in the config)
        "fix": null                           // or, when the rule can fix it:
        "fix": {
          "applicability": "safe",            // "safe": applied by --fix; "unsafe": only with --unsafe-fixes
          "description": "...",
          "edits": [                          // non-overlapping, in source order; applied all or nothing
            {
              "content": "...",               // replaces the text from location to end_location
              "location": {"line": 3, "column": 5},
              "end_location": {"line": 3, "column": 12}
            }
          ]
        }
      }
    ]

An edit whose ``location`` equals its ``end_location`` is an insertion; one with empty ``content``
is a deletion. Edit positions refer to the file as it is after the run (after ``--fix`` wrote its
changes). ``edits`` is empty only if that text could not be read back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.reporters import json_text
from vectra_lint.reporters.base import Reporter, SeverityLookup, SourceLookup, Summary, all_errors
from vectra_lint.reporters.escape import valid_text


class JsonReporter(Reporter):
    """Collects every diagnostic and writes them as one JSON array at the end."""

    def __init__(
        self, stream: TextIO, sources: SourceLookup, *, color: bool = False, severity: SeverityLookup = all_errors
    ) -> None:
        """Collect records until ``finish`` writes them as one array."""
        super().__init__(stream, sources, color=color, severity=severity)
        self.items: list[str] = []
        self.paths: dict[str, str] = {}
        """Each reported path as a JSON string, written once."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Add the file's diagnostics to the array."""
        self.items.extend(map(self.text, diagnostics))

    def finish(self, summary: Summary) -> None:
        """Write the array."""
        json_text.write_array(self.stream.write, self.items)
        self.stream.write("\n")

    def path(self, diagnostic: Diagnostic) -> str:
        """The diagnostic's path as a JSON string."""
        path = self.paths.get(diagnostic.path)
        if path is None:
            path = self.paths[diagnostic.path] = json_text.string(valid_text(diagnostic.path))
        return path

    def text(self, diagnostic: Diagnostic) -> str:
        """The diagnostic's object (documented in this module) as ``json.dumps(indent=2)`` writes
        it, from a template (see ``json_text``)."""
        string, position = json_text.string, json_text.position
        path = self.path(diagnostic)
        fix = "null"
        if diagnostic.fix is not None:
            edits = [
                f'{{\n  "content": {string(edit.content)},\n'
                f'  "location": {position(edit.line, edit.column, "  ")},\n'
                f'  "end_location": {position(edit.end_line, edit.end_column, "  ")}\n}}'
                for edit in self.located_edits(diagnostic)
            ]
            fix = (
                f'{{\n    "applicability": {string(diagnostic.fix.applicability.value)},\n'
                f'    "description": {string(diagnostic.fix.description)},\n'
                f'    "edits": {json_text.array(edits, 2)}\n  }}'
            )
        return (
            f'{{\n  "code": {string(diagnostic.code)},\n  "name": {string(diagnostic.name)},\n'
            f'  "message": {string(valid_text(diagnostic.message))},\n  "path": {path},\n'
            f'  "location": {position(diagnostic.line, diagnostic.column, "  ")},\n'
            f'  "end_location": {position(diagnostic.end_line, diagnostic.end_column, "  ")},\n'
            f'  "fix": {fix},\n  "severity": {string(self.severity(diagnostic))}\n}}'
        )

    def compact(self, diagnostic: Diagnostic) -> str:
        """The diagnostic's object as ``json.dumps`` writes it without indent (on one line)."""
        string = json_text.string
        fix = "null"
        if diagnostic.fix is not None:
            edits = ", ".join(
                f'{{"content": {string(edit.content)}, "location": {_compact_position(edit.line, edit.column)}, '
                f'"end_location": {_compact_position(edit.end_line, edit.end_column)}}}'
                for edit in self.located_edits(diagnostic)
            )
            fix = (
                f'{{"applicability": {string(diagnostic.fix.applicability.value)}, '
                f'"description": {string(diagnostic.fix.description)}, "edits": [{edits}]}}'
            )
        return (
            f'{{"code": {string(diagnostic.code)}, "name": {string(diagnostic.name)}, '
            f'"message": {string(valid_text(diagnostic.message))}, "path": {self.path(diagnostic)}, '
            f'"location": {_compact_position(diagnostic.line, diagnostic.column)}, '
            f'"end_location": {_compact_position(diagnostic.end_line, diagnostic.end_column)}, '
            f'"fix": {fix}, "severity": {string(self.severity(diagnostic))}}}'
        )


def statistics_json(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    """``--statistics --output-format json``: one object per code, most frequent first (Ruff's
    shape: ``fixable_count`` counts the fixes this run could apply, unsafe ones with ``--unsafe-fixes``)."""
    from vectra_lint.fixing.apply import applicable
    from vectra_lint.reporters.text import statistics

    fixable = Counter(d.code for d in diagnostics if applicable(d, unsafe=unsafe_fixes))
    rows = [
        {"code": code, "name": name, "count": count, "fixable": fixable[code] > 0, "fixable_count": fixable[code]}
        for code, name, count, _mark in statistics(diagnostics)
    ]
    return json.dumps(rows, indent=2) + "\n"


def _compact_position(line: int, column: int) -> str:
    return f'{{"line": {line}, "column": {column}}}'
