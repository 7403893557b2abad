"""The fix loop's parse of a fixed text from the tree of the text before the fixes: always the tree
a parse of the whole text gives, with what no edit touched reused."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

from tests.test_locating import MESSY
from tests.test_positions import TRICKY
from tests.test_statements import LAYOUTS
from vectra_lint.cli import main
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Edit, apply_edits
from vectra_lint.engine import splice
from vectra_lint.engine.libcst_private import parse_module
from vectra_lint.engine.lint import lint_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE = '''"""A module."""

import logging

logger = logging.getLogger(__name__)


class Service:
    """Does things."""

    @property
    def name(self):
        return "service"

    async def run(self, items: list[int]) -> int:
        total = 0
        for item in items:
            if item > 1:
                total += item
            elif item:
                total -= 1
            else:
                pass
        try:
            logger.info("ran %s", total)
        except ValueError:
            text = """a string
   over lines"""
            return len(text)
        finally:
            total += 1
        return total

    def last(self):
        return 0


class Other:
    """Makes the text long enough that parsing ``Service`` again costs less than all of it."""

    def first(self, values: dict[str, int]) -> list[str]:
        return sorted(name for name, value in values.items() if value > 1 and not name.startswith("_"))

    def second(self, values: dict[str, int]) -> list[str]:
        return sorted(name for name, value in values.items() if value > 2 and not name.startswith("_"))

    def third(self, values: dict[str, int]) -> list[str]:
        return sorted(name for name, value in values.items() if value > 3 and not name.startswith("_"))


VALUE = 4
'''


def _tree(text: str) -> splice.Parsed:
    result = lint_text("a.py", "a.py", text, Settings(root=Path("."), enabled=frozenset()), keep_tree=True)
    assert result.tree is not None
    return result.tree


def _edit(text: str, old: str, new: str) -> tuple[Edit, str]:
    assert text.count(old) == 1, old
    start = text.index(old)
    return Edit(start, start + len(old), new), text[:start] + new + text[start + len(old) :]


def _reparsed(text: str, edits: list[Edit], new_text: str) -> cst.Module | None:
    module = splice.reparse(_tree(text), edits, new_text)
    if module is not None:
        assert module.deep_equals(parse_module(new_text))
        assert module.code == new_text
    return module


def _statement(module: cst.Module, *path: int) -> cst.CSTNode:
    node: cst.CSTNode = module.body[path[0]]
    for index in path[1:]:
        body = node.body  # type: ignore[attr-defined]
        node = body.body[index]
    return node


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # A return annotation (VL102): only the method's header is parsed again.
        ("def name(self):", "def name(self) -> str:"),
        ("    def last(self):", "    def last(self) -> int:"),
        # A decorator changed, a decorator added.
        ("@property\n", "@property  # noqa: VL999\n"),
        ("    @property\n", "    @staticmethod\n    @property\n"),
        # A statement deep in the blocks: in an `elif`, an `except`, a `finally`.
        ("                total -= 1", "                total -= 2"),
        ('            logger.info("ran %s", total)', '            logger.info("ran %s", total, extra={"a": 1})'),
        ("            return len(text)", "            return len(text) + 1"),
        ("            total += 1\n        return", "            total += 2\n        return"),
        # A statement made a block, and a block made a statement.
        ("                pass\n", "                if total:\n                    pass\n"),
        ("            else:\n                pass\n        try", "        try"),
        # Statements added after one, at its indentation.
        ("        total = 0\n", "        total = 0\n        count = 0\n"),
        # A multi-line string inside the edited statement keeps its text.
        ('   over lines"""', '   over lines, edited"""'),
        # A statement moved out to its class: a statement of the class after the method.
        ("            total += 1\n        return total\n", "            total += 1\n    return total\n"),
        # Comment lines added inside a statement's block, before its last statement.
        ("        return total\n", "        # the total\n        return total\n"),
        # What the statement cannot be parsed alone with is parsed with the one that holds it: a
        # comment indented deeper after it, statements after a method at the margin (they end
        # the class), a statement indented as the body of the method before it.
        ("        return total\n", "        return total\n            # deeper\n"),
        ("        return 0\n", "        return 0\nlast = 0\n"),
        ("    def last(self):", "        total = 1\n\n    def last(self):"),
        ("        total = 0\n", ""),
    ],
)
def test_an_edited_statement_gives_the_tree_of_a_whole_parse(old: str, new: str) -> None:
    edit, edited = _edit(SOURCE, old, new)
    assert _reparsed(SOURCE, [edit], edited) is not None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Before the first indented block's first statement: it decides the default indent.
        ("import logging\n", "import logging\nimport time\n"),
        ('    """Does things."""', '    """Does more things."""'),
        # The last top-level statement, when comment lines end the module, and the text's end.
        ("VALUE = 4\n", "VALUE = 5\n# the end\n"),
        ("VALUE = 4\n", "VALUE = 4"),
        # Old Mac line ends.
        ("        total = 0\n", "        total = 0\r"),
    ],
)
def test_what_cannot_be_parsed_apart_is_parsed_whole(old: str, new: str) -> None:
    edit, edited = _edit(SOURCE, old, new)
    try:
        parse_module(edited)
    except cst.ParserSyntaxError:
        pass
    assert _reparsed(SOURCE, [edit], edited) is None


def test_a_text_with_a_backslash_continuation_is_parsed_whole() -> None:
    # The walk does not count the line break of a continuation: the lines found would be wrong.
    text = SOURCE.replace("        total = 0\n", "        total = \\\n            0\n")
    edit, edited = _edit(text, "                total -= 1", "                total -= 2")
    assert _reparsed(text, [edit], edited) is None


def test_an_edit_to_the_indentation_of_the_first_block_is_parsed_whole() -> None:
    # It sets the module's default indent, which every block at that indentation leaves out.
    text = "import os\n\n\nclass Error(Exception):\n    pass\n\n\nclass Other:\n    x = 1\n"
    start = text.index("    pass") + 3
    edited = text[:start] + text[start + 1 :]
    assert parse_module(edited).default_indent == "   "
    assert _reparsed(text, [Edit(start, start + 1, "")], edited) is None


def test_what_no_edit_touched_is_the_old_trees_nodes() -> None:
    before = _tree(SOURCE)
    header, edited = _edit(SOURCE, "def name(self):", "def name(self) -> str:")
    statement, edited = _edit(edited, "                total -= 1", "                total -= 2")
    shift = len(" -> str")
    edits = [header, Edit(statement.start - shift, statement.end - shift, statement.content)]
    module = splice.reparse(before, edits, edited)
    assert module is not None and module.deep_equals(parse_module(edited))
    old = before.module
    # The method whose header changed keeps its body; the other statements are the old ones.
    assert _statement(module, 3, 1) is not _statement(old, 3, 1)
    assert _statement(module, 3, 1, 0) is _statement(old, 3, 1, 0)
    assert _statement(module, 3, 2, 1) is not _statement(old, 3, 2, 1)
    assert _statement(module, 3, 2, 0) is _statement(old, 3, 2, 0)
    assert _statement(module, 3, 2, 2) is _statement(old, 3, 2, 2)
    assert _statement(module, 3, 3) is _statement(old, 3, 3)
    assert module.body[0] is old.body[0] and module.body[-1] is old.body[-1]


_SNIPPETS = [
    "x = 1\n",
    "# a comment\n",
    "\n",
    "if x:\n{deeper}pass\n",
    "return (\n{deeper}1\n{indent})\n",
    '"""doc\n  string"""\n',
    "try:\n{deeper}pass\n{indent}except E:\n{deeper}raise\n",
    "@decorator\n{indent}def f(a,\n{deeper}b) -> None:\n{deeper}pass\n",
]


def _random_edits(text: str, rng: random.Random) -> list[Edit]:
    """A few edits at line starts and inside lines: snippets at the line's indentation (or one
    level deeper or shallower), lines deleted, characters changed."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits: dict[int, Edit] = {}
    for _ in range(rng.choice((1, 1, 2, 3))):
        number = rng.randrange(len(lines))
        line, start = lines[number], starts[number]
        indent = line[: len(line) - len(line.lstrip(" "))]
        indent = rng.choice((indent, indent + "    ", indent[:-4] if len(indent) >= 4 else indent))
        kind = rng.randrange(4)
        if kind == 0:
            snippet = rng.choice(_SNIPPETS).format(indent=indent, deeper=indent + "    ")
            edit = Edit(start, start, indent + snippet)
        elif kind == 1:
            edit = Edit(start, start + len(line), "")
        elif kind == 2 and line.strip():
            column = rng.randrange(len(line) - 1) if len(line) > 1 else 0
            content = rng.choice(("", "x", " -> None", ")", ":"))
            edit = Edit(start + column, start + column + rng.choice((0, 1)), content)
        else:
            end = line.rstrip("\n")
            edit = Edit(start + len(end), start + len(end), rng.choice(("  # noqa", " + 1", ",", "")))
        edits.setdefault(edit.start, edit)
    ordered = sorted(edits.values())
    return [edit for index, edit in enumerate(ordered) if index == 0 or ordered[index - 1].end <= edit.start]


