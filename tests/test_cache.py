"""The result cache, through the CLI: same output warm and cold, only changed files re-checked,
cross-file findings refreshed, a run on a few files settled against the whole project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import BLOCKING_HELPER, SERVICE, VIA_HELPER
from tests.helpers import CACHE_CONFIG as CONFIG
from vectra_lint.cli import main

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample_backend"


def _copy_sample(to: Path) -> None:
    """The sample backend at ``to``, without a cache a run in the fixture itself may have left."""
    shutil.copytree(SAMPLE, to, ignore=shutil.ignore_patterns(".vectra-lint-cache"))


QUIET_HELPER = "def nap() -> None:\n    pass\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-j", "1", "--output-format", "concise", *args], catch_exceptions=False)


@pytest.fixture
def project(cache_project: Path) -> Path:
    return cache_project


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


def test_adding_or_removing_a_package_init_rechecks_what_its_modules_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    # `lib-1/app/helpers.py` is `app.helpers` only while `lib-1/app` is a package (a folder whose
    # name is no identifier, as an unpacked `django-5.1/`, is where its topmost package is imported from).
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2"]\n')
    (tmp_path / "lib-1" / "app").mkdir(parents=True)
    (tmp_path / "lib-1" / "app" / "helpers.py").write_text(BLOCKING_HELPER)
    (tmp_path / "lib-1" / "app" / "service.py").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    finding = "lib-1/app/service.py:5:5: VL207"
    assert finding not in run(".").stdout
    (tmp_path / "lib-1" / "app" / "__init__.py").write_text("")
    _forget_packages()
    checked.clear()
    assert finding in run(".").stdout
    assert sorted(checked) == ["lib-1/app/__init__.py", "lib-1/app/helpers.py", "lib-1/app/service.py"]
    (tmp_path / "lib-1" / "app" / "__init__.py").unlink()
    _forget_packages()
    assert finding not in run(".").stdout


def _forget_packages() -> None:
    # What a new process would see: the engine remembers which folders are packages per process.
    from vectra_lint.analysis import module_names

    module_names._is_package.cache_clear()
    module_names._folder_package_depth.cache_clear()


def test_the_cache_is_shared_between_a_run_in_the_project_and_one_from_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    backend = tmp_path / "backend"
    (backend / "app").mkdir(parents=True)
    (backend / "pyproject.toml").write_text(CONFIG)
    (backend / "app" / "__init__.py").write_text('"""The app."""\n')
    (backend / "app" / "helpers.py").write_text(BLOCKING_HELPER)
    (backend / "app" / "service.py").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    above = run("backend")
    assert "backend/app/service.py:5:5: VL207" in above.stdout
    monkeypatch.chdir(backend)
    checked.clear()
    inside = run(".")
    assert checked == []
    assert inside.stdout == run("--no-cache", ".").stdout
    assert VIA_HELPER in inside.stdout
    monkeypatch.chdir(tmp_path)
    assert run("backend").stdout == above.stdout


def test_the_sample_backend_warm_from_another_folder_prints_what_a_cold_run_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = tmp_path / "backend"
    _copy_sample(backend)
    monkeypatch.chdir(tmp_path)
    cold_above = run("--no-cache", "backend")
    assert run("backend").stdout == cold_above.stdout
    monkeypatch.chdir(backend)
    cold_inside = run("--no-cache", ".")
    assert run(".").stdout == cold_inside.stdout
    assert run(".").stdout == cold_inside.stdout
    monkeypatch.chdir(tmp_path)
    assert run("backend").stdout == cold_above.stdout


def test_every_file_of_the_sample_backend_is_answered_from_the_cache_when_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    # Its services hold VL402 findings whose pending payload carries the function's parameters
    # (``fixing.instrumentation.Param``): they were never cached, and re-checked at every run.
    _copy_sample(tmp_path / "backend")
    monkeypatch.chdir(tmp_path / "backend")
    cold = run(".")
    assert "app/services/document_service.py" in checked
    checked.clear()
    assert run(".").stdout == cold.stdout
    assert checked == []


def test_the_tool_fingerprint_is_content_and_versions_not_mtimes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.pipeline import cache

    copy = tmp_path / "vectra_lint"
    shutil.copytree(Path(cache.__file__).parent.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", copy)
    first = cache.tool_fingerprint()
    for path in copy.rglob("*.py"):
        os.utime(path, (1, 1))  # a fresh install of the same code
    assert cache.tool_fingerprint() == first
    rule = copy / "rules" / "core" / "__init__.py"
    rule.write_text(rule.read_text() + "\n# edited\n")
    assert cache.tool_fingerprint() != first
    rule.write_text(rule.read_text().removesuffix("\n# edited\n"))
    assert cache.tool_fingerprint() == first
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert cache.tool_fingerprint() != first
    versions = cache._distributions()
    assert set(versions) >= {"libcst", "tree_sitter", "tree_sitter_typescript", "ruff"}


def test_a_verdict_on_a_file_outside_the_run_is_shown_as_each_run_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "backend" / "app").mkdir(parents=True)
    (tmp_path / "frontend").mkdir()
    (tmp_path / "backend" / "pyproject.toml").write_text(
        '[tool.vectra-lint]\nselect = ["VL706"]\n'
        '[tool.vectra-lint.rules.VL706]\ntranslations = ["../frontend/*.json"]\n'
    )
    (tmp_path / "backend" / "app" / "errors.py").write_text('def f() -> None:\n    raise E("x", error_code="GONE")\n')
    (tmp_path / "frontend" / "en.json").write_text('{"OTHER": "x"}\n')
    for folder, target, shown in (
        (tmp_path, "backend", "frontend/en.json"),
        # Outside the folder the run is in: its full path, as any such file is shown.
        (tmp_path / "backend", ".", f"{tmp_path.resolve()}/frontend/en.json"),
    ):
        monkeypatch.chdir(folder)
        for _ in range(2):
            assert run(target).stdout.startswith(f"{shown}:1:1: VL706 Error code `GONE`")


def test_frontend_inputs_are_keyed_by_content_not_mtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.config.settings import Settings
    from vectra_lint.pipeline import disk_inputs

    models = tmp_path / "frontend" / "src" / "models"
    models.mkdir(parents=True)
    (models / "user.ts").write_text("export interface User { id: string }\n")
    settings = Settings(root=tmp_path, enabled=frozenset({"VL703"}))
    first = disk_inputs.fingerprint(settings)
    os.utime(models / "user.ts", (1, 1))  # a fresh checkout
    assert disk_inputs.fingerprint(settings) == first
    (models / "user.ts").write_text("export interface User { id: number }\n")
    assert disk_inputs.fingerprint(settings) != first


def test_fix_and_diff_check_anew_only_the_files_whose_cached_answer_has_a_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "helpers.py").write_text(BLOCKING_HELPER)  # VL201 outside async: nothing
    (tmp_path / "app" / "clean.py").write_text('"""Clean."""\n')
    (tmp_path / "app" / "sleepy.py").write_text("import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n")
    monkeypatch.chdir(tmp_path)
    run(".")
    checked.clear()
    diff = run("--diff", ".")
    assert "+    await asyncio.sleep(1)" in diff.stdout
    # Only the file with a fix is parsed again; the others' cached answers say there is nothing to fix.
    assert checked == ["app/sleepy.py"]
    checked.clear()
    # What --fix writes is made afresh, never read from the cache: the file with a fix is linted.
    assert run("--fix", ".").exit_code == 0
    assert checked == ["app/sleepy.py"]
    checked.clear()
    assert "await asyncio.sleep(1)" in (tmp_path / "app" / "sleepy.py").read_text()
    # The fixed file is new bytes, whose answer is the fix loop's last lint: cached like the rest.
    assert run(".").stdout == "All checks passed!\n"
    assert checked == []
    assert run("--fix", ".").stdout == "All checks passed!\n"
    assert checked == []


def test_every_pending_payload_of_the_rules_round_trips_through_the_cache() -> None:
    from vectra_lint.fixing.instrumentation import Param
    from vectra_lint.pipeline.cache_codec import decode, encode, payload_types
    from vectra_lint.rules.frontend.enum_frontend_drift import EnumCandidate, MemberCandidate
    from vectra_lint.rules.frontend.error_code_untranslated import LITERAL, CodeUse
    from vectra_lint.rules.frontend.schema_frontend_drift import ModelCandidate
    from vectra_lint.rules.logging.error_log_without_traceback import LoggerOrigin
    from vectra_lint.rules.logging.missing_instrumentation import LoggerPending, StartPending
    from vectra_lint.rules.logging.print_call import LoggerName
    from vectra_lint.rules.project.correlation_header_not_handled import MiddlewareModule
    from vectra_lint.rules.project.correlation_id_missing import Awaiting
    from vectra_lint.rules.project.service_without_tests import ServiceModule

    payloads = [
        EnumCandidate("app/models/status.py", "Status", ("DONE", "FAILED")),
        MemberCandidate("app/models/status.py", "Status", "DONE", ("string", "done")),
        MemberCandidate("app/models/status.py", "Status", "LATER", None),
        CodeUse(LITERAL, "app/services/users.py", "USER_GONE"),
        ModelCandidate("app/schemas/user.py", "UserRead"),
        LoggerOrigin("app/services/users.py", "app.core.log.get_logger", "log.error"),
        LoggerOrigin("app/services/users.py", "app.core.log.logger", "logger.error", attached=True),
        LoggerName("app/services/users.py", "logger"),
        LoggerPending("app/services/users.py", "logger", None),
        LoggerPending(
            "app/services/users.py",
            "logger",
            StartPending("app/services/users.py", (Param("job", "plain", ("name", "Job"), False),), "logger", "f", 120),
        ),
        MiddlewareModule("app/main.py"),
        Awaiting("app"),
        ServiceModule(("app.services.users",), ("tests",)),
    ]
    allowed = payload_types()
    assert decode(encode(payloads, allowed), allowed) == payloads


def test_a_pending_payload_must_be_typed() -> None:
    import libcst as cst

    from tests.helpers import settings_for
    from vectra_lint.engine.context import FileContext
    from vectra_lint.rule import RuleContractError
    from vectra_lint.rules.project.correlation_id_missing import CorrelationIdMissing

    module = cst.parse_module("x = 1\n")
    rule = CorrelationIdMissing(FileContext("app/main.py", "x = 1\n", module, settings_for()))
    with pytest.raises(RuleContractError, match="VL701: a pending payload is a frozen dataclass, not a tuple"):
        rule.report(module.body[0], pending=("app",))
