"""A team's own rules: a plugin written in a fresh project reports, is selected, suppressed, fixed,
listed and documented like a built-in rule; its edits are seen; a broken plugin is one clear exit 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.test_lsp import Client
from vectra_lint import registry
from vectra_lint.cli import main
from vectra_lint.config import plugins
from vectra_lint.config.loader import Overrides, load
from vectra_lint.engine.lint import gather_facts
from vectra_lint.lsp.server import Server
from vectra_lint.rule import load_rules

PLUGIN = '''"""The team's rules."""

from __future__ import annotations

import libcst as cst

from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, Invalid, Replace, Rule, Valid


class LegacyNow(Rule):
    """## What it does
    Reports calls of `legacy_now()`.

    ## Why is this bad?
    It returns the local time; `utc_now()` is the team's clock.
    """

    code = "TEAM001"
    name = "legacy-now"
    message = "`legacy_now()` is local time: call `utc_now()`"
    fix_availability = FixAvailability.ALWAYS
    fix_safety = Applicability.SAFE
    call_names = frozenset({"legacy_now"})
    valid = (Valid("utc_now()\\n"),)
    invalid = (Invalid("legacy_now()\\n", fixed="utc_now()\\n", expected=(Expect(1, 1),)),)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "legacy_now":
            self.report(node, fix=FixSpec((Replace(node.func, cst.Name("utc_now")),), "Call `utc_now()`"))
