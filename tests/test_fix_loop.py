"""The fix loop's cost: each text is linted once and parsed once, and what it reports is what a
full check of the fixed file reports."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import libcst
import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main
from vectra_lint.config.loader import Overrides, load
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.engine import libcst_private
from vectra_lint.engine import lint as engine_lint
from vectra_lint.fixing.apply import Linted, check_source, fix_text
from vectra_lint.pipeline import runner

NO_LAYERS = "[tool.vectra-lint.layers]\n" + "".join(
    f"{layer} = []\n" for layer in ("routes", "services", "models", "schemas", "workers", "config")
)
CONFIG = '[tool.vectra-lint]\nselect = ["VL0", "VL2", "VL3", "VL4"]\n'

FIXABLE = """\
import time


async def poll() -> None:
    time.sleep(1)
    print("left: its fix is unsafe")
"""
FIXED = """\
import asyncio


async def poll() -> None:
    await asyncio.sleep(1)
    print("left: its fix is unsafe")
"""
NOTHING_TO_FIX = 'print("its fix is unsafe")\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG + NO_LAYERS)
    (tmp_path / "a.py").write_text(FIXABLE)
    (tmp_path / "b.py").write_text(NOTHING_TO_FIX)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_each_text_is_linted_once_and_parsed_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linted: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    lint_text = runner.lint_text

    def counting_lint(path: str, *args: object, **kwargs: object) -> engine_lint.FileResult:
        linted[path] += 1
        return lint_text(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_text", counting_lint)
    _count_parses(monkeypatch, parsed)
    result = run("check", "--fix", "--no-cache", "--jobs", "1", "--output-format", "concise", "a.py", "b.py")
    assert (project / "a.py").read_text() == FIXED
    assert (project / "b.py").read_text() == NOTHING_TO_FIX
    assert "Fixed 1 error, 2 remaining." in result.output
    # b.py: nothing to fix, one lint. a.py: the text read, then the fixed text, which has nothing
    # left to fix: two lints, each text parsed by its lint alone.
    assert linted == {"b.py": 1, "a.py": 2}
    assert parsed == {NOTHING_TO_FIX: 1, FIXABLE: 1, FIXED: 1}


def test_a_run_in_one_process_fixes_its_files_a_few_at_a_time(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each file fixed keeps its tree until its next pass: the files fixed side by side are few.
    names = [f"m{number}.py" for number in range(5)]
    for name in names:
        (project / name).write_text(FIXABLE)
    groups: list[int] = []
    fix_together = runner._fix_together

    def recording(chunk: list[object], *args: Any) -> Any:
        groups.append(len(chunk))
        return fix_together(chunk, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_FIXED_TOGETHER", 2)
    monkeypatch.setattr(runner, "_fix_together", recording)
    result = run("check", "--fix", "--no-cache", "--jobs", "1", "--output-format", "concise", *names)
    assert groups == [2, 2, 1]
    assert all((project / name).read_text() == FIXED for name in names)
    assert "Fixed 5 errors, 5 remaining." in result.output


def _count_parses(monkeypatch: pytest.MonkeyPatch, parsed: Counter[str]) -> None:
    """Count libcst's parses of each text (on the engine's fast path and on the public one)."""
    fast_parse, libcst_parse = libcst_private._fast_parse, libcst.parse_module

    def counting_fast_parse(text: str) -> libcst.Module:
        parsed[text] += 1
        return fast_parse(text)

    def counting_libcst_parse(text: str, *args: object, **kwargs: object) -> libcst.Module:
        parsed[text] += 1
        return libcst_parse(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(libcst_private, "_fast_parse", counting_fast_parse)
    monkeypatch.setattr(libcst, "parse_module", counting_libcst_parse)


def test_what_fix_reports_is_what_a_check_of_the_fixed_files_reports(project: Path) -> None:
    fixed = run("check", "--fix", "--no-cache", "--output-format", "json", "a.py", "b.py")
    checked = run("check", "--no-cache", "--output-format", "json", "a.py", "b.py")
    assert (project / "a.py").read_text() == FIXED
    assert json.loads(fixed.stdout) == json.loads(checked.stdout)
    assert [item["code"] for item in json.loads(checked.stdout)] == ["VL401", "VL401"]
    again = run("check", "--fix", "--no-cache", "a.py", "b.py").output
    assert "Found 2 errors." in again and "Fixed" not in again
    assert (project / "a.py").read_text() == FIXED


LATIN_1 = FIXABLE.replace("import time\n", '# -*- coding: latin-1 -*-\n"""Caf\u00e9."""\nimport time\n')


@pytest.mark.parametrize("files", [["l1.py"], ["l1.py", "l2.py"]], ids=["alone", "together"])
def test_ruff_reads_a_fixed_file_in_its_own_encoding_as_it_reads_the_file(project: Path, files: list[str]) -> None:
    # Ruff reads files as UTF-8 only: a Latin-1 file is an E902 to it, before its fix and after.
    (project / "pyproject.toml").write_text(CONFIG.replace('"VL4"]', '"VL4", "E"]') + NO_LAYERS)
    for name in files:
        (project / name).write_bytes(LATIN_1.encode("latin-1"))
    fixed = run("check", "--fix", "--output-format", "json", "--jobs", "1", *files)
    checked = run("check", "--no-cache", "--output-format", "json", *files)
    cached = run("check", "--output-format", "json", *files)
    for name in files:
        assert (project / name).read_bytes() == FIXED.replace(
            "import asyncio\n", '# -*- coding: latin-1 -*-\n"""Caf\u00e9."""\nimport asyncio\n'
        ).encode("latin-1")
    assert json.loads(fixed.stdout) == json.loads(checked.stdout) == json.loads(cached.stdout)
    assert [item["code"] for item in json.loads(checked.stdout)] == ["E902", "VL401"] * len(files)


def _replacing(source: str, old: str, new: str) -> tuple[Diagnostic, ...]:
    start = source.index(old)
    fix = Fix((Edit(start, start + len(old), new),), Applicability.SAFE, "replace")
    return (Diagnostic("a.py", "VL999", "breaker", "message", 1, 1, 1, 2, fix),)


def test_a_fixed_text_that_no_longer_compiles_is_not_linted_and_the_file_is_left_unchanged() -> None:
    source = "x = 1\n"
    linted: list[str] = []

    def lint(text: str) -> Linted:
        linted.append(text)
        return Linted(_replacing(text, "x = 1", "return 1"), parsed=True)

    outcome = fix_text(source, "a.py", lint, unsafe=False, max_passes=10)
    assert outcome.text == source and outcome.fixed == 0
    assert linted == [source]
    broken = "return 1\n"
    assert check_source(broken, "a.py", compile_check=False) is None
    assert outcome.error == f"fixes for VL999 produced invalid code ({check_source(broken, 'a.py')}); " + (
        "the file was left unchanged"
    )
    assert [d.code for d in outcome.diagnostics] == ["VL999"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('x = u"a" b"c"\n', "Cannot concatenate string and bytes."),  # parsed, then refused by validation
        ("f(a=1, b)\n", "Syntax Error @ 1:1."),
        ("return 1\n", None),  # libcst's grammar takes it; only compile refuses it
    ],
)
def test_the_check_of_a_fixed_text_refuses_what_libcst_refuses_before_compiling(text: str, problem: str | None) -> None:
    # The check parses as the engine does (its fast path where libcst's private parts passed
    # their check): what libcst leaves to its nodes' validation is still refused.
    assert check_source(text, "a.py", compile_check=False) == problem


def test_a_fixed_text_its_lint_could_not_parse_leaves_the_file_unchanged() -> None:
    # A file that does not compile (``return`` outside a function): only the parse checks a fix.
    source = "return (1)\n"
    linted: list[str] = []

    def lint(text: str) -> Linted:
        linted.append(text)
        if text != source:
            return Linted((), parsed=False)
        return Linted(_replacing(text, "1)", "1"), parsed=True)

    outcome = fix_text(source, "a.py", lint, unsafe=False, max_passes=10)
    assert outcome.text == source
    assert outcome.error is not None and outcome.error.startswith("fixes for VL999 produced invalid code (")
    assert linted == [source, "return (1\n"]


def test_a_file_whose_fixes_break_it_is_reported_as_a_check_reports_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its first lint made only the diagnostic whose fix applies (VL302); the rest is made when
    # the fix is rolled back.
    from vectra_lint.rules.errors import bare_except

    source = 'try:\n    run()\nexcept:\n    pass\nprint("x")\n'
    (project / "a.py").write_text(source)
    original = bare_except.InsertInto
    monkeypatch.setattr(bare_except, "InsertInto", lambda node, offset, text: original(node, offset, " ("))
    checked = run("check", "--no-cache", "--output-format", "json", "a.py")
    fixed = run("check", "--fix", "--no-cache", "--output-format", "json", "a.py")
    assert (project / "a.py").read_text() == source
    assert "a.py: fixes for VL302 produced invalid code" in fixed.stderr
    assert json.loads(fixed.stdout) == json.loads(checked.stdout)
    assert [item["code"] for item in json.loads(checked.stdout)] == ["VL302", "VL401"]


COMPAT = """\
import sys

