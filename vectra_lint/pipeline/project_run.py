"""A check over some files of a project, through the result cache, settled against the whole project.

The files to report may be a few (pre-commit passes the changed ones); the project phase still
sees the facts of every file of the project (``project`` tasks), read from the cache or checked
now, so the few files get exactly the diagnostics a full run gives them. Nothing here imports the
engine unless some file, or the project phase, has to be computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.pipeline.cache import ResultCache
from vectra_lint.pipeline.results import Mode, Outcome, Task


def _read(task: Task) -> bytes | str:
    assert task.path is not None
    try:
        return task.path.read_bytes()
    except OSError as error:
        return f"cannot read {task.display}: {error.strerror or error}"


def check(
    report: Sequence[Task],
    project: Sequence[Task],
    settings: Settings,
    mode: Mode,
    jobs: int,
    cache: ResultCache | None,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Outcomes of the ``report`` tasks, ordered by display path, settled against ``report`` and
    ``project`` together (``project`` may repeat report tasks)."""
    wanted = {task.path for task in report}
    context = [task for task in {task.path: task for task in project}.values() if task.path not in wanted]
    contents = {task: _read(task) for task in (*report, *context)}
    keys: dict[Task, str] = {}
    raw: dict[Task, Outcome] = {}
    for task, data in contents.items():
        if isinstance(data, str):
            raw[task] = Outcome(task, (), error=data)
            continue
        if cache is None:
            continue
        keys[task] = cache.file_key(task, data)
        # Files being fixed are checked again: the fix needs the parsed file.
        if mode.fix and task.path in wanted:
            continue
        entry = cache.load_file(keys[task])
        if entry is not None:
            raw[task] = entry.outcome(task)
    if progress is not None:
        progress(sum(1 for task in report if task in raw))
    _compute(report, context, raw, contents, settings, mode, jobs, cache, keys, progress)

    reported = [raw[task] for task in report]
    others = [raw[task] for task in context if raw[task].error is None]
    if not any(d.pending is not None for outcome in reported for d in outcome.diagnostics):
        finished = [replace(o, diagnostics=tuple(sorted(o.diagnostics, key=lambda d: d.sort_key))) for o in reported]
    elif mode.fix or cache is None or len(keys) < len(contents):
        from vectra_lint.pipeline.runner import finish_project

        if cache is not None:
            reported, others = _with_facts(reported, cache, keys), _with_facts(others, cache, keys)
        finished = finish_project(reported, settings, mode, context=others)
    else:
        finished = _settle_through_cache(reported, others, settings, cache, keys)
    finished.sort(key=lambda outcome: outcome.task.display)
    return finished


def _compute(
    report: Sequence[Task],
    context: Sequence[Task],
    raw: dict[Task, Outcome],
    contents: dict[Task, bytes | str],
    settings: Settings,
    mode: Mode,
    jobs: int,
    cache: ResultCache | None,
    keys: dict[Task, str],
    progress: Callable[[int], None] | None,
) -> None:
    """Check what the cache did not answer (the engine is imported only here), and cache it."""
    missing_report = [task for task in report if task not in raw]
    missing_context = [task for task in context if task not in raw]
    if not missing_report and not missing_context:
        return
    from vectra_lint.pipeline.runner import run_unsettled

    computed = run_unsettled(missing_report, settings, mode, jobs, progress, contents)
    computed += run_unsettled(missing_context, settings, Mode(), jobs, None, contents)
    for outcome in computed:
        raw[outcome.task] = outcome
        key = keys.get(outcome.task)
        fixing = mode.fix and outcome.task.path in {task.path for task in report}
        if cache is not None and key is not None and outcome.error is None and not fixing:
            cache.store_file(key, outcome)


def _with_facts(outcomes: list[Outcome], cache: ResultCache, keys: dict[Task, str]) -> list[Outcome]:
    """Outcomes read from the cache get their facts (fresh ones have them); a file whose facts are
    gone contributes none, as a file that could not be read."""
    completed = []
    for outcome in outcomes:
        key = keys.get(outcome.task)
        if not outcome.facts and key is not None:
            facts = cache.load_facts(key)
            if facts:
                outcome = replace(outcome, facts=facts)
        completed.append(outcome)
    return completed


def _settle_through_cache(
    reported: list[Outcome],
    others: list[Outcome],
    settings: Settings,
    cache: ResultCache,
    keys: dict[Task, str],
) -> list[Outcome]:
    """The project phase's verdicts from the cache, or computed for every file and cached."""
    project_key = cache.project_key((task.relative, key) for task, key in keys.items())
    verdicts = cache.load_project(project_key)
    if verdicts is None:
        from vectra_lint.pipeline.runner import finish_project

        reported = _with_facts(reported, cache, keys)
        others = _with_facts(others, cache, keys)
        everything = finish_project([*reported, *others], settings)
        verdicts = {}
        for before, after in zip([*reported, *others], everything, strict=True):
            if any(d.pending is not None for d in before.diagnostics):
                # The project phase passes settled diagnostics through as they were: what is new is its verdict.
                kept = {id(d) for d in before.diagnostics if d.pending is None}
                verdicts[before.task.relative] = tuple(d for d in after.diagnostics if id(d) not in kept)
        cache.store_project(project_key, verdicts)
    finished = []
    for outcome in reported:
        settled: list[Diagnostic] = [d for d in outcome.diagnostics if d.pending is None]
        if len(settled) < len(outcome.diagnostics):
            settled += verdicts.get(outcome.task.relative, ())
        # Already in order when read from the cache (timsort then only checks it).
        settled.sort(key=lambda d: d.sort_key)
        finished.append(replace(outcome, diagnostics=tuple(settled)))
    return finished


def context(
    tasks: Sequence[Task], settings: Settings, jobs: int, cache: ResultCache | None, exclude: Path
) -> list[Outcome]:
    """Unsettled outcomes of the project's files other than ``exclude`` (from the cache where it
    can): the facts the project phase of one file given apart (standard input, an editor buffer) needs."""
    others = [task for task in tasks if task.path is not None and task.path != exclude.resolve()]
    contents = {task: _read(task) for task in others}
    raw: dict[Task, Outcome] = {}
    keys: dict[Task, str] = {}
    for task, data in contents.items():
        if isinstance(data, str):
            continue
        if cache is not None:
            keys[task] = cache.file_key(task, data)
            entry = cache.load_file(keys[task])
            if entry is not None:
                raw[task] = entry.outcome(task)
    readable = [task for task in others if not isinstance(contents[task], str)]
    _compute((), readable, raw, contents, settings, Mode(), jobs, cache, keys, None)
    found = [raw[task] for task in readable if raw[task].error is None]
    return _with_facts(found, cache, keys) if cache is not None else found
