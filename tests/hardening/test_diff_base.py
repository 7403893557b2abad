"""``check --diff-base``: whatever git prints (names in any encoding, quoted, without prefixes,
lines that look like headers, another repository's files), the changed lines keep their findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hardening.conftest import run
from tests.helpers import git

OLD = '"""Doc."""\n\nx = 1\n'
NEW = '"""Doc."""\n\nx = 1\nprint(1)\n'


def _repository(folder: Path, *config: tuple[str, str]) -> None:
    git(folder, "init", "-q")
    for key, value in config:
        git(folder, "config", key, value)


def _commit(folder: Path) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "base")


def _reported(*args: str) -> list[str]:
    result = run("check", "--diff-base", "HEAD", "--output-format", "concise", *args)
    assert result.exit_code in (0, 1), result.output
    return [line.split(": VL")[0] for line in result.stdout.splitlines() if ": VL401" in line]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param('q"uote.py', id="double-quote"),
        pytest.param("tab\there.py", id="tab"),
        pytest.param("back\\slash.py", id="backslash"),
        pytest.param("sp ace.py", id="space"),
        pytest.param("\u00e9t\u00e9.py", id="utf-8"),
        pytest.param("bell\x07.py", id="control-character"),
    ],
)
def test_a_name_that_git_quotes_keeps_its_findings(project: Path, name: str) -> None:
    _repository(project)
    (project / name).write_text(OLD)
    _commit(project)
    (project / name).write_text(NEW)
    assert len(_reported(".")) == 1


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS file names must be UTF-8")
def test_a_name_that_is_not_utf8_keeps_its_findings(project: Path) -> None:
    _repository(project)
    path = Path(os.fsdecode(bytes(project) + b"/caf\xe9.py"))
    path.write_text(OLD)
    _commit(project)
    path.write_text(NEW)
    assert len(_reported("--no-cache", ".")) == 1


@pytest.mark.parametrize("byte", [b"\xff", b"\xe9", b"\x80\x81"])
def test_bytes_that_are_not_utf8_in_the_diff_are_no_crash(project: Path, byte: bytes) -> None:
    _repository(project)
    (project / "a.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + OLD.encode())
    (project / "data.bin").write_bytes(b"old\n")
    _commit(project)
    (project / "a.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + NEW.encode() + b"s = '" + byte + b"'\n")
    (project / "data.txt").write_bytes(byte + b"\n")
    assert _reported("a.py") == ["a.py:5:1"]


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(("diff.noprefix", "true"), id="noprefix"),
        pytest.param(("diff.mnemonicPrefix", "true"), id="mnemonic-prefix"),
        pytest.param(("color.diff", "always"), id="colour-always"),
        pytest.param(("diff.external", "false"), id="external-diff"),
        pytest.param(("core.quotePath", "true"), id="quote-path"),
    ],
)
def test_the_users_git_settings_change_nothing(project: Path, config: tuple[str, str]) -> None:
    _repository(project, config)
    (project / "\u00e9.py").write_text(OLD)
    _commit(project)
    (project / "\u00e9.py").write_text(NEW)
    assert _reported(".") == ["\u00e9.py:4:1"]


@pytest.mark.parametrize("header", ["++ b/other.py", "++ /dev/null", "-- a/x.py"])
def test_an_added_line_that_looks_like_a_file_header(project: Path, header: str) -> None:
    _repository(project)
    (project / "a.py").write_text('"""Doc."""\n\nS = """\n"""\nx = 1\n')
    _commit(project)
    (project / "a.py").write_text(f'"""Doc."""\n\nS = """\n{header}\n"""\nx = 1\nprint(1)\n')
    assert _reported(".") == ["a.py:7:1"]


def test_a_file_in_a_nested_repository_is_compared_in_that_repository(project: Path) -> None:
    _repository(project)
    (project / "a.py").write_text(OLD)
    inner = project / "vendor" / "lib"
    inner.mkdir(parents=True)
    _repository(inner)
    (inner / "b.py").write_text(OLD)
    _commit(inner)
    _commit(project)  # the outer repository sees the inner one as a folder it does not track
    (project / "a.py").write_text(NEW)
    (inner / "b.py").write_text(NEW)
    assert _reported(".") == ["a.py:4:1", "vendor/lib/b.py:4:1"]


def test_errors_say_what_failed_without_the_git_command(project: Path) -> None:
    _repository(project)
    (project / "a.py").write_text(OLD)
    _commit(project)
    for ref in ("no-such-ref", "--output=/tmp/x"):
        result = run("check", "--diff-base", ref, ".")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: cannot compare with {ref}: no such commit in the repository at ")
        assert "rev-parse" not in result.stderr and "git -c" not in result.stderr


def test_outside_a_repository_is_said_in_words(project: Path) -> None:
    (project / "a.py").write_text(NEW)
    result = run("check", "--diff-base", "HEAD", ".")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr
