"""Shared set-up of the hardening suite: a project folder and the CLI run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main

# A handful of rules keeps the expected outputs short; VL001 and VL401 are the ones these tests read.
CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL401"]\n'


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    """The CLI's result (exit code, stdout, stderr) for ``args``."""
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (its pyproject.toml selects VL0 and VL401), the working directory."""
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path
