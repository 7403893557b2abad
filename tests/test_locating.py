"""Locating a report by generating only its statement (from the line the walk counted) must give
exactly what generating the whole file gives."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from tests.helpers import lint, settings_for
from tests.test_positions import TRICKY
from vectra_lint import registry
from vectra_lint.engine.positions import LineIndex, Located
from vectra_lint.engine.signatures import header_nodes, locate_signature
from vectra_lint.engine.statements import StatementTracker
from vectra_lint.engine.walker import iter_nodes

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
# The sample's files where the answer key expects a finding of an implemented rule, except those
# that do not parse (VL001): each has something to locate.
KEY = [line.split() for line in (SAMPLE / "EXPECTED.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
IMPLEMENTED = {rule.code for rule in registry.all_rules()}
UNPARSABLE = {where.split(":")[0] for where, code in KEY if code == "VL001"}
FILES = sorted({where.split(":")[0] for where, code in KEY if code in IMPLEMENTED} - UNPARSABLE)

MESSY = '''\
"""Doc."""
# leading comment
import time  # noqa: VL201


@decorator(
    "x",
)
class Thing:  # noqa: VL602
    x = """multi
line"""

    def method(self, a, *args, b=f"""{1}
{2}""", **kw):
        if a:
            print(a)
        elif b:
            print(b)
            # result = compute(b)
        elif a and b:
            try:
                pass
            except (ValueError, KeyError):
                raise TypeError(b)
        else:
            try:
                pass
            except:
                pass
            finally:
                print(
                    "done",
                )  # noqa: VL401
        match a:
            case 1:
                print(1)
        with open(x) as f, open(y) as g:
            print(f)
        for i in range(3):
            print(i)
        while a:
            print(a)
        return [
            i
            for i in range(3)
        ]
'''


def _both(source: str, monkeypatch: pytest.MonkeyPatch, path: str = "app/services/x.py") -> None:
    settings = settings_for("VL003")
    fast = lint(source, settings, path)
    with monkeypatch.context() as patch:
        # Every file the long way, from the module's start.
        patch.setattr(StatementTracker, "counted_every_line", lambda self, text: False)
        slow = lint(source, settings, path)
    assert [(d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in fast] == [
        (d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in slow
    ]
    assert fast, "the sample should produce diagnostics"


# Backslashes at line ends inside strings (a documented `curl` call), which continue no line,
# and a real continuation after them.
BACKSLASHES = '''\
import logging

logger = logging.getLogger(__name__)


def route():
    """Call it.

        curl -X POST "https://example.com" \\\\
            -H "Content-Type: application/json"
    """
    text = "one \\
two"
    print(text)
    return 1


def after(a, b):
    total = a + \\
        b
    print(total)
'''


@pytest.mark.parametrize(
    "source",
    [MESSY, MESSY.replace("\n", "\r\n"), TRICKY, BACKSLASHES, BACKSLASHES.split("def after")[0]],
    ids=["messy", "crlf", "tricky", "backslashes", "backslashes-in-strings"],
)
def test_snippets(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(source, monkeypatch)


def test_the_sample_files_cover_the_answer_key() -> None:
    assert len(FILES) >= 15 and all((SAMPLE / path).is_file() for path in FILES)


@pytest.mark.parametrize("path", FILES)
def test_sample_files(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both((SAMPLE / path).read_text(encoding="utf-8"), monkeypatch, path)


# Signatures the locator reads from the text (``signatures.py``) rather than generating them:
# strings holding brackets, commas, quotes and `#`, comments, markers, stars, nested brackets;
# and some it must leave to code generation (a lambda's top-level commas, an f-string).
SIGNATURES = '''\
def plain(a, b=1, *args, c, d="x, y", **kw):
    pass


def strings(a=r"\\\\", b=b'(', c="""),
""", d='#', e=u"]", f=Rb'\\'', g=1):  # a comment, with ( in it
    pass


def posonly(a, /, b, *, c=(1, 2), d=[3, {4: 5}]):
    pass


def wrapped(
    a,  # first, (
    b: dict[str, "int"] = None,
    *,
    c,
):
    pass


class Thing:
    def typed(self, a: int, b: "x, y" = {}, *args: tuple[int, ...], **kwargs) -> None:
        pass

    async def spaced (self , a , * , b = 2 ,) :
        pass


def nested(a=lambda x, y: x, b=f"{1}", c=2):
    pass


def formatted(a=f"{'('}", b=2):
    pass


def empty():
    pass


def star_only(*, key):
    pass


# A comment before it.

@decorator(
    "with ( and ,",
)
async  def  decorated(self, a, b=")"):
    pass


class  Spaced :
    # A comment, then a blank line.

    async	def	tabbed	(a, b):  # noqa: VL603
        pass


@register(  # a comment (
    """multi
