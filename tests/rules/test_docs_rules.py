"""VL601-VL606 beyond their own examples: positions, options, exemptions, the public scope, the
docstring parser and commented-out code on realistic comments."""

from __future__ import annotations

import libcst as cst
import pytest

from tests.helpers import fix, lint, parses, settings_for
from vectra_lint.analysis.definitions import module_exports, module_is_public
from vectra_lint.analysis.docstring_sections import DocumentedParam, parse
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.rules.documentation.commented_out_code import code_lines

PUBLIC = {"docstring-scope": "public"}


def found(code: str, source: str, path: str = "app/example.py", **options: object) -> list[Diagnostic]:
    settings = settings_for(code, options={code: options})
    return [d for d in lint(source, settings, path) if d.code == code]


def positions(code: str, source: str, path: str = "app/example.py", **options: object) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in found(code, source, path, **options)]


# VL601 missing-module-docstring


@pytest.mark.parametrize(
    "source",
    [
        "# header comment\n\nimport os\n",
        "@decorator\ndef f() -> None:\n    pass\n",
        "\n\nimport os\n",
        "import os\n",
        "# only a comment",
    ],
)
def test_vl601_reports_at_one_one(source: str) -> None:
    diagnostics = found("VL601", source)
    assert [(d.line, d.column, d.end_line, d.end_column) for d in diagnostics] == [(1, 1, 1, 1)]


def test_vl601_empty_files_and_packages() -> None:
    assert found("VL601", "", "app/__init__.py") == []
    assert found("VL601", "\n  \n", "app/empty.py") == []
    message = found("VL601", "from .a import b\n", "app/__init__.py")[0].message
    assert message == "Package `__init__.py` has no docstring (§12)"


def test_vl601_docstring_after_comments_and_noqa_on_line_one() -> None:
    assert found("VL601", "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n'''Tool.'''\n") == []
    assert found("VL601", "import os  # noqa: VL601\n") == []


def test_vl601_exempt_paths_and_public_scope() -> None:
    assert found("VL601", "import os\n", "tests/unit/test_x.py") == []
    assert len(found("VL601", "import os\n", "app/tests/test_x.py")) == 1
    assert found("VL601", "import os\n", "app/tests/test_x.py", **{"exempt-paths": ["**/tests/**"]}) == []
    assert found("VL601", "import os\n", "app/_internal/util.py", **PUBLIC) == []
    assert len(found("VL601", "import os\n", "app/__main__.py", **PUBLIC)) == 1


def test_module_is_public_like_ruff() -> None:
    assert module_is_public("pkg/mod.py")
    assert module_is_public("pkg/__init__.py")
    assert not module_is_public("pkg/_mod.py")
    assert not module_is_public("pkg/_sub/__init__.py")


# VL602 missing-class-docstring


def test_vl602_reports_at_the_class_name() -> None:
    source = "@dataclass\nclass  Point:\n    x: int\n"
    assert positions("VL602", source) == [(2, 8)]


def test_vl602_public_scope_follows_dunder_all_and_nesting() -> None:
    source = '''\
"""Module."""

__all__ = ["Public", "Other"]
__all__ += ["Later"]


class Public:
    class Meta:
        pass

    class _Hidden:
        pass


class Other:
    """Documented."""

    class Inner:
        pass


class Later:
    pass


class NotExported:
    pass
'''
    # As Ruff's D101/D106 on the same code.
    assert positions("VL602", source, **PUBLIC) == [(7, 7), (8, 11), (18, 11), (22, 7)]
    assert len(found("VL602", source)) == 6


# VL603 missing-function-docstring


RUFF_PUBLIC = '''\
"""Module."""


class Widget:
    """A widget."""

    def __init__(self) -> None:
        pass

    def __repr__(self) -> str:
        return ""

    def __call__(self) -> None:
        pass

    def render(self) -> None:
        pass

    def _cache(self) -> None:
        pass

    @property
    def size(self) -> int:
        """The size."""
        return 1

    @size.setter
    def size(self, value: int) -> None:
        pass

    if True:
        def conditional(self) -> None:
            pass


def build() -> None:
    def nested() -> None:
        pass


def _private() -> None:
    pass
'''


def test_vl603_public_scope_matches_ruff_d1() -> None:
    # Ruff: D107 __init__, D105 __repr__, D102 __call__/render/conditional, D103 build.
    assert positions("VL603", RUFF_PUBLIC, **PUBLIC) == [(7, 9), (10, 9), (13, 9), (16, 9), (32, 13), (36, 5)]


def test_vl603_all_scope_reports_private_and_nested_functions_too() -> None:
    lines = [line for line, _ in positions("VL603", RUFF_PUBLIC)]
    assert lines == [7, 10, 13, 16, 19, 32, 36, 37, 41]


def test_vl603_messages_name_the_method() -> None:
    messages = [d.message for d in found("VL603", RUFF_PUBLIC, **PUBLIC)]
    assert messages[0] == "Method `Widget.__init__` has no docstring (§12)"
    assert messages[-1] == "Function `build` has no docstring (§12)"


