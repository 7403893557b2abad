"""VL706 error-code-untranslated."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.definitions import class_assignments
from vectra_lint.analysis.module_summary import ERROR_CODE, INDEX_ANALYSES, ModuleSummary, string_value
from vectra_lint.analysis.project_index import ProjectIndex, Tri
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.frontend.lookup import TRANSLATIONS, translation_files, translation_globs
from vectra_lint.rule import Expect, Invalid, Rule, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic

LITERAL, NAME = "literal", "name"
_REPORTED_KEY = "vectra_lint.rules.frontend.error_code_untranslated"
_TRANSLATIONS = {"frontend/src/i18n/errors.en.json": '{\n  "errors": {\n    "USER_NOT_FOUND": "No such user."\n  }\n}'}
_OPTIONS = {"translations": ["frontend/src/i18n/*.json"]}
_RAISE = (
    "from app.core.exceptions import FunctionalError\n\n\ndef find() -> None:\n"
    '    raise FunctionalError("No such user", error_code="{code}")\n'
)


def _is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith("tests/") or "/tests/" in path or name.startswith("test_") or name == "conftest.py"


def _display(shown: str, relative: str, target: str) -> str:
    """How to show ``target`` (root-relative) given how the file ``relative`` was shown: the root
    is as many folders above ``shown`` as ``relative`` is deep (``../core/x.py`` when the command
    runs in ``app/services``)."""
    root = posixpath.join(shown, *[".."] * len(relative.split("/")))
    return posixpath.normpath(posixpath.join(posixpath.normpath(root), target))


class ErrorCodeUntranslated(Rule):
    """
    ## What it does
    When option `translations` lists the frontend's translation files (globs relative to the
    project root, `../` allowed for a monorepo's `frontend/`), flags each error code the backend
    raises that no translation file contains as a key (at any depth). Error codes are the ones
    VL304 reads: `error_code="..."` keywords, the argument at the error-code position of an
    exception call, `error_code = "..."` class attributes, the default of an exception's
    `__init__` parameter `error_code`, and constants passed by name (followed across modules).
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
    name = "error-code-untranslated"
    message = "Error code `{code}` ({where}) has no translation in {file} (§4)"
    options = (TRANSLATIONS,)
    analyses = INDEX_ANALYSES
    valid = (
        Valid(
            _RAISE.format(code="USER_NOT_FOUND"), path="app/services/users.py", options=_OPTIONS, files=_TRANSLATIONS
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

    def applies(self) -> bool:
        """Only when translation files are configured, and not in tests; other files are left out of the walk."""
        return self._active

    def _candidate(self, value: cst.BaseExpression, anchor: cst.CSTNode | None = None) -> None:
        text = string_value(value)
        if text is not None:
            self.report(value, pending=(LITERAL, self.context.path, text), anchor=anchor)
            return
        dotted = dotted_name(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
        if dotted is not None and dotted != "None":
            self.report(value, pending=(NAME, self.context.path, dotted), anchor=anchor)

    def visit_Call(self, node: cst.Call) -> None:
        """An error code passed to a call (keyword, or the exception's code position)."""
        if self._summary is not None and node.args:
            for value in self._summary.code_arguments(node):
                self._candidate(value)

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
            if not isinstance(payload, tuple):
                continue
            kind, path, text = payload
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
                message = cls.message.format(code=code, where=where, file=file)
                shown = _display(diagnostic.path, path, file)
                found.append(
                    replace(
                        diagnostic,
                        path=shown,
                        line=1,
                        column=1,
                        end_line=1,
                        end_column=1,
                        message=message,
                        pending=None,
                        noqa_lines=(),
                    )
                )
        return found
