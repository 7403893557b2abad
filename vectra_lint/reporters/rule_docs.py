"""A rule's documentation, generated from its docstring, examples and options.

``vectra-lint rule CODE`` prints this, SARIF carries it as help text, and ``docs/rules.md`` is
written from it, so there is one source for what a rule says about itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vectra_lint.diagnostics import selects
from vectra_lint.registry import RUFF_OPT_IN
from vectra_lint.rule import FixAvailability, Invalid, Rule, Valid

_ORDER = ("What it does", "Why is this bad?")

# The standard's section headings (docs/standard.md), by the number a rule cites as §N.
STANDARD_SECTIONS = {
    "1": "1. Type Hinting & Pydantic models",
    "2": "2. Configuration & Environment",
    "3": "3. Async/Await Patterns",
    "4": "4. Error Handling",
    "5": "5. Project Structure (Service Pattern)",
    "6": "6. Distributed Tracing & Logging Strategy",
    "6.1": "6.1 Correlation ID (ContextVars)",
    "6.2": "6.2 Audit & Refacoring Rules (Reuse vs Flush)",
    "6.3": "6.3 Instrumentation Pattern",
    "6.4": "6.4 Security & Privacy",
    "7": "7. AI & RAG Patterns",
    "8": "8. Dependency Injection",
    "9": "9. Code Style",
    "10": "10. Git & Versioning",
    "11": "11. Fullstack Model Consistency",
    "12": "12. Documentation",
    "13": "13. Dead Code & Cleanup",
    "14": "14. Testing Protocol (Zero-Trust Coding)",
    "15": "15. Error Handling & Logging Strategy",
}
_SECTION = re.compile(r"§(\d+(?:\.\d+)?)")
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def link_sections(markdown: str, standard: str = "standard.md") -> str:
    """``§6.3`` in prose (not in code) as a link to that section of the standard."""

    def link(match: re.Match[str]) -> str:
        heading = STANDARD_SECTIONS.get(match.group(1))
        return f"[{match.group(0)}]({standard}#{anchor(heading)})" if heading else match.group(0)

    parts = _CODE.split(markdown)
    return "".join(part if index % 2 else _SECTION.sub(link, part) for index, part in enumerate(parts))


def _code_block(code: str, language: str = "python") -> str:
    return f"```{language}\n{code.strip()}\n```"


def _other_files(example: Valid | Invalid) -> list[str]:
    """The example's non-Python files (a rule that reads a frontend), each in its own block."""
    parts: list[str] = []
    if example.files and example.options:
        settings = ", ".join(f"`{key} = {value!r}`" for key, value in example.options.items())
        parts.append(f"(with {settings})")
    for name, text in example.files.items():
        language = name.rsplit(".", 1)[-1] if "." in name else ""
        parts += [f"with `{name}`:", f"```{language}\n{text.strip()}\n```"]
    return parts


def fix_line(rule: type[Rule]) -> str:
    """The rule's fix availability and safety in a few words (as the ``rules`` table shows it)."""
    if rule.fix_availability is FixAvailability.NEVER:
        return "none"
    safety = "safety varies" if rule.fix_safety is None else rule.fix_safety.value
    return f"{rule.fix_availability.value} ({safety})"


def _fix_sentence(rule: type[Rule]) -> str:
    if rule.fix_availability is FixAvailability.NEVER:
        return "Fix: never available."
    safety = (
        "each fix states its own safety"
        if rule.fix_safety is None
        else ("safe (applied by `--fix`)" if rule.fix_safety.value == "safe" else "unsafe (`--unsafe-fixes`)")
    )
    return f"Fix: {rule.fix_availability.value} available; {safety}."


def render(rule: type[Rule], level: int = 1) -> str:
    """The rule's documentation as Markdown, in Ruff's section order (title at heading ``level``)."""
    title, section = "#" * level, "#" * (level + 1)
    sections = rule.doc_sections()
    parts = [f"{title} {rule.name} ({rule.code})", ""]
    parts.append(f"{_fix_sentence(rule)} Enabled by default: {'yes' if rule.default_enabled else 'no'}.")
    for name in _ORDER:
        parts += ["", f"{section} {name}", sections[name]]
    bad = rule.invalid[0]
    parts += ["", f"{section} Example", _code_block(bad.code, rule.example_language)]
    if bad.path != "app/example.py":
        parts.append(f"(in `{bad.path}`)")
    parts += _other_files(bad)
    fixed = next((example for example in rule.invalid if example.fixed is not None), None)
    instead = fixed.fixed if fixed and fixed.fixed else rule.valid[0].code
    parts += ["", f"{section} Use instead", _code_block(instead, rule.example_language)]
    if fixed is None:
        parts += _other_files(rule.valid[0])
    parts += ["", f"{section} Fix safety"]
    if rule.fix_availability is FixAvailability.NEVER:
        parts.append(sections.get("Fix safety", "This rule offers no fix."))
    elif rule.fix_safety is None:
        parts.append(sections["Fix safety"])
    else:
        default = "applied by `--fix`" if rule.fix_safety.value == "safe" else "applied only with `--unsafe-fixes`"
        parts.append(sections.get("Fix safety", f"The fix is {rule.fix_safety.value}: {default}."))
    parts += ["", f"{section} Options"]
    if rule.options:
        parts += [
            f"- `{o.name}` ({o.described_kind()}, default `{o.shown_default()}`): {o.description}" for o in rule.options
        ]
        parts.append(f"\nSet under `[tool.vectra-lint.rules.{rule.name}]` in `pyproject.toml`.")
    else:
        parts.append("None.")
    for name, body in sections.items():
        if name not in (*_ORDER, "Fix safety"):
            parts += ["", f"{section} {name}", body]
    return "\n".join(parts) + "\n"


