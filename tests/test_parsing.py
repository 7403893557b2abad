"""The engine's parse builds nodes with faster constructors and skips most of libcst's per-node
validation: same trees, same failures, and nodes built outside a parse behave as before."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from vectra_lint.engine import libcst_private as parsing
from vectra_lint.engine import walker
from vectra_lint.engine.libcst_private import parse_module

ROOT = Path(__file__).resolve().parent.parent


def _parsed(path: Path) -> cst.Module | None:
    try:
        return parse_module(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, cst.ParserSyntaxError):
        return None  # the fixtures' broken files


CANDIDATES = sorted([*(ROOT / "vectra_lint" / "engine").glob("*.py"), *(ROOT / "fixtures").rglob("*.py")])


def test_same_trees_as_libcst_alone() -> None:
    # libcst's own constructors, in a process where this package never replaced them.
    script = (
        "import sys, libcst\n"
        "for path in sys.argv[1:]:\n"
        "    with open(path, encoding='utf-8') as f: print(repr(libcst.parse_module(f.read())))\n"
    )
    trees = {path: tree for path in CANDIDATES if (tree := _parsed(path)) is not None}
    pristine = subprocess.run(
        [sys.executable, "-c", script, *map(str, trees)], capture_output=True, text=True, check=True
    ).stdout
    assert len(trees) > 50
    assert "".join(repr(tree) + "\n" for tree in trees.values()) == pristine


@pytest.mark.parametrize("node_class", walker._node_classes(), ids=lambda node_class: node_class.__name__)
def test_constructors_keep_their_signature(node_class: type[CSTNode]) -> None:
    fields = dataclasses.fields(node_class)
    signature = inspect.signature(node_class.__init__)
    assert [name for name in signature.parameters][1:] == [item.name for item in fields]
    for item in fields:
        default = signature.parameters[item.name].default
        if item.default is not dataclasses.MISSING:
            assert default is item.default


def test_default_factories_give_fresh_values() -> None:
    first, second = cst.Comma(), cst.Comma()
    assert first.whitespace_before.deep_equals(cst.SimpleWhitespace(""))
    assert first.whitespace_after is not second.whitespace_after
    assert cst.Name("x").lpar == ()


def test_nodes_stay_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cst.Name("x").value = "y"  # type: ignore[misc]  # the point of the test


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


@pytest.mark.skipif(not parsing.PRIVATE.parsing, reason="libcst's own parser is used (public path)")
@pytest.mark.parametrize("source", ["import os\nx = f(a, *b)[1:2]\n", "def f(:\n", "x = u'a' b'c'\n"])
def test_the_parser_imports_only_libcst(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    # The parser is called with a do-nothing __import__, which works for modules already imported.
    asked: list[str] = []

    def record(name: str, *rest: object) -> None:
        asked.append(name)

    monkeypatch.setitem(parsing._NATIVE_FRAME["__builtins__"], "__import__", record)
    try:
        parse_module(source)
    except Exception:  # noqa: S110  # the invalid sources fail; what matters is what they imported
        pass
    assert set(asked) == {"libcst"}


def test_a_parse_that_needs_another_import_is_done_the_usual_way(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(source: str) -> cst.Module:
        raise KeyError("libcst.future_module")

    monkeypatch.setattr(parsing, "_native_parse", missing)
    assert parse_module("x = 1\n").deep_equals(cst.parse_module("x = 1\n"))
