"""VL307 raise-without-from."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

import libcst as cst

from vectra_lint.api import (
    Applicability,
    Expect,
    FixAvailability,
    FixSpec,
    InsertAfter,
    Invalid,
    Message,
    NodeEdit,
    Rule,
    Valid,
)
from vectra_lint.engine.context import FileContext

_BUILTINS = frozenset(dir(builtins))
_BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)
_BROAD = frozenset({"Exception", "BaseException"})


@dataclass
class _Try:
    node: cst.Try
    handler: cst.ExceptHandler | None
    in_body: bool = True


def _last_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    return node.attr.value if isinstance(node, cst.Attribute) else None


def _caught_names(kind: cst.BaseExpression | None) -> frozenset[str] | None:
    """The class names an `except` names; None for a bare `except:` (it catches everything)."""
    if kind is None:
        return None
    elements = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    return frozenset(name for name in map(_last_name, elements) if name is not None)


@dataclass(frozen=True)
class NoFromMessage(Message):
    """Names what to chain from: the handler's bound name, or ``<name>`` for a bare ``except:``."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"New exception raised in an `except` handler without `from`; chain it with `from {self.name}` (§15)"


class RaiseWithoutFrom(Rule):
    """
    ## What it does
    Flags, inside an `except` handler, a `raise` of a new exception without `from`: the handler's
    code (not a function or class defined in it) raising anything other than the exception it
    caught (`raise` alone and `raise exc` of the bound name are re-raises). `raise ... from exc`
    and `raise ... from None` (an explicit choice to hide the cause) are fine, and so is a raise in
    the body of a `try` inside the handler whose own `except` catches it (by name, or a broad or
    bare `except`): that is control flow, nothing escapes to be chained.

    ## Why is this bad?
    §15 (context preservation): low-level errors are re-raised as high-level Vectra errors, and the
    original must stay attached as the cause. Without `from`, the traceback says "during handling
    of the above exception, another exception occurred", as if the handler itself had crashed, and
    `__cause__` is empty for the error log.

    ## Fix safety
    Only a raise that constructs a new exception (a call, or a builtin exception class) is fixed:
    re-raising another exception object (`raise e` of an outer handler inside an inner one) gets
    no fix, as its cause is not the exception this handler caught.
    The fix is safe: it adds `from <name>` with the name the handler binds, first binding one
    (`except OSError as exc:`) when the handler has none. The new name is chosen so that it does
    not clash with any name of the function or module. Only the chaining shown in tracebacks and
    `__cause__` change. A bare `except:` gets no fix (VL302 names the type first).
    """

    code = "VL307"
    name = "raise-without-from"
    message = "New exception raised in an `except` handler without `from`; chain it with `from <name>` (§15)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.SAFE
    valid = (
        Valid("try:\n    run()\nexcept OSError as exc:\n    raise StorageError('DISK') from exc\n"),
        Valid("try:\n    run()\nexcept OSError:\n    raise StorageError('DISK') from None\n"),
        Valid("try:\n    run()\nexcept OSError as exc:\n    cleanup()\n    raise exc\n"),
        Valid("try:\n    run()\nexcept OSError:\n    raise\n"),
        Valid("try:\n    run()\nexcept OSError:\n    def later() -> None:\n        raise StorageError('DISK')\n"),
        Valid("raise StorageError('not in a handler')\n"),
        Valid(
            "try:\n    value = lookup()\nexcept KeyError:\n    try:\n        if hidden():\n"
            "            raise AttributeError\n        value = fallback()\n    except (TypeError, AttributeError):\n"
            "        value = None\n"
        ),
    )
    invalid = (
        Invalid(
            "try:\n    run()\nexcept OSError as error:\n    raise StorageError('DISK')\n",
            fixed="try:\n    run()\nexcept OSError as error:\n    raise StorageError('DISK') from error\n",
            expected=(Expect(4, 5, NoFromMessage("error")),),
        ),
        Invalid(
            "try:\n    run()\nexcept (OSError, ValueError):\n    if retry():\n        raise Retry()\n"
            "    raise StorageError('DISK')  # give up\n",
            fixed="try:\n    run()\nexcept (OSError, ValueError) as exc:\n    if retry():\n"
            "        raise Retry() from exc\n    raise StorageError('DISK') from exc  # give up\n",
            expected=(
                Expect(5, 9, NoFromMessage("exc")),
                Expect(6, 5, NoFromMessage("exc")),
            ),
        ),
        Invalid(
            "def load(exc: int) -> None:\n    try:\n        run()\n    except OSError:\n"
            "        raise StorageError(exc)\n",
            fixed="def load(exc: int) -> None:\n    try:\n        run()\n    except OSError as exc_1:\n"
            "        raise StorageError(exc) from exc_1\n",
            expected=(Expect(5, 9, NoFromMessage("exc_1")),),
        ),
        Invalid(
            "try:\n    run()\nexcept ValueError as exc:\n    raise Invalid(str(exc)) from exc\nexcept OSError:\n"
            "    raise StorageError('DISK')\n",
            fixed="try:\n    run()\nexcept ValueError as exc:\n    raise Invalid(str(exc)) from exc\n"
            "except OSError as exc:\n    raise StorageError('DISK') from exc\n",
            expected=(Expect(6, 5, NoFromMessage("exc")),),
        ),
        Invalid(
            "try:\n    run()\nexcept KeyError as exc:\n    try:\n        fallback()\n    except OSError:\n"
            "        raise LookupFailed(exc)\n",
            fixed="try:\n    run()\nexcept KeyError as exc:\n    try:\n        fallback()\n"
            "    except OSError as exc_1:\n        raise LookupFailed(exc) from exc_1\n",
            expected=(Expect(7, 9, NoFromMessage("exc_1")),),
        ),
        Invalid(
            "try:\n    run()\nexcept KeyError as missing:\n    try:\n        fallback()\n    except OSError:\n"
            "        raise LookupFailed(missing)\n",
            fixed="try:\n    run()\nexcept KeyError as missing:\n    try:\n        fallback()\n"
            "    except OSError as exc:\n"
            "        raise LookupFailed(missing) from exc\n",
            expected=(Expect(7, 9, NoFromMessage("exc")),),
        ),
        Invalid(
            "try:\n    run()\nexcept:\n    raise StorageError('DISK')\n",
            expected=(Expect(4, 5, NoFromMessage("<name>")),),
        ),
        Invalid(
            "try:\n    run()\nexcept KeyError as e:\n    try:\n        fallback()\n    except OSError as e2:\n"
            "        raise e\n",
            expected=(
                Expect(
                    7,
                    9,
                    "New exception raised in an `except` handler without `from`; chain it with `from <cause>` (§15)",
                ),
            ),
        ),
        Invalid(
            "try:\n    run()\nexcept OSError:\n    raise ValueError\n",
            fixed="try:\n    run()\nexcept OSError as exc:\n    raise ValueError from exc\n",
            expected=(
                Expect(
                    4, 5, "New exception raised in an `except` handler without `from`; chain it with `from exc` (§15)"
                ),
            ),
        ),
        Invalid(
            "try:\n    run()\nexcept KeyError as missing:\n    try:\n        raise LookupFailed(missing)\n"
            "    except OSError:\n        pass\n",
            fixed="try:\n    run()\nexcept KeyError as missing:\n    try:\n"
            "        raise LookupFailed(missing) from missing\n    except OSError:\n        pass\n",
            expected=(Expect(5, 9, NoFromMessage("missing")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        # Open `try` statements: the node, the handler it is inside, whether the walk is in its body.
        self._tries: list[_Try] = []

    def visit_Try(self, node: cst.Try) -> None:
        """Enter a `try` body."""
        self._tries.append(_Try(node, self.context.scope.handler()))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Leave the body of the `try` this handler belongs to."""
        if self._tries and any(handler is node for handler in self._tries[-1].node.handlers):
            self._tries[-1].in_body = False

    def visit_Else(self, node: cst.Else) -> None:
        """Leave the body of the `try` this `else` belongs to."""
        if self._tries and self._tries[-1].node.orelse is node:
            self._tries[-1].in_body = False

    def visit_Finally(self, node: cst.Finally) -> None:
        """Leave the body of the `try` this `finally` belongs to."""
        if self._tries and self._tries[-1].node.finalbody is node:
            self._tries[-1].in_body = False

    def leave_Try(self, node: cst.Try) -> None:
        """Close a `try`."""
        if self._tries and self._tries[-1].node is node:
            self._tries.pop()

    def _caught_locally(self, handler: cst.ExceptHandler, exc: cst.BaseExpression) -> bool:
        """Whether a `try` inside the handler catches what is raised in its body (control flow,
        `raise AttributeError` to reach a fallback): no chaining is shown for it."""
        raised = _last_name(exc.func if isinstance(exc, cst.Call) else exc)
        for open_try in self._tries:
            if open_try.handler is not handler or not open_try.in_body:
                continue
            for inner in open_try.node.handlers:
                caught = _caught_names(inner.type)
                if caught is None or raised in caught or caught & _BROAD:
                    return True
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        """Report raises of a new exception, without `from`, by a handler's own code."""
        scope = self.context.scope
        handler = scope.handler()
        if handler is None or node.exc is None or node.cause is not None:
            return
        if self._tries and self._caught_locally(handler, node.exc):
            return
        bound = (
            handler.name.name.value if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
        )
        if bound is not None and isinstance(node.exc, cst.Name) and node.exc.value == bound:
            return
        if handler.type is None:
            self.report(node, NoFromMessage("<name>"))
            return
        if not self._constructs(node.exc):
            # `raise e` of an outer handler (or any existing object): its cause is not what this
            # handler caught, so `from <this handler's exception>` would name the wrong one.
            self.report(node, NoFromMessage("<cause>"))
            return
        edits: list[NodeEdit] = []
        name = bound
        if name is None:
            name = self._fresh_name()
            edits.append(InsertAfter(handler.type, f" as {name}"))
        edits.append(InsertAfter(node.exc, f" from {name}"))
        fix = FixSpec(tuple(edits), f"Add `from {name}`")
        self.report(node, NoFromMessage(name), fix=fix)

    def _constructs(self, exc: cst.BaseExpression) -> bool:
        """Whether ``raise exc`` makes a new exception: a call, or a builtin exception class."""
        if isinstance(exc, cst.Call):
            return True
        qualified = self.context.scope.qualified_name(exc) if isinstance(exc, cst.Name) else None
        return qualified is not None and qualified[len("builtins.") :] in _BUILTIN_EXCEPTIONS

    def _fresh_name(self) -> str:
        """`exc`, or `exc_1`, `exc_2`... so that no enclosing scope binds or reads it as a global;
        a name only other handlers bind (a sibling's `except ValueError as exc`) is free."""
        scope = self.context.scope
        taken: set[str] = set()
        for frame in scope.frames:
            bindings = scope.bindings(frame.node)
            taken |= bindings.other
            taken |= set(bindings.imports)
        name, counter = "exc", 0
        while name in _BUILTINS or (name in taken and not scope.free_for_handler(name)):
            counter += 1
            name = f"exc_{counter}"
        return name
