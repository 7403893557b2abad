"""The README's pre-commit and GitHub Actions examples, run as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import git

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BAD = '"""App."""\n\ntry:\n    run()\nexcept:\n    raise\n'


def _block(after: str, language: str) -> str:
    """The first fenced block of ``language`` after the heading ``after``."""
    section = README.split(after, 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    (work / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL"]\nextend-exclude = ["legacy"]\n')
    (work / "app.py").write_text(BAD)
    (work / "legacy").mkdir()
    (work / "legacy" / "old.py").write_text(BAD)
    return work


def _pre_commit_all_files(repository: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``pre-commit run --all-files``, with vectra-lint installed in the environment the commit is
    made from, as the README says."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    return subprocess.run(command, cwd=repository, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_pre_commit_example_works_as_written(repository: Path, tmp_path: Path) -> None:
    (repository / ".pre-commit-config.yaml").write_text(_block("## pre-commit", "yaml"))
    git(repository, "add", ".")
    failed = _pre_commit_all_files(repository, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app.py:5:1: VL302" in failed.stdout
    assert "legacy" not in failed.stdout  # --force-exclude: the excluded file named by pre-commit is skipped
    (repository / "app.py").write_text(BAD.replace("except:", "except ValueError:"))
    git(repository, "add", ".")
    passed = _pre_commit_all_files(repository, tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="pre-commit splits the files only over 2 cores or more")
def test_the_pre_commit_example_checks_many_files_in_one_run(repository: Path, tmp_path: Path) -> None:
    (repository / ".pre-commit-config.yaml").write_text(_block("## pre-commit", "yaml"))
    for number in range(12):
        (repository / f"m{number}.py").write_text(BAD)
    git(repository, "add", ".")
    failed = _pre_commit_all_files(repository, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    # One vectra-lint for the 13 files (see the README): one summary.
    assert failed.stdout.count("Found 13 errors.") == 1, failed.stdout


def test_the_github_actions_job_runs_its_commands(repository: Path) -> None:
    job = yaml.safe_load(_block("## GitHub Actions", "yaml"))
    steps = job["jobs"]["lint"]["steps"]
    assert [step["uses"] for step in steps if "uses" in step] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/cache@v4",
        "github/codeql-action/upload-sarif@v3",
    ]
    cache = next(step for step in steps if step.get("uses") == "actions/cache@v4")
    assert cache["with"]["path"] == ".vectra-lint-cache"
    upload = next(step for step in steps if step.get("uses", "").endswith("upload-sarif@v3"))
    commands = [step["run"] for step in steps if step.get("run", "").startswith("vectra-lint ")]
    assert len(commands) == 2
    executable = Path(sys.executable).parent / "vectra-lint"
    env = {**os.environ, **job["jobs"]["lint"].get("env", {})}
    results = [
        subprocess.run(
            [str(executable), *shlex.split(command)[1:]], cwd=repository, capture_output=True, text=True, env=env
        )
        for command in commands
    ]
    assert results[0].returncode == 0
    sarif = json.loads((repository / upload["with"]["sarif_file"]).read_text())
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
    assert (repository / ".vectra-lint-cache" / ".gitignore").exists()
    assert results[1].returncode == 1
    assert results[1].stdout.startswith("::error title=vectra-lint (VL302),file=app.py,line=5,col=1,")
