"""Offsets to lines and columns and back: plain text arithmetic, kept apart from libcst so that
reporters and cached runs can use it without importing the parser."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

_LINE_BREAK = re.compile("\r\n|\r|\n")


class LineIndex:
    """Converts character offsets of a text to 1-based (line, column) and back."""

    def __init__(self, text: str) -> None:
        """Index the line starts of ``text``."""
        starts = [0]
        if "\r" in text:
            # Old Mac line ends count as lines too, as for Python's tokenizer (and Ruff).
            starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        else:
            # Each line starts where the one before does plus its length and its "\n", summed in C:
            # a loop of `find` calls costs about half as much again on a large file.
            lines = text.split("\n")
            del lines[-1]  # the text after the last line break ends no line
            starts.extend(accumulate(map((1).__add__, map(len, lines))))
        self.starts = starts
        self.length = len(text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self.starts[min(line, len(self.starts)) - 1]

    def offset(self, line: int, column: int) -> int:
        """Offset of 1-based ``line`` and ``column``."""
        return min(self.line_start(line) + column - 1, self.length)
