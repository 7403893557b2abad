"""docs/rules.md is generated from the rules themselves and must match them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint import registry
from vectra_lint.cli import main
from vectra_lint.reporters import rule_docs
from vectra_lint.rule import FixAvailability, Rule

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rule_reference_is_up_to_date() -> None:
    expected = rule_docs.render_all(registry.all_rules())
    assert DOCS.read_text(encoding="utf-8") == expected, "run `vectra-lint docs --output docs/rules.md`"


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda rule: rule.code)
def test_each_rule_page_shows_its_own_docs_examples_fix_and_options(rule: type[Rule]) -> None:
    page = rule_docs.render(rule)
    sections = _sections(page)
    assert list(sections)[:6] == ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options"]
    assert sections["What it does"] == rule.doc_sections()["What it does"]
    assert sections["Why is this bad?"] == rule.doc_sections()["Why is this bad?"]
    assert sections["Example"].startswith(f"```{rule.example_language}\n{rule.invalid[0].code.strip()}\n```")
    fixed = [example.fixed for example in rule.invalid if example.fixed is not None]
    shown = fixed[0] if fixed else rule.valid[0].code
    assert sections["Use instead"].startswith(f"```{rule.example_language}\n{shown.strip()}\n```")
    first_line = page.splitlines()[2]
    if rule.fix_availability is FixAvailability.NEVER:
        assert first_line.startswith("Fix: never available.")
    else:
        assert first_line.startswith(f"Fix: {rule.fix_availability.value} available; ")
        assert rule.fix_safety is None or rule.fix_safety.value in first_line
    for option in rule.options:
        assert f"- `{option.name}` ({option.described_kind()}, default `{option.shown_default()}`)" in page
    if not rule.options:
        assert sections["Options"] == "None."


def test_the_rules_table_shows_availability_and_safety() -> None:
    result = CliRunner().invoke(main, ["rules"], terminal_width=400)
    fix_column = {
        cells[0]: cells[2]
        for cells in ([cell.strip() for cell in line.split("│")] for line in result.output.splitlines() if "│" in line)
        if cells[0].startswith("VL")
    }
    assert fix_column["VL302"] == "always (safe)"
    assert fix_column["VL401"] == "sometimes (unsafe)"
    assert fix_column["VL206"] == "none"


def test_every_section_a_rule_cites_links_to_a_heading_of_the_shipped_standard() -> None:
    from vectra_lint.reporters.rule_docs import STANDARD_SECTIONS, anchor

    root = Path(__file__).resolve().parent.parent
    standard = (root / "docs" / "standard.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in standard.splitlines() if line.startswith("##")}
    assert set(STANDARD_SECTIONS.values()) <= headings
    rules = (root / "docs" / "rules.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```|`[^`\n]*`", "", rules, flags=re.S)
    cited = set(re.findall(r"§(\d+(?:\.\d+)?)", prose))
    assert cited and cited <= set(STANDARD_SECTIONS)
    for number in cited:
        assert f"[§{number}](standard.md#{anchor(STANDARD_SECTIONS[number])})" in rules


def test_the_readme_layer_table_is_the_layer_notice_table() -> None:
    from vectra_lint.pipeline.layer_notice import LAYER_RULES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.*) \|$", readme, flags=re.M))
    assert set(rows) == set(LAYER_RULES)
    for layer, codes in LAYER_RULES.items():
        assert re.findall(r"VL\d{3}", rows[layer].replace("VL301 (its `layers` option), ", "")) == list(codes), layer
