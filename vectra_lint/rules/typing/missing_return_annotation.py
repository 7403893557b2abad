"""VL102 missing-return-annotation."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import (
    ABSTRACT,
    OVERLOAD,
    Body,
    Definition,
    DefinitionKind,
    Definitions,
    FunctionBodies,
)
from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, InsertInto, Invalid, Message, Rule, Valid
from vectra_lint.engine.scope import dotted_name


@dataclass(frozen=True)
class ReturnMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Function `{self.name}` has no return annotation (§1)"


class MissingReturnAnnotation(Rule):
    """
    ## What it does
    Flags a function or method without a return annotation (`-> T`), `__init__` and other dunder
    methods included.

    ## Why is this bad?
    §1-2: type hints are mandatory for return values. Without one, callers get `Any` back and the
    type checker does not check the body's `return` statements either.

    ## Fix safety
    The fix adds `-> None` and is safe, because it is offered only where the function provably
    returns nothing: no `return <value>` (a bare `return` or `return None` is fine) and no `yield`
    in its own body (those of nested functions, lambdas and classes do not count), not abstract
    (`@abstractmethod`), not an `@overload`, not a stub whose body is only `...`, not a `Protocol`
    member whose body is only a docstring, `pass` or `...`, and not a function whose last statement
    is a `raise` (it never returns normally, or is a placeholder that subclasses override with a
    real return type). Other functions are reported without a fix.

    ## Notes
    This rule reports what Ruff's ANN201, ANN202, ANN204, ANN205 and ANN206 report, with the same
    exemption for the implementation of an `@overload`-ed function (its overloads carry the
    return types).
    """

    code = "VL102"
    name = "missing-return-annotation"
    message = "Function has no return annotation (§1)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.SAFE
    valid = (
        Valid("def total(prices: list[float]) -> float:\n    return sum(prices)\n"),
        Valid("class Cache:\n    def __init__(self) -> None:\n        self.data: dict[str, str] = {}\n"),
        Valid("square = lambda x: x * x\n"),
        Valid(
            "from typing import overload\n\n\n"
            "@overload\ndef first(items: list[int]) -> int: ...\n"
            "@overload\ndef first(items: list[str]) -> str: ...\n"
            "def first(items):\n    return items[0]\n"
        ),
    )
    invalid = (
        Invalid(
            "class Cache:\n    def __init__(self, size: int):\n        self.size = size\n",
            fixed="class Cache:\n    def __init__(self, size: int) -> None:\n        self.size = size\n",
            expected=(Expect(2, 9, "Function `__init__` has no return annotation (§1)"),),
        ),
        Invalid(
            "def log_all(items: list[str]):\n"
            "    def fmt(item: str) -> str:\n        return item.upper()\n"
            "    for item in items:\n        if not item:\n            return\n        print(fmt(item))\n",
            fixed="def log_all(items: list[str]) -> None:\n"
            "    def fmt(item: str) -> str:\n        return item.upper()\n"
            "    for item in items:\n        if not item:\n            return\n        print(fmt(item))\n",
            expected=(Expect(1, 5, "Function `log_all` has no return annotation (§1)"),),
        ),
        Invalid(
            "async def notify(user: str)  :\n    await send(user, key=lambda: (yield))\n",
            fixed="async def notify(user: str) -> None  :\n    await send(user, key=lambda: (yield))\n",
            expected=(Expect(1, 11, "Function `notify` has no return annotation (§1)"),),
        ),
        Invalid(
            "def total(prices: list[float]):\n    return sum(prices)\n",
            expected=(Expect(1, 5, "Function `total` has no return annotation (§1)"),),
        ),
        Invalid(
            "def numbers():\n    yield 1\n",
            expected=(Expect(1, 5, "Function `numbers` has no return annotation (§1)"),),
        ),
        Invalid(
            "import abc\n\n\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def run(self):\n        pass\n",
            expected=(Expect(6, 9, "Function `run` has no return annotation (§1)"),),
        ),
        Invalid(
            "class Reader:\n    def read(self):\n        raise NotImplementedError\n",
            expected=(Expect(2, 9, "Function `read` has no return annotation (§1)"),),
        ),
        Invalid(
            "from typing import Protocol\n\n\nclass Closer(Protocol):\n    def close(self):\n        ...\n",
            expected=(Expect(5, 9, "Function `close` has no return annotation (§1)"),),
        ),
        Invalid(
            "def outer():\n    def inner():\n        return 1\n    return None\n",
            fixed="def outer() -> None:\n    def inner():\n        return 1\n    return None\n",
            expected=(
                Expect(1, 5, "Function `outer` has no return annotation (§1)"),
                Expect(2, 9, "Function `inner` has no return annotation (§1)"),
            ),
        ),
    )

    analyses = (Definitions, FunctionBodies)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Report the function when it has no return annotation."""
        body = self.context.analysis(FunctionBodies).current
        definition = self.context.analysis(Definitions).current
        if node.returns is not None or definition.overload_implementation:
            return
        fix = None
        if self._returns_nothing(definition, body):
            fix = FixSpec((InsertInto(node.whitespace_before_colon, 0, " -> None"),), "Add `-> None`")
        self.report(node.name, ReturnMessage(node.name.value), fix=fix, anchor=node)

    def _returns_nothing(self, definition: Definition, body: Body) -> bool:
        if body.returns_value or body.yields:
            return False
        if definition.decorated_with(ABSTRACT | OVERLOAD) or _decorated_abstract(definition):
            return False
        statements = _statements(definition.node)
        if not statements:
            return True
        if isinstance(statements[-1], cst.Raise):
            return False
        kinds = {_stub_kind(statement) for statement in statements}
        if kinds == {"ellipsis"} or kinds == {"docstring", "ellipsis"}:
            return False
        if None not in kinds and _in_protocol(definition):
            return False
        return True


def _decorated_abstract(definition: Definition) -> bool:
    # `@abstractmethod` through an import the module-level resolution cannot see.
    return any(decorator.rsplit(".", 1)[-1] == "abstractmethod" for decorator in definition.decorators)


def _statements(node: cst.ClassDef | cst.FunctionDef) -> list[cst.CSTNode]:
    """The body's statements, simple statements of one line counted one by one."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    found: list[cst.CSTNode] = []
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def _stub_kind(statement: cst.CSTNode) -> str | None:
    """``docstring``, ``ellipsis`` or ``pass`` for the statements a stub body is made of."""
    # Exact types: a failed isinstance against libcst's ABC-based classes is slow.
    if type(statement) is cst.Pass:
        return "pass"
    if type(statement) is cst.Expr:
        if type(statement.value) is cst.Ellipsis:
            return "ellipsis"
        if type(statement.value) is cst.SimpleString or type(statement.value) is cst.ConcatenatedString:
            return "docstring"
    return None


def _in_protocol(definition: Definition) -> bool:
    parent = definition.parent
    if definition.kind is not DefinitionKind.METHOD or parent is None or not isinstance(parent.node, cst.ClassDef):
        return False
    for base in parent.node.bases:
        value = base.value
        if isinstance(value, cst.Subscript):
            value = value.value
        name = dotted_name(value)
        if name is not None and name.rsplit(".", 1)[-1] == "Protocol":
            return True
    return False