def test_random_edits_of_real_files_give_the_tree_of_a_whole_parse() -> None:
    rng = random.Random(25)
    outcomes: Counter[str] = Counter()
    # The fixture files, and the layouts the walk's line count was tested on (every place a line
    # break can be written, odd syntax).
    texts = {str(path): path.read_bytes() for path in sorted(FIXTURES.rglob("*.py"))}
    texts.update(layouts=LAYOUTS.encode(), messy=MESSY.encode(), tricky=TRICKY.encode())
    for path, data in texts.items():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a rule's fixture of undecodable bytes
        if not text:
            continue
        try:
            parse_module(text)
        except cst.ParserSyntaxError:
            continue  # a rule's fixture of a syntax error
        before = _tree(text)
        # Edits before the first statement of the first indented block (it sets the default
        # indent) are all parsed whole: they are not counted.
        guard = splice._Splicer(before).first_block_token()
        for _ in range(8):
            edits = _random_edits(text, rng)
            new_text = apply_edits(text, edits)
            module = splice.reparse(before, edits, new_text)
            try:
                whole = parse_module(new_text)
            except (cst.ParserSyntaxError, RecursionError):
                assert module is None, (path, edits)
                outcomes["invalid"] += 1
                continue
            if module is None:
                outcomes["whole" if guard is not None and edits[0].start > guard else "before"] += 1
            else:
                assert module.deep_equals(whole), (path, edits)
                outcomes["spliced"] += 1
    # Most valid edits are parsed apart: the test would pass trivially if none were.
    assert outcomes["spliced"] > outcomes["whole"], outcomes


