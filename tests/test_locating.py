"""Locating a report by generating only its statement (from the line the walk counted) must give
exactly what generating the whole file gives."""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

from tests.helpers import lint, settings_for
from tests.test_positions import TRICKY
from vectra_lint import registry
from vectra_lint.engine import locating
from vectra_lint.engine.positions import Located
from vectra_lint.engine.signatures import header_nodes, locate_signature
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
        patch.setattr(locating, "_SLOW_LAYOUT", re.compile(""))  # every file the long way
        slow = lint(source, settings, path)
    assert [(d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in fast] == [
        (d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in slow
    ]
    assert fast, "the sample should produce diagnostics"


@pytest.mark.parametrize("source", [MESSY, MESSY.replace("\n", "\r\n"), TRICKY], ids=["messy", "crlf", "tricky"])
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
