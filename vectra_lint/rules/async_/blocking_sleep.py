"""VL201 blocking-sleep."""

from __future__ import annotations

import libcst as cst

from vectra_lint.diagnostics import Applicability
from vectra_lint.fixing.edit_helpers import AwaitablePositions, ensure_import
from vectra_lint.rule import Expect, FixAvailability, FixSpec, Invalid, NodeEdit, Replace, Rule, Valid


class BlockingSleep(Rule):
    """
    ## What it does
    Flags `time.sleep(...)` called directly inside an `async def`, however it was imported
    (`import time`, `from time import sleep as nap`). A sync `def` or `lambda` nested in the
    coroutine runs elsewhere and is not flagged, nor is a local variable named `time`.

    ## Why is this bad?
    §3: `time.sleep` blocks the event loop, so every other request served by the process stalls
    for the whole sleep. `await asyncio.sleep(...)` yields to the loop instead.

    ## Fix safety
    The fix is safe: `time.sleep(x)` becomes `await asyncio.sleep(x)` (adding `import asyncio` when
    the module lacks it); both return `None` after the delay. It is offered where the call is a
    whole statement, an assignment's value or a returned value, where adding `await` cannot change
    how the surrounding expression parses.
    """

    code = "VL201"
    name = "blocking-sleep"
    message = "`time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.SAFE
    valid = (
        Valid("import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\n"),
        Valid("import time\n\n\nasync def outer() -> None:\n    def retry() -> None:\n        time.sleep(1)\n"),
        Valid("async def shadowed(time: object) -> None:\n    time.sleep(1)\n"),
        Valid("import time\n\n\ndef sync_job() -> None:\n    time.sleep(1)\n"),
    )
    invalid = (
        Invalid(
            "import time\n\n\nasync def poll() -> None:\n    time.sleep(0.5)\n",
            fixed="import asyncio\nimport time\n\n\nasync def poll() -> None:\n    await asyncio.sleep(0.5)\n",
            expected=(Expect(5, 5),),
        ),
        Invalid(
            "import asyncio as aio\nfrom time import sleep as nap\n\n\nasync def poll() -> None:\n    nap(1)\n",
            fixed="import asyncio as aio\nfrom time import sleep as nap\n\n\n"
            "async def poll() -> None:\n    await aio.sleep(1)\n",
            expected=(Expect(6, 5),),
        ),
        Invalid(
            "import time\n\n\nasync def poll() -> bool:\n    return time.sleep(1) is None\n", expected=(Expect(5, 12),)
        ),
    )

    analyses = (AwaitablePositions,)

    def visit_Call(self, node: cst.Call) -> None:
        """Report `time.sleep` calls made directly in a coroutine."""
        if not self.context.scope.in_async_function():
            return
        if self.context.scope.imported_name(node.func) != "time.sleep":
            return
        fix = None
        if self.context.analysis(AwaitablePositions).allows(node):
            asyncio_name, edits = ensure_import(self.context, "asyncio")
            awaited = cst.Await(node.with_changes(func=cst.Attribute(cst.Name(asyncio_name), cst.Name("sleep"))))
            fix_edits: list[NodeEdit] = [Replace(node, awaited), *edits]
            fix = FixSpec(tuple(fix_edits), f"Replace with `await {asyncio_name}.sleep(...)`")
        self.report(node, fix=fix)
