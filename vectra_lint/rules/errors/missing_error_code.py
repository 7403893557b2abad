"""VL305 missing-error-code."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_summary import (
    CODE_OPTIONAL,
    ERROR_CODE,
    NO_INIT,
    error_code_position,
    is_exception_call_name,
)
from vectra_lint.analysis.project_index import MAX_DEPTH, ProjectIndex, Symbol, SymbolKind, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name


@dataclass(frozen=True)
class _Candidate:
    node: cst.BaseExpression
    dotted: str
    anchor: cst.CSTNode | None
    positional: int


def _positional_count(call: cst.Call) -> int:
    return sum(1 for arg in call.args if arg.keyword is None and not arg.star)


def _carries_code(call: cst.Call, position: int) -> bool:
    """Whether the call passes an error code, or may (``*args``, ``**kwargs``)."""
    for arg in call.args:
        if arg.star:
            return True
        if arg.keyword is not None and arg.keyword.value == ERROR_CODE:
            return not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
    return _positional_count(call) > position


def _required_position(index: ProjectIndex, symbol: Symbol | None, depth: int = 0) -> tuple[Tri, int]:
    """Whether the ``__init__`` a call of the class reaches (its own, else the nearest base's)
    requires ``error_code``, and at which position (``KEYWORD_ONLY`` for a keyword-only one)."""
    facts = index.class_facts(symbol) if symbol is not None else None
    if facts is None or symbol is None or depth > MAX_DEPTH:
        return Tri.UNKNOWN, CODE_OPTIONAL
    init = facts["init_code"]
    if init != NO_INIT:
        return (Tri.YES, init) if init >= 0 else (Tri.NO, init)
    for base in facts["bases"]:
        found = index.resolve(symbol.module, base)
        if found is None:
            return Tri.UNKNOWN, CODE_OPTIONAL
        if found.kind is SymbolKind.MISSING:
            return (Tri.DEFER if index.partial else Tri.UNKNOWN), CODE_OPTIONAL
        if found.kind is SymbolKind.CLASS:
            return _required_position(index, found, depth + 1)
        if found.kind is SymbolKind.EXTERNAL or found.kind is SymbolKind.BUILTIN:
            return Tri.NO, CODE_OPTIONAL  # a library base's own __init__ (Exception's takes *args)
    return Tri.NO, CODE_OPTIONAL


def _class_like(func: cst.BaseExpression) -> bool:
    """A CapWords name or attribute: the cheap test that keeps most calls out of the index."""
    # Exact types: see `dotted_name`.
    if type(func) is cst.Attribute:
        return func.attr.value[:1].isupper()
    return type(func) is cst.Name and func.value[:1].isupper()


@dataclass(frozen=True)
class RaisedClass(Candidate):
    """An exception class raised or built without an error code, by the name used."""

    dotted: str
    positional: int = 0
    """How many positional arguments the call passes."""


@dataclass(frozen=True)
class RequiredCodeMessage(Message):
    """Names the class whose reached ``__init__`` requires ``error_code``."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.name}` is raised or built without an error code, which its `__init__` requires "
            "(a `TypeError`) (§15)"
        )