line""", b"')",
)
# between
@simple
class Decorated:
    @property  # a comment
    def value(self): return 1
'''


def test_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(SIGNATURES, monkeypatch)


def test_signature_positions() -> None:
    found = lint(SIGNATURES, settings_for("VL101", "VL102", "VL602", "VL603"), "app/services/x.py")
    where = {(d.code, d.line, d.column, d.end_column) for d in found}
    # `f` of `strings`, after a raw string ending in an escaped quote; `b` of `spaced`, after a
    # bare `*` with spaces around it; `c` of `nested`, after a lambda; `b` of `decorated`, and of
    # `tabbed`, after tabs.
    expected = {("VL101", 6, 31, 32), ("VL101", 27, 38, 39), ("VL101", 31, 40, 41), ("VL101", 52, 32, 33)}
    assert expected | {("VL101", 59, 26, 27), ("VL102", 59, 15, 21)} <= where
    # After decorators spanning lines, with comments and strings holding brackets.
    assert {("VL602", 69, 7, 16), ("VL603", 71, 9, 14)} <= where
    fixes = {d.line: d.fix.edits for d in found if d.code == "VL102" and d.fix is not None}
    assert fixes[5][0].start == SIGNATURES.index(":  # a comment")
    assert fixes[27][0].start == SIGNATURES.index(") :\n        pass") + 1


@pytest.mark.parametrize(
    ("name", "read"),
    [("plain", True), ("strings", True), ("wrapped", True), ("spaced", True), ("nested", False), ("formatted", False)],
)
def test_what_the_signature_reader_reads(name: str, read: bool) -> None:
    module = cst.parse_module(SIGNATURES)
    function = next(node for node in iter_nodes(module, cst.FunctionDef) if node.name.value == name)
    start = SIGNATURES.index(f"def {name}") + 4
    where = Located(start, start + len(name), start, start + len(name), ())
    wanted = list(header_nodes(function).values())
    assert (locate_signature(SIGNATURES, function, where, wanted) is not None) is read


# libcst rewrites the leading whitespace of a statement's line that holds a form feed (it drops
# `\f` before a statement; a block whose first line is `\f    a` indents every line with `\f`):
# its code is not the text there. Reports are where the text has them.
FORM_FEEDS = [
    ("\fx = foo(\nprint(1))\n", [(2, 1)]),
    ("\fx = foo(\r\nprint(1))\r\n\fprint(2)\r\n", [(2, 1), (3, 2)]),
    ("\fprint(1)\n", [(1, 2)]),
    ("if a:\n    x = 1\n\f    print(x)\n", [(3, 6)]),
    ("def f():\n\f    a = 1\n    print(a)\n", [(3, 5)]),
    ("\f# lead\n\fprint(1)  # noqa: VL401\nprint(2)\n", [(3, 1)]),
]


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
@pytest.mark.parametrize(("source", "found"), FORM_FEEDS)
def test_a_form_feed_leading_a_line_is_located_in_the_text(
    source: str, found: list[tuple[int, int]], public: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.engine import libcst_private

    assert cst.parse_module(source).code != source  # what libcst does: the case this is about
    if public:
        monkeypatch.setattr(libcst_private.PRIVATE, "codegen", False)
    reported = [d for d in lint(source, settings_for("VL401")) if d.code == "VL401"]
    assert [(d.line, d.column) for d in reported] == found
    lines = LineIndex(source)
    for d in reported:
        start, end = lines.offset(d.line, d.column), lines.offset(d.end_line, d.end_column)
        assert source[start:end].startswith("print(") and source[start:end].endswith(")")


@pytest.mark.parametrize(
    "source",
    [
        "x = (\n\f1)\n\f\nprint(x)\n",  # a form feed in brackets, or on a blank line, is kept
        "import os\n\fy = 1\nprint(os)\n",  # a line after the one libcst rewrites
    ],
)
def test_where_libcst_keeps_the_text_its_positions_stand(source: str) -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    position = wrapper.resolve(PositionProvider)[next(iter_nodes(module, cst.Call))]
    (reported,) = [d for d in lint(source, settings_for("VL401")) if d.code == "VL401"]
    assert (reported.line, reported.column) == (position.start.line, position.start.column + 1)
    assert (reported.end_line, reported.end_column) == (position.end.line, position.end.column + 1)


def test_a_fix_on_a_line_led_by_a_form_feed_is_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from vectra_lint.cli import main

    (tmp_path / "a.py").write_text("\fprint(1)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = ["check", "--no-cache", "--select", "VL401", "--fix", "--unsafe-fixes", "a.py"]
    assert "Fixed 1 error" in CliRunner().invoke(main, command, catch_exceptions=False).output
    fixed = "\fimport logging\n\nlogger = logging.getLogger(__name__)\nlogger.info(1)\n"
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == fixed
    assert "Fixed" not in CliRunner().invoke(main, command, catch_exceptions=False).output
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == fixed


def _pointed_at(source: str) -> list[tuple[str, str, str, tuple[tuple[str, str], ...]]]:
    """Each diagnostic's message, the text it points at and its fix's edits (the text each
    replaces, and with what)."""
    lines = LineIndex(source)
    found = []
    for d in lint(source, settings_for("VL003"), "app/services/x.py"):
        text = source[lines.offset(d.line, d.column) : lines.offset(d.end_line, d.end_column)]
        edits = tuple((source[e.start : e.end], e.content) for e in d.fix.edits) if d.fix else ()
        found.append((d.code, d.message, text, edits))
    return found


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_form_feeds_leading_the_top_level_lines_move_nothing(public: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.engine import libcst_private

    if public:
        monkeypatch.setattr(libcst_private.PRIVATE, "codegen", False)
    # Every line at column 0 but the ends of the multi-line strings (whose text would change).
    fed = "\n".join(
        f"\f{line}" if line[:1].strip() and not line.startswith(("line", "{2}")) else line for line in MESSY.split("\n")
    )
    assert cst.parse_module(fed).code != fed
    clean = [
        (code, message, text.replace("\f", ""), tuple((old.replace("\f", ""), new) for old, new in edits))
        for code, message, text, edits in _pointed_at(fed)
    ]
    assert clean == _pointed_at(MESSY)
    assert len(clean) > 15
