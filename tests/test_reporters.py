"""The machine-readable output formats, as a user (or CI system) reads them."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from vectra_lint import __version__
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.reporters import sarif
from vectra_lint.reporters.base import Reporter, Summary
from vectra_lint.reporters.github import GithubReporter
from vectra_lint.reporters.json_format import JsonReporter
from vectra_lint.reporters.junit import JunitReporter
from vectra_lint.reporters.sarif import SarifReporter
from vectra_lint.rule import Expect, FixAvailability, Invalid, Rule, Valid

SCHEMA_PATH = Path(__file__).with_name("sarif-schema-2.1.0.json")

# Line 3 has a non-ASCII character before `print`: columns count characters, not bytes.
EXAMPLE = "import os\nx = 1  \nname = 'é'; print(name)\n"
SOURCES = {"app/broken.py": "def f(:\n", "app/clean.py": "x = 1\n", "app/example.py": EXAMPLE}

SYNTAX = Diagnostic("app/broken.py", "VL001", "syntax-error", "SyntaxError: invalid syntax", 1, 7, 1, 7)
TRAILING = Diagnostic(
    "app/example.py",
    "W291",
    "trailing-whitespace",
    "Trailing whitespace",
    line=2,
    column=6,
    end_line=2,
    end_column=8,
    fix=Fix((Edit(15, 17, ""),), Applicability.SAFE, "Remove trailing whitespace"),
)
PRINT = Diagnostic(
    "app/example.py",
    "VL101",
    "print-call",
    "Use the logger instead of `print()`",
    line=3,
    column=13,
    end_line=3,
    end_column=24,
    fix=Fix(
        (Edit(0, 0, "import logging\n"), Edit(30, 41, "logging.info(name)")),
        Applicability.UNSAFE,
        "Replace `print` with `logging.info`",
    ),
)
FILES = {"app/broken.py": [SYNTAX], "app/clean.py": [], "app/example.py": [TRAILING, PRINT]}


class PrintCall(Rule):
    """Flags ``print``.

    ## What it does
    Flags calls to the builtin `print`.

    ## Why is this bad?
    Output of a service belongs in its logs.
    """

    code = "VL101"
    name = "print-call"
    message = "Use the logger instead of `print()`"
    fix_availability = FixAvailability.ALWAYS
    fix_safety = Applicability.UNSAFE
    valid = (Valid("logging.info('x')\n"),)
    invalid = (Invalid("print('x')\n", fixed="logging.info('x')\n", expected=(Expect(1, 1),)),)


def run(reporter_class: type[Reporter], files: dict[str, list[Diagnostic]] = FILES, **summary: Any) -> str:
    """What the reporter writes for ``files`` (checked in this order)."""
    stream = io.StringIO()
    reporter = reporter_class(stream, SOURCES.get)
    reporter.start()
    for path, diagnostics in files.items():
        reporter.file(path, diagnostics)
    remaining = sum(len(diagnostics) for diagnostics in files.values())
    reporter.finish(Summary(files=len(files), remaining=remaining, **summary))
    return stream.getvalue()


# JSON


def test_json_object_of_a_diagnostic_with_fix_has_edits_located_by_line_and_column() -> None:
    records = json.loads(run(JsonReporter))
    assert records[2] == {
        "code": "VL101",
        "name": "print-call",
        "message": "Use the logger instead of `print()`",
        "path": "app/example.py",
        "location": {"line": 3, "column": 13},
        "end_location": {"line": 3, "column": 24},
        "fix": {
            "applicability": "unsafe",
            "description": "Replace `print` with `logging.info`",
            "edits": [
                {
                    "content": "import logging\n",
                    "location": {"line": 1, "column": 1},
                    "end_location": {"line": 1, "column": 1},
                },
                {
                    "content": "logging.info(name)",
                    "location": {"line": 3, "column": 13},
                    "end_location": {"line": 3, "column": 24},
                },
            ],
        },
        "severity": "error",
    }


def test_json_is_one_pretty_array_in_path_order_with_stable_keys() -> None:
    output = run(JsonReporter)
    records = json.loads(output)
    assert [record["code"] for record in records] == ["VL001", "W291", "VL101"]
    assert records[0]["fix"] is None
    assert records[1]["fix"]["edits"] == [
        {"content": "", "location": {"line": 2, "column": 6}, "end_location": {"line": 2, "column": 8}}
    ]
    assert all(
        list(record) == ["code", "name", "message", "path", "location", "end_location", "fix", "severity"]
        for record in records
    )
    assert output.startswith('[\n  {\n    "code": "VL001",\n')
    assert output.endswith("]\n")


def test_json_of_a_clean_run_is_an_empty_array() -> None:
    assert run(JsonReporter, {"app/clean.py": []}) == "[]\n"


# SARIF


@pytest.fixture
def sarif_log(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The SARIF log of FILES, with VL101 documented by PrintCall."""
    monkeypatch.setattr(sarif, "find_rule", lambda code: PrintCall if code == "VL101" else None)
    log: dict[str, Any] = json.loads(run(SarifReporter))
    return log


def test_sarif_is_valid_against_the_official_schema(sarif_log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The official 2.1.0 schema is written in draft-04; validate it by that draft, without format checks.
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    validator = jsonschema.Draft4Validator(schema, format_checker=None)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(sarif_log)]
    assert errors == []
    assert sarif_log["$schema"] == sarif.SCHEMA
    assert sarif_log["version"] == "2.1.0"


