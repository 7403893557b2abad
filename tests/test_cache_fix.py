"""``--diff`` and ``--fix`` through the result cache: a second ``--diff`` with nothing changed prints
the same diff without checking anything, ``--fix`` after ``--diff`` writes what it showed, byte for
byte what an uncached ``--fix`` writes; anything an answer depends on invalidates it, and a damaged
or tampered entry is a miss, never written into a file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import CACHE_CONFIG
from vectra_lint.cli import main

# A safe fix (VL201: `await asyncio.sleep`) and an unsafe one (VL401: `print` to a log call).
SLEEPY = 'import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n    print("done")\n'
SAFE_LINE = "+    await asyncio.sleep(1)"
UNSAFE_LINE = '+    logger.info("done")'
# VL403 on a logger of another module: pending until the project phase knows what it is.
LOG = "import logging\n\nlogger = logging.getLogger(__name__)\n"
NOT_A_LOGGER = "class Sink:\n    def error(self, message: str) -> None:\n        pass\n\n\nlogger = Sink()\n"
USES_LOG = (
    "from app.log import logger\n\n\ndef g() -> None:\n    try:\n        run()\n    except OSError:\n"
    '        logger.error("FAIL")\n'
)
CROSS_LINE = '+        logger.error("FAIL", exc_info=True)'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-j", "1", "--output-format", "concise", *args], catch_exceptions=False)


@pytest.fixture
def project(cache_project: Path) -> Path:
    """The cache's project (a service with a cross-file finding, pending until the project phase)
    with a file to fix and a fix that depends on another file."""
    (cache_project / "app" / "sleepy.py").write_text(SLEEPY)
    (cache_project / "app" / "log.py").write_text(LOG)
    (cache_project / "app" / "uses_log.py").write_text(USES_LOG)
    return cache_project


def _fixed_entries(project: Path) -> list[Path]:
    return sorted(path for path in (project / ".vectra-lint-cache").glob("*/fixed/**/*") if path.is_file())


def _sources(project: Path) -> dict[str, bytes]:
    return {str(path.relative_to(project)): path.read_bytes() for path in sorted((project / "app").glob("*.py"))}


def test_a_second_diff_prints_the_same_diff_without_checking_anything(project: Path, checked: list[str]) -> None:
    first = run("--diff", ".")
    assert SAFE_LINE in first.stdout and CROSS_LINE in first.stdout and UNSAFE_LINE not in first.stdout
    assert first.exit_code == 1
    checked.clear()
    second = run("--diff", ".")
    assert (second.stdout, second.exit_code) == (first.stdout, first.exit_code)
    assert checked == []
    assert second.stdout == run("--no-cache", "--diff", ".").stdout
    assert _sources(project)["app/sleepy.py"] == SLEEPY.encode()  # --diff writes nothing


def test_fix_and_diff_do_not_check_a_file_whose_cached_answer_has_nothing_to_fix(
    project: Path, checked: list[str]
) -> None:
    run(".")
    checked.clear()
    # service.py has a finding pending the project phase (VL207), uses_log.py one the project
    # phase fixes: neither is checked again, only the file with a fix of its own is, and the text
    # the project phase makes of uses_log.py, once: what is left of it is reported where it is.
    assert CROSS_LINE in run("--diff", ".").stdout
    assert checked == ["app/sleepy.py", "app/uses_log.py"]
    checked.clear()
    assert CROSS_LINE in run("--diff", ".").stdout
    assert checked == []


def test_fix_after_diff_makes_its_fixes_afresh_and_writes_what_an_uncached_fix_writes(
    project: Path, tmp_path: Path, checked: list[str]
) -> None:
    # CRLF line ends and a BOM: the fixed text is written back in the file's own encoding.
    (project / "app" / "sleepy.py").write_bytes(b"\xef\xbb\xbf" + SLEEPY.replace("\n", "\r\n").encode())
    uncached = tmp_path / "uncached"
    shutil.copytree(project, uncached)
    run("--diff", ".")
    checked.clear()
    fixed = run("--fix", "--show-fixes", ".")
    # What --fix writes is never read from the cache: the file with a fix of its own is linted
    # again; uses_log.py's fix is made by this run's project phase, from the facts the cache holds.
    assert checked == ["app/sleepy.py"]
    assert "Fixed 2 errors" in fixed.stdout
    after = _sources(project)
    assert SAFE_LINE[1:] in after["app/sleepy.py"].decode("utf-8-sig").replace("\r\n", "\n")
    assert after["app/sleepy.py"].startswith(b"\xef\xbb\xbf")
    uncached_run = CliRunner().invoke(
        main, ["check", "-j", "1", "--output-format", "concise", "--no-cache", "--fix", "--show-fixes", str(uncached)]
    )
    assert _sources(uncached) == after
    assert uncached_run.stdout.replace(f"{uncached}/", "") == fixed.stdout
    # Fixed: a second --fix changes nothing.
    assert run("--fix", ".").stdout == run("--no-cache", ".").stdout
    assert _sources(project) == after


def test_a_check_after_fix_answers_the_files_the_fix_loop_fixed_from_the_cache(
    project: Path, checked: list[str]
) -> None:
    run("--fix", ".")
    checked.clear()
    after = run(".")
    # sleepy.py as written is what the fix loop last linted; uses_log.py was fixed by the project
    # phase, after the fix loop, and its new text checked then.
    assert checked == []
    expected = run("--no-cache", ".")
    assert (after.stdout, after.exit_code) == (expected.stdout, expected.exit_code)
    assert UNSAFE_LINE[2:] not in after.stdout and "VL401" in after.stdout


def test_an_edited_source_is_fixed_anew(project: Path, checked: list[str]) -> None:
    run("--diff", ".")
    (project / "app" / "sleepy.py").write_text(SLEEPY.replace("time.sleep(1)", "time.sleep(2)"))
    checked.clear()
    diff = run("--diff", ".")
    assert checked == ["app/sleepy.py"]
    assert "+    await asyncio.sleep(2)" in diff.stdout and SAFE_LINE not in diff.stdout


def test_changed_settings_are_fixed_anew(project: Path, checked: list[str]) -> None:
    assert SAFE_LINE in run("--diff", ".").stdout
    (project / "pyproject.toml").write_text(CACHE_CONFIG.replace('"VL2", ', ""))
    checked.clear()
    diff = run("--diff", ".")
    assert SAFE_LINE not in diff.stdout and CROSS_LINE in diff.stdout
    assert "app/sleepy.py" in checked


def test_unsafe_fixes_have_answers_of_their_own(project: Path, checked: list[str]) -> None:
    safe = run("--diff", ".")
    checked.clear()
    unsafe = run("--diff", "--unsafe-fixes", ".")
    assert UNSAFE_LINE in unsafe.stdout and SAFE_LINE in unsafe.stdout
    # other.py has an unsafe fix too (VL401): the safe run's answer for it is no answer here.
    assert checked == ["app/other.py", "app/sleepy.py"]
    checked.clear()
    assert run("--diff", ".").stdout == safe.stdout
    assert run("--diff", "--unsafe-fixes", ".").stdout == unsafe.stdout
    assert checked == []


def test_a_changed_other_file_changes_what_the_project_phase_fixes(project: Path, checked: list[str]) -> None:
    assert CROSS_LINE in run("--diff", ".").stdout
    (project / "app" / "log.py").write_text(NOT_A_LOGGER)
    checked.clear()
    diff = run("--diff", ".")
    # uses_log.py did not change, but what its call's receiver is did: no fix any more.
    assert "app/uses_log.py" not in diff.stdout and SAFE_LINE in diff.stdout
    assert checked == ["app/log.py"]
    run("--fix", ".")
    assert (project / "app" / "uses_log.py").read_text() == USES_LOG


def _tamper(project: Path, change: dict[str, object]) -> None:
    (entry,) = _fixed_entries(project)
    found = json.loads(entry.read_text())
    found.update(change)
    entry.write_text(json.dumps(found))


EVIL = "import os\nos.system('echo owned')\n"
BROKEN = "async def f(:\n"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda entry: {"text": EVIL}, id="text without its digest"),
        pytest.param(lambda entry: {"text": EVIL, "text-digest": _digest(EVIL)}, id="text with its digest"),
        pytest.param(lambda entry: {"source": "0" * 64}, id="bound to other bytes"),
        pytest.param(lambda entry: {"text": BROKEN, "text-digest": _digest(BROKEN)}, id="text that does not parse"),
        pytest.param(lambda entry: {"fixed": "2"}, id="a field of the wrong type"),
        pytest.param(lambda entry: {"extra": 1}, id="an unknown field"),
        pytest.param(lambda entry: {"settled": [["x"]]}, id="a damaged diagnostic"),
        pytest.param(lambda entry: {"text": entry["text"] + "\ud800", "text-digest": "0"}, id="not UTF-8"),
    ],
)
def test_fix_never_writes_a_fixed_text_from_the_cache(
    project: Path, checked: list[str], change: object, tmp_path: Path
) -> None:
    run("--diff", "app/sleepy.py")
    (entry,) = _fixed_entries(project)
    assert callable(change)
    _tamper(project, change(json.loads(entry.read_text())))
    checked.clear()
    expected = tmp_path / "expected"
    shutil.copytree(project, expected)
    uncached = run("--no-cache", "--fix", str(expected / "app" / "sleepy.py"))
    checked.clear()
    assert run("--fix", "app/sleepy.py").exit_code == uncached.exit_code == 1  # the unsafe fix is left
    assert checked == ["app/sleepy.py"]
    assert (project / "app" / "sleepy.py").read_bytes() == (expected / "app" / "sleepy.py").read_bytes()


def _digest(text: str) -> str:
    from vectra_lint.pipeline.cache import text_digest

    return text_digest(text.encode())


def test_a_damaged_fixed_entry_is_a_miss_for_diff(project: Path, checked: list[str]) -> None:
    first = run("--diff", "app/sleepy.py")
    (entry,) = _fixed_entries(project)
    entry.write_text(entry.read_text()[:-10])
    checked.clear()
    assert run("--diff", "app/sleepy.py").stdout == first.stdout
    assert checked == ["app/sleepy.py"]
