"""The reporters' fast paths write the very bytes of the straightforward code they replaced.

JSON, JSON Lines, SARIF and GitLab objects are written from templates: each output is compared with
``json.dumps`` of the objects the documented shapes describe, built here as the reporters built
them before. Plain text (not a terminal) is written without rich: it is compared with what rich
prints for a terminal, styles taken out.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections import Counter
from typing import Any

import pytest

from vectra_lint import __version__
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.engine.lines import LineIndex
from vectra_lint.reporters import json_text, sarif
from vectra_lint.reporters.base import Reporter, Summary
from vectra_lint.reporters.escape import _UNSAFE, printable, valid_text
from vectra_lint.reporters.gitlab import GitlabReporter
from vectra_lint.reporters.json_format import JsonReporter
from vectra_lint.reporters.json_lines import JsonLinesReporter
from vectra_lint.reporters.sarif import SarifReporter
from vectra_lint.reporters.text import ConciseReporter, TextReporter

# Tabs, escape sequences, a bidi override, non-ASCII, a line left as it is, a long line.
MAIN = (
    "import os\n"
    "x = 1  \n"
    "name = 'é'; print(name)\n"
    "\tif x:\n"
    "\t\ty = '\x1b[31m' + '\u202e'\n"
    "def f(\n"
    "    a,\n"
    "    b,\n"
    "):\n"
    "    return a + b  # " + "z" * 150 + "\n"
)
CRLF = "a = 1\r\nb = 2\r\n\r\nc = 3\rd = 4\n"
SOURCES = {
    "app/main.py": MAIN,
    "app/crlf.py": CRLF,
    "dir with space/b%.py": "print('x')\n",
    "evil\n::warning file=x.py::INJECTED.py": "x = 1\n",
    "::error title=X::y.py": "y = 2\n",
    "bad\udcff.py": "z = 3\n",
    "/srv/app/abs.py": "w = 4\n",
}


def _d(path: str, code: str, message: str, span: tuple[int, int, int, int], fix: Fix | None = None) -> Diagnostic:
    return Diagnostic(path, code, code.lower() + "-name", message, *span, fix=fix)


SAFE_EDITS = Fix(
    (Edit(0, 0, "import logging\n"), Edit(15, 17, ""), Edit(30, 41, 'logging.info("é\\n", name)\u2028')),
    Applicability.SAFE,
    'Replace `print` with "logging"',
)
UNSAFE_FIX = Fix((Edit(50, 60, "\ttabbed\r\n"),), Applicability.UNSAFE, "Unsafe \x07 fix \u202e here")
DIAGNOSTICS = {
    "/srv/app/abs.py": [_d("/srv/app/abs.py", "VL101", "absolute", (1, 1, 1, 2))],
    "::error title=X::y.py": [_d("::error title=X::y.py", "E501", "::starts like a command", (1, 1, 1, 6))],
    "app/crlf.py": [
        _d("app/crlf.py", "W291", "line 2", (2, 1, 2, 6), Fix((Edit(7, 12, "b=2"),), Applicability.SAFE, "fix")),
        _d("app/crlf.py", "VL101", "old Mac line end", (5, 1, 5, 6)),
        _d("app/crlf.py", "VL102", "spans the CRLF lines", (1, 3, 4, 2)),
    ],
    "app/main.py": [
        _d("app/main.py", "VL001", "line 0, column 0", (0, 0, 0, 0)),
        _d("app/main.py", "W291", "Trailing whitespace", (2, 6, 2, 8), SAFE_EDITS),
        _d("app/main.py", "VL101", 'quotes " and \\ back\x00slash \u2028 é 💥', (3, 13, 3, 24), UNSAFE_FIX),
        _d("app/main.py", "VL102", "tab-indented", (4, 2, 4, 6)),
        _d("app/main.py", "VL102", "escapes in the line", (5, 3, 5, 20)),
        _d("app/main.py", "VL603", "a multi-line span", (6, 1, 9, 2)),
        _d("app/main.py", "VL603", "a span ending at a line's start", (6, 5, 8, 1)),
        _d("app/main.py", "VL604", "a span past the end of the file", (9, 1, 40, 1)),
        _d("app/main.py", "VL605", "a long line", (10, 20, 10, 170)),
        _d("app/main.py", "X123", "end before start", (10, 9, 10, 3)),
        _d("app/main.py", "X123", "past the file", (99, 1, 99, 2)),
        _d("app/main.py", "VL101", "the same finding twice", (3, 13, 3, 24)),
        _d("app/main.py", "VL101", "the same finding twice", (3, 13, 3, 24)),
    ],
    "app/missing.py": [
        _d("app/missing.py", "VL101", "no source", (1, 1, 1, 2), Fix((Edit(0, 1, "y"),), Applicability.SAFE, "f"))
    ],
    "app/clean.py": [],
    "bad\udcff.py": [_d("bad\udcff.py", "VL101", "path not UTF-8 \udcff", (1, 1, 1, 2))],
    "dir with space/b%.py": [_d("dir with space/b%.py", "VL101", "Use the logger", (1, 1, 1, 11))],
    "evil\n::warning file=x.py::INJECTED.py": [
        _d("evil\n::warning file=x.py::INJECTED.py", "VL101", "line\nbreak", (1, 1, 1, 2))
    ],
}
LEVELS = {"VL101": "warning", "W291": "info"}


def severity(diagnostic: Diagnostic) -> str:
    return LEVELS.get(diagnostic.code, "error")


Files = dict[str, list[Diagnostic]]


def report(reporter_class: type[Reporter], files: Files = DIAGNOSTICS, color: bool = False, **summary: Any) -> str:
    stream = io.StringIO()
    reporter = reporter_class(stream, SOURCES.get, color=color, severity=severity)
    reporter.start()
    for path, diagnostics in files.items():
        reporter.file(path, diagnostics)
    remaining = sum(len(diagnostics) for diagnostics in files.values())
    reporter.finish(Summary(files=len(files), remaining=remaining, fixable=3, **summary))
    return stream.getvalue()


def everything() -> list[Diagnostic]:
    return [d for diagnostics in DIAGNOSTICS.values() for d in diagnostics]


# The objects as the reporters built them before templates (the documented shapes).


def located(diagnostic: Diagnostic) -> list[tuple[int, int, int, int, str]]:
    text = SOURCES.get(diagnostic.path)
    if diagnostic.fix is None or text is None:
        return []
    lines = LineIndex(text)
    return [(*lines.line_col(edit.start), *lines.line_col(edit.end), edit.content) for edit in diagnostic.fix.edits]


def position(line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": column}


def json_record(diagnostic: Diagnostic) -> dict[str, Any]:
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.applicability.value,
            "description": diagnostic.fix.description,
            "edits": [
                {"content": content, "location": position(line, column), "end_location": position(end, end_column)}
                for line, column, end, end_column, content in located(diagnostic)
            ],
        }
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": valid_text(diagnostic.message),
        "path": valid_text(diagnostic.path),
        "location": position(diagnostic.line, diagnostic.column),
        "end_location": position(diagnostic.end_line, diagnostic.end_column),
        "fix": fix,
        "severity": severity(diagnostic),
    }


def sarif_log(diagnostics: list[Diagnostic], errors: tuple[str, ...] = ()) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for diagnostic in sorted(diagnostics, key=lambda d: d.code):
        rules.setdefault(diagnostic.code, sarif.descriptor(diagnostic))
    index = {code: position for position, code in enumerate(rules)}
    results = []
    for diagnostic in diagnostics:
        location = sarif.artifact_location(diagnostic.path)
        span = sarif.region(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "ruleIndex": index[diagnostic.code],
            "level": sarif.LEVELS[severity(diagnostic)],
            "message": {"text": valid_text(diagnostic.message)},
            "locations": [{"physicalLocation": {"artifactLocation": location, "region": span}}],
        }
        if diagnostic.fix is not None:
            result["properties"] = {"applicability": diagnostic.fix.applicability.value}
            replacements = [
                {"deletedRegion": sarif.region(*bounds), "insertedContent": {"text": valid_text(content)}}
                for *bounds, content in located(diagnostic)
            ]
            if replacements:
                result["fixes"] = [
                    {
                        "description": {"text": valid_text(diagnostic.fix.description)},
                        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
                    }
                ]
        results.append(result)
    run = {
        "tool": {"driver": {"name": "vectra-lint", "version": __version__, "rules": list(rules.values())}},
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": valid_text(error)}} for error in errors
                ],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": sarif.SCHEMA, "version": "2.1.0", "runs": [run]}


def gitlab_records(files: Files) -> list[dict[str, Any]]:
    records = []
    seen: Counter[str] = Counter()
    for path, diagnostics in files.items():
        text = SOURCES.get(path)
        lines = text.splitlines() if text is not None else []
        for diagnostic in diagnostics:
            source = lines[diagnostic.line - 1].strip() if 0 < diagnostic.line <= len(lines) else ""
            material = "\0".join((diagnostic.path, diagnostic.code, diagnostic.message, source))
            seen[material] += 1
            material += f"\0{seen[material]}"
            records.append(
                {
                    "description": f"{diagnostic.code} {diagnostic.message}",
                    "check_name": diagnostic.code,
                    "fingerprint": hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest(),
                    "severity": {"error": "major", "warning": "minor", "info": "info"}[severity(diagnostic)],
                    "location": {
                        "path": diagnostic.path,
                        "positions": {
                            "begin": position(diagnostic.line, diagnostic.column),
                            "end": position(diagnostic.end_line, diagnostic.end_column),
                        },
                    },
                }
            )
    return records


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(params=[1, 3, len(everything()), json_text.CHUNK])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrays are written a chunk of items at a time: chunks of one, chunks the last of which is
    short, all of it in one."""
    monkeypatch.setattr(json_text, "CHUNK", request.param)


