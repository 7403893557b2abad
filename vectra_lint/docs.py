"""A rule's documentation, generated from its docstring, examples and options.

``vectra-lint rule CODE`` prints this, SARIF carries it as help text, and ``docs/rules.md`` is
written from it, so there is one source for what a rule says about itself.
"""

from __future__ import annotations

from vectra_lint.rule import Rule

_ORDER = ("What it does", "Why is this bad?")


def _code_block(code: str) -> str:
    return f"```python\n{code.strip()}\n```"


def fix_line(rule: type[Rule]) -> str:
    """A short phrase for the rule's fix availability (as the ``rules`` table shows it)."""
    return "none" if rule.fix_safety is None else rule.fix_safety.value


def render(rule: type[Rule]) -> str:
    """The rule's documentation as Markdown, in Ruff's section order."""
    sections = rule.doc_sections()
    parts = [f"# {rule.name} ({rule.code})", ""]
    parts.append(f"Fix: {fix_line(rule)}. Enabled by default: {'yes' if rule.default_enabled else 'no'}.")
    for title in _ORDER:
        parts += ["", f"## {title}", sections[title]]
    bad = rule.invalid[0]
    parts += ["", "## Example", _code_block(bad.code)]
    if bad.path != "app/example.py":
        parts.append(f"(in `{bad.path}`)")
    fixed = next((example for example in rule.invalid if example.fixed is not None), None)
    parts += ["", "## Use instead", _code_block(fixed.fixed if fixed and fixed.fixed else rule.valid[0].code)]
    parts += ["", "## Fix safety"]
    if rule.fix_safety is None:
        parts.append(sections.get("Fix safety", "This rule offers no fix."))
    else:
        default = "applied by `--fix`" if rule.fix_safety.value == "safe" else "applied only with `--unsafe-fixes`"
        parts.append(sections.get("Fix safety", f"The fix is {rule.fix_safety.value}: {default}."))
    parts += ["", "## Options"]
    if rule.options:
        parts += [f"- `{o.name}` (default `{o.default!r}`): {o.description}" for o in rule.options]
        parts.append(f"\nSet under `[tool.vectra-lint.rules.{rule.name}]` in `pyproject.toml`.")
    else:
        parts.append("None.")
    for title, body in sections.items():
        if title not in (*_ORDER, "Fix safety"):
            parts += ["", f"## {title}", body]
    return "\n".join(parts) + "\n"
