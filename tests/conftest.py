"""Fixtures shared by the test modules: pre-commit run for real, the result cache's project, the
checked-files recorder; and the guard that keeps the repository's fixtures free of result caches."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _fixture_caches() -> set[Path]:
    from vectra_lint.pipeline.cache import CACHE_DIR

    return set((REPO / "fixtures").rglob(CACHE_DIR))


@pytest.fixture(scope="session", autouse=True)
def fixtures_stay_without_a_cache() -> Iterator[None]:
    """Fail the run when a test left a result cache in the repository's fixtures: a later run (or a
    test copying the fixture) would read it, and the developer's `git status` shows it. A test
    that checks a fixture in place passes `--no-cache`, or checks a copy in `tmp_path`. A cache
    there before the run (a developer's own `check`) is not the suite's doing."""
    before = _fixture_caches()
    yield
    left = sorted(path.relative_to(REPO).as_posix() for path in _fixture_caches() - before)
    if left:
        pytest.fail(f"the tests left a result cache in the fixtures: {', '.join(left)}", pytrace=False)


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session. pre-commit builds one environment per repository and
    revision, so tests that install hooks from `hook_repository` into this home pip-install once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """This repository as pre-commit can clone it, with the working tree's changes committed in a
    shadow clone when there are any (as `pre-commit try-repo` does)."""
    head = _git(REPO, "rev-parse", "HEAD").stdout.strip()
    if not _git(REPO, "status", "--porcelain", "--untracked-files=normal").stdout.strip():
        return str(REPO), head
    shadow = tmp_path_factory.mktemp("shadow") / "repo"
    assert _git(REPO, "clone", "-q", "--no-checkout", str(REPO), str(shadow)).returncode == 0
    assert _git(shadow, "checkout", "-q", head, "-b", "shadow").returncode == 0
    env = {
        **os.environ,
        "GIT_INDEX_FILE": str(shadow / ".git" / "index"),
        "GIT_OBJECT_DIRECTORY": str(shadow / ".git" / "objects"),
    }
    assert _git(REPO, "add", "-A", env=env).returncode == 0
    for command in (["config", "user.email", "t@example.invalid"], ["config", "user.name", "t"]):
        _git(shadow, *command)
    assert _git(shadow, "commit", "-q", "--no-verify", "-m", "test: working tree").returncode == 0
    return str(shadow), _git(shadow, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def cache_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The result cache's test project (a service calling a blocking helper of another module),
    the working directory; in a folder of its own, so that a test can put things beside it."""
    from tests.helpers import BLOCKING_HELPER, CACHE_CONFIG, SERVICE

    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text(CACHE_CONFIG)
    (root / "app" / "__init__.py").write_text('"""The app."""\n')
    (root / "app" / "helpers.py").write_text(BLOCKING_HELPER)
    (root / "app" / "service.py").write_text(SERVICE)
    (root / "app" / "other.py").write_text('print("x")\n')
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine checks (the cache answers the others), in the order it checks them."""
    from vectra_lint.pipeline import runner

    seen: list[str] = []
    # Where checking and fixing (one file's passes beside the others') both start on a file.
    original: Callable[..., object] = runner._start

    def recording(task: runner.Task, *args: object, **kwargs: object) -> object:
        seen.append(task.relative)
        return original(task, *args, **kwargs)

    monkeypatch.setattr(runner, "_start", recording)
    return seen