@pytest.mark.usefixtures("chunk")
def test_json_is_byte_for_byte_json_dumps_of_the_documented_objects() -> None:
    assert report(JsonReporter) == dumps([json_record(d) for d in everything()])
    assert report(JsonReporter, {"app/clean.py": []}) == "[]\n"


@pytest.mark.usefixtures("chunk")
def test_json_lines_are_byte_for_byte_json_dumps_of_each_object() -> None:
    lines = [json.dumps(json_record(d), ensure_ascii=False) + "\n" for d in everything()]
    assert report(JsonLinesReporter) == "".join(lines)


@pytest.mark.usefixtures("chunk")
def test_sarif_is_byte_for_byte_json_dumps_of_the_documented_log() -> None:
    assert report(SarifReporter) == dumps(sarif_log(everything()))
    errors = ("nope.py: no such file", "bad\udcff.py: unreadable")
    assert report(SarifReporter, {"app/clean.py": []}, errors=errors) == dumps(sarif_log([], errors))


@pytest.mark.usefixtures("chunk")
def test_gitlab_is_byte_for_byte_json_dumps_of_the_code_quality_objects() -> None:
    output = report(GitlabReporter)
    assert output == dumps(gitlab_records(DIAGNOSTICS))
    assert len({record["fingerprint"] for record in json.loads(output)}) == len(everything())
    assert report(GitlabReporter, {"app/clean.py": []}) == "[]\n"


