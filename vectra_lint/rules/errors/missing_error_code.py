"""VL305 missing-error-code."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_summary import ERROR_CODE, error_code_position, is_exception_call_name
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import Expect, Invalid, Message, Valid


@dataclass(frozen=True)
class _Candidate:
    node: cst.BaseExpression
    dotted: str
    anchor: cst.CSTNode | None


def _carries_code(call: cst.Call, position: int) -> bool:
    """Whether the call passes an error code, or may (``*args``, ``**kwargs``)."""
    positional = 0
    for arg in call.args:
        if arg.star:
            return True
        if arg.keyword is not None:
            if arg.keyword.value == ERROR_CODE:
                return not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
        else:
            positional += 1
    return positional > position


def _class_like(func: cst.BaseExpression) -> bool:
    """A CapWords name or attribute: the cheap test that keeps most calls out of the index."""
    if isinstance(func, cst.Name):
        return func.value[:1].isupper()
    return isinstance(func, cst.Attribute) and func.attr.value[:1].isupper()


@dataclass(frozen=True)
class RaisedClass(Candidate):
    """An exception class raised or built without an error code, by the name used."""

    dotted: str


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
            self._candidates.append(_Candidate(node, dotted, self.context.current_statement))

    def finish(self) -> None:
        """Judge the candidates once the module is indexed."""
        for candidate in self._candidates:
            self.judge(candidate.node, RaisedClass(self.context.path, candidate.dotted), anchor=candidate.anchor)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: RaisedClass) -> Verdict:
        """Reported for a Vectra class without a default code anywhere in its hierarchy."""
        flags = index.flags_of(candidate.path, candidate.dotted)
        message = MissingCodeMessage(candidate.dotted)
        if flags.vectra is Tri.YES and flags.default_code is Tri.NO:
            return Verdict(Tri.YES, message)
        if (
            flags.vectra in (Tri.YES, Tri.DEFER)
            and flags.default_code in (Tri.NO, Tri.DEFER)
            and Tri.DEFER in (flags.vectra, flags.default_code)
        ):
            return Verdict(Tri.DEFER, message)
        return Verdict(Tri.NO)
