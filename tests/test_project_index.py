"""The module summaries and the project index built from them: names, hierarchy, constants, chains."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import write_project
from vectra_lint import registry
from vectra_lint.analysis.module_names import ProjectModules, module_names
from vectra_lint.analysis.module_summary import ModuleSummary, summary_facts
from vectra_lint.analysis.project import Project
from vectra_lint.analysis.project_index import ProjectIndex, Symbol, SymbolKind, Tri
from vectra_lint.config.settings import Names, Settings
from vectra_lint.engine.lint import lint_text

EXCEPTIONS = """
    class VectraException(Exception):
        pass


    class FunctionalError(VectraException):
        pass


    class TechnicalError(VectraException):
        error_code = "INTERNAL_ERROR"


    class NotFound(FunctionalError):
        pass
"""


def settings(root: Path, **names: str) -> Settings:
    """Settings with the index rules on, rooted at ``root``."""
    enabled = registry.enabled_codes(("VL207", "VL303"), (), ())
    return Settings(root=root, enabled=enabled, rules=registry.rules_for(enabled), names=Names(**names))


def build(root: Path, files: dict[str, str], checked: list[str] | None = None, **names: str) -> ProjectIndex:
    """Write the project, lint the ``checked`` files (all by default) and index their facts."""
    write_project(root, files)
    config = settings(root, **names)
    facts: dict[str, dict[str, object]] = {}
    for name in checked if checked is not None else list(files):
        result = lint_text(name, name, (root / name).read_text(encoding="utf-8"), config)
        facts[name] = result.facts
    return ProjectIndex.of(Project(config, facts))


def file_index(root: Path, files: dict[str, str], name: str) -> ProjectIndex:
    """The index of one file alone, as its worker sees it."""
    write_project(root, files)
    config = settings(root)
    result = lint_text(name, name, (root / name).read_text(encoding="utf-8"), config)
    return ProjectIndex.for_file(name, summary_facts(result.facts[ModuleSummary.facts_key()]), config)


# Module names.
def test_module_names_follow_packages_and_src_layouts(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/db.py": "",
            "src/pkg/__init__.py": "",
            "src/pkg/mod.py": "",
            "vendor/django-5/django/__init__.py": "",
            "vendor/django-5/django/db/__init__.py": "",
            "scripts/run.py": "",
        },
    )
    assert module_names("app/core/db.py", tmp_path) == ("app.core.db",)
    assert module_names("app/core/__init__.py", tmp_path) == ("app.core",)
    assert module_names("src/pkg/mod.py", tmp_path) == ("pkg.mod",)
    assert module_names("vendor/django-5/django/db/__init__.py", tmp_path) == ("django.db",)
    # Not in a package: importable from the root (a namespace package), never by its bare stem.
    assert module_names("scripts/run.py", tmp_path) == ("scripts.run",)


def test_project_modules_are_found_on_disk_libraries_are_not(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "src/lib/__init__.py": "", "tool.py": ""})
    modules = ProjectModules(tmp_path)
    assert modules.is_project("app.core.exceptions")
    assert modules.is_project("lib.x")
    assert modules.is_project("tool")
    assert not modules.is_project("fastapi.exceptions")
    assert not modules.is_project("os.path")


# Name resolution.
def test_resolves_aliases_relative_imports_and_reexports(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "from .exceptions import NotFound\nfrom .exceptions import *\n",
            "app/core/exceptions.py": EXCEPTIONS,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.core.exceptions import FunctionalError as FE
                from ..core import exceptions
                from ..core import NotFound, TechnicalError
                from app import core
                import app.core.exceptions

                Alias = FE
            """,
        },
    )
    users = "app/services/users.py"
    exceptions = "app/core/exceptions.py"
    assert index.resolve(users, "FE") == Symbol(SymbolKind.CLASS, exceptions, "FunctionalError")
    assert index.resolve(users, "exceptions.TechnicalError") == Symbol(SymbolKind.CLASS, exceptions, "TechnicalError")
    assert index.resolve(users, "NotFound") == Symbol(SymbolKind.CLASS, exceptions, "NotFound")
    assert index.resolve(users, "TechnicalError") == Symbol(SymbolKind.CLASS, exceptions, "TechnicalError")
    assert index.resolve(users, "core.NotFound") == Symbol(SymbolKind.CLASS, exceptions, "NotFound")
    assert index.resolve(users, "app.core.exceptions.NotFound") == Symbol(SymbolKind.CLASS, exceptions, "NotFound")
    assert index.resolve(users, "Alias") == Symbol(SymbolKind.CLASS, exceptions, "FunctionalError")
    assert index.resolve(users, "ValueError") == Symbol(SymbolKind.BUILTIN, "builtins", "ValueError")
    assert index.resolve(users, "undefined_local") is None


