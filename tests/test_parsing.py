"""The engine's parse skips most of libcst's per-node validation: same trees, same failures."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from vectra_lint.engine.parsing import parse_module

ENGINE = Path(__file__).resolve().parent.parent / "vectra_lint" / "engine"


@pytest.mark.parametrize("path", sorted(ENGINE.glob("*.py")), ids=lambda path: path.name)
def test_same_tree_as_libcst(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_module(text).deep_equals(cst.parse_module(text))


@pytest.mark.parametrize("source", ["x = u'a' b'c'\n", "f(**a, *b)\n", "def f(a=1, b): pass\n"])
def test_invalid_source_fails_as_with_libcst(source: str) -> None:
    with pytest.raises(Exception) as ours:
        parse_module(source)
    with pytest.raises(Exception) as theirs:
        cst.parse_module(source)
    assert type(ours.value) is type(theirs.value)


def test_nodes_built_after_a_parse_are_validated() -> None:
    parse_module("x = 1\n")
    with pytest.raises(cst.CSTValidationError, match="not a valid identifier"):
        cst.Name("not valid")
