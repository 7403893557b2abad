"""Human-readable output: the full format (source line with the span marked) and the concise one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.reporters.base import Reporter, Summary
from vectra_lint.reporters.escape import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# Python's line breaks only: str.splitlines also breaks at form feeds and other separators, which
# would put the source shown under a diagnostic out of step with its line number.
_LINE_BREAK = re.compile("\r\n|\r|\n")

# The control codes rich drops as it prints (bell, backspace, vertical tab, form feed, CR, as
# rich.control.strip_control_codes): the plain output drops them too.
_CONTROL_CODES = re.compile("[\a\b\v\f\r]")


class Lines:
    """Writes styled lines: through rich on a colour terminal, as plain text otherwise.

    The reporters write long plain outputs without this class: rich renders each line through its
    layout engine, which took longer than linting for a report of tens of thousands of lines.
    Rich is imported only for a colour terminal: importing it was a seventh of a warm run's time
    (a pre-commit run answered from the cache), whose output is never a terminal's.
    """

    def __init__(self, stream: TextIO, color: bool) -> None:
        """Write to ``stream``, styled through rich when ``color``."""
        self.stream = stream
        self.console: Console | None = None
        if color:
            from rich.console import Console

            # soft_wrap keeps long lines intact for editors to parse.
            self.console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)

    def __call__(self, text: str = "", style: str = "") -> None:
        """Write one line of ``text`` in ``style`` (rich's style names; "" for none)."""
        self.parts(text, style)

    def parts(self, *parts: str) -> None:
        """Write one line made of parts given as text, style, text, style... (style "" for none)."""
        if self.console is None:
            self.stream.write("".join(parts[::2]) + "\n")
            return
        self.console.print(styled(*parts))


def styled(*parts: str) -> Text:
    """Rich text made of parts given as text, style, text, style... (style "" for none): text, not
    markup, since messages and summaries hold brackets (`[tool.vectra-lint.layers]`)."""
    from rich.text import Text

    return Text.assemble(*zip(parts[::2], parts[1::2], strict=True))


def _fix_mark(diagnostic: Diagnostic) -> str:
    if diagnostic.fix is None:
        return ""
    return "[*] " if diagnostic.fix.applicability is Applicability.SAFE else "[-] "


def _heading_parts(diagnostic: Diagnostic) -> tuple[str, ...]:
    return (
        printable(diagnostic.path),
        "bold",
        f":{diagnostic.line}:{diagnostic.column}: ",
        "cyan",
        diagnostic.code,
        "bold red",
        " ",
        "",
        _fix_mark(diagnostic),
        "cyan",
        printable(diagnostic.message),
        "",
    )


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
            self.emit.parts(*_heading_parts(diagnostic))

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
        if source is None:
            lines: list[str] = []
        else:
            # The same lines, split by str.split when "\n" is the only break: a regular expression
            # split took a tenth of the report.
            lines = source.split("\n") if "\r" not in source else _LINE_BREAK.split(source)
        if self.emit.console is None:
            # What rich would print without styles, written as one string per diagnostic: going
            # through `Lines` line by line took longer than the rest of the report.
            blocks = "".join([_plain_block(diagnostic, lines) for diagnostic in diagnostics])
            # What rich drops: in these blocks only a code can hold it, all else went through printable.
            if any(_CONTROL_CODES.search(code) for code in {diagnostic.code for diagnostic in diagnostics}):
                blocks = _CONTROL_CODES.sub("", blocks)
            self.stream.write(blocks)
            return
        emit = self.emit.parts
        for diagnostic in diagnostics:
            emit(*_heading_parts(diagnostic))
            if 0 < diagnostic.line <= len(lines):
                self._snippet(diagnostic, lines)
            if diagnostic.fix is not None:
                note = "" if diagnostic.fix.applicability is Applicability.SAFE else " (unsafe)"
                emit(f"  = help: {printable(diagnostic.fix.description)}{note}", "cyan")
            emit()

    def _snippet(self, diagnostic: Diagnostic, lines: list[str]) -> None:
        emit = self.emit.parts
        last = min(diagnostic.end_line, len(lines))
        width = len(str(last))
        gutter = " " * width
        emit(f"{gutter} |", "blue")
        if last > diagnostic.line:
            self._multi_line(diagnostic, lines, last, width)
        else:
            line = lines[diagnostic.line - 1]
            emit(f"{diagnostic.line:>{width}} | ", "blue", printable(line.expandtabs(1)), "")
            # Columns counted in the line as shown, where an escaped character takes several.
            start = len(printable(line[: diagnostic.column - 1]))
            shown_end = line[: diagnostic.end_column - 1] if diagnostic.end_line == diagnostic.line else line
            end = len(printable(shown_end))
            carets = " " * start + "^" * max(1, end - start) + " " + diagnostic.code
            emit(f"{gutter} | ", "blue", carets, "bold red")
        emit(f"{gutter} |", "blue")

    def _multi_line(self, diagnostic: Diagnostic, lines: list[str], last: int, width: int) -> None:
        # The whole span, as Ruff draws it: a bracket down the left from its first to its last
        # line, closed by an underline up to where it ends.
        emit = self.emit.parts
        for number in range(diagnostic.line, last + 1):
            bracket = "/ " if number == diagnostic.line else "| "
            shown = printable(lines[number - 1].expandtabs(1))
            emit(f"{number:>{width}} | ", "blue", bracket, "bold red", shown, "")
        last_line = lines[last - 1]
        # Columns counted in the line as shown, where an escaped character takes several.
        if diagnostic.end_line == last:
            end = len(printable(last_line[: diagnostic.end_column - 1])) + 1
        else:
            end = len(printable(last_line)) + 1
        emit(f"{' ' * width} | ", "blue", "|" + "_" * max(0, end - 1) + "^ " + diagnostic.code, "bold red")


def _plain_block(diagnostic: Diagnostic, lines: list[str]) -> str:
    """What ``TextReporter`` prints for ``diagnostic`` with ``lines`` of its file, without styles."""
    code = diagnostic.code
    heading = f"{printable(diagnostic.path)}:{diagnostic.line}:{diagnostic.column}: {code} "
    heading += f"{_fix_mark(diagnostic)}{printable(diagnostic.message)}\n"
    help_line = ""
    if diagnostic.fix is not None:
        note = "" if diagnostic.fix.applicability is Applicability.SAFE else " (unsafe)"
        help_line = f"  = help: {printable(diagnostic.fix.description)}{note}\n"
    if not 0 < diagnostic.line <= len(lines):
        return f"{heading}{help_line}\n"
    last = min(diagnostic.end_line, len(lines))
    width = len(str(last))
    gutter = " " * width
    if last == diagnostic.line:
        line = lines[diagnostic.line - 1]
        # Columns counted in the line as shown, where an escaped character takes several.
        start = len(printable(line[: diagnostic.column - 1]))
        shown_end = line[: diagnostic.end_column - 1] if diagnostic.end_line == diagnostic.line else line
        carets = "^" * max(1, len(printable(shown_end)) - start)
        return (
            f"{heading}{gutter} |\n{diagnostic.line:>{width}} | {printable(line.expandtabs(1))}\n"
            f"{gutter} | {' ' * start}{carets} {code}\n{gutter} |\n{help_line}\n"
        )
    # The whole span, as Ruff draws it: a bracket down the left from its first to its last line,
    # closed by an underline up to where it ends.
    first = diagnostic.line
    shown = [
        f"{number:>{width}} | {'| ' if number > first else '/ '}{printable(lines[number - 1].expandtabs(1))}\n"
        for number in range(first, last + 1)
    ]
    last_line = lines[last - 1]
    if diagnostic.end_line == last:
        end = len(printable(last_line[: diagnostic.end_column - 1])) + 1
    else:
        end = len(printable(last_line)) + 1
    underline = f"{gutter} | |{'_' * max(0, end - 1)}^ {code}\n"
    return f"{heading}{gutter} |\n{''.join(shown)}{underline}{gutter} |\n{help_line}\n"


def print_summary(emit: Lines, summary: Summary) -> None:
    """The closing lines of the human formats: counts, and what ``--fix`` would do."""
    if summary.baselined or summary.stale:
        shown = f"{summary.baselined} {_plural(summary.baselined, 'finding')} in the baseline not shown."
        emit(shown, "dim")
    if summary.stale:
        emit(
            f"{summary.stale} baseline {_plural(summary.stale, 'entry', 'entries')} no longer "
            f"{'matches' if summary.stale == 1 else 'match'} (fixed or edited): regenerate it with "
            "`vectra-lint baseline`.",
            "yellow",
        )
    if summary.fixed:
        emit(f"Fixed {summary.fixed} {_plural(summary.fixed, 'error')}, {summary.remaining} remaining.")
    if summary.remaining == 0:
        # Not when a path could not be checked: its errors follow.
        if not summary.fixed and not summary.errors:
            emit("All checks passed!", "bold green")
        return
    errors = summary.remaining - summary.warnings
    if summary.warnings:
        found = f"{errors} {_plural(errors, 'error')} and {summary.warnings} {_plural(summary.warnings, 'warning')}"
    else:
        found = f"{errors} {_plural(errors, 'error')}"
    emit(f"Found {found}.", "bold")
    if summary.fixable:
        emit(f"[*] {summary.fixable} fixable with the `--fix` option.", "cyan")
    if summary.unsafe_fixable:
        hidden = summary.unsafe_fixable
        emit(f"[-] {hidden} more {_plural(hidden, 'fix', 'fixes')} available with `--fix --unsafe-fixes`.", "cyan")


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, str]]:
    """(code, name, count, fix mark) per code, most frequent first: ``[-]`` when some of them have
    an unsafe fix (it needs ``--unsafe-fixes``), else ``[*]`` when some have a safe one, else ``[ ]``."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    safe = {d.code for d in diagnostics if d.fix is not None and d.fix.applicability is Applicability.SAFE}
    unsafe = {d.code for d in diagnostics if d.fix is not None and d.fix.applicability is not Applicability.SAFE}
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[-]" if code in unsafe else "[*]" if code in safe else "[ ]"
        rows.append((code, names[code], count, mark))
    return rows


def print_statistics(emit: Lines, diagnostics: Sequence[Diagnostic]) -> None:
    """Counts per code, most frequent first (``--statistics``)."""
    rows = statistics(diagnostics)
    width = len(str(max((count for _, _, count, _ in rows), default=0)))
    for code, name, count, mark in rows:
        emit(f"{count:>{width}}  {code:<5}  {mark} {name}")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return word if count == 1 else (plural or word + "s")
