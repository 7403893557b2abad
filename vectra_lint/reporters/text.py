"""Human-readable output: the full format (source line with the span marked) and the concise one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.text import Text

from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.reporters.base import Reporter, Summary
from vectra_lint.reporters.escape import printable

# Python's line breaks only: str.splitlines also breaks at form feeds and other separators, which
# would put the source shown under a diagnostic out of step with its line number.
_LINE_BREAK = re.compile("\r\n|\r|\n")


class Lines:
    """Writes styled lines: through rich on a colour terminal, as plain text otherwise.

    Plain writes matter for speed: rich renders each line through its layout engine, which
    took longer than linting for a report of tens of thousands of lines.
    """

    def __init__(self, stream: TextIO, color: bool) -> None:
        """Write to ``stream``, styled through rich when ``color``."""
        self.stream = stream
        # soft_wrap keeps long lines intact for editors to parse.
        self.console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True) if color else None

    def __call__(self, text: Text | None = None) -> None:
        """Write one line."""
        if self.console is not None:
            self.console.print(text if text is not None else "")
        else:
            self.stream.write((text.plain if text is not None else "") + "\n")


def _fix_mark(diagnostic: Diagnostic) -> str:
    if diagnostic.fix is None:
        return ""
    return "[*] " if diagnostic.fix.applicability is Applicability.SAFE else "[-] "


def _heading(diagnostic: Diagnostic) -> Text:
    text = Text()
    text.append(printable(diagnostic.path), style="bold")
    text.append(f":{diagnostic.line}:{diagnostic.column}: ", style="cyan")
    text.append(diagnostic.code, style="bold red")
    text.append(" ")
    text.append(_fix_mark(diagnostic), style="cyan")
    text.append(printable(diagnostic.message))
    return text


class ConciseReporter(Reporter):
    """One line per diagnostic: ``path:line:col: CODE [*] message``, then the summary."""

    def start(self) -> None:
        """Set up the output."""
        self.emit = Lines(self.stream, self.color)

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Print one line per diagnostic."""
        if self.emit.console is None:
            # Plain output is most of what CI and editors read: format it without rich.
            self.stream.writelines(
                f"{printable(d.path)}:{d.line}:{d.column}: {d.code} {_fix_mark(d)}{printable(d.message)}\n"
                for d in diagnostics
            )
            return
        for diagnostic in diagnostics:
            self.emit(_heading(diagnostic))

    def finish(self, summary: Summary) -> None:
        """Print the summary line."""
        print_summary(self.emit, summary)


class TextReporter(ConciseReporter):
    """Each diagnostic with its source line and the span marked, like Ruff's full output."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Print each diagnostic with its source context."""
        if not diagnostics:
            return
        source = self.sources(path)
        lines = _LINE_BREAK.split(source) if source is not None else []
        for diagnostic in diagnostics:
            self.emit(_heading(diagnostic))
            if 0 < diagnostic.line <= len(lines):
                self._snippet(diagnostic, lines)
            if diagnostic.fix is not None:
                note = "" if diagnostic.fix.applicability is Applicability.SAFE else " (unsafe)"
                self.emit(Text(f"  = help: {printable(diagnostic.fix.description)}{note}", style="cyan"))
            self.emit()

    def _snippet(self, diagnostic: Diagnostic, lines: list[str]) -> None:
        width = len(str(min(diagnostic.end_line, len(lines))))
        gutter = " " * width
        self.emit(Text(f"{gutter} |", style="blue"))
        last = min(diagnostic.end_line, diagnostic.line + 2, len(lines))
        for number in range(diagnostic.line, last + 1):
            row = Text(f"{number:>{width}} | ", style="blue")
            row.append(printable(lines[number - 1].expandtabs(1)))
            self.emit(row)
        line = lines[diagnostic.line - 1]
        # Columns counted in the line as shown, where an escaped character takes several.
        start = len(printable(line[: diagnostic.column - 1]))
        end = len(printable(line[: diagnostic.end_column - 1] if diagnostic.end_line == diagnostic.line else line))
        carets = "^" * max(1, end - start)
        marker = Text(f"{gutter} | ", style="blue")
        marker.append(" " * start + carets + " " + diagnostic.code, style="bold red")
        self.emit(marker)
        self.emit(Text(f"{gutter} |", style="blue"))


def print_summary(emit: Lines, summary: Summary) -> None:
    """The closing lines of the human formats: counts, and what ``--fix`` would do."""
    if summary.fixed:
        emit(Text(f"Fixed {summary.fixed} {_plural(summary.fixed, 'error')}, {summary.remaining} remaining."))
    if summary.remaining == 0:
        # Not when a path could not be checked: its errors follow.
        if not summary.fixed and not summary.errors:
            emit(Text("All checks passed!", style="bold green"))
        return
    emit(Text(f"Found {summary.remaining} {_plural(summary.remaining, 'error')}.", style="bold"))
    if summary.fixable:
        emit(Text(f"[*] {summary.fixable} fixable with the `--fix` option.", style="cyan"))
    if summary.unsafe_fixable:
        hidden = summary.unsafe_fixable
        emit(
            Text(
                f"[-] {hidden} more {_plural(hidden, 'fix', 'fixes')} available with `--fix --unsafe-fixes`.",
                style="cyan",
            )
        )


def print_statistics(emit: Lines, diagnostics: Sequence[Diagnostic]) -> None:
    """Counts per code, most frequent first (``--statistics``)."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if d.fix is not None}
    width = len(str(max(counts.values(), default=0)))
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if code in fixable else "[ ]"
        emit(Text(f"{count:>{width}}  {code:<5}  {mark} {names[code]}"))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return word if count == 1 else (plural or word + "s")
