"""Living with existing findings, through the CLI: --add-noqa, baselines, --diff-base."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import commit_all, git
from vectra_lint.cli import main
from vectra_lint.engine import lint as engine_lint
from vectra_lint.pipeline import runner

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL2", "VL4"]\n'
# Loose files, no layered backend: without this, each run would say which layer matches no file.
NO_LAYERS = "[tool.vectra-lint.layers]\n" + "".join(
    f"{layer} = []\n" for layer in ("routes", "services", "models", "schemas", "workers", "config")
)


def run(*args: str, given: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=given, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG + NO_LAYERS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_add_noqa_silences_each_finding_on_the_right_line(project: Path) -> None:
    (project / "a.py").write_text(
        "import time\n"
        "\n"
        "\n"
        "async def poll() -> None:\n"
        "    time.sleep(1)  # noqa: E501\n"
        '    print("""two\n'
        'lines""")\n'
        '    print("x")  # type: ignore\n'
        '    print("y")  # noqa\n'
        "    time.sleep(\n"
        "        2,\n"
        "    )\n"
    )
    result = run("check", "--add-noqa", "a.py")
    assert result.exit_code == 0
    assert result.stdout == "Added 4 noqa directives.\n"
    assert (project / "a.py").read_text() == (
        "import time\n"
        "\n"
        "\n"
        "async def poll() -> None:\n"
        "    time.sleep(1)  # noqa: E501, VL201\n"
        '    print("""two\n'
        'lines""")  # noqa: VL401\n'
        '    print("x")  # type: ignore  # noqa: VL401\n'
        '    print("y")  # noqa\n'
        "    time.sleep(  # noqa: VL201\n"
        "        2,\n"
        "    )\n"
    )
    assert run("check", "a.py").exit_code == 0
    again = run("check", "--add-noqa", "a.py")
    assert again.stdout == "Added 0 noqa directives.\n"


def test_add_noqa_removes_unused_codes_instead_of_silencing_them(project: Path) -> None:
    (project / "a.py").write_text('x = 1  # noqa: VL401\nprint("x")\n')
    assert run("check", "--add-noqa", "a.py").stdout == "Added 1 noqa directive.\n"
    assert (project / "a.py").read_text() == 'x = 1\nprint("x")  # noqa: VL401\n'
    assert run("check", "a.py").exit_code == 0


def test_add_noqa_gives_a_reason_when_the_project_requires_one(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + "require-noqa-reason = true\n")
    (project / "a.py").write_text('print("x")\n')
    run("check", "--add-noqa", "a.py")
    assert (project / "a.py").read_text() == 'print("x")  # noqa: VL401 -- added by vectra-lint --add-noqa\n'
    assert run("check", "a.py").exit_code == 0


def test_add_noqa_on_a_copy_of_the_sample_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = tmp_path / "backend"
    shutil.copytree(FIXTURES / "sample_backend", backend, ignore=shutil.ignore_patterns(".vectra-lint-cache"))
    monkeypatch.chdir(backend)
    before = run("check", "--statistics", ".")
    assert before.exit_code == 1
    added = run("check", "--add-noqa", ".")
    assert added.stdout.startswith("Added ")
    after = run("check", "--output-format", "concise", ".")
    # Only the files that do not parse or decode remain: there is no comment to put there.
    assert {line.split(" ")[1] for line in after.stdout.splitlines() if ": VL" in line} == {"VL001"}
    assert run("check", "--add-noqa", ".").stdout == "Added 0 noqa directives.\n"