'''
PLUGIN_MODULES = ("team_rules", "lint_rules", "acme_lint", "tools", "tools.lint", "tools.lint.clock")
"""The plugin modules the tests write (each test imports its own)."""
CONFIG = '[tool.vectra-lint]\nplugins = ["team_rules"]\nselect = ["TEAM", "VL002"]\n'


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Each test is a fresh run: no plugin rule or plugin module of another test is known.
    monkeypatch.setattr(registry, "_plugins", {})
    monkeypatch.setattr(plugins, "_roots", {})
    yield
    for name in PLUGIN_MODULES:
        sys.modules.pop(name, None)
    load_rules.cache_clear()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "team_rules.py").write_text(PLUGIN)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clock.py").write_text("legacy_now()\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(*args: str) -> Result:
    return run("check", "--no-cache", "--output-format", "concise", *args)


def test_a_plugin_rule_reports_and_leaves_the_import_path_alone(project: Path) -> None:
    result = check("app")
    assert result.output.splitlines() == [
        "app/clock.py:1:1: TEAM001 [*] `legacy_now()` is local time: call `utc_now()`",
        "Found 1 error.",
        "[*] 1 fixable with the `--fix` option.",
    ]
    assert result.exit_code == 1
    assert str(project) not in sys.path


def test_a_plugin_rule_is_selected_and_ignored_like_any(project: Path) -> None:
    assert check("--ignore", "TEAM", "app").exit_code == 0
    assert check("--select", "legacy-now", "app").exit_code == 1
    (project / "pyproject.toml").write_text(CONFIG + 'per-file-ignores = { "app/*" = ["TEAM001"] }\n')
    assert check("app").exit_code == 0


@pytest.mark.parametrize("code", ["FAST001", "EXT001", "WEB001"])
def test_a_code_sharing_first_letters_with_a_reserved_prefix_is_its_own(project: Path, code: str) -> None:
    # As in Ruff, a selector names codes of exactly its letters: `E` never selects EXT001.
    (project / "team_rules.py").write_text(PLUGIN.replace("TEAM001", code))
    prefix = code[:-3]
    (project / "pyproject.toml").write_text(CONFIG.replace('"TEAM"', f'"{prefix}"'))
    assert f"app/clock.py:1:1: {code} [*]" in check("app").output
    assert check("--select", code[0], "app").output == "All checks passed!\n"
    assert "unknown rule code, prefix or name" in check("--select", prefix[:2], "app").output
    assert check("--select", prefix + "0", "app").exit_code == 1


def test_noqa_suppresses_a_plugin_rule(project: Path) -> None:
    (project / "app" / "clock.py").write_text("legacy_now()  # noqa: TEAM001 -- the old report reads local time\n")
    result = check("app")
    assert (result.exit_code, result.output) == (0, "All checks passed!\n")
    (project / "app" / "clock.py").write_text("utc_now()  # noqa: TEAM001 -- nothing to suppress\n")
    assert "VL002 [*] Unused `noqa` directive (suppresses nothing): TEAM001" in check("app").output


def test_fix_applies_a_plugin_rules_fix(project: Path) -> None:
    result = check("--fix", "app")
    assert result.exit_code == 0
    assert (project / "app" / "clock.py").read_text() == "utc_now()\n"
    assert check("--fix", "app").output == "All checks passed!\n"


def test_rules_rule_and_docs_show_a_plugin_rule(project: Path) -> None:
    listed = run("rules")
    assert listed.exit_code == 0
    assert "TEAM001 │ legacy-now" in listed.output
    documented = run("rule", "TEAM001")
    assert documented.output.startswith("# legacy-now (TEAM001)\n\nFix: always available; safe (applied by `--fix`).")
    assert "It returns the local time" in documented.output
    assert "# legacy-now (TEAM001)" in run("docs").output


def test_sarif_describes_a_plugin_rule(project: Path) -> None:
    result = check("--output-format", "sarif", "app")
    (described,) = json.loads(result.output)["runs"][0]["tool"]["driver"]["rules"]
    assert described["id"] == "TEAM001"
    assert described["name"] == "legacy-now"
    assert described["fullDescription"]["text"].startswith("Reports calls of `legacy_now()`.")


def test_a_plugin_applies_to_the_project_that_lists_it(project: Path) -> None:
    other = project / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL002"]\n')
    (other / "clock.py").write_text("legacy_now()\n")
    result = check(".")
    assert result.output.splitlines()[:2] == [
        "app/clock.py:1:1: TEAM001 [*] `legacy_now()` is local time: call `utc_now()`",
        "Found 1 error.",
    ]


def test_the_editor_links_no_ruff_page_for_a_plugin_rule() -> None:
    server = Server(writer=None)  # type: ignore[arg-type]  # links only: nothing is written
    server.docs = "https://docs.example.test/rules.md"
    assert server.docs_url("TEAM001", "legacy-now") is None
    assert server.docs_url("FAST001", "fast-thing") is None
    assert server.docs_url("VLX001", "vlx-thing") is None
    assert server.docs_url("E501", "line-too-long") == "https://docs.astral.sh/ruff/rules/line-too-long"
    assert server.docs_url("VL401", "print-call") == "https://docs.example.test/rules.md#print-call-vl401"


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vectra_lint", "check", "--output-format", "concise", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def test_an_edited_plugin_is_seen_by_the_next_cached_run(project: Path) -> None:
    assert "local time: call" in _cli(project, "app").stdout
    assert "local time: call" in _cli(project, "app").stdout  # from the cache
    plugin = project / "team_rules.py"
    plugin.write_text(PLUGIN.replace("is local time: call", "is the server's time: call"))
    assert "the server's time: call" in _cli(project, "app").stdout
    plugin.write_text(PLUGIN.replace('code = "TEAM001"', 'code = "TEAM002"'))
    assert "TEAM002" in _cli(project, "--output-format", "sarif", "app").stdout


PROJECT_PLUGIN = '''"""A rule settled in the project phase, with facts and a payload of the plugin's own."""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from vectra_lint.api import Analysis, Diagnostic, Expect, FileContext, Invalid, Project, Rule, Valid


@dataclass(frozen=True)
class Functions:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Defined:
    name: str


class FunctionNames(Analysis):
    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.names: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.append(node.name.value)

    def facts(self) -> object:
        return Functions(tuple(self.names))


class DuplicateFunction(Rule):
    """## What it does
    Reports a function whose name another module defines too.

    ## Why is this bad?
    Two handlers of one name make the logs ambiguous.
    """

    code = "ACME002"
    name = "duplicate-function"
    message = "another module defines a function of this name"
    analyses = (FunctionNames,)
    valid = (Valid("def only_here():\\n    pass\\n"),)
    invalid = (Invalid("def twice():\\n    pass\\n", expected=(Expect(1, 1),)),)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.report(node, pending=Defined(node.name.value))

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        count: dict[str, int] = {}
        for facts in project.facts_of(FunctionNames).values():
            assert isinstance(facts, Functions)
            for name in set(facts.names):
                count[name] = count.get(name, 0) + 1
        twice = [d for d in diagnostics if isinstance(d.pending, Defined) and count[d.pending.name] > 1]
        return [replace(d, pending=None) for d in twice]
