"""A check over some files of a project, through the result cache, settled against the whole project.

The files to report may be a few (pre-commit passes the changed ones); the project phase still
sees the facts of every file of the project (``project`` tasks), read from the cache or checked
now, so the few files get exactly the diagnostics a full run gives them. Nothing here imports the
engine unless some file, or the project phase, has to be computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.pipeline.cache import DamagedEntry, FileEntry, ResultCache
from vectra_lint.pipeline.results import Mode, Outcome, Task


def _read(task: Task) -> bytes | str:
    assert task.path is not None
    try:
        return task.path.read_bytes()
    except OSError as error:
        return f"cannot read {task.display}: {error.strerror or error}"


@dataclass
class _Run:
    """The outcomes of one run before the project phase, and what the cache answered."""

    settings: Settings
    cache: ResultCache | None
    raw: dict[Task, Outcome] = field(default_factory=dict)
    keys: dict[Task, str] = field(default_factory=dict)
    hits: dict[Task, FileEntry] = field(default_factory=dict)

    def look_up(self, tasks: Sequence[Task], contents: dict[Task, bytes | str], skip: set[Path | None]) -> None:
        """Fill ``raw`` from the cache (the files whose path is in ``skip`` are checked anew)."""
        for task in tasks:
            data = contents.get(task)
            if data is None:
                continue  # not read: there is no cache
            if isinstance(data, str):
                self.raw[task] = Outcome(task, (), error=data)
                continue
            if self.cache is None:
                continue
            self.keys[task] = self.cache.file_key(task, data)
            if task.path in skip:
                continue
            entry = self.cache.load_file(self.keys[task])
            if entry is not None:
                self.hits[task] = entry
                self.raw[task] = entry.outcome(task)

    def drop_fixable(self, tasks: Sequence[Task], unsafe: bool) -> None:
        """Forget the cache's answer for the files that ``--fix`` (``--unsafe-fixes``) would change."""
        from vectra_lint.fixing.apply import applicable

        for task in tasks:
            entry = self.hits.get(task)
            if entry is None:
                continue
            if entry.has_pending or any(applicable(d, unsafe=unsafe) for d in entry.settled):
                del self.hits[task]
                del self.raw[task]

    def has_pending(self, task: Task) -> bool:
        """Whether the file has diagnostics for the project phase to settle."""
        entry = self.hits.get(task)
        if entry is not None:
            return entry.has_pending
        return any(d.pending is not None for d in self.raw[task].diagnostics)

    def complete(self, task: Task) -> Outcome:
        """The outcome with its pending diagnostics and facts (read from the cache for a hit)."""
        outcome = self.raw[task]
        entry = self.hits.get(task)
        if entry is None or self.cache is None:
            return outcome
        facts = self.cache.load_facts(self.keys[task])
        try:
            pending = entry.pending_diagnostics()
        except DamagedEntry:
            facts = None
        if facts is None:
            # A damaged entry is a miss: without its facts, cross-module findings would be lost.
            from vectra_lint.pipeline.runner import run_unsettled

            del self.hits[task]
            self.raw[task] = run_unsettled([task], self.settings, Mode(), 1, None, {})[0]
            return self.raw[task]
        return replace(outcome, diagnostics=outcome.diagnostics + pending, facts=facts)


def check(
    report: Sequence[Task],
    project: Sequence[Task],
    settings: Settings,
    mode: Mode,
    jobs: int,
    cache: ResultCache | None,
    progress: Callable[[int], None] | None = None,
    notices: list[str] | None = None,
) -> list[Outcome]:
    """Outcomes of the ``report`` tasks, ordered by display path, settled against ``report`` and
    ``project`` together (``project`` may repeat report tasks); the project phase's run-level
    notices are appended to ``notices``."""
    wanted = {task.path for task in report}
    context = [task for task in {task.path: task for task in project}.values() if task.path not in wanted]
    # The cache keys files by their bytes. Without a cache nothing needs them before the workers,
    # which read the files themselves, in parallel, instead of getting them through a pipe.
    contents = {task: _read(task) for task in (*report, *context)} if cache is not None else {}
    state = _Run(settings, cache)
    state.look_up(report, contents, set())
    if mode.fix:
        # A file is checked anew to be fixed only when its cached answer has something to fix (a
        # fix that applies, or a pending finding the project phase may confirm and fix).
        state.drop_fixable(report, mode.unsafe_fixes)
    state.look_up(context, contents, set())
    if progress is not None:
        progress(sum(1 for task in report if task in state.raw))
    _compute(report, context, state, contents, mode, jobs, progress)

    others = [task for task in context if state.raw[task].error is None]
    # A pending diagnostic of any file may settle on a reported one (a project rule reports at
    # another file): the project phase runs when any file of the project has one.
    if not any(state.has_pending(task) for task in (*report, *others)):
        finished = [
            replace(outcome, diagnostics=tuple(sorted(outcome.diagnostics, key=lambda d: d.sort_key)))
            for outcome in (state.raw[task] for task in report)
        ]
    elif mode.fix:
        from vectra_lint.pipeline.settle import finish_project

        reported = [state.complete(task) for task in report]
        context_outcomes = [state.complete(task) for task in others]
        finished = finish_project(reported, settings, mode, notices, context_outcomes)
    else:
        verdicts, said = _verdicts(report, others, state, cache if len(state.keys) == len(contents) else None)
        if notices is not None:
            notices.extend(notice for notice in said if notice not in notices)
        finished = _apply(report, context, state, verdicts)
    finished.sort(key=lambda outcome: outcome.task.display)
    return finished


