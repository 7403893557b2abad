"""Every rule's own good and bad examples are tests: a rule cannot ship without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import fix, lint, lint_in_project, parses, settings_for
from vectra_lint import registry
from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.rule import FixAvailability, Invalid, Rule, Valid

VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{i}")
    for rule in registry.all_rules()
    if rule.example_language == "python"
    for i, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in registry.all_rules()
    if rule.example_language == "python"
    for i, example in enumerate(rule.invalid)
]


def _lint(example: Valid | Invalid, rule: type[Rule], tmp_path: Path) -> list[Diagnostic]:
    settings = settings_for(rule.code, options={rule.code: example.options})
    if example.files:
        found = lint_in_project(example.code, settings, example.path, example.files, tmp_path)
    else:
        found = lint(example.code, settings, example.path)
    return [d for d in found if d.code == rule.code]


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_clean(rule: type[Rule], example: Valid, tmp_path: Path) -> None:
    found = _lint(example, rule, tmp_path)
    assert found == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_and_fixed(rule: type[Rule], example: Invalid, tmp_path: Path) -> None:
    settings = settings_for(rule.code, options={rule.code: example.options})
    found = _lint(example, rule, tmp_path)
    reported = sorted((d.line, d.column, d.message) for d in found)
    expected = sorted((e.line, e.column, str(e.message or rule.message)) for e in example.expected)
    assert reported == expected
    for diagnostic in found:
        assert (diagnostic.end_line, diagnostic.end_column) >= (diagnostic.line, diagnostic.column)
    if example.fixed is None:
        assert all(d.fix is None for d in found)
        return
    if rule.fix_availability is FixAvailability.ALWAYS:
        assert all(d.fix is not None for d in found)
    safety = example.applicability or rule.fix_safety
    assert {d.fix.applicability for d in found if d.fix is not None} == {safety}
    outcome = fix(example.code, settings, rule.code, example.path)
    assert outcome.error is None
    assert outcome.text == example.fixed
    assert parses(outcome.text)
    again = fix(outcome.text, settings, rule.code, example.path)
    assert again.fixed == 0 and again.text == outcome.text
    # --fix alone applies exactly the safe fixes.
    safe_only = fix(example.code, settings, rule.code, example.path, unsafe=False)
    assert safe_only.text == (example.fixed if safety is Applicability.SAFE else example.code)
