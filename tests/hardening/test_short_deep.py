"""A short file of nested brackets that CPython rejects is a syntax error (VL001), however short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.hardening.conftest import run


def _cpython_verdict(source: str, name: str) -> str:
    try:
        compile(source, name, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return f"{name}:{error.lineno}:{error.offset}: VL001 SyntaxError: {error.msg}"
    raise AssertionError("CPython accepts the source")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("x = " + "[" * 300 + "]" * 300 + "\n", id="300-lists"),
        pytest.param("x = " + "(" * 201 + "1" + ")" * 201 + "\n", id="201-parentheses"),
        pytest.param("x = " + "{1: " * 250 + "1" + "}" * 250 + "\n", id="250-dicts"),
        pytest.param("def f():\n    return g(" + "[(" * 120 + ")]" * 120 + ")\n", id="mixed-in-a-call"),
    ],
)
def test_a_short_deeply_nested_file_is_a_syntax_error(project: Path, source: str) -> None:
    assert len(source) < 3000
    (project / "deep.py").write_text(source)
    result = run("check", "--no-cache", "--output-format", "concise", "deep.py")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == _cpython_verdict(source, "deep.py")
