"""VL607 unused-definition."""

from __future__ import annotations

import fnmatch
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from vectra_lint.analysis.definitions import path_matches
from vectra_lint.analysis.module_summary import INDEX_ANALYSES, base_name
from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind
from vectra_lint.analysis.project_words import ProjectWords, WordIndex
from vectra_lint.api import Analysis, Expect, GlobsOption, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

KEEP = StringsOption(
    "keep",
    ("pytest_*",),
    "Names (shell patterns: `handle_*`) used by definition, e.g. called by a framework by name (pytest's hooks).",
)
TESTS = GlobsOption(
    "tests",
    ("tests/**", "**/tests/**", "test_*.py", "*_test.py", "conftest.py"),
    "Test files: their definitions are used by the test runner (their uses of other code still count).",
)
HELPERS = '"""Helpers."""\n\n\ndef used() -> int:\n    return 1\n\n\ndef _orphan() -> int:\n    return 2\n'
CALLER = '"""Caller."""\n\nfrom app.helpers import used\n\nVALUE = used()\n'


@dataclass(frozen=True)
class UnusedCandidate:
    """A definition its own file does not use: what the project phase needs to judge it."""

    path: str
    name: str
    qualname: str
    bases: tuple[str, ...] = ()
    """The bases as written of the class, or of a method's class (an override of a base's method
    is used; so is a subclass of a class the project finds subclasses of by reflection)."""
    method: bool = False


@dataclass(frozen=True)
class UnusedDefinitionMessage(Message):
    """Names the definition and its kind."""

    kind: str
    qualname: str

    def __str__(self) -> str:
        """The text users see."""
        return f"{self.kind} `{self.qualname}` is never used in the project; remove it (§13)"


