"""Human-readable output: the full format (source line with the span marked) and the concise one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.reporters.base import Reporter, Summary


def _console(reporter: Reporter) -> Console:
    # Colour only on a terminal; soft_wrap keeps long lines intact for editors to parse.
    return Console(
        file=reporter.stream,
        force_terminal=reporter.color,
        no_color=not reporter.color,
        highlight=False,
        soft_wrap=True,
        width=10_000,
    )


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
        """Set up the console."""
        self.console = _console(self)

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Print one line per diagnostic."""
        for diagnostic in diagnostics:
            self.console.print(_heading(diagnostic))

    def finish(self, summary: Summary) -> None:
        """Print the summary line."""
        print_summary(self.console, summary)


class TextReporter(ConciseReporter):
    """Each diagnostic with its source line and the span marked, like Ruff's full output."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Print each diagnostic with its source context."""
        if not diagnostics:
            return
        source = self.sources(path)
        lines = source.splitlines() if source is not None else []
        for diagnostic in diagnostics:
            self.console.print(_heading(diagnostic))
            if 0 < diagnostic.line <= len(lines):
                self._snippet(diagnostic, lines)
            if diagnostic.fix is not None:
                note = "" if diagnostic.fix.applicability is Applicability.SAFE else " (unsafe)"
                self.console.print(Text(f"  = help: {diagnostic.fix.description}{note}", style="cyan"))
            self.console.print()

    def _snippet(self, diagnostic: Diagnostic, lines: list[str]) -> None:
        width = len(str(min(diagnostic.end_line, len(lines))))
        gutter = " " * width
        self.console.print(Text(f"{gutter} |", style="blue"))
        last = min(diagnostic.end_line, diagnostic.line + 2, len(lines))
        for number in range(diagnostic.line, last + 1):
            line = lines[number - 1].expandtabs(1)
            row = Text(f"{number:>{width}} | ", style="blue")
            row.append(line)
            self.console.print(row)
        line = lines[diagnostic.line - 1]
        start = diagnostic.column - 1
        end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line else len(line)
        carets = "^" * max(1, end - start)
        marker = Text(f"{gutter} | ", style="blue")
        marker.append(" " * start + carets + " " + diagnostic.code, style="bold red")
        self.console.print(marker)
        self.console.print(Text(f"{gutter} |", style="blue"))


def print_summary(console: Console, summary: Summary) -> None:
    """The closing lines of the human formats: counts, and what ``--fix`` would do."""
    if summary.fixed:
        console.print(Text(f"Fixed {summary.fixed} {_plural(summary.fixed, 'error')}, {summary.remaining} remaining."))
    if summary.remaining == 0:
        if not summary.fixed:
            console.print(Text("All checks passed!", style="bold green"))
        return
    console.print(Text(f"Found {summary.remaining} {_plural(summary.remaining, 'error')}.", style="bold"))
    if summary.fixable:
        console.print(Text(f"[*] {summary.fixable} fixable with the `--fix` option.", style="cyan"))
    if summary.unsafe_fixable:
        hidden = summary.unsafe_fixable
        console.print(
            Text(
                f"[-] {hidden} more {_plural(hidden, 'fix', 'fixes')} available with `--fix --unsafe-fixes`.",
                style="cyan",
            )
        )


def print_statistics(console: Console, diagnostics: Sequence[Diagnostic]) -> None:
    """Counts per code, most frequent first (``--statistics``)."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if d.fix is not None}
    width = len(str(max(counts.values(), default=0)))
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if code in fixable else "[ ]"
        console.print(Text(f"{count:>{width}}  {code:<5}  {mark} {names[code]}"))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return word if count == 1 else (plural or word + "s")
