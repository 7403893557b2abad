"""The command line as a user sees it: exact output, exit codes, files on disk."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main

# No layer: these projects are loose files (a layered project would be told which layer matches nothing).
NO_LAYERS = "[tool.vectra-lint.layers]\n" + "".join(
    f"{layer} = []\n" for layer in ("routes", "services", "models", "schemas", "workers", "config")
)
CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL2", "VL3", "VL4"]\n'

BAD = """\
import time


async def poll() -> None:
    time.sleep(1)
"""


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG + NO_LAYERS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_file_exits_zero(project: Path) -> None:
    (project / "ok.py").write_text('"""Fine."""\n')
    result = run("check", "ok.py")
    assert result.exit_code == 0
    assert result.output == "All checks passed!\n"


def test_concise_output_and_exit_one(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--output-format", "concise", ".")
    assert result.exit_code == 1
    assert result.output == (
        "a.py:5:5: VL201 [*] `time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`\n"
        "Found 1 error.\n"
        "[*] 1 fixable with the `--fix` option.\n"
    )


def test_full_output_shows_the_source_line_and_marks_the_span(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "a.py")
    assert result.output.startswith(
        "a.py:5:5: VL201 [*] `time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`\n"
        "  |\n"
        "5 |     time.sleep(1)\n"
        "  |     ^^^^^^^^^^^^^ VL201\n"
        "  |\n"
        "  = help: Replace with `await asyncio.sleep(...)`\n"
    )


def test_missing_path_is_an_error_but_other_files_are_checked(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--output-format", "concise", "missing.py", "a.py")
    assert result.exit_code == 2
    assert "a.py:5:5: VL201" in result.output
    assert "error: missing.py: no such file or directory" in result.output


def test_unparsable_and_undecodable_files_are_reported_and_the_run_goes_on(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    (project / "broken.py").write_text("def broken(:\n    pass\n")
    (project / "latin.py").write_bytes(b'"""Doc."""\n# caf\xe9\n')
    (project / "blob.py").write_bytes(b"\x00\x01binary")
    result = run("check", "--output-format", "concise", ".")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        "a.py:5:5: VL201 [*] `time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`" in lines
    )
    assert "blob.py:1:1: VL001 binary file (contains NUL bytes), not Python source" in lines
    assert "broken.py:1:12: VL001 SyntaxError: invalid syntax" in lines
    assert any(line.startswith("latin.py:2:6: VL001 file is not valid UTF-8: byte 0xe9") for line in lines)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[tool.vectra-lint]\nselct = ["VL"]\n', "unknown key 'selct'"),
        ('[tool.vectra-lint]\nselect = ["VL999"]\n', "unknown rule code, prefix or name 'VL999'"),
        ("[tool.vectra-lint]\nselect = [\n", "invalid TOML"),
        ('[tool.vectra-lint.rules.print-call]\nlevel = "x"\n', "unknown option 'level' for VL401"),
        ('[tool.vectra-lint.layers]\nrepositories = ["app/repos/**"]\n', "unknown layer 'repositories'"),
        ('[tool.vectra-lint]\nrespect-gitignore = "yes"\n', "respect-gitignore: expected true or false"),
        (
            '[tool.vectra-lint.rules.debug-script]\npatterns = "debug_*.py"\n',
            "[tool.vectra-lint].rules.debug-script.patterns: expected a list of strings, got 'debug_*.py'",
        ),
        (
            "[tool.vectra-lint.rules.VL304]\nerror-code-position = -1\n",
            "[tool.vectra-lint].rules.VL304.error-code-position: expected an integer of at least 0, got -1",
        ),
        (
            "[tool.vectra-lint.rules.VL304]\nerror-code-position = true\n",
            "[tool.vectra-lint].rules.VL304.error-code-position: expected an integer, got True",
        ),
        (
            '[tool.vectra-lint.rules.missing-class-docstring]\ndocstring-scope = "private"\n',
            "docstring-scope: expected one of 'all', 'public', got 'private'",
        ),
    ],
)
def test_broken_config_is_a_clear_error(project: Path, config: str, message: str) -> None:
    (project / "pyproject.toml").write_text(config)
    (project / "a.py").write_text(BAD)
    result = run("check", "a.py")
    assert result.exit_code == 2
    assert message in result.output
    assert "pyproject.toml" in result.output


def test_unknown_selector_on_the_command_line(project: Path) -> None:
    result = run("check", "--select", "VL4,NOPE1", ".")
    assert result.exit_code == 2
    assert "command line --select: unknown rule code, prefix or name 'NOPE1'" in result.output


def test_select_by_name_and_ignore_by_prefix(project: Path) -> None:
    (project / "a.py").write_text(BAD + 'print("x")\n')
    only_print = run("check", "--output-format", "concise", "--select", "print-call", ".")
    assert [line.split(" ")[1] for line in only_print.output.splitlines() if ": VL" in line] == ["VL401"]
    no_async = run("check", "--output-format", "concise", "--ignore", "VL2", ".")
    assert "VL201" not in no_async.output and "VL401" in no_async.output


def test_per_file_ignores(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + '[tool.vectra-lint.per-file-ignores]\n"scripts/**" = ["VL401"]\n')
    (project / "scripts").mkdir()
    (project / "scripts" / "run.py").write_text('print("x")\n')
    (project / "app.py").write_text('print("x")\n')
    result = run("check", "--output-format", "concise", ".")
    assert "app.py:1:1: VL401" in result.output
    assert "scripts/run.py" not in result.output


def test_gitignore_and_excludes_are_respected(project: Path) -> None:
    (project / ".gitignore").write_text("generated/\n")
    (project / "pyproject.toml").write_text(CONFIG + 'extend-exclude = ["legacy"]\n')
    for folder in ("generated", "legacy", "app"):
        (project / folder).mkdir()
        (project / folder / "x.py").write_text('print("x")\n')
    result = run("check", "--output-format", "concise", ".")
    assert "app/x.py:1:1: VL401" in result.output
    assert "generated" not in result.output and "legacy" not in result.output
    # Named directly, an excluded file is still checked, unless --force-exclude (pre-commit).
    assert run("check", "legacy/x.py").exit_code == 1
    assert run("check", "--force-exclude", "legacy/x.py").exit_code == 0


def test_an_empty_exclude_list_excludes_nothing(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + "exclude = []\n")
    (project / "build").mkdir()
    (project / "build" / "x.py").write_text('print("x")\n')
    result = run("check", "--output-format", "concise", ".")
    assert "build/x.py:1:1: VL401" in result.output
    assert result.exit_code == 1


def test_noqa_suppresses_on_the_line_and_on_a_multiline_statement(project: Path) -> None:
    source = (
        'print("a")  # noqa: VL401\n'
        "print(\n"
        '    "b",\n'
        ")  # noqa: VL401\n"
        'print("c")  # noqa\n'
        'print("d")  # noqa: VL201\n'
        "x = 1  # noqa: VL401, E501\n"
    )
    (project / "a.py").write_text(source)
    result = run("check", "--output-format", "concise", "a.py")
    assert result.output.splitlines()[:3] == [
        "a.py:6:1: VL401 [-] `print` call; log through the logger instead (§6.2)",
        "a.py:6:13: VL002 [*] Unused `noqa` directive (suppresses nothing): VL201",
        "a.py:7:8: VL002 [*] Unused `noqa` directive (suppresses nothing): VL401",
    ]


def test_file_level_noqa(project: Path) -> None:
    (project / "a.py").write_text('# vectra-lint: noqa\nprint("x")\n')
    (project / "b.py").write_text('# vectra-lint: noqa: VL201\nprint("x")\n')
    result = run("check", "--output-format", "concise", ".")
    assert "a.py" not in result.output
    assert "b.py:2:1: VL401" in result.output


def test_fix_writes_the_file_and_a_second_run_fixes_nothing(project: Path) -> None:
    path = project / "a.py"
    path.write_text(BAD)
    path.chmod(0o640)
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 0
    assert result.output == "Fixed 1 error, 0 remaining.\n"
    assert path.read_text() == "import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # No temporary file left behind (the result cache is expected).
    assert sorted(p.name for p in project.iterdir() if p.name != ".vectra-lint-cache") == ["a.py", "pyproject.toml"]
    again = run("check", "--fix", "a.py")
    assert again.exit_code == 0 and again.output == "All checks passed!\n"


def test_unsafe_fixes_need_the_flag(project: Path) -> None:
    path = project / "a.py"
    path.write_text('print("x")\n')
    result = run("check", "--fix", "--output-format", "concise", "a.py")
    assert result.exit_code == 1
    assert path.read_text() == 'print("x")\n'
    assert "[-] 1 more fix available with `--fix --unsafe-fixes`." in result.output
    run("check", "--fix", "--unsafe-fixes", "a.py")
    assert path.read_text() == 'import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info("x")\n'


def test_fix_keeps_crlf_and_bom(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(b"\xef\xbb\xbf" + BAD.replace("\n", "\r\n").encode())
    run("check", "--fix", "a.py")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"    await asyncio.sleep(1)\r\n" in data


def test_diff_prints_the_fix_and_writes_nothing(project: Path) -> None:
    path = project / "a.py"
    path.write_text(BAD)
    result = run("check", "--diff", "a.py")
    assert result.exit_code == 1
    assert result.output == (
        "--- a/a.py\n+++ b/a.py\n@@ -1,5 +1,5 @@\n-import time\n+import asyncio\n \n \n"
        " async def poll() -> None:\n-    time.sleep(1)\n+    await asyncio.sleep(1)\n"
    )
    assert path.read_text() == BAD
    (project / "ok.py").write_text('"""Fine."""\n')
    assert run("check", "--diff", "ok.py").exit_code == 0


def test_stdin_is_reported_under_its_filename(project: Path) -> None:
    result = run("check", "-", "--stdin-filename", "app/x.py", "--output-format", "concise", stdin=BAD)
    assert result.exit_code == 1
    assert result.output.startswith("app/x.py:5:5: VL201")


def test_stdin_fix_writes_the_fixed_source_to_stdout(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "-", "--fix", "--stdin-filename", "x.py"], input=BAD)
    assert result.stdout == "import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\n"
    assert result.exit_code == 0


def test_a_fix_that_breaks_the_file_is_rolled_back(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.rules.errors import bare_except

    original = bare_except.InsertInto
    monkeypatch.setattr(bare_except, "InsertInto", lambda node, offset, text: original(node, offset, " ("))
    path = project / "a.py"
    source = "try:\n    run()\nexcept:\n    pass\n"
    path.write_text(source)
    result = run("check", "--fix", "--output-format", "concise", "a.py")
    assert result.exit_code == 2
    assert "a.py: fixes for VL302 produced invalid code" in result.output
    assert path.read_text() == source


def test_json_output_is_one_object_per_diagnostic_with_its_fix(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--output-format", "json", "a.py")
    [item] = json.loads(result.output)
    assert item["code"] == "VL201" and item["path"] == "a.py"
    assert item["location"] == {"line": 5, "column": 5} and item["end_location"] == {"line": 5, "column": 18}
    assert item["fix"]["applicability"] == "safe"
    # The fix also deletes `import time`, which only this call used.
    assert [edit["content"] for edit in item["fix"]["edits"]] == ["import asyncio\n", "", "await asyncio.sleep(1)"]


def test_output_file(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--output-format", "github", "--output-file", "report.txt", "a.py")
    assert result.exit_code == 1 and result.output == ""
    assert (project / "report.txt").read_text().startswith("::error title=vectra-lint (VL201),file=a.py,line=5,col=5")


def test_statistics(project: Path) -> None:
    (project / "a.py").write_text(BAD + 'print("x")\nprint("y")\n')
    result = run("check", "--statistics", "a.py")
    assert result.output.splitlines() == [
        "2  VL401  [-] print-call",
        "1  VL201  [*] blocking-sleep",
        "Found 3 errors.",
        "[*] 1 fixable with the `--fix` option.",
        "[-] 2 more fixes available with `--fix --unsafe-fixes`.",
    ]


def test_exit_zero(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    assert run("check", "--exit-zero", "a.py").exit_code == 0


def test_ruff_pep8_findings_are_merged_and_noqa_applies(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.vectra-lint]\n" + NO_LAYERS)
    long_line = "x = '" + "a" * 130 + "'\n"
    (project / "a.py").write_text('"""Doc."""\n' + long_line + long_line.rstrip("\n") + "  # noqa: E501\n")
    result = run("check", "--output-format", "concise", "a.py")
    assert result.output.splitlines()[0] == "a.py:2:121: E501 Line too long (136 > 120)"
    assert "a.py:3:" not in result.output


QUERY = """\
\"\"\"Queries.\"\"\"

