"""A rule's documentation, generated from its docstring, examples and options.

``vectra-lint rule CODE`` prints this, SARIF carries it as help text, and ``docs/rules.md`` is
written from it, so there is one source for what a rule says about itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from vectra_lint.registry import RUFF_OPT_IN
from vectra_lint.rule import FixAvailability, Invalid, Rule, Valid

_ORDER = ("What it does", "Why is this bad?")


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
        default = code not in RUFF_OPT_IN
        parts += ["", f"`{code}` {'runs' if default else 'does not run'} by default."]
    return "\n".join(parts) + "\n"


def render_all(rules: Sequence[type[Rule]]) -> str:
    """The reference of every rule, with a table of contents (``docs/rules.md``)."""
    parts = ["# vectra-lint rules", "", "Generated by `vectra-lint docs`; do not edit by hand.", ""]
    parts += [f"- [{rule.code} {rule.name}](#{rule.name}-{rule.code.lower()})" for rule in rules]
    parts.append("- [PEP 8 (Ruff)](#pep-8-ruff)")
    parts += ["\n" + render(rule, level=2) for rule in rules]
    parts.append("\n" + render_ruff(level=2))
    return "\n".join(parts).rstrip("\n") + "\n"
