"""What the checked tree names cannot start a workflow command or drive the terminal anywhere the
CLI prints it, and a file name that is not UTF-8 leaves every report valid."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.hardening.conftest import run
from vectra_lint.cli import main

COMMAND_NAMES = ["::error title=X::y.py", " \t::warning::z.py", "\u3000::notice::w.py"]
CONTROL = ["\x1b]0;t\x07", "\x9b2J", "\u202e", "\x0c", "\x85"]


def _no_command_line(output: str) -> None:
    for line in output.splitlines():
        assert not line.strip().startswith("::"), line


@pytest.mark.parametrize("name", COMMAND_NAMES)
@pytest.mark.parametrize("output_format", ["concise", "text"])
def test_a_name_like_a_workflow_command_never_starts_a_line(project: Path, name: str, output_format: str) -> None:
    (project / name).write_text("print(1)\n")
    result = run("check", "--no-cache", "--output-format", output_format, ".")
    assert result.exit_code == 1
    _no_command_line(result.stdout)
    assert result.stdout.startswith(name.split("::")[0] + "\\x3a:")
    shown = run("check", "--show-files", ".")
    _no_command_line(shown.stdout)
    fixed = run("check", "--no-cache", "--fix", "--unsafe-fixes", "--show-fixes", ".")
    _no_command_line(fixed.stdout)


@pytest.mark.parametrize("control", CONTROL)
def test_show_files_show_fixes_and_diff_escape_control_characters(project: Path, control: str) -> None:
    name = f"a{control}b.py"
    (project / name).write_text(f'x = "{control}"\nprint(1)\n')
    for args in (("--show-files",), ("--diff", "--unsafe-fixes"), ("--fix", "--unsafe-fixes", "--show-fixes")):
        result = run("check", "--no-cache", *args, ".")
        assert control not in result.output, args
        assert repr(control)[1:-1] in result.output, args


def test_the_diff_keeps_a_form_feed_inside_its_line(project: Path) -> None:
    (project / "a.py").write_text('x = "\f"; print(1)\n')
    result = run("check", "--no-cache", "--diff", "--unsafe-fixes", "a.py")
    assert '-x = "\\x0c"; print(1)\n' in result.stdout


def test_commit_message_headers_are_shown_escaped(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL801"]\n')
    (project / "::msg").write_text("Bad\x1b[31m\u202e header\n")
    result = run("commit-msg", "::msg")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("\\x3a:msg:1:1: VL801 `Bad\\x1b[31m\\u202e header`")


@pytest.mark.parametrize("control", ["\x1b[2J", "\u202e"])
def test_notices_are_shown_escaped(project: Path, control: str) -> None:
    root = project / f"r{control}x"
    (root / "app" / "schemas").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL0", "VL703"]\n')
    schema = "from pydantic import BaseModel\n\n\nclass User(BaseModel):\n    x: int\n"
    (root / "app" / "schemas" / "user.py").write_text(schema)
    for output_format in ("text", "github"):
        result = run("check", "--no-cache", "--output-format", output_format, str(root))
        assert f"r{repr(control)[1:-1]}x and " in result.stderr, result.stderr
        assert control not in result.output


@pytest.fixture
def odd_name(project: Path) -> Path:
    if os.uname().sysname == "Darwin":
        pytest.skip("macOS file names must be UTF-8")
    path = Path(os.fsdecode(bytes(project) + b"/caf\xe9\xff.py"))
    path.write_text("print(1)\n")
    return path


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_a_name_that_is_not_utf8_leaves_json_and_sarif_valid(project: Path, odd_name: Path, output_format: str) -> None:
    result = run("check", "--no-cache", "--output-format", output_format, ".")
    assert result.exit_code == 1, result.output
    on_stdout = json.loads(result.stdout_bytes.decode("utf-8"))
    written = run("check", "--no-cache", "--output-format", output_format, "--output-file", "report.json", ".")
    assert written.exit_code == 1, written.output
    in_file = json.loads((project / "report.json").read_bytes().decode("utf-8"))
    assert on_stdout == in_file
    if output_format == "json":
        assert [record["path"] for record in in_file] == ["caf\\xe9\\xff.py"]
    else:
        location = in_file["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"] == "caf%E9%FF.py"


@pytest.mark.parametrize("output_format", ["concise", "github", "junit"])
def test_a_name_that_is_not_utf8_leaves_other_formats_utf8(project: Path, odd_name: Path, output_format: str) -> None:
    result = run("check", "--no-cache", "--output-format", output_format, ".")
    assert result.exit_code == 1, result.output
    assert "caf" in result.stdout_bytes.decode("utf-8")


def test_a_name_that_is_not_utf8_is_cached_like_any_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vectra-lint]\n")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"print(1)\n")
    monkeypatch.chdir(tmp_path)
    runs = [CliRunner().invoke(main, ["check", "-q", "--output-format", "concise", "."]) for _ in range(2)]
    for result in runs:
        assert result.exit_code == 1, result.output
        first = result.stdout.splitlines()[0]
        assert first == "caf\\xe9.py:1:1: VL401 [-] `print` call; log through the logger instead (§6.2)"
    assert runs[0].stdout == runs[1].stdout  # the second answered from the cache, the same
