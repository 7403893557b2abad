"""VL608 unused-module."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from vectra_lint.analysis.definitions import node_at_start, path_matches
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind
from vectra_lint.analysis.project_words import ProjectWords, WordIndex
from vectra_lint.api import Analysis, Expect, GlobsOption, Invalid, Message, Rule, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

ENTRY_POINTS = GlobsOption(
    "entry-points",
    (
        "main.py",
        "**/main.py",
        "**/__main__.py",
        "worker.py",
        "manage.py",
        "conftest.py",
        "tests/**",
        "scripts/**",
        "alembic/**",
        "migrations/**",
        # The same folders deeper in the tree (a package's own tests, a Django app's migrations),
        # examples, and what a framework loads by its file name.
        "**/tests/**",
        "**/test_*.py",
        "**/*_test.py",
        "**/migrations/**",
        "**/alembic/**",
        "**/examples/**",
        "**/management/commands/*.py",
    ),
    "Modules that are run, not imported (gitignore-style globs relative to the project root).",
)
WALKED_KEY = "vectra_lint.rules.documentation.unused_module.walked"
MAIN = '"""Entry point."""\n\nfrom app.services import billing\n\nbilling.run()\n'


@lru_cache(maxsize=4096)
def _is_package(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "__init__.py"))


@dataclass(frozen=True)
class UnusedModuleCandidate:
    """A module that may be imported by no other: its path and the name an import would use."""

    path: str
    name: str


@dataclass(frozen=True)
class UnusedModuleMessage(Message):
    """Names the module."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Module `{self.name}` is imported by no other module and is no entry point; remove it (§13)"


class UnusedModule(Rule):
    """
    ## What it does
    Flags a module of the project that no other module imports: its name occurs in no other
    file (an `import`, a `from . import name`, an `importlib.import_module("app.name")` string, a
    dotted path in settings) and it is no entry point: not matched by the `entry-points` option
    (`main.py`, `__main__.py`, `manage.py`, `conftest.py`, `tests/**`, `scripts/**`,
    `alembic/**`, `migrations/**` ...), and with no `if __name__ == "__main__":` block. Only the
    modules of a package are judged (a folder with an `__init__.py`, or a namespace folder right
    inside one): a module at the top or deeper in plain folders is run or loaded by its path (a
    plugins folder). Packages' `__init__.py` files are not reported. Reported at line 1.

    ## Why is this bad?
    §13: "Remove unused code ... unused files." A module nothing imports is dead weight: it is
    linted, type-checked and migrated, and a reader cannot tell it is not part of the app.

    ## Notes
    Off by default: select it by its code. A whole-project check, decided only when the run covers
    the project root (on a partial run the importer may be a file that was not checked). A module
    counts as imported when its name occurs anywhere in another file (precision first: `utils` is
    never reported). `pyproject.toml`, `setup.cfg` and `setup.py` count too.
    """

    code = "VL608"
    # Opt-in: whether a name is used is judged by its mentions across the project, which a library
    # (its users are elsewhere) or a framework's name-based loading defeats; select it by code.
    default_enabled = False
    name = "unused-module"
    message = "A module is imported by no other module (§13)"
    options = (ENTRY_POINTS,)
    analyses: ClassVar[tuple[type[Analysis], ...]] = (*INDEX_ANALYSES, ProjectWords)
    valid = (
        Valid(
            '"""Billing."""\n\n\ndef run() -> None:\n    pass\n',
            path="app/services/billing.py",
            files={"main.py": MAIN},
        ),
        Valid(
            '"""A tool."""\n\n\ndef run() -> None:\n    pass\n\n\nif __name__ == "__main__":\n    run()\n',
            path="app/tools/reindex.py",
            files={"main.py": MAIN, "app/__init__.py": "", "app/tools/__init__.py": ""},
        ),
    )
    invalid = (
        Invalid(
            '"""Old billing."""\n\n\ndef run() -> None:\n    pass\n',
            path="app/services/billing_v1.py",
            files={
                "main.py": MAIN,
                "app/__init__.py": "",
                "app/services/__init__.py": "",
                "app/services/billing.py": '"""Billing."""\n\n\ndef run() -> None:\n    pass\n',
            },
            expected=(Expect(1, 1, UnusedModuleMessage("app.services.billing_v1")),),
        ),
    )

    def applies(self) -> bool:
        """Modules that are neither packages nor entry points."""
        path = self.context.path
        if not path.endswith(".py") or path.endswith("__init__.py"):
            return False
        if "__main__" in self.context.source:
            return False  # a script's `if __name__ == "__main__":` guard
        if path_matches(path, self.option(ENTRY_POINTS)):
            return False
        # Only a package's modules are imported by name: a folder with an `__init__.py`, or a
        # namespace folder right inside one (`cat/looking_glass/`). A module at the top or deeper
        # in plain folders is run or loaded by its path, as a framework loads a plugins folder.
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        if not folder:
            return False
        root = self.context.settings.root
        parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
        return _is_package(str(root / folder)) or (bool(parent) and _is_package(str(root / parent)))

    def visit_Module(self, node: cst.Module) -> None:
        """Report the module, pending the project phase."""
        path = self.context.path
        stem = path.rsplit("/", 1)[-1][: -len(".py")]
        start = node_at_start(node)
        dotted = path[: -len(".py")].replace("/", ".")
        candidate = UnusedModuleCandidate(path, stem)
        self.report(start, UnusedModuleMessage(dotted), anchor=start, length=0, pending=candidate)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep the modules whose name no other file mentions, when the run covers the whole project."""
        if not project.settings.whole_project:
            return []
        words = WordIndex.of(project)
        walked = _walked_folders(project, words)
        kept: list[Diagnostic] = []
        for diagnostic in diagnostics:
            candidate = diagnostic.pending
            if not isinstance(candidate, UnusedModuleCandidate) or words.used_elsewhere(candidate.name, candidate.path):
                continue
            if any(candidate.path.startswith(folder) for folder in walked):
                continue  # imported by a walk of its package (`pkgutil.walk_packages(pkg.__path__)`)
            kept.append(replace(diagnostic, pending=None))
        return kept


def _walked_folders(project: Project, words: WordIndex) -> tuple[str, ...]:
    """The folders (``pkg/``) of the packages whose ``__path__`` some file walks."""
    cached = project.cache.get(WALKED_KEY)
    if isinstance(cached, tuple):
        return cached
    project.cache[WALKED_KEY] = ()
    if not words.walked:
        return ()
    index = ProjectIndex.of(project)
    folders: list[str] = []
    for path, names in words.walked.items():
        for name in names:
            symbol = index.resolve(path, name) if path in index.modules else None
            if symbol is not None and symbol.kind is SymbolKind.MODULE and symbol.module.endswith("__init__.py"):
                folders.append(symbol.module[: -len("__init__.py")])
    project.cache[WALKED_KEY] = tuple(folders)
    return tuple(folders)