def test_baseline_survives_inserted_lines_and_counts_stale_entries(project: Path) -> None:
    source = (
        'def main() -> None:\n    print("start")\n    print("end")\n\n\n'
        'class Job:\n    def run(self) -> None:\n        print("start")\n'
    )
    (project / "a.py").write_text(source)
    written = run("baseline", ".", "--output", "base.json")
    assert written.stdout == "Wrote 3 findings to base.json.\n"
    entries = json.loads((project / "base.json").read_text())["entries"]
    assert {(e["scope"], e["source"]) for e in entries} == {
        ("main", 'print("start")'),
        ("main", 'print("end")'),
        ("Job.run", 'print("start")'),
    }
    assert all("line" not in entry for entry in entries)
    clean = run("check", "--baseline", "base.json", ".")
    assert clean.exit_code == 0
    assert clean.stdout == "3 findings in the baseline not shown.\nAll checks passed!\n"
    # Lines inserted above: still known.
    (project / "a.py").write_text('"""Jobs."""\n\n\n' + source)
    assert run("check", "--baseline", "base.json", ".").exit_code == 0
    # A new finding in a known function is reported; a fixed one makes its entry stale.
    (project / "a.py").write_text(source.replace('print("end")', 'print("done")'))
    result = run("check", "--baseline", "base.json", "--output-format", "concise", ".")
    assert result.exit_code == 1
    assert result.stdout == (
        "a.py:3:5: VL401 [-] `print` call; log through the logger instead (§6.2)\n"
        "2 findings in the baseline not shown.\n"
        "1 baseline entry no longer matches (fixed or edited): regenerate it with `vectra-lint baseline`.\n"
        "Found 1 error.\n"
        "[-] 1 more fix available with `--fix --unsafe-fixes`.\n"
    )


def test_baseline_from_the_config(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + 'baseline = "lint/baseline.json"\n')
    (project / "lint").mkdir()
    (project / "app").mkdir()
    (project / "app" / "a.py").write_text('print("x")\n')
    assert run("baseline").stdout == "Wrote 1 finding to lint/baseline.json.\n"
    # From a subfolder too: the path is relative to the config file, not the working directory.
    (project / "app" / "b.py").write_text('print("y")\n')
    result = run("check", "--output-format", "concise", "app")
    assert (
        result.stdout.splitlines()[0] == "app/b.py:1:1: VL401 [-] `print` call; log through the logger instead (§6.2)"
    )
    assert "1 finding in the baseline not shown." in result.stdout


def test_a_broken_baseline_is_an_error(project: Path) -> None:
    (project / "base.json").write_text("{}")
    (project / "a.py").write_text('print("x")\n')
    result = run("check", "--baseline", "base.json", "a.py")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: base.json: not a vectra-lint baseline")


ERRORS = "class VectraException(Exception):\n    pass\n\n\nclass Conflict(VectraException):\n    pass\n"
RAISES = "from errors import Conflict\n\n\ndef save() -> None:\n    raise Conflict('taken')\n"


