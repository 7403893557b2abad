"""Where nodes are in the source, computed only for the nodes that were reported.

libcst's ``PositionProvider`` records a range for every node of the file, about three times the
cost of the parse. Instead, code generation runs with a state that tracks text offsets only at the
nodes asked for, and stops as soon as the last of them has been generated (``libcst_private.py``,
which falls back to ``PositionProvider`` where libcst no longer works as it expects).

Usually it generates far less than the file: the walk counts the lines before each statement, so
a node can be located by generating just the statement it is in, starting at that line
(``locate_in``). ``locate`` generates the module from its start, for the rest. Offsets are turned
into lines and columns with a line-start table.

Offsets are into the code libcst generates, which is the text except in one case: libcst rewrites
the leading whitespace of a statement's line that holds a form feed (``"\\fx = 1"`` generates
``"x = 1"``; a block's first line ``"\\f    a"`` makes its indentation ``"\\f    "`` for every
line). A file with such a line is located from its start and mapped to the text (``FormFeeds``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from vectra_lint.engine import libcst_private
from vectra_lint.engine.lines import LineIndex

__all__ = ["FormFeeds", "LineIndex", "Located", "locate", "locate_in"]


@dataclass(frozen=True)
class Located:
    """A node's syntactic span and whitespace-inclusive span, as character offsets."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    indent: tuple[str, ...]
    """The indentation in force where the node starts, to generate a replacement for it."""


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, Located]:
    """The spans of ``nodes`` (keyed by ``id(node)``), from one partial code generation of ``module``."""
    return {key: Located(*span) for key, span in libcst_private.locate(module, module, nodes).items()}


def locate_in(
    module: cst.Module,
    statement: cst.CSTNode,
    offset: int,
    indent: tuple[str, ...],
    nodes: Iterable[cst.CSTNode],
    starts: Iterable[cst.CSTNode] = (),
) -> dict[int, Located]:
    """Like ``locate``, generating only ``statement``, whose text begins at ``offset`` with the
    enclosing blocks' ``indent``. Nodes that are not inside the statement are not found.

    For ``starts`` only the start is wanted: their end is reported equal to their start.
    """
    found = libcst_private.locate(module, statement, nodes, starts, offset, indent)
    return {key: Located(*span) for key, span in found.items()}


# A line (from the start of the text, or after any line break) whose leading whitespace holds a
# form feed and that is not blank: libcst keeps a blank line's whitespace as it is.
_FORM_FEED_INDENT = re.compile(r"(?<![^\r\n])[ \t]*\f[ \t\f]*[^ \t\f\r\n]")
_LEADING = re.compile(r"[ \t\f]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class FormFeeds:
    """Maps offsets into libcst's generated code to offsets into the text, for a file where a form
    feed in a line's leading whitespace makes them differ. Only leading whitespace differs, line by
    line: an offset past a line's leading whitespace keeps its distance from the line's first
    non-blank character; one inside it stays inside it (at most at its end)."""

    @staticmethod
    def of(module: cst.Module, text: str) -> FormFeeds | None:
        """The map, or None when the generated code is the text (always, without a form feed in a
        line's leading whitespace: the costly full generation runs only for such files)."""
        if "\f" not in text or not _FORM_FEED_INDENT.search(text):
            return None
        code = module.code
        if code == text:
            return None
        found = FormFeeds(code, text)
        # Anything but leading whitespace differing is not what this maps: left as libcst has it.
        return found if len(found._starts) == len(found._text_starts) else None

    def __init__(self, code: str, text: str) -> None:
        """Index both texts' line starts and the length of each line's leading whitespace."""
        self._starts, self._leading = _lines(code)
        self._text_starts, self._text_leading = _lines(text)

    def offset(self, offset: int, end: bool) -> int:
        """The text offset of a generated ``offset``. At a line's first non-blank character, a start
        maps there and an ``end`` (a statement's end, after its line break) to the line's start."""
        line = bisect.bisect_right(self._starts, offset) - 1
        column = offset - self._starts[line]
        leading, text_leading = self._leading[line], self._text_leading[line]
        if column > leading or (column == leading and not end):
            return self._text_starts[line] + text_leading + column - leading
        return self._text_starts[line] + min(column, text_leading)

    def located(self, where: Located) -> Located:
        """``where`` in text offsets."""
        return Located(
            self.offset(where.start, False),
            self.offset(where.end, True),
            self.offset(where.outer_start, False),
            self.offset(where.outer_end, True),
            where.indent,
        )


def _lines(text: str) -> tuple[list[int], list[int]]:
    """Where each line of ``text`` starts, and how long its leading whitespace is."""
    starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    return starts, [_LEADING.match(text, start).end() - start for start in starts]  # type: ignore[union-attr]
