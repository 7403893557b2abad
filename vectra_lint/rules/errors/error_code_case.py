"""VL304 error-code-case."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import class_assignments
from vectra_lint.analysis.module_summary import CODE_POSITION, ERROR_CODE, ModuleSummary, code_callee, is_keyword_value
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, Invalid, Message, Replace, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

SCREAMING_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")
_CONSTANT_NAME = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
_CODE_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*([_.\-][A-Za-z0-9]+)*$")


def to_screaming_snake(value: str) -> str:
    """``authFailed`` / ``auth-failed`` / ``auth failed`` -> ``AUTH_FAILED``."""
    words = _NOT_WORD.sub("_", _WORD_BOUNDARY.sub("_", value)).strip("_")
    return words.upper()


@dataclass(frozen=True)
class CodeName(Candidate):
    """A name in play as an error code: used as one here, or a constant that some file may use;
    or a badly cased literal passed positionally, whose callee decides whether it is a code."""

    name: str
    is_definition: bool
    """True: an UPPER_CASE constant defined here (is it used as a code anywhere?); False: a use."""
    callee: str | None = None
    """For a positional argument: the exception called (``module_summary.code_callee``)."""
    imported: bool = False
    literal: bool = False
    """``name`` is the literal's value, not a name."""


@dataclass(frozen=True)
class BadCode(Message):
    """A literal error code."""

    value: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Error code {self.value!r} is not SCREAMING_SNAKE_CASE (§15)"


@dataclass(frozen=True)
class BadCodeUse(Message):
    """A name used as an error code, and the value it holds."""

    name: str
    value: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Error code `{self.name}` holds {self.value!r}, which is not SCREAMING_SNAKE_CASE (§15)"


