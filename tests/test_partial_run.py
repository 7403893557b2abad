"""A run on a few files of a configured project (pre-commit): the same findings on them as a run
over every file, whatever the cache holds; the other files are only read for what the project
phase needs of them (their facts, VL706's pending findings), from the cache when it can."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import commit_all
from vectra_lint.cli import main
from vectra_lint.pipeline import runner

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_backend"
COMMIT = ("app/services/document_service.py", "app/api/v1/endpoints/documents.py", "app/schemas/document.py")
# VL706 (opt-in) reports at the translation file, for codes raised in any file of the project.
OPT_IN = '\n[tool.vectra-lint.rules.error-code-untranslated]\ntranslations = ["frontend/src/i18n/*.json"]\n'
CODES = ["--extend-select", "VL706,VL607,VL608"]


def run(*args: str) -> Result:
    return CliRunner().invoke(
        main, ["check", "-j", "1", "--output-format", "concise", *CODES, *args], catch_exceptions=False
    )


def lines_of(result: Result, *prefixes: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(prefixes)]


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "backend"
    # A cache a run in the fixture itself left there is not this test's.
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(".vectra-lint-cache"))
    with (copy / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(OPT_IN)
    monkeypatch.chdir(copy)
    return copy


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each file the engine reads, and whether only for the project phase (facts only)."""
    seen: list[tuple[str, bool]] = []
    original: Callable[..., object] = runner._start  # where checking and fixing start on a file

    def recording(task: runner.Task, data: bytes, settings: object, mode: runner.Mode, *rest: object) -> object:
        seen.append((task.relative, mode.facts_only))
        return original(task, data, settings, mode, *rest)

    monkeypatch.setattr(runner, "_start", recording)
    return seen


def checked(work: list[tuple[str, bool]]) -> set[str]:
    return {path for path, facts_only in work if not facts_only}


def gathered(work: list[tuple[str, bool]]) -> set[str]:
    return {path for path, facts_only in work if facts_only}


def test_a_partial_run_reports_what_a_full_run_reports_cold_warm_and_without_cache(
    backend: Path, work: list[tuple[str, bool]]
) -> None:
    full = run("--no-cache", ".")
    expected = lines_of(full, *COMMIT, "frontend/")
    assert any(": VL402 " in line for line in expected)  # settled in the project phase
    assert any(line.startswith("frontend/") for line in expected)  # VL706, from other files' raises
    assert lines_of(run("--no-cache", *COMMIT), *COMMIT, "frontend/") == expected
    work.clear()
    cold = run(*COMMIT)
    assert lines_of(cold, *COMMIT, "frontend/") == expected
    # The named files are checked; every other file is only read for the project phase.
    assert checked(work) == set(COMMIT)
    assert len(gathered(work)) > 30 and not gathered(work) & set(COMMIT)
    work.clear()
    warm = run(*COMMIT)
    assert (warm.stdout, warm.exit_code) == (cold.stdout, cold.exit_code)
    assert work == []


def test_a_full_run_after_a_partial_one_reports_every_file_and_the_reverse(
    backend: Path, work: list[tuple[str, bool]]
) -> None:
    expected = run("--no-cache", ".").stdout
    partial = run(*COMMIT).stdout
    # The partial run's facts-only entries never answer for a file's findings.
    work.clear()
    assert run(".").stdout == expected
    assert gathered(work) == set() and len(checked(work)) > 30 and not checked(work) & set(COMMIT)
    # With every file's full entry cached, the partial run prints what it printed cold.
    (backend / COMMIT[0]).write_text((backend / COMMIT[0]).read_text() + "\n# edited\n")
    edited = run(*COMMIT).stdout
    (backend / COMMIT[0]).write_text((backend / COMMIT[0]).read_text().removesuffix("\n# edited\n"))
    assert edited == partial
    work.clear()
    assert run(*COMMIT).stdout == partial