def test_libraries_are_external_and_unchecked_project_modules_missing(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/exceptions.py": EXCEPTIONS,
        "app/api.py": "from fastapi import HTTPException\nfrom app.core.exceptions import NotFound\n",
    }
    index = build(tmp_path, files, checked=["app/api.py"])
    assert index.resolve("app/api.py", "HTTPException") == Symbol(SymbolKind.EXTERNAL, "fastapi.HTTPException")
    assert index.resolve("app/api.py", "NotFound").kind is SymbolKind.MISSING  # on disk, but not checked
    assert index.flags_of("app/api.py", "NotFound").vectra is Tri.UNKNOWN
    assert index.flags_of("app/api.py", "HTTPException").exception is Tri.YES
    assert index.flags_of("app/api.py", "HTTPException").vectra is Tri.NO


def test_a_file_alone_defers_what_other_project_modules_decide(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/exceptions.py": EXCEPTIONS,
        "app/api.py": "from app.core.exceptions import NotFound\n\n\nclass Local(ValueError):\n    pass\n",
    }
    index = file_index(tmp_path, files, "app/api.py")
    assert index.flags_of("app/api.py", "NotFound").vectra is Tri.DEFER
    assert index.flags_of("app/api.py", "Local").exception is Tri.YES
    assert index.flags_of("app/api.py", "Local").vectra is Tri.NO


def test_a_file_alone_defers_what_its_star_imports_may_bind(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "from .exceptions import *\n\n\nclass Wrapped(NotFound):\n    pass\n",
        "app/core/exceptions.py": EXCEPTIONS,
    }
    index = file_index(tmp_path, files, "app/core/__init__.py")
    init = "app/core/__init__.py"
    # The star's module is not indexed here: the name may be there, not in the package itself.
    assert index.resolve(init, "NotFound") == Symbol(SymbolKind.MISSING, "app.core.exceptions")
    assert index.flags_of(init, "Wrapped").vectra is Tri.DEFER
    assert index.resolve(init, "ValueError") == Symbol(SymbolKind.BUILTIN, "builtins", "ValueError")


def test_a_star_import_of_a_module_not_indexed_leaves_the_other_stars(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/main/__init__.py": "from .api import *\nfrom .config import *\n",
        "app/main/api/routes.py": "",
        "app/main/config.py": "class Config:\n    pass\n",
        "app/serve.py": "from app.main import Config\n",
    }
    # app/main/api is a folder without __init__.py: no module the index has.
    index = build(tmp_path, files)
    assert index.resolve("app/serve.py", "Config") == Symbol(SymbolKind.CLASS, "app/main/config.py", "Config")
    assert index.resolve("app/main/__init__.py", "Other") == Symbol(SymbolKind.MISSING, "app.main.api")


def test_modules_that_star_import_each_other_resolve_in_any_order(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from .a import *\nfrom .b import *\n",
        "pkg/a.py": "from pkg import *\n",
        "pkg/b.py": "from pkg import *\n\n\ndef helper() -> None:\n    pass\n",
    }
    helper = Symbol(SymbolKind.FUNCTION, "pkg/b.py", "helper")
    # Asked first from the package, ``a``'s lookup meets the package's, still going on: what it
    # finds then (nothing) is not what ``a`` binds.
    questions = [(module, name) for module in ("pkg/a.py", "pkg/__init__.py") for name in ("helper", "nope")]
    for order in (questions, questions[::-1]):
        index = build(tmp_path, files)
        answers = {question: index.resolve(*question) for question in order}
        assert answers == {question: helper if question[1] == "helper" else None for question in questions}


def test_two_files_claiming_one_module_name_resolve_to_neither(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {"src/app/util.py": "X = 'a'\n", "app/util.py": "X = 'b'\n", "main.py": "from app.util import X\n"},
    )
    assert index.resolve("main.py", "X") == Symbol(SymbolKind.MISSING, "app.util.X")


# The exception hierarchy.
def test_hierarchy_across_modules(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/exceptions.py": EXCEPTIONS,
            "app/errors.py": """
                from app.core.exceptions import NotFound, TechnicalError as TE


                class UserNotFound(NotFound):
                    def __init__(self, user_id: int) -> None:
                        super().__init__(f"user {user_id}", error_code="USER_NOT_FOUND")


                class DiskFull(TE):
                    pass


                class Legacy(KeyError):
                    pass
            """,
        },
    )
    errors = "app/errors.py"
    user = index.flags_of(errors, "UserNotFound")
    assert (user.exception, user.vectra, user.technical, user.default_code) == (Tri.YES, Tri.YES, Tri.NO, Tri.YES)
    disk = index.flags_of(errors, "DiskFull")
    assert (disk.vectra, disk.technical, disk.default_code) == (Tri.YES, Tri.YES, Tri.YES)
    legacy = index.flags_of(errors, "Legacy")
    assert (legacy.exception, legacy.vectra) == (Tri.YES, Tri.NO)
    base = index.flags_of("app/core/exceptions.py", "FunctionalError")
    assert base.default_code is Tri.NO


