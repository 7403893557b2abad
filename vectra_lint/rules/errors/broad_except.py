"""VL301 broad-except."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.project_index import ProjectIndex, Tri, any_of
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import Expect, Invalid, Message, Valid

BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
BROAD_NAMES = frozenset(name.rsplit(".", 1)[1] for name in BROAD)


def _last_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    return node.attr.value if isinstance(node, cst.Attribute) else None


@dataclass
class _Handler:
    node: cst.ExceptHandler
    broad: list[cst.BaseExpression]
    bound: str | None
    raised: list[str | None] = field(default_factory=list)
    """What each raise in the handler raises (None: not a name)."""
    reraises: bool = False
    anchor: cst.CSTNode | None = None


@dataclass(frozen=True)
class BroadHandler(Candidate):
    """A broad handler that does not re-raise: what it catches and what it raises instead."""

    caught: str
    raised: tuple[str | None, ...]


@dataclass(frozen=True)
class BroadExceptMessage(Message):
    """Names the caught type."""

    caught: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Broad `except {self.caught}` neither re-raises nor raises a `TechnicalError` (§4)"


class BroadExcept(IndexRule[BroadHandler]):
    """
    ## What it does
    Flags `except Exception` and `except BaseException` (also inside a tuple,
    `except (ValueError, Exception)`) whose handler neither re-raises the exception (a bare
    `raise`, or `raise` of the name it is bound to) nor raises a `TechnicalError` (or a subclass:
    the hierarchy is resolved across the project, including imported and aliased classes).

    ## Why is this bad?
    §4: a broad catch that swallows the error turns a 500 with a traceback into silent wrong
    behaviour. Let it bubble up to the global handler, or wrap it in a `TechnicalError` so it is
    logged with its traceback and answered with a proper error code.

    ## Notes
    A handler that raises something the index cannot resolve (a factory's result, a class from a
    project module that was not checked, say when pre-commit passes only changed files) gets the
    benefit of the doubt. The technical base class is named by the `technical-base` setting under
    `[tool.vectra-lint.names]`.
    """

    code = "VL301"
    name = "broad-except"
    message = "Broad `except` neither re-raises nor raises a `TechnicalError` (§4)"
    valid = (
        Valid("try:\n    run()\nexcept Exception:\n    logger.exception('FAIL')\n    raise\n"),
        Valid(
            "from app.core.exceptions import TechnicalError\n\n\ndef load() -> None:\n    try:\n        run()\n"
            "    except Exception as exc:\n        raise TechnicalError('FILESYSTEM_ERROR') from exc\n"
        ),
        Valid(
            "class TechnicalError(Exception):\n    pass\n\n\nclass StorageError(TechnicalError):\n    pass\n\n\n"
            "try:\n    run()\nexcept BaseException as exc:\n    raise StorageError('STORAGE_DOWN') from exc\n"
        ),
        Valid("try:\n    run()\nexcept Exception as exc:\n    if retry():\n        return\n    raise exc\n"),
        Valid("try:\n    run()\nexcept ValueError:\n    pass\n"),
        Valid("try:\n    run()\nexcept Exception as exc:\n    raise make_error(exc) from exc\n"),
    )
    invalid = (
        Invalid(
            "try:\n    run()\nexcept Exception:\n    logger.warning('ignored')\n",
            expected=(Expect(3, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "try:\n    run()\nexcept (KeyError, BaseException) as exc:\n    return None\n",
            expected=(Expect(3, 1, BroadExceptMessage("BaseException")),),
        ),
        Invalid(
            "from fastapi import HTTPException\n\ntry:\n    run()\nexcept Exception as exc:\n"
            "    raise HTTPException(500) from exc\n",
            expected=(Expect(5, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "class TechnicalError(Exception):\n    pass\n\n\nclass NotFound(Exception):\n    pass\n\n\n"
            "try:\n    run()\nexcept Exception as exc:\n    raise NotFound('MISSING') from exc\n",
            expected=(Expect(11, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "try:\n    run()\nexcept Exception:\n    def later() -> None:\n        raise\n\n    schedule(later)\n",
            expected=(Expect(3, 1, BroadExceptMessage("Exception")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._open: list[_Handler] = []
        self._done: list[_Handler] = []

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Start collecting the raises of a broad handler."""
        if node.type is None:
            return  # bare `except:` is VL302's
        elements = [e.value for e in node.type.elements] if isinstance(node.type, cst.Tuple) else [node.type]
        scope = self.context.scope
        broad = [
            element
            for element in elements
            if _last_name(element) in BROAD_NAMES and scope.qualified_name(element) in BROAD
        ]
        if not broad:
            return
        bound = node.name.name.value if node.name is not None and isinstance(node.name.name, cst.Name) else None
        self._open.append(_Handler(node, broad, bound))

    def visit_Raise(self, node: cst.Raise) -> None:
        """Note a raise made by the innermost handler of the current function."""
        if not self._open or self.context.scope.handler() is not self._open[-1].node:
            return
        handler = self._open[-1]
        exc = node.exc
        if exc is None or (isinstance(exc, cst.Name) and exc.value == handler.bound):
            handler.reraises = True
            return
        raised = dotted_name(exc.func if isinstance(exc, cst.Call) else exc)
        handler.raised.append(raised)

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Close the handler; it is judged once the module is indexed."""
        if self._open and self._open[-1].node is node:
            handler = self._open.pop()
            if not handler.reraises:
                handler.anchor = self.context.current_statement
                self._done.append(handler)

    def finish(self) -> None:
        """Judge each broad handler that does not re-raise."""
        for handler in self._done:
            caught = self.context.code_for(handler.broad[0])
            candidate = BroadHandler(self.context.path, caught, tuple(handler.raised))
            # Reported at `except`, like VL302: one suppression comment on that line covers both.
            self.judge(handler.node, candidate, anchor=handler.anchor, length=len("except"))

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: BroadHandler) -> Verdict:
        """Fine when something raised is a TechnicalError; unknown raises get the benefit of the doubt."""
        path = candidate.path
        technical = any_of(index.flags_of(path, name).technical if name else Tri.UNKNOWN for name in candidate.raised)
        if technical is Tri.NO:
            return Verdict(Tri.YES, BroadExceptMessage(candidate.caught))
        if technical is Tri.DEFER:
            return Verdict(Tri.DEFER, BroadExceptMessage(candidate.caught))
        return Verdict(Tri.NO)
