"""VL301 broad-except."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind, Tri, any_of
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, StringsOption, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

SERVICE = "app/services/example.py"
LAYERS = StringsOption(
    "layers", ("services",), "The layers (names of `[tool.vectra-lint.layers]`) where broad handlers are checked."
)
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
        return f"Broad `except {self.caught}` neither re-raises nor raises a Vectra exception (§4)"


class BroadExcept(IndexRule[BroadHandler]):
    """
    ## What it does
    In the layers of option `layers` (default `["services"]`), flags `except Exception` and
    `except BaseException` (also inside a tuple, `except (ValueError, Exception)`) whose handler
    neither re-raises the exception (a bare `raise`, or `raise` of the name it is bound to) nor
    raises a Vectra exception (a `FunctionalError` as well as a `TechnicalError`, or any subclass:
    the hierarchy is resolved across the project, including imported and aliased classes) nor
    `SystemExit` (`raise SystemExit(1) from exc` in a command-line entry point).

    ## Why is this bad?
    §4: a broad catch in a service that swallows the error turns a 500 with a traceback into
    silent wrong behaviour. Let it bubble up to the global handler, or wrap it in a Vectra
    exception so it is logged with its traceback and answered with a proper error code (§6
    "Context Preservation": wrapping into a `FunctionalError` keeps the context as well).

    ## Notes
    A handler that raises something the index cannot resolve (a factory's result, a class from a
    project module that was not checked, say when pre-commit passes only changed files) gets the
    benefit of the doubt. The exception base class is named by the `exception-base` setting under
    `[tool.vectra-lint.names]`. Fallbacks outside the configured layers (`core/rag`, scripts) are
    not checked: add their layer names to `layers` to check them too.
    """

    code = "VL301"
    name = "broad-except"
    message = "Broad `except` neither re-raises nor raises a Vectra exception (§4)"
    options = (LAYERS,)
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
        Valid(
            "from app.core.exceptions import FunctionalError\n\n\ndef parse() -> None:\n    try:\n        run()\n"
            "    except Exception as exc:\n        raise FunctionalError('BAD_FILE') from exc\n",
            path=SERVICE,
        ),
        Valid("try:\n    run()\nexcept Exception as exc:\n    raise SystemExit(1) from exc\n", path=SERVICE),
        Valid("try:\n    answer = rerank()\nexcept Exception:\n    answer = fallback()\n", path="app/core/rag.py"),
    )
    invalid = (
        Invalid(
            "try:\n    run()\nexcept Exception:\n    logger.warning('ignored')\n",
            path=SERVICE,
            expected=(Expect(3, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "try:\n    run()\nexcept (KeyError, BaseException) as exc:\n    return None\n",
            path=SERVICE,
            expected=(Expect(3, 1, BroadExceptMessage("BaseException")),),
        ),
        Invalid(
            "from fastapi import HTTPException\n\ntry:\n    run()\nexcept Exception as exc:\n"
            "    raise HTTPException(500) from exc\n",
            path=SERVICE,
            expected=(Expect(5, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "class TechnicalError(Exception):\n    pass\n\n\nclass NotFound(Exception):\n    pass\n\n\n"
            "try:\n    run()\nexcept Exception as exc:\n    raise NotFound('MISSING') from exc\n",
            path=SERVICE,
            expected=(Expect(11, 1, BroadExceptMessage("Exception")),),
        ),
        Invalid(
            "try:\n    run()\nexcept Exception:\n    def later() -> None:\n        raise\n\n    schedule(later)\n",
            path=SERVICE,
            expected=(Expect(3, 1, BroadExceptMessage("Exception")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._open: list[_Handler] = []
        self._done: list[_Handler] = []
        self._active = context.in_layer(*self.option(LAYERS))

    def applies(self) -> bool:
        """Only the configured layers are checked; the others are left out of the walk."""
        return self._active

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
        """Fine when something raised is a Vectra exception or SystemExit; unknown raises get the
        benefit of the doubt."""
        path = candidate.path
        wraps = any_of(_wraps(index, path, name) if name else Tri.UNKNOWN for name in candidate.raised)
        if wraps is Tri.NO:
            return Verdict(Tri.YES, BroadExceptMessage(candidate.caught))
        if wraps is Tri.DEFER:
            return Verdict(Tri.DEFER, BroadExceptMessage(candidate.caught))
        return Verdict(Tri.NO)


def _wraps(index: ProjectIndex, path: str, raised: str) -> Tri:
    """Whether raising ``raised`` (as written in ``path``) hands the error on properly: a Vectra
    exception of any kind, or ``SystemExit``."""
    symbol = index.resolve(path, raised)
    if symbol is not None and symbol.kind is SymbolKind.BUILTIN and symbol.name == "SystemExit":
        return Tri.YES
    names = index.names
    if raised.rsplit(".", 1)[-1] in (names.exception_base, names.functional_base, names.technical_base):
        return Tri.YES
    flags = index.flags(symbol)
    return any_of((flags.vectra, flags.technical))