def ruff_default(code: str) -> str:
    """Whether vectra-lint runs Ruff's ``code`` by default, and if not, why (one sentence)."""
    from vectra_lint import registry

    duplicate = next((rule for rule in registry.all_rules() if code in rule.ruff_duplicates), None)
    if duplicate is not None:
        return f"vectra-lint does not run `{code}`: {duplicate.code} ({duplicate.name}) reports the same finding."
    if code in RUFF_OPT_IN:
        return f'`{code}` does not run by default; select it by code (`extend-select = ["{code}"]`) to run it.'
    if any(selects(prefix, code) for prefix in registry.ruff_selectors(None, ())):
        return f"`{code}` runs by default."
    return f'`{code}` does not run by default; select it (`extend-select = ["{code}"]`) to run it.'


def render_ruff_rule(code: str, explained: dict[str, object]) -> str:
    """Ruff's own documentation of ``code`` (``ruff rule --output-format json``), and the truth
    about whether vectra-lint runs it."""
    name = explained.get("name", code)
    parts = [f"# {name} ({code})", "", str(explained.get("explanation", "")).strip()]
    fix = explained.get("fix")
    if isinstance(fix, str) and fix:
        parts += ["", fix]
    default = ruff_default(code)
    status = explained.get("status")
    if isinstance(status, dict) and "Removed" in status:
        default = f"vectra-lint does not run `{code}`: Ruff has removed it."
    elif explained.get("preview") is True:
        # vectra-lint runs Ruff without --preview: a preview rule never reports.
        default = f"vectra-lint does not run `{code}`: Ruff runs it only in preview mode, which vectra-lint leaves off."
    parts += ["", "## In vectra-lint", "", default]
    return "\n".join(parts) + "\n"


def render_ruff(code: str | None = None, level: int = 1) -> str:
    """What vectra-lint runs of Ruff (PEP 8), and, for ``code``, whether it runs by default."""
    heading = "#" * level
    opt_in = ", ".join(f"{c} ({what})" for c, what in RUFF_OPT_IN.items())
    parts = [
        f"{heading} {code or 'PEP 8 (Ruff)'}",
        "",
        "PEP 8 and the line length are Ruff's job: `vectra-lint check` runs Ruff's `E` and `W` rules "
        "(`line-length`, default 120) on the same files and merges its findings, keeping Ruff's codes; "
        "`select` and `ignore` accept them. `ruff rule CODE` documents each one.",
        "",
        "Of Pyflakes, `F401` (unused import) and `F841` (unused local variable) run too (§13: remove "
        "unused code), with Ruff's fixes and Ruff's safety: an unused import of an `__init__.py` is "
        "taken as a re-export, as Ruff takes it. Their fixes wait for a pass in which no other fix "
        "applies, so that an import another fix starts to use is not removed.",
        "",
        f"Not in the default selection: {opt_in}. On SQLAlchemy/SQLModel column expressions "
        "(`Model.active == False`) they are false positives, and Ruff's fix (`not Model.active`) "
        'silently makes the query `WHERE false`. Select them by code (`extend-select = ["E712"]`) '
        "to run them.",
    ]
    if code is not None:
        parts += ["", ruff_default(code)]
    return "\n".join(parts) + "\n"


def render_all(rules: Sequence[type[Rule]]) -> str:
    """The reference of every rule, with a table of contents (``docs/rules.md``)."""
    parts = [
        "# vectra-lint rules",
        "",
        "Generated by `vectra-lint docs`; do not edit by hand. Each § links to the section of the",
        "[coding standard](standard.md) the rule enforces.",
        "",
    ]
    parts += [f"- [{rule.code} {rule.name}](#{rule.name}-{rule.code.lower()})" for rule in rules]
    parts.append("- [PEP 8 (Ruff)](#pep-8-ruff)")
    parts += ["\n" + render(rule, level=2) for rule in rules]
    parts.append("\n" + render_ruff(level=2))
    return link_sections("\n".join(parts).rstrip("\n") + "\n")
