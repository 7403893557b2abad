"""docs/rules.md is generated from the rules themselves and must match them."""

from __future__ import annotations

from pathlib import Path

from vectra_lint import registry
from vectra_lint.reporters import rule_docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rule_reference_is_up_to_date() -> None:
    expected = rule_docs.render_all(registry.all_rules())
    assert DOCS.read_text(encoding="utf-8") == expected, "run `vectra-lint docs --output docs/rules.md`"


def test_every_rule_documents_the_ruff_sections() -> None:
    for rule in registry.all_rules():
        text = rule_docs.render(rule)
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options"):
            assert f"## {section}" in text, (rule.code, section)
