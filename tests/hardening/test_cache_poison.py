"""The result cache holds data, never code: a poisoned, foreign, damaged or committed entry is a
miss, a symlinked folder is never written through, and read-only commands create no folder."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import VIA_HELPER, git
from vectra_lint.cli import main
from vectra_lint.pipeline import cache


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-j", "1", "--output-format", "concise", *args])


@pytest.fixture
def project(cache_project: Path) -> Path:
    # Not the hardening suite's bare project: the cache's, with a cross-file finding.
    return cache_project


def _entries(project: Path, kind: str) -> list[Path]:
    return sorted(path for path in (project / ".vectra-lint-cache").glob(f"*/{kind}/**/*") if path.is_file())


class _Boom:
    """Unpickling this runs code: it creates a file named ``ran``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickle_planted_in_the_cache_never_runs(project: Path, checked: list[str]) -> None:
    expected = run("--no-cache", ".")
    run(".")
    marker = project.parent / "ran"
    poison = pickle.dumps(_Boom(marker))
    for entry in (
        *_entries(project, "files"),
        *_entries(project, "project"),
        *(project / ".vectra-lint-cache" / "settings").iterdir(),
    ):
        entry.write_bytes(poison)
    checked.clear()
    again = run(".")
    assert not marker.exists()
    assert (again.stdout, again.exit_code) == (expected.stdout, expected.exit_code)
    assert VIA_HELPER in again.stdout
    # Every entry was a miss: each file was checked anew (and the entries rewritten as JSON).
    assert sorted(checked) == ["app/__init__.py", "app/helpers.py", "app/other.py", "app/service.py"]
    assert all(json.loads(entry.read_text()) for entry in _entries(project, "files"))


@pytest.mark.parametrize(
    "name",
    ["os:system", "subprocess:Popen", "builtins:eval", "vectra_lint.cli:Progress", "pathlib:Path"],
)
@pytest.mark.parametrize("part", ["settled", "pending", "facts"])
def test_json_naming_a_class_not_allowed_is_a_miss(project: Path, checked: list[str], name: str, part: str) -> None:
    expected = run("--no-cache", ".")
    run(".")
    foreign = ["D", name, "echo pwned"]
    for entry in _entries(project, "files"):
        data = json.loads(entry.read_text())
        if part == "settled":
            data["settled"] = ["t", foreign]
        elif part == "pending":
            data["pending"] = json.dumps(["t", foreign])
        else:
            data["facts"] = json.dumps({"module_summary": foreign})
        entry.write_text(json.dumps(data))
    for entry in _entries(project, "project"):
        entry.unlink()  # the project phase then reads the pending diagnostics and facts
    checked.clear()
    again = run(".")
    assert (again.stdout, again.exit_code) == (expected.stdout, expected.exit_code)
    assert VIA_HELPER in again.stdout
    assert checked  # the damaged entries were checked anew


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "",
        lambda text: text[: len(text) // 2],
        lambda text: text.replace('"facts":', '"fact":'),
        lambda text: text.replace(",9,", ',"9",'),
        lambda text: "[" * 100_000,
        lambda text: '{"settled": NaN}',
    ],
    ids=["empty", "partial", "no-facts", "wrong-type", "deep", "constant"],
)
def test_a_damaged_entry_is_a_miss_and_cross_module_findings_stay(project: Path, damage: Callable[[str], str]) -> None:
    expected = run("--no-cache", ".")
    run(".")
    for entry in _entries(project, "files") + _entries(project, "project"):
        entry.write_text(damage(entry.read_text()))
    again = run(".")
    assert (again.stdout, again.exit_code) == (expected.stdout, expected.exit_code)
    assert VIA_HELPER in again.stdout


def test_damaged_facts_of_a_hit_are_a_miss_not_a_lost_finding(project: Path) -> None:
    run(".")
    (project / "app" / "other.py").write_text('print("y")\n')  # the project phase must run again
    for entry in _entries(project, "files"):
        data = json.loads(entry.read_text())
        data["facts"] = json.dumps(["D", "os:system", "x"])
        entry.write_text(json.dumps(data))
    assert VIA_HELPER in run(".").stdout


def test_a_cache_folder_tracked_by_git_is_not_used(project: Path, checked: list[str]) -> None:
    expected = run("--no-cache", ".")
    git(project, "init", "-q")
    run(".")
    git(project, "add", "-f", ".vectra-lint-cache")
    git(project, "commit", "-qm", "a committed cache")
    before = {path: path.stat().st_mtime_ns for path in (project / ".vectra-lint-cache").rglob("*")}
    checked.clear()
    again = run(".")
    assert again.stdout == expected.stdout
    assert "git tracks files in the cache folder" in again.stderr
    assert len(checked) == 4  # nothing read from it
    after = {path: path.stat().st_mtime_ns for path in (project / ".vectra-lint-cache").rglob("*")}
    assert after == before  # nothing written there


