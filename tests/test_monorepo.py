"""A monorepo as a team runs it (fixtures/monorepo): the same backend file gets the same findings
from the repository top, from `backend/`, from a folder inside it and through pre-commit with
files from both places in either order, with and without a [tool.vectra-lint] table."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import git
from vectra_lint.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "monorepo"
LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<column>\d+): (?P<rest>.*)$")
Finding = tuple[str, str]


def _without_table(pyproject: Path) -> None:
    """Keep only the [project] table: the backend is then a project with default settings."""
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.split("\n[tool.vectra-lint]", 1)[0] + "\n", encoding="utf-8")


@pytest.fixture(params=["table", "no-table"])
def monorepo(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    shutil.copytree(FIXTURE, top, ignore=shutil.ignore_patterns(".vectra-lint-cache"))
    if request.param == "no-table":
        _without_table(top / "backend" / "pyproject.toml")
    git(top, "init", "-q")
    git(top, "add", ".")
    return top


def _parse(output: str, cwd: Path) -> set[Finding]:
    """Each finding as (absolute path, the rest of its line): comparable from any folder."""
    found = set()
    for line in output.splitlines():
        match = LINE.match(line)
        if match is not None:
            path = os.path.normpath(cwd / match["path"])
            found.add((path, f"{match['line']}:{match['column']}: {match['rest']}"))
    return found


def _check(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[Finding], str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--output-format", "concise", *args], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    return _parse(result.stdout, cwd), result.stderr


def _pre_commit(top: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit run ARGS`` at the repository top; it must fail (the fixture has findings)."""
    command = [sys.executable, "-m", "pre_commit", "run", *args]
    done = subprocess.run(command, cwd=top, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    return done


def _of(found: set[Finding], folder: Path) -> set[Finding]:
    prefix = str(folder) + os.sep
    return {finding for finding in found if finding[0].startswith(prefix)}


def test_every_backend_file_gets_the_same_findings_from_anywhere(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = monorepo / "backend"
    services = backend / "app" / "services"
    from_top, _ = _check(monorepo, monkeypatch=monkeypatch)
    from_backend, backend_notices = _check(backend, monkeypatch=monkeypatch)
    from_services, _ = _check(services, monkeypatch=monkeypatch)
    app = backend / "app"
    # The layer rules report from the top as from the backend (app/api/** is the backend's glob).
    codes = {rest.split(" ")[1] for _, rest in _of(from_top, app)}
    assert {"VL301", "VL305", "VL306", "VL402", "VL501", "VL502", "VL505", "VL703", "VL704", "VL705"} <= codes
    assert _of(from_top, app) == _of(from_backend, app)
    assert _of(from_top, services) == _of(from_services, services)
    # A project rule's findings on the frontend's translations are the same too.
    frontend = monorepo / "frontend"
    assert _of(from_top, frontend) == _of(from_backend, frontend) == _of(from_services, frontend)
    # The backend's layers all match: nothing is said about them.
    assert "layer" not in backend_notices


def test_files_named_from_both_projects_in_either_order(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = "backend/app/services/user_service.py"
    model = "backend/app/models/user.py"
    script = "scripts/seed_db.py"
    everything, _ = _check(monorepo, monkeypatch=monkeypatch)
    one_way, _ = _check(monorepo, service, script, model, monkeypatch=monkeypatch)
    other_way, _ = _check(monorepo, script, model, service, monkeypatch=monkeypatch)
    assert one_way == other_way
    for name in (service, model, script):
        path = str(monorepo / name)
        assert {f for f in one_way if f[0] == path} == {f for f in everything if f[0] == path}, name
    # The script is its own project (the git top): its print is reported under the top's settings.
    assert any(f[0].endswith("seed_db.py") and "VL401" in f[1] for f in one_way)


def test_the_top_project_is_told_that_its_layers_match_nothing(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, notices = _check(monorepo, "scripts", monkeypatch=monkeypatch)
    assert notices.startswith("warning: in the project at ., layers match no file:\n")
    assert '  routes = ["app/api/**"]: VL306, VL402, VL501, VL502, VL503, VL504 cannot report without it\n' in notices
    # Without a config module every environment read is outside it: VL505 reports, not falls silent.
    assert '  config = ["app/core/config.py", "app/core/settings.py"]: VL505 takes every file for outside it' in notices
    assert "`vectra-lint init .`" in notices


def test_show_settings_names_the_project_of_a_path(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(monorepo)
    result = CliRunner().invoke(main, ["check", "--show-settings", "backend/app/services/user_service.py"])
    lines = result.stdout.splitlines()
    assert lines[0] == f"Root: {monorepo / 'backend'}"
    assert "  services = ['app/services/**' (3 files)]" in lines
    assert "  routes = ['app/api/**' (3 files)]" in lines


@pytest.mark.expensive
def test_pre_commit_with_files_from_both_places_in_either_order(
    monorepo: Path, hook_repository: tuple[str, str], pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository, rev = hook_repository
    (monorepo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {rev}\n    hooks:\n      - id: vectra-lint\n"
        "        args: [--no-cache, --output-format, concise]\n"
    )
    files = ["backend/app/services/user_service.py", "scripts/seed_db.py", "backend/app/schemas/user.py"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    runs = []
    for order in (files, files[::-1]):
        done = _pre_commit(monorepo, env, "vectra-lint", "--verbose", "--files", *order)
        runs.append(_parse(done.stdout, monorepo))
    everything, _ = _check(monorepo, monkeypatch=monkeypatch)
    # The named files' findings, and those a project rule puts on the translations (with the table).
    shown = [str(monorepo / name) for name in files] + [str(monorepo / "frontend/src/i18n/errors.en.json")]
    expected = {f for f in everything if f[0] in shown}
    assert runs[0] == runs[1] == expected


def test_init_at_the_top_offers_the_backend_and_writes_there_with_project(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject = monorepo / "backend" / "pyproject.toml"
    _without_table(pyproject)
    (monorepo / "backend/app/api/models").mkdir()
    (monorepo / "backend/app/api/models/payload.py").write_text('"""Request bodies."""\n')
    (monorepo / "backend/app/core/main").mkdir()
    (monorepo / "backend/app/core/main/config.py").write_text('"""More settings."""\n')
    monkeypatch.chdir(monorepo)
    offered = CliRunner().invoke(main, ["init"])
    assert offered.exit_code == 0
    assert offered.stdout == (
        ". holds no layer of its own; these sub-projects do (monorepo):\n"
        "  backend: vectra-lint init backend\n"
        "or from here: vectra-lint init . --project backend\n"
        "Each writes the table into that sub-project's own pyproject.toml, paths relative to it.\n"
    )
    assert not (monorepo / "pyproject.toml").exists()
    written = CliRunner().invoke(main, ["init", "--project", "backend"])
    assert written.exit_code == 0, written.output
    table = pyproject.read_text(encoding="utf-8").split("[tool.vectra-lint.layers]\n", 1)[1]
    # Relative to the backend; the API's own Pydantic models are schemas, taken out of the routes.
    assert table.splitlines()[1:] == [
        'routes = ["app/api/**", "!app/api/models/**"]',
        'services = ["app/services/**"]',
        'models = ["app/models/**"]',
        'schemas = ["app/schemas/**", "app/api/models/**"]',
        'workers = ["app/workers/**"]',
        'config = ["app/core/config.py", "app/core/main/config.py"]',
    ]
    # The written layers work: the same findings as before, from the top, and no layer notice.
    found, notices = _check(monorepo, "backend", monkeypatch=monkeypatch)
    assert "layer" not in notices
    assert any("VL502" in rest for _, rest in found)
    # The top's scripts are still told their layers match nothing; `init` there, as that notice
    # says, now that the backend has its table, writes the top's own: every layer none.
    _, notices = _check(monorepo, "scripts", monkeypatch=monkeypatch)
    assert "`vectra-lint init .`" in notices
    before, _ = _check(monorepo, monkeypatch=monkeypatch)
    top = CliRunner().invoke(main, ["init"])
    assert top.exit_code == 0, top.output
    written = (monorepo / "pyproject.toml").read_text(encoding="utf-8")
    assert 'routes = []  # not found in the tree; the default would be ["app/api/**"]\n' in written
    after, notices = _check(monorepo, monkeypatch=monkeypatch)
    assert "layer" not in notices
    # The backend's findings stay its own; the scripts' too (no layer rule reported on them).
    assert after == before


@pytest.mark.expensive
def test_the_readme_monorepo_pre_commit_example_works_as_written(monorepo: Path, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Monorepos", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert example is not None
    (monorepo / ".pre-commit-config.yaml").write_text(example.group(1))
    git(monorepo, "add", ".")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    done = _pre_commit(monorepo, env, "--files", "scripts/seed_db.py", "backend/app/services/user_service.py")
    # Each file with its own project's settings: the service's layer rules, the script's print.
    assert "backend/app/services/user_service.py:51:9: VL301" in done.stdout
    assert "scripts/seed_db.py:14:5: VL401" in done.stdout


def test_a_broken_config_in_one_project_leaves_the_others_checked(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (monorepo / "scripts" / "pyproject.toml").write_text("[tool.vectra-lint]\nselct = []\n")
    monkeypatch.chdir(monorepo)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "concise", "."])
    assert result.exit_code == 2
    assert f"error: {monorepo / 'scripts' / 'pyproject.toml'}: [tool.vectra-lint]: unknown key 'selct'" in result.stderr
    assert "(the project's files are not checked)" in result.stderr
    assert "backend/app/services/user_service.py:51:9: VL301" in result.stdout
    assert "scripts/" not in result.stdout