if sys.version_info < (3, 10):
    import importlib_metadata
    from importlib_metadata import entry_points
else:
    import importlib.metadata as importlib_metadata
    from importlib.metadata import entry_points
print(sys.argv)
"""
COMPAT_FIXED = """\
import sys

if sys.version_info < (3, 10):
    pass
else:
    pass
print(sys.argv)
"""


def test_fixes_valid_alone_but_not_together_are_applied_over_several_passes(project: Path) -> None:
    # Ruff's F401 fix of each import deletes its statement; both imports of a block deleted in
    # one pass leave it empty. Ruff applies them in separate passes, putting `pass` in place of
    # the last: so does the fix loop, and the file ends as Ruff's own --fix leaves it.
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["F401"]\n' + NO_LAYERS)
    (project / "a.py").write_text(COMPAT)
    fixed = run("check", "--fix", "--no-cache", "a.py")
    assert fixed.exit_code == 0, fixed.output
    assert "invalid code" not in fixed.output
    assert (project / "a.py").read_text() == COMPAT_FIXED
    assert parses_and_compiles(COMPAT_FIXED)
    again = run("check", "--fix", "--no-cache", "a.py")
    assert again.exit_code == 0 and (project / "a.py").read_text() == COMPAT_FIXED


def test_fixes_that_each_reveal_the_next_settle_in_one_run(project: Path) -> None:
    # Each `import pkg.x` shadows the one before: Ruff reports the last as unused, and each
    # removal reveals the one before it (CPython's test_sundry.py needed twenty passes).
    imports = "".join(f"    import pkg.m{index}\n" for index in range(20))
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["F401"]\n' + NO_LAYERS)
    (project / "a.py").write_text(f"def load() -> None:\n    print(1)\n{imports}")
    fixed = run("check", "--fix", "--no-cache", "a.py")
    assert fixed.exit_code == 0, fixed.output
    assert "did not settle" not in fixed.output
    assert (project / "a.py").read_text() == "def load() -> None:\n    print(1)\n"


def test_a_fix_invalid_even_alone_still_leaves_the_file_unchanged() -> None:
    # Halving the pass isolates the fix that breaks the file: that one is reported, as before.
    source = "x = 1\ny = 2\n"

    def lint(text: str) -> Linted:
        found = []
        for old, new in (("x = 1", "x = 3"), ("y = 2", "return 2")):
            if old in text:
                start = text.index(old)
                fix = Fix((Edit(start, start + len(old), new),), Applicability.SAFE, "replace")
                found.append(Diagnostic("a.py", "VL999", "breaker", "message", 1, 1, 1, 2, fix))
        return Linted(tuple(found), parsed=True)

    outcome = fix_text(source, "a.py", lint, unsafe=False, max_passes=10)
    assert outcome.text == source and outcome.fixed == 0
    assert outcome.error is not None and outcome.error.startswith("fixes for VL999 produced invalid code (")


def test_a_partial_first_lint_gives_the_fixable_diagnostics_of_a_full_one() -> None:
    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.engine.lint import lint_text

    settings = load(None, Overrides(), Path("."))
    source = 'import time\n\n\nasync def poll():\n    time.sleep(1)\n    print("x")\n    y = 1\n'
    full = lint_text("a.py", "a.py", source, settings)
    safe = lint_text("a.py", "a.py", source, settings, fixing=False)
    unsafe = lint_text("a.py", "a.py", source, settings, fixing=True)
    assert full.complete and not safe.complete and not unsafe.complete
    assert safe.diagnostics == tuple(d for d in full.diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    assert unsafe.diagnostics == tuple(d for d in full.diagnostics if d.fix)
    assert len(safe.diagnostics) < len(unsafe.diagnostics) < len(full.diagnostics)
    noqa = lint_text("a.py", "a.py", source + "z = 1  # noqa: E501\n", settings, fixing=False)
    assert noqa.complete


SERVICE = """\
import time


