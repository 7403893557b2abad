"""Ruff's F401 (unused import) and F841 (unused local variable) run by default beside E/W (§13),
with Ruff's own fixes and safety, and never undo a fix of ours made in the same run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.rules.project_helpers import check, invoke, write_project
from vectra_lint.cli import main

SLEEPER = '''\
"""Waiting."""

import asyncio
import os
import time


async def wait(seconds: float) -> None:
    """Wait."""
    time.sleep(seconds)


def parse(text: str) -> int:
    """Parse."""
    try:
        return int(text)
    except ValueError as exc:
        raise RuntimeError("not a number")
'''

SLEEPER_FIXED = '''\
"""Waiting."""

import asyncio


async def wait(seconds: float) -> None:
    """Wait."""
    await asyncio.sleep(seconds)


def parse(text: str) -> int:
    """Parse."""
    try:
        return int(text)
    except ValueError as exc:
        raise RuntimeError("not a number") from exc
'''


def test_unused_imports_and_locals_are_reported_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "a.py": '"""A."""\n\nimport os\n\n\ndef f() -> None:\n    """F."""\n    x = 1\n',
            "pkg/__init__.py": '"""P."""\n\nfrom .mod import thing\n',
            "pkg/mod.py": '"""M."""\n\nthing = 1\n',
        },
    )
    output = invoke(tmp_path, monkeypatch, "--output-format", "concise", ".").output
    assert "a.py:3:8: F401 [*] `os` imported but unused" in output
    assert "a.py:8:5: F841 [-] Local variable `x` is assigned to but never used" in output
    # In an `__init__.py` an import may be a re-export: Ruff offers no automatic removal there.
    assert "pkg/__init__.py:3:18: F401 `.mod.thing` imported but unused" in output


def test_an_import_that_a_fix_of_ours_starts_to_use_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Judged on the text before the fixes, `asyncio` and `exc` are unused; once VL201 and VL307
    # have fixed the file they are used, and removing them in the same pass would break it.
    write_project(tmp_path, {"a.py": SLEEPER})
    invoke(tmp_path, monkeypatch, "--fix", "--unsafe-fixes", "a.py")
    assert (tmp_path / "a.py").read_text() == SLEEPER_FIXED
    again = invoke(tmp_path, monkeypatch, "--fix", "--unsafe-fixes", "--output-format", "concise", "a.py")
    assert (tmp_path / "a.py").read_text() == SLEEPER_FIXED
    assert again.stdout == "All checks passed!\n"


def test_selectors_of_pyflakes_stand_for_the_two_merged_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = '"""A."""\n\nimport os\n\n\ndef f() -> None:\n    """F."""\n\n\ndef f() -> None:\n    """F."""\n'
    write_project(tmp_path, {"a.py": code})
    # `F` runs F401 and F841 only, never the rest of Pyflakes (F811 redefinition here).
    assert check(tmp_path, monkeypatch, "F", ["a.py"]) == ["a.py:3:8 F401"]
    assert check(tmp_path, monkeypatch, "F8", ["a.py"]) == []
    assert check(tmp_path, monkeypatch, "VL", ["a.py"]) == []
    assert check(tmp_path, monkeypatch, "F", ["a.py"], "--ignore", "F401") == []


def test_an_unused_noqa_for_f401_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = '"""A."""\n\nimport os  # noqa: F401\n\nprint(os.sep)  # noqa: VL401\n'
    write_project(tmp_path, {"a.py": code})
    assert check(tmp_path, monkeypatch, "F401,VL0,VL401", ["a.py"]) == ["a.py:3:12 VL002"]


def test_rule_shows_ruffs_own_documentation_of_f401() -> None:
    result = CliRunner().invoke(main, ["rule", "F401"])
    assert result.exit_code == 0
    assert result.output.startswith("# unused-import (F401)\n")
    assert result.output.endswith("## In vectra-lint\n\n`F401` runs by default.\n")
    assert "## What it does" in result.output
