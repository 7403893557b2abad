"""A check over some files of a project, through the result cache, settled against the whole project.

The files to report may be a few (pre-commit passes the changed ones); the project phase still
sees the facts of every file of the project (``project`` tasks), so the few files get exactly the
diagnostics a full run gives them. What the project phase needs of the other files (their facts,
and the pending diagnostics of the rules that settle elsewhere, VL706) is read from the cache (the
file's entry, or its facts-only entry), else gathered by a pass that runs those rules and analyses
only (``engine/lint.py:gather_facts``), and kept for the next run. Nothing here imports the engine
unless some file, or the project phase, has to be computed.

With ``--diff``, a file is answered by what the fix loop made of its bytes before (its fixed
text), else by its check answer when that has nothing for the fix loop to apply. ``--fix`` takes
only the second: what it writes into a file is always made by this run, never read from the cache.
The project phase, which fixes what the other files' facts confirm, runs each time against those
facts as they are; the text it makes of a file is checked again (``settle.finish_project``), and
that check is cached under the text's bytes, so that the next ``--diff`` or check answers it.
"""

from __future__ import annotations

import functools
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
    mode: Mode = Mode()
    raw: dict[Task, Outcome] = field(default_factory=dict)
    keys: dict[Task, str] = field(default_factory=dict)
    hits: dict[Task, FileEntry] = field(default_factory=dict)
    known: dict[Task, tuple[dict[str, object], tuple[Diagnostic, ...]]] | None = None
    """The other files' facts and pending diagnostics the cache holds (None: not looked up yet)."""
    gathered: dict[Task, Outcome] = field(default_factory=dict)
    """The other files' facts gathered by this run."""
    gathering: set[Task] = field(default_factory=set)
    """The other files whose facts are being gathered."""
    ungathered: set[Task] = field(default_factory=set)
    """The other files whose facts could not be gathered: not tried again in this run (they
    would fail again, and a process that died would die again)."""
    unread: list[str] = field(default_factory=list)
    """Run-level notices: other files whose facts a bug kept from being gathered."""

    def look_up(self, tasks: Sequence[Task], contents: dict[Task, bytes | str]) -> None:
        """Fill ``raw`` from the cache."""
        for task in tasks:
            data = contents.get(task)
            if data is None:
                continue  # not read: there is no cache
            if isinstance(data, str):
                self.raw[task] = Outcome(task, (), error=data)
                continue
            if self.cache is None:
                continue
            key = self.keys[task] = self.cache.file_key(task, data)
            if self.mode.fix:
                self._look_up_fixed(task, key, data)
                continue
            entry = self.cache.load_file(key)
            if entry is not None:
                self.hits[task] = entry
                self.raw[task] = entry.outcome(task)

    def _look_up_fixed(self, task: Task, key: str, data: bytes) -> None:
        """``--fix``/``--diff``: the file's answer from the cache, when one may stand for the fix loop.

        ``--diff`` shows what the fix loop made of these bytes before. ``--fix`` never writes code
        that comes from the cache (data anyone who can write the project controls, and that a
        digest bound to it cannot vouch for): a file is answered from its check entry only when
        that has no fix to apply, settled or pending (the fix loop would lint it and change
        nothing); any other file is linted, and its fixes are made afresh.
        """
        from vectra_lint.fixing.files import digest

        assert self.cache is not None
        if self.mode.shows_only:
            fixed = self.cache.load_fixed(key, data, self.mode.unsafe_fixes)
            outcome = _fixed_outcome(task, fixed, data) if fixed is not None else None
            if fixed is not None and outcome is not None:
                self.hits[task] = fixed
                self.raw[task] = replace(outcome, read_digest=digest(data))
                return
        entry = self.cache.load_file(key)
        if entry is None or not self.nothing_to_fix(entry):
            return
        self.hits[task] = entry
        self.raw[task] = replace(entry.outcome(task), read_digest=digest(data))

    def nothing_to_fix(self, entry: FileEntry) -> bool:
        """Whether a check answer may stand for the fix loop's: it has no fix to apply, settled or
        (with ``--fix``) pending. ``--diff`` shows the fixes of the pending diagnostics the project
        phase confirms; ``--fix`` writes only code this run made."""
        from vectra_lint.fixing.apply import applicable

        unsafe = self.mode.unsafe_fixes
        if any(applicable(d, unsafe=unsafe) for d in entry.settled):
            return False
        if not self.mode.shows_only and entry.has_pending:
            try:
                pending = entry.pending_diagnostics()
            except DamagedEntry:
                return False
            if any(applicable(d, unsafe=unsafe) for d in pending):
                return False  # the project phase would apply a fix the cache holds
        return True

    def keep(self, outcome: Outcome) -> None:
        """Keep the facts gathered of another file, and cache them, as its worker chunk comes back,
        while the workers go on with the others (not all after the last one)."""
        if outcome.task not in self.gathering:
            return
        if outcome.error is not None:
            # A file that cannot be read or analysed is left out, as a run over every file leaves
            # it out of the project phase (reporting it on the file itself). A bug, or a process
            # that died, is said: the findings of the files checked may lack what they would
            # have taken from this one.
            self.ungathered.add(outcome.task)
            if outcome.bug:
                self.unread.append(f"{outcome.error} (it was read for what the files checked take from it)")
            return
        self.gathered[outcome.task] = outcome
        key = self.keys.get(outcome.task)
        if self.cache is not None and key is not None:
            self.cache.store_context(key, outcome)

    def key(self, tasks: Sequence[Task], contents: dict[Task, bytes | str]) -> None:
        """Key the files that were read (the project key counts them all)."""
        if self.cache is not None:
            for task in tasks:
                data = contents.get(task)
                if isinstance(data, bytes):
                    self.keys[task] = self.cache.file_key(task, data)

    def has_pending(self, task: Task) -> bool:
        """Whether the file has diagnostics for the project phase to settle."""
        entry = self.hits.get(task)
        if entry is not None:
            return entry.has_pending
        return any(d.pending is not None for d in self.raw[task].diagnostics)

    def lint_again(self, outcomes: Sequence[Outcome], jobs: int) -> list[Outcome | str]:
        """What the project phase fixed, checked again (``settle.LintAgain``): answered by the
        cache's check of the text written when that has nothing to fix, else checked, and cached."""
        from vectra_lint.pipeline.settle import lint_each

        cached: dict[int, Outcome] = {}
        keys: dict[int, str] = {}
        for index, outcome in enumerate(outcomes):
            if self.cache is None or outcome.fixed_bytes is None:
                continue
            key = keys[index] = self.cache.file_key(outcome.task, outcome.fixed_bytes)
            entry = self.cache.load_file(key)
            hit = _with_pending(outcome.task, entry) if entry is not None and self.nothing_to_fix(entry) else None
            if hit is not None:
                cached[index] = hit
        missing = [index for index in range(len(outcomes)) if index not in cached]
        answers = lint_each([outcomes[index] for index in missing], self.settings, self.mode, jobs)
        linted = dict(zip(missing, answers, strict=True))
        for index, answer in linted.items():
            written = keys.get(index)
            if self.cache is not None and written is not None and isinstance(answer, Outcome):
                if answer.fixed_text is None and answer.warning is None:
                    self.cache.store_file(written, answer)  # a check of the text written: nothing more to fix
        return [cached[index] if index in cached else linted[index] for index in range(len(outcomes))]

    def complete(self, task: Task) -> Outcome:
        """The outcome with its pending diagnostics and facts (read from the cache for a hit)."""
        outcome = self.raw[task]
        entry = self.hits.get(task)
        if entry is None or self.cache is None:
            return outcome
        completed = _with_pending(task, entry, outcome)
        if completed is None:
            # A damaged entry is a miss: without its facts, cross-module findings would be lost.
            from vectra_lint.pipeline.runner import run_unsettled

            del self.hits[task]
            self.raw[task] = run_unsettled([task], self.settings, self.mode, 1, None, {})[0]
            return self.raw[task]
        return completed


