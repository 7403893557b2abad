"""Applying fixes: pick non-conflicting edits, re-parse and compile, repeat until stable, write atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from vectra_lint.diagnostics import Applicability, Diagnostic, Edit

MAX_FIX_PASSES = 10
"""Fix passes before giving up: each pass fixes what does not overlap, then checks again."""


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether ``--fix`` (with or without ``--unsafe-fixes``) applies this diagnostic's fix.

    A diagnostic still pending the project phase is not fixed: it may yet be dropped.
    """
    fix = diagnostic.fix
    return fix is not None and diagnostic.pending is None and (unsafe or fix.applicability is Applicability.SAFE)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """Apply every fix whose edits do not overlap an earlier one; the rest wait for the next pass.

    Identical edits from different fixes (two fixes both adding ``import asyncio``) apply once.
    """
    accepted: list[Edit] = []
    applied: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.fix.edits[0].start if d.fix and d.fix.edits else 0, d.code)):
        assert diagnostic.fix is not None
        edits = [edit for edit in diagnostic.fix.edits if edit not in accepted]
        if any(_overlaps(edit, other) for edit in edits for other in accepted):
            continue
        accepted.extend(edits)
        applied.append(diagnostic)
    pieces: list[str] = []
    position = 0
    for edit in sorted(accepted):
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), applied


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


def check_source(text: str, path: str) -> str | None:
    """Why ``text`` is not valid Python (libcst parse, then ``compile``), or None."""
    try:
        cst.parse_module(text)
        compile(text, path, "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as error:
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
    """Lint, apply the allowed fixes, and repeat until a pass changes nothing."""
    original = text
    compiled_before = check_source(text, path) is None
    diagnostics = lint(text)
    fixed = 0
    for _ in range(max_passes):
        fixable = [d for d in diagnostics if applicable(d, unsafe)]
        if not fixable:
            return FixOutcome(text, diagnostics, fixed)
        new_text, applied = apply_fixes(text, fixable)
        problem = check_source(new_text, path) if compiled_before else None
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


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never half of one."""
    mode = path.stat().st_mode
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".vectra-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