from sqlmodel import select


def unread(model: type, user: object) -> object:
    \"\"\"Unread notifications.\"\"\"
    return select(model).where(model.read == False, model.deleted_at == None, model.user == user)
"""


def test_e711_and_e712_run_only_when_selected_by_code(project: Path) -> None:
    # Ruff's fix (`not model.read`) would make SQLAlchemy build `WHERE false`.
    (project / "pyproject.toml").write_text("[tool.vectra-lint]\n" + NO_LAYERS)
    (project / "queries.py").write_text(QUERY)
    assert run("check", "--fix", "--unsafe-fixes", "queries.py").output == "All checks passed!\n"
    assert (project / "queries.py").read_text() == QUERY
    assert run("check", "--select", "E", "--output-format", "concise", "queries.py").output == "All checks passed!\n"
    chosen = run("check", "--extend-select", "E712", "--output-format", "concise", "queries.py")
    assert [line.split(" ")[:2] for line in chosen.output.splitlines() if ": E" in line] == [
        ["queries.py:8:32:", "E712"]
    ]
    documented = run("rule", "E712").output
    assert '`E712` does not run by default; select it by code (`extend-select = ["E712"]`)' in documented


def test_parallel_run_orders_output_deterministically(project: Path) -> None:
    for i in range(12):
        (project / f"m{i:02}.py").write_text(BAD)
    parallel = run("check", "--jobs", "2", "--output-format", "concise", ".")
    serial = run("check", "--jobs", "1", "--output-format", "concise", ".")
    assert parallel.output == serial.output
    paths = [line.split(":")[0] for line in parallel.output.splitlines() if ": VL" in line]
    assert paths == sorted(paths) and len(paths) == 12


def test_parallel_run_reports_ruff_findings_of_every_chunk(project: Path) -> None:
    # The first chunks run Ruff in their worker, the others get its findings from the parent.
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["E", "VL0"]\n')
    for i in range(30):
        suppressed = "  # noqa: E501" if i % 2 else ""
        (project / f"m{i:02}.py").write_text(f'"""Doc."""\n\nVALUE = "{"x" * 120}"{suppressed}\nx=1\n')
    parallel = run("check", "--jobs", "2", "--no-cache", "--output-format", "concise", ".")
    serial = run("check", "--jobs", "1", "--no-cache", "--output-format", "concise", ".")
    assert parallel.output == serial.output
    found = [line.split(" ")[:2] for line in parallel.output.splitlines() if ": E" in line]
    assert found == [[f"m{i:02}.py:3:121:", "E501"] for i in range(0, 30, 2)]


def test_rules_table_and_rule_docs() -> None:
    table = run("rules")
    assert "VL401" in table.output and "print-call" in table.output and "unsafe" in table.output
    docs = run("rule", "print-call")
    assert docs.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert section in docs.output
    unknown = run("rule", "VL999")
    assert unknown.exit_code == 2 and "unknown rule 'VL999'" in unknown.output


def test_a_failed_write_leaves_the_file_whole_and_no_temporary_behind(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.fixing import files as fixer

    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer.os, "replace", refuse)
    path = project / "a.py"
    path.write_text(BAD)
    result = run("check", "--fix", "a.py")
    assert result.exit_code == 2
    assert "error: a.py: cannot write the fixed file: Permission denied" in result.output
    assert path.read_text() == BAD
    # No temporary file left behind (the result cache is expected).
    assert sorted(p.name for p in project.iterdir() if p.name != ".vectra-lint-cache") == ["a.py", "pyproject.toml"]


def test_ruff_does_not_repeat_bare_except(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.vectra-lint]\n" + NO_LAYERS)
    (project / "a.py").write_text('"""Doc."""\n\ntry:\n    pass\nexcept:\n    raise\n')
    result = run("check", "--output-format", "concise", "a.py")
    codes = [line.split(" ")[1] for line in result.output.splitlines() if line.startswith("a.py:")]
    assert codes == ["VL302"]


def test_a_crashing_rule_is_an_internal_error_and_the_other_files_are_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.rules.errors.bare_except import BareExcept

    def crash(self: BareExcept, node: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(BareExcept, "visit_ExceptHandler", crash)
    (project / "a.py").write_text("try:\n    pass\nexcept:\n    raise\n")
    (project / "b.py").write_text(BAD)
    result = run("check", "--output-format", "concise", ".")
    assert result.exit_code == 2
    assert "b.py:5:5: VL201" in result.output
    assert (
        "error: a.py: internal error (this is a bug in vectra-lint, please report it): ValueError: boom"
        in result.output
    )


def test_noqa_for_a_rule_that_did_not_run_is_not_called_unused(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + '[tool.vectra-lint.per-file-ignores]\n"a.py" = ["VL401"]\n')
    (project / "a.py").write_text('print("x")  # noqa: VL401\n')
    assert run("check", "a.py").exit_code == 0
    assert run("check", "--ignore", "VL401", "--select", "VL0,VL4", "a.py").exit_code == 0


def test_nested_gitignore_applies_below_its_folder(project: Path) -> None:
    (project / "app" / "gen").mkdir(parents=True)
    (project / "app" / ".gitignore").write_text("gen/\n*_pb2.py\n!keep_pb2.py\n")
    for name in ("app/gen/x.py", "app/api_pb2.py", "app/keep_pb2.py", "app/real.py", "api_pb2.py"):
        (project / name).write_text('print("x")\n')
    result = run("check", "--output-format", "concise", ".")
    reported = sorted({line.split(":")[0] for line in result.output.splitlines() if ": VL" in line})
    assert reported == ["api_pb2.py", "app/keep_pb2.py", "app/real.py"]