def _with_pending(task: Task, entry: FileEntry, outcome: Outcome | None = None) -> Outcome | None:
    """``outcome`` (default: the entry's) with the entry's pending diagnostics and facts; None when
    the entry is damaged."""
    facts = entry.project_facts()
    try:
        pending = entry.pending_diagnostics()
    except DamagedEntry:
        return None
    if facts is None:
        return None
    outcome = outcome or entry.outcome(task)
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
    contents = {task: _read(task) for task in report} if cache is not None else {}
    state = _Run(settings, cache, mode)
    state.look_up(report, contents)
    if progress is not None:
        progress(sum(1 for task in report if task in state.raw))
    facts_of: list[Task] = []
    if not mode.fix and cache is not None:
        contents.update((task, _read(task)) for task in context)
        state.key(context, contents)
        if any(task not in state.raw for task in report):
            # The project phase will most likely want the other files' facts (a reported file
            # with a pending diagnostic): those the cache lacks are gathered by the same workers,
            # beside the reported files, instead of after them. When it does not, they are
            # cached for the next run.
            facts_of = _missing_context(context, state, contents)
    _compute(report, state, contents, mode, jobs, progress, facts_of)

    if mode.fix:
        # The other files' facts count when fixing, not their pending diagnostics.
        if any(state.has_pending(task) for task in report):
            from vectra_lint.pipeline.settle import finish_project

            if cache is not None:
                contents.update((task, _read(task)) for task in context)
            others = _context(context, state, contents, jobs, frozenset())
            reported = [state.complete(task) for task in report]
            again = functools.partial(state.lint_again, jobs=jobs)
            finished = finish_project(reported, settings, mode, notices, others, lint_again=again)
        else:
            finished = _sorted(report, state)
    else:
        complete = len(state.keys) == len(contents)
        verdicts, said = _verdicts(report, context, state, contents, jobs, cache if complete else None)
        if notices is not None:
            notices.extend(notice for notice in said if notice not in notices)
        finished = _apply(report, context, state, verdicts)
    if notices is not None:
        notices.extend(notice for notice in state.unread if notice not in notices)
    finished.sort(key=lambda outcome: outcome.task.display)
    return finished


