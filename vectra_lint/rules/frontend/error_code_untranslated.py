"""VL706 error-code-untranslated."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.definitions import class_assignments
from vectra_lint.analysis.module_summary import ERROR_CODE, INDEX_ANALYSES, ModuleSummary, string_value
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.diagnostics import shown_root
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.frontend.lookup import TRANSLATIONS, translation_files, translation_globs

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

LITERAL, NAME = "literal", "name"


@dataclass(frozen=True)
class CodeUse:
    """An error code as the walk found it, for the project phase: a literal, or the dotted name of
    a constant (``kind`` is ``LITERAL`` or ``NAME``) in the checked file ``path``."""

    kind: str
    path: str
    text: str


RESPONSE_SUFFIXES = ("Response", "Exception", "Error")
"""Calls building an HTTP response or an error (``JSONResponse``, ``HTTPException(detail={...})``)
whose dicts may carry a code."""
_REPORTED_KEY = "vectra_lint.rules.frontend.error_code_untranslated"
_TRANSLATIONS = {"frontend/src/i18n/errors.en.json": '{\n  "errors": {\n    "USER_NOT_FOUND": "No such user."\n  }\n}'}
_OPTIONS = {"translations": ["frontend/src/i18n/*.json"]}
_LOCAL = (
    "from app.core.exceptions import FunctionalError\n\n\ndef find(known: bool) -> None:\n"
    '    code = "USER_NOT_FOUND" if known else "{code}"\n'
    '    raise FunctionalError("No such user", error_code=code)\n'
)
_RAISE = (
    "from app.core.exceptions import FunctionalError\n\n\ndef find() -> None:\n"
    '    raise FunctionalError("No such user", error_code="{code}")\n'
)


def _code_values(value: cst.BaseExpression | None) -> list[cst.BaseExpression]:
    """What an assigned value may hold as a code: its string literals and the names it is made
    of, through ``or``/``and`` and conditional expressions (``exc.error_code or "INTERNAL_ERROR"``)."""
    if value is None:
        return []
    if isinstance(value, cst.BooleanOperation):
        return [*_code_values(value.left), *_code_values(value.right)]
    if isinstance(value, cst.IfExp):
        return [*_code_values(value.body), *_code_values(value.orelse)]
    if string_value(value) is not None or isinstance(value, (cst.Name, cst.Attribute)):
        return [value]  # a name may be a module constant (`code = ErrorCodes.NOT_FOUND`)
    return []


def _is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith("tests/") or "/tests/" in path or name.startswith("test_") or name == "conftest.py"


def _display(shown: str, relative: str, target: str) -> str:
    """How to show ``target`` (root-relative) given how the file ``relative`` was shown
    (``../core/x.py`` when the command runs in ``app/services``)."""
    return posixpath.normpath(posixpath.join(shown_root(shown, relative), target))


@dataclass(frozen=True)
class UntranslatedMessage(Message):
    """The message with its named parts (``code``, ``where``, ``file``)."""

    code: str
    where: str
    file: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Error code `{self.code}` ({self.where}) has no translation in {self.file} (§4)"


class ErrorCodeUntranslated(Rule):
    """
    ## What it does
    When option `translations` lists the frontend's translation files (globs relative to the
    project root, `../` allowed for a monorepo's `frontend/`), flags each error code the backend
    raises that no translation file contains as a key (at any depth). Error codes are the ones
    VL304 reads: `error_code="..."` keywords, the argument at the error-code position of an
    exception call, `error_code = "..."` class attributes, the default of an exception's
    `__init__` parameter `error_code`, and constants passed by name (followed across modules).
    A bare name inside a function that the function assigns is a local: its string values are
    the codes (`code = "ENTITY_NOT_FOUND"` ... `raise NotFound(error_code=code)`; both sides of
    `exc.error_code or "INTERNAL_ERROR"` and of a conditional expression; a module constant it is
    assigned is followed). The `"error_code"` entry of a dict passed to a response or an
    exception (`JSONResponse(content={"error_code": error_code})`, `HTTPException(404,
    detail={"error_code": "NOT_FOUND"})`, at any depth of the dict) is a code too.
    Translation files are JSON, or TS/JS modules whose object literals hold the keys
    (`export default {...}`, `export const errors = {...}`).

    Each missing code is reported once per translation file, at 1:1 of that file (the file that
    must change), naming the code and where it is raised. Test files are not read.

    ## Why is this bad?
    §4: the error code is what the frontend translates for the user. A code without a
    translation shows the user a raw `EMBEDDING_QUOTA_EXCEEDED`, or nothing at all.

    ## Notes
    Off until `translations` is set. A code is known only where it is raised, so a run that
    passes some files (pre-commit) checks the codes of those files, against all translation
    files. A `# noqa: VL706` on the line that raises a code silences it (for internal codes that
    never reach a user).
    """

    code = "VL706"
    settles_elsewhere = True
    name = "error-code-untranslated"
    message = "An error code has no translation (§4)"
    options = (TRANSLATIONS,)
    analyses = INDEX_ANALYSES
    valid = (
        Valid(
            _RAISE.format(code="USER_NOT_FOUND"), path="app/services/users.py", options=_OPTIONS, files=_TRANSLATIONS
        ),
        Valid(
            _LOCAL.format(code="USER_NOT_FOUND"), path="app/services/users.py", options=_OPTIONS, files=_TRANSLATIONS
        ),
        Valid(_RAISE.format(code="USER_GONE"), path="app/services/users.py"),
        Valid(
            _RAISE.format(code="USER_GONE"),
            path="app/services/users.py",
            options={"translations": ["frontend/src/i18n/*.ts"]},
            files={"frontend/src/i18n/errors.ts": "export default {\n  USER_GONE: 'This user left.',\n};\n"},
        ),
    )
    invalid = (
        Invalid(
            _LOCAL.format(code="USER_GONE"),
            path="app/services/users.py",
            options=_OPTIONS,
            files=_TRANSLATIONS,
            expected=(
                Expect(
                    1,
                    1,
                    "Error code `USER_GONE` (app/services/users.py:6) has no translation in "
                    "frontend/src/i18n/errors.en.json (§4)",
                ),
            ),
        ),
        Invalid(
            _RAISE.format(code="USER_GONE"),
            path="app/services/users.py",
            options=_OPTIONS,
            files=_TRANSLATIONS,
            expected=(
                Expect(
                    1,
                    1,
                    "Error code `USER_GONE` (app/services/users.py:5) has no translation in "
                    "frontend/src/i18n/errors.en.json (§4)",
                ),
            ),
        ),
        Invalid(
            "class GoneError(Exception):\n    error_code = 'USER_GONE'\n",
            path="app/core/errors.py",
            options=_OPTIONS,
            files=_TRANSLATIONS,
            expected=(
                Expect(
                    1,
                    1,
                    "Error code `USER_GONE` (app/core/errors.py:2) has no translation in "
                    "frontend/src/i18n/errors.en.json (§4)",
                ),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Off without translation globs, and in test files."""
        super().__init__(context)
        self._active = bool(translation_globs(context.settings)) and not _is_test_file(context.path)
        self._summary = context.analysis(ModuleSummary) if self._active else None
        self._locals: dict[tuple[int, str], list[cst.BaseExpression]] = {}
        """(function, local name) -> the values that may be a code it is assigned (strings, names)."""
        self._local_uses: list[tuple[int, cst.Name, cst.CSTNode | None]] = []
        """Bare names used as codes inside functions: (function, the name, its statement)."""

    def applies(self) -> bool:
        """Only when translation files are configured, and not in tests; other files are left out of the walk."""
        return self._active

    def _candidate(self, value: cst.BaseExpression, anchor: cst.CSTNode | None = None) -> None:
        text = string_value(value)
        if text is not None:
            self.report(value, pending=CodeUse(LITERAL, self.context.path, text), anchor=anchor)
            return
        function = self.context.scope.function()
        if type(value) is cst.Name and function is not None:
            # Maybe a local: known only once the whole function is walked (an assignment may follow
            # in a loop), so settled in `finish`.
            statement = anchor if anchor is not None else self.context.current_statement
            self._local_uses.append((id(function), value, statement))
            return
        self._name_candidate(value, anchor)

    def _name_candidate(
        self, value: cst.BaseExpression, anchor: cst.CSTNode | None, at: cst.CSTNode | None = None
    ) -> None:
        dotted = dotted_name(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
        if dotted is not None and dotted != "None":
            self.report(value if at is None else at, pending=CodeUse(NAME, self.context.path, dotted), anchor=anchor)

    def visit_Call(self, node: cst.Call) -> None:
        """An error code passed to a call (keyword, or the exception's code position), or the
        ``"error_code"`` entry of a dict given to a response or exception (``JSONResponse(content={...})``)."""
        if self._summary is not None and node.args:
            for value in self._summary.code_arguments(node):
                self._candidate(value)
            callee = dotted_name(node.func)
            if callee is not None and callee.endswith(RESPONSE_SUFFIXES):
                for arg in node.args:
                    self._response_codes(arg.value)

    def _response_codes(self, value: cst.BaseExpression) -> None:
        if type(value) is not cst.Dict:
            return
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                if string_value(element.key) == ERROR_CODE:
                    self._candidate(element.value)
                else:
                    self._response_codes(element.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """Remember what a function's local names are assigned (for codes passed by a local)."""
        function = self.context.scope.function()
        if function is None:
            return
        for target in node.targets:
            self._assigned(id(function), target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Like ``visit_Assign``, for ``code: str = "..."``."""
        function = self.context.scope.function()
        if function is not None and node.value is not None:
            self._assigned(id(function), node.target, node.value)

    def _assigned(self, function: int, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if type(target) is cst.Name:
            self._locals.setdefault((function, target.value), []).extend(_code_values(value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(function, element.value, None)

    def finish(self) -> None:
        """Settle the names used as codes in functions: a local's string values, else a module constant."""
        for function, name, statement in self._local_uses:
            values = self._locals.get((function, name.value))
            if values is None:
                self._name_candidate(name, statement)
                continue
            for value in values:
                text = string_value(value)
                if text is not None:
                    self.report(name, pending=CodeUse(LITERAL, self.context.path, text), anchor=statement)
                elif not (type(value) is cst.Name and (function, value.value) in self._locals):
                    # Reported at the use: where the code reaches the error, and where a noqa goes.
                    self._name_candidate(value, statement, at=name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """``error_code = "..."`` in a class body."""
        for statement, name, value in class_assignments(node):
            if name == ERROR_CODE:
                self._candidate(value, statement)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """The default of an ``error_code`` parameter of ``__init__``."""
        if node.name.value != "__init__":
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == ERROR_CODE and param.default is not None:
                self._candidate(param.default)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Report each untranslated code once per translation file, at that file."""
        files = translation_files(project)
        if not files:
            return []
        index = ProjectIndex.of(project)
        reported = project.cache.setdefault(_REPORTED_KEY, set())
        found: list[Diagnostic] = []
        for diagnostic in diagnostics:
            payload = diagnostic.pending
            if not isinstance(payload, CodeUse):
                continue
            kind, path, text = payload.kind, payload.path, payload.text
            code: str | None = text
            if kind == NAME:
                known, _symbol, code = index.constant(path, text)
                if known is not Tri.YES:
                    code = None
            if not code or any(code in keys for keys in files.values()):
                continue
            where = f"{path}:{diagnostic.line}"
            for file in files:
                if (code, file) in reported:
                    continue
                reported.add((code, file))
                message = UntranslatedMessage(code=code, where=where, file=file)
                shown = _display(diagnostic.path, path, file)
                found.append(
                    replace(
                        diagnostic,
                        path=shown,
                        line=1,
                        column=1,
                        end_line=1,
                        end_column=1,
                        message=str(message),
                        pending=None,
                        noqa_lines=(),
                    )
                )
        return found
