"""Parsing an edited document again from its last tree: only the top-level statements the edit
touches are parsed, the others are reused.

A keystroke changes one statement of a file, and libcst's parse of the whole file is half the
time of a check. The tree of the new text is the old one with the statements around the change
replaced by a parse of their new text alone, but only where that gives the very tree a parse of
the whole text gives (same nodes, same fields), so that the diagnostics are those of ``check``.
Where it cannot be sure, it parses the whole text (:func:`parse_module`); a syntax error is always
that of the whole text.

What a statement's tree depends on outside its own text, and how each is kept the same:

- the comments and blank lines between two statements: libcst gives them to the indented block
  that ends before them (the deeper ones) and to the next statement (the others), from their own
  text; a chunk is cut before a statement's first token (its leading lines are parsed with the
  chunk, whose last block takes the same ones), and the first statement of a chunk follows a
  simple statement (which takes none) unless the edit is past the first statement's first token;
- the module's ``default_indent`` (an indented block at the default indentation stores none) and
  ``default_newline`` (likewise for line ends): the chunk must have the module's, and the first
  indented block of the whole text must be before or in the chunk (so the edit cannot move it);
  texts with ``\\r`` line ends are parsed whole;
- the module's header (the comments before the first statement) and footer: the first and the
  last statement are never in a chunk.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import libcst as cst

from vectra_lint.engine.libcst_private import parse_module


class Reparser:
    """The parse of one document's successive texts, each from the one before when it can."""

    def __init__(self) -> None:
        """No text parsed yet."""
        self.text: str | None = None
        self.module: cst.Module | None = None
        self.starts: list[int] | None = None
        """Where each top-level statement of :attr:`module` starts (with its leading lines)."""
        self.reused = 0
        """How many parses reused the tree before (tests and benchmarks read it)."""

    def parse(self, text: str) -> cst.Module:
        """The tree of ``text``, equal to :func:`parse_module`'s (its syntax error too)."""
        module = self._from_last(text) if self.module is not None and self.text is not None else None
        if module is None:
            module = parse_module(text)
            self.starts = None
        else:
            self.reused += 1
        self.text, self.module = text, module
        return module

    def _from_last(self, text: str) -> cst.Module | None:
        """The tree of ``text`` from the last one, or None where it must be parsed whole."""
        old, module = self.text, self.module
        assert old is not None and module is not None
        if text == old:
            return module  # checked again unchanged (a save, a settings reload): the same tree
        if "\r" in text or "\r" in old or module.default_newline != "\n":
            return None
        body = module.body
        if len(body) < 3:
            return None
        if self.starts is None:
            self.starts = _starts(module)
        starts = self.starts
        same_start, same_end = _common(old, text)
        changed_end = len(old) - same_end
        # The first statement of the chunk: the one the change starts in, or the one before it when
        # the change is among its leading lines and a block ends before them.
        first = bisect_right(starts, same_start) - 1
        while first > 0 and not isinstance(body[first - 1], cst.SimpleStatementLine):
            leading = body[first].leading_lines
            if same_start >= starts[first] + _lines_length(module, leading) and all(
                not line.whitespace.value for line in leading
            ):
                break  # lines at the margin after a block: the statement's, whatever is edited after them
            first -= 1
        if first < 1:
            return None
        # The statement after the chunk: the first whose own text (past its leading lines) is
        # after the change.
        after = first + 1
        while after < len(body) and starts[after] + _lines_length(module, body[after].leading_lines) < changed_end:
            after += 1
        if after >= len(body):
            return None
        following = body[after]
        cut = starts[after] + _lines_length(module, following.leading_lines)
        shift = len(text) - len(old)
        if text[cut + shift - 1] != "\n":
            return None  # the change joins the chunk's last line to the next statement's first
        if not _at_margin(text, cut + shift):
            return None  # indented blank or comment lines: at the end of a text, libcst shares them otherwise
        chunk_text = text[starts[first] : cut + shift]
        try:
            chunk = parse_module(chunk_text)
        except (cst.ParserSyntaxError, RecursionError):
            return None
        if not chunk.body or chunk.default_newline != "\n" or chunk.default_indent != module.default_indent:
            return None
        if not (_has_block(body[:first]) or _has_block(chunk.body)):
            return None  # the first indented block may be after the chunk: the default indent is not known
        statements = list(chunk.body)
        statements[0] = statements[0].with_changes(leading_lines=(*chunk.header, *statements[0].leading_lines))
        new_body = (*body[:first], *statements, following.with_changes(leading_lines=chunk.footer), *body[after + 1 :])
        # The starts of the chunk's statements, then of the others (moved by the edit's length).
        offset = starts[first]
        chunk_starts = [offset]
        for statement in statements[:-1]:
            offset += len(module.code_for_node(statement))
            chunk_starts.append(offset)
        following_start = cut + shift - _lines_length(module, chunk.footer)
        moved = [start + shift for start in starts[after + 1 :]]
        self.starts = [*starts[:first], *chunk_starts, following_start, *moved]
        return module.with_changes(body=new_body)


def _common(old: str, new: str) -> tuple[int, int]:
    """The lengths of the longest common start and end of two texts (not overlapping)."""
    limit = min(len(old), len(new))
    low, high = 0, limit
    while low < high:  # the longest equal start, by halves (slices compare in C)
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    start = low
    low, high = 0, limit - start
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle :] == new[len(new) - middle :]:
            low = middle
        else:
            high = middle - 1
    return start, low


def _at_margin(text: str, end: int) -> bool:
    """Whether the blank and comment lines just before ``end`` (a line start) are all unindented."""
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1
        line = text[start : end - 1]
        content = line.strip()
        if content and not content.startswith("#"):
            return True  # a line of code: the lines between two statements are over
        if line[:1] in (" ", "\t", "\f"):
            return False
        end = start
    return True


def _starts(module: cst.Module) -> list[int]:
    offset = _lines_length(module, module.header)
    starts = []
    for statement in module.body:
        starts.append(offset)
        offset += len(module.code_for_node(statement))
    return starts


def _lines_length(module: cst.Module, lines: Sequence[cst.EmptyLine]) -> int:
    return sum(len(module.code_for_node(line)) for line in lines)


def _has_block(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether one of the statements has an indented body (so the text has an indented block by there)."""
    return any(isinstance(getattr(statement, "body", None), cst.IndentedBlock) for statement in statements)