def _fixed_outcome(task: Task, entry: FileEntry, data: bytes) -> Outcome | None:
    """The outcome ``--diff`` shows from the fix loop's cached answer for the bytes ``data`` (None:
    it does not hold)."""
    from vectra_lint.engine.source import DecodeError, decode, encode

    fixed = entry.fixed
    assert fixed is not None
    try:
        decoded = decode(data)
        fixed_bytes = encode(decoded, fixed.text)
    except (DecodeError, ValueError):  # UnicodeEncodeError: a text the file's encoding cannot hold
        return None
    if fixed.text == decoded.text:
        return None
    return replace(
        entry.outcome(task),
        original=decoded.text,
        fixed_text=fixed.text,
        fixed_bytes=fixed_bytes,
        fixed=fixed.fixed,
        fixed_codes=fixed.fixed_codes,
    )


def _sorted(report: Sequence[Task], state: _Run) -> list[Outcome]:
    return [
        replace(outcome, diagnostics=tuple(sorted(outcome.diagnostics, key=lambda d: d.sort_key)))
        for outcome in (state.raw[task] for task in report)
    ]


def _compute(
    report: Sequence[Task],
    state: _Run,
    contents: dict[Task, bytes | str],
    mode: Mode,
    jobs: int,
    progress: Callable[[int], None] | None,
    facts_of: Sequence[Task] = (),
) -> None:
    """Check the reported files the cache did not answer (the engine is imported only here), and
    cache them; gather the facts of the other files ``facts_of`` beside them."""
    missing = [task for task in report if task not in state.raw]
    if not missing and not facts_of:
        return
    from vectra_lint.pipeline.runner import run_unsettled

    state.gathering.update(facts_of)
    settings, keep = state.settings, state.keep
    for outcome in run_unsettled(missing, settings, mode, jobs, progress, contents, each=keep, facts_of=facts_of):
        if outcome.task in state.gathering:
            continue  # kept by ``state.keep``
        state.raw[outcome.task] = outcome
        key = state.keys.get(outcome.task)
        if state.cache is None or key is None or outcome.error is not None:
            continue
        data = contents.get(outcome.task)
        if outcome.original is not None and isinstance(data, bytes):
            # What --fix made of the bytes read, for the next --fix or --diff of the same bytes.
            state.cache.store_fixed(key, data, outcome, mode.unsafe_fixes)
            if outcome.fixed_bytes is not None and outcome.warning is None:
                # The fix loop's last lint is a check of the fixed text: the answer of a check (or
                # a --fix) of the file as --fix writes it, unless the project phase fixes it further.
                fixed_key = state.cache.file_key(outcome.task, outcome.fixed_bytes)
                state.cache.store_file(fixed_key, outcome)
        elif outcome.warning is None:
            # A file --fix left as it was has the answer a check gives (its findings after no fix).
            state.cache.store_file(key, outcome)


