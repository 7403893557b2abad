"""Name resolution: imports, aliases and shadowing, as rules see them during the walk."""

from __future__ import annotations

import libcst as cst
import pytest

from tests.helpers import ROOT
from vectra_lint.config.settings import Settings
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import DispatchTable, walk
from vectra_lint.rule import Rule


class _Recorder(Rule):
    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.seen: list[tuple[str, str | None, bool]] = []

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.module.code_for_node(node.func)
        self.seen.append((name, self.context.scope.qualified_name(node.func), self.context.scope.in_async_function()))


def resolve(source: str) -> list[tuple[str, str | None, bool]]:
    module = cst.parse_module(source)
    context = FileContext("app/x.py", source, module, Settings(root=ROOT, enabled=frozenset()))
    recorder = _Recorder(context)
    walk(module, DispatchTable([context.scope, recorder]))
    return recorder.seen


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import time\ntime.sleep(1)\n", ("time.sleep", "time.sleep", False)),
        ("from time import sleep as nap\nnap(1)\n", ("nap", "time.sleep", False)),
        ("import os.path\nos.path.join()\n", ("os.path.join", "os.path.join", False)),
        ("import pandas as pd\npd.read_csv()\n", ("pd.read_csv", "pandas.read_csv", False)),
        ("from . import helpers\nhelpers.run()\n", ("helpers.run", ".helpers.run", False)),
        ("print()\n", ("print", "builtins.print", False)),
        ("time.sleep(1)\n", ("time.sleep", None, False)),
        ("import time\ndef f(time):\n    time.sleep(1)\n", ("time.sleep", None, False)),
        ("import time\nasync def f():\n    time = Clock()\n    time.sleep(1)\n", ("time.sleep", None, True)),
        ("import time\nasync def f():\n    with open() as time:\n        time.sleep(1)\n", ("time.sleep", None, True)),
        ("import time\ndef f():\n    for time in x:\n        time.sleep(1)\n", ("time.sleep", None, False)),
        (
            "import time\ndef f():\n    try:\n        pass\n    except E as time:\n        time.sleep(1)\n",
            ("time.sleep", None, False),
        ),
        ("def print(x):\n    pass\nprint()\n", ("print", None, False)),
        (
            "import time\nclass C:\n    time = 1\n    def m(self):\n        time.sleep(1)\n",
            ("time.sleep", "time.sleep", False),
        ),
        ("import time\nasync def f():\n    def g():\n        time.sleep(1)\n", ("time.sleep", "time.sleep", False)),
        ("import time\nasync def f():\n    lambda: time.sleep(1)\n", ("time.sleep", "time.sleep", False)),
    ],
)
def test_resolution(source: str, expected: tuple[str, str | None, bool]) -> None:
    assert expected in resolve(source)


def test_async_scope_is_the_innermost_function() -> None:
    seen = resolve("async def f():\n    a()\n    def g():\n        b()\n    c()\n")
    assert [(name, in_async) for name, _, in_async in seen] == [("a", True), ("b", False), ("c", True)]


@pytest.mark.parametrize(
    "source",
    [
        # A walrus binds the name in the whole function.
        "def f(x: object) -> None:\n    if (print := x):\n        print(1)\n",
        # A comprehension variable.
        "def f(printers: list) -> list:\n    return [print(1) for print in printers]\n",
        # A `match` capture, also nested and starred.
        "def f(cmd: object) -> None:\n    match cmd:\n        case {'op': print}:\n            print(1)\n",
        "def f(cmd: object) -> None:\n    match cmd:\n        case [first, *print]:\n            print(1)\n",
        "def f(cmd: object) -> None:\n    match cmd:\n        case Point(x=0) as print:\n            print(1)\n",
    ],
)
def test_expression_and_pattern_bindings_shadow_builtins(source: str) -> None:
    assert [seen for seen in resolve(source) if seen[0] == "print"] == [("print", None, False)]


def test_an_import_with_an_import_error_fallback_is_still_the_module() -> None:
    source = (
        "try:\n    import time\nexcept ImportError:\n    time = None\n\n\n"
        "async def poll() -> None:\n    time.sleep(1)\n"
    )
    assert resolve(source) == [("time.sleep", "time.sleep", True)]
    # Any other assignment of the name still shadows the import.
    assert resolve("import time\n\ntime = None\ntime.sleep(1)\n") == [("time.sleep", None, False)]


def test_a_walrus_elsewhere_does_not_shadow_the_builtin_here() -> None:
    source = "def f(x: object) -> None:\n    if (y := x):\n        print(y)\n"
    assert [seen for seen in resolve(source) if seen[0] == "print"] == [("print", "builtins.print", False)]
