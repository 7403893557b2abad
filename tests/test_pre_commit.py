"""The pre-commit hooks, run for real by `pre-commit run` against a throwaway repository.

`pre-commit try-repo` would build the hook's environment (a pip install of this package and its
dependencies) in a new temporary store at every call. Instead, one snapshot of this working tree
is committed to a scratch repository once per session, and every run shares one pre-commit home:
the environment is built once, from exactly the code under test (uncommitted changes included).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VERSION = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding the current working tree (what `try-repo` calls a shadow repo)."""
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    listed = _git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", ".")
    _git(snapshot, "-c", "user.email=test@example.invalid", "-c", "user.name=test", "commit", "-q", "-m", "snapshot")
    # Tagged with the package's version, as the README tells a team to pin it.
    assert VERSION is not None
    tag = f"v{VERSION.group(1)}"
    _git(snapshot, "tag", tag)
    return snapshot, tag


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit home for the session: the hook environment is built (pip install) once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def work(tmp_path: Path, hooks_repo: tuple[Path, str]) -> Path:
    repo, rev = hooks_repo
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: vectra-lint\n      - id: vectra-lint-fix\n"
    )
    (work / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL"]\n')
    (work / "app.py").write_text('"""App."""\n\ntry:\n    run()\nexcept:\n    raise\n')
    _git(work, "add", ".")
    return work


def _readme_config(repo: Path) -> str:
    """The README's `.pre-commit-config.yaml` that builds the hooks from vectra-lint's repository."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("## pre-commit", 1)[1]
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    remote = next(block for block in blocks if "rev:" in block)
    assert "/path/to/vectra-lint " in remote
    return remote.replace("/path/to/vectra-lint ", f"{repo} ")


def _run(work: Path, hook: str, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    which = ["--files", *files] if files else ["--files", "app.py"]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, *which, "--verbose"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_hook_fails_on_a_violation_and_passes_once_fixed(work: Path, home: Path) -> None:
    failed = _run(work, "vectra-lint", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app.py:5:1: VL302" in failed.stdout
    (work / "app.py").write_text('"""App."""\n\ntry:\n    run()\nexcept ValueError:\n    raise\n')
    _git(work, "add", ".")
    passed = _run(work, "vectra-lint", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="pre-commit splits the files only over 2 cores or more")
def test_check_hook_checks_many_files_in_one_run(work: Path, home: Path) -> None:
    # Split over processes side by side, each would settle the whole project again and print a
    # summary of its own share.
    names = [f"m{number}.py" for number in range(12)]
    for name in names:
        (work / name).write_text((work / "app.py").read_text())
    _git(work, "add", ".")
    failed = _run(work, "vectra-lint", home, "app.py", *names)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert all(f"{name}:5:1: VL302" in failed.stdout for name in ["app.py", *names])
    assert failed.stdout.count("Found 13 errors.") == 1, failed.stdout


def test_fix_hook_fixes_the_file(work: Path, home: Path) -> None:
    first = _run(work, "vectra-lint-fix", home)
    assert first.returncode == 1  # pre-commit fails a hook that modified files
    assert (work / "app.py").read_text() == '"""App."""\n\ntry:\n    run()\nexcept Exception:\n    raise\n'
    _git(work, "add", ".")
    second = _run(work, "vectra-lint-fix", home)
    assert second.returncode == 0, second.stdout + second.stderr


def test_the_readme_config_pinning_a_tag_works_as_written(work: Path, home: Path, hooks_repo: tuple[Path, str]) -> None:
    repo, tag = hooks_repo
    config = _readme_config(repo)
    assert f"rev: {tag} " in config  # the README names the tag of the version it documents
    (work / ".pre-commit-config.yaml").write_text(config)
    _git(work, "add", ".")
    failed = _run(work, "vectra-lint", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app.py:5:1: VL302" in failed.stdout