def test_diff_base_checks_only_the_changed_files_and_reports_as_a_whole_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(CONFIG.replace('"VL4"', '"VL3", "VL4"') + NO_LAYERS)
    (project / "errors.py").write_text(ERRORS)
    (project / "service.py").write_text(RAISES)
    (project / "other.py").write_text('print("old")\n')
    commit_all(project)
    (project / "service.py").write_text(RAISES + "\n\ndef load() -> None:\n    raise Conflict('missing')\n")
    linted: list[str] = []
    lint_text = runner.lint_text

    def recording(path: str, *args: object, **kwargs: object) -> engine_lint.FileResult:
        linted.append(path)
        return lint_text(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_text", recording)
    result = run("check", "--diff-base", "HEAD", "--no-cache", "--jobs", "1", "--output-format", "concise", ".")
    # Settled with errors.py, which was only read: the class it raises has no error code.
    assert result.stdout == (
        "service.py:9:11: VL305 `Conflict` is raised or built without an error code, and neither it nor a base "
        "sets a default (§15)\n"
        "Found 1 error.\n"
    )
    assert linted == ["service.py"]
    assert run("check", "--diff-base", "HEAD", "--show-files", ".").stdout == "service.py\n"


def test_add_noqa_with_diff_base_silences_only_the_changed_lines(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n')
    (project / "b.py").write_text('print("old too")\n')
    commit_all(project)
    (project / "a.py").write_text('print("old")\nprint("new")\n')
    result = run("check", "--diff-base", "HEAD", "--add-noqa", ".")
    assert result.stdout == "Added 1 noqa directive.\n"
    assert (project / "a.py").read_text() == 'print("old")\nprint("new")  # noqa: VL401\n'
    assert (project / "b.py").read_text() == 'print("old too")\n'
    assert run("check", "--diff-base", "HEAD", ".").stdout == "All checks passed!\n"


LOGS_WITHOUT_TRACEBACK = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    'def save() -> None:\n    try:\n        pass\n    except ValueError:\n        logger.error("failed")\n'
)


def test_fix_with_diff_base_fixes_only_the_changed_files(project: Path) -> None:
    (project / "a.py").write_text(LOGS_WITHOUT_TRACEBACK)
    (project / "b.py").write_text(LOGS_WITHOUT_TRACEBACK)
    commit_all(project)
    added = '\n\ndef load() -> None:\n    print("new")\n'
    (project / "a.py").write_text(LOGS_WITHOUT_TRACEBACK + added)
    shown = run("check", "--diff-base", "HEAD", "--diff", ".")
    assert shown.stdout == (
        "--- a/a.py\n+++ b/a.py\n@@ -7,7 +7,7 @@\n     try:\n         pass\n     except ValueError:\n"
        '-        logger.error("failed")\n+        logger.error("failed", exc_info=True)\n \n \n def load() -> None:\n'
    )
    result = run("check", "--diff-base", "HEAD", "--fix", "--output-format", "concise", ".")
    # The whole changed file is fixed, its unchanged line too (as a pre-commit hook fixes the files
    # it is given); only the findings on the lines changed since HEAD, the fixed one included, count.
    assert result.stdout == (
        "a.py:14:5: VL401 [-] `print` call; log through the logger instead (§6.2)\n"
        "Fixed 1 error, 1 remaining.\n"
        "Found 1 error.\n"
        "[-] 1 more fix available with `--fix --unsafe-fixes`.\n"
    )
    fixed = LOGS_WITHOUT_TRACEBACK.replace('"failed")', '"failed", exc_info=True)')
    assert (project / "a.py").read_text() == fixed + added
    assert (project / "b.py").read_text() == LOGS_WITHOUT_TRACEBACK
    again = run("check", "--diff-base", "HEAD", "--fix", "--output-format", "concise", ".")
    assert again.stdout == result.stdout.replace("Fixed 1 error, 1 remaining.\n", "")
    assert (project / "a.py").read_text() == fixed + added


def test_diff_base_with_standard_input_compares_the_text_given_with_the_ref(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n')
    commit_all(project)
    # The file on disk is as committed: the text given is what is compared, as an editor sends it.
    given = 'print("old")\nprint("new")\n'
    result = run(
        "check", "--diff-base", "HEAD", "--stdin-filename", "a.py", "-", "--output-format", "concise", given=given
    )
    assert [line for line in result.stdout.splitlines() if ": VL" in line] == [
        "a.py:2:1: VL401 [-] `print` call; log through the logger instead (§6.2)"
    ]
    # A file the ref does not have is new: every line counts.
    result = run(
        "check", "--diff-base", "HEAD", "--stdin-filename", "b.py", "-", "--output-format", "concise", given=given
    )
    assert [line.split(": VL")[0] for line in result.stdout.splitlines() if ": VL" in line] == ["b.py:1:1", "b.py:2:1"]
    nameless = run("check", "--diff-base", "HEAD", "-", given=given)
    assert nameless.exit_code == 2
    assert nameless.stderr.startswith("error: --diff-base with `-` needs --stdin-filename")


def test_add_noqa_leaves_the_findings_of_the_baseline_alone(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n')
    assert run("baseline", "--output", "base.json").stdout == "Wrote 1 finding to base.json.\n"
    (project / "b.py").write_text('print("new")\n')
    # A baseline silences its findings already: only what the check reports gets a comment.
    assert run("check", "--add-noqa", "--baseline", "base.json", ".").stdout == "Added 1 noqa directive.\n"
    assert (project / "a.py").read_text() == 'print("old")\n'
    assert (project / "b.py").read_text() == 'print("new")  # noqa: VL401\n'
    result = run("check", "--baseline", "base.json", "--output-format", "concise", ".")
    assert result.stdout == "1 finding in the baseline not shown.\nAll checks passed!\n"


def test_diff_base_does_not_count_what_the_ref_gained_since_the_branch_left_it(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n')
    commit_all(project)
    git(project, "checkout", "-q", "-b", "feature")
    git(project, "checkout", "-q", "main")
    # main moves on: its a.py logs instead. The feature branch still has the old line, unchanged.
    (project / "a.py").write_text('import logging\n\nlogging.getLogger(__name__).info("old")\n')
    git(project, "commit", "-qam", "main moves on")
    git(project, "checkout", "-q", "feature")
    (project / "b.py").write_text('print("mine")\n')
    result = run("check", "--diff-base", "main", "--output-format", "concise", ".")
    assert [line for line in result.stdout.splitlines() if ": VL" in line] == [
        "b.py:1:1: VL401 [-] `print` call; log through the logger instead (§6.2)"
    ]
    given = 'print("old")\nprint("new")\n'
    result = run(
        "check", "--diff-base", "main", "--stdin-filename", "a.py", "-", "--output-format", "concise", given=given
    )
    assert [line.split(": VL")[0] for line in result.stdout.splitlines() if ": VL" in line] == ["a.py:2:1"]


def test_diff_base_with_a_baseline_counts_only_entries_that_match_nothing(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n')
    (project / "b.py").write_text('print("old too")\n')
    assert run("baseline", "--output", "base.json").stdout == "Wrote 2 findings to base.json.\n"
    commit_all(project)
    (project / "a.py").write_text('print("old")\nprint("new")\n')
    result = run("check", "--diff-base", "HEAD", "--baseline", "base.json", "--output-format", "concise", ".")
    # Only a.py is checked (b.py has no changed line). Its old finding, off the changed lines,
    # still matches its entry: none is stale.
    assert result.stdout == (
        "a.py:2:1: VL401 [-] `print` call; log through the logger instead (§6.2)\n"
        "1 finding in the baseline not shown.\n"
        "Found 1 error.\n"
        "[-] 1 more fix available with `--fix --unsafe-fixes`.\n"
    )
    (project / "a.py").write_text('print("new")\n')
    result = run("check", "--diff-base", "HEAD", "--baseline", "base.json", "--output-format", "concise", ".")
    assert "1 baseline entry no longer matches (fixed or edited)" in result.stdout


def test_diff_base_reports_only_changed_lines_staged_or_not(project: Path) -> None:
    (project / "a.py").write_text('print("old")\n\n\ndef f() -> None:\n    print("old too")\n')
    (project / "b.py").write_text('print("old")\n')
    commit_all(project)
    (project / "a.py").write_text('print("old")\nprint("staged")\n\n\ndef f() -> None:\n    print("old too")\n')
    git(project, "add", "a.py")
    (project / "b.py").write_text('print("old")\nprint("unstaged")\n')
    (project / "c.py").write_text('print("untracked")\n')
    result = run("check", "--diff-base", "HEAD", "--output-format", "concise", ".")
    assert [line.split(": VL")[0] for line in result.stdout.splitlines() if ": VL" in line] == [
        "a.py:2:1",
        "b.py:2:1",
        "c.py:1:1",
    ]
    bad = run("check", "--diff-base", "no-such-ref", ".")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: ")
