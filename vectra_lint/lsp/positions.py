"""LSP positions of a text: lines broken by ``\\n``, ``\\r\\n`` and ``\\r`` only (not the other breaks
``str.splitlines`` knows, such as a form feed), columns in UTF-16 code units.

One table per text, built once per check: converting a position costs its line's length at most,
so the positions of every diagnostic of a file cost linear time, not diagnostics times size.
"""

from __future__ import annotations

from vectra_lint.engine.lines import LineIndex

Position = dict[str, int]
Range = dict[str, Position]


class Lines:
    """Offsets, 1-based (line, column) in characters, and LSP positions of one text."""

    def __init__(self, text: str) -> None:
        """Index ``text``'s line starts."""
        self.text = text
        self.index = LineIndex(text)
        # Only characters beyond the BMP take two UTF-16 units: an ASCII text needs no counting.
        self.simple = text.isascii()

    def position(self, offset: int) -> Position:
        """The LSP position of a character offset."""
        line, column = self.index.line_col(min(max(offset, 0), len(self.text)))
        return self.at(line, column)

    def at(self, line: int, column: int) -> Position:
        """The LSP position of a 1-based line and column (in characters)."""
        line = max(1, min(line, len(self.index.starts)))
        start = self.index.line_start(line)
        characters = max(0, min(column - 1, self._line_end(line - 1) - start))
        if self.simple:
            return {"line": line - 1, "character": characters}
        before = self.text[start : start + characters]
        return {"line": line - 1, "character": characters + sum(1 for c in before if ord(c) > 0xFFFF)}

    def range(self, start: int, end: int) -> Range:
        """The LSP range of character offsets ``start`` to ``end``."""
        return {"start": self.position(start), "end": self.position(end)}

    def offset(self, position: Position) -> int:
        """The character offset of an LSP position (a column past the line's end is its end)."""
        line = position.get("line", 0)
        starts = self.index.starts
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        start = starts[line]
        end = self._line_end(line)
        units = max(0, position.get("character", 0))
        if self.simple:
            return min(start + units, end)
        offset = start
        while offset < end and units > 0:
            units -= 2 if ord(self.text[offset]) > 0xFFFF else 1
            offset += 1
        return offset

    def end(self) -> Position:
        """The position after the last character."""
        return self.position(len(self.text))

    def line_text(self, line: int) -> str:
        """The 0-based ``line``'s text, without its line break."""
        starts = self.index.starts
        if not 0 <= line < len(starts):
            return ""
        return self.text[starts[line] : self._line_end(line)]

    def _line_end(self, line: int) -> int:
        """Offset of 0-based ``line``'s line break (or of the end of the text)."""
        starts = self.index.starts
        if line + 1 >= len(starts):
            return len(self.text)
        end = starts[line + 1] - 1
        if end > starts[line] and self.text[end - 1 : end + 1] == "\r\n":
            end -= 1
        return end