def test_workers_gathering_the_facts_leave_every_other_files_entry_for_the_next_run(
    backend: Path, work: list[tuple[str, bool]]
) -> None:
    # Two workers gather the other files' facts; each chunk's are written as it comes back.
    cold = run("-j", "2", *COMMIT)
    named = backend / COMMIT[0]
    named.write_text(named.read_text() + "\n# edited\n")
    work.clear()
    again = run(*COMMIT)
    assert again.stdout == cold.stdout
    assert checked(work) == {COMMIT[0]} and gathered(work) == set()


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_outcome_is_handed_over_as_its_chunk_comes_back(backend: Path, jobs: int) -> None:
    # What the caller does with an outcome (cache it) need not wait for the last chunk.
    from vectra_lint.config.loader import Overrides, load

    settings = load(backend / "pyproject.toml", Overrides(), backend)
    paths = sorted(backend.rglob("*.py"))
    tasks = [
        runner.Task(path, path.relative_to(backend).as_posix(), path.relative_to(backend).as_posix()) for path in paths
    ]
    handed: list[str] = []
    handed_by_then: list[int] = []

    def progress(done: int) -> None:
        handed_by_then.append(len(handed))

    outcomes = runner.run_unsettled(
        tasks, settings, runner.Mode(facts_only=True), jobs, progress, each=lambda o: handed.append(o.task.display)
    )
    assert sorted(handed) == sorted(o.task.display for o in outcomes) == sorted(t.display for t in tasks)
    # Every chunk's outcomes are handed over before its progress is told (and before the next chunk's).
    assert handed_by_then == sorted(handed_by_then) and handed_by_then[-1] == len(tasks)
    assert len(handed_by_then) == (1 if jobs == 1 else len(runner._chunks(tasks, jobs)))


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_other_files_facts_are_gathered_beside_the_checked_files(backend: Path, jobs: int) -> None:
    from vectra_lint.config.loader import Overrides, load

    settings = load(backend / "pyproject.toml", Overrides(), backend)
    tasks = [
        runner.Task(path, path.relative_to(backend).as_posix(), path.relative_to(backend).as_posix())
        for path in sorted(backend.rglob("*.py"))
    ]
    named = [task for task in tasks if task.relative in COMMIT]
    others = [task for task in tasks if task.relative not in COMMIT]
    told: list[int] = []
    outcomes = runner.run_unsettled(named, settings, runner.Mode(), jobs, told.append, facts_of=others)
    by_file = {outcome.task.relative: outcome for outcome in outcomes}
    assert sorted(by_file) == sorted(task.relative for task in tasks)
    # The named files are checked (findings of their own); the others only give their facts.
    assert all(any(d.pending is None for d in by_file[name].diagnostics) for name in COMMIT)
    for task in others:  # a file that does not parse has its VL001 and no facts
        assert {d.code for d in by_file[task.relative].diagnostics if d.pending is None} <= {"VL001"}
    assert sum(1 for task in others if by_file[task.relative].facts) > 30
    assert sum(told) == len(named)  # progress counts the checked files only