@dataclass(frozen=True)
class BadCodeConstant(Message):
    """A constant used as an error code somewhere, and its value (None: not known)."""

    name: str
    value: str | None

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` = {self.value!r} is used as an error code and is not SCREAMING_SNAKE_CASE (§15)"


@dataclass(frozen=True)
class _Reference:
    node: cst.BaseExpression
    dotted: str
    anchor: cst.CSTNode | None
    callee: tuple[str, bool] | None = None


@dataclass(frozen=True)
class _Literal:
    node: cst.SimpleString
    text: str
    anchor: cst.CSTNode | None
    callee: tuple[str, bool] | None
    """For a positional argument: the exception called."""


@dataclass(frozen=True)
class _Constant:
    value: cst.SimpleString
    text: str
    anchor: cst.CSTNode


class ErrorCodeCase(IndexRule[CodeName]):
    """
    ## What it does
    Flags an `error_code` that is not SCREAMING_SNAKE_CASE (`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`): an
    `error_code=...` keyword argument, a class attribute `error_code = ...`, the argument at
    the error-code position of an exception call (a callee whose name ends in `Error` or
    `Exception`; option `error-code-position`), or the default of an `error_code` parameter of a
    class's `__init__` (`error_code: str = "internal_error"`, which every call that passes no code
    raises with).

    The position is read only in calls of a Vectra exception (resolved across the project) or of
    a name that cannot be resolved: the second argument of a builtin or library exception
    (`OSError(2, "No such file")`, `CalledProcessError(1, "git status")`, SQLAlchemy's
    `IntegrityError(statement, params, orig)`) or of a project exception outside the hierarchy is
    not an error code.

    A string literal is checked where it is written. A name is followed to the string constant
    it holds, in the same module or in another project module (`error_code=ERROR_AUTH` with
    `ERROR_AUTH = "auth_failed"` in `app/core/codes.py`, imported directly, under an alias, through
    a relative import or a re-export): the use is reported, and so is the constant (with the fix).
    Module-level constants and string attributes of top-level classes (`ErrorCode.AUTH`, also
    `ErrorCode.AUTH.value` for enums) are followed.

    ## Why is this bad?
    §4 and §15: error codes are the keys the frontend translates and clients branch on; one
    casing everywhere (`USER_ALREADY_EXISTS`) keeps them greppable and translation files in step.

    ## Fix safety
    A literal code is fixed as a rename across the project, in the project phase, all files or
    none: every raise site and class default holding the code (`"entity_not_found"` ->
    `"ENTITY_NOT_FOUND"`), the keys equal to it in the translation files (VL706's `translations`
    globs, JSON or TS/JS, at any depth), and the string literals equal to it in test modules
    (`assert exc.error_code == "entity_not_found"`). The rename is safe when every occurrence of
    the old string in the checked files and the translation files is one of those (and VL706's
    `translations` globs name at least one file: else where the frontend holds the code is not
    known); otherwise it is unsafe and its description lists where it leaves the old string (a log message, a
    docstring, a translation's text).

    For a name, the fix is on the constant's literal (unsafe, not a rename), which also fixes
    every other use of it. A literal written with escape sequences is reported without a fix.

    ## Notes
    The rename looks in the checked files and the translation files only: run it on the whole
    project (`vectra-lint check --fix --unsafe-fixes .`) so that every raise site and test is
    renamed. A file read from standard input is not fixed: a rename needs the project's files.

    A constant defined in a project module that was not checked in this run (pre-commit passes only
    the changed files) cannot be read: its uses get the benefit of the doubt. Likewise a constant
    is reported at its definition only when a checked file uses it as an error code.
    """

    code = "VL304"
    name = "error-code-case"
    message = "Error code is not SCREAMING_SNAKE_CASE (§15)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.UNSAFE
    options = (CODE_POSITION,)
    valid = (
        Valid('raise NotFoundError("User missing", error_code="USER_NOT_FOUND")\n'),
        Valid('class Timeout(TechnicalError):\n    error_code = "EXTERNAL_API_TIMEOUT"\n'),
        Valid('raise NotFoundError("User missing", "USER_NOT_FOUND")\n'),
        Valid('log_event("user-missing", "detail")\n'),
        Valid('import subprocess\n\nraise subprocess.CalledProcessError(128, "git-fetch")\n'),
        Valid('raise ConnectionRefusedError(111, "refused", "db:5432")\n'),
        Valid(
            "from sqlalchemy.exc import IntegrityError\n\n\ndef save() -> None:\n"
            '    raise IntegrityError("insert", "params", "unique")\n'
        ),
        Valid('class QuotaError(PermissionError):\n    pass\n\n\nraise QuotaError("quota", "over-quota")\n'),
        Valid('USER_MISSING = "USER_NOT_FOUND"\n\nraise NotFoundError("User missing", error_code=USER_MISSING)\n'),
        Valid(
            'auth_code = "auth_failed"\n\n\ndef fail(auth_code: str) -> None:\n'
            "    raise AuthError(error_code=auth_code)\n"
        ),
    )
    invalid = (
        Invalid(
            'raise NotFoundError("User missing", error_code="user_not_found")\n',
            fixed='raise NotFoundError("User missing", error_code="USER_NOT_FOUND")\n',
            expected=(Expect(1, 48, BadCode("user_not_found")),),
        ),
        Invalid(
            'raise NotFoundError("User missing", error_code="user_\\x6eot_found")\n',
            fixed=None,
            expected=(Expect(1, 48, BadCode("user_not_found")),),
        ),
        Invalid(
            "class TechnicalError(VectraException):\n"
            '    def __init__(self, message: str, error_code: str = "internal_error") -> None:\n'
            "        super().__init__(message, error_code)\n",
            fixed="class TechnicalError(VectraException):\n"
            '    def __init__(self, message: str, error_code: str = "INTERNAL_ERROR") -> None:\n'
            "        super().__init__(message, error_code)\n",
            expected=(Expect(2, 56, "Error code 'internal_error' is not SCREAMING_SNAKE_CASE (§15)"),),
        ),
        Invalid(
            "class Timeout(TechnicalError):\n    error_code = 'apiTimeout'\n",
            fixed="class Timeout(TechnicalError):\n    error_code = 'API_TIMEOUT'\n",
            expected=(Expect(2, 18, BadCode("apiTimeout")),),
        ),
        Invalid(
            'raise DuplicateError("exists", "user-exists")\n',
            fixed='raise DuplicateError("exists", "USER_EXISTS")\n',
            expected=(Expect(1, 32, BadCode("user-exists")),),
        ),
        Invalid(
            'raise DuplicateError("user-exists")\n',
            fixed='raise DuplicateError("USER_EXISTS")\n',
            options={"error-code-position": 0},
            expected=(Expect(1, 22, BadCode("user-exists")),),
        ),
        Invalid(
            'ERROR_AUTH = "auth_failed"\n\n\ndef login() -> None:\n'
            '    raise AuthError("denied", error_code=ERROR_AUTH)\n',
            fixed='ERROR_AUTH = "AUTH_FAILED"\n\n\ndef login() -> None:\n'
            '    raise AuthError("denied", error_code=ERROR_AUTH)\n',
            expected=(
                Expect(1, 14, BadCodeConstant("ERROR_AUTH", "auth_failed")),
                Expect(5, 42, BadCodeUse("ERROR_AUTH", "auth_failed")),
            ),
        ),
        Invalid(
            "import enum\n\n\nclass ErrorCode(str, enum.Enum):\n    AUTH = 'auth-failed'\n\n\n"
            "class AuthError(FunctionalError):\n    error_code = ErrorCode.AUTH.value\n",
            fixed="import enum\n\n\nclass ErrorCode(str, enum.Enum):\n    AUTH = 'AUTH_FAILED'\n\n\n"
            "class AuthError(FunctionalError):\n    error_code = ErrorCode.AUTH.value\n",
            expected=(
                Expect(5, 12, BadCodeConstant("ErrorCode.AUTH", "auth-failed")),
                Expect(9, 18, BadCodeUse("ErrorCode.AUTH.value", "auth-failed")),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._summary = context.analysis(ModuleSummary)
        self._references: list[_Reference] = []
        self._constants: dict[str, _Constant] = {}
        self._literals: list[_Literal] = []

    def visit_Call(self, node: cst.Call) -> None:
        """Check `error_code=` keywords and the positional error code of exception calls (judged
        in `finish`: only a Vectra exception, or a name that cannot be resolved, carries one there)."""
        for value in self._summary.code_arguments(node):
            if is_keyword_value(node, value):
                self._check(value)
            else:
                self._check(value, callee=code_callee(self.context.scope, node.func))

    def visit_Assign(self, node: cst.Assign) -> None:
        """Remember module-level string constants (a use elsewhere may make them error codes)."""
        if not self.context.scope.at_module_level() or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, cst.Name) and isinstance(node.value, cst.SimpleString):
            self._remember(target.value, node.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Check `error_code = ...` in the class body; remember string attributes of top-level classes."""
        top_level = self.context.scope.defined_at_module_level()
        for statement, name, value in class_assignments(node):
            if name == ERROR_CODE:
                self._check(value, statement)
            elif top_level and isinstance(value, cst.SimpleString):
                self._remember(f"{node.name.value}.{name}", value, statement)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Check the default of an `error_code` parameter of a class's `__init__`: every call that
        does not pass a code raises with it."""
        frames = self.context.scope.frames
        if node.name.value != "__init__" or len(frames) < 2 or not isinstance(frames[-2].node, cst.ClassDef):
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == ERROR_CODE and param.default is not None:
                self._check(param.default)

    def _remember(self, name: str, value: cst.SimpleString, anchor: cst.CSTNode | None = None) -> None:
        text = value.evaluated_value
        if isinstance(text, str):
            statement = anchor or self.context.current_statement
            assert statement is not None
            self._constants[name] = _Constant(value, text, statement)

    def _check(
        self, value: cst.BaseExpression, anchor: cst.CSTNode | None = None, callee: tuple[str, bool] | None = None
    ) -> None:
        if isinstance(value, (cst.Name, cst.Attribute)):
            dotted = dotted_name(value)
            if dotted is not None and dotted != "None" and not self._local(dotted.split(".", 1)[0]):
                self._references.append(_Reference(value, dotted, anchor or self.context.current_statement, callee))
            return
        if not isinstance(value, cst.SimpleString) or "b" in value.prefix.lower():
            return
        text = value.evaluated_value
        if not isinstance(text, str) or SCREAMING_SNAKE.match(text):
            return
        # Judged in the project phase (``decide``), whose fix renames the code in every file
        # holding it; a positional one also waits for its callee to be resolved.
        self._literals.append(_Literal(value, text, anchor or self.context.current_statement, callee))

    def _local(self, name: str) -> bool:
        """Whether a function (not the module) binds ``name`` where the walk is."""
        scope = self.context.scope
        for definition in scope.definitions():
            if isinstance(definition, (cst.FunctionDef, cst.Lambda)):
                bindings = scope.bindings(definition)
                if name in bindings.other or name in bindings.imports:
                    return True
        return False

    def finish(self) -> None:
        """Follow names to their constants; report the constants used here, defer the rest."""
        index = self.index()
        path = self.context.path
        used_here: set[str] = set()
        for literal in self._literals:
            called, imported_callee = literal.callee or (None, False)
            candidate = CodeName(path, literal.text, False, called, imported_callee, literal=True)
            fix = _fix(literal.node, literal.text, rename=True)
            self.judge(literal.node, candidate, anchor=literal.anchor, fix=fix)
        for reference in self._references:
            callee: str | None = None
            imported = False
            reads = Tri.YES
            if reference.callee is not None:
                callee, imported = reference.callee
                reads = index.reads_code_position(path, callee, imported)
            found, symbol, value = index.constant(path, reference.dotted)
            if found is Tri.YES and symbol is not None and symbol.module == path and reads is Tri.YES:
                if value is not None and not SCREAMING_SNAKE.match(value):
                    used_here.add(symbol.name)
            candidate = CodeName(path, reference.dotted, False, callee, imported)
            self.judge(reference.node, candidate, anchor=reference.anchor)
        for name, constant in self._constants.items():
            if SCREAMING_SNAKE.match(constant.text):
                continue
            fix = _fix(constant.value, constant.text)
            if name in used_here:
                self.report(constant.value, BadCodeConstant(name, constant.text), fix=fix, anchor=constant.anchor)
            elif _CONSTANT_NAME.match(name.rsplit(".", 1)[-1]) and _CODE_LIKE.match(constant.text):
                # Only what could be an error code: an UPPER_CASE name holding one word-like token.
                self.judge(constant.value, CodeName(path, name, True), anchor=constant.anchor, fix=fix)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: CodeName) -> Verdict:
        """A use: is the constant's value badly cased. A constant: does some file use it as a code.
        A positional argument: is the callee one whose calls carry a code there."""
        path, name = candidate.path, candidate.name
        reads = Tri.YES
        if candidate.callee is not None:
            reads = index.reads_code_position(path, candidate.callee, candidate.imported)
            if reads is Tri.NO:
                return Verdict(Tri.NO)
        if candidate.literal:
            # A literal code waits for the project phase, whose fix renames it across the project.
            return Verdict(Tri.DEFER if index.partial else reads, BadCode(name))
        if candidate.is_definition:
            if index.partial:
                return Verdict(Tri.DEFER)
            if (path, name) not in index.error_code_constants():
                return Verdict(Tri.NO)
            symbol = index.resolve(path, name)
            value = index.constant_value(symbol) if symbol is not None else None
            return Verdict(Tri.YES, BadCodeConstant(name, value))
        found, symbol, value = index.constant(path, name)
        if found is Tri.YES and value is not None and not SCREAMING_SNAKE.match(value):
            return Verdict(reads, BadCodeUse(name, value))
        return Verdict(Tri.DEFER if found is Tri.DEFER else Tri.NO)


def _fix(value: cst.SimpleString, text: str, *, rename: bool = False) -> FixSpec | None:
    fixed = to_screaming_snake(text)
    if not SCREAMING_SNAKE.match(fixed) or "\\" in value.value:
        return None
    quote = value.quote
    new = cst.SimpleString(f"{value.prefix}{quote}{fixed}{quote}")
    return FixSpec((Replace(value, new),), f"Replace with {fixed!r}", rename=(text, fixed) if rename else None)
