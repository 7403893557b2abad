"""The bundled sample backend: every seeded violation is reported where EXPECTED.txt says, and
nothing else; fixing a copy of it gives compiling code that a second run leaves alone."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint import registry
from vectra_lint.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
ENTRY = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<column>\d+) (?P<code>VL\d{3})$")
IMPLEMENTED = {rule.code for rule in registry.all_rules()}
# A copy leaves out a cache a run in the fixture itself left there: it is not this test's.
NO_CACHE = shutil.ignore_patterns(".vectra-lint-cache")
# The answer keys' codes that no rule implements yet. This set may only shrink: whoever lands a
# rule removes its code here (one per line, so parallel removals merge easily).
NOT_IMPLEMENTED: set[str] = set()


def _entries(key: str) -> set[tuple[str, int, int, str]]:
    found = set()
    for raw in (SAMPLE / key).read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(raw.strip())
        if match:
            found.add((match["path"], int(match["line"]), int(match["column"]), match["code"]))
    return found


def _expected() -> set[tuple[str, int, int, str]]:
    return {entry for entry in _entries("EXPECTED.txt") if entry[3] in IMPLEMENTED}


def test_the_unimplemented_codes_are_named() -> None:
    listed = {entry[3] for key in ("EXPECTED.txt", "EXPECTED-opt-in.txt") for entry in _entries(key)}
    assert listed - IMPLEMENTED == NOT_IMPLEMENTED


def _reported(root: Path, *extra: str) -> set[tuple[str, int, int, str]]:
    result = CliRunner().invoke(
        main, ["check", str(root), "--output-format", "concise", "--select", "VL", *extra], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    found = set()
    for line in result.output.splitlines():
        match = re.match(r"^(\S+?):(\d+):(\d+): (VL\d{3}) ", line)
        if match:
            path = Path(match[1]).resolve().relative_to(root.resolve()).as_posix()
            found.add((path, int(match[2]), int(match[3]), match[4]))
    return found


def test_every_seeded_violation_and_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)
    expected = _expected()
    # In the fixture itself: no cache to leave there, none left there read.
    reported = _reported(SAMPLE, "--no-cache")
    missing = sorted(expected - reported)
    unexpected = sorted(reported - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_fixing_a_copy_compiles_is_stable_and_matches_the_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy, ignore=NO_CACHE)
    monkeypatch.chdir(copy)
    before = {path: path.read_bytes() for path in copy.rglob("*.py")}
    runner = CliRunner()
    diff = runner.invoke(main, ["check", ".", "--diff", "--unsafe-fixes", "--select", "VL"], catch_exceptions=False)
    assert diff.exit_code == 1
    assert {path: path.read_bytes() for path in copy.rglob("*.py")} == before
    json_output = ["--select", "VL", "--output-format", "json"]
    fixed = runner.invoke(main, ["check", ".", "--fix", "--unsafe-fixes", *json_output], catch_exceptions=False)
    assert fixed.exit_code in (0, 1), fixed.output
    # What is left is reported as a check of the fixed files reports it, where it now is.
    checked = runner.invoke(main, ["check", ".", "--no-cache", *json_output], catch_exceptions=False)
    assert json.loads(fixed.stdout) == json.loads(checked.stdout)
    changed = {path for path, data in before.items() if path.read_bytes() != data}
    assert changed
    expected_diff = []
    for path in sorted(changed, key=lambda p: p.relative_to(copy).as_posix()):
        name = path.relative_to(copy).as_posix()
        compile(path.read_text(encoding="utf-8"), name, "exec", dont_inherit=True)
        expected_diff += difflib.unified_diff(
            before[path].decode("utf-8").splitlines(keepends=True),
            path.read_text(encoding="utf-8").splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    assert diff.output == "".join(expected_diff)
    after = {path: path.read_bytes() for path in copy.rglob("*.py")}
    again = runner.invoke(main, ["check", ".", "--fix", "--unsafe-fixes", "--select", "VL"], catch_exceptions=False)
    assert "Fixed" not in again.output
    assert {path: path.read_bytes() for path in copy.rglob("*.py")} == after


# What turns on the opt-in rules that need more than a selection (README.md of the sample).
OPT_IN_CONFIG = '\n[tool.vectra-lint.rules.error-code-untranslated]\ntranslations = ["frontend/src/i18n/*.json"]\n'


def test_opt_in_rules_report_their_seeded_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy, ignore=NO_CACHE)
    with (copy / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(OPT_IN_CONFIG)
    monkeypatch.chdir(copy)
    expected = {entry for entry in _entries("EXPECTED-opt-in.txt") if entry[3] in IMPLEMENTED}
    assert expected, "the opt-in key lists VL003"
    codes = ",".join(sorted({code for *_, code in expected}))
    reported = {item for item in _reported(copy, "--extend-select", codes) if item[3] in codes.split(",")}
    assert reported == expected