async def poll(count: int) -> int:
    total = 0
    for step in range(count):
        total += step
    time.sleep(1)
    return total
"""


def test_an_unsafe_fix_made_later_is_made_only_for_what_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # VL402's fix (unsafe, costly to make) is not made for the text --fix is about to change.
    from vectra_lint.rules.logging.missing_instrumentation import MissingInstrumentation

    layers = NO_LAYERS.replace("services = []", 'services = ["services/**"]')
    (tmp_path / "pyproject.toml").write_text(CONFIG + layers)
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "a.py").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    made: list[str] = []
    make = MissingInstrumentation._fix

    def counting(self: MissingInstrumentation, *args: Any) -> Any:
        made.append(self.context.source)
        return make(self, *args)

    monkeypatch.setattr(MissingInstrumentation, "_fix", counting)
    # One job: the file is checked in this process, where ``made`` is seen.
    fixed = run("check", "--fix", "--no-cache", "--jobs", "1", "--output-format", "json", "services/a.py")
    text = (tmp_path / "services" / "a.py").read_text()
    assert "await asyncio.sleep(1)" in text
    assert made == [text]
    checked = run("check", "--no-cache", "--output-format", "json", "services/a.py")
    assert json.loads(fixed.stdout) == json.loads(checked.stdout)
    assert [(item["code"], item["fix"]["applicability"]) for item in json.loads(checked.stdout)] == [
        ("VL402", "unsafe")
    ]


def test_ruffs_answer_for_a_fixed_text_is_never_taken_for_the_original_when_the_fixes_fail(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The side-by-side loop hands each pass Ruff's answer for the text it wants; when that text's
    # fixes fail, the original is linted again, and that answer does not describe it.
    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.fixing import apply
    from vectra_lint.pipeline import ruff

    settings = load(project / "pyproject.toml", Overrides(extend_select=("E", "W", "F")), project)
    task = runner.Task(project / "a.py", "a.py", "a.py")
    fixing = runner._start(task, FIXABLE.encode(), settings, runner.Mode(fix=True), None)
    assert isinstance(fixing, runner._Fixing)
    fixing.step(None)
    assert fixing.loop.wanted == FIXED
    elsewhere = ruff.check_text("\n" * 40 + "import os\n", "a.py", settings)  # F401 at line 41
    monkeypatch.setattr(apply, "_lint_fixed", lambda lint, text: None)  # the fixed text does not parse
    fixing.step(elsewhere)
    outcome = fixing.outcome()
    assert outcome.error is not None and "produced invalid code" in outcome.error
    checked = runner.process(task, FIXABLE.encode(), settings, runner.Mode(), None)
    assert outcome.diagnostics == checked.diagnostics
    assert all(d.line <= FIXABLE.count("\n") for d in outcome.diagnostics)


JOB_MODEL = '''\
"""Jobs."""

from dataclasses import dataclass


@dataclass
class Job:
    """A job."""

    owner_id: int
    name: str
'''
# START shows `job` by its id fields, which only the project phase knows (models/job.py): the
# fix is made there, after the workers' last lint of the file.
BILLING = '''\
"""Billing."""

import logging

from models.job import Job

logger = logging.getLogger(__name__)


def total(job: Job) -> int:
    """Total."""
    a = job.owner_id
    b = 2
    return a + b


def other(x):
    """Other."""
    return x
'''


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the service `services/billing.py` and the model its VL402 fix waits for."""
    layers = NO_LAYERS.replace("services = []", 'services = ["services/**"]')
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL1", "VL4"]\n' + layers)
    for folder, name, text in (("models", "job.py", JOB_MODEL), ("services", "billing.py", BILLING)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("jobs", "cache"), [("1", "--no-cache"), ("2", "--no-cache"), ("2", "--cache-dir=.cache")])