class UnusedDefinition(Rule):
    """
    ## What it does
    Flags a module-level function or class, or a method of a module-level class, whose name
    occurs nowhere else in the project: not called, not imported, not read as an attribute, not in
    `__all__`, not in a string (`getattr(obj, "name")`, a dotted path in settings), not even in a
    comment. Reported at the name.

    Used by definition, and never reported: decorated definitions (routes, tasks, validators,
    fixtures, properties, overloads), dunders, methods that may override a base class's (any
    base outside the project, or a project base defining the same name), protocol members,
    everything in test files (the `tests` option), what a package's `__init__.py` defines (its
    interface), and the names of the `keep` option (pytest's `pytest_*` hooks by default).

    ## Why is this bad?
    §13: "Remove unused code." Dead functions are read, kept compiling, migrated and reviewed
    for nothing, and they mislead: a reader assumes what is defined is used somewhere.

    ## Notes
    Off by default: select it by its code. A whole-project check, decided once every file is read,
    and only when the run covers the project root: on a partial run (pre-commit on a few files) a
    use may sit in a file that was not checked, and an absence cannot be judged. A name counts as
    used wherever it occurs, so two definitions with one name keep each other (precision first).
    `pyproject.toml`, `setup.cfg` and `setup.py` count too (console scripts name their functions
    there).
    """

    code = "VL607"
    # Opt-in: whether a name is used is judged by its mentions across the project, which a library
    # (its users are elsewhere) or a framework's name-based loading defeats; select it by code.
    default_enabled = False
    name = "unused-definition"
    message = "A definition is never used in the project (§13)"
    options = (KEEP, TESTS)
    analyses: ClassVar[tuple[type[Analysis], ...]] = (*INDEX_ANALYSES, ProjectWords)
    valid = (
        Valid(
            '"""Routes."""\n\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n'
            '@router.get("/health")\ndef health() -> dict[str, str]:\n    return {"status": "ok"}\n\n\n'
            "class Handler(BaseHandler):\n    def handle(self) -> None:\n        pass\n\n"
            "    def __repr__(self) -> str:\n        return 'Handler'\n",
            path="app/api/health.py",
            files={"app/helpers.py": HELPERS.replace("_orphan", "used_too"), "app/main.py": CALLER + "used_too()\n"},
        ),
    )
    invalid = (
        Invalid(
            '"""Service."""\n\n\ndef compute() -> int:\n    return 1\n\n\n'
            "class Report:\n    def render(self) -> str:\n        return 'r'\n\n    def archive(self) -> None:\n"
            "        pass\n",
            path="app/services/report.py",
            files={"app/main.py": '"""Main."""\n\nfrom app.services.report import Report\n\nReport().render()\n'},
            expected=(
                Expect(4, 5, UnusedDefinitionMessage("Function", "compute")),
                Expect(12, 9, UnusedDefinitionMessage("Method", "Report.archive")),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start collecting the file's definitions."""
        super().__init__(context)
        self._classes: dict[int, tuple[str, tuple[str, ...]]] = {}
        self._found: list[tuple[cst.FunctionDef | cst.ClassDef, str, tuple[str, ...], cst.CSTNode | None]] = []

    def applies(self) -> bool:
        """Not in test files, whose definitions the test runner uses, nor in a package's
        ``__init__.py``, whose definitions are the package's interface."""
        path = self.context.path
        return not path.endswith("__init__.py") and not path_matches(path, self.option(TESTS))

    def _exempt(self, node: cst.FunctionDef | cst.ClassDef) -> bool:
        name = node.name.value
        if node.decorators or (name.startswith("__") and name.endswith("__")):
            return True
        if name.startswith(("test_", "Test")):
            return True
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.option(KEEP))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """A module-level class (nested ones, a `Meta` or a `Config`, belong to their framework)."""
        if not self.context.scope.defined_at_module_level():
            return
        # A base that is not a plain name (`declarative_base()`) is unknown: "?" resolves to nothing.
        bases = tuple(base_name(arg.value) or "?" for arg in node.bases if arg.keyword is None)
        self._classes[id(node)] = (node.name.value, bases)
        if not self._exempt(node):
            self._found.append((node, node.name.value, bases, self.context.current_statement))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """A module-level function, or a method of a module-level class."""
        scope = self.context.scope
        if scope.defined_at_module_level():
            if not self._exempt(node):
                self._found.append((node, node.name.value, (), self.context.current_statement))
            return
        owner = scope.enclosing_definition()
        known = self._classes.get(id(owner)) if owner is not None else None
        if known is None or self._exempt(node):
            return
        class_name, bases = known
        if any(base.rsplit(".", 1)[-1] in ("Protocol", "ABC") for base in bases):
            return  # a protocol's or an interface's members are used through their implementations
        self._found.append((node, f"{class_name}.{node.name.value}", bases, self.context.current_statement))

    def finish(self) -> None:
        """Report, pending the project phase, what the file itself does not use."""
        counts = self.context.analysis(ProjectWords).counts
        defined: dict[str, int] = {}
        for node, _, _, _ in self._found:
            defined[node.name.value] = defined.get(node.name.value, 0) + 1
        for node, qualname, bases, anchor in self._found:
            name = node.name.value
            if counts[name] > defined[name]:
                continue  # used in its own file
            kind = "Class" if isinstance(node, cst.ClassDef) else ("Method" if "." in qualname else "Function")
            candidate = UnusedCandidate(self.context.path, name, qualname, bases, kind == "Method")
            self.report(node.name, UnusedDefinitionMessage(kind, qualname), anchor=anchor, pending=candidate)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep what no other file names, when the run covers the whole project."""
        if not project.settings.whole_project:
            return []
        words = WordIndex.of(project)
        index = ProjectIndex.of(project)
        # A method name several classes define is an interface: an unused base method is what
        # its overrides implement.
        methods = Counter(
            qualname.split(".", 1)[1]
            for facts in index.modules.values()
            for qualname in facts["functions"]
            if "." in qualname
        )
        kept: list[tuple[Diagnostic, UnusedCandidate]] = []
        for diagnostic in diagnostics:
            candidate = diagnostic.pending
            if not isinstance(candidate, UnusedCandidate) or words.used_elsewhere(candidate.name, candidate.path):
                continue
            if words.made_at_run_time(candidate.name):
                continue
            if candidate.method and (
                methods[candidate.name] > 1
                or _may_override(index, candidate.path, candidate.bases, candidate.name, set())
            ):
                continue
            if words.discovered and _discovered(index, candidate.path, candidate.bases, words.discovered, set()):
                continue
            kept.append((diagnostic, candidate))
        # The methods of an unused class go with it: one finding, at the class.
        classes = {(c.path, c.qualname) for _, c in kept if not c.method}
        return [
            replace(d, pending=None)
            for d, c in kept
            if not c.method or (c.path, c.qualname.split(".", 1)[0]) not in classes
        ]


def _may_override(index: ProjectIndex, path: str, bases: tuple[str, ...], name: str, seen: set[str]) -> bool:
    """Whether a method ``name`` of a class with these bases may override a base's: a base outside
    the project (or not followed) may define anything; a project base, if it or its bases do."""
    for base in bases:
        if base in ("object", "builtins.object"):
            continue
        symbol = index.resolve(path, base)
        if symbol is None or symbol.kind is not SymbolKind.CLASS:
            return True
        key = f"{symbol.module}:{symbol.name}"
        if key in seen:
            continue
        seen.add(key)
        facts = index.modules[symbol.module]
        if f"{symbol.name}.{name}" in facts["functions"]:
            return True
        if _may_override(index, symbol.module, facts["classes"][symbol.name]["bases"], name, seen):
            return True
    return False


def _discovered(index: ProjectIndex, path: str, bases: tuple[str, ...], wanted: set[str], seen: set[str]) -> bool:
    """Whether a class with these bases descends from one the project finds subclasses of."""
    for base in bases:
        if base.rsplit(".", 1)[-1] in wanted:
            return True
        symbol = index.resolve(path, base)
        if symbol is None or symbol.kind is not SymbolKind.CLASS:
            continue
        key = f"{symbol.module}:{symbol.name}"
        if key in seen:
            continue
        seen.add(key)
        if symbol.name in wanted:
            return True
        if _discovered(
            index, symbol.module, index.modules[symbol.module]["classes"][symbol.name]["bases"], wanted, seen
        ):
            return True
    return False