def test_vl603_override_and_overload_from_typing_extensions() -> None:
    source = (
        "from typing_extensions import overload, override\n\n\n"
        'class A(Base):\n    """A."""\n\n    @override\n    def run(self) -> None:\n        pass\n\n'
        "    @overload\n    def get(self, key: int) -> int: ...\n"
    )
    assert found("VL603", source) == []


def test_vl603_exempt_paths_default_and_custom() -> None:
    source = "def test_it() -> None:\n    pass\n"
    assert found("VL603", source, "tests/test_it.py") == []
    assert len(found("VL603", source, "scripts/run.py")) == 1
    assert found("VL603", source, "scripts/run.py", **{"exempt-paths": ["scripts/*.py"]}) == []
    assert len(found("VL603", source, "tests/test_it.py", **{"exempt-paths": []})) == 1


def test_vl603_a_docstring_must_be_a_string_literal_first() -> None:
    source = (
        "def a() -> None:\n    x = 1\n    '''Too late.'''\n\n\n"
        "def b() -> None:\n    b'''Bytes.'''\n\n\n"
        "def c() -> None:\n    ('''Parenthesised''')\n\n\n"
        "def d() -> None:\n    '''Implicit''' ' concatenation'\n"
    )
    assert [line for line, _ in positions("VL603", source)] == [1, 6]


def test_module_exports_reads_dunder_all_like_ruff() -> None:
    module = cst.parse_module(
        "__all__ = ['a'] + list(('b',)) + other.__all__\n"
        "if x:\n    __all__ += ('c',)\n"
        "__all__.extend(['d'])\n"
        "def f():\n    __all__ = ['e']\n"
    )
    assert module_exports(module) == {"a", "b", "c"}
    assert module_exports(cst.parse_module("x = 1\n")) is None
    assert module_exports(cst.parse_module("__all__ = names()\n")) == frozenset()


# VL604 docstring-args-mismatch


def test_vl604_reports_at_the_function_name_and_names_each_parameter() -> None:
    source = '''\
class Mover:
    def move(self, src: str, *paths: str, force: bool = False, **extra: str) -> int:
        """Move files.

        Args:
            src: Where from.
            paths: Where to.
            destination: Unused.
        """
        return 0
'''
    diagnostics = found("VL604", source)
    assert {(d.line, d.column) for d in diagnostics} == {(2, 9)}
    assert [d.message for d in diagnostics] == [
        "Parameter `*paths` of `move` is documented as `paths`",
        "Parameter `force` of `move` is missing from the docstring's Args section",
        "Parameter `**extra` of `move` is missing from the docstring's Args section",
        "The docstring documents `destination`, which is not a parameter of `move`",
        "`move` returns a value but its docstring has no Returns section",
    ]


def test_vl604_keyword_args_and_numpy_other_parameters_count() -> None:
    google = (
        "def f(a: int, *, b: int) -> None:\n"
        '    """F.\n\n    Args:\n        a: A.\n\n    Keyword Args:\n        b: B.\n    """\n'
    )
    numpy = (
        "def g(a: int, b: int) -> None:\n"
        '    """G.\n\n    Parameters\n    ----------\n    a : int\n\n'
        '    Other Parameters\n    ----------------\n    b : int\n    """\n'
    )
    assert found("VL604", google) == []
    assert found("VL604", numpy) == []


def test_vl604_prose_and_rest_docstrings_are_not_checked() -> None:
    source = (
        'def f(a: int) -> int:\n    """Return a.\n\n    :param a: the value\n    :returns: a\n    """\n    return a\n'
    )
    assert found("VL604", source) == []


def test_vl604_no_returns_needed_for_none_init_generators_and_properties() -> None:
    source = '''\
class A:
    def __init__(self, x: int):
        """Init.

        Args:
            x: X.
        """
        self.x = x

    def reset(self, x: int) -> None:
        """Reset.

        Args:
            x: X.
        """
        return None

    def values(self, n: int):
        """Values.

        Args:
            n: How many.
        """
        yield n
'''
    assert found("VL604", source) == []


def test_docstring_parser_google_and_numpy() -> None:
    google = parse("Do.\n\nArgs:\n    x (int, optional): X.\n        More about x.\n    **kw: Extra.\n\nReturns: int")
    assert google.style == "google"
    assert google.params == (DocumentedParam("x", ""), DocumentedParam("kw", "**"))
    assert google.sections == {"params", "returns"}
    numpy = parse("Do.\n\nParameters\n----------\nx, y : float\n    Point.\n\\*args\n    Rest.\n")
    assert numpy.style == "numpy"
    assert [param.written for param in numpy.params] == ["x", "y", "*args"]
    assert parse("Note: prose only.").structured is False


# VL605 commented-out-code


