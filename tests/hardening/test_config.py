"""A broken pyproject.toml or an unreadable folder is a message naming the problem, with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import run


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"tool = 5\n", "`tool` must be a table, got 5"),
        (b'tool = "vectra-lint"\n', "`tool` must be a table, got 'vectra-lint'"),
        (
            b'[tool.vectra-lint]\nselect = ["VL\xff"]\n',
            "invalid TOML: byte 0xff at offset 32 is not UTF-8 (TOML files are UTF-8)",
        ),
        (b"x = " + b"[" * 5000 + b"\n", "invalid TOML: nested too deeply to read"),
        (b'[tool.vectra-lint]\nexclude = ["!"]\n', "[tool.vectra-lint].exclude: invalid pattern '!'"),
        (b'[tool.vectra-lint]\nextend-exclude = ["!"]\n', "[tool.vectra-lint].extend-exclude: invalid pattern '!'"),
        (b'[tool.vectra-lint.per-file-ignores]\n"!" = ["VL401"]\n', "per-file-ignores: invalid pattern '!'"),
        (b'[tool.vectra-lint.layers]\nroutes = ["!"]\n', "[tool.vectra-lint].layers.routes: invalid pattern '!'"),
    ],
)
def test_a_broken_config_is_named_and_exits_2(project: Path, content: bytes, message: str) -> None:
    (project / "pyproject.toml").write_bytes(content)
    (project / "a.py").write_text("x = 1\n")
    result = run("check", "a.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {project / 'pyproject.toml'}: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_lone_exclamation_mark_in_gitignore_is_skipped_like_git_does(project: Path) -> None:
    (project / ".gitignore").write_text("!\nskipped.py\n")
    (project / "skipped.py").write_text("print(1)\n")
    (project / "a.py").write_text('"""Doc."""\nprint(1)\n')
    result = run("check", "--output-format", "concise", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "a.py:2:1: VL401 [-] `print` call; log through the logger instead (§6.2)"
    assert "skipped.py" not in result.stdout


def test_an_unreadable_folder_while_looking_for_the_config_is_an_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads every folder: the refusal is simulated where the search meets it.
    secret = project / "secret"
    secret.mkdir()
    original = Path.is_file

    def is_file(self: Path) -> bool:
        if self.parent == secret:
            raise PermissionError(13, "Permission denied", str(secret))
        return original(self)

    monkeypatch.setattr(Path, "is_file", is_file)
    result = run("check", "secret")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {secret}: cannot look for pyproject.toml: Permission denied (the project's files are not checked)\n"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "[tool.vectra-lint.rules.VL304]\nerror-code-position = -7\n",
            "[tool.vectra-lint].rules.VL304.error-code-position: expected an integer of at least 0, got -7",
        ),
        (
            '[tool.vectra-lint.rules.debug-script]\npatterns = ["!"]\n',
            "[tool.vectra-lint].rules.debug-script.patterns: invalid glob '!'",
        ),
        (
            '[tool.vectra-lint.rules.missing-module-docstring]\nexempt-paths = ["!"]\n',
            "[tool.vectra-lint].rules.missing-module-docstring.exempt-paths: invalid glob '!'",
        ),
    ],
)
def test_option_values_are_validated_when_the_config_loads(project: Path, table: str, message: str) -> None:
    # error-code-position = -7 used to switch VL304 off silently; a bad glob failed on every file.
    (project / "pyproject.toml").write_text(table)
    (project / "a.py").write_text("x = 1\n")
    result = run("check", "a.py")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {project / 'pyproject.toml'}: {message}")
