"""Human-readable output: the full format (source line with the span marked) and the concise one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.text import Text

from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.reporters.base import Reporter, Summary


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
    text.append(diagnostic.path, style="bold")
    text.append(f":{diagnostic.line}:{diagnostic.column}: ", style="cyan")
    text.append(diagnostic.code, style="bold red")
    text.append(" ")
    text.append(_fix_mark(diagnostic), style="cyan")
    text.append(diagnostic.message)
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
                f"{d.path}:{d.line}:{d.column}: {d.code} {_fix_mark(d)}{d.message}\n" for d in diagnostics
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
        lines = source.splitlines() if source is not None else []
        for diagnostic in diagnostics:
            self.emit(_heading(diagnostic))
            if 0 < diagnostic.line <= len(lines):
                self._snippet(diagnostic, lines)
            if diagnostic.fix is not None:
                note = "" if diagnostic.fix.applicability is Applicability.SAFE else " (unsafe)"
                self.emit(Text(f"  = help: {diagnostic.fix.description}{note}", style="cyan"))
            self.emit()

    def _snippet(self, diagnostic: Diagnostic, lines: list[str]) -> None:
        last = min(diagnostic.end_line, len(lines))
        width = len(str(last))
        gutter = " " * width
        self.emit(Text(f"{gutter} |", style="blue"))
        if last > diagnostic.line:
            self._multi_line(diagnostic, lines, last, width)
        else:
            line = lines[diagnostic.line - 1]
            row = Text(f"{diagnostic.line:>{width}} | ", style="blue")
            row.append(line.expandtabs(1))
            self.emit(row)
            start = diagnostic.column - 1
            end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line else len(line)
            marker = Text(f"{gutter} | ", style="blue")
            marker.append(" " * start + "^" * max(1, end - start) + " " + diagnostic.code, style="bold red")
            self.emit(marker)
        self.emit(Text(f"{gutter} |", style="blue"))

    def _multi_line(self, diagnostic: Diagnostic, lines: list[str], last: int, width: int) -> None:
        # The whole span, as Ruff draws it: a bracket down the left from its first to its last
        # line, closed by an underline up to where it ends.
        for number in range(diagnostic.line, last + 1):
            row = Text(f"{number:>{width}} | ", style="blue")
            row.append("/ " if number == diagnostic.line else "| ", style="bold red")
            row.append(lines[number - 1].expandtabs(1))
            self.emit(row)
        end = diagnostic.end_column if diagnostic.end_line == last else len(lines[last - 1]) + 1
        marker = Text(f"{' ' * width} | ", style="blue")
        marker.append("|" + "_" * max(0, end - 1) + "^ " + diagnostic.code, style="bold red")
        self.emit(marker)


def print_summary(emit: Lines, summary: Summary) -> None:
    """The closing lines of the human formats: counts, and what ``--fix`` would do."""
    if summary.baselined or summary.stale:
        shown = f"{summary.baselined} {_plural(summary.baselined, 'finding')} in the baseline not shown."
        emit(Text(shown, style="dim"))
    if summary.stale:
        emit(
            Text(
                f"{summary.stale} baseline {_plural(summary.stale, 'entry', 'entries')} no longer "
                f"{'matches' if summary.stale == 1 else 'match'} (fixed or edited): regenerate it with "
                "`vectra-lint baseline`.",
                style="yellow",
            )
        )
    if summary.fixed:
        emit(Text(f"Fixed {summary.fixed} {_plural(summary.fixed, 'error')}, {summary.remaining} remaining."))
    if summary.remaining == 0:
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


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, str]]:
    """(code, name, count, fix mark) per code, most frequent first: ``[*]`` when every one of them
    has a safe fix, ``[-]`` when some have a fix (unsafe ones need ``--unsafe-fixes``), else ``[ ]``."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    safe = Counter(d.code for d in diagnostics if d.fix is not None and d.fix.applicability is Applicability.SAFE)
    some = {d.code for d in diagnostics if d.fix is not None}
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if safe[code] == count else "[-]" if code in some else "[ ]"
        rows.append((code, names[code], count, mark))
    return rows


def print_statistics(emit: Lines, diagnostics: Sequence[Diagnostic]) -> None:
    """Counts per code, most frequent first (``--statistics``)."""
    rows = statistics(diagnostics)
    width = len(str(max((count for _, _, count, _ in rows), default=0)))
    for code, name, count, mark in rows:
        emit(Text(f"{count:>{width}}  {code:<5}  {mark} {name}"))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return word if count == 1 else (plural or word + "s")
