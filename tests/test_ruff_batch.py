"""The texts a fix pass changed are checked by one Ruff process per chunk, with the findings each
text gets alone (``ruff.check_texts``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vectra_lint.cli import main
from vectra_lint.config.settings import Settings
from vectra_lint.pipeline import ruff

SETTINGS = Settings(root=Path("."), enabled=frozenset(), ruff_selected=("E", "W", "F"), line_length=40)

TEXTS = [
    ("import os\nimport sys\n\nx = sys.argv  \n", "app/a.py"),
    ('"""P."""\n\nfrom .mod import thing\nimport json\n', "app/__init__.py"),
    ("def f():\n    y = 1\n    return 'a very long line that goes past forty'\n", "b.py"),
    ("import os\r\nprint( 1)\r\n", "app/crlf.py"),
    ("x: int = 1\nimport os\n", "stubs/a.pyi"),
]


def _without_filename(records: list[ruff.Record]) -> list[ruff.Record]:
    return [{key: value for key, value in record.items() if key != "filename"} for record in records]


def test_each_text_gets_what_it_gets_alone() -> None:
    answers = ruff.check_texts(TEXTS, SETTINGS)
    for (text, display), answer in zip(TEXTS, answers, strict=True):
        assert isinstance(answer, list)
        assert answer, display
        assert _without_filename(answer) == _without_filename(ruff.check_text(text, display, SETTINGS))


def test_texts_are_checked_together_and_a_crash_is_the_answer_of_its_text_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands: list[list[str]] = []
    run = ruff._run

    def crashing(command: list[str], stdin: str | None = None) -> list[ruff.Record]:
        commands.append(command)
        if stdin is not None and "CRASH" in stdin:
            raise ruff.RuffCrash("ruff failed (exit code 101): alone")
        if any(name.endswith("c.py") for name in command):
            raise ruff.RuffCrash("ruff failed (exit code 101): together")
        return run(command, stdin)

    monkeypatch.setattr(ruff, "_run", crashing)
    texts = [("import os\n", "a.py"), ("import sys\n", "b.py"), ("CRASH = 1\n", "c.py"), ("x = 1  \n", "d.py")]
    answers = ruff.check_texts(texts, SETTINGS)
    assert [[record["code"] for record in answer] for answer in answers if isinstance(answer, list)] == [
        ["F401"],
        ["F401"],
        ["W291"],
    ]
    assert str(answers[2]) == "ruff failed (exit code 101): alone"
    # One process for the four; the half with c.py, c.py alone and then from its text; d.py.
    assert len(commands) == 6


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Each Ruff command run, in order."""
    seen: list[list[str]] = []
    run = ruff._run

    def counting(command: list[str], stdin: str | None = None) -> list[ruff.Record]:
        seen.append(command)
        return run(command, stdin)

    monkeypatch.setattr(ruff, "_run", counting)
    return seen


def test_a_code_that_depends_on_the_folder_checks_each_text_alone(commands: list[list[str]]) -> None:
    settings = Settings(root=Path("."), enabled=frozenset(), ruff_selected=("E", "I001"))
    answers = ruff.check_texts([("import os\n", "a.py"), ("import sys\n", "b.py")], settings)
    assert answers == [[], []]
    assert all("--stdin-filename" in command for command in commands)
    assert len(commands) == 2


def test_a_fix_run_checks_a_chunks_fixed_texts_with_one_ruff_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, commands: list[list[str]]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2", "E", "W", "F"]\n')
    source = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n"
    fixed = "import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\n"
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(source)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--fix", "--no-cache", "--jobs", "1", "."], catch_exceptions=False)
    assert "Fixed 3 errors" in result.output
    assert all((tmp_path / name).read_text() == fixed for name in ("a.py", "b.py", "c.py"))
    # The files as read, then the three fixed texts.
    assert len(commands) == 2
