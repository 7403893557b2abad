"""The one interface every output format implements, and what reporters are given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from vectra_lint.diagnostics import Diagnostic, Edit
from vectra_lint.engine.lines import LineIndex

SourceLookup = Callable[[str], "str | None"]
"""Returns the current text of a reported path (as diagnostics see it), or None."""
SeverityLookup = Callable[[Diagnostic], str]
"""The level a diagnostic is shown at (``error``, ``warning`` or ``info``): the rule's default,
or what its project's ``severity`` table says."""


def all_errors(diagnostic: Diagnostic) -> str:
    """The severity of every finding when nothing else is known."""
    return "error"


@dataclass(frozen=True)
class Summary:
    """Totals of a run, given to ``Reporter.finish``."""

    files: int
    remaining: int
    fixed: int = 0
    fixable: int = 0
    """Remaining diagnostics that ``--fix`` would fix."""
    unsafe_fixable: int = 0
    """Remaining diagnostics fixable only with ``--unsafe-fixes``."""
    errors: tuple[str, ...] = field(default=())
    baselined: int = 0
    """Findings left out because the baseline holds them."""
    stale: int = 0
    """Baseline entries of the checked files that no finding matches any more."""
    warnings: int = 0
    """Of ``remaining``, how many are shown as warnings or infos (the rest are errors)."""


@dataclass(frozen=True)
class LocatedEdit:
    """An edit with 1-based line/column bounds, as machine-readable formats show it."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


class Reporter:
    """Base class of output formats: ``start``, then ``file`` per checked file in order, then ``finish``.

    Files are given in path order and diagnostics within a file in (line, column, code) order, so
    output is the same whatever the process pool did.
    """

    def __init__(
        self, stream: TextIO, sources: SourceLookup, *, color: bool = False, severity: SeverityLookup = all_errors
    ) -> None:
        """Report to ``stream``; ``sources`` gives the text of reported files, ``color`` styles the
        output, ``severity`` the level of each diagnostic."""
        self.stream = stream
        self.sources = sources
        self.color = color
        self.severity = severity
        self._lines: tuple[str, LineIndex | None] | None = None
        """The line index of the last file ``located_edits`` read, by its path."""

    def start(self) -> None:
        """Called once before any file."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Called once per checked file (also for files without diagnostics)."""

    def finish(self, summary: Summary) -> None:
        """Called once at the end."""

    def located_edits(self, diagnostic: Diagnostic) -> list[LocatedEdit]:
        """The diagnostic's fix edits with line/column bounds (empty when it has no fix)."""
        if diagnostic.fix is None:
            return []
        if self._lines is None or self._lines[0] != diagnostic.path:
            text = self.sources(diagnostic.path)
            # Indexed once per file, not per fix: a file's diagnostics come together.
            self._lines = (diagnostic.path, LineIndex(text) if text is not None else None)
        lines = self._lines[1]
        if lines is None:
            return []
        return [_locate(edit, lines) for edit in diagnostic.fix.edits]


def _locate(edit: Edit, lines: LineIndex) -> LocatedEdit:
    line, column = lines.line_col(edit.start)
    end_line, end_column = lines.line_col(edit.end)
    return LocatedEdit(line, column, end_line, end_column, edit.content)