def test_configured_base_names_are_used(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {"errors.py": "class AppError(Exception):\n    pass\n\n\nclass Missing(AppError):\n    pass\n"},
        exception_base="AppError",
    )
    assert index.flags_of("errors.py", "Missing").vectra is Tri.YES


def test_a_cycle_of_bases_terminates(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "a.py": "from b import B\n\n\nclass A(B):\n    pass\n",
            "b.py": "from a import A\n\n\nclass B(A):\n    pass\n",
        },
    )
    assert index.flags_of("a.py", "A").exception is Tri.UNKNOWN


# Constants.
def test_constants_through_imports_classes_and_enums(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "codes.py": """
                import enum

                AUTH = "auth_failed"


                class ErrorCode(str, enum.Enum):
                    QUOTA = "quota-exceeded"
            """,
            "use.py": "import codes\nfrom codes import AUTH as A, ErrorCode\n\nraise X(error_code=A)\n",
        },
    )
    found, symbol, value = index.constant("use.py", "A")
    assert (found, symbol, value) == (Tri.YES, Symbol(SymbolKind.CONSTANT, "codes.py", "AUTH"), "auth_failed")
    assert index.constant("use.py", "ErrorCode.QUOTA.value")[2] == "quota-exceeded"
    assert index.constant("use.py", "codes.AUTH")[2] == "auth_failed"
    assert index.error_code_constants() == frozenset({("codes.py", "AUTH")})


# Blocking call chains.
CHAIN = {
    "app/__init__.py": "",
    "app/io/__init__.py": "from .files import load_csv\n",
    "app/io/files.py": """
        import pandas as pd


        def _read(path):
            return pd.read_csv(path)


        def load_csv(path):
            return _read(path)


        def ping():
            return pong()


        def pong():
            return ping()
    """,
    "app/service.py": """
        import time
        from app.io import load_csv
        from app.io.files import ping


        class Loader:
            def __init__(self):
                time.sleep(1)

            def _fetch(self, path):
                return load_csv(path)

            async def run(self, path):
                return self._fetch(path)


        async def nap():
            pass
    """,
}


def test_blocking_chain_across_modules_and_methods(tmp_path: Path) -> None:
    index = build(tmp_path, CHAIN)
    service = "app/service.py"
    chain = index.blocking_chain(service, "Loader.run", "self._fetch")
    assert chain.found is Tri.YES
    assert chain.steps == ("Loader._fetch", "load_csv", "_read", "pd.read_csv")
    assert chain.code == "VL205"
    assert index.blocking_chain(service, None, "Loader").steps == ("Loader.__init__", "time.sleep")
    assert index.blocking_chain(service, None, "ping").found is Tri.NO  # a cycle terminates
    assert index.blocking_chain(service, None, "nap").found is Tri.NO  # coroutines are not followed


def test_blocking_chain_into_an_unchecked_module(tmp_path: Path) -> None:
    index = build(tmp_path, CHAIN, checked=["app/service.py"])
    assert index.blocking_chain("app/service.py", None, "load_csv").found is Tri.UNKNOWN
    alone = file_index(tmp_path, CHAIN, "app/service.py")
    assert alone.blocking_chain("app/service.py", None, "load_csv").found is Tri.DEFER


def test_offloaded_calls_and_nested_functions_are_not_recorded(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "m.py": """
                import asyncio
                import subprocess


                def helper():
                    pass


                async def main(loop):
                    await asyncio.to_thread(helper())
                    await loop.run_in_executor(None, lambda: helper())

                    def inner():
                        subprocess.run(["x"])

                    return inner
            """
        },
    )
    result = lint_text("m.py", "m.py", (tmp_path / "m.py").read_text(), settings(tmp_path))
    facts = summary_facts(result.facts[ModuleSummary.facts_key()])
    assert facts["functions"]["main"]["calls"] == ("asyncio.to_thread",)  # not `helper`
    assert facts["functions"]["main"]["blocking"] == ()
    assert "inner" not in facts["functions"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('class E(Exception):\n    error_code = "X"\n', True),
        ("class E(Exception):\n    error_code: str\n", False),
        ("class E(Exception):\n    error_code = None\n", False),
        ('class E(Exception):\n    def __init__(self, m, error_code="X"):\n        pass\n', True),
        ("class E(Exception):\n    def __init__(self, m, error_code=None):\n        pass\n", False),
        (
            "class E(Exception):\n    def __init__(self, m, error_code):\n"
            "        super().__init__(m, error_code=error_code)\n",
            False,
        ),
        ('class E(Exception):\n    def __init__(self, m):\n        super().__init__(m, error_code="X")\n', True),
    ],
)
def test_default_error_codes(tmp_path: Path, source: str, expected: bool) -> None:
    write_project(tmp_path, {"e.py": source})
    result = lint_text("e.py", "e.py", source, settings(tmp_path))
    facts = summary_facts(result.facts[ModuleSummary.facts_key()])
    assert facts["classes"]["E"]["default_code"] is expected
