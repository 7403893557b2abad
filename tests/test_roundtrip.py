"""A parsed tree generates its text again, where libcst's parser drops part of it (LibCST #1457)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint.cli import main
from vectra_lint.engine.libcst_private import parse_module

HANDLERS = [
    "try:\n    pass\nexcept OSError :\n    pass\n",
    "try:\n    pass\nexcept  (OSError, ValueError)\t:\n    pass\n",
    "try:\n    pass\nexcept* OSError :\n    pass\n",
    "try: pass\nexcept OSError : pass\nexcept ValueError as e : pass\nexcept:\n    pass\n",
    "try:\n    pass\nexcept OSError \\\n:\n    pass\n",
    "try:\n    pass\nexcept (\n    OSError,\n) :\n    pass\n",
    "def f():\n    try:\n        g()\n    except (\n        OSError,\n    ) :\n"
    "        try:\n            h()\n        except KeyError  :\n            pass\n",
    # Not handlers: nothing to put back, nothing changed.
    'text = """\nexcept OSError :\n"""\ntry:\n    pass\nexcept OSError :  # except A :\n    pass\n',
]


@pytest.mark.parametrize("text", HANDLERS)
def test_the_tree_of_a_handler_with_space_before_its_colon_generates_the_text(text: str) -> None:
    assert parse_module(text).code == text


def test_a_text_that_libcst_round_trips_keeps_its_tree() -> None:
    text = "try:\n    pass\nexcept OSError:\n    pass\nx = {'except a :': 1}\n"
    module = parse_module(text)
    assert module.code == text


FILE = """\
import unittest


def f():
    try:
        g()
    except OSError :
        raise unittest.SkipTest("x")


with open("a") as a, \\
        open("b") as b:
    pass
"""


def test_a_fix_after_such_a_handler_is_made_where_the_text_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The backslash makes the file located from its generated code: the `from exc` was put a
    # character early, inside the call, and the fix was refused as invalid code (CPython's test_posix.py).
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL307"]\n')
    (tmp_path / "a.py").write_text(FILE)
    monkeypatch.chdir(tmp_path)
    fixed = CliRunner().invoke(main, ["check", "--fix", "--no-cache", "a.py"])
    assert fixed.exit_code == 0, fixed.output
    expected = FILE.replace("except OSError :", "except OSError as exc :").replace(
        'SkipTest("x")', 'SkipTest("x") from exc'
    )
    assert (tmp_path / "a.py").read_text() == expected
    compile(expected, "a.py", "exec")
    again = CliRunner().invoke(main, ["check", "--fix", "--no-cache", "a.py"])
    assert again.exit_code == 0 and (tmp_path / "a.py").read_text() == expected
