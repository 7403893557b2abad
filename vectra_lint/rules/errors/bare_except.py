"""VL302 bare-except."""

from __future__ import annotations

import libcst as cst

from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, InsertInto, Invalid, Rule, Valid


class BareExcept(Rule):
    """
    ## What it does
    Flags `except:` clauses that name no exception type.

    ## Why is this bad?
    §4: a bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and
    `asyncio.CancelledError`'s base `BaseException`, hiding shutdowns and cancellations, and it
    says nothing about which failure the handler expects.

    ## Fix safety
    The fix is safe: `except:` becomes `except Exception:`, which stops catching only the
    `BaseException` subclasses that a handler should never swallow. VL301 (broad-except) then
    applies to the handler, so the broad catch is still reviewed.
    """

    code = "VL302"
    name = "bare-except"
    message = "Bare `except:`; name the exception type (§4)"
    ruff_duplicates = ("E722",)
    fix_availability = FixAvailability.ALWAYS
    fix_safety = Applicability.SAFE
    valid = (Valid("try:\n    run()\nexcept ValueError:\n    pass\n"),)
    invalid = (
        Invalid(
            "try:\n    run()\nexcept:\n    cleanup()\n    raise\n",
            fixed="try:\n    run()\nexcept Exception:\n    cleanup()\n    raise\n",
            expected=(Expect(3, 1),),
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Report handlers without a type."""
        if node.type is None:
            fix = FixSpec((InsertInto(node, len("except"), " Exception"),), "Replace with `except Exception:`")
            self.report(node, fix=fix, length=len("except"))
