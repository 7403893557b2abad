"""VL002 unused-noqa."""

from __future__ import annotations

from dataclasses import dataclass

from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.engine import noqa
from vectra_lint.engine.noqa import Directive
from vectra_lint.rule import EngineRule, Expect, FixAvailability, Invalid, Message, Valid


@dataclass(frozen=True)
class UnusedMessage(Message):
    """The codes of one directive that suppress nothing, in the comment's order."""

    codes: tuple[str, ...]

    def __str__(self) -> str:
        """The text users see."""
        return f"Unused `noqa` directive (suppresses nothing): {', '.join(self.codes)}"


class UnusedNoqa(EngineRule):
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
            expected=(Expect(1, 8, UnusedMessage(("VL401",))),),
        ),
        Invalid(
            'print("x")  # noqa: VL401, VL201\n',
            fixed='print("x")  # noqa: VL401\n',
            expected=(Expect(1, 13, UnusedMessage(("VL201",))),),
        ),
        Invalid(
            "x = 1  # keep it  # noqa: VL401\n",
            fixed="x = 1  # keep it\n",
            expected=(Expect(1, 8, UnusedMessage(("VL401",))),),
        ),
    )

    @classmethod
    def diagnostic(cls, path: str, text: str, directive: Directive, unused: list[str]) -> Diagnostic:
        """The diagnostic of ``directive``'s ``unused`` codes, with the fix that removes them."""
        remaining = [code for code in directive.codes if code not in unused]
        start, end = directive.start, directive.start + len(directive.comment)
        comment = directive.comment
        explanation_end = noqa.explanation_end(comment)
        if remaining:
            a, b = directive.codes_span
            new_comment = comment[:a] + ": " + ", ".join(remaining) + comment[b:]
            description = f"Remove unused `{', '.join(unused)}`"
        elif explanation_end > 0:
            # An explanation written before the directive stays.
            new_comment = comment[:explanation_end].rstrip()
            description = "Remove unused `noqa` directive"
        else:
            # The whole comment goes, with the blanks before it.
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            new_comment = ""
            description = "Remove unused `noqa` directive"
        message = UnusedMessage(tuple(unused))
        fix = Fix((Edit(start, end, new_comment),), Applicability.SAFE, description)
        return Diagnostic(
            path,
            cls.code,
            cls.name,
            str(message),
            directive.line,
            directive.column,
            directive.line,
            directive.end_column,
            fix,
            (directive.line,),
        )