def test_a_cold_partial_run_reads_every_file_in_one_pass_of_the_workers(
    backend: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = lines_of(run("--no-cache", "."), *COMMIT, "frontend/")
    calls: list[tuple[list[str], int]] = []
    original = runner.run_unsettled

    def recording(tasks: list[runner.Task], *args: object, **kwargs: object) -> list[runner.Outcome]:
        facts_of = kwargs.get("facts_of", ())
        assert isinstance(facts_of, list | tuple)
        calls.append((sorted(task.relative for task in tasks), len(facts_of)))
        return original(tasks, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "run_unsettled", recording)
    cold = run("-j", "2", *COMMIT)
    assert lines_of(cold, *COMMIT, "frontend/") == expected
    # The named files and the others' facts share one pool: no second start after the first ends.
    ((checked_files, gathered_count),) = calls
    assert checked_files == sorted(COMMIT) and gathered_count > 30


def test_an_edited_other_file_is_read_again_and_moves_the_findings(backend: Path, work: list[tuple[str, bool]]) -> None:
    service = "app/services/document_service.py"
    helper = backend / "app" / "core" / "exceptions.py"
    before = run(service)
    assert ": VL306 " in before.stdout  # `ValueError` with a raw message in the services layer
    # NotFoundError stops being a Vectra exception: VL306 reports its raises in the service.
    source = helper.read_text()
    helper.write_text(source.replace("class NotFoundError(FunctionalError)", "class NotFoundError(Exception)"))
    work.clear()
    after = run(service)
    assert gathered(work) == {"app/core/exceptions.py"} and checked(work) == set()
    assert lines_of(after, service) == lines_of(run("--no-cache", "."), service)
    assert lines_of(after, service) != lines_of(before, service)


def _entries(backend: Path, kind: str) -> list[Path]:
    return sorted((backend / ".vectra-lint-cache").glob(f"*/{kind}/*/*"))


@pytest.mark.parametrize("damage", ["garbage", "wrong-shape", "unknown-type", "empty"])
def test_a_damaged_facts_entry_is_a_miss_never_a_wrong_answer(
    backend: Path, work: list[tuple[str, bool]], damage: str
) -> None:
    cold = run(*COMMIT)
    entries = _entries(backend, "facts")
    assert len(entries) > 30
    texts = {
        "garbage": "{not json",
        "wrong-shape": '{"facts": "{}", "pending": "", "more": 1}',
        "unknown-type": '{"facts": "{\\"k\\": [\\"D\\", \\"os:system\\", \\"x\\"]}", "pending": ""}',
        "empty": "",
    }
    for entry in entries:
        entry.write_text(texts[damage])
    # A named file edited (a comment): the project phase is settled anew, the others' entries read.
    named = backend / COMMIT[0]
    named.write_text(named.read_text() + "\n# edited\n")
    work.clear()
    again = run(*COMMIT)
    assert again.stdout == cold.stdout
    assert checked(work) == {COMMIT[0]}
    assert len(gathered(work)) == len(entries)
    work.clear()
    assert run(*COMMIT).stdout == cold.stdout
    assert work == []


def test_the_facts_pass_gives_each_file_the_facts_and_vl706_findings_a_full_check_gives(backend: Path) -> None:
    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.engine.lint import gather_facts, lint_text
    from vectra_lint.engine.source import DecodeError, decode

    settings = load(backend / "pyproject.toml", Overrides(extend_select=tuple(CODES[1].split(","))), backend)
    compared = pending = 0
    for path in sorted(backend.rglob("*.py")):
        relative = path.relative_to(backend).as_posix()
        try:
            text = decode(path.read_bytes()).text
        except DecodeError:
            continue
        full = lint_text(relative, relative, text, settings)
        part = gather_facts(relative, relative, text, settings)
        assert part.facts == full.facts, relative
        assert part.diagnostics == tuple(d for d in full.diagnostics if d.code == "VL706"), relative
        compared += bool(full.facts)
        pending += bool(part.diagnostics)
    assert compared > 30 and pending > 0


def test_another_files_damaged_entry_is_a_miss_then_its_facts_entry_answers(
    backend: Path, work: list[tuple[str, bool]]
) -> None:
    import json

    expected = lines_of(run("--no-cache", "."), *COMMIT, "frontend/")
    run(".")
    entries = _entries(backend, "files")
    assert len(entries) > 30
    for entry in entries:
        found = json.loads(entry.read_text())
        found["facts"] = '["D", "os:system", "rm"]'  # a class outside the allowlist
        entry.write_text(json.dumps(found))
    named = backend / COMMIT[0]
    source = named.read_text()
    work.clear()
    named.write_text(source + "\n# edited\n")
    assert lines_of(run(*COMMIT), *COMMIT, "frontend/") == expected
    others = gathered(work)
    assert len(others) == len(entries) - len(COMMIT)
    work.clear()
    named.write_text(source + "\n# edited again\n")
    assert lines_of(run(*COMMIT), *COMMIT, "frontend/") == expected
    assert gathered(work) == set()


def test_diff_base_checks_the_changed_files_and_reports_what_a_run_over_every_file_does(
    backend: Path, work: list[tuple[str, bool]]
) -> None:
    commit_all(backend)
    named = backend / COMMIT[0]
    source = named.read_text()
    named.write_text(source + '\n\ndef added(x):\n    raise ValueError("not yet")\n')
    full = lines_of(run("--no-cache", "."), COMMIT[0])
    expected = [line for line in full if int(line.split(":")[1]) > source.count("\n")]
    assert expected and len(expected) < len(full)
    work.clear()
    assert lines_of(run("--no-cache", "--diff-base", "HEAD", "."), COMMIT[0], "frontend/") == expected
    # Only the changed file is checked; the others are read for the project phase.
    assert checked(work) == {COMMIT[0]}


def test_diff_base_reports_a_new_translation_files_missing_codes(backend: Path, work: list[tuple[str, bool]]) -> None:
    commit_all(backend)
    # Every line of a new file is changed: VL706 reports at its line 1 the codes it lacks, from
    # the raises of every file, though no Python file changed.
    translations = backend / "frontend" / "src" / "i18n"
    (translations / "errors.de.json").write_text('{"ENTITY_NOT_FOUND": "Nicht gefunden."}\n')
    expected = lines_of(run("--no-cache", "."), "frontend/src/i18n/errors.de.json")
    assert expected and all(":1:1: VL706 " in line for line in expected)
    assert lines_of(run("--no-cache", "--diff-base", "HEAD", "."), "frontend/", "app/") == expected
