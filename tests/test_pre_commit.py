"""The pre-commit hooks, run for real with `pre-commit try-repo` against a throwaway repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(work: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--files", "app.py", "--verbose"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One pre-commit cache for both tests: the hook environment is built (pip install) once.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    _git(work, "config", "user.email", "test@example.invalid")
    _git(work, "config", "user.name", "test")
    (work / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL"]\n')
    (work / "app.py").write_text('"""App."""\n\ntry:\n    run()\nexcept:\n    raise\n')
    _git(work, "add", ".")
    return work


def test_check_hook_fails_on_a_violation_and_passes_once_fixed(work: Path, home: Path) -> None:
    failed = _try_repo(work, "vectra-lint", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app.py:5:1: VL302" in failed.stdout
    (work / "app.py").write_text('"""App."""\n\ntry:\n    run()\nexcept ValueError:\n    raise\n')
    _git(work, "add", ".")
    passed = _try_repo(work, "vectra-lint", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_fix_hook_fixes_the_file(work: Path, home: Path) -> None:
    first = _try_repo(work, "vectra-lint-fix", home)
    assert first.returncode == 1  # pre-commit fails a hook that modified files
    assert (work / "app.py").read_text() == '"""App."""\n\ntry:\n    run()\nexcept Exception:\n    raise\n'
    _git(work, "add", ".")
    second = _try_repo(work, "vectra-lint-fix", home)
    assert second.returncode == 0, second.stdout + second.stderr
