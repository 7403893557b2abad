"""VL607 unused-definition and VL608 unused-module: what counts as a use, and the exemptions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.rules.project_helpers import check, messages, write_project
from vectra_lint.cli import main

SERVICE = '''\
"""Billing."""

import logging


def charge() -> int:
    return 1


def _round(value: float) -> int:
    return int(value)


def refund() -> int:
    return 2


class Invoice:
    def total(self) -> int:
        return 3

    def archive(self) -> None:
        pass

    def __str__(self) -> str:
        return "invoice"


class Sink(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        pass


class BaseExporter:
    def export(self) -> None:
        pass


class CsvExporter(BaseExporter):
    def export(self) -> None:
        pass

    def preview(self) -> None:
        pass
'''
# `BaseExporter.export` is never called, but `CsvExporter` overrides it: an interface, not dead code.
MAIN = '''\
"""Entry point."""

import importlib

from app.services.billing import CsvExporter, Invoice, Sink, charge

VALUE = charge() + Invoice().total()
PLUGIN = importlib.import_module("app.plugins.audit")
EXPORTERS = [CsvExporter, Sink]
'''


def _project(root: Path, **extra: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/billing.py": SERVICE,
        "app/plugins/__init__.py": "",
        "app/plugins/audit.py": '"""Audit."""\n',
        "main.py": MAIN,
        **extra,
    }
    return write_project(root, files)


def test_definitions_no_file_names_are_reported_at_their_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path)
    assert messages(tmp_path, monkeypatch, "VL607") == [
        "app/services/billing.py:10:5 VL607 Function `_round` is never used in the project; remove it (§13)",
        "app/services/billing.py:14:5 VL607 Function `refund` is never used in the project; remove it (§13)",
        "app/services/billing.py:22:9 VL607 Method `Invoice.archive` is never used in the project; remove it (§13)",
        "app/services/billing.py:43:9 VL607 Method `CsvExporter.preview` is never used in the project; remove it (§13)",
    ]


@pytest.mark.parametrize(
    "use",
    [
        'handler = getattr(billing, "refund")',
        '__all__ = ["refund"]',
        "from app.services.billing import refund as give_back",
        "# refund() is called by the scheduler",
        "TASKS = {'billing': 'app.services.billing.refund'}",
    ],
)
def test_any_mention_elsewhere_is_a_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use: str) -> None:
    _project(tmp_path, **{"app/jobs.py": f'"""Jobs."""\n\nfrom app.services import billing\n\n{use}\n'})
    assert "refund" not in "\n".join(messages(tmp_path, monkeypatch, "VL607"))


def test_exemptions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = '''\
    """Exempt by definition."""

    from typing import Protocol

    from fastapi import APIRouter
    from pydantic import BaseModel, field_validator

    router = APIRouter()


    @router.get("/health")
    def health() -> dict[str, str]:
        return {}


    class Repository(Protocol):
        def fetch(self) -> int: ...


    class Payload(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def strip(cls, value: str) -> str:
            return value.strip()

        def describe(self) -> str:
            return self.name


    def handle_created() -> None:
        pass


    def pytest_configure() -> None:
        pass


    def __getattr__(name: str) -> object:
        raise AttributeError(name)
    '''
    tests = '"""Tests."""\n\n\ndef test_nothing() -> None:\n    assert True\n\n\ndef helper() -> None:\n    pass\n'
    init = '"""Package interface."""\n\n\ndef version() -> str:\n    return "1"\n'
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.VL607]\nkeep = ["handle_*", "pytest_*"]\n'
    write_project(
        tmp_path,
        {
            "app/__init__.py": init,
            "app/routes.py": textwrap.dedent(code),
            "tests/test_routes.py": tests,
            "main.py": '"""Main."""\n\nimport app.routes\n\n'
            "Payload = app.routes.Payload\nRepository = app.routes.Repository\n",
        },
        config,
    )
    assert check(tmp_path, monkeypatch, "VL607") == []


def test_subclasses_found_by_reflection_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "app/__init__.py": "",
        "app/tools/__init__.py": "",
        "app/tools/base.py": '"""Base."""\n\n\nclass Tool:\n    name = "tool"\n',
        "app/tools/search.py": '"""Search."""\n\nfrom app.tools.base import Tool\n\n\n'
        'class SearchTool(Tool):\n    name = "s"\n',
        "app/tools/orphan.py": '"""Left over."""\n\n\nclass Orphan:\n    pass\n',
        "main.py": '"""Main."""\n\nimport inspect\n\nfrom app.tools import base, orphan, search\n\n'
        "FOUND = [c for _, c in inspect.getmembers(search) if issubclass(c, base.Tool)]\nX = orphan\n",
    }
    write_project(tmp_path, files)
    assert check(tmp_path, monkeypatch, "VL607") == ["app/tools/orphan.py:4:7 VL607"]


def test_console_scripts_of_pyproject_are_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[project]\nname = "x"\n[project.scripts]\nbill = "app.services.billing:refund"\n[tool.vectra-lint]\n'
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(config)
    assert "refund" not in "\n".join(messages(tmp_path, monkeypatch, "VL607"))


def test_nothing_is_judged_when_the_run_does_not_cover_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No config: the named file is all the run sees, and an absence cannot be judged.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "lonely.py").write_text('"""Lonely."""\n\n\ndef unused() -> None:\n    pass\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["check", "--select", "VL607,VL608", "--output-format", "concise", "app/lonely.py"],
        catch_exceptions=False,
    )
    assert result.output == "All checks passed!\n"


def test_modules_no_other_module_names_are_reported_at_line_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        **{
            "app/services/legacy_billing.py": '"""Old billing."""\n',
            "app/services/sync.py": '"""Imported relatively."""\n',
            "app/services/reports.py": '"""Reports."""\n\nfrom . import sync\n',
            "app/tools/reindex.py": '"""A script."""\n\nif __name__ == "__main__":\n    pass\n',
            "app/tools/__init__.py": "",
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": '"""Migration."""\n',
            "app/tests/__init__.py": "",
            "app/tests/test_billing.py": '"""Tests."""\n',
            "scripts/backfill.py": '"""Backfill."""\n',
            "plugins/audit/hooks.py": '"""Loaded by path."""\n',
            "worker.py": '"""Worker."""\n',
        },
    )
    assert messages(tmp_path, monkeypatch, "VL608") == [
        "app/services/legacy_billing.py:1:1 VL608 Module `app.services.legacy_billing` is imported by no other "
        "module and is no entry point; remove it (§13)",
        "app/services/reports.py:1:1 VL608 Module `app.services.reports` is imported by no other module and is "
        "no entry point; remove it (§13)",
    ]


def test_entry_points_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, **{"app/services/legacy_billing.py": '"""Old billing."""\n'})
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.VL608]\nentry-points = ["app/services/legacy_*.py"]\n'
    (tmp_path / "pyproject.toml").write_text(config)
    assert check(tmp_path, monkeypatch, "VL608") == []


def test_an_unused_class_is_one_finding_not_one_per_method(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ghost = '"""Ghosts."""\n\n\nclass Ghost:\n    def haunt(self) -> None:\n        pass\n'
    _project(
        tmp_path, **{"app/services/ghost.py": ghost, "app/jobs.py": '"""Jobs."""\n\nfrom app.services import ghost\n'}
    )
    assert [line for line in check(tmp_path, monkeypatch, "VL607") if "ghost" in line] == [
        "app/services/ghost.py:4:7 VL607"
    ]


def test_names_made_from_a_prefix_and_walked_packages_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen on vectra-lint itself: `visit_*` methods dispatched by a prefix, rule modules imported by a package walk.
    files = {
        "app/__init__.py": "",
        "app/events.py": '"""Events."""\n\n\nclass Handlers:\n    def on_created(self) -> None:\n        pass\n\n'
        '    def dispatch(self, kind: str) -> None:\n        getattr(self, f"on_{kind}")()\n',
        "app/rules/__init__.py": "",
        "app/rules/first.py": '"""A rule."""\n',
        "main.py": '"""Main."""\n\nimport pkgutil\n\nfrom app import rules as rules_package\n'
        "from app.events import Handlers\n\n"
        "FOUND = list(pkgutil.walk_packages(rules_package.__path__))\nHandlers().dispatch('created')\n",
    }
    write_project(tmp_path, files)
    assert check(tmp_path, monkeypatch, "VL607,VL608") == []
