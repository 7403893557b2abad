"""``check --add-noqa`` keeps its promise on every line shape: the next check passes, a second run
adds nothing, and the program's syntax tree is the same.

The shapes are built from pieces (what stands inside a string or comment, how a line ends, where the
finding is), so that every character that ``str.splitlines`` takes for a line break but Python does
not is tried in each position.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from tests.hardening.conftest import run
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.fixing.add_noqa import add_noqa, split_lines

# Ruff's whitespace checks as well as ours: a comment must not cure the finding it names.
CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL401", "E", "W"]\n'
# Line breaks for str.splitlines, not for Python.
FALSE_BREAKS = ["\f", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
HELD_OUT = ["\x1e", "\u2029", "\x0b"]

SHAPES = {
    # What would be split off, inside a one-line string before the finding.
    "in-string": 'x = "a{c}b"; print(1)\nprint(2)\n',
    # ... in a comment on the line of the finding, and on the line above.
    "in-comment": "print(1)  # a{c}b\n# c{c}d\nprint(2)\n",
    # ... inside a multi-line string that ends on the finding's statement.
    "in-long-string": 'y = """a{c}\nb{c}"""; print(3)\nprint(4)\n',
}


def _check_promise(project: Path, source: str) -> None:
    path = project / "a.py"
    path.write_bytes(source.encode())
    tree = ast.dump(ast.parse(source))
    assert run("check", "--output-format", "concise", "a.py").exit_code == 1
    first = run("check", "--add-noqa", "a.py")
    assert first.exit_code == 0, first.output
    written = path.read_bytes().decode()
    assert ast.dump(ast.parse(written)) == tree
    after = run("check", "--output-format", "concise", "a.py")
    assert after.exit_code == 0, (written, after.output)
    assert run("check", "--add-noqa", "a.py").stdout == "Added 0 noqa directives.\n"
    assert path.read_bytes().decode() == written


@pytest.fixture
def noqa_project(project: Path) -> Path:
    (project / "pyproject.toml").write_text(CONFIG)
    return project


@pytest.mark.parametrize(("shape", "character"), list(itertools.product(SHAPES, FALSE_BREAKS)))
def test_a_character_that_is_no_line_break_for_python_moves_no_comment(
    noqa_project: Path, shape: str, character: str
) -> None:
    _check_promise(noqa_project, SHAPES[shape].format(c=character))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("x = 1\f; y = '''\nprint(1)\n'''\nprint(2)\n", id="form-feed-before-a-string"),
        pytest.param("\fprint(1)\n\f\nprint(2)\n", id="form-feed-lines"),
        pytest.param("def f() -> None:\n    x = 1\n    \n    print(x)\n", id="whitespace-only-line"),
        pytest.param("x = 1\t\nprint(x)   \n\t\n", id="trailing-blanks-and-a-tab-line"),
        pytest.param("print(1)  # noqa: E501   \nx = 1\n", id="blanks-after-a-noqa"),
        pytest.param('x = """a   \nb"""\nprint(x)\n', id="trailing-blanks-inside-a-string"),
        pytest.param("print(1)  # see C:\\\nprint(2)  # x\\\n", id="comment-ending-in-a-backslash"),
        pytest.param("x = print(1) + \\\n    2\n", id="backslash-continuation"),
        pytest.param("import os, \\\n    sys\n", id="ruff-finding-on-a-continuation"),
        pytest.param('x = """a\nb""" + \\\n    print(1)\n', id="string-then-continuation"),
        pytest.param("x = 1\rprint(1)\rprint(2)  \r", id="old-mac-line-ends"),
        pytest.param("x = 1\r\nprint(1)\r\nprint(2)  \r\n", id="crlf-and-trailing-blanks"),
    ],
)
def test_line_shapes_that_a_comment_must_respect(noqa_project: Path, source: str) -> None:
    _check_promise(noqa_project, source)


@pytest.mark.parametrize("character", HELD_OUT)
def test_held_out_shapes_in_combination(noqa_project: Path, character: str) -> None:
    source = (
        f'def f(a: int) -> None:\n    s = "{character}"  # n{character}b   \n'
        "    \t\n"
        f"    return print(a, s) or \\\n        print('''x{character}\ny''')\n"
    )
    _check_promise(noqa_project, source)


def test_lines_split_only_where_python_splits_them() -> None:
    assert split_lines("a\fb\x1c\u2028c\r\nd\re\nf") == ["a\fb\x1c\u2028c\r\n", "d\r", "e\n", "f"]


def test_comments_that_would_change_the_program_are_never_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.fixing import add_noqa as module

    # Were a line inside a string ever taken for one that can hold a comment, the check before
    # writing refuses the result instead of changing the string.
    source = 'x = """a\nb"""; print(1)\n'
    finding = Diagnostic("a.py", "VL401", "print", "m", 1, 1, 1, 2, None, (1,))
    assert add_noqa(source, [finding]) == (source, 0)
    monkeypatch.setattr(module, "_layout", lambda text, lines: module._Layout({}, frozenset()))
    with pytest.raises(module.NotSilenced):
        add_noqa(source, [finding])
