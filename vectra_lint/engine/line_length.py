"""Keeping fixed lines within the line length (a fix must not leave a new E501 finding, nor
make a line that is already too long longer).

A fix that lengthens a line (``print(x)`` -> ``logger.info(x)``, ``exc_info=True`` added) may push
it past the limit. The engine then breaks the replaced call the way a formatter would (the
arguments on a line of their own, else one per line with a trailing comma, the closing
parenthesis on its own line); when even that does not fit, the fix is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from vectra_lint.diagnostics import Edit, apply_edits


def _long_lines(text: str, limit: int) -> tuple[int, int]:
    """How many lines pass ``limit``, and the length of the longest one that does (0: none).

    A trailing comma is not counted in a line's length: it is what a formatter adds when it puts
    one argument per line, so that a message already too long for any layout keeps its own line.
    """
    lengths = [len(line[:-1] if line.endswith(",") else line) for line in text.splitlines()]
    long = [length for length in lengths if length > limit]
    return len(long), max(long, default=0)


def _lines_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the whole lines that hold ``text[start:end]``."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last == -1 else last


def adds_long_lines(text: str, edits: Sequence[Edit], limit: int) -> bool:
    """Whether applying ``edits`` (sorted, not overlapping) to ``text`` makes more lines longer than ``limit``."""
    if not edits:
        return False
    first, last = _lines_around(text, edits[0].start, max(edit.end for edit in edits))
    after, longest_after = _long_lines(apply_edits(text, edits, first, last), limit)
    before, longest_before = _long_lines(text[first:last], limit)
    # More long lines, or a line already too long made longer (`exc_info=True` after it).
    return after > before or longest_after > longest_before


def break_call(node: cst.CSTNode, indent: str, one_per_line: bool) -> cst.CSTNode | None:
    """``node`` (a call, or an awaited call) broken as a formatter does: the arguments on their own
    line, indented by ``indent`` more than the statement, and the closing parenthesis on its own
    line; with ``one_per_line``, each argument on its own line with a trailing comma. None when
    there is no call with arguments to break."""
    if isinstance(node, cst.Await):
        inner = break_call(node.expression, indent, one_per_line)
        return None if inner is None else node.with_changes(expression=inner)
    if not isinstance(node, cst.Call) or not node.args:
        return None
    argument_line = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))
    closing_line = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    last = len(node.args) - 1
    args = []
    for position, arg in enumerate(node.args):
        if position < last:
            after = argument_line if one_per_line else cst.SimpleWhitespace(" ")
            args.append(arg.with_changes(comma=cst.Comma(whitespace_after=after)))
        elif one_per_line:
            args.append(arg.with_changes(comma=cst.Comma(whitespace_after=closing_line)))
        else:
            args.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing_line))
    return node.with_changes(whitespace_before_args=argument_line, args=args)
