"""The result cache, through the CLI: same output warm and cold, only changed files re-checked,
cross-file findings refreshed, a run on a few files settled against the whole project."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main
from vectra_lint.pipeline import runner

CONFIG = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n'
BLOCKING_HELPER = "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
QUIET_HELPER = "def nap() -> None:\n    pass\n"
SERVICE = "from app.helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
VIA_HELPER = "app/service.py:5:5: VL207"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-j", "1", "--output-format", "concise", *args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text('"""The app."""\n')
    (tmp_path / "app" / "helpers.py").write_text(BLOCKING_HELPER)
    (tmp_path / "app" / "service.py").write_text(SERVICE)
    (tmp_path / "app" / "other.py").write_text('print("x")\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine checks (the cache answers the others)."""
    seen: list[str] = []
    original: Callable[..., runner.Outcome] = runner.process

    def recording(task: runner.Task, *args: object, **kwargs: object) -> runner.Outcome:
        seen.append(task.relative)
        return original(task, *args, **kwargs)

    monkeypatch.setattr(runner, "process", recording)
    return seen


def test_a_warm_run_prints_the_cold_output_without_checking_anything(project: Path, checked: list[str]) -> None:
    cold = run(".")
    assert VIA_HELPER in cold.stdout
    assert sorted(checked) == ["app/__init__.py", "app/helpers.py", "app/other.py", "app/service.py"]
    checked.clear()
    warm = run(".")
    assert (warm.stdout, warm.exit_code) == (cold.stdout, cold.exit_code)
    assert checked == []
    assert (project / ".vectra-lint-cache" / ".gitignore").read_text().endswith("\n*\n")
    assert run("--no-cache", ".").stdout == cold.stdout


def test_editing_a_file_rechecks_it_alone_and_refreshes_what_depends_on_it(project: Path, checked: list[str]) -> None:
    run(".")
    checked.clear()
    (project / "app" / "helpers.py").write_text(QUIET_HELPER)
    after = run(".")
    assert checked == ["app/helpers.py"]
    assert VIA_HELPER not in after.stdout
    assert after.stdout == run("--no-cache", ".").stdout
    checked.clear()
    # Back to content seen before: keyed on content, it is answered from the cache.
    (project / "app" / "helpers.py").write_text(BLOCKING_HELPER)
    assert VIA_HELPER in run(".").stdout
    assert checked == []


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_run_on_one_file_settles_against_the_whole_project(project: Path, cache: list[str]) -> None:
    full = [line for line in run(*cache, ".").stdout.splitlines() if line.startswith("app/service.py:")]
    assert full[0].startswith(VIA_HELPER)
    alone = run(*cache, "app/service.py")
    assert [line for line in alone.stdout.splitlines() if line.startswith("app/")] == full
    # Standard input named as a project file too (an editor's unsaved buffer).
    piped = CliRunner().invoke(
        main, ["check", "--output-format", "concise", *cache, "--stdin-filename", "app/service.py", "-"], input=SERVICE
    )
    assert [line for line in piped.stdout.splitlines() if line.startswith("app/")] == full


def test_cache_dir_and_no_cache(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("cache")
    run("--cache-dir", str(elsewhere), ".")
    assert (elsewhere / ".gitignore").exists()
    assert not (project / ".vectra-lint-cache").exists()
    run("--no-cache", ".")
    assert not (project / ".vectra-lint-cache").exists()


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Reports on stderr whether the run imported libcst (the engine).
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'libcst imported: {\"libcst\" in sys.modules}\\n'))\n"
        "from vectra_lint.cli import main\n"
        "main()\n"
    )
    command = [sys.executable, "-c", script, "check", "--output-format", "concise", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def test_a_warm_run_does_not_import_the_engine(project: Path) -> None:
    cold = _cli(project, ".")
    assert cold.stderr.endswith("libcst imported: True\n")
    warm = _cli(project, ".")
    assert warm.stdout == cold.stdout
    assert warm.stderr.endswith("libcst imported: False\n")


def test_concurrent_runs_share_the_cache_safely(project: Path) -> None:
    for index in range(30):
        source = f'print("{index}")\n\n\nasync def f() -> None:\n    import time\n'
        (project / "app" / f"m{index}.py").write_text(source)
    expected = _cli(project, "--no-cache", ".").stdout
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "vectra_lint", "check", "--output-format", "concise", "."]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    outputs = [process.communicate()[0] for process in runs]
    assert outputs == [expected] * 4
    assert _cli(project, ".").stdout == expected


def test_the_disk_inputs_mirror_the_rules_options() -> None:
    from vectra_lint.frontend import lookup
    from vectra_lint.pipeline import disk_inputs
    from vectra_lint.rules.project import service_without_tests

    assert (disk_inputs.MODELS_CODE, disk_inputs.MODELS_OPTION, disk_inputs.DEFAULT_MODELS) == (
        lookup.MODELS_CODE,
        lookup.FRONTEND_MODELS.name,
        lookup.FRONTEND_MODELS.default,
    )
    assert (disk_inputs.TRANSLATIONS_CODE, disk_inputs.TRANSLATIONS_OPTION) == (
        lookup.TRANSLATIONS_CODE,
        lookup.TRANSLATIONS.name,
    )
    assert service_without_tests.TESTS.name == "tests"
    assert disk_inputs.VL705 == service_without_tests.ServiceWithoutTests.code