def test_what_the_project_phase_fixed_is_reported_as_a_check_of_the_written_file_reports_it(
    services: Path, jobs: str, cache: str
) -> None:
    (services / "services" / "other.py").write_text(BILLING.replace("total", "grand_total"))
    args = (cache, "--jobs", jobs, "--output-format", "json", "services", "models")
    fixed = run("check", "--fix", "--unsafe-fixes", *args)
    written = {name: (services / "services" / name).read_text() for name in ("billing.py", "other.py")}
    for text in written.values():
        assert 'Params: job=Job(owner_id={job.owner_id})")' in text
        assert parses_and_compiles(text)
    found = [(item["path"], item["code"], item["location"]["line"]) for item in json.loads(fixed.stdout)]
    # `other`, where it is now: below the block the fix wrote above it.
    line = written["billing.py"].count("\n", 0, written["billing.py"].index("def other")) + 1
    assert line > BILLING.count("\n", 0, BILLING.index("def other")) + 1
    assert found == [
        ("services/billing.py", "VL102", line),
        ("services/billing.py", "VL101", line),
        ("services/other.py", "VL102", line),
        ("services/other.py", "VL101", line),
    ]
    checked = run("check", *args)
    assert json.loads(fixed.stdout) == json.loads(checked.stdout)
    again = run("check", "--fix", "--unsafe-fixes", *args)
    assert json.loads(again.stdout) == json.loads(checked.stdout)
    assert {name: (services / "services" / name).read_text() for name in written} == written


