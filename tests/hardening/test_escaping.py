"""Names and text from the checked tree cannot inject workflow commands or terminal sequences."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import run

EVIL = "evil\n::warning file=pwned.py,line=1::INJECTED.py"
SHOWN = "evil\\n::warning file=pwned.py,line=1::INJECTED.py"
MESSAGE = "VL401 [-] `print` call; log through the logger instead (§6.2)"


def _lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize("output_format", ["concise", "text", "github"])
def test_a_file_name_with_a_line_break_never_starts_a_workflow_command(project: Path, output_format: str) -> None:
    (project / EVIL).write_text('"""Doc."""\nprint(1)\n')
    (project / "gone.py").symlink_to(EVIL + ".missing")  # an error message naming a path
    result = run("check", "--output-format", output_format, ".", EVIL + ".missing")
    assert result.exit_code == 2
    for line in _lines(result.stdout) + _lines(result.stderr):
        assert not line.startswith("::warning"), line
    assert f"error: {SHOWN}.missing: no such file or directory" in _lines(result.stderr)
    if output_format == "github":
        assert _lines(result.stdout)[0].startswith("::error title=vectra-lint (VL401),file=evil%0A%3A%3Awarning ")
    else:
        assert any(line.startswith(f"{SHOWN}:2:1: {MESSAGE}") for line in _lines(result.stdout))


def test_terminal_sequences_and_bidi_overrides_are_shown_escaped(project: Path) -> None:
    name = "a\x1b]8;;http:x\x07b\u202eyp.c\x9b.py"
    (project / name).write_text('"""Doc."""\nprint(1)  # \x1b[2J \u202e\n')
    result = run("check", "--output-format", "text", ".")
    shown = "a\\x1b]8;;http:x\\x07b\\u202eyp.c\\x9b.py"
    assert result.stdout.splitlines()[:6] == [
        f"{shown}:2:1: {MESSAGE}",
        "  |",
        "2 | print(1)  # \\x1b[2J \\u202e",
        "  | ^^^^^^^^ VL401",
        "  |",
        "  = help: Replace with `logger.info(...)` (unsafe)",
    ]
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\x9b" not in result.output


def test_columns_after_an_escaped_character_still_point_at_the_code(project: Path) -> None:
    (project / "a.py").write_text('"""Doc."""\nx = "\x1b"; print(1)\n')
    result = run("check", "--output-format", "text", "a.py")
    assert result.stdout.splitlines()[2:4] == [
        '2 | x = "\\x1b"; print(1)',
        "  | " + " " * 12 + "^^^^^^^^ VL401",
    ]
