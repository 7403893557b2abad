"""Choosing which fixes to apply costs n log n: `--fix` on a 10 MB file never finished when it was quadratic."""

from __future__ import annotations

import random

import pytest

from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.fixing import apply


def _diagnostic(index: int, edits: tuple[Edit, ...]) -> Diagnostic:
    fix = Fix(edits, Applicability.SAFE, "fix")
    return Diagnostic("a.py", f"VL{index % 7:03d}", "name", "message", 1, 1, 1, 1, fix)


def _reference(text: str, diagnostics: list[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """The former quadratic algorithm, kept as the specification of which fixes win."""

    def overlaps(a: Edit, b: Edit) -> bool:
        if a.start == a.end and b.start == b.end:
            return a.start == b.start
        if a.start == a.end:
            return b.start < a.start < b.end
        if b.start == b.end:
            return a.start < b.start < a.end
        return a.start < b.end and b.start < a.end

    accepted: list[Edit] = []
    applied: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.fix.edits[0].start if d.fix else 0, d.code)):
        assert diagnostic.fix is not None
        edits = [edit for edit in dict.fromkeys(diagnostic.fix.edits) if edit not in accepted]
        if any(overlaps(edit, other) for edit in edits for other in accepted):
            continue
        accepted.extend(edits)
        applied.append(diagnostic)
    pieces, position = [], 0
    for edit in sorted(accepted):
        pieces += [text[position : edit.start], edit.content]
        position = edit.end
    return "".join(pieces) + text[position:], applied


def test_the_same_fixes_win_as_with_pairwise_checks() -> None:
    generator = random.Random(12)
    text = "".join(generator.choice("abc\n") for _ in range(60))
    for _ in range(3000):
        diagnostics = []
        for index in range(generator.randint(1, 8)):
            # A fix's own edits never overlap (fixes are built that way); different fixes' do.
            edits = []
            start = generator.randint(0, 20)
            for _ in range(generator.randint(1, 3)):
                end = start if generator.random() < 0.4 else min(60, start + generator.randint(1, 6))
                edits.append(Edit(start, end, generator.choice(["", "x", "yy", "import z\n"])))
                start = min(60, end + generator.randint(1, 20))
            diagnostics.append(_diagnostic(index, tuple(edits)))
        assert apply.apply_fixes(text, diagnostics) == _reference(text, diagnostics)


def test_each_fix_is_checked_against_its_neighbours_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a 10 MB file of `time.sleep` calls in async functions gives: a replacement per call,
    # each with the same import insertion at the top, fixes of several rules interleaved. The
    # pairwise checks compared each edit with every accepted one: 10^10 comparisons for 160,000
    # fixes, hours. Counting comparisons keeps this test independent of the machine's load.
    comparisons = 0
    original = apply._overlaps

    def counting(a: Edit, b: Edit) -> bool:
        nonlocal comparisons
        comparisons += 1
        return original(a, b)

    monkeypatch.setattr(apply, "_overlaps", counting)
    count = 20_000
    import_edit = Edit(0, 0, "import asyncio\n")
    diagnostics = [
        _diagnostic(index, (import_edit, Edit(100 + index * 60, 110 + index * 60, "await asyncio.sleep")))
        for index in range(count)
    ]
    fixed, applied = apply.apply_fixes("x" * (100 + count * 60), diagnostics)
    assert len(applied) == count
    assert fixed.startswith("import asyncio\n" + "x" * 100 + "await asyncio.sleep" + "x" * 50 + "await asyncio.sleep")
    assert comparisons <= 3 * count
