"""The command line as Ruff users expect it: paths, quiet, show-*, statistics, colours, help, noqa warnings, init."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import git
from vectra_lint.cli import main

CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL2", "VL4"]\n'
BAD = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n"
SLEEP = "`time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def test_a_folder_named_on_the_command_line_is_checked_even_if_excluded(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + 'extend-exclude = ["legacy", "generated"]\n')
    (project / "legacy" / "generated").mkdir(parents=True)
    (project / "legacy" / "old.py").write_text(BAD)
    (project / "legacy" / "generated" / "g.py").write_text(BAD)
    assert run("check", ".").stdout == "All checks passed!\n"
    named = run("check", "--output-format", "concise", "legacy")
    # The folder itself is exempt; what is excluded inside it stays excluded.
    assert named.stdout.splitlines()[0] == f"legacy/old.py:5:5: VL201 [*] {SLEEP}"
    assert "generated" not in named.stdout
    forced = run("check", "--force-exclude", "legacy")
    assert forced.exit_code == 0
    assert forced.stderr == "warning: No Python files found under the given paths\n"


def test_no_python_files_is_a_warning(project: Path) -> None:
    (project / "docs").mkdir()
    result = run("check", "docs")
    assert result.exit_code == 0
    assert result.stderr == "warning: No Python files found under the given paths\n"


def test_a_missing_path_is_an_error_never_all_checks_passed(project: Path) -> None:
    result = run("check", "nothere.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: nothere.py: no such file or directory\n"


def test_quiet_prints_the_diagnostics_only(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "-q", "--output-format", "concise", "a.py")
    assert result.exit_code == 1
    assert result.stdout == f"a.py:5:5: VL201 [*] {SLEEP}\n"
    (project / "a.py").write_text('"""Fine."""\n')
    assert run("check", "--quiet", "a.py").stdout == ""


def test_show_settings(project: Path) -> None:
    result = run("check", "--show-settings", "--select", "VL201,VL401")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Root: {project.resolve()}"
    assert lines[1] == f"Config file: {(project / 'pyproject.toml').resolve()}"
    # Each glob with how many of the project's files it matches: none here.
    assert "  routes = ['app/api/**' (0 files)]" in lines
    assert lines[lines.index("Selected rules (2):") + 1 :][:2] == ["  VL201 blocking-sleep", "  VL401 print-call"]


def test_show_files_lists_what_would_be_checked(project: Path) -> None:
    (project / "pyproject.toml").write_text(CONFIG + 'extend-exclude = ["legacy"]\n')
    for name in ("b.py", "a.py", "legacy/x.py", "pkg/c.py", "notes.txt"):
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_text(BAD)
    result = run("check", "--show-files")
    assert result.exit_code == 0
    assert result.stdout == "a.py\nb.py\npkg/c.py\n"


def test_show_fixes_lists_what_fix_changed_per_file(project: Path) -> None:
    (project / "a.py").write_text(BAD + "\n\nasync def again() -> None:\n    time.sleep(2)\n")
    (project / "b.py").write_text('"""Fine."""\n')
    result = run("check", "--fix", "--show-fixes", "--output-format", "concise", ".")
    assert result.exit_code == 0
    assert result.stdout == "Fixed 2 errors:\n- a.py:\n    2 × VL201 (blocking-sleep)\nFixed 2 errors, 0 remaining.\n"


def test_statistics_marks_only_safe_fixes_and_honours_json(project: Path) -> None:
    (project / "a.py").write_text(BAD + 'print("x")\nprint("y")\n')
    text = run("check", "--statistics", "a.py")
    # print-call's fix (to a logger call) is unsafe: not `[*]`.
    assert text.stdout.splitlines()[:2] == ["2  VL401  [-] print-call", "1  VL201  [*] blocking-sleep"]
    as_json = run("check", "--statistics", "--output-format", "json", "a.py")
    # Ruff's shape: `fixable_count` counts what this run's --fix would apply.
    assert json.loads(as_json.stdout) == [
        {"code": "VL401", "name": "print-call", "count": 2, "fixable": False, "fixable_count": 0},
        {"code": "VL201", "name": "blocking-sleep", "count": 1, "fixable": True, "fixable_count": 1},
    ]
    unsafe = run("check", "--statistics", "--output-format", "json", "--unsafe-fixes", "a.py")
    assert [row["fixable_count"] for row in json.loads(unsafe.stdout)] == [2, 1]


def test_rule_documents_the_ruff_codes_it_reports(project: Path) -> None:
    result = run("rule", "E501")
    assert result.exit_code == 0
    # Ruff's own documentation of the rule, then whether vectra-lint runs it.
    assert result.stdout.startswith("# line-too-long (E501)\n\n## What it does\n")
    assert result.stdout.endswith("## In vectra-lint\n\n`E501` runs by default.\n")
    bare = run("rule", "E722").stdout
    assert bare.startswith("# bare-except (E722)\n")
    assert bare.endswith("vectra-lint does not run `E722`: VL302 (bare-except) reports the same finding.\n")
    preview = run("rule", "E201").stdout
    assert "Ruff runs it only in preview mode, which vectra-lint leaves off." in preview
    unknown = run("rule", "E998")
    assert unknown.exit_code == 2
    assert unknown.stderr == "error: unknown rule 'E998': Ruff has no rule E998 (see `vectra-lint rules`)\n"
    assert run("rule", "E999999").exit_code == 2


def test_an_empty_selection_is_an_error_not_the_defaults(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    for option in ("--select", "--extend-select", "--ignore"):
        result = run("check", option, "", "a.py")
        assert result.exit_code == 2, option
        assert result.stderr == (
            f"error: {option} got an empty value: name rule codes, prefixes (VL4) or names, comma-separated\n"
        )
    assert run("check", "--select", " , ", "a.py").exit_code == 2


def test_output_file_in_a_missing_folder_creates_it(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--output-format", "json", "--output-file", "reports/ci/lint.json", "a.py")
    assert result.exit_code == 1
    assert json.loads((project / "reports/ci/lint.json").read_text())[0]["code"] == "VL201"


def test_statistics_closes_with_the_total_and_what_fix_would_do(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    result = run("check", "--statistics", "a.py")
    assert result.stdout == ("1  VL201  [*] blocking-sleep\nFound 1 error.\n[*] 1 fixable with the `--fix` option.\n")
    assert run("check", "--statistics", "-q", "a.py").stdout == "1  VL201  [*] blocking-sleep\n"


def test_rules_table_keeps_square_brackets(project: Path) -> None:
    result = run("rules")
    assert "`[tool.vectra-lint.layers]`" in result.stdout


def test_a_multi_line_span_is_drawn_whole(project: Path) -> None:
    (project / "a.py").write_text("import time\n\n\nasync def poll() -> None:\n    time.sleep(\n        1,\n    )\n")
    result = run("check", "--select", "VL201", "a.py")
    assert result.stdout.startswith(
        f"a.py:5:5: VL201 [*] {SLEEP}\n"
        "  |\n"
        "5 | /     time.sleep(\n"
        "6 | |         1,\n"
        "7 | |     )\n"
        "  | |_____^ VL201\n"
        "  |\n"
    )


def test_force_color_colours_a_pipe(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    coloured = run("check", "--select", "VL201", "a.py", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = run("check", "--select", "VL201", "a.py", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run the CLI with its standard output and error on a pseudo-terminal; what it wrote there."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "vectra_lint", *args], cwd=cwd, stdout=child_fd, stderr=child_fd, env=env
    )
    os.close(child_fd)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(main_fd)
    return b"".join(chunks).decode()


def test_no_color_is_honoured_on_a_terminal(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    assert "\x1b[" in _on_a_terminal(["check", "--select", "VL201", "a.py"], project, env)
    assert "\x1b[" not in _on_a_terminal(["check", "--select", "VL201", "a.py"], project, {**env, "NO_COLOR": "1"})


def test_help_texts_are_not_cut(project: Path) -> None:
    result = run("--help")
    commands = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert commands == [
        "  baseline    Record the current findings as a baseline.",
        "  check       Check files against the standard (and fix them).",
        "  clean       Remove the project's result cache.",
        "  commit-msg  Check a commit message (the commit-msg hook).",
        "  docs        Write every rule's reference as Markdown.",
        "  init        Write a [tool.vectra-lint] table with the layers found.",
        "  rule        Show a rule's documentation.",
        "  rules       List every rule.",
        "  server      Run the language server (LSP over stdio).",
        "  test-rules  Run the plugin rules' valid and invalid examples.",
    ]


def test_malformed_noqa_comments_are_warned_about(project: Path) -> None:
    (project / "a.py").write_text(
        'print("a")  # noqa VL401\n'
        'print("b")  # noqa: VL4\n'
        'print("c")  # noqa: VL999\n'
        'print("d")  # noqa: E5\n'
        'print("e")  # noqa: VL401, F401\n'
        'text = "# noqa VL401"\n'
    )
    result = run("check", "--select", "VL401", "--output-format", "concise", "a.py")
    assert result.stderr.splitlines() == [
        "warning: a.py:1: expected `:` after `noqa`, followed by codes (e.g. `# noqa: VL401, E501`); as written it "
        "silences every code on the line",
        "warning: a.py:2: `VL4` is not a rule code (`# noqa` takes whole codes, e.g. `VL401`); it suppresses nothing",
        "warning: a.py:3: unknown rule code `VL999`; it suppresses nothing",
        "warning: a.py:4: `E5` is not a rule code (`# noqa` takes whole codes, e.g. `E501`); it suppresses nothing",
    ]


def test_github_and_sarif_paths_start_at_the_repository_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = tmp_path / "services" / "api"
    (service / "app").mkdir(parents=True)
    (service / "pyproject.toml").write_text(CONFIG)
    (service / "app" / "a.py").write_text(BAD)
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(service)
    github = run("check", "--select", "VL201", "--output-format", "github", "app")
    assert github.stdout.startswith("::error title=vectra-lint (VL201),file=services/api/app/a.py,line=5,col=5,")
    sarif = json.loads(run("check", "--select", "VL201", "--output-format", "sarif", "app").stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "services/api/app/a.py"
    # The human formats keep paths as given.
    assert run("check", "--select", "VL201", "--output-format", "concise", "app").stdout.startswith("app/a.py:5:5:")


@pytest.mark.parametrize(
    ("files", "config"),
    [
        # FastAPI's documentation keeps the settings in the package's own config.py.
        (("app/__init__.py", "app/config.py", "app/routers/items.py", "app/utils/config.py"), '["app/config.py"]'),
        # A folder of scripts is no package.
        (("src/shop/__init__.py", "src/shop/settings.py", "scripts/config.py"), '["src/shop/settings.py"]'),
        (("app/__init__.py", "app/core/config.py", "app/config.py"), '["app/config.py", "app/core/config.py"]'),
        # A Django project's package, whatever its name (khoj's `khoj/app/`).
        (
            ("khoj/__init__.py", "khoj/app/__init__.py", "khoj/app/settings.py", "khoj/app/urls.py"),
            '["khoj/app/settings.py"]',
        ),
        # prefect's settings are a package, with models of their own; a feature's routes are not.
        (
            ("prefect/settings/__init__.py", "prefect/settings/models/server.py", "prefect/api/settings/routes.py"),
            '["prefect/settings/**"]',
        ),
    ],
)
def test_init_finds_the_config_module_of_a_package(project: Path, files: tuple[str, ...], config: str) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for name in files:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("")
    assert run("init").exit_code == 0
    written = (project / "pyproject.toml").read_text()
    assert f"\nconfig = {config}\n" in written
    assert "\nmodels = []  # not found" in written


def test_init_takes_no_feature_settings_package_for_the_config(project: Path) -> None:
    # letta's `letta/local_llm/settings/` holds sampling presets of one feature.
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for name in ("letta/__init__.py", "letta/local_llm/settings/__init__.py", "letta/local_llm/settings/simple.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("")
    assert run("init").exit_code == 0
    assert "\nconfig = []  # not found" in (project / "pyproject.toml").read_text()


def test_init_takes_an_orm_folder_for_the_models(project: Path) -> None:
    # letta keeps its SQLAlchemy models in `letta/orm/`, its Pydantic ones in `letta/schemas/`.
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for name in ("letta/orm/user.py", "letta/schemas/user.py", "letta/services/user_manager.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("")
    assert run("init").exit_code == 0
    written = (project / "pyproject.toml").read_text()
    assert '\nmodels = ["letta/orm/**"]\nschemas = ["letta/schemas/**"]\n' in written


@pytest.mark.parametrize("tests", ["tests", "test"])
def test_init_takes_no_layer_from_a_test_folder(project: Path, tests: str) -> None:
    # open-webui tests its routers in `open_webui/test/apps/webui/routers/`.
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for name in ("app/routers/items.py", f"app/{tests}/apps/routers/test_items.py", f"{tests}/services/test_x.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("")
    assert run("init").exit_code == 0
    written = (project / "pyproject.toml").read_text()
    assert '\nroutes = ["app/routers/**"]\n' in written
    assert "\nservices = []  # not found" in written


def test_no_progress_bar_when_piped(project: Path) -> None:
    for index in range(30):
        (project / f"m{index}.py").write_text(BAD)
    result = run("check", "--select", "VL201", "--output-format", "concise", ".")
    assert result.stderr == ""


def test_init_writes_the_table_with_the_layers_found(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for folder in ("src/api/v1", "src/services", "src/db/models", "src/core", "tests/api"):
        (project / folder).mkdir(parents=True)
        (project / folder / "m.py").write_text("")
    (project / "src" / "core" / "settings.py").write_text("")
    result = run("init")
    assert result.exit_code == 0
    written = (project / "pyproject.toml").read_text()
    assert written.startswith('[project]\nname = "x"\n\n[tool.vectra-lint]\n')
    assert 'routes = ["src/api/**"]\n' in written
    assert 'services = ["src/services/**"]\n' in written
    assert 'models = ["src/db/models/**"]\n' in written
    assert 'config = ["src/core/settings.py"]\n' in written
    assert 'schemas = []  # not found in the tree; the default would be ["app/schemas/**"]\n' in written
    shown = run("check", "--show-settings")
    assert "  routes = ['src/api/**' (1 file)]" in shown.stdout.splitlines()
    # Every layer is found or set to none: the check that follows has no layer to warn about.
    checked = run("check", "--select", "VL402", ".")
    assert checked.exit_code == 0 and checked.stderr == ""
    again = run("init")
    assert again.exit_code == 2
    assert "already has a [tool.vectra-lint] table" in again.stderr
