"""Our partial locator must agree with libcst's PositionProvider on every node it is asked about."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from vectra_lint.engine import libcst_private
from vectra_lint.engine.positions import LineIndex, locate, locate_in
from vectra_lint.engine.walker import iter_nodes

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
# Realistic backend code that does not change as the package grows: the modules (the package
# markers hold nothing to locate; two files are VL001's seeded cases that do not parse).
SAMPLES = sorted(
    path for path in SAMPLE.rglob("*.py") if path.name not in ("__init__.py", "broken_migration.py", "latin1_notes.py")
)

TRICKY = '''\
@decorator(
    arg,
)
async def f(a, *args: int, b=1, **kw) -> "T":  # comment
    """Doc."""
    x = [i for i in range(3)] if a else {k: v for k, v in kw.items()}
    try:
        print(f"{a!r:>10}", \\
              b)
    except (ValueError, Exception) as e:  # noqa: VL301
        raise
    with open("p") as fh, lock:
        pass
    match a:
        case {"k": [1, *rest]}:
            pass
    return (yield)
class C(B, metaclass=M): x: int = 1; y = 2
'''

KINDS = (
    cst.FunctionDef,
    cst.ClassDef,
    cst.Call,
    cst.Name,
    cst.ExceptHandler,
    cst.Comment,
    cst.SimpleStatementLine,
    cst.If,
    cst.Param,
    cst.Attribute,
    cst.SimpleString,
    cst.FormattedString,
    cst.Decorator,
    cst.IndentedBlock,
    cst.Arg,
    cst.With,
    cst.Match,
    cst.Try,
    cst.Return,
)


def _check(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    syntactic = wrapper.resolve(PositionProvider)
    inclusive = wrapper.resolve(WhitespaceInclusivePositionProvider)
    nodes = list(iter_nodes(module, KINDS))
    found = locate(module, nodes)
    lines = LineIndex(source)
    for node in nodes:
        where = found[id(node)]
        for (start, end), expected in (
            ((where.start, where.end), syntactic[node]),
            ((where.outer_start, where.outer_end), inclusive[node]),
        ):
            got = (lines.line_col(start), lines.line_col(end))
            want = ((expected.start.line, expected.start.column + 1), (expected.end.line, expected.end.column + 1))
            assert got == want, (type(node).__name__, module.code_for_node(node)[:60])
    return len(nodes)


def test_tricky_constructs() -> None:
    assert _check(TRICKY) > 50


def test_crlf_source() -> None:
    assert _check(TRICKY.replace("\n", "\r\n")) > 50


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(SAMPLE)))
def test_real_files(path: Path) -> None:
    assert _check(path.read_text(encoding="utf-8")) > 0


def test_the_real_files_are_the_sample_s() -> None:
    assert len(SAMPLES) >= 30


def test_locating_a_few_nodes_stops_early() -> None:
    module = cst.parse_module(TRICKY)
    first = next(iter_nodes(module, cst.Decorator))
    assert set(locate(module, [first])) == {id(first)}


@pytest.mark.parametrize(
    ("text", "starts"),
    [("", [0]), ("a", [0]), ("a\n", [0, 2]), ("a\nbc\n\nd", [0, 2, 5, 6]), ("a\r\nb\rc\n", [0, 3, 5, 7])],
)
def test_line_starts(text: str, starts: list[int]) -> None:
    lines = LineIndex(text)
    assert [lines.line_start(number) for number in range(1, len(starts) + 1)] == starts
    assert lines.line_col(len(text)) == (len(starts), len(text) - starts[-1] + 1)


FORM_FEEDS = [
    "\fprint(1)\n\f\nprint(2)\n",
    "x = 1\n\fprint(2)\n\f\n\fy = print(3)\n",
    "def f():\n    x = 1\n\f\n    print(x)\n\f\nprint(4)\n",
]


@pytest.mark.parametrize("private", [True, False], ids=["private", "public"])
@pytest.mark.parametrize("source", FORM_FEEDS)
def test_statements_after_form_feed_lines_are_where_position_provider_says(
    source: str, private: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libcst drops a form feed that begins a top-level statement's line, so its generated code is
    # shorter than the text; each statement is located from where its line starts in the text, as
    # the engine does, and must land on the line PositionProvider gives (public path included).
    monkeypatch.setattr(libcst_private.PRIVATE, "codegen", private)
    monkeypatch.setattr(libcst_private, "_PUBLIC_SPANS", [])
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    syntactic = wrapper.resolve(PositionProvider)
    inclusive = wrapper.resolve(WhitespaceInclusivePositionProvider)
    lines = LineIndex(source)
    calls = 0
    for statement in module.body:
        offset = lines.line_start(inclusive[statement].start.line)
        nodes = list(iter_nodes(statement, (cst.Call, cst.Name)))
        found = locate_in(module, statement, offset, (), nodes)
        for node in nodes:
            expected = syntactic[node]
            want = ((expected.start.line, expected.start.column + 1), (expected.end.line, expected.end.column + 1))
            assert (lines.line_col(found[id(node)].start), lines.line_col(found[id(node)].end)) == want
            calls += isinstance(node, cst.Call)
    assert calls == source.count("print(")
