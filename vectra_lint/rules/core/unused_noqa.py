"""VL002 unused-noqa."""

from __future__ import annotations

from vectra_lint.diagnostics import Applicability
from vectra_lint.rule import Expect, FixAvailability, Invalid, Rule, Valid


class UnusedNoqa(Rule):
    """
    ## What it does
    Flags a `# noqa: CODE` whose code suppresses nothing on its line (or on the statement the line
    belongs to). Only codes this run checks are judged: codes of other tools, and of rules that
    are switched off, are left alone. A bare `# noqa` is not flagged.

    ## Why is this bad?
    Stale suppressions pile up as code changes: they hide the next real finding on that line and
    tell the reader of a problem that is no longer there.

    ## Fix safety
    The fix is safe: it removes the unused codes from the comment, or the whole `# noqa` comment
    when no code is left (keeping any explanation written before it).
    """

    code = "VL002"
    name = "unused-noqa"
    message = "Unused `noqa` directive"
    fix_availability = FixAvailability.ALWAYS
    fix_safety = Applicability.SAFE
    valid = (Valid('print("debug")  # noqa: VL401\n'), Valid("x = 1  # noqa: F401\n"))
    invalid = (
        Invalid(
            "x = 1  # noqa: VL401\n",
            fixed="x = 1\n",
            expected=(Expect(1, 8, "Unused `noqa` directive (suppresses nothing): VL401"),),
        ),
        Invalid(
            'print("x")  # noqa: VL401, VL201\n',
            fixed='print("x")  # noqa: VL401\n',
            expected=(Expect(1, 13, "Unused `noqa` directive (suppresses nothing): VL201"),),
        ),
        Invalid(
            "x = 1  # keep it  # noqa: VL401\n",
            fixed="x = 1  # keep it\n",
            expected=(Expect(1, 8, "Unused `noqa` directive (suppresses nothing): VL401"),),
        ),
    )