@dataclass(frozen=True)
class MissingCodeMessage(Message):
    """Names the class."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` is raised or built without an error code, and neither it nor a base sets a default (§15)"


class MissingErrorCode(IndexRule[RaisedClass]):
    """
    ## What it does
    Flags raising or constructing a Vectra exception (a class that is or descends from
    `VectraException`, resolved across the project) without an error code, when neither the class
    nor any of its bases gives a default. An error code is passed as `error_code=...` or as the
    positional argument at the error-code position (VL304's `error-code-position` option,
    default 1: `NotFoundError(message, code)`). A class gives a default with a class attribute
    `error_code = "..."` (an annotation without a value is no default), an `__init__` parameter
    `error_code` with a default, or an `__init__` that passes `error_code=...` on to its base.
    Also flagged, whatever the defaults: a call that passes no code when the `__init__` it reaches
    (the class's own, else the nearest base's) takes `error_code` without a default. A base's
    class attribute does not help there: the call fails with a `TypeError` before it is read.

    ## Why is this bad?
    §4 and §15: every Vectra exception must carry a SCREAMING_SNAKE_CASE code; the frontend
    translates the code, and the global handler puts it in the response. Without one, the client
    receives a generic error it cannot translate or act on.

    ## Notes
    A class built outside a `raise` statement (`error = NotFound(...)`, raised later) is checked
    when its name ends in `Error` or `Exception`: most other CapWords calls build other things.
    Calls that pass `*args` or `**kwargs` may carry the code and are not flagged. A class from a
    project module that was not checked in this run (pre-commit passes only the changed files), or
    a base class provided by a library, cannot be inspected for a default: it gets the benefit of
    the doubt.
    """

    code = "VL305"
    name = "missing-error-code"
    message = "Exception raised or built without an error code, and neither it nor a base sets a default (§15)"
    valid = (
        Valid(
            "class VectraException(Exception):\n    pass\n\n\nclass NotFound(VectraException):\n"
            '    error_code = "NOT_FOUND"\n\n\nclass UserMissing(NotFound):\n    pass\n\n\n'
            'raise UserMissing("no such user")\n'
        ),
        Valid(
            "class VectraException(Exception):\n    pass\n\n\n"
            'raise VectraException("broken", error_code="BROKEN")\nraise VectraException("broken", "BROKEN")\n'
        ),
        Valid(
            "class VectraException(Exception):\n"
            '    def __init__(self, message: str, error_code: str = "INTERNAL_ERROR") -> None:\n'
            "        super().__init__(message)\n\n\nraise VectraException('broken')\n"
        ),
        Valid(
            "class VectraException(Exception):\n    pass\n\n\nclass Timeout(VectraException):\n"
            "    def __init__(self, seconds: float) -> None:\n"
            '        super().__init__(f"{seconds}s", error_code="EXTERNAL_API_TIMEOUT")\n\n\n'
            "raise Timeout(3.0)\n"
        ),
        Valid("raise ValueError('not a Vectra exception')\n"),
        Valid("from app.core.exceptions import FunctionalError\n\nraise FunctionalError('library base: unknown')\n"),
        Valid(
            "class VectraException(Exception):\n    pass\n\n\ndef fail(**details: str) -> None:\n"
            "    raise VectraException(**details)\n"
        ),
    )
    invalid = (
        Invalid(
            "from typing import ClassVar\n\n\nclass VectraException(Exception):\n    error_code: ClassVar[str]\n\n\n"
            "class FunctionalError(VectraException):\n    pass\n\n\n"
            'raise FunctionalError("The uploaded file is empty")\n',
            expected=(Expect(12, 7, MissingCodeMessage("FunctionalError")),),
        ),
        Invalid(
            "class VectraException(Exception):\n    pass\n\n\nclass TechnicalError(VectraException):\n    pass\n\n\n"
            "def fail() -> None:\n    error = TechnicalError('locked')\n    raise error\n",
            expected=(Expect(10, 13, MissingCodeMessage("TechnicalError")),),
        ),
        Invalid(
            "class VectraException(Exception):\n    pass\n\n\nclass Conflict(VectraException):\n    pass\n\n\n"
            "raise Conflict\n",
            expected=(Expect(9, 7, MissingCodeMessage("Conflict")),),
        ),
        Invalid(
            "class VectraException(Exception):\n    error_code = 'INTERNAL_ERROR'\n\n\n"
            "class FunctionalError(VectraException):\n"
            "    def __init__(self, message: str, error_code: str) -> None:\n"
            "        super().__init__(message)\n        self.error_code = error_code\n\n\n"
            'raise FunctionalError("File must be an image")\n',
            expected=(Expect(11, 7, RequiredCodeMessage("FunctionalError")),),
        ),
        Invalid(
            'class VectraException(Exception):\n    pass\n\n\nraise VectraException("broken", error_code=None)\n',
            expected=(Expect(5, 7, MissingCodeMessage("VectraException")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._position = error_code_position(context)
        self._candidates: list[_Candidate] = []
        self._raised: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        """Collect calls of class-like names that pass no error code: raised ones, and others
        named like exceptions (most CapWords calls build other things)."""
        if not _class_like(node.func) or _carries_code(node, self._position):
            return
        if id(node) in self._raised or is_exception_call_name(node.func):
            self._collect(node, node.func)

    def visit_Raise(self, node: cst.Raise) -> None:
        """Collect `raise SomeError` of a bare class (constructed without arguments)."""
        if node.exc is None:
            return
        if isinstance(node.exc, cst.Call):
            self._raised.add(id(node.exc))
        elif _class_like(node.exc):
            self._collect(node.exc, node.exc)

    def _collect(self, node: cst.BaseExpression, func: cst.BaseExpression) -> None:
        dotted = dotted_name(func)
        if dotted is not None:
            positional = _positional_count(node) if isinstance(node, cst.Call) else 0
            self._candidates.append(_Candidate(node, dotted, self.context.current_statement, positional))

    def finish(self) -> None:
        """Judge the candidates once the module is indexed."""
        for candidate in self._candidates:
            raised = RaisedClass(self.context.path, candidate.dotted, candidate.positional)
            self.judge(candidate.node, raised, anchor=candidate.anchor)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: RaisedClass) -> Verdict:
        """Reported for a Vectra class without a default code anywhere in its hierarchy."""
        symbol = index.resolve(candidate.path, candidate.dotted)
        flags = index.flags(symbol)
        message = MissingCodeMessage(candidate.dotted)
        if flags.vectra in (Tri.YES, Tri.DEFER):
            required, position = _required_position(index, symbol)
            if required is Tri.YES and candidate.positional <= position:
                return Verdict(flags.vectra, RequiredCodeMessage(candidate.dotted))
            if required is Tri.DEFER:
                return Verdict(Tri.DEFER, message)
        if flags.vectra is Tri.YES and flags.default_code is Tri.NO:
            return Verdict(Tri.YES, message)
        if (
            flags.vectra in (Tri.YES, Tri.DEFER)
            and flags.default_code in (Tri.NO, Tri.DEFER)
            and Tri.DEFER in (flags.vectra, flags.default_code)
        ):
            return Verdict(Tri.DEFER, message)
        return Verdict(Tri.NO)
