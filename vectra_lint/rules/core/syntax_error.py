"""VL001 syntax-error."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

import libcst as cst

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.limits import CannotAnalyse, Rejected
from vectra_lint.engine.source import DecodeError
from vectra_lint.rule import EngineRule, Expect, Invalid, Message, Valid


@dataclass(frozen=True)
class SyntaxMessage(Message):
    """CPython's own words for the error (``invalid syntax``, ``expected ':'``)."""

    reason: str

    def __str__(self) -> str:
        """The text users see."""
        return f"SyntaxError: {self.reason}"


@dataclass(frozen=True)
class CannotCompileMessage(Message):
    """A file CPython itself gives up on (too deep, too large), with what it said."""

    reason: str

    def __str__(self) -> str:
        """The text users see."""
        return f"CPython cannot compile this file: {self.reason}"


class SyntaxError_(EngineRule):
    """
    ## What it does
    Reports a file that cannot be checked: it does not parse as Python, its bytes are not valid
    in its declared encoding (UTF-8 unless a coding cookie says otherwise), or it is binary. The
    diagnostic points at the first error; the run goes on with the other files.

    ## Why is this bad?
    A file that does not parse cannot be imported, and none of the other rules can look at it:
    every other finding in it is hidden until it parses.

    ## Notes
    The engine produces this diagnostic itself when parsing fails; it cannot be suppressed with
    `# noqa` (there is no tree to read comments from), only switched off with `ignore`.
    """

    code = "VL001"
    name = "syntax-error"
    message = "SyntaxError"
    valid = (Valid("def ok() -> None:\n    pass\n"),)
    invalid = (
        Invalid("def broken(:\n    pass\n", expected=(Expect(1, 12, SyntaxMessage("invalid syntax")),)),
        Invalid("if True\n    x = 1\n", expected=(Expect(1, 8, SyntaxMessage("expected ':'")),)),
    )

    @classmethod
    def from_parse_error(cls, path: str, text: str, error: cst.ParserSyntaxError) -> Diagnostic:
        """The diagnostic of a file libcst cannot parse.

        Raises ``CannotAnalyse`` when CPython accepts the file: libcst rejects a few layouts
        CPython takes (a tab after spaces in an indentation); those are no syntax errors.
        """
        # CPython's parser names the offending token precisely; libcst's says where it gave up.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the user's code's warnings are not ours to print
                ast.parse(text)
        except SyntaxError as python_error:
            line = python_error.lineno or 1
            column = python_error.offset or 1
            message: Message = SyntaxMessage(python_error.msg)
        except (RecursionError, MemoryError) as python_error:
            line, column, message = 1, 1, CannotCompileMessage(str(python_error))
        else:
            reason = error.message.strip().splitlines()[0] if error.message.strip() else "invalid syntax"
            raise CannotAnalyse(f"libcst cannot parse it although CPython accepts it (libcst: {reason})")
        return Diagnostic(path, cls.code, cls.name, str(message), line, column, line, column)

    @classmethod
    def from_rejected(cls, path: str, rejected: Rejected) -> Diagnostic:
        """The diagnostic of a file CPython rejected before libcst saw it (``engine/limits.py``)."""
        line, column = rejected.line, rejected.column
        message = SyntaxMessage(rejected.reason) if rejected.syntax else CannotCompileMessage(rejected.reason)
        return Diagnostic(path, cls.code, cls.name, str(message), line, column, line, column)

    @classmethod
    def from_decode_error(cls, path: str, error: DecodeError) -> Diagnostic:
        """The diagnostic of a file that cannot be decoded."""
        return Diagnostic(path, cls.code, cls.name, error.args[0], error.line, error.column, error.line, error.column)
