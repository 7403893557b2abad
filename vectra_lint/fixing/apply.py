"""Applying fixes: pick non-conflicting edits, re-parse and compile, repeat until stable."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from vectra_lint.diagnostics import Applicability, Diagnostic, Edit


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether ``--fix`` (with or without ``--unsafe-fixes``) applies this diagnostic's fix.

    A diagnostic still pending the project phase is not fixed: it may yet be dropped.
    """
    fix = diagnostic.fix
    return fix is not None and diagnostic.pending is None and (unsafe or fix.applicability is Applicability.SAFE)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """Apply every fix whose edits do not overlap an earlier one; the rest wait for the next pass.

    Identical edits from different fixes (two fixes both adding ``import asyncio``) apply once.
    Accepted edits are kept sorted, so each check looks only at its neighbours: a 10 MB file
    with a hundred thousand fixes is checked in n log n, not n squared.
    """
    accepted = _Accepted()
    applied: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.fix.edits[0].start if d.fix and d.fix.edits else 0, d.code)):
        assert diagnostic.fix is not None
        edits = [edit for edit in dict.fromkeys(diagnostic.fix.edits) if edit not in accepted.edits]
        if any(accepted.overlaps(edit) for edit in edits):
            continue
        for edit in edits:
            accepted.add(edit)
        applied.append(diagnostic)
    pieces: list[str] = []
    position = 0
    for edit in accepted.ordered:
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), applied


class _Accepted:
    """Accepted edits, ordered by position, none overlapping another."""

    def __init__(self) -> None:
        self.edits: set[Edit] = set()
        self.ordered: list[Edit] = []
        self._keys: list[tuple[int, int]] = []

    def overlaps(self, edit: Edit) -> bool:
        # Accepted edits do not overlap each other, so of those starting before ``edit.start``
        # only the last can reach into it; of the others, those starting at ``edit.start`` and
        # the first one after it decide.
        index = bisect.bisect_left(self._keys, (edit.start, edit.start))
        if index and _overlaps(edit, self.ordered[index - 1]):
            return True
        for position in range(index, len(self.ordered)):
            other = self.ordered[position]
            if other.start > edit.end:
                return False
            if _overlaps(edit, other):
                return True
            if other.start > edit.start:
                return False
        return False

    def add(self, edit: Edit) -> None:
        index = bisect.bisect_right(self._keys, (edit.start, edit.end))
        self._keys.insert(index, (edit.start, edit.end))
        self.ordered.insert(index, edit)
        self.edits.add(edit)


def _overlaps(a: Edit, b: Edit) -> bool:
    # Two different insertions at one point conflict (their order would be arbitrary), and so
    # does an insertion strictly inside a replaced span.
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def check_source(text: str, path: str, compile_check: bool = True) -> str | None:
    """Why ``text`` is not valid Python (libcst parse, then ``compile``), or None."""
    try:
        cst.parse_module(text)
        if compile_check:
            compile(text, path, "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return str(error).strip().splitlines()[0]
    return None


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one file did."""

    text: str
    """The fixed text (the original when nothing was applied or a pass broke the file)."""
    diagnostics: tuple[Diagnostic, ...]
    """What remains after the last pass."""
    fixed: int
    """How many diagnostics the applied fixes resolved."""
    error: str | None = None
    """Set when a pass produced invalid code: the file is left as it was."""
    hit_bound: bool = False


def fix_text(
    text: str,
    path: str,
    lint: Callable[[str], tuple[Diagnostic, ...]],
    unsafe: bool,
    max_passes: int,
) -> FixOutcome:
    """Lint, apply the allowed fixes, and repeat until a pass changes nothing.

    Each pass's result must parse (libcst) and, when the original compiled, compile. A file that
    the running Python cannot compile (syntax of a newer Python, or ``return`` outside a
    function) is still fixed, and each pass still re-parsed with libcst, whose grammar covers
    newer Pythons; its compile check is left out, as it would fail before and after alike.
    """
    original = text
    compiled_before = check_source(text, path) is None
    diagnostics = lint(text)
    fixed = 0
    for _ in range(max_passes):
        fixable = [d for d in diagnostics if applicable(d, unsafe)]
        if not fixable:
            return FixOutcome(text, diagnostics, fixed)
        new_text, applied = apply_fixes(text, fixable)
        problem = check_source(new_text, path, compile_check=compiled_before)
        if problem is not None:
            codes = ", ".join(sorted({d.code for d in applied}))
            return FixOutcome(
                original,
                lint(original),
                0,
                error=f"fixes for {codes} produced invalid code ({problem}); the file was left unchanged",
            )
        text = new_text
        fixed += len(applied)
        diagnostics = lint(text)
    hit_bound = any(applicable(d, unsafe) for d in diagnostics)
    return FixOutcome(text, diagnostics, fixed, hit_bound=hit_bound)
