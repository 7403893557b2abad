"""VL003 noqa-without-reason."""

from __future__ import annotations

from vectra_lint.rule import Expect, Invalid, Rule, Valid


class NoqaWithoutReason(Rule):
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