def test_a_symlinked_cache_folder_is_not_written_through(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / ".vectra-lint-cache").symlink_to(outside, target_is_directory=True)
    expected = run("--no-cache", ".")
    result = run(".")
    assert result.stdout == expected.stdout
    assert "is a symlink; running without the cache" in result.stderr
    assert list(outside.iterdir()) == []


def test_a_symlinked_gitignore_in_the_cache_is_never_written_through(project: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    folder = project / ".vectra-lint-cache"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(victim)
    result = run(".")
    assert not victim.exists()
    assert ".gitignore is not a regular file" in result.stderr
    victim.write_text("mine\n")
    run(".")
    assert victim.read_text() == "mine\n"
    assert sorted(path.name for path in folder.iterdir()) == [".gitignore"]


def test_a_symlinked_entry_folder_is_not_written_through(project: Path, tmp_path: Path) -> None:
    run(".")
    outside = tmp_path / "outside"
    outside.mkdir()
    base = next(path for path in (project / ".vectra-lint-cache").iterdir() if path.is_dir() and len(path.name) == 24)
    shutil.rmtree(base / "files")
    (base / "files").symlink_to(outside, target_is_directory=True)
    (project / "app" / "other.py").write_text('print("z")\n')
    expected = run("--no-cache", ".")
    assert run(".").stdout == expected.stdout
    assert list(outside.iterdir()) == []


def test_a_shard_folder_swapped_for_a_symlink_during_a_run_is_not_written_through(tmp_path: Path) -> None:
    # One run's cache checks a shard's path once, then only that the shard is the folder it checked.
    folder, outside = tmp_path / "project" / cache.CACHE_DIR, tmp_path / "outside"
    outside.mkdir()
    results = cache.ResultCache(folder, "d" * 64)
    first, second = "ab" + "1" * 62, "ab" + "2" * 62
    entry = {"facts": "{}", "pending": ""}
    results._write(results._entry_path("facts", first), json.dumps(entry))
    shard = results._entry_path("facts", first).parent
    assert [path.name for path in shard.iterdir()] == [first]
    shutil.rmtree(shard)
    shard.symlink_to(outside, target_is_directory=True)
    results._write(results._entry_path("facts", second), json.dumps(entry))
    assert list(outside.iterdir()) == []
    assert shard.is_symlink()


@pytest.mark.parametrize(
    "args", [["--show-settings", "."], ["--show-files", "."], ["empty"]], ids=["show-settings", "show-files", "empty"]
)
def test_read_only_commands_create_no_cache_folder(project: Path, args: list[str]) -> None:
    (project / "empty").mkdir()
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert not (project / ".vectra-lint-cache").exists()
    assert not (project / "empty" / ".vectra-lint-cache").exists()


def test_clean_removes_the_cache_folder_and_nothing_else(project: Path, tmp_path: Path) -> None:
    runner_ = CliRunner()
    assert runner_.invoke(main, ["clean"]).stdout == "No cache to remove.\n"
    run(".")
    assert (project / ".vectra-lint-cache").is_dir()
    result = runner_.invoke(main, ["clean"])
    assert result.exit_code == 0
    assert result.stdout == f"Removed {project / '.vectra-lint-cache'}.\n"
    assert not (project / ".vectra-lint-cache").exists()
    assert (project / "app" / "service.py").exists()
    # A symlink there, or a folder vectra-lint did not make, is left alone.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    (project / ".vectra-lint-cache").symlink_to(outside, target_is_directory=True)
    refused = runner_.invoke(main, ["clean"])
    assert refused.exit_code == 2
    assert "not a vectra-lint cache folder" in refused.stderr
    assert (outside / "keep.txt").read_text() == "keep"
    (project / ".vectra-lint-cache").unlink()
    (project / ".vectra-lint-cache").mkdir()
    (project / ".vectra-lint-cache" / "notes.txt").write_text("mine")
    assert runner_.invoke(main, ["clean"]).exit_code == 2
    assert (project / ".vectra-lint-cache" / "notes.txt").exists()


def test_prune_removes_the_oldest_entries_past_the_cap(project: Path) -> None:
    run(".")
    folder = project / ".vectra-lint-cache"
    entries = _entries(project, "files")
    for age, entry in enumerate(entries):
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and path.name != ".gitignore")
    removed = cache.prune(folder, cap=total - 1)
    assert removed >= 1
    assert not entries[0].exists()
    assert entries[-1].exists()
    assert (folder / ".gitignore").exists()
    assert cache.prune(folder, cap=10**9) == 0


def test_a_run_that_writes_prunes_a_folder_past_the_cap(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(".")
    old = _entries(project, "files")
    (project / ".vectra-lint-cache" / ".pruned").unlink()
    monkeypatch.setattr(cache, "SIZE_CAP", 1)
    (project / "app" / "other.py").write_text('print("new")\n')
    expected = run("--no-cache", ".")
    assert run(".").stdout == expected.stdout
    assert [entry for entry in old if entry.exists()] == []
    assert (project / ".vectra-lint-cache" / ".gitignore").exists()
    # Looked at once an hour, not on every run.
    (project / "app" / "other.py").write_text('print("newer")\n')
    run(".")
    assert len(_entries(project, "files")) >= 2