def _dying_when_checked_again(monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    """Make the process checking ``name`` again after the project phase's fixes die (libcst's native
    parser crashing, say); returns the check as it was, to put back."""
    from vectra_lint.pipeline import settle

    check_again = settle._lint_fixed

    def dying(tasks: list[runner.Task], **kwargs: Any) -> Any:
        if any(task.display.endswith(name) for task in tasks):
            os.kill(os.getpid(), signal.SIGKILL)
        return check_again(tasks, **kwargs)

    monkeypatch.setattr(settle, "_lint_fixed", dying)
    return check_again


def test_a_file_whose_check_after_the_project_phase_dies_keeps_its_fix_and_says_its_findings_are_old(
    services: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.pipeline import settle

    (services / "services" / "other.py").write_text(BILLING.replace("total", "grand_total"))
    check_again = _dying_when_checked_again(monkeypatch, "other.py")
    args = ("--no-cache", "--jobs", "2", "--output-format", "concise", "services")
    result = run("check", "--fix", "--unsafe-fixes", *args)
    assert result.exit_code == 1
    assert (
        "warning: services/other.py: not checked again after the project phase's fixes (the process analysing "
        "it was killed by SIGKILL): its findings are from before"
    ) in result.stderr
    # Both files got their fix; the one checked again is reported where its findings now are.
    monkeypatch.setattr(settle, "_lint_fixed", check_again)
    written = (services / "services" / "billing.py").read_text()
    assert "Params: job=Job(owner_id={job.owner_id})" in (services / "services" / "other.py").read_text()
    line = written.count("\n", 0, written.index("def other")) + 1
    assert f"services/billing.py:{line}:5: VL102" in result.stdout
    assert f"services/billing.py:{line}:5: VL102" in run("check", *args).stdout


def test_standard_input_gets_the_fixes_of_the_project_phase_as_the_file_does(services: Path) -> None:
    args = ["check", "--no-cache", "--fix", "--unsafe-fixes", "--output-format", "concise"]
    piped = CliRunner().invoke(main, [*args, "--stdin-filename", "services/billing.py", "-"], input=BILLING)
    assert "Fixed 1 error, 2 remaining." in piped.stderr
    fixed = run(*args, "services/billing.py")
    written = (services / "services" / "billing.py").read_text()
    assert 'Params: job=Job(owner_id={job.owner_id})")' in written
    assert piped.stdout == written
    assert piped.stderr == fixed.stdout


def parses_and_compiles(text: str) -> bool:
    libcst.parse_module(text)
    compile(text, "<fixed>", "exec")
    return True


def _to_check_again(project: Path, texts: dict[str, str]) -> tuple[list[runner.Outcome], Settings, runner.Mode]:
    """Outcomes as the project phase leaves the files it fixed (their new bytes not yet written)."""
    (project / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2", "VL401", "F401"]\n' + NO_LAYERS)
    settings = load(project / "pyproject.toml", Overrides(), project)
    outcomes = [
        runner.Outcome(runner.Task(project / name, name, name), (), fixed_bytes=text.encode())
        for name, text in texts.items()
    ]
    return outcomes, settings, runner.Mode(fix=True)


def _alone(outcomes: list[runner.Outcome], settings: Settings, mode: runner.Mode) -> list[runner.Outcome]:
    return [runner.process_safely(o.task, o.fixed_bytes or b"", settings, mode) for o in outcomes]


def test_the_files_the_project_phase_fixed_are_checked_again_together_as_each_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.pipeline import ruff, settle

    texts = {name: f"import os\n{FIXABLE}" for name in ("a.py", "c.py", "d.py")}
    outcomes, settings, mode = _to_check_again(project, texts)
    asked: list[int] = []
    check_texts = ruff.check_texts

    def counting(texts: list[tuple[str, str]], settings: Settings, encoded: Any = None) -> Any:
        asked.append(len(texts))
        return check_texts(texts, settings, encoded)

    monkeypatch.setattr(ruff, "check_texts", counting)
    answers = settle.lint_each(outcomes, settings, mode, jobs=1)
    assert len(asked) > 1 and set(asked) == {3}  # one Ruff process for the three texts of each pass
    assert [a.fixed_text for a in answers if isinstance(a, runner.Outcome)] == [FIXED] * 3
    assert answers == _alone(outcomes, settings, mode)


def test_a_group_whose_process_dies_is_checked_again_a_file_a_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vectra_lint.pipeline import settle

    texts = {name: FIXABLE for name in ("a.py", "c.py", "d.py", "e.py")} | {"z.py": "import time\n"}
    outcomes, settings, mode = _to_check_again(project, texts)
    assert settle._groups([len(text) for text in texts.values()], 2) == [[0, 4], [1], [2], [3]]
    check_again = _dying_when_checked_again(monkeypatch, "z.py")
    answers = settle.lint_each(outcomes, settings, mode, jobs=2)
    monkeypatch.setattr(settle, "_lint_fixed", check_again)
    assert answers[4] == "the process analysing it was killed by SIGKILL"
    assert answers[:4] == _alone(outcomes[:4], settings, mode)


def test_the_timings_of_a_file_checked_again_add_to_those_of_its_worker(services: Path) -> None:
    # ``--timings`` sums what each worker chunk measured, carried by the chunk's last outcome: a
    # file the project phase fixed, and checked again, keeps its chunk's figures beside its own.
    from vectra_lint.pipeline import settle

    settings = load(services / "pyproject.toml", Overrides(), services)
    mode = runner.Mode(fix=True, unsafe_fixes=True, timings=True)
    tasks = [runner.Task(services / name, name, name) for name in ("models/job.py", "services/billing.py")]
    outcomes = runner.run_unsettled(tasks, settings, mode, 1)
    chunk = outcomes[-1].timings
    assert outcomes[-1].task.display == "services/billing.py" and chunk is not None
    again: dict[tuple[str, str], float] = {("phase", "parse"): 100.0, ("phase", "again"): 1.0}

    def lint_again(fixed: list[runner.Outcome]) -> list[runner.Outcome | str]:
        return [
            replace(found, timings=again)
            for found in runner.check_given(
                [outcome.task for outcome in fixed],
                {outcome.task: outcome.fixed_bytes or b"" for outcome in fixed},
                settings,
                mode,
            )
        ]

    finished = settle.finish_project(outcomes, settings, mode, lint_again=lint_again)
    billing = next(outcome for outcome in finished if outcome.task.display == "services/billing.py")
    assert billing.fixed_text is not None and billing.timings is not None
    assert billing.timings == {**chunk, ("phase", "parse"): chunk[("phase", "parse")] + 100.0, ("phase", "again"): 1.0}
