"""A rule's message that names something goes through a ``Message`` (typed fields, one ``__str__``),
never text composed where it is reported: read from every rule module's source."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "vectra_lint" / "rules"
MODULES = sorted(path for path in RULES.rglob("*.py") if path.name != "__init__.py")


def _composed(node: ast.AST | None) -> bool:
    """Whether ``node`` builds text from variable parts (an f-string, ``%``, ``+``, ``.format``)."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(value, ast.FormattedValue) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _composed(node.left) or _composed(node.right) or _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    if isinstance(node, ast.IfExp):
        return _composed(node.body) or _composed(node.orelse)
    return False


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _message_arguments(call: ast.Call) -> list[ast.expr]:
    """The expressions a call passes as a diagnostic's message: ``report(node, MESSAGE)``,
    ``Diagnostic(path, code, name, MESSAGE, ...)``, ``Verdict(found, MESSAGE)`` and any
    ``message=`` keyword (``dataclasses.replace(diagnostic, message=...)``)."""
    found = [keyword.value for keyword in call.keywords if keyword.arg == "message"]
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    position = {"report": 1, "Verdict": 1, "Diagnostic": 3}.get(name)
    if position is not None and len(call.args) > position:
        found.append(call.args[position])
    return found


def composed_messages(source: str) -> list[int]:
    """The lines where a rule module composes a message as text."""
    tree = ast.parse(source)
    # What each function returns and what each name is assigned, in the function it is in: a
    # message is often built a line before it is reported, or by a helper.
    returns: dict[str, list[ast.expr]] = {}
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            values = [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
            returns.setdefault(function.name, []).extend(values)
    lines: list[int] = []
    # A template as the rule's default message, filled in wherever it is reported.
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "message" for t in statement.targets)
                    and _is_text(statement.value)
                    and any(field for _, field, _, _ in string.Formatter().parse(statement.value.value))  # type: ignore[attr-defined]
                ):
                    lines.append(statement.lineno)
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                assigned.setdefault(node.target.id, []).append(node.value)
        for call in (node for node in ast.walk(function) if isinstance(node, ast.Call)):
            for argument in _message_arguments(call):
                values = [argument]
                if isinstance(argument, ast.Name):
                    values = assigned.get(argument.id, [])
                elif isinstance(argument, ast.Call):
                    callee = argument.func
                    name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
                    values = [argument, *returns.get(name, [])]
                if any(_composed(value) for value in values):
                    lines.append(call.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(RULES)))
def test_a_rule_names_things_through_a_message(path: Path) -> None:
    lines = composed_messages(path.read_text(encoding="utf-8"))
    assert lines == [], f"a message composed as text at lines {lines}: make it a `Message` dataclass"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('def f(self, n):\n    self.report(n, f"`{n}` is bad")\n', [2]),
        ('def f(self, n):\n    message = f"`{n}` is bad"\n    self.report(n, message)\n', [3]),
        ('def f(cls, d):\n    return replace(d, message=_text(d))\ndef _text(d):\n    return f"{d}"\n', [2]),
        ('def f(cls, p):\n    return Diagnostic(p, "VL1", "x", "A " + p, 1, 1, 1, 1)\n', [2]),
        ("def f(self, n):\n    self.report(n, BadName(n))\n", []),
        ('def f(self, n):\n    self.report(n, "Fixed text")\n', []),
        ('class R:\n    message = "`{header}` is not a commit"\n', [2]),
        ('class R:\n    message = "Not a commit"\n', []),
        ("def f(cls, p, m):\n    return Diagnostic(p, cls.code, cls.name, str(m), 1, 1, 1, 1)\n", []),
    ],
)
def test_the_check_sees_composed_text(source: str, found: list[int]) -> None:
    assert composed_messages(source) == found
