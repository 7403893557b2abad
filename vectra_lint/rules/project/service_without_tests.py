"""VL705 service-without-tests."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.definitions import is_stub, node_at_start
from vectra_lint.analysis.module_names import module_names
from vectra_lint.analysis.module_summary import INDEX_ANALYSES, ModuleSummary, summary_facts
from vectra_lint.analysis.test_files import (
    DEFAULT_TEST_FOLDERS,
    absolute_targets,
    disk_import_targets,
    imports_module,
    is_test_module,
    python_files_in,
)
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

TESTS = StringsOption(
    "tests", DEFAULT_TEST_FOLDERS, "Folders, relative to the project root, that hold the test modules."
)
_ORDERS = (
    "Service module `order_service` has no test module: nothing under `tests/` imports "
    "`app.services.order_service` (§14)"
)
_SERVICE = (
    '"""Orders: placing and cancelling them."""\n\n\nclass OrderService:\n'
    "    def place(self, quantity: int) -> int:\n        return max(quantity, 1)\n"
)


@dataclass(frozen=True)
class ServiceMessage(Message):
    """The message with its named parts (``module``, ``tests``, ``dotted``)."""

    module: str
    tests: str
    dotted: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"Service module `{self.module}` has no test module: "
            f"nothing under `{self.tests}/` imports `{self.dotted}` (§14)"
        )


@dataclass(frozen=True)
class ServiceModule:
    """A service module, for the project phase to look for its tests: the dotted names it may be
    imported by, and the configured test folders."""

    names: tuple[str, ...]
    folders: tuple[str, ...]


class ServiceWithoutTests(Rule):
    """
    ## What it does
    Flags a module of the `services` layer that no test module imports. A test module is any
    `.py` file under the project's tests folders (`tests/` at the project root, the `tests`
    option), at any depth and under any name (`conftest.py` and `__init__.py` excepted), that
    imports the service module itself, anywhere in the file: `from app.services import
    user_service`, `from app.services.user_service import UserService`, `import
    app.services.user_service as users` (relative imports are made absolute). A test named like
    the service (`tests/api/test_user_service.py`) that imports only another module does not
    count: it tests that other module. Packages' `__init__.py` files and empty modules need no
    tests of their own, nor does a module with nothing to run: no function or method with a body
    of its own (constants, Pydantic or data classes, protocols, abstract methods whose bodies are
    a docstring, `...`, `pass` or `raise NotImplementedError`). The report is at 1:1 of the
    service module.

    ## Why is this bad?
    §14: every service comes with its pytest file ("zero-trust coding"). A service without one
    has nothing that fails when its logic breaks, and no place to write the failing test that a
    bug fix must start from.

    ## Notes
    This is a whole-project check that reads the file system: the tests folders are looked up on
    disk, not among the files passed to `vectra-lint`, so it gives the same answer when
    pre-commit passes only some files (a changed service is checked against every test file
    present). A checked test module is known by its module summary; one that is not checked is
    read from disk for its imports only. Only direct imports of the service module count: a name
    re-exported by a package (`from app.services import UserService`) does not say which module
    it comes from without reading that package. A service is reported only when it is itself
    checked.
    """

    code = "VL705"
    name = "service-without-tests"
    message = "A service module has no test module (§14)"
    options = (TESTS,)
    analyses = INDEX_ANALYSES
    valid = (
        # First: the documentation shows it as the fix (the service, and a test module importing it).
        Valid(
            _SERVICE,
            path="app/services/order_service.py",
            files={
                "tests/unit/test_checkout.py": "from app.services.order_service import OrderService\n\n\n"
                "def test_an_order_service_starts_empty() -> None:\n    assert OrderService()\n"
            },
        ),
        Valid("from app.services.users import UserService\n", path="app/services/__init__.py"),
        Valid('"""Not a service."""\n', path="app/utils/text.py"),
        Valid("\n", path="app/services/placeholder.py"),
        Valid(
            "from typing import Protocol\n\n\nclass Cache(Protocol):\n    def get(self, key: str) -> bytes: ...\n\n\n"
            'LIMIT = 10\n\n\nclass Entry(BaseModel):\n    """An entry."""\n\n    key: str\n',
            path="app/services/cache/schema.py",
        ),
        Valid(
            _SERVICE,
            path="app/services/order_service.py",
            files={"tests/test_orders.py": "def test_place() -> None:\n    from app.services import order_service\n"},
        ),
    )
    invalid = (
        Invalid(
            _SERVICE,
            path="app/services/order_service.py",
            expected=(
                Expect(
                    1, 1, ServiceMessage(module="order_service", tests="tests", dotted="app.services.order_service")
                ),
            ),
        ),
        Invalid(
            _SERVICE,
            path="app/services/order_service.py",
            files={"tests/api/test_order_service.py": "from app.api.order_service import router\n"},
            expected=(
                Expect(
                    1, 1, ServiceMessage(module="order_service", tests="tests", dotted="app.services.order_service")
                ),
            ),
        ),
        Invalid(
            "def rank(scores: list[int]) -> list[int]:\n    return sorted(scores)\n",
            path="app/services/search/ranking.py",
            options={"tests": ["qa"]},
            expected=(
                Expect(
                    1,
                    1,
                    "Service module `ranking` has no test module: nothing under `qa/` imports "
                    "`app.services.search.ranking` (§14)",
                ),
            ),
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        """Report the module, pending, when it is a service with content: the project phase looks for its tests."""
        context = self.context
        if not context.in_layer("services") or not context.source.strip() or not _runs_code(node.body):
            return
        filename = context.path.rsplit("/", 1)[-1]
        if not filename.endswith(".py") or filename == "__init__.py":
            return
        module = filename[: -len(".py")]
        folders = tuple(self.option(TESTS))
        names = module_names(context.path, context.settings.root) or (module,)
        start = node_at_start(node)
        shown = folders[0] if len(folders) == 1 else "{" + ",".join(folders) + "}"
        message = ServiceMessage(module=module, tests=shown, dotted=names[0])
        self.report(start, message, anchor=start, length=0, pending=ServiceModule(tuple(names), folders))

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep the services that no test module imports (checked test modules by their facts,
        the others read from disk, each once)."""
        services = [
            (diagnostic, payload.names, payload.folders)
            for diagnostic in diagnostics
            if isinstance(payload := diagnostic.pending, ServiceModule)
        ]
        stems = {name.rsplit(".", 1)[-1] for _, names, _ in services for name in names}
        imported: dict[tuple[str, ...], set[str]] = {}
        kept: list[Diagnostic] = []
        for diagnostic, names, folders in services:
            if folders not in imported:
                imported[folders] = _imported_by_tests(project, folders, stems)
            if not imports_module(imported[folders], names):
                kept.append(replace(diagnostic, pending=None))
        return kept


