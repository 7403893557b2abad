"""VL303 exception-outside-hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_summary import base_name
from vectra_lint.analysis.project_index import ProjectIndex, Tri, any_of
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext


@dataclass(frozen=True)
class _Class:
    node: cst.ClassDef
    bases: tuple[str, ...]


@dataclass(frozen=True)
class ClassCandidate(Candidate):
    """A class defined in the file, with its bases as written."""

    name: str
    bases: tuple[str, ...]


@dataclass(frozen=True)
class OutsideHierarchyMessage(Message):
    """Names the class and the configured exception base."""

    name: str
    base: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Exception class `{self.name}` does not descend from `{self.base}` (§4: all custom exceptions do)"


class ExceptionOutsideHierarchy(IndexRule[ClassCandidate]):
    """
    ## What it does
    Flags a class that derives from `Exception`, `BaseException` or any other exception (builtin,
    from a library, or a project class that is one) but is not `VectraException` and does not
    descend from it. The hierarchy is resolved across the whole project: `class NotFound(
    FunctionalError)` in one module and `class UserNotFound(NotFound)` in another are both Vectra
    exceptions, through `from ... import ... as ...`, relative imports and re-exports in
    `__init__.py`.

    ## Why is this bad?
    §4 and §15: the global handler turns Vectra exceptions into the standard error response
    (code, message, type, id) and logs them by kind. An exception outside the hierarchy becomes an
    anonymous 500 with no error code for the frontend to translate.

    ## Notes
    Library classes are recognised as exceptions by name (`...Error`, `...Exception`,
    `...Warning`); the configured base names (`VectraException`, `FunctionalError`,
    `TechnicalError`, see `[tool.vectra-lint.names]`) count as Vectra ones even when a library
    provides them. A base imported from a project module that was not checked in this run (for
    example when pre-commit passes only the changed files) cannot be followed: the class gets the
    benefit of the doubt and is not reported.
    """

    code = "VL303"
    name = "exception-outside-hierarchy"
    message = "Exception class does not descend from the project's base exception (§4: all custom exceptions do)"
    valid = (
        Valid(
            "class VectraException(Exception):\n    pass\n\n\nclass FunctionalError(VectraException):\n    pass\n\n\n"
            "class NotFound(FunctionalError):\n    pass\n"
        ),
        Valid(
            "from app.core import exceptions as exc\n\n\nclass UserNotFound(exc.FunctionalError):\n"
            '    error_code = "USER_NOT_FOUND"\n'
        ),
        Valid(
            "from app.core.exceptions import TechnicalError as TE\n\nStorageBase = TE\n\n\n"
            "class DiskFull(StorageBase):\n    pass\n"
        ),
        Valid("from pydantic import BaseModel\n\n\nclass User(BaseModel):\n    name: str\n"),
        Valid("class Mixin:\n    pass\n\n\nclass Plain(Mixin):\n    pass\n"),
    )
    invalid = (
        Invalid(
            "class PaymentDeclined(ValueError):\n    pass\n",
            expected=(Expect(1, 7, OutsideHierarchyMessage("PaymentDeclined", "VectraException")),),
        ),
        Invalid(
            "from fastapi import HTTPException\n\n\nclass Conflict(HTTPException):\n    pass\n\n\n"
            "class UserExists(Conflict):\n    pass\n",
            expected=(
                Expect(4, 7, OutsideHierarchyMessage("Conflict", "VectraException")),
                Expect(8, 7, OutsideHierarchyMessage("UserExists", "VectraException")),
            ),
        ),
        Invalid(
            "from typing import Generic, TypeVar\n\nT = TypeVar('T')\n\n\n"
            "class Failed(Exception, Generic[T]):\n    pass\n",
            expected=(Expect(6, 7, OutsideHierarchyMessage("Failed", "VectraException")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._classes: list[_Class] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Collect classes with bases (judged once the module is indexed)."""
        if node.name.value == self.context.settings.names.exception_base:
            return
        bases = tuple(b for b in (base_name(arg.value) for arg in node.bases if arg.keyword is None) if b)
        if bases:
            self._classes.append(_Class(node, bases))

    def finish(self) -> None:
        """Judge each class."""
        for item in self._classes:
            candidate = ClassCandidate(self.context.path, item.node.name.value, tuple(item.bases))
            self.judge(item.node.name, candidate, anchor=item.node)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: ClassCandidate) -> Verdict:
        """Reported when some base makes it an exception and none makes it a Vectra one."""
        flags = [index.flags_of(candidate.path, base) for base in candidate.bases]
        exception = any_of(f.exception for f in flags)
        vectra = any_of(f.vectra for f in flags)
        message = OutsideHierarchyMessage(candidate.name, index.names.exception_base)
        if exception is Tri.YES and vectra is Tri.NO:
            return Verdict(Tri.YES, message)
        if exception in (Tri.YES, Tri.DEFER) and vectra in (Tri.NO, Tri.DEFER) and Tri.DEFER in (exception, vectra):
            return Verdict(Tri.DEFER, message)
        return Verdict(Tri.NO)
