"""A failed write never leaves a source truncated: a hard-linked file written in place under the
file-size limit or on a full disk, and a run killed while writing one, keep the original or the
fixed text, never half of either."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hardening.conftest import run
from vectra_lint.fixing import files

CONFIG = '[tool.vectra-lint]\nselect = ["VL201"]\n'


def _source(functions: int) -> str:
    # VL201's safe fix (`await asyncio.sleep`) makes the file longer.
    return "import time\n" + "".join(
        f"\n\nasync def f{index}() -> None:\n    time.sleep(1)\n" for index in range(functions)
    )


def _fixed(functions: int) -> str:
    return "import asyncio\n" + "".join(
        f"\n\nasync def f{index}() -> None:\n    await asyncio.sleep(1)\n" for index in range(functions)
    )


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    path = tmp_path / "a.py"
    path.write_text(_source(200))
    (tmp_path / "elsewhere").mkdir()
    other = tmp_path / "elsewhere" / "same.txt"
    os.link(path, other)
    monkeypatch.chdir(tmp_path)
    return path, other


def _limited(limit: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from vectra_lint.cli import main\n"
        "sys.argv[0] = 'vectra-lint'\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.parametrize("margin", [1, 100, 1000])
def test_the_file_size_limit_leaves_a_hard_linked_source_whole(linked: tuple[Path, Path], margin: int) -> None:
    path, other = linked
    original = path.read_bytes()
    limit = len(original) + margin  # room for the original, not for the fixed text
    assert len(_fixed(200)) > limit
    result = _limited(limit, "check", "--fix", "--no-cache", "a.py", cwd=path.parent)
    assert result.returncode == 2
    assert "a.py: cannot write the fixed file: File too large" in result.stderr, result.stderr
    assert path.read_bytes() == original
    assert other.read_bytes() == original
    assert path.stat().st_nlink == 2
    assert [name for name in os.listdir(path.parent) if name.endswith(files.TEMPORARY_SUFFIX)] == []


def test_the_file_size_limit_leaves_a_lone_source_whole(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    path = tmp_path / "a.py"
    path.write_text(_source(200))
    original = path.read_bytes()
    result = _limited(len(original) + 10, "check", "--fix", "--no-cache", "a.py", cwd=tmp_path)
    assert result.returncode == 2
    assert path.read_bytes() == original
    assert [name for name in os.listdir(tmp_path) if name.endswith(files.TEMPORARY_SUFFIX)] == []


@pytest.mark.parametrize("fail_after", [0, 1], ids=["backup", "source"])
def test_a_disk_that_fills_up_mid_write_leaves_the_original(
    linked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, fail_after: int
) -> None:
    path, other = linked
    original = path.read_bytes()
    real_write = os.write
    writes = {"count": 0}

    def filling(fd: int, data: bytes | memoryview) -> int:
        # The backup, then the new text: the disk fills after ``fail_after`` writes.
        writes["count"] += 1
        if writes["count"] == fail_after + 1:
            half = real_write(fd, bytes(data)[: len(data) // 2])
            if half:
                return half
            raise OSError(28, "No space left on device")
        if writes["count"] > fail_after + 1 and writes["count"] <= fail_after + 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(files.os, "write", filling)
    with pytest.raises(OSError):
        files.write_fixed(path, _fixed(200).encode(), files.digest(original))
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert other.read_bytes() == original
    assert [name for name in os.listdir(path.parent) if name.endswith(files.TEMPORARY_SUFFIX)] == []


def test_a_full_disk_reported_by_the_cli_keeps_the_source(
    linked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = linked
    original = path.read_bytes()

    def full(fd: int, length: int, *args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "posix_fallocate", full, raising=False)
    result = run("check", "--fix", "--no-cache", "a.py")
    assert result.exit_code == 2
    assert result.stderr.endswith("a.py: cannot write the fixed file: No space left on device\n")
    assert path.read_bytes() == original


@pytest.mark.expensive
def test_a_run_killed_while_writing_a_hard_linked_file_loses_nothing(linked: tuple[Path, Path]) -> None:
    path, other = linked
    # Three megabytes with one fix: the write takes a while, the fix does not.
    original = (
        'import time\n\nDATA = """'
        + ("x" * 99 + "\n") * 30_000
        + '"""\n\n\nasync def f() -> None:\n    time.sleep(1)\n'
    )
    fixed = original.replace("import time", "import asyncio").replace("    time.sleep", "    await asyncio.sleep")
    command = [sys.executable, "-m", "vectra_lint", "check", "--fix", "--no-cache", "."]
    for delay in (0.3, 0.6, 0.8, 0.9, 1.0, 1.2):
        path.write_text(original)
        process = subprocess.Popen(command, cwd=path.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        backups = [name for name in os.listdir(path.parent) if name.endswith(files.TEMPORARY_SUFFIX)]
        now = path.read_text()
        # Whole, one way or the other, or a backup the next run puts back.
        assert now in (original, fixed) or backups
        assert other.read_text() == now
        rerun = subprocess.run(command, cwd=path.parent, capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert path.read_text() == fixed == other.read_text()
        assert [name for name in os.listdir(path.parent) if name.endswith(files.TEMPORARY_SUFFIX)] == []


def test_the_next_fix_run_restores_a_source_left_half_written(linked: tuple[Path, Path]) -> None:
    path, other = linked
    original = path.read_bytes()
    # What a run killed in the middle of an in-place write leaves: its backup, and half a file.
    fd, name = files._backup(path, original)
    os.close(fd)
    with path.open("r+b") as handle:
        handle.write(_fixed(200).encode()[: len(original) // 2])
    result = run("check", "--fix", "--no-cache", ".")
    assert result.exit_code == 0
    assert path.read_text() == _fixed(200) == other.read_text()
    assert not Path(name).exists()
    assert f"restored {path} from {name}" in result.stderr


def test_a_backup_cut_short_by_a_kill_is_never_restored_over_the_source(linked: tuple[Path, Path]) -> None:
    path, other = linked
    original = path.read_bytes()
    # A run killed while it wrote the backup: the source is untouched, the backup holds only the
    # first part of it. Putting that back would cut the source short.
    fd, name = files._backup(path, original)
    os.close(fd)
    backup = Path(name)
    backup.write_bytes(backup.read_bytes()[: -len(original) // 2])
    result = run("check", "--fix", "--no-cache", ".")
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == _fixed(200) == other.read_text()
    assert "restored" not in result.stderr
    assert not backup.exists()


def test_a_backup_that_names_no_file_of_this_checkout_is_not_restored(linked: tuple[Path, Path]) -> None:
    path, _ = linked
    planted = path.parent / ".a.py.abcdefgh.vectra-tmp"  # committed by someone else
    planted.write_bytes(files.BACKUP_MAGIC + b"a.py\0" + b"1:1\0" + b"import evil\n")
    result = run("check", "--fix", "--no-cache", ".")
    assert result.exit_code == 0
    assert path.read_text() == _fixed(200)
    assert "restored" not in result.stderr
    assert not planted.exists()  # removed as any leftover
