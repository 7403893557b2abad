"""`--fix` writes a file only over what it read, keeps owner, links and modes, and cleans up after a crash."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from tests.hardening.conftest import run
from vectra_lint.pipeline import runner

# VL002's fix (removing the unused noqa) is safe: `--fix` applies it.
UNFIXED = '"""Doc."""\nx = 1  # noqa: VL401\n'
FIXED = '"""Doc."""\nx = 1\n'


@pytest.mark.parametrize("theirs", ["", '"""Doc."""\nx = 2  # noqa: VL401\n'])
def test_a_file_changed_during_the_run_is_left_as_the_other_process_wrote_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, theirs: str
) -> None:
    path = project / "a.py"
    path.write_text(UNFIXED)
    (project / "b.py").write_text(UNFIXED)
    original = runner.lint_text

    def meanwhile(display: str, *args: object, **kwargs: object) -> object:
        if display == "a.py":
            path.write_text(theirs)  # another --fix run, an editor, a formatter
        return original(display, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_text", meanwhile)
    result = run("check", "--fix", "-j1", ".")
    assert result.exit_code == 2
    assert path.read_text() == theirs
    assert (project / "b.py").read_text() == FIXED
    assert result.stdout == "Fixed 1 error, 0 remaining.\n"
    assert result.stderr == "error: a.py: the file changed since it was read; it was not fixed (run again to fix it)\n"


@pytest.mark.expensive
def test_two_fix_runs_at_once_never_lose_each_others_edits(project: Path) -> None:
    import subprocess
    import sys

    for index in range(40):
        (project / f"m{index}.py").write_text(UNFIXED)
    command = [sys.executable, "-m", "vectra_lint", "check", "--fix", "-j1", "."]
    first = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate() for process in (first, second)]
    # Every file is fixed exactly once: by one run, while the other says it left it (when it had
    # read it before the first wrote it) or finds nothing to fix.
    assert all((project / f"m{index}.py").read_text() == FIXED for index in range(40))
    fixed = sum(int(out.split()[1]) for out, _ in outputs if out.startswith("Fixed "))
    refused = sum(err.count("the file changed since it was read") for _, err in outputs)
    assert fixed == 40
    assert refused <= 40
    assert run("check", "--fix", ".").stdout == "All checks passed!\n"


def test_a_read_only_file_is_reported_not_written(project: Path) -> None:
    path = project / "a.py"
    path.write_text(UNFIXED)
    path.chmod(0o444)
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 2
    assert path.read_text() == UNFIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert result.stderr == "error: a.py: the file is read-only; it was not fixed\n"


def test_a_hard_linked_file_stays_one_file(project: Path) -> None:
    path = project / "a.py"
    path.write_text(UNFIXED)
    (project / "elsewhere").mkdir()
    other = project / "elsewhere" / "same.txt"
    os.link(path, other)
    inode = path.stat().st_ino
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 0
    assert path.stat().st_ino == inode
    assert other.read_text() == FIXED


def test_the_owner_group_and_mode_are_kept(project: Path) -> None:
    path = project / "a.py"
    path.write_text(UNFIXED)
    path.chmod(0o640)
    # As root (CI's containers), the file belongs to someone else; otherwise to us.
    owner = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(path, *owner)
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 0
    assert path.read_text() == FIXED
    status = path.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (*owner, 0o640)


def test_leftovers_of_a_killed_run_are_removed_by_the_next_fix_run(project: Path) -> None:
    (project / "a.py").write_text(UNFIXED)
    (project / "pkg").mkdir()
    leftover = project / "pkg" / ".b.py.k2j_9xq0.vectra-tmp"
    leftover.write_text("half a fi")
    busy = project / ".a.py.abcdefgh.vectra-tmp"  # another run is writing this one right now
    busy.write_text("being written")
    mine = project / "notes.vectra-tmp"  # not a name we give
    mine.write_text("keep")
    with busy.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        result = run("check", "--fix", ".")
    assert result.exit_code == 0
    assert not leftover.exists()
    assert busy.exists() and mine.exists()
    assert result.stderr == f"warning: removed {leftover}, left behind by an interrupted --fix run\n"


def test_a_check_run_removes_nothing(project: Path) -> None:
    leftover = project / ".b.py.k2j_9xq0.vectra-tmp"
    leftover.write_text("half a fi")
    assert run("check", ".").exit_code == 0
    assert leftover.exists()


def test_the_report_never_overwrites_a_checked_source(project: Path) -> None:
    path = project / "a.py"
    path.write_text(UNFIXED)
    result = run("check", "--output-file", "a.py", ".")
    assert result.exit_code == 2
    assert path.read_text() == UNFIXED
    assert result.stderr == (
        "error: a.py: the report would overwrite a checked source file; choose another --output-file\n"
    )


def test_an_unlistable_folder_is_reported_like_an_unreadable_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "a.py").write_text(FIXED)
    (project / "locked").mkdir()
    (project / "locked" / "b.py").write_text(UNFIXED)
    original = os.scandir

    def scandir(path: str) -> object:
        # Root lists every folder: the refusal is simulated where os.walk meets it.
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("check", ".")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: locked: cannot list the folder: Permission denied\n"


def test_a_symlink_loop_named_explicitly_is_an_error_and_not_all_checks_passed(project: Path) -> None:
    (project / "loop.py").symlink_to("loop.py")
    (project / "a.py").write_text(FIXED)
    result = run("check", "loop.py", "a.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: loop.py: Too many levels of symbolic links\n"
