"""Files that crash or stall a parser are reported for themselves; every other file is reported."""

from __future__ import annotations

import ast
import faulthandler
import os
import signal
from pathlib import Path

import libcst as cst
import pytest

from tests.hardening.conftest import run
from vectra_lint.pipeline import isolation, ruff, runner

PRINT = "print(1)\n"


def _cpython_verdict(source: str, name: str) -> str:
    """The VL001 line CPython's own verdict on ``source`` gives."""
    try:
        compile(source, name, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return f"{name}:{error.lineno}:{error.offset}: VL001 SyntaxError: {error.msg}"
    except RecursionError as error:
        return f"{name}:1:1: VL001 CPython cannot compile this file: {error}"
    raise AssertionError("CPython accepts the source")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts libcst is asked to parse during the test."""
    seen: list[str] = []
    original = cst.parse_module

    def recording(source: str, *args: object, **kwargs: object) -> cst.Module:
        seen.append(source)
        return original(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cst, "parse_module", recording)
    return seen


def _others(project: Path) -> list[str]:
    for index in range(4):
        (project / f"ok{index}.py").write_text(f'"""Doc."""\n\n{PRINT}')
    return [f"ok{index}.py:3:1: VL401 [-] `print` call; log through the logger instead (§6.2)" for index in range(4)]


def test_5000_nested_brackets_are_cpythons_syntax_error_and_never_reach_libcst(
    project: Path, parsed: list[str]
) -> None:
    source = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    (project / "deep.py").write_text(source)
    expected = _others(project)
    result = run("check", "--output-format", "concise", "-j1", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:5] == [_cpython_verdict(source, "deep.py"), *expected]
    assert source not in parsed


@pytest.mark.expensive
def test_50000_term_expression_is_reported_alone_and_ruff_crashing_on_it_costs_nothing_else(
    project: Path, parsed: list[str]
) -> None:
    source = "x = " + "+".join(["1"] * 50000) + "\n"
    (project / "long.py").write_text(source)
    (project / "spaces.py").write_text('"""Doc."""\nx = 1 \n')  # W291, found by Ruff
    expected = [*_others(project), "spaces.py:2:6: W291 [*] Trailing whitespace"]
    result = run("check", "--output-format", "concise", "--extend-select", "W291", "-j1", ".")
    try:
        verdict = _cpython_verdict(source, "long.py")
    except AssertionError:
        # CPython 3.10's parser accepts it (3.11+ refuse it as too deep): then it is a file that
        # cannot be analysed, said on stderr, and the run fails with 2.
        assert result.exit_code == 2, result.output
        assert result.stdout.splitlines()[:5] == expected
        assert "error: long.py: cannot analyse: its syntax tree is 5000" in result.stderr
    else:
        assert result.exit_code == 1, result.output
        assert result.stdout.splitlines()[:6] == [verdict, *expected]
    assert source not in parsed


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("attributes", "x = a" + ".b" * 2000 + "\n"),
        ("calls", "x = f" + "()" * 2000 + "\n"),
        ("conditionals", "x = " + "1 if a else " * 2000 + "2\n"),
        ("a chain over many lines", "x = (\n" + " +\n".join(["    1"] * 2000) + "\n)\n"),
    ],
)
def test_deep_code_cpython_accepts_cannot_be_analysed_and_says_so(
    project: Path, parsed: list[str], name: str, source: str
) -> None:
    # libcst needs several seconds for each of these, and grows with the square of the depth.
    compile(source, "deep.py", "exec", dont_inherit=True)
    (project / "deep.py").write_text(source)
    expected = _others(project)
    result = run("check", "--output-format", "concise", "-j1", ".")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[:4] == expected
    assert "error: deep.py: cannot analyse: its syntax tree is 20" in result.stderr
    assert "levels deep (at most 600 are analysed); exclude it if it is generated code" in result.stderr
    assert source not in parsed


def test_a_tab_after_spaces_cpython_accepts_is_no_syntax_error(project: Path) -> None:
    source = '"""Doc."""\nif True:\n if x:\n\t y = 2\n'
    compile(source, "tabs.py", "exec", dont_inherit=True)
    (project / "tabs.py").write_text(source)
    result = run("check", "--output-format", "concise", "tabs.py")
    assert result.exit_code == 2
    assert "VL001" not in result.output
    assert result.stderr == (
        "error: tabs.py: cannot analyse: libcst cannot parse it although CPython accepts it "
        "(libcst: tokenizer error: no matching outer block for dedent)\n"
    )


def test_a_worker_that_dies_is_replaced_and_only_its_file_is_lost(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = runner.lint_text

    def crashing(path: str, *args: object, **kwargs: object) -> object:
        # What libcst's native parser does on some inputs: the process dies, no exception.
        if path == "crash.py":
            faulthandler.disable()  # pytest's handler would print the worker's stack
            os.kill(os.getpid(), signal.SIGSEGV)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_text", crashing)  # the forked workers inherit it
    (project / "crash.py").write_text(PRINT)
    expected = [
        f"ok{index}.py:3:1: VL401 [-] `print` call; log through the logger instead (§6.2)" for index in range(12)
    ]
    for index in range(12):
        (project / f"ok{index}.py").write_text(f'"""Doc."""\n\n{PRINT}')
    # Too few files for a pool (pre-commit's few) are checked apart from the run's process too.
    for named in (["."], ["crash.py", "ok0.py"], ["crash.py"]):
        result = run("check", "--output-format", "concise", "-j2", *named)
        assert result.exit_code == 2
        shown = len(named) - 1 if named != ["."] else 12
        assert sorted(result.stdout.splitlines()[:shown]) == sorted(expected[:shown])
        assert result.stderr == "error: crash.py: cannot analyse: the process analysing it was killed by SIGSEGV\n"


def test_where_processes_are_spawned_a_few_files_are_checked_in_the_runs_own_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A spawned process imports vectra-lint, libcst and the rules again: most of a second, more
    # than checking a few files costs. Only where processes are forked are they checked apart.
    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started")

    monkeypatch.setattr(isolation, "forks", lambda: False)
    monkeypatch.setattr(isolation, "run_each", started)
    expected = _others(project)
    result = run("check", "--no-cache", "--output-format", "concise", "-j2", "ok0.py", "ok1.py", "ok2.py")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines()[:4] == [*expected[:3], "Found 3 errors."]


def test_a_file_read_only_for_its_facts_whose_process_dies_is_said_and_the_run_goes_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A partial run settles a.py against helpers.py's facts (its VL207 comes from there). When
    # the process gathering them dies, the findings may lack what helpers.py gives: the user hears
    # of it, every run, including one where it is the only file the cache lacks (gathered then
    # apart from the others, in a process of its own).
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL207"]\n')
    (project / "helpers.py").write_text("import time\n\n\ndef helper() -> None:\n    time.sleep(1)\n")
    (project / "a.py").write_text("from helpers import helper\n\n\nasync def handler() -> None:\n    helper()\n")
    for index in range(4):
        (project / f"ok{index}.py").write_text(f"X = {index}\n")
    found = "a.py:5:5: VL207 `helper` blocks the event loop inside `async def handler`: helper -> time.sleep (VL201)"
    assert run("check", "--no-cache", "--output-format", "concise", "-j2", "a.py").stdout.splitlines()[0] == found
    original = runner.gather_facts

    def crashing(path: str, *args: object, **kwargs: object) -> object:
        if path == "helpers.py":
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGSEGV)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "gather_facts", crashing)
    said = (
        "warning: helpers.py: cannot analyse: the process analysing it was killed by SIGSEGV "
        "(it was read for what the files checked take from it)\n"
    )
    for args in (["--no-cache"], [], [], ["--fix"]):
        result = run("check", *args, "--output-format", "concise", "-j2", "a.py")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed!\n", said)


def test_an_unexpected_exception_is_a_bug_report_naming_the_file_with_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = runner.lint_text

    def failing(path: str, *args: object, **kwargs: object) -> object:
        if path == "bug.py":
            raise KeyError("oops")
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_text", failing)
    (project / "bug.py").write_text(PRINT)
    expected = _others(project)
    result = run("check", "--output-format", "concise", "-j1", ".")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[:4] == expected
    assert result.stderr == (
        "error: bug.py: internal error (this is a bug in vectra-lint, please report it): KeyError: 'oops'\n"
    )


def test_an_unexpected_exception_outside_any_file_exits_2_not_1(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("no such thing")

    monkeypatch.setattr(cli, "_report", broken)
    (project / "a.py").write_text(PRINT)
    result = run("check", "a.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: internal error (this is a bug in vectra-lint, please report it): AttributeError: no such thing\n"
    )


def test_ruff_failing_on_one_file_of_a_batch_costs_only_that_files_pep8_findings(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ruff._run

    def failing(command: list[str], stdin: str | None = None) -> list[ruff.Record]:
        if any(part.endswith("bad.py") for part in command):
            raise ruff.RuffCrash("ruff failed (exit code 134): fatal runtime error: stack overflow, aborting")
        return original(command, stdin)

    monkeypatch.setattr(ruff, "_run", failing)
    (project / "bad.py").write_text('"""Doc."""\nx = 1 \n')
    for index in range(3):
        (project / f"ok{index}.py").write_text('"""Doc."""\nx = 1 \n')
    result = run("check", "--output-format", "concise", "--extend-select", "W291", "-j1", ".")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[:3] == [f"ok{index}.py:2:6: W291 [*] Trailing whitespace" for index in range(3)]
    assert result.stderr == (
        "error: bad.py: not fully checked: ruff failed (exit code 134): fatal runtime error: stack overflow, aborting\n"
    )
