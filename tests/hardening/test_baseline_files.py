"""`baseline` writes atomically, never through a symlink, outside the project or over a file that
is not a baseline; a malformed baseline is a clear error; fingerprints survive real edits."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.conftest import run
from vectra_lint.pipeline import baseline

SOURCE = 'def main() -> None:\n    print("start")\n'


@pytest.fixture
def project(project: Path) -> Path:
    (project / "a.py").write_text(SOURCE)
    return project


def test_a_full_disk_keeps_the_old_baseline(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("baseline", "--output", "base.json", ".").exit_code == 0
    old = (project / "base.json").read_text()
    (project / "a.py").write_text(SOURCE + 'print("more")\n')

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(baseline.os, "fsync", full)
    result = run("baseline", "--output", "base.json", ".")
    assert result.exit_code == 2
    assert result.stderr == "error: base.json: cannot write the baseline (the disk is full); the old one is unchanged\n"
    assert (project / "base.json").read_text() == old
    assert [name for name in os.listdir(project) if name.startswith(".base.json")] == []


def test_the_file_size_limit_keeps_the_old_baseline(project: Path) -> None:
    for index in range(40):
        (project / f"m{index}.py").write_text(f'print("{index}")\n')
    assert run("baseline", "--output", "base.json", "a.py").exit_code == 0
    old = (project / "base.json").read_text()
    script = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({len(old) + 50}, {len(old) + 50}))\n"
        "from vectra_lint.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "baseline", "--output", "base.json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "base.json: cannot write the baseline (File too large); the old one is unchanged" in result.stderr
    assert (project / "base.json").read_text() == old


def test_a_symlinked_baseline_is_not_written_through(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    victim = tmp_path_factory.mktemp("outside") / "victim.json"
    victim.write_text('{"entries": []}')
    (project / "base.json").symlink_to(victim)
    result = run("baseline", "--output", "base.json", ".")
    assert result.exit_code == 2
    assert result.stderr == "error: base.json is a symlink; the baseline is not written through it\n"
    assert victim.read_text() == '{"entries": []}'


@pytest.mark.parametrize("target", ["../x.json", "../../x.json", "/tmp/x.json"])
def test_a_config_baseline_outside_the_project_is_refused(project: Path, target: str) -> None:
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + f'baseline = "{target}"\n')
    outside = (project / target).resolve()
    before = outside.read_bytes() if outside.exists() else None
    result = run("baseline")
    assert result.exit_code == 2
    assert "is outside the project" in result.stderr
    assert (outside.read_bytes() if outside.exists() else None) == before


@pytest.mark.parametrize("name", ["a.py", "pyproject.toml", "notes.json"])
def test_a_file_that_is_not_a_baseline_is_not_overwritten(project: Path, name: str) -> None:
    if name == "notes.json":
        (project / name).write_text('{"important": true}\n')
    before = (project / name).read_bytes()
    result = run("baseline", "--output", name, ".")
    assert result.exit_code == 2
    assert result.stderr == f"error: {name} exists and is not a vectra-lint baseline; it was left as it is\n"
    assert (project / name).read_bytes() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": Infinity}]}', "Infinity"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": NaN}]}', "NaN"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": -Infinity}]}', "-Infinity"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": 1e400}]}', "1e400"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": 1.5}]}', "`count`"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": "3"}]}', "`count`"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": true}]}', "`count`"),
        ('{"entries": [{"fingerprint": "x", "path": "a.py", "count": 10000000000000000000000}]}', "`count`"),
        ('{"entries": [{"fingerprint": 1, "path": "a.py"}]}', "must be strings"),
        ('{"entries": [["x"]]}', "not an object"),
        ('{"entries": {"x": 1}}', "list of `entries`"),
        ("[]", "list of `entries`"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"entries": ' + "[" * 100_000, "not a vectra-lint baseline"),
        ("\xff\xfe", "not a vectra-lint baseline"),
    ],
)
def test_a_malformed_baseline_is_a_clear_error(project: Path, content: str, says: str) -> None:
    (project / "base.json").write_bytes(
        content.encode("utf-8", "surrogateescape") if content != "\xff\xfe" else b"\xff\xfe"
    )
    result = run("check", "--baseline", "base.json", "a.py")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: base.json: not a vectra-lint baseline (")
    assert says in result.stderr
    assert "internal error" not in result.stderr


def test_a_fifo_as_baseline_is_an_error_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "base.json")
    result = run("check", "--baseline", "base.json", "a.py")
    assert result.exit_code == 2
    assert result.stderr == "error: base.json: not a vectra-lint baseline (not a regular file)\n"


MODULE_CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL401", "VL601"]\n'


def test_a_module_level_finding_survives_an_import_added_at_the_top(project: Path) -> None:
    (project / "pyproject.toml").write_text(MODULE_CONFIG)
    (project / "a.py").write_text("x = 1\n")
    assert run("baseline", "--output", "base.json", ".").stdout == "Wrote 1 finding to base.json.\n"
    for edited in ("import os\nx = 1\n", "# A comment.\nx = 2\n", "from typing import Any\n\nx: Any = 1\n"):
        (project / "a.py").write_text(edited)
        result = run("check", "--baseline", "base.json", ".")
        assert result.exit_code == 0, result.stdout
        assert result.stdout == "1 finding in the baseline not shown.\nAll checks passed!\n"


def test_a_finding_reformatted_or_touched_by_another_fix_stays_matched(project: Path) -> None:
    (project / "a.py").write_text('def main() -> None:\n    print("start", 1)  # noqa: VL001\n')
    assert run("baseline", "--output", "base.json", ".").exit_code == 0
    # --fix removes the unused noqa (VL002): the print's line changes, the print does not.
    assert run("check", "--fix", "--baseline", "base.json", ".").exit_code == 0
    assert (project / "a.py").read_text() == 'def main() -> None:\n    print("start", 1)\n'
    for reformatted in (
        "def main() -> None:\n    print('start', 1)\n",
        'def main() -> None:\n    print(\n        "start",\n        1,\n    )\n',
        '"""Doc."""\n\n\ndef main() -> None:\n    print("start",   1)\n',
    ):
        (project / "a.py").write_text(reformatted)
        result = run("check", "--baseline", "base.json", ".")
        assert result.exit_code == 0, result.stdout
        assert result.stdout.startswith("1 finding in the baseline not shown.\n")


def test_a_changed_finding_is_new_and_its_entry_stale(project: Path) -> None:
    assert run("baseline", "--output", "base.json", ".").exit_code == 0
    (project / "a.py").write_text(SOURCE.replace('"start"', '"begin"'))
    result = run("check", "--baseline", "base.json", "--output-format", "concise", ".")
    assert result.exit_code == 1
    assert "a.py:2:5: VL401" in result.stdout
    assert "1 baseline entry no longer matches" in result.stdout


def test_entries_of_rules_that_did_not_run_are_not_stale(project: Path) -> None:
    (project / "pyproject.toml").write_text(MODULE_CONFIG)
    assert run("baseline", "--output", "base.json", ".").stdout == "Wrote 2 findings to base.json.\n"
    for narrower in (["--select", "VL401"], ["--ignore", "VL601"]):
        result = run("check", *narrower, "--baseline", "base.json", ".")
        assert result.exit_code == 0
        assert result.stdout == "1 finding in the baseline not shown.\nAll checks passed!\n"
    # The rule ran and the finding is gone: stale.
    (project / "a.py").write_text('"""Doc."""\n\n\n' + SOURCE)
    assert "1 baseline entry no longer matches" in run("check", "--baseline", "base.json", ".").stdout


def test_a_baseline_of_an_earlier_version_still_matches(project: Path) -> None:
    # Fingerprinted by the first line's text, as version 0.1 wrote them.
    legacy = baseline._hash("VL401", "a.py", "main", 'print("start")')
    entry = {"fingerprint": legacy, "code": "VL401", "path": "a.py", "scope": "main", "source": 'print("start")'}
    (project / "base.json").write_text(json.dumps({"version": 1, "tool": "vectra-lint", "entries": [entry]}))
    result = run("check", "--baseline", "base.json", ".")
    assert result.stdout == "1 finding in the baseline not shown.\nAll checks passed!\n"