def test_sarif_rules_are_one_per_reported_code_and_results_point_at_them(sarif_log: dict[str, Any]) -> None:
    (run_,) = sarif_log["runs"]
    driver = run_["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("vectra-lint", __version__)
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == ["VL001", "VL101", "W291"]
    assert run_["columnKind"] == "unicodeCodePoints"
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [(r["ruleId"], r["level"]) for r in run_["results"]] == [
        ("VL001", "error"),
        ("W291", "error"),
        ("VL101", "error"),
    ]
    assert [rule["defaultConfiguration"]["level"] for rule in rules] == ["error", "error", "error"]


def test_sarif_rule_help_comes_from_our_docs_and_ruff_rules_link_to_ruff(sarif_log: dict[str, Any]) -> None:
    syntax, ours, ruff = sarif_log["runs"][0]["tool"]["driver"]["rules"]
    assert ours["name"] == "print-call"
    assert ours["shortDescription"] == {"text": "Flags calls to the builtin `print`."}
    assert ours["help"]["markdown"].startswith("# print-call (VL101)\n")
    assert "## Why is this bad?\nOutput of a service belongs in its logs." in ours["help"]["text"]
    assert ruff["name"] == "trailing-whitespace"
    assert ruff["helpUri"] == "https://docs.astral.sh/ruff/rules/trailing-whitespace"
    assert syntax["name"] == "syntax-error" and "helpUri" not in syntax


def test_sarif_result_location_and_fix(sarif_log: dict[str, Any]) -> None:
    result = sarif_log["runs"][0]["results"][2]
    location = {"uri": "app/example.py", "uriBaseId": "%SRCROOT%"}
    assert result["message"] == {"text": "Use the logger instead of `print()`"}
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": location,
                "region": {"startLine": 3, "startColumn": 13, "endLine": 3, "endColumn": 24},
            }
        }
    ]
    assert result["properties"] == {"applicability": "unsafe"}
    assert result["fixes"] == [
        {
            "description": {"text": "Replace `print` with `logging.info`"},
            "artifactChanges": [
                {
                    "artifactLocation": location,
                    "replacements": [
                        {  # an insertion: an empty deleted region
                            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                            "insertedContent": {"text": "import logging\n"},
                        },
                        {
                            "deletedRegion": {"startLine": 3, "startColumn": 13, "endLine": 3, "endColumn": 24},
                            "insertedContent": {"text": "logging.info(name)"},
                        },
                    ],
                }
            ],
        }
    ]
    assert "fixes" not in sarif_log["runs"][0]["results"][0]


def test_sarif_uris_are_escaped_and_absolute_paths_are_file_uris() -> None:
    assert sarif.artifact_location("src/my file%.py") == {"uri": "src/my%20file%25.py", "uriBaseId": "%SRCROOT%"}
    assert sarif.artifact_location("/srv/app/x.py") == {"uri": "file:///srv/app/x.py"}


def test_sarif_regions_never_start_before_column_one() -> None:
    assert sarif.region(1, 0, 1, 0) == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_sarif_of_a_clean_run_with_errors_is_valid_and_reports_them() -> None:
    log = json.loads(run(SarifReporter, {"app/clean.py": []}, errors=("nope.py: no such file or directory",)))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log)) == []
    (run_,) = log["runs"]
    assert run_["results"] == [] and run_["tool"]["driver"]["rules"] == []
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert run_["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].startswith("nope.py")


# GitHub Actions


def test_github_writes_one_error_command_per_diagnostic() -> None:
    assert run(GithubReporter).splitlines() == [
        "::error title=vectra-lint (VL001),file=app/broken.py,line=1,col=7,endLine=1,endColumn=7"
        "::VL001 SyntaxError: invalid syntax",
        "::error title=vectra-lint (W291),file=app/example.py,line=2,col=6,endLine=2,endColumn=8"
        "::W291 Trailing whitespace",
        "::error title=vectra-lint (VL101),file=app/example.py,line=3,col=13,endLine=3,endColumn=24"
        "::VL101 Use the logger instead of `print()`",
    ]


def test_github_escapes_message_and_properties() -> None:
    diagnostic = Diagnostic("a,b:c%.py", "VL101", "print-call", "100% sure:\r\nreally, yes", 1, 1, 1, 2)
    assert run(GithubReporter, {"a,b:c%.py": [diagnostic]}) == (
        "::error title=vectra-lint (VL101),file=a%2Cb%3Ac%25.py,line=1,col=1,endLine=1,endColumn=2"
        "::VL101 100%25 sure:%0D%0Areally, yes\n"
    )


# JUnit


def test_junit_has_a_testcase_per_file_and_a_failure_listing_its_diagnostics() -> None:
    output = run(JunitReporter)
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ET.fromstring(output.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.tag == "testsuite"
    assert {key: suite.get(key) for key in ("name", "tests", "failures", "errors")} == {
        "name": "vectra-lint",
        "tests": "3",
        "failures": "2",
        "errors": "0",
    }
    cases = suite.findall("testcase")
    assert [(case.get("name"), case.get("classname")) for case in cases] == [
        ("app/broken.py", "vectra-lint"),
        ("app/clean.py", "vectra-lint"),
        ("app/example.py", "vectra-lint"),
    ]
    assert list(cases[1]) == []
    failure = cases[2].find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type")) == ("2 diagnostics", "lint")
    assert failure.text == "2:6 W291 Trailing whitespace\n3:13 VL101 Use the logger instead of `print()`"
    first = cases[0].find("failure")
    assert first is not None and first.get("message") == "1 diagnostic"


def test_junit_stays_well_formed_with_markup_and_control_characters() -> None:
    diagnostic = Diagnostic("a&b.py", "VL101", "print-call", "<tag> & \x1b[31mé\x00", 1, 1, 1, 2)
    root = ET.fromstring(run(JunitReporter, {"a&b.py": [diagnostic]}).encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "a&b.py"
    failure = case.find("failure")
    assert failure is not None and failure.text == "1:1 VL101 <tag> & \\u001b[31mé\\u0000"