'''


def test_a_plugins_own_facts_and_payloads_are_answered_from_the_cache(project: Path, checked: list[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nplugins = ["acme_lint"]\nselect = ["ACME"]\n')
    (project / "acme_lint.py").write_text(PROJECT_PLUGIN)
    (project / "app" / "orders.py").write_text("def create():\n    pass\n")
    (project / "app" / "users.py").write_text("def create():\n    pass\n\n\ndef delete():\n    pass\n")
    expected = check("app")
    assert expected.output.splitlines() == [
        "app/orders.py:1:1: ACME002 another module defines a function of this name",
        "app/users.py:1:1: ACME002 another module defines a function of this name",
        "Found 2 errors.",
    ]
    alone = check("app/orders.py")
    assert alone.output.splitlines()[0] == expected.output.splitlines()[0]
    cached = ["check", "-j", "1", "--output-format", "concise"]
    assert run(*cached, "app").output == expected.output
    checked.clear()
    assert run(*cached, "app").output == expected.output
    # A run on one file settles against the other's facts, read back from the cache.
    assert run(*cached, "app/orders.py").output == alone.output
    assert checked == []


def test_a_process_that_has_not_imported_a_plugin_gathers_its_facts(tmp_path: Path) -> None:
    # A worker started afresh (where there is no fork) gets the settings, not the imported plugin:
    # the files a partial run only reads for their facts find it under its project's root, as
    # the files it lints do, wherever the run started (here: above the project, as in a monorepo).
    project = tmp_path / "backend"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nplugins = ["acme_lint"]\nselect = ["ACME"]\n')
    (project / "acme_lint.py").write_text(PROJECT_PLUGIN)
    settings = load(project / "pyproject.toml", Overrides(), project)
    sys.modules.pop("acme_lint")
    load_rules.cache_clear()
    source = "def create():\n    pass\n"
    found = gather_facts(str(project / "app" / "users.py"), "app/users.py", source, settings)
    assert [(type(facts).__name__, facts) for facts in found.facts.values()] == [
        ("Functions", sys.modules["acme_lint"].Functions(("create",)))
    ]


UNREAD = (
    "app/users.py: internal error (this is a bug in vectra-lint, please report it): "
    "RuntimeError: no delete (it was read for what the files checked take from it)"
)


def _failing_on_another_file(project: Path) -> None:
    # The plugin's analysis fails on users.py, which defines create() too; broken.py does not parse.
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nplugins = ["acme_lint"]\nselect = ["ACME"]\n')
    failing = PROJECT_PLUGIN.replace(
        "        self.names.append(node.name.value)",
        '        if node.name.value == "delete":\n            raise RuntimeError("no delete")\n'
        "        self.names.append(node.name.value)",
    )
    (project / "acme_lint.py").write_text(failing)
    (project / "app" / "orders.py").write_text("def create():\n    pass\n")
    (project / "app" / "users.py").write_text("def create():\n    pass\n\n\ndef delete():\n    pass\n")
    (project / "app" / "broken.py").write_text("def create(:\n")


def test_a_bug_on_a_file_read_only_for_its_facts_is_said(project: Path) -> None:
    # The other files of a partial run are read for the project phase; one that cannot be parsed
    # is left out silently (its own check reports it), but a failure of the analyses on it is a
    # bug the user must hear of: the files checked may lack a finding that depends on it.
    _failing_on_another_file(project)
    stdin = ["--stdin-filename", "app/orders.py", "-"]
    for args in (["--no-cache", "app/orders.py"], ["-j", "1", "app/orders.py"], ["-j", "1", "app/orders.py"], stdin):
        result = CliRunner().invoke(
            main, ["check", "--output-format", "concise", *args], input="def create():\n    pass\n"
        )
        assert result.exit_code == 0
        assert result.output.splitlines() == [f"warning: {UNREAD}", "All checks passed!"]


def test_the_editor_logs_a_bug_on_a_file_read_only_for_its_facts(project: Path) -> None:
    _failing_on_another_file(project)
    client = Client(project)
    try:
        client.start(project)
        uri = client.open(project / "app" / "orders.py")
        assert client.diagnostics(uri) == []
        assert client.stop() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()
    assert client.process.stderr is not None
    assert f"vectra-lint server: warning: {UNREAD}\n" in client.process.stderr.read().decode()


SPAWNING = """
import multiprocessing
import sys

if __name__ == "__main__":
    # Workers started afresh, as where there is no fork (Windows): they import nothing the
    # command had imported, the plugin included.
    multiprocessing.set_start_method("spawn", force=True)
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    from vectra_lint.__main__ import run

    sys.argv = ["vectra-lint", *sys.argv[1:]]
    run()
"""


def test_a_partial_run_from_a_monorepo_s_top_is_the_same_with_fresh_workers(tmp_path: Path) -> None:
    backend = tmp_path / "backend"
    (backend / "app").mkdir(parents=True)
    (backend / "pyproject.toml").write_text('[tool.vectra-lint]\nplugins = ["acme_lint"]\nselect = ["ACME"]\n')
    (backend / "acme_lint.py").write_text(PROJECT_PLUGIN)
    (backend / "app" / "orders.py").write_text("def create():\n    pass\n")
    (backend / "app" / "users.py").write_text("def create():\n    pass\n")
    for number in range(4):
        (backend / "app" / f"part{number}.py").write_text(f"def only_{number}():\n    pass\n")
    (tmp_path / "spawning.py").write_text(SPAWNING)
    arguments = ["check", "--no-cache", "--output-format", "concise", "--jobs", "2", "backend/app/orders.py"]
    forked = subprocess.run(
        [sys.executable, "-m", "vectra_lint", *arguments], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    fresh = subprocess.run(
        [sys.executable, "spawning.py", *arguments], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    # The other files are read for their facts in the workers: users.py defines create() too.
    assert forked.stdout.splitlines() == [
        "backend/app/orders.py:1:1: ACME002 another module defines a function of this name",
        "Found 1 error.",
    ]
    assert (fresh.stdout, fresh.stderr, fresh.returncode) == (forked.stdout, forked.stderr, forked.returncode)


TWIN = '''

