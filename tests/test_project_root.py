"""The project root, and so layers and module names, do not depend on the folder the command runs from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint.cli import main

EXCEPTIONS = '''\
"""Errors."""


class VectraException(Exception):
    """Base."""


class TechnicalError(VectraException):
    """Technical."""

    error_code = "TECHNICAL"


class StorageError(TechnicalError):
    """Storage."""

    error_code = "STORAGE"
'''

SERVICE = '''\
"""Files."""

from app.core.exceptions import StorageError


def read(name: str) -> str:
    """Read."""
    if not name:
        raise ValueError("empty name")
    try:
        return name.upper()
    except Exception as exc:
        raise StorageError("cannot read") from exc
'''


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A monorepo as a team has it: `.git` at the top, the backend's pyproject.toml (no
    [tool.vectra-lint] table) in `backend/`."""
    (tmp_path / ".git").mkdir()
    backend = tmp_path / "backend"
    # Namespace packages (no __init__.py): `app.core.exceptions` is known only from the root.
    for folder in ("app/core", "app/services"):
        (backend / folder).mkdir(parents=True)
    (backend / "pyproject.toml").write_text('[project]\nname = "backend"\nversion = "1"\n')
    (backend / "app/core/exceptions.py").write_text(EXCEPTIONS)
    (backend / "app/services/files.py").write_text(SERVICE)
    return tmp_path


def _findings(cwd: Path, target: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        # VL308 (the technical base's error id) is not what these tests are about.
        main,
        ["check", target, "--output-format", "concise", "--select", "VL3", "--ignore", "VL308"],
        catch_exceptions=False,
    )
    lines = [line for line in result.output.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    # Shown relative to the working directory; compare by the file's path below `backend/`.
    return sorted(line.split("app/", 1)[1] for line in lines)


def test_same_findings_from_the_repository_root_and_from_the_backend(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_backend = _findings(repository / "backend", "app", monkeypatch)
    from_top = _findings(repository, "backend/app", monkeypatch)
    from_elsewhere = _findings(repository / "backend" / "app" / "core", "../../app", monkeypatch)
    assert from_backend == [
        "services/files.py:9:15: VL306 `ValueError` with a raw message in the services layer; "
        "raise a Vectra exception with an error code (§15)"
    ]
    assert from_top == from_backend
    assert from_elsewhere == from_backend


def test_the_root_is_the_nearest_pyproject_even_without_a_vectra_table(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checked from the top, `backend/` (its pyproject.toml) is the root, so `app/services/**`
    # matches and the layer rules run.
    found = _findings(repository, "backend/app/services/files.py", monkeypatch)
    assert [line.split(" ")[0:2] for line in found] == [["services/files.py:9:15:", "VL306"]]


def test_without_any_marker_an_installed_package_is_rooted_above_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wheel unpacked as `site/cat/` (no pyproject.toml, no .git): the package imports itself as
    # `cat.log`, so the root is `site/`, from wherever the command runs. Here that shows as VL403
    # knowing that `cat.log.logger` is a home-made logger (not a logging.Logger).
    package = tmp_path / "site" / "cat"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "log.py").write_text(
        "class AppLogger:\n    def error(self, message):\n        pass\n\n\nlogger = AppLogger()\n"
    )
    (package / "jobs.py").write_text(
        "from cat.log import logger\n\n\ndef run(job):\n    try:\n        job()\n    except OSError:\n"
        "        logger.error('FAIL')\n"
    )
    (tmp_path / "elsewhere").mkdir()
    for cwd, target in ((tmp_path / "elsewhere", "../site/cat"), (package, ".")):
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(
            main, ["check", target, "--output-format", "concise", "--select", "VL403"], catch_exceptions=False
        )
        assert result.output == "All checks passed!\n", (cwd, result.output)
