"""The editor's parse of an edited text from the last one's tree: always the tree of a whole parse."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest

from vectra_lint.engine.libcst_private import parse_module
from vectra_lint.lsp.reparse import Reparser

BACKEND = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
SOURCE = '''"""A module."""

import logging

logger = logging.getLogger(__name__)


class First:
    def one(self) -> int:
        return 1


# between
class Second:
    def two(self) -> int:
        if self:
            return 2
        return 3


def third() -> None:
    pass


VALUE = 4
'''


def _reparsed(old: str, new: str) -> tuple[cst.Module, int]:
    reparser = Reparser()
    reparser.parse(old)
    return reparser.parse(new), reparser.reused


@pytest.mark.parametrize(
    ("old", "new", "reused"),
    [
        # A keystroke in a method: only the class is parsed again.
        ("return 2", "return 22", 1),
        # A comment typed between a simple statement and a class.
        ("\n\n\nclass First", "\n# note\n\nclass First", 1),
        # Below a block, at the margin: the next statement's leading line.
        ("# between\n", "# between\n# and\n", 1),
        # Indented blank or comment lines after a block: libcst shares them out differently at the
        # end of a text than before a statement, so the whole text is parsed.
        ("        return 1\n", "        return 1\n        # the end\n   \n  # c\n", 0),
        # A statement indented into the class above it.
        ("\n\n\ndef third", "\n    x = 5\n\ndef third", 1),
        # The first indented block's indentation changes the module's default indent.
        ("    def one(self) -> int:\n        return 1", "  def one(self) -> int:\n        return 1", 0),
        # The first and the last statements are not parsed apart (the module's header and footer).
        ('"""A module."""', '"""The module."""', 0),
        ("VALUE = 4", "VALUE = 5", 0),
        # The blank lines before the last statement.
        ("    pass\n\n\nVALUE", "    pass\nVALUE", 1),
    ],
)
def test_an_edit_gives_the_tree_of_a_whole_parse(old: str, new: str, reused: int) -> None:
    assert old in SOURCE
    edited = SOURCE.replace(old, new, 1)
    module, reused_count = _reparsed(SOURCE, edited)
    assert module.deep_equals(parse_module(edited))
    assert module.code == edited
    assert reused_count == reused


def test_the_same_text_again_is_the_same_tree() -> None:
    reparser = Reparser()
    first = reparser.parse(SOURCE)
    assert reparser.parse(SOURCE) is first
    assert reparser.reused == 1


def test_a_syntax_error_is_the_whole_texts() -> None:
    edited = SOURCE.replace("return 2", "return 2)")
    with pytest.raises(cst.ParserSyntaxError) as whole:
        parse_module(edited)
    reparser = Reparser()
    reparser.parse(SOURCE)
    with pytest.raises(cst.ParserSyntaxError) as found:
        reparser.parse(edited)
    assert str(found.value) == str(whole.value)
    # The next text is parsed from the last one that parsed.
    assert reparser.parse(SOURCE.replace("return 2", "return 20")).deep_equals(
        parse_module(SOURCE.replace("return 2", "return 20"))
    )
    assert reparser.reused == 1


def test_random_edits_of_real_files() -> None:
    rng = random.Random(21)
    pieces = ["\n", "#", "# c\n", "    # deep\n", "   \n", "x", " ", "    ", "):", "def f():\n    pass\n", "\t", '"""']
    files = sorted((BACKEND / "app").rglob("*.py"))
    edits = reused = 0
    for path in files[:: max(1, len(files) // 6)]:
        text = path.read_text()
        reparser = Reparser()
        reparser.parse(text)
        for _ in range(8):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.6:
                new = text[:at] + rng.choice(pieces) + text[at:]
            else:
                new = text[:at] + text[at + rng.randrange(1, 30) :]
            try:
                whole = parse_module(new)
            except cst.ParserSyntaxError:
                with pytest.raises(cst.ParserSyntaxError):
                    reparser.parse(new)
                continue
            before = reparser.reused
            assert reparser.parse(new).deep_equals(whole), (path, at)
            reused += reparser.reused - before
            edits += 1
            text = new
    assert edits > 20 and reused >= 5  # the short way was taken
