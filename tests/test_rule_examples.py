"""Every rule's own good and bad examples are tests: a rule cannot ship without them."""

from __future__ import annotations

import pytest

from tests.helpers import fix, lint, parses, settings_for
from vectra_lint import registry
from vectra_lint.fixing.apply import applicable
from vectra_lint.rule import Invalid, Rule, Valid

VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{i}")
    for rule in registry.all_rules()
    for i, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in registry.all_rules()
    for i, example in enumerate(rule.invalid)
]


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_clean(rule: type[Rule], example: Valid) -> None:
    settings = settings_for(rule.code, options={rule.code: example.options})
    found = [d for d in lint(example.code, settings, example.path) if d.code == rule.code]
    assert found == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_and_fixed(rule: type[Rule], example: Invalid) -> None:
    settings = settings_for(rule.code, options={rule.code: example.options})
    found = [d for d in lint(example.code, settings, example.path) if d.code == rule.code]
    reported = sorted((d.line, d.column, d.message) for d in found)
    expected = sorted((e.line, e.column, e.message or rule.message) for e in example.expected)
    assert reported == expected
    for diagnostic in found:
        assert (diagnostic.end_line, diagnostic.end_column) >= (diagnostic.line, diagnostic.column)
    if example.fixed is None:
        assert not any(applicable(d, unsafe=True) for d in found)
        return
    outcome = fix(example.code, settings, rule.code, example.path)
    assert outcome.error is None
    assert outcome.text == example.fixed
    assert parses(outcome.text)
    again = fix(outcome.text, settings, rule.code, example.path)
    assert again.fixed == 0 and again.text == outcome.text


def test_fixable_rules_declare_safety_matching_their_fixes() -> None:
    for rule in registry.all_rules():
        for example in rule.invalid:
            settings = settings_for(rule.code, options={rule.code: example.options})
            for diagnostic in lint(example.code, settings, example.path):
                if diagnostic.code == rule.code and diagnostic.fix is not None:
                    assert diagnostic.fix.applicability == rule.fix_safety, rule.code