def test_fix_gives_what_it_gives_with_whole_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--fix --unsafe-fixes`` on the fixture backends writes the same files and reports the same
    findings whether each fixed text is parsed from the last tree or whole."""
    spliced: Counter[bool] = Counter()
    reparse = splice.reparse

    def counting(before: splice.Parsed, edits: list[Edit], text: str) -> cst.Module | None:
        module = reparse(before, edits, text)
        spliced[module is not None] += 1
        return module

    outputs = []
    for mode in ("spliced", "whole"):
        project = tmp_path / mode
        # Not the plugin project: a process loads a plugin module of one name once.
        shutil.copytree(FIXTURES, project, ignore=shutil.ignore_patterns("plugins"))
        monkeypatch.setattr(splice, "reparse", counting if mode == "spliced" else lambda *args: None)
        monkeypatch.chdir(project)
        args = ["check", ".", "--fix", "--unsafe-fixes", "--no-cache", "--jobs", "1", "--output-format", "json"]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        files = {path.relative_to(project): path.read_bytes() for path in sorted(project.rglob("*.py"))}
        outputs.append((result.output.replace(str(project), "<project>"), files))
    assert outputs[0][1] == outputs[1][1]
    assert outputs[0][0] == outputs[1][0]
    assert spliced[True] > 0, spliced
    # Each fixed file parses again after a second --fix changes nothing.
    monkeypatch.setattr(splice, "reparse", counting)
    result = CliRunner().invoke(main, ["check", ".", "--fix", "--unsafe-fixes", "--no-cache", "--jobs", "1"])
    assert "Fixed" not in result.output
