"""VL207 blocking-call-via-helper."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_summary import ModuleSummary
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict, may_define_coroutines
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name


@dataclass(frozen=True)
class _Candidate:
    node: cst.Call
    callee: str
    caller: str | None
    coroutine: str
    anchor: cst.CSTNode | None


@dataclass(frozen=True)
class HelperCall(Candidate):
    """A call of a project function inside a coroutine."""

    caller: str | None
    """The qualified name of the function making the call (None: not a named function)."""
    callee: str
    coroutine: str


@dataclass(frozen=True)
class ViaHelperMessage(Message):
    """Names the callee, the coroutine and the chain down to the blocking call."""

    callee: str
    coroutine: str
    steps: tuple[str, ...]
    blocking_code: str
    """The code of the rule that reports the call at the end of the chain."""

    def __str__(self) -> str:
        """The text users see."""
        chain = " -> ".join(self.steps)
        return (
            f"`{self.callee}` blocks the event loop inside `async def {self.coroutine}`: {chain} ({self.blocking_code})"
        )


class BlockingCallViaHelper(IndexRule[HelperCall]):
    """
    ## What it does
    Flags a call, directly inside an `async def`, of a synchronous function of the project that
    makes a VL201-VL205 call itself or through further sync functions of the project, at any
    depth: functions of the same module, functions imported from other project modules (relative
    imports and re-exports through `__init__.py` are followed), methods of the same class called
    as `self.method()`, and a class's `__init__` when the class is called. The message names the
    chain, e.g. `load_csv -> _read -> pd.read_csv`.

    A function passed to `asyncio.to_thread(...)` or `loop.run_in_executor(...)` runs in a thread:
    nothing inside those calls' arguments counts. `async def` helpers are not followed (calling
    one only creates a coroutine; their own calls are checked where they are).

    ## Why is this bad?
    §3: a blocking call hidden one or two helpers away blocks the event loop just as much as one
    written in the coroutine, and it is the kind that survives code review. Offload the helper
    (`await asyncio.to_thread(load_csv, path)`) or make the chain async.

    ## Notes
    The chain is followed across files with the project index. When only some files are checked
    (pre-commit passes the changed files), a helper in a module that was not checked cannot be
    followed, and the call is not reported (benefit of the doubt). Method calls on other objects
    (`service.load()`) are not followed: their class is not known without type inference.
    """

    code = "VL207"
    name = "blocking-call-via-helper"
    message = "A helper called inside `async def` blocks the event loop"
    valid = (
        Valid(
            "import asyncio\nimport time\n\n\ndef _wait() -> None:\n    time.sleep(1)\n\n\n"
            "async def poll() -> None:\n    await asyncio.to_thread(_wait)\n"
        ),
        Valid(
            "import pandas as pd\n\n\ndef _read(path: str) -> object:\n    return pd.read_csv(path)\n\n\n"
            "def load(path: str) -> object:\n    return _read(path)\n"
        ),
        Valid(
            "import asyncio\n\n\nasync def _nap() -> None:\n    await asyncio.sleep(1)\n\n\n"
            "async def poll() -> None:\n    await _nap()\n"
        ),
        Valid(
            "import asyncio\nimport functools\nimport pandas as pd\n\n\ndef _read(path: str) -> object:\n"
            "    return pd.read_csv(path)\n\n\nasync def load(path: str) -> object:\n"
            "    loop = asyncio.get_running_loop()\n"
            "    return await loop.run_in_executor(None, functools.partial(_read, path))\n"
        ),
        Valid("def ping() -> int:\n    return ping()\n\n\nasync def poll() -> int:\n    return ping()\n"),
    )
    invalid = (
        Invalid(
            "import pandas as pd\n\n\ndef _read(path: str) -> object:\n    return pd.read_csv(path)\n\n\n"
            "def load_csv(path: str) -> object:\n    return _read(path)\n\n\n"
            "async def import_rows(path: str) -> object:\n    return load_csv(path)\n",
            expected=(
                Expect(
                    13, 12, ViaHelperMessage("load_csv", "import_rows", ("load_csv", "_read", "pd.read_csv"), "VL205")
                ),
            ),
        ),
        Invalid(
            "import requests\n\n\nclass Client:\n    def _get(self, url: str) -> bytes:\n"
            "        return requests.get(url).content\n\n    async def fetch(self, url: str) -> bytes:\n"
            "        return self._get(url)\n",
            expected=(Expect(9, 16, ViaHelperMessage("self._get", "fetch", ("Client._get", "requests.get"), "VL202")),),
        ),
        Invalid(
            "import subprocess\n\n\ndef a() -> None:\n    b()\n\n\ndef b() -> None:\n    a()\n"
            '    subprocess.run(["sync"])\n\n\nasync def main() -> None:\n    a()\n    b()\n',
            expected=(
                Expect(14, 5, ViaHelperMessage("a", "main", ("a", "b", "subprocess.run"), "VL203")),
                Expect(15, 5, ViaHelperMessage("b", "main", ("b", "subprocess.run"), "VL203")),
            ),
        ),
        Invalid(
            "import time\n\n\nclass Poller:\n    def __init__(self) -> None:\n        time.sleep(1)\n\n\n"
            "async def start() -> None:\n    Poller()\n",
            expected=(Expect(10, 5, ViaHelperMessage("Poller", "start", ("Poller.__init__", "time.sleep"), "VL201")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._summary = context.analysis(ModuleSummary)
        self._candidates: list[_Candidate] = []

    def applies(self) -> bool:
        """Only files that say ``async`` can define coroutines."""
        return may_define_coroutines(self.context)

    def visit_Call(self, node: cst.Call) -> None:
        """Collect calls made directly in coroutines (decided once the module is known)."""
        scope = self.context.scope
        if not scope.in_async_function() or id(node) in self._summary.offloaded:
            return
        callee = dotted_name(node.func)
        function = scope.function()
        if callee is None or not isinstance(function, cst.FunctionDef):
            return
        caller = self._summary.function_name(function)
        self._candidates.append(_Candidate(node, callee, caller, function.name.value, self.context.current_statement))

    def finish(self) -> None:
        """Follow each candidate call through the module (and, pending, through the project)."""
        facts = self._summary.module_facts
        module_level = set(facts["imports"]) | set(facts["classes"]) | set(facts["aliases"]) | set(facts["functions"])
        for candidate in self._candidates:
            head = candidate.callee.split(".", 1)[0]
            if head not in module_level and head not in ("self", "cls"):
                continue
            call = HelperCall(self.context.path, candidate.caller or None, candidate.callee, candidate.coroutine)
            self.judge(candidate.node, call, anchor=candidate.anchor)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: HelperCall) -> Verdict:
        """Reported when the callee leads to a blocking call."""
        chain = index.blocking_chain(candidate.path, candidate.caller, candidate.callee)
        if chain.found is not Tri.YES:
            return Verdict(chain.found)
        message = ViaHelperMessage(candidate.callee, candidate.coroutine, chain.steps, chain.code)
        return Verdict(Tri.YES, message)
