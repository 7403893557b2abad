"""A rule's ``valid`` and ``invalid`` examples run as tests: the harness of
``tests/test_rule_examples.py`` (every built-in rule) and of ``vectra-lint test-rules`` (plugins).

A valid example must report nothing; an invalid one exactly its ``expected`` diagnostics, with a fix
when and only when it shows ``fixed``, of the rule's safety, which ``--fix --unsafe-fixes`` turns
into exactly ``fixed`` (which parses, and which a second fix leaves alone), and ``--fix`` alone
only when it is safe.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import libcst as cst

from vectra_lint import registry
from vectra_lint.config.loader import rule_option_values
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.engine.lint import lint_text
from vectra_lint.fixing.apply import MAX_FIX_PASSES, FixOutcome, fix_text
from vectra_lint.pipeline.discovery import Task
from vectra_lint.pipeline.results import Outcome
from vectra_lint.pipeline.settle import finish_project
from vectra_lint.rule import FixAvailability, Invalid, Rule, Valid

ROOT = Path("/project")
"""The project root examples are checked in (examples with ``files`` get a real folder)."""


def settings_for(
    *codes: str,
    options: Mapping[str, Mapping[str, object]] | None = None,
    rules: Sequence[type[Rule]] | None = None,
    **changes: object,
) -> Settings:
    """The default rules plus ``codes`` (among ``rules``: default the built-ins), Ruff off."""
    enabled = registry.enabled_codes(None, codes, (), rules)
    by_code = {rule.code: rule for rule in (registry.all_rules() if rules is None else rules)}
    typed = {
        code: rule_option_values(by_code[code], table, f"options.{code}") for code, table in (options or {}).items()
    }
    references = registry.rules_for(enabled, rules)
    return Settings(root=ROOT, enabled=enabled, rules=references, rule_options=typed, **changes)  # type: ignore[arg-type]


def lint(source: str, settings: Settings, path: str = "app/example.py") -> tuple[Diagnostic, ...]:
    """Every diagnostic for ``source`` checked as ``path`` (relative to the project root)."""
    return lint_text(path, path, source, settings).diagnostics


def lint_in_project(
    source: str, settings: Settings, path: str, files: Mapping[str, str], root: Path
) -> tuple[Diagnostic, ...]:
    """Like ``lint``, with ``files`` written under ``root`` (the project root) and the project phase run."""
    for name, text in {path: source, **files}.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # The example and its files are the whole project.
    settings = replace(settings, root=root, whole_project=True)
    outcomes = []
    # The other Python files are linted too, for the facts cross-file rules read; their own
    # diagnostics are left out.
    others = {name: text for name, text in files.items() if name.endswith(".py")}
    for name, text in {path: source, **others}.items():
        result = lint_text(name, name, text, settings)
        outcomes.append(Outcome(Task(root / name, name, name), result.diagnostics, facts=result.facts))
    found = (d for finished in finish_project(outcomes, settings) for d in finished.diagnostics)
    return tuple(d for d in found if d.path not in others)


def fix(
    source: str, settings: Settings, code: str | None = None, path: str = "app/example.py", *, unsafe: bool = True
) -> FixOutcome:
    """Apply fixes (unsafe ones too unless ``unsafe=False``) until stable; only those of ``code`` when given."""

    def run(text: str) -> tuple[Diagnostic, ...]:
        # Settled by the project phase of this one file, as the CLI would: a fix may wait for it.
        result = lint_text(path, path, text, settings)
        (outcome,) = finish_project([Outcome(Task(None, path, path), result.diagnostics, facts=result.facts)], settings)
        return tuple(d for d in outcome.diagnostics if code is None or d.code == code)

    return fix_text(source, path, run, unsafe=unsafe, max_passes=MAX_FIX_PASSES)


def parses(source: str) -> bool:
    """Whether libcst parses and CPython compiles ``source``."""
    try:
        cst.parse_module(source)
        compile(source, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError):
        return False
    return True


def _found(rule: type[Rule], example: Valid | Invalid, settings: Settings, root: Path | None) -> list[Diagnostic]:
    if example.files:
        assert root is not None
        found = lint_in_project(example.code, settings, example.path, example.files, root)
    else:
        found = lint(example.code, settings, example.path)
    return [d for d in found if d.code == rule.code]


def problems(
    rule: type[Rule],
    example: Valid | Invalid,
    rules: Sequence[type[Rule]] | None = None,
    root: Path | None = None,
) -> list[str]:
    """What is wrong with ``rule`` on ``example`` (nothing: the example passes). ``rules`` are the
    rules to select from (default: the built-ins); ``root`` a folder for examples with ``files``
    (default: a temporary one)."""
    if example.files and root is None:
        with tempfile.TemporaryDirectory(prefix="vectra-lint-example-") as folder:
            return problems(rule, example, rules, Path(folder))
    settings = settings_for(rule.code, options={rule.code: example.options}, rules=rules)
    found = _found(rule, example, settings, root)
    if isinstance(example, Valid):
        return [f"reports {d.line}:{d.column} {d.message!r} on valid code" for d in found]
    reported = sorted((d.line, d.column, d.message) for d in found)
    expected = sorted((e.line, e.column, str(e.message or rule.message)) for e in example.expected)
    if reported != expected:
        return [f"reports {_listed(reported)}, expected {_listed(expected)}"]
    wrong: list[str] = [
        f"{d.line}:{d.column}: the reported span ends before it starts"
        for d in found
        if (d.end_line, d.end_column) < (d.line, d.column)
    ]
    fixes = [d.fix for d in found if d.fix is not None]
    if example.fixed is None:
        return wrong + (["offers a fix, but the example shows none (`fixed=None`)"] if fixes else [])
    if rule.fix_availability is FixAvailability.ALWAYS and len(fixes) != len(found):
        wrong.append("fixes are available ALWAYS, but a diagnostic has none")
    safety = example.applicability or rule.fix_safety
    offered = {each.applicability for each in fixes}
    if offered != {safety}:
        shown = ", ".join(sorted(f"a {each.value} fix" for each in offered if each is not None)) or "no fix"
        wrong.append(f"offers {shown}, expected a {safety.value if safety else 'no'} fix")
        return wrong
    outcome = fix(example.code, settings, rule.code, example.path)
    if outcome.error is not None:
        return [*wrong, f"--fix fails: {outcome.error}"]
    if outcome.text != example.fixed:
        return [*wrong, f"--fix --unsafe-fixes gives {outcome.text!r}, expected {example.fixed!r}"]
    if not parses(outcome.text):
        wrong.append("the fixed code does not parse")
    again = fix(outcome.text, settings, rule.code, example.path)
    if again.fixed or again.text != outcome.text:
        wrong.append("a second --fix changes the fixed code again")
    # --fix alone applies exactly the safe fixes.
    safe_only = fix(example.code, settings, rule.code, example.path, unsafe=False)
    if safe_only.text != (example.fixed if safety is Applicability.SAFE else example.code):
        wrong.append("--fix without --unsafe-fixes does not apply exactly the safe fixes")
    return wrong


def _listed(found: Sequence[tuple[int, int, str]]) -> str:
    return "; ".join(f"{line}:{column} {message!r}" for line, column, message in found) or "nothing"