# Plain text: what rich prints for a terminal, without its styles.

_STYLE = re.compile("\x1b\\[[0-9;]*m")


@pytest.mark.parametrize("reporter_class", [TextReporter, ConciseReporter])
def test_plain_text_is_what_rich_prints_for_a_terminal_without_styles(reporter_class: type[Reporter]) -> None:
    # rich expands tabs in what it prints: none in these paths and messages (source lines are shown
    # with their tabs expanded in both).
    assert not any("\t" in d.path + d.message for d in everything())
    plain = report(reporter_class, baselined=2, stale=1)
    styled = report(reporter_class, color=True, baselined=2, stale=1)
    assert _STYLE.search(styled) is not None and "\x1b" not in plain
    assert plain == _STYLE.sub("", styled)


def test_plain_full_text_shows_spans_escaped_and_marked() -> None:
    plain = report(TextReporter)
    # Columns counted in the line as shown: escapes widen it, tabs are one column each.
    assert (
        "app/main.py:5:3: VL102 escapes in the line\n"
        "  |\n"
        "5 |   y = '\\x1b[31m' + '\\u202e'\n"
        "  |   " + "^" * 25 + " VL102\n"
        "  |\n\n"
    ) in plain
    assert (
        "app/crlf.py:1:3: VL102 spans the CRLF lines\n  |\n1 | / a = 1\n2 | | b = 2\n3 | | \n4 | | c = 3\n"
        "  | |_^ VL102\n  |\n\n"
    ) in plain
    assert "  = help: Unsafe \\x07 fix \\u202e here (unsafe)\n" in plain
    assert "app/main.py:99:1: X123 past the file\n\n" in plain
    assert "\\x3a:error title=X::y.py:1:1: E501 \\x3a:starts like a command\n" in plain


def test_a_control_code_rich_drops_is_dropped_from_plain_text_too() -> None:
    diagnostic = _d("app/crlf.py", "VL\a1\r01", "odd code", (1, 1, 1, 2))
    plain = report(TextReporter, {"app/crlf.py": [diagnostic]})
    assert plain == _STYLE.sub("", report(TextReporter, {"app/crlf.py": [diagnostic]}, color=True))
    assert "app/crlf.py:1:1: VL101 odd code\n" in plain


def test_printable_skips_its_regular_expressions_only_for_text_they_leave_alone() -> None:
    # The fast check (str.isprintable) must refuse every character that is escaped.
    escaped = [code for code in range(sys.maxunicode + 1) if _UNSAFE.match(chr(code))]
    assert escaped and not any(chr(code).isprintable() for code in escaped)
    assert printable("plain é text") == "plain é text"
    assert printable(" \u2003::error x") == " \u2003\\x3a:error x"
    assert printable("a::b") == "a::b"
