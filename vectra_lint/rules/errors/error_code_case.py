"""VL304 error-code-case."""

from __future__ import annotations

import re

import libcst as cst

from vectra_lint.context import FileContext
from vectra_lint.diagnostics import Applicability
from vectra_lint.rule import FixSpec, Invalid, Option, Replace, Rule, Valid

SCREAMING_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def to_screaming_snake(value: str) -> str:
    """``authFailed`` / ``auth-failed`` / ``auth failed`` -> ``AUTH_FAILED``."""
    words = _NOT_WORD.sub("_", _WORD_BOUNDARY.sub("_", value)).strip("_")
    return words.upper()


class ErrorCodeCase(Rule):
    """
    ## What it does
    Flags an `error_code` string that is not SCREAMING_SNAKE_CASE
    (`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`): an `error_code="..."` keyword argument, a class attribute
    `error_code = "..."`, or a string passed positionally at the error-code position of an
    exception call (a callee whose name ends in `Error` or `Exception`).

    ## Why is this bad?
    §4 and §15: error codes are the keys the frontend translates and clients branch on; one
    casing everywhere (`USER_ALREADY_EXISTS`) keeps them greppable and translation files in step.

    ## Fix safety
    The fix is unsafe: it rewrites the literal (`"auth-failed"` -> `"AUTH_FAILED"`), and frontend
    translation keys or API clients may still expect the old value.

    ## Notes
    Only string literals are checked here; following names to their constants is part of the
    project-wide analysis.
    """

    code = "VL304"
    name = "error-code-case"
    message = "Error code {value!r} is not SCREAMING_SNAKE_CASE (§15)"
    fix_safety = Applicability.UNSAFE
    options = (
        Option(
            "error-code-position",
            1,
            "Index of the positional argument that carries the error code in exception calls "
            "(`NotFoundError(message, code)` is 1).",
        ),
    )
    valid = (
        Valid('raise NotFoundError("User missing", error_code="USER_NOT_FOUND")\n'),
        Valid('class Timeout(TechnicalError):\n    error_code = "EXTERNAL_API_TIMEOUT"\n'),
        Valid('raise NotFoundError("User missing", "USER_NOT_FOUND")\n'),
        Valid('log_event("user-missing", "detail")\n'),
    )
    invalid = (
        Invalid(
            'raise NotFoundError("User missing", error_code="user_not_found")\n',
            fixed='raise NotFoundError("User missing", error_code="USER_NOT_FOUND")\n',
        ),
        Invalid(
            "class Timeout(TechnicalError):\n    error_code = 'apiTimeout'\n",
            fixed="class Timeout(TechnicalError):\n    error_code = 'API_TIMEOUT'\n",
        ),
        Invalid(
            'raise DuplicateError("exists", "user-exists")\n',
            fixed='raise DuplicateError("exists", "USER_EXISTS")\n',
        ),
        Invalid(
            'raise DuplicateError("user-exists")\n',
            fixed='raise DuplicateError("USER_EXISTS")\n',
            options={"error-code-position": 0},
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._position: int = self.option("error-code-position")

    def visit_Call(self, node: cst.Call) -> None:
        """Check `error_code=` keywords and the positional error code of exception calls."""
        positional = 0
        exception_call = _callee_name(node.func).endswith(("Error", "Exception"))
        for arg in node.args:
            if arg.star:
                return
            if arg.keyword is not None:
                if arg.keyword.value == "error_code":
                    self._check(arg.value)
            else:
                if exception_call and positional == self._position:
                    self._check(arg.value)
                positional += 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Check `error_code = "..."` in the class body (not in its methods)."""
        if not isinstance(node.body, cst.IndentedBlock):
            return
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == "error_code" for t in small.targets
                ):
                    self._check(small.value, statement)
                elif (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.target.value == "error_code"
                    and small.value is not None
                ):
                    self._check(small.value, statement)

    def _check(self, value: cst.BaseExpression, anchor: cst.CSTNode | None = None) -> None:
        if not isinstance(value, cst.SimpleString) or "b" in value.prefix.lower():
            return
        text = value.evaluated_value
        if not isinstance(text, str) or SCREAMING_SNAKE.match(text):
            return
        fixed = to_screaming_snake(text)
        fix = None
        if SCREAMING_SNAKE.match(fixed) and "\\" not in value.value:
            quote = value.quote
            new = cst.SimpleString(f"{value.prefix}{quote}{fixed}{quote}")
            fix = FixSpec((Replace(value, new),), f"Replace with {fixed!r}")
        self.report(value, self.message.format(value=text), fix=fix, anchor=anchor)


def _callee_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""