class Twin(LegacyNow):
    """## What it does
    The same code again.

    ## Why is this bad?
    Two rules, one code.
    """

    name = "legacy-now-twin"
'''


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (None, "does not import: no module 'team_rules' under the project root"),
        ("import does_not_exist\n", "does not import: ModuleNotFoundError: No module named 'does_not_exist'"),
        ("def broken(:\n", "does not import: SyntaxError: "),
        ("raise RuntimeError('no database in CI')\n", "RuntimeError: no database in CI (/"),
        ('"""Nothing here."""\n', "defines no rule (no public subclass of vectra_lint.api.Rule)"),
        (PLUGIN.replace('"TEAM001"', '"team1"'), "code 'team1' is not 2 to 6 upper-case letters and 3 digits"),
        (PLUGIN.replace('"TEAM001"', '"VL901"'), "code 'VL901' has a reserved prefix"),
        (PLUGIN.replace('"TEAM001"', '"E001"'), "code 'E001' is not 2 to 6 upper-case letters"),
        (PLUGIN.replace('"legacy-now"', '"print-call"'), "print-call is defined twice"),
        (PLUGIN + TWIN, "TEAM001 is defined twice"),
        (PLUGIN.replace("## Why is this bad?", "## Why"), "docstring lacks a '## Why is this bad?' section"),
        (
            PLUGIN.replace('fixed="utc_now()\\n", ', ""),
            "a fixable rule needs an invalid example with its fixed code",
        ),
        (PLUGIN.replace("-> None:\n        if", "-> bool:\n        if"), "must be annotated `-> None`"),
    ],
    ids=[
        "missing",
        "import-error",
        "syntax-error",
        "raises",
        "no-rule",
        "malformed-code",
        "reserved-vl",
        "reserved-e",
        "builtin-name",
        "code-clash",
        "no-section",
        "examples-disagree",
        "handler-return",
    ],
)
def test_a_broken_plugin_is_one_clear_exit_2(project: Path, source: str | None, reason: str) -> None:
    plugin = project / "team_rules.py"
    if source is None:
        plugin.unlink()
    else:
        plugin.write_text(source)
    result = check("app")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "[tool.vectra-lint].plugins: plugin 'team_rules'" in result.output or "twice" in result.output
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_test_rules_runs_a_plugins_examples(project: Path) -> None:
    result = run("test-rules")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "ok   TEAM001 legacy-now: valid example 1",
        "ok   TEAM001 legacy-now: invalid example 1",
        "2 passed, 0 failed (1 rule, 2 examples)",
    ]
    assert run("test-rules", "team_rules").exit_code == 0
    assert run("test-rules", "other_rules").exit_code == 2


def test_test_rules_fails_on_a_wrong_example(project: Path) -> None:
    (project / "team_rules.py").write_text(PLUGIN.replace('fixed="utc_now()\\n"', 'fixed="utc_now(tz)\\n"'))
    result = run("test-rules", "TEAM001")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "FAIL TEAM001 legacy-now: invalid example 1",
        "  --fix --unsafe-fixes gives 'utc_now()\\n', expected 'utc_now(tz)\\n'",
        "1 passed, 1 failed (1 rule, 2 examples)",
    ]


def test_an_installed_plugin_applies_to_every_project(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path_factory.mktemp("site")
    (site / "acme_lint.py").write_text(PLUGIN.replace("TEAM001", "ACME001").replace("legacy-now", "acme-legacy-now"))
    info = site / "acme_lint-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-lint\nVersion: 1.2.0\n")
    (info / "entry_points.txt").write_text("[vectra_lint.rules]\nacme = acme_lint\n")
    monkeypatch.syspath_prepend(str(site))
    plugins._entry_point_folders.cache_clear()
    plugins.installed.cache_clear()
    try:
        (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["ACME"]\n')
        result = check("app")
        assert result.output.splitlines()[0] == (
            "app/clock.py:1:1: ACME001 [*] `legacy_now()` is local time: call `utc_now()`"
        )
        assert plugins.installed_fingerprint() == "\0acme_lint-1.2.0.dist-info"
    finally:
        plugins._entry_point_folders.cache_clear()
        plugins.installed.cache_clear()


def test_no_plugin_costs_no_import() -> None:
    # No plugin listed, none installed: nothing is imported, not even importlib.metadata's scan.
    assert plugins.load(Path("."), (), "here") == plugins.Loaded()
    assert plugins.installed_fingerprint() == ""


README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "plugins"


def _readme_block(language: str) -> str:
    section = README.split("## Writing your own rule", 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


def test_a_plugin_written_from_the_readme_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(_readme_block("toml"))
    (tmp_path / "lint_rules.py").write_text(_readme_block("python"))
    for folder, text in {"api": "from app.db import session\n", "services": "from app.db import session\n"}.items():
        (tmp_path / "app" / folder).mkdir(parents=True)
        (tmp_path / "app" / folder / "orders.py").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = check("--select", "ACME", "app")
    assert result.output.splitlines()[0] == (
        "app/api/orders.py:1:1: ACME001 a route imports the database module: call a service"
    )
    assert result.exit_code == 1
    assert run("test-rules").output.splitlines()[-1] == "2 passed, 0 failed (1 rule, 2 examples)"
    assert "route-imports-database" in run("rule", "ACME001").output


def test_the_worked_example_reports_its_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    result = check(".")
    assert result.output.splitlines() == [
        "app/api/orders.py:3:1: ACME001 a route imports `app.db`: call a service, which owns the session and the "
        "transaction",
        "Found 1 error.",
    ]
    tested = run("test-rules", "lint_rules")
    assert (tested.exit_code, tested.output.splitlines()[-1]) == (0, "4 passed, 0 failed (1 rule, 4 examples)")


def test_two_projects_plugins_of_one_name_are_one_clear_exit_2(project: Path) -> None:
    other = project / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text(CONFIG)
    (other / "team_rules.py").write_text(PLUGIN.replace("TEAM001", "TEAM002").replace("legacy-now", "legacy-now-2"))
    (other / "clock.py").write_text("legacy_now()\n")
    result = check(".")
    assert result.exit_code == 2
    assert "plugin 'team_rules' of " in result.output
    assert "a process holds one module of a name (rename one)" in result.output


def test_a_package_plugin_and_a_rule_module_added_to_it(project: Path) -> None:
    package = project / "tools" / "lint"
    package.mkdir(parents=True)
    (project / "tools" / "__init__.py").write_text("")
    (package / "__init__.py").write_text('"""The team\'s rules."""\n')
    (project / "team_rules.py").rename(package / "clock.py")
    (project / "pyproject.toml").write_text(CONFIG.replace('"team_rules"', '"tools.lint"'))
    assert "TEAM001" in _cli(project, "app").stdout
    # A new rule module in the package is seen by the next (cached) run.
    (package / "clock_two.py").write_text(
        PLUGIN.replace("TEAM001", "TEAM002").replace("legacy-now", "legacy-now-two").replace("LegacyNow", "Two")
    )
    assert "TEAM002" in _cli(project, "app").stdout
