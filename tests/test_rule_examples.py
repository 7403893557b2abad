"""Every rule's own good and bad examples are tests: a rule cannot ship without them.

The harness is the package's (``pipeline/rule_examples.py``), the one ``vectra-lint test-rules``
runs a plugin's examples with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vectra_lint import registry
from vectra_lint.pipeline.rule_examples import problems
from vectra_lint.rule import Invalid, Rule, Valid

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


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_clean(rule: type[Rule], example: Valid, tmp_path: Path) -> None:
    assert problems(rule, example, root=tmp_path) == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_and_fixed(rule: type[Rule], example: Invalid, tmp_path: Path) -> None:
    assert problems(rule, example, root=tmp_path) == []
