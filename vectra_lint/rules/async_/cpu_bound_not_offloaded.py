"""VL205 cpu-bound-not-offloaded."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.blocking_calls import EXTRA_CALLS, BlockingCall
from vectra_lint.analysis.rule_bases import BlockingCallRule, CallMessage
from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, Invalid, NodeEdit, Replace, Valid
from vectra_lint.fixing.edit_helpers import AwaitablePositions, ensure_import


@dataclass(frozen=True)
class HeavyCall(CallMessage):
    """The message of one reported call."""

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` is heavy synchronous work inside `async def`; run it with `await asyncio.to_thread(...)`"


class CpuBoundNotOffloaded(BlockingCallRule):
    """
    ## What it does
    Flags a known heavy synchronous call made directly inside an `async def`: pandas'
    `read_csv`, `read_excel`, `read_parquet` and `read_json` (however pandas was imported), plus
    the qualified names listed in the `extra-calls` option (`"numpy.load"`, `"app.ml.embed_all"`).

    ## Why is this bad?
    §3: CPU-bound work (parsing a large CSV) holds the event loop until it is done; nothing else
    runs meanwhile. `await asyncio.to_thread(pd.read_csv, path)` runs it in a worker thread and
    keeps the loop responsive.

    ## Fix safety
    The fix is safe: `pd.read_csv(a, b=c)` becomes `await asyncio.to_thread(pd.read_csv, a, b=c)`
    (adding `import asyncio` when the module lacks it), which calls the same function with the
    same arguments and returns its result. It is offered where the call is a whole statement, an
    assignment's value or a returned value, where adding `await` cannot change how the
    surrounding expression parses.
    """

    code = "VL205"
    name = "cpu-bound-not-offloaded"
    message = "Heavy synchronous work inside `async def`; run it with `await asyncio.to_thread(...)`"
    call_message = HeavyCall
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.SAFE
    options = (EXTRA_CALLS,)
    valid = (
        Valid(
            "import asyncio\n\nimport pandas as pd\n\n\nasync def load(path: str) -> object:\n"
            "    return await asyncio.to_thread(pd.read_csv, path)\n"
        ),
        Valid("import pandas as pd\n\n\ndef load(path: str) -> object:\n    return pd.read_csv(path)\n"),
        Valid("async def load(pd: object, path: str) -> object:\n    return pd.read_csv(path)\n"),
    )
    invalid = (
        Invalid(
            "import pandas as pd\n\n\nasync def load(path: str) -> object:\n    frame = pd.read_csv(path, sep=';')\n"
            "    return frame\n",
            fixed="import asyncio\n\nimport pandas as pd\n\n\nasync def load(path: str) -> object:\n"
            "    frame = await asyncio.to_thread(pd.read_csv, path, sep=';')\n    return frame\n",
            expected=(Expect(5, 13, HeavyCall("pd.read_csv")),),
        ),
        Invalid(
            "import asyncio as aio\nfrom pandas import read_parquet\n\n\nasync def load(path: str) -> object:\n"
            "    return read_parquet(\n        path,\n        columns=['id'],\n    )\n",
            fixed="import asyncio as aio\nfrom pandas import read_parquet\n\n\nasync def load(path: str) -> object:\n"
            "    return await aio.to_thread(\n        read_parquet,\n        path,\n        columns=['id'],\n    )\n",
            expected=(Expect(6, 12, HeavyCall("read_parquet")),),
        ),
        Invalid(
            "import pandas\n\n\nasync def rows(path: str) -> int:\n    return len(pandas.read_excel(path))\n",
            expected=(Expect(5, 16, HeavyCall("pandas.read_excel")),),
        ),
        Invalid(
            "import numpy\n\n\nasync def vectors(path: str) -> None:\n    numpy.load(path)\n",
            fixed="import asyncio\n\nimport numpy\n\n\nasync def vectors(path: str) -> None:\n"
            "    await asyncio.to_thread(numpy.load, path)\n",
            options={"extra-calls": ["numpy.load"]},
            expected=(Expect(5, 5, HeavyCall("numpy.load")),),
        ),
    )

    analyses = (*BlockingCallRule.analyses, AwaitablePositions)

    def fix_for(self, node: cst.Call, found: BlockingCall) -> FixSpec | None:
        """`await asyncio.to_thread(func, *args)`, where `await` can be added as is."""
        if not self.context.analysis(AwaitablePositions).allows(node):
            return None
        asyncio_name, edits = ensure_import(self.context, "asyncio")
        layout = node.whitespace_before_args
        if node.args and isinstance(layout, cst.ParenthesizedWhitespace):
            # One argument per line: the function goes on its own line like the others.
            comma = cst.Comma(whitespace_after=layout)
        else:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        first = cst.Arg(value=node.func, comma=comma) if node.args else cst.Arg(value=node.func)
        offloaded = cst.Call(
            func=cst.Attribute(cst.Name(asyncio_name), cst.Name("to_thread")),
            args=[first, *node.args],
            whitespace_before_args=layout,
        )
        fix_edits: list[NodeEdit] = [Replace(node, cst.Await(offloaded)), *edits]
        return FixSpec(tuple(fix_edits), f"Run it with `await {asyncio_name}.to_thread(...)`")
