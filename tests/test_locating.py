"""Locating a report by generating only its statement (from the line the walk counted) must give
exactly what generating the whole file gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import lint, settings_for
from tests.test_positions import TRICKY
from vectra_lint.engine import lint as engine

REPO = Path(__file__).resolve().parent.parent
FILES = sorted((REPO / "vectra_lint").rglob("*.py"))[:60] + sorted((REPO / "fixtures").rglob("*.py"))

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
        patch.setattr(engine, "_SLOW_LAYOUT", re.compile(""))  # every file the long way
        slow = lint(source, settings, path)
    assert [(d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in fast] == [
        (d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in slow
    ]
    assert fast, "the sample should produce diagnostics"


@pytest.mark.parametrize("source", [MESSY, MESSY.replace("\n", "\r\n"), TRICKY], ids=["messy", "crlf", "tricky"])
def test_snippets(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(source, monkeypatch)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_real_files(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        source = path.read_text(encoding="utf-8")
        compile(source, str(path), "exec")
    except (UnicodeDecodeError, SyntaxError):
        pytest.skip("not valid Python (a seeded VL001 case)")
    relative = path.relative_to(REPO).as_posix()
    if not lint(source, settings_for("VL003"), relative):
        pytest.skip("nothing reported")
    _both(source, monkeypatch, relative)
