"""VL801: `vectra-lint commit-msg FILE`, its examples, and the commit-msg hook through real pre-commit and git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint.cli import main
from vectra_lint.rule import Invalid, Valid
from vectra_lint.rules.git.non_conventional_commit import TYPES, NonConventionalCommit, check_message

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("example", NonConventionalCommit.valid, ids=lambda e: e.code.splitlines()[0][:30])
def test_valid_example_passes(example: Valid) -> None:
    types = example.options.get("types", TYPES)
    assert isinstance(types, (list, tuple))
    assert check_message(example.code, tuple(types)) is None


@pytest.mark.parametrize("example", NonConventionalCommit.invalid, ids=lambda e: e.code.splitlines()[-1][:30])
def test_invalid_example_is_reported(example: Invalid) -> None:
    problem = check_message(example.code)
    assert problem is not None
    assert [(problem.line, 1, problem.message)] == [(e.line, e.column, e.message) for e in example.expected]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("added hybrid ranking\n", 1, "it does not start with `type: `"),
        ("Feat: add ranking\n", 1, "the type `Feat` must be lower case"),
        ("feature(search): add ranking\n", 1, "`feature` is not one of the types"),
        ("fix:no space\n", 1, "the colon must be followed by a space and a subject"),
        ("fix: \n", 1, "the colon must be followed by a space and a subject"),
        ("\n# comment\n\nfix(): x\n", 4, "the scope in parentheses is empty"),
    ],
)
def test_reasons(text: str, line: int, reason: str) -> None:
    problem = check_message(text)
    assert problem is not None
    assert (problem.line, problem.reason) == (line, reason)


def test_everything_below_the_scissors_line_is_ignored() -> None:
    verbose = "# Please enter the commit message\n# ------------------------ >8 ------------------------\ndiff --git\n"
    assert check_message(verbose) is None
    assert check_message("feat: x\n" + verbose) is None


def _commit_msg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, config: str = "") -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    if config:
        (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "COMMIT_EDITMSG").write_text(text)
    result = CliRunner().invoke(main, ["commit-msg", "COMMIT_EDITMSG"], catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_rejects_with_the_expected_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _commit_msg(tmp_path, monkeypatch, "# Please enter the message\nupdated the search\n")
    assert code == 1
    assert output == (
        "COMMIT_EDITMSG:2:1: VL801 `updated the search` is not a conventional commit: it does not start with "
        "`type: `\n"
        "  expected: <type>(<scope>)!: <subject>, e.g. `feat(search): add hybrid ranking` (scope and `!` optional)\n"
        "  types: feat, fix, refactor, perf, test, docs, build, ci, chore, style, revert\n"
    )


def test_cli_accepts_a_conventional_and_a_git_made_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _commit_msg(tmp_path, monkeypatch, "perf(index)!: batch the upserts\n") == (0, "")
    assert _commit_msg(tmp_path, monkeypatch, "Merge branch 'main'\n# Conflicts:\n") == (0, "")
    assert _commit_msg(tmp_path, monkeypatch, "squash! perf(index)!: batch the upserts\n") == (0, "")


def test_cli_reads_the_types_and_the_selection_from_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.rules.non-conventional-commit]\ntypes = ["feat", "deps"]\n'
    assert _commit_msg(tmp_path, monkeypatch, "deps: bump libcst\n", config) == (0, "")
    code, output = _commit_msg(tmp_path, monkeypatch, "fix: x\n", config)
    assert code == 1 and "`fix` is not one of the types" in output and "types: feat, deps\n" in output
    ignoring = '[tool.vectra-lint]\nignore = ["VL801"]\n'
    assert _commit_msg(tmp_path, monkeypatch, "whatever\n", ignoring) == (0, "")


def test_cli_exits_2_on_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["commit-msg", "missing"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "missing: cannot read the commit message: No such file or directory" in result.output


# The real thing: pre-commit installs the hook from this repository into a throwaway repository,
# and git runs it on `git commit`.


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_commit_msg_hook_rejects_then_accepts_a_real_commit(
    tmp_path: Path, pre_commit_home: Path, hook_repository: tuple[str, str]
) -> None:
    repo, rev = hook_repository
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    for command in (["init", "-q"], ["config", "user.email", "t@example.invalid"], ["config", "user.name", "t"]):
        assert _git(work, *command).returncode == 0
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: vectra-lint-commit-msg\n"
    )
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--hook-type", "commit-msg", "--install-hooks"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    (work / "notes.txt").write_text("hello\n")
    assert _git(work, "add", ".").returncode == 0

    rejected = _git(work, "commit", "-q", "-m", "added notes", env=env)
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    # git prints what the hook said on its standard error.
    assert ".git/COMMIT_EDITMSG:1:1: VL801 `added notes` is not a conventional commit: it does not start with " in (
        rejected.stderr
    )
    assert "expected: <type>(<scope>)!: <subject>" in rejected.stderr
    assert _git(work, "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing was committed

    accepted = _git(work, "commit", "-q", "-m", "docs: add notes", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _git(work, "log", "--format=%s").stdout == "docs: add notes\n"