PROSE = [
    "Check cache",
    "TODO: retry later (see #12)",
    "Note: the cache is per process",
    "Returns the user (or None)",
    "e.g. foo(bar)",
    "星期一 (Monday)",
    "Expect [group_name, [value, display]]",
    "- LOG(double, double)",
    "pre-processing happens upstream",
    "50% done",
    "reserved    = gen-delims / sub-delims",
    'unreserved  = ALPHA / DIGIT / "-" / "." / "_" / "~"',
    "self.logger.error(...), app.logger.error(...)",
    "type: ignore[attr-defined]",
    "noqa: E501",
    "pylint: disable=unused-import",
    "fmt: off",
    # JetBrains IDEs: what the string below holds (pydantic's tests, 36 times).
    "language=Python",
    "(optional)",
    "dict[str, LimitSettings]",
]
CODE = [
    "x = compute(y)",
    "print(items)",
    "import pdb; pdb.set_trace()",
    "return result",
    "raise ValueError('bad')",
    "if user.is_admin:",
    "cache[key] = value",
    # A name may follow a name only around a keyword (hard or soft), or inside a string or comment.
    "value = first if flag else second",
    "assert user is not None, 'no user'",
    "rows = [row for row in rows if row not in seen]",
    "del cache[key]  # the old way",
    "import os.path as osp",
    "handler = lambda event: None",
    "x = await fetch(url)",
]


@pytest.mark.parametrize("text", PROSE)
def test_vl605_prose_is_not_code(text: str) -> None:
    assert code_lines([text]) == [False]


@pytest.mark.parametrize("text", CODE)
def test_vl605_code_is_code(text: str) -> None:
    assert code_lines([text]) == [True]


def test_vl605_multiline_statements_and_sentences_across_lines() -> None:
    assert code_lines(["foo(", "    a,", "    b=2,", ")"]) == [True] * 4
    assert code_lines(["for item in items:", "    process(item)"]) == [True, True]
    assert code_lines(["case Point(x=0):", "    return origin"]) == [True, True]
    assert code_lines(["We avoid super() here for reasons given in", "Expression._resolve_output_field()"]) == [
        False,
        False,
    ]
    assert code_lines(["When the deprecation ends, replace with", "raise ValueError('x')"]) == [False, True]
    assert code_lines(["This is (a note", "that continues) here."]) == [False, False]


def test_vl605_a_transcript_of_an_interactive_session_is_an_example() -> None:
    # httpx 0.28's _client.py: the output lines parse as calls.
    session = [
        ">>> client = Client(base_url='https://www.example.com/subpath')",
        ">>> client.base_url",
        "URL('https://www.example.com/subpath/')",
    ]
    assert code_lines(session) == [False] * 3
    assert code_lines(session[2:]) == [True]


def test_vl605_one_report_per_block_at_its_first_hash() -> None:
    source = (
        "def f() -> None:\n    # Disabled for now:\n    # x = compute()\n    # y = x + 1\n\n    # z = 3\n    pass\n"
    )
    diagnostics = found("VL605", source)
    assert [(d.line, d.column) for d in diagnostics] == [(3, 5), (6, 5)]
    assert diagnostics[0].message == "Commented-out code (2 lines); delete it, git history keeps it (§13)"


def test_vl605_fix_deletes_blocks_inside_brackets_and_at_line_ends() -> None:
    source = (
        "settings = {\n"
        "    'debug': False,\n"
        "    # 'cache': build_cache(),\n"
        "    # 'timeout': 30,\n"
        "}\n"
        "total = 0  # total = sum(values)\n"
    )
    outcome = fix(source, settings_for("VL605"), "VL605")
    assert outcome.text == "settings = {\n    'debug': False,\n}\ntotal = 0\n"
    assert parses(outcome.text)


def test_vl605_licence_headers_and_docstrings_are_left_alone() -> None:
    source = (
        "# Copyright (c) 2024 Vectra\n"
        "# Licensed under the MIT license: x = 1\n"
        '"""Module.\n\n# y = compute()\n"""\n'
        "value = 1  # value = 2  # noqa: VL605\n"
    )
    assert found("VL605", source) == []


def test_vl605_fix_is_unsafe() -> None:
    diagnostic = found("VL605", "# x = 1\ny = 2\n")[0]
    assert diagnostic.fix is not None and diagnostic.fix.applicability.value == "unsafe"


# VL606 debug-script


@pytest.mark.parametrize(
    ("path", "flagged"),
    [
        ("debug_ingest.py", True),
        ("app/scripts/scratch_pad.py", True),
        ("tmp_fix.py", True),
        ("tests/test_debug_login.py", True),
        ("app/debugging.py", False),
        ("app/tmp.py", False),
        ("tests/test_login.py", False),
    ],
)
def test_vl606_default_patterns(path: str, flagged: bool) -> None:
    diagnostics = found("VL606", '"""Doc."""\n', path)
    assert [(d.line, d.column) for d in diagnostics] == ([(1, 1)] if flagged else [])


def test_vl606_custom_patterns_anchor_at_the_root() -> None:
    assert len(found("VL606", "x = 1\n", "sandbox/try.py", patterns=["sandbox/"])) == 1
    assert found("VL606", "x = 1\n", "app/sandbox/try.py", patterns=["/sandbox/"]) == []
