"""Old Mac line ends, stubs, and files the running Python cannot compile."""

from __future__ import annotations

from pathlib import Path

from tests.hardening.conftest import run
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.fixing.apply import fix_text

PRINT_MESSAGE = "VL401 [-] `print` call; log through the logger instead (§6.2)"


def test_cr_only_files_are_located_on_the_right_lines(project: Path) -> None:
    (project / "a.py").write_bytes(b'"""Doc."""\rimport os\rx = 1\rprint(x)  # noqa: VL002\r')
    result = run("check", "--output-format", "concise", "a.py")
    assert result.stdout.splitlines()[:2] == [
        "a.py:4:1: " + PRINT_MESSAGE,
        "a.py:4:11: VL002 [*] Unused `noqa` directive (suppresses nothing): VL002",
    ]


def test_cr_only_files_are_fixed_in_place_of_the_right_text(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(b'"""Doc."""\rx = 1  # noqa: VL401\ry = 2\r')
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 0
    assert path.read_bytes() == b'"""Doc."""\rx = 1\ry = 2\r'


def test_stubs_in_folders_are_not_searched_but_a_stub_named_is_checked(project: Path) -> None:
    (project / "types.pyi").write_text("print(1)\n")
    assert run("check", "--output-format", "concise", ".").stdout == "All checks passed!\n"
    named = run("check", "--output-format", "concise", "types.pyi")
    assert named.stdout.splitlines()[0] == "types.pyi:1:1: " + PRINT_MESSAGE


def test_a_file_python_cannot_compile_is_fixed_and_each_pass_still_reparsed(project: Path) -> None:
    # `return` outside a function: libcst parses it, this (and every) Python refuses to compile it,
    # as it would refuse syntax newer than itself.
    path = project / "a.py"
    path.write_text('"""Doc."""\nreturn 1  # noqa: VL401\n')
    result = run("check", "--fix", "a.py")
    assert path.read_text() == '"""Doc."""\nreturn 1\n'
    assert result.stdout == "Fixed 1 error, 0 remaining.\n"


def test_a_fix_breaking_such_a_file_is_still_caught_by_the_reparse() -> None:
    source = "return (1)\n"

    def lint(text: str) -> tuple[Diagnostic, ...]:
        if text != source:
            return ()
        fix = Fix((Edit(7, 9, ""),), Applicability.SAFE, "drop what closes the bracket")
        return (Diagnostic("a.py", "VL999", "breaker", "message", 1, 8, 1, 10, fix),)

    outcome = fix_text(source, "a.py", lint, unsafe=False, max_passes=10)
    assert outcome.text == source
    assert outcome.error is not None
    assert outcome.error.startswith("fixes for VL999 produced invalid code (")
