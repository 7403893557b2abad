"""``--output-format sarif``: a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` has one descriptor per code that was reported (sorted by code), and
each result points at its descriptor with ``ruleIndex``. Columns count characters
(``columnKind: unicodeCodePoints``). Paths are relative URIs against ``%SRCROOT%`` (the top of
the git repository, which the CLI makes them relative to, or else the directory vectra-lint ran
in); a path outside it is an absolute ``file:`` URI. Fixes are SARIF ``fixes``;
their applicability ("safe" or "unsafe") is in the result's ``properties``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from vectra_lint import __version__
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.registry import find_rule
from vectra_lint.reporters import json_text, rule_docs
from vectra_lint.reporters.base import Reporter, SeverityLookup, SourceLookup, Summary, all_errors
from vectra_lint.reporters.escape import valid_text

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
RUFF_RULE_URI = "https://docs.astral.sh/ruff/rules/{name}"
_RUFF_CODE = re.compile(r"^([EW]\d+|F401|F841)$")
SRCROOT = "%SRCROOT%"

# Any: JSON values nest arbitrarily (objects, arrays, scalars).
JsonObject = dict[str, Any]


# SARIF's levels for vectra-lint's severities (SARIF calls an info a note).
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def default_level(code: str) -> str:
    """The SARIF level of a code's rule by default (its ``severity``; Ruff's codes are errors)."""
    rule = find_rule(code)
    return LEVELS[rule.severity] if rule is not None and rule.code == code else "error"


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF artifactLocation for a reported path (relative to %SRCROOT%, or an absolute file URI)."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    # The bytes of the name, percent-encoded: a name that is not UTF-8 is a valid URI too.
    return {"uri": quote(os.fsencode(pure.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    """A SARIF region; start and end are 1-based and never before each other (equal: an insertion point)."""
    start_line, start_column, end_line, end_column = _bounds(line, column, end_line, end_column)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def _bounds(line: int, column: int, end_line: int, end_column: int) -> tuple[int, int, int, int]:
    start = (max(line, 1), max(column, 1))
    end = max(start, (max(end_line, 1), max(end_column, 1)))
    return (*start, *end)


def _region_text(line: int, column: int, end_line: int, end_column: int, pad: str) -> str:
    """``region(...)`` as JSON on a line indented by ``pad``."""
    if min(line, column, end_column) < 1 or (end_line, end_column) < (line, column):
        line, column, end_line, end_column = _bounds(line, column, end_line, end_column)
    return (
        f'{{\n{pad}  "startLine": {line},\n{pad}  "startColumn": {column},\n'
        f'{pad}  "endLine": {end_line},\n{pad}  "endColumn": {end_column}\n{pad}}}'
    )


def _text(value: str) -> dict[str, str]:
    return {"text": valid_text(value)}


def descriptor(diagnostic: Diagnostic) -> JsonObject:
    """The reportingDescriptor of the diagnostic's code (from the rule's docs when it is one of ours)."""
    rule = find_rule(diagnostic.code)
    result: JsonObject = {"id": diagnostic.code}
    if rule is not None and rule.code == diagnostic.code:
        sections = rule.doc_sections()
        full = "\n\n".join(sections[title] for title in ("What it does", "Why is this bad?") if sections.get(title))
        markdown = rule_docs.render(rule)
        result |= {
            "name": rule.name,
            "shortDescription": _text(rule.summary() or rule.message),
            "fullDescription": _text(full or rule.message),
            "help": {"text": markdown, "markdown": markdown},
        }
    else:
        result |= {
            "name": diagnostic.name,
            "shortDescription": _text(diagnostic.message),
            "fullDescription": _text(diagnostic.message),
        }
        if _RUFF_CODE.match(diagnostic.code):
            result["helpUri"] = RUFF_RULE_URI.format(name=diagnostic.name)
    result["defaultConfiguration"] = {"level": default_level(diagnostic.code)}
    return result


class SarifReporter(Reporter):
    """Collects every diagnostic and writes one SARIF log at the end."""

    def __init__(
        self, stream: TextIO, sources: SourceLookup, *, color: bool = False, severity: SeverityLookup = all_errors
    ) -> None:
        """Collect results until ``finish`` writes the SARIF log."""
        super().__init__(stream, sources, color=color, severity=severity)
        self.diagnostics: list[Diagnostic] = []
        self.locations: dict[str, tuple[str, str]] = {}
        """Each reported path's artifactLocation as JSON, written once for each place it takes in a result."""
        self.messages: dict[str, str] = {}
        """Each message as a JSON string, escaped once (a rule's message is often the same)."""
        self.heads: dict[str, dict[str, str]] = {}
        """The start of a result, by severity and code, up to its message."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Keep the file's diagnostics for the log."""
        self.diagnostics.extend(diagnostics)

    def finish(self, summary: Summary) -> None:
        """Write the log."""
        first: dict[str, Diagnostic] = {}
        for diagnostic in self.diagnostics:
            first.setdefault(diagnostic.code, diagnostic)
        rules = {code: descriptor(first[code]) for code in sorted(first)}
        index = {code: position for position, code in enumerate(rules)}
        run = {
            "tool": {
                "driver": {
                    "name": "vectra-lint",
                    "version": __version__,
                    "rules": list(rules.values()),
                }
            },
            "invocations": [
                {
                    "executionSuccessful": not summary.errors,
                    "toolExecutionNotifications": [
                        {"level": "error", "message": _text(error)} for error in summary.errors
                    ],
                }
            ],
            "columnKind": "unicodeCodePoints",
            "results": [],
        }
        log = json_text.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]})
        # The results, last in the log, are written from templates (see json_text) in place of
        # the empty array json.dumps wrote.
        results = (self.result(diagnostic, index[diagnostic.code]) for diagnostic in self.diagnostics)
        self.stream.write(log[: -len(_RESULTS_TAIL)] + '"results": ')
        json_text.write_array(self.stream.write, results, 3)
        self.stream.write(_RESULTS_TAIL[len('"results": []') :] + "\n")

    def result(self, diagnostic: Diagnostic, rule_index: int) -> str:
        """The SARIF result of one diagnostic, with its fix when it has one, as JSON at depth 0."""
        string = json_text.string
        locations = self.locations.get(diagnostic.path)
        if locations is None:
            location = json_text.dumps(artifact_location(diagnostic.path))
            locations = self.locations[diagnostic.path] = (
                location.replace("\n", "\n" + " " * 8),
                location.replace("\n", "\n" + " " * 10),
            )
        message = self.messages.get(diagnostic.message)
        if message is None:
            message = self.messages[diagnostic.message] = string(valid_text(diagnostic.message))
        level = self.severity(diagnostic)
        heads = self.heads.get(level)
        if heads is None:
            heads = self.heads[level] = {}
        head = heads.get(diagnostic.code)
        if head is None:
            head = heads[diagnostic.code] = (
                f'{{\n  "ruleId": {string(diagnostic.code)},\n  "ruleIndex": {rule_index},\n'
                f'  "level": {string(LEVELS[level])},\n  "message": {{\n    "text": '
            )
        line, column, end_line, end_column = (
            diagnostic.line,
            diagnostic.column,
            diagnostic.end_line,
            diagnostic.end_column,
        )
        if min(line, column, end_column) < 1 or end_line < line or (end_line == line and end_column < column):
            line, column, end_line, end_column = _bounds(line, column, end_line, end_column)
        result = (
            f"{head}{message}\n  }},\n"
            '  "locations": [\n    {\n      "physicalLocation": {\n'
            f'        "artifactLocation": {locations[0]},\n'
            f'        "region": {{\n          "startLine": {line},\n          "startColumn": {column},\n'
            f'          "endLine": {end_line},\n          "endColumn": {end_column}\n        }}\n      }}\n    }}\n  ]'
        )
        if diagnostic.fix is None:
            return result + "\n}"
        result += f',\n  "properties": {{\n    "applicability": {string(diagnostic.fix.applicability.value)}\n  }}'
        edits = self.located_edits(diagnostic)
        if not edits:
            return result + "\n}"
        replacements = [
            f'{{\n  "deletedRegion": {_region_text(edit.line, edit.column, edit.end_line, edit.end_column, "  ")},\n'
            f'  "insertedContent": {{\n    "text": {string(valid_text(edit.content))}\n  }}\n}}'
            for edit in edits
        ]
        return (
            f'{result},\n  "fixes": [\n    {{\n'
            f'      "description": {{\n        "text": {string(valid_text(diagnostic.fix.description))}\n      }},\n'
            '      "artifactChanges": [\n        {\n'
            f'          "artifactLocation": {locations[1]},\n'
            f'          "replacements": {json_text.array(replacements, 5)}\n'
            "        }\n      ]\n    }\n  ]\n}"
        )


# How json.dumps ends a log whose results are empty: they are the run's last key, the run is the only one.
_RESULTS_TAIL = '"results": []\n    }\n  ]\n}'
