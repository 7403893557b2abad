"""Locating a report by generating only its statement (from the line the walk counted) must give
exactly what generating the whole file gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import lint, settings_for
from tests.test_positions import TRICKY
from vectra_lint import registry
from vectra_lint.engine import locating

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
