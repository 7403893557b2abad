"""VL003 noqa-without-reason."""

from __future__ import annotations

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.noqa import Directive
from vectra_lint.rule import EngineRule, Expect, Invalid, Valid


class NoqaWithoutReason(EngineRule):
    """
    ## What it does
    Off by default; on with `require-noqa-reason = true` (or by selecting VL003). Flags a
    `# noqa` comment that gives no reason after `--`, as in `# noqa: VL401 -- CLI output`.

    ## Why is this bad?
    A suppression is an exception to the team's standard; the reason is what lets a reviewer (or
    the next maintainer) judge whether it still holds.
    """

    code = "VL003"
    name = "noqa-without-reason"
    message = "`# noqa` without a reason; add `-- why` after the codes"
    default_enabled = False
    valid = (Valid('print("x")  # noqa: VL401 -- CLI output is the product here\n'),)
    invalid = (Invalid('print("x")  # noqa: VL401\n', expected=(Expect(1, 13),)),)

    @classmethod
    def diagnostic(cls, path: str, directive: Directive) -> Diagnostic:
        """The diagnostic of a directive without a reason, at the comment."""
        line = directive.line
        return Diagnostic(
            path, cls.code, cls.name, cls.message, line, directive.column, line, directive.end_column, None, (line,)
        )
