"""VL201 blocking-sleep."""

from __future__ import annotations

import re

import libcst as cst

from vectra_lint.analysis.rule_bases import may_define_coroutines
from vectra_lint.api import (
    Applicability,
    Delete,
    Expect,
    FixAvailability,
    FixSpec,
    Invalid,
    NodeEdit,
    Replace,
    Rule,
    Valid,
)
from vectra_lint.engine.context import FileContext
from vectra_lint.fixing.edit_helpers import AwaitablePositions, ensure_import


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
    the module lacks it); both return `None` after the delay. When the module-level `import time`
    (or `from time import sleep`) serves only the calls being fixed, every such call is fixed at
    once and the import is removed; any other mention of the name, even in a string or comment,
    keeps it. It is offered where the call is a
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
            fixed="import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(0.5)\n",
            expected=(Expect(5, 5),),
        ),
        Invalid(
            "import time\n\n\nasync def poll() -> float:\n    time.sleep(0.5)\n    return time.monotonic()\n",
            fixed="import asyncio\nimport time\n\n\nasync def poll() -> float:\n    await asyncio.sleep(0.5)\n"
            "    return time.monotonic()\n",
            expected=(Expect(5, 5),),
        ),
        Invalid(
            '"""Poll."""\n\nimport os\nimport time\n\n\nasync def poll() -> None:\n    time.sleep(0.5)\n'
            "    if os.environ:\n        time.sleep(1)\n",
            fixed='"""Poll."""\n\nimport asyncio\nimport os\n\n\nasync def poll() -> None:\n'
            "    await asyncio.sleep(0.5)\n    if os.environ:\n        await asyncio.sleep(1)\n",
            expected=(Expect(8, 5), Expect(10, 9)),
        ),
        Invalid(
            "import asyncio as aio\nfrom time import sleep as nap\n\n\nasync def poll() -> None:\n    nap(1)\n",
            fixed="import asyncio as aio\n\n\nasync def poll() -> None:\n    await aio.sleep(1)\n",
            expected=(Expect(6, 5),),
        ),
        Invalid(
            "import time\n\n\nasync def poll() -> bool:\n    return time.sleep(1) is None\n", expected=(Expect(5, 12),)
        ),
    )

    analyses = (AwaitablePositions,)

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; reports are made at the end, when every call is known."""
        super().__init__(context)
        # (call, its statement, whether `await` can be added there)
        self._calls: list[tuple[cst.Call, cst.CSTNode | None, bool]] = []

    def applies(self) -> bool:
        """Only files that say ``async`` can define coroutines."""
        return may_define_coroutines(self.context)

    def visit_Call(self, node: cst.Call) -> None:
        """Note `time.sleep` calls made directly in a coroutine."""
        if not self.context.scope.in_async_function():
            return
        if self.context.scope.imported_name(node.func) != "time.sleep":
            return
        awaitable = self.context.analysis(AwaitablePositions).allows(node)
        self._calls.append((node, self.context.current_statement, awaitable))

    def finish(self) -> None:
        """Report each call; when the fixes leave the `time` import unused, they also remove it."""
        fixable = [call for call, _, awaitable in self._calls if awaitable]
        if not fixable:
            for call, anchor, _ in self._calls:
                self.report(call, anchor=anchor)
            return
        asyncio_name, import_edits = ensure_import(self.context, "asyncio")
        replacements: list[NodeEdit] = [
            Replace(call, cst.Await(call.with_changes(func=cst.Attribute(cst.Name(asyncio_name), cst.Name("sleep")))))
            for call in fixable
        ]
        unused = self._import_left_unused(fixable)
        description = f"Replace with `await {asyncio_name}.sleep(...)`"
        for call, anchor, awaitable in self._calls:
            fix = None
            if awaitable:
                if unused is None:
                    edits = [replacements[fixable.index(call)], *import_edits]
                else:
                    # All the calls at once, or the import would go while one still needs it.
                    edits = [*replacements, *import_edits, Delete(unused)]
                fix = FixSpec(tuple(edits), description)
            self.report(call, anchor=anchor, fix=fix)

    def _import_left_unused(self, fixable: list[cst.Call]) -> cst.SimpleStatementLine | None:
        """The module-level `import time` (or `from time import sleep`) statement whose name is used
        by the fixed calls only, so that fixing them all leaves it unused; else None."""
        names = {_bound_name(call.func) for call in fixable}
        name = names.pop() if len(names) == 1 else None
        if name is None or len(fixable) != len(self._calls):
            return None
        statement = next(
            (line for line in self.context.module.body if _imports_only(line, name)),
            None,
        )
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        # Every other mention of the name (another call, `time.time()`, a string, a comment)
        # keeps the import: counted in the text, which errs on the side of keeping it.
        mentions = len(re.findall(rf"\b{re.escape(name)}\b", self.context.source))
        return statement if mentions == len(fixable) + 1 else None


def _bound_name(func: cst.BaseExpression) -> str | None:
    """`time` for `time.sleep`, `nap` for `nap` (the name the call goes through)."""
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return func.value.value
    return func.value if isinstance(func, cst.Name) else None


def _imports_only(line: cst.CSTNode, name: str) -> bool:
    """Whether ``line`` is `import time` / `from time import sleep` binding just ``name`` (maybe via `as`)."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return False
    statement = line.body[0]
    if isinstance(statement, cst.Import):
        aliases = statement.names
        module = "time"
    elif isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
        if statement.relative or not isinstance(statement.module, cst.Name) or statement.module.value != "time":
            return False
        aliases = statement.names
        module = "sleep"
    else:
        return False
    if len(aliases) != 1 or not isinstance(aliases[0].name, cst.Name) or aliases[0].name.value != module:
        return False
    alias = aliases[0].asname
    bound = alias.name.value if alias is not None and isinstance(alias.name, cst.Name) else module
    return bound == name