def _runs_code(statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> bool:
    """Whether a function or method among ``statements`` (in classes and blocks too) has a body of
    its own: something a test could run."""
    for statement in statements:
        if isinstance(statement, cst.FunctionDef):
            if not is_stub(statement):
                return True
        elif isinstance(statement, (cst.ClassDef, cst.If, cst.Try, cst.TryStar, cst.With)):
            # A class body, `if TYPE_CHECKING:`, `try:` ... `except ImportError:`.
            if any(_runs_code(block.body) for block in _blocks(statement)):
                return True
    return False


def _blocks(statement: cst.ClassDef | cst.If | cst.Try | cst.TryStar | cst.With) -> list[cst.BaseSuite]:
    """The blocks of ``statement``: its body, `elif`/`else`, handlers, `finally`."""
    found = [statement.body]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        found += [handler.body for handler in statement.handlers]
        found += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
    elif isinstance(statement, cst.If):
        orelse = statement.orelse
        while orelse is not None:
            found.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    return found


def _imported_by_tests(project: Project, folders: tuple[str, ...], stems: set[str]) -> set[str]:
    """What the test modules under ``folders`` import (absolute dotted targets); of those read
    from disk, only the ones whose text holds one of ``stems`` (the others cannot import them)."""
    summaries = {path: summary_facts(facts) for path, facts in project.facts_of(ModuleSummary).items()}
    root = project.settings.root
    targets: set[str] = set()
    for path, facts in summaries.items():
        if is_test_module(path, folders):
            targets |= absolute_targets(facts["import_targets"], facts["names"], facts["package"])
    for path in python_files_in(root, folders):
        if path in summaries or not is_test_module(path, folders):
            continue
        found = disk_import_targets(os.path.join(root, path), stems)
        if found is not None:
            targets |= absolute_targets(found, module_names(path, root), path.endswith("/__init__.py"))
    return targets
