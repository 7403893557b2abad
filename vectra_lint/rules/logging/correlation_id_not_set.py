"""VL406 correlation-id-not-set."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import is_stub
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import callee_name

PARAMETER = "correlation_id"
# A helper that sets the context for the caller: `set_correlation_id(cid)`, `bind_correlation_id`,
# `correlation_context(cid)` (a context manager), structlog's `bind_contextvars(correlation_id=...)`.
_SETTER_WORDS = ("set", "bind", "context", "scope")
_SKIPPED_DECORATORS = frozenset({"abstractmethod", "overload", "abstractproperty"})


@dataclass
class _Open:
    function: cst.FunctionDef
    sets: bool = False


def _mentions(node: cst.CSTNode) -> bool:
    """Whether a call argument is the ``correlation_id`` parameter."""
    return isinstance(node, cst.Name) and node.value == PARAMETER


@dataclass(frozen=True)
class CorrelationMessage(Message):
    """The message with its named parts (``function``)."""

    function: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.function}` takes `correlation_id` but never sets the correlation-id context (§6.1)"


class CorrelationIdNotSet(Rule):
    """
    ## What it does
    Flags a function that takes a `correlation_id` parameter but never puts it in the
    correlation-id context: no `.set(...)` on the ContextVar (a receiver named like
    `correlation_id_ctx`, or any `.set(correlation_id)`), and no call of a helper that does it
    (`set_correlation_id(correlation_id)`, `with correlation_context(correlation_id):`,
    `bind_contextvars(correlation_id=correlation_id)`). Calls in nested functions count.

    Not flagged: dunder methods (`__init__` of an error or a message class only stores the id),
    stubs (`...`, `pass`, `raise NotImplementedError`), abstract methods and overloads.

    ## Why is this bad?
    §6.1: a function that receives a correlation id (a background worker task, a queue consumer)
    runs outside the request that carried it; unless it sets the context variable, its logs carry
    no id, or the id of whatever ran before it, and the trace of the request breaks there.
    """

    code = "VL406"
    name = "correlation-id-not-set"
    message = "A function takes `correlation_id` but never sets the correlation-id context (§6.1)"
    valid = (
        Valid(
            "from app.core.logging import correlation_id as correlation_id_ctx\n\n\n"
            "async def purge(correlation_id: str) -> None:\n    correlation_id_ctx.set(correlation_id)\n"
            "    await run()\n"
        ),
        Valid("def job(correlation_id: str) -> None:\n    set_correlation_id(correlation_id)\n    work()\n"),
        Valid("def job(correlation_id: str) -> None:\n    with correlation_context(correlation_id):\n        work()\n"),
        Valid(
            "class JobError(Exception):\n    def __init__(self, message: str, correlation_id: str) -> None:\n"
            "        self.correlation_id = correlation_id\n"
        ),
        Valid("class Worker(Protocol):\n    def run(self, correlation_id: str) -> None:\n        ...\n"),
        Valid("def job(request_id: str) -> None:\n    work(request_id)\n"),
    )
    invalid = (
        Invalid(
            'async def retry(correlation_id: str, limit: int) -> int:\n    logger.info(f"retry {correlation_id}")\n'
            "    return await requeue(limit)\n",
            expected=(Expect(1, 11, CorrelationMessage(function="retry")),),
        ),
        Invalid(
            "class Consumer:\n    def handle(self, message: dict, *, correlation_id: str | None = None) -> None:\n"
            "        self.process(message)\n",
            expected=(Expect(2, 9, CorrelationMessage(function="handle")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file."""
        super().__init__(context)
        self._open: list[_Open] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Open a function that takes ``correlation_id``."""
        params = node.params
        if not any(p.name.value == PARAMETER for p in (*params.posonly_params, *params.params, *params.kwonly_params)):
            return
        name = node.name.value
        if name.startswith("__") and name.endswith("__"):
            return
        if any(callee_name(d.decorator) in _SKIPPED_DECORATORS for d in node.decorators) or is_stub(node):
            return
        self._open.append(_Open(node))

    def visit_Call(self, node: cst.Call) -> None:
        """Mark the open functions as setting the context when this call does it."""
        if not self._open or self._open[-1].sets:
            return
        name = callee_name(node.func)
        if name is None:
            return
        lowered = name.lower()
        if name == "set" and isinstance(node.func, cst.Attribute):
            receiver = callee_name(node.func.value) or ""
            sets = "correlation" in receiver.lower() or any(_mentions(arg.value) for arg in node.args)
        elif "correlation" in lowered:
            sets = any(word in lowered for word in _SETTER_WORDS)
        else:
            sets = ("bind" in lowered or "context" in lowered) and any(
                _mentions(arg.value) or (arg.keyword is not None and arg.keyword.value == PARAMETER)
                for arg in node.args
            )
        if sets:
            for opened in self._open:
                opened.sets = True

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Report the function if nothing in it set the context."""
        if self._open and self._open[-1].function is node:
            opened = self._open.pop()
            if not opened.sets:
                self.report(node.name, CorrelationMessage(function=node.name.value), anchor=node)