def _missing_context(context: Sequence[Task], state: _Run, contents: dict[Task, bytes | str]) -> list[Task]:
    """The other files whose facts the cache does not hold (those it does are kept in ``state``)."""
    cache = state.cache
    if state.known is None:
        state.known = {}
    missing: list[Task] = []
    for task in context:
        data = contents.get(task)
        if isinstance(data, str) or task in state.known or task in state.gathered or task in state.ungathered:
            continue
        key = state.keys.get(task)
        if cache is not None and data is not None and key is None:
            key = state.keys[task] = cache.file_key(task, data)
        known = cache.load_context(key) if cache is not None and key is not None else None
        if known is None:
            missing.append(task)
        else:
            state.known[task] = known
    return missing


def _context(
    context: Sequence[Task],
    state: _Run,
    contents: dict[Task, bytes | str],
    jobs: int,
    elsewhere: frozenset[str],
) -> list[Outcome]:
    """The other files of the project as outcomes holding what the project phase needs of them,
    in ``context``'s order: their facts, and their pending diagnostics of the ``elsewhere`` codes
    (``Rule.settles_elsewhere``); read from the cache, else gathered now (in the worker pool) and
    cached. A file that cannot be read is left out, as from a run over every file."""
    missing = _missing_context(context, state, contents)
    if missing:
        from vectra_lint.pipeline.runner import run_unsettled

        state.gathering.update(missing)
        run_unsettled([], state.settings, Mode(), jobs, None, contents or None, each=state.keep, facts_of=missing)
    assert state.known is not None
    found = []
    for task in context:
        if task in state.gathered:
            found.append(state.gathered[task])
        elif task in state.known:
            facts, pending = state.known[task]
            found.append(Outcome(task, tuple(d for d in pending if d.code in elsewhere), facts=facts))
    return found


def _elsewhere(settings: Settings) -> frozenset[str]:
    """The enabled rules that may settle a pending diagnostic on another file (imports the rules)."""
    from vectra_lint.rule import load_rules

    return frozenset(
        rule.code
        for rule in load_rules(settings.rules, settings.plugin_path)
        if rule.settles_elsewhere and rule.code in settings.enabled
    )


def _verdicts(
    report: Sequence[Task],
    context: Sequence[Task],
    state: _Run,
    contents: dict[Task, bytes | str],
    jobs: int,
    cache: ResultCache | None,
) -> tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]]:
    """What the project phase adds to each file (by display path) and its notices: from the cache
    when this exact set of files was settled before, else computed (and cached)."""
    settings = state.settings
    project_key = None
    if cache is not None:
        reported = set(report)
        # The other files count only by what ``_context`` reads of them: a run over every file,
        # which settles them all, has verdicts of its own.
        keys = ((task.relative, key if task in reported else f"context:{key}") for task, key in state.keys.items())
        project_key = cache.project_key(keys, settings.whole_project)
        found = cache.load_project(project_key)
        if found is not None:
            return found
    verdicts: dict[str, tuple[Diagnostic, ...]] = {}
    said: list[str] = []
    elsewhere = _elsewhere(settings) if context else frozenset()
    # Only a reported file's pending diagnostic, or one that settles elsewhere, adds to what is
    # reported: without one, the other files are not read.
    if elsewhere or any(state.has_pending(task) for task in report):
        from vectra_lint.pipeline.settle import finish_project

        everything = [state.complete(task) for task in report]
        everything += _context(context, state, contents, jobs, elsewhere)
        # The project phase passes settled diagnostics through as they were: what is new is its verdict.
        kept = {id(d) for outcome in everything for d in outcome.diagnostics if d.pending is None}
        for after in finish_project(everything, settings, None, said):
            added = tuple(d for d in after.diagnostics if id(d) not in kept)
            if added:
                verdicts[after.task.display] = added
    # A verdict a bug kept some file's facts from is not kept: the next run says it again.
    if cache is not None and project_key is not None and not state.unread:
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
    tasks: Sequence[Task],
    settings: Settings,
    jobs: int,
    cache: ResultCache | None,
    exclude: Path,
    notices: list[str] | None = None,
) -> list[Outcome]:
    """The facts of the project's files other than ``exclude`` (from the cache where it can), as
    outcomes: what the project phase of one file given apart (standard input, an editor buffer)
    needs. A bug that kept a file's facts from being read is appended to ``notices``."""
    others = [task for task in tasks if task.path is not None and task.path != exclude.resolve()]
    contents = {task: _read(task) for task in others}
    state = _Run(settings, cache)
    found = _context(others, state, contents, jobs, frozenset())
    if notices is not None:
        notices.extend(notice for notice in state.unread if notice not in notices)
    return found