def _compute(
    report: Sequence[Task],
    context: Sequence[Task],
    state: _Run,
    contents: dict[Task, bytes | str],
    mode: Mode,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Check what the cache did not answer (the engine is imported only here), and cache it."""
    missing_report = [task for task in report if task not in state.raw]
    missing_context = [task for task in context if task not in state.raw]
    if not missing_report and not missing_context:
        return
    from vectra_lint.pipeline.runner import run_unsettled

    computed = run_unsettled(missing_report, state.settings, mode, jobs, progress, contents)
    computed += run_unsettled(missing_context, state.settings, Mode(), jobs, None, contents)
    for outcome in computed:
        state.raw[outcome.task] = outcome
        key = state.keys.get(outcome.task)
        # A file --fix changed is keyed by the bytes read, not those written: not stored. One it
        # left as it was has the answer a check gives (its findings after no fix).
        unchanged = outcome.original is None and outcome.warning is None
        if state.cache is not None and key is not None and outcome.error is None and unchanged:
            state.cache.store_file(key, outcome)


def _verdicts(
    report: Sequence[Task], others: Sequence[Task], state: _Run, cache: ResultCache | None
) -> tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]]:
    """What the project phase adds to each file (by display path) and its notices: from the cache
    when this exact set of files was settled before, else computed over every file (and cached)."""
    settings = state.settings
    project_key = None
    if cache is not None:
        keys = ((task.relative, key) for task, key in state.keys.items())
        project_key = cache.project_key(keys, settings.whole_project)
        found = cache.load_project(project_key)
        if found is not None:
            return found
    from vectra_lint.pipeline.settle import finish_project

    everything = [state.complete(task) for task in (*report, *others)]
    said: list[str] = []
    # The project phase passes settled diagnostics through as they were: what is new is its verdict.
    kept = {id(d) for outcome in everything for d in outcome.diagnostics if d.pending is None}
    verdicts: dict[str, tuple[Diagnostic, ...]] = {}
    for after in finish_project(everything, settings, None, said):
        added = tuple(d for d in after.diagnostics if id(d) not in kept)
        if added:
            verdicts[after.task.display] = added
    if cache is not None and project_key is not None:
        cache.store_project(project_key, (verdicts, tuple(said)))
    return verdicts, tuple(said)


def _apply(
    report: Sequence[Task], context: Sequence[Task], state: _Run, verdicts: dict[str, tuple[Diagnostic, ...]]
) -> list[Outcome]:
    """The reported files' outcomes with the project phase's verdicts; diagnostics it put on files
    that are not Python files of the project (a translation file) are reported with those."""
    finished = []
    for task in report:
        outcome = state.raw[task]
        settled: list[Diagnostic] = [d for d in outcome.diagnostics if d.pending is None]
        settled += verdicts.get(task.display, ())
        # Already in order when read from the cache (timsort then only checks it).
        settled.sort(key=lambda d: d.sort_key)
        finished.append(replace(outcome, diagnostics=tuple(settled)))
    known = {task.display for task in (*report, *context)}
    for display, added in verdicts.items():
        if display not in known:
            finished.append(
                Outcome(Task(Path(display), display, display), tuple(sorted(added, key=lambda d: d.sort_key)))
            )
    return finished


def context(
    tasks: Sequence[Task], settings: Settings, jobs: int, cache: ResultCache | None, exclude: Path
) -> list[Outcome]:
    """Unsettled outcomes of the project's files other than ``exclude`` (from the cache where it
    can): the facts the project phase of one file given apart (standard input, an editor buffer) needs."""
    others = [task for task in tasks if task.path is not None and task.path != exclude.resolve()]
    contents = {task: _read(task) for task in others}
    state = _Run(settings, cache)
    state.look_up(others, contents, set())
    _compute((), others, state, contents, Mode(), jobs, None)
    return [state.complete(task) for task in others if state.raw[task].error is None]
