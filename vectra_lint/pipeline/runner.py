"""Running the engine over many files: a process pool over chunks, results in a fixed order."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from vectra_lint.config.settings import Settings
from vectra_lint.engine import noqa_check, splice, walker
from vectra_lint.engine.libcst_private import parse_module
from vectra_lint.engine.limits import CannotAnalyse
from vectra_lint.engine.lint import gather_facts, lint_text
from vectra_lint.engine.memo import NO_MEMO, NodeMemo
from vectra_lint.engine.source import Decoded, DecodeError, decode, encode
from vectra_lint.engine.splice import Parsed
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.fixing import files
from vectra_lint.fixing.apply import MAX_FIX_PASSES, FixLoop, Linted
from vectra_lint.pipeline import isolation, ruff
from vectra_lint.pipeline.discovery import Task
from vectra_lint.pipeline.results import Mode, Outcome
from vectra_lint.pipeline.ruff import Record
from vectra_lint.pipeline.settle import finish_project
from vectra_lint.registry import rules_by_code
from vectra_lint.rules.core.syntax_error import SyntaxError_

if TYPE_CHECKING:
    import libcst as cst


def process(
    task: Task,
    data: bytes,
    settings: Settings,
    mode: Mode,
    ruff_records: Sequence[Record] | None,
    timings: Timings | None = None,
) -> Outcome:
    """Lint (and fix) one file's bytes; ``ruff_records`` are Ruff's findings on them, when known."""
    started = _start(task, data, settings, mode, ruff_records, timings)
    if isinstance(started, Outcome):
        return started
    while started.loop.wanted is not None:
        started.step(None)
    return started.outcome()


def _start(
    task: Task,
    data: bytes,
    settings: Settings,
    mode: Mode,
    ruff_records: Sequence[Record] | None,
    timings: Timings | None = None,
) -> Outcome | _Fixing:
    """The outcome of checking one file's bytes; when fixing, the file's fixing, not yet begun."""
    try:
        decoded = decode(data)
    except DecodeError as error:
        decode_error = (SyntaxError_.from_decode_error(task.display, error),)
        return Outcome(task, decode_error if SyntaxError_.code in settings.enabled else ())
    if mode.facts_only:
        part = gather_facts(task.display, task.relative, decoded.text, settings)
        return Outcome(task, part.diagnostics, facts=part.facts)
    fixing = _Fixing(task, data, decoded, settings, mode, ruff_records, timings)
    if mode.fix:
        return fixing
    found = fixing.lint(decoded.text).diagnostics
    return Outcome(task, found, facts=fixing.facts[decoded.text], noqa_warnings=_noqa_warnings(decoded.text))


class _Fixing:
    """One file's fix loop (:class:`FixLoop`), with what its lints and its outcome need."""

    def __init__(
        self,
        task: Task,
        data: bytes,
        decoded: Decoded,
        settings: Settings,
        mode: Mode,
        ruff_records: Sequence[Record] | None,
        timings: Timings | None,
    ) -> None:
        self.task, self.data, self.decoded, self.settings = task, data, decoded, settings
        self.ruff_records, self.timings = ruff_records, timings
        self.loop = FixLoop(decoded.text, task.display, mode.unsafe_fixes, MAX_FIX_PASSES)
        self.unsafe = mode.unsafe_fixes
        self.partial = mode.fix
        """Whether the next lint may give only the diagnostics whose fixes apply: the first, when fixing."""
        self.facts: dict[str, dict[str, object]] = {}
        """The facts of each text linted: the outcome's are those of the text it ends with."""
        self._records: tuple[str, list[Record] | Exception] | None = None
        """Ruff's answer for the text the loop wants (that text, and the answer) during :meth:`step`."""
        self._tree: Parsed | None = None
        """The tree of the text linted last, from which the next pass's text is parsed."""
        self.fixing = mode.fix
        """Whether the loop may run more than one pass (``--fix``, ``--diff``)."""
        self._memo = NodeMemo() if mode.fix else NO_MEMO
        """What a lint made from nodes that the next pass's tree reuses."""

    def needs_ruff(self) -> bool:
        """Whether the text to lint next needs a Ruff run (Ruff's batch results describe the file
        as read; a fixed text is checked again)."""
        wanted = self.loop.wanted
        known = self.ruff_records is not None and wanted == self.decoded.text
        return wanted is not None and bool(self.settings.ruff_selected) and not known

    def encoded(self, text: str) -> bytes | None:
        """The bytes ``text`` would be written as, where Ruff would read those rather than the
        text: bytes not UTF-8, of a file in another encoding whose bytes Ruff checked (its answer
        for the fixed text is then its answer for the fixed file); None elsewhere."""
        if self.ruff_records is None or self.decoded.encoding == "utf-8":
            return None
        try:
            data = encode(self.decoded, text)
            data.decode("utf-8")
        except UnicodeEncodeError:
            return None  # the text cannot be written in the file's encoding: no fix will be
        except UnicodeDecodeError:
            return data
        return None  # UTF-8 all the same (an ASCII-only text): Ruff reads it as the text

    def step(self, records: list[Record] | Exception | None) -> None:
        """Lint the text the loop wants, with Ruff's ``records`` on it (or what Ruff raised on
        it) when given, and go on to the next pass."""
        wanted = self.loop.wanted
        self._records = (wanted, records) if records is not None and wanted is not None else None
        try:
            self.loop.lint(self.lint)
        finally:
            self._records = None
        if self.loop.wanted is None:
            self._tree, self._memo = None, NO_MEMO  # no next pass: let the last tree go

    def lint(self, text: str) -> Linted:
        """Lint ``text`` (Ruff's findings and ours)."""
        settings = self.settings
        # The answer is for the text the loop wanted; should its fixes fail, the loop lints the
        # original again, which that answer does not describe.
        given = self._records[1] if self._records is not None and self._records[0] == text else None
        if isinstance(given, Exception):
            raise given
        records: Sequence[Record] | None = given
        if records is None and self.ruff_records is not None and text == self.decoded.text:
            records = self.ruff_records
        if records is None:
            records = (
                ruff.check_text(text, self.task.display, settings, self.encoded(text)) if settings.ruff_selected else ()
            )
        external = ruff.to_diagnostics(records, text, self.task.display)
        task = self.task
        # The text read, linted to be fixed, needs only the diagnostics whose fixes apply, when
        # it has some; should its fixes fail, the loop asks for all of them.
        fixing = self.unsafe if self.partial else None
        self.partial = False
        parse = self._parse_from_last(text)
        result = lint_text(
            task.display,
            task.relative,
            text,
            settings,
            external,
            self.timings,
            parse=parse,
            memo=self._memo,
            fixing=fixing,
            keep_tree=self.loop.wanted is not None and self.fixing,
        )
        self._tree = result.tree
        self.facts[text] = result.facts
        return Linted(result.diagnostics, result.parsed, result.complete)

    def _parse_from_last(self, text: str) -> Callable[[str], cst.Module] | None:
        """How to parse ``text``, a pass's fixed text, from the tree of the text it was fixed
        from (``splice.reparse``; whole where that cannot); None for the default parse."""
        edited, tree = self.loop.edited, self._tree
        if edited is None or tree is None or text != self.loop.wanted or edited[0] != tree.text:
            return None
        edits = edited[1]

        def parse(new_text: str) -> cst.Module:
            return splice.reparse(tree, edits, new_text) or parse_module(new_text)

        return parse

    def outcome(self) -> Outcome:
        """The outcome of the finished loop."""
        outcome = self.loop.outcome
        assert outcome is not None
        task, decoded = self.task, self.decoded
        warning = (
            f"fixes did not settle after {MAX_FIX_PASSES} passes; some fixable diagnostics remain"
            if outcome.hit_bound
            else None
        )
        read_digest = files.digest(self.data)
        notes = _noqa_warnings(outcome.text)
        if outcome.text == decoded.text:
            return Outcome(
                task,
                outcome.diagnostics,
                error=outcome.error,
                warning=warning,
                facts=self.facts[outcome.text],
                read_digest=read_digest,
                noqa_warnings=notes,
            )
        return Outcome(
            task,
            outcome.diagnostics,
            original=decoded.text,
            fixed_text=outcome.text,
            fixed_bytes=encode(decoded, outcome.text),
            fixed=outcome.fixed,
            error=outcome.error,
            warning=warning,
            facts=self.facts[outcome.text],
            read_digest=read_digest,
            noqa_warnings=notes,
            fixed_codes=outcome.fixed_codes,
        )


def _noqa_warnings(text: str) -> tuple[str, ...]:
    return tuple(f"{line}: {message}" for line, message in noqa_check.problems(text, rules_by_code()))


def _read(task: Task) -> bytes | str:
    assert task.path is not None
    try:
        return task.path.read_bytes()
    except OSError as error:
        return f"cannot read {task.display}: {error.strerror or error}"


# Ruff's findings by absolute path, and why it failed on the files it failed on.
RuffResults = tuple[dict[str, list[Record]], dict[str, str]]


def _process_chunk(
    chunk: Sequence[Task],
    settings: Settings,
    mode: Mode,
    given: Mapping[Task, bytes | str] | None = None,
    ruff_results: RuffResults | None = None,
) -> list[Outcome]:
    timings = Timings() if mode.timings else None
    start = time.perf_counter()
    contents = {task: given[task] if given is not None and task in given else _read(task) for task in chunk}
    readable = [task for task in chunk if isinstance(contents[task], bytes)]
    read = time.perf_counter()
    # One Ruff process per chunk, unless the parent ran it already; fixing re-runs Ruff only on
    # text that a fix changed.
    if ruff_results is not None:
        external, ruff_failed = ruff_results
    else:
        external, ruff_failed = ruff.check_files_each(readable, settings) if settings.ruff_selected else ({}, {})
    if timings is not None:
        timings.add(PHASE, "read files", read - start)
        timings.add(PHASE, "Ruff", time.perf_counter() - read)
    outcomes: list[Outcome] = []
    # Python's cyclic collector, left to run on its own, kept scanning the millions of
    # short-lived nodes each parse allocates: 15% of a run. Trees have no reference cycles (what
    # does, per file, is small), so it runs here only every few files.
    automatic = gc.isenabled()
    gc.disable()
    try:
        done: list[Outcome] = []
        if mode.fix:
            for start in range(0, len(chunk), _FIXED_TOGETHER):
                group = chunk[start : start + _FIXED_TOGETHER]
                done.extend(_fix_together(group, contents, settings, mode, external, timings))
        else:
            for index, task in enumerate(chunk):
                _collect_now(index)
                done.append(_process_one(task, contents[task], settings, mode, external, timings))
        for task, outcome in zip(chunk, done, strict=True):
            problem = ruff_failed.get(str(task.path))
            if problem is not None and outcome.error is None and not _syntax_error(outcome):
                outcome = replace(outcome, error=f"{task.display}: not fully checked: {problem}")
            outcomes.append(outcome)
    finally:
        if automatic:
            gc.enable()
    if timings is not None and outcomes:
        outcomes[-1] = replace(outcomes[-1], timings=timings.seconds)
    return outcomes


_T = TypeVar("_T")


def _collect_now(index: int) -> None:
    if index and index % _COLLECT_EVERY == 0:
        # The youngest generation holds all that was allocated since the last pass (the
        # collector promotes nothing while disabled): the per-file cycles, not the results kept
        # so far.
        gc.collect(0)


_FIXED_TOGETHER = 32
"""How many files of a chunk are fixed side by side (``_fix_together``). Between two passes each
keeps its last tree (the next pass's is parsed from it, ``splice.py``): their number bounds the
memory a run with one process, whose chunk is the whole project, holds; and each pass's texts of
these files go to one Ruff process."""


def _fix_together(
    chunk: Sequence[Task],
    contents: Mapping[Task, bytes | str],
    settings: Settings,
    mode: Mode,
    external: dict[str, list[Record]],
    timings: Timings | None,
) -> list[Outcome]:
    """Fix files side by side, one pass of each at a time: the texts a pass fixed are checked by
    Ruff together (``ruff.check_texts``), not by a Ruff process each."""
    states: list[Outcome | _Fixing] = []
    for task in chunk:
        data = contents[task]
        if isinstance(data, str):
            states.append(Outcome(task, (), error=data))
            continue
        records = external.get(str(task.path)) if external else None
        states.append(_guarded(task, functools.partial(_start, task, data, settings, mode, records, timings)))
    steps = 0
    while True:
        active = [(index, state) for index, state in enumerate(states) if isinstance(state, _Fixing)]
        active = [(index, state) for index, state in active if state.loop.wanted is not None]
        if not active:
            break
        asked = [(index, state) for index, state in active if state.needs_ruff()]
        started = time.perf_counter()
        texts = [(state.loop.wanted or "", state.task.display) for _, state in asked]
        encoded = [state.encoded(text) for (text, _), (_, state) in zip(texts, asked, strict=True)]
        answers = ruff.check_texts(texts, settings, encoded)
        if timings is not None and asked:
            timings.add(PHASE, "Ruff", time.perf_counter() - started)
        given = {index: answer for (index, _), answer in zip(asked, answers, strict=True)}
        for index, state in active:
            _collect_now(steps)
            steps += 1
            states[index] = _guarded(state.task, functools.partial(_step, state, given.get(index)))
    return [_guarded(state.task, state.outcome) if isinstance(state, _Fixing) else state for state in states]


def _step(state: _Fixing, records: list[Record] | Exception | None) -> _Fixing:
    state.step(records)
    return state


def _guarded(task: Task, work: Callable[[], _T]) -> _T | Outcome:
    """What ``work`` gives for ``task``'s file; a file that cannot be analysed or a bug becomes
    the outcome's error."""
    try:
        return work()
    except CannotAnalyse as error:
        return Outcome(task, (), error=f"{task.display}: cannot analyse: {error}")
    except RecursionError:
        return Outcome(task, (), error=f"{task.display}: cannot analyse: too deeply nested")
    except ruff.RuffCrash as error:
        return Outcome(task, (), error=f"{task.display}: cannot analyse: {error}")
    except ruff.RuffError:
        raise  # not about this file: the whole run cannot use Ruff
    except Exception as error:  # a bug on one file must not cost the report on the others
        return Outcome(task, (), error=f"{task.display}: {internal_error(error)}", bug=True)


def process_safely(task: Task, data: bytes, settings: Settings, mode: Mode) -> Outcome:
    """:func:`process` one file; a file that cannot be analysed or a bug becomes the outcome's error."""
    return _process_one(task, data, settings, mode, {})


def check_given(tasks: Sequence[Task], given: Mapping[Task, bytes], settings: Settings, mode: Mode) -> list[Outcome]:
    """Each file's outcome for the bytes given, not those on disk (a text the project phase fixed,
    not yet written), in order: as a chunk of the pool, but Ruff checks the texts, not the files
    (a file that cannot be analysed or a bug becomes the outcome's error)."""
    return _process_chunk(tasks, settings, mode, given, ruff_results=({}, {}))


def _syntax_error(outcome: Outcome) -> bool:
    # Ruff failing on a file that does not compile adds nothing to its VL001.
    return any(d.code == SyntaxError_.code for d in outcome.diagnostics)


def _process_one(
    task: Task,
    data: bytes | str,
    settings: Settings,
    mode: Mode,
    external: dict[str, list[Record]],
    timings: Timings | None = None,
) -> Outcome:
    if isinstance(data, str):
        return Outcome(task, (), error=data)
    records = external.get(str(task.path)) if external else None
    return _guarded(task, lambda: process(task, data, settings, mode, records, timings))


def internal_error(error: BaseException) -> str:
    """The message of an error that can only be a bug of vectra-lint."""
    return f"internal error (this is a bug in vectra-lint, please report it): {type(error).__name__}: {error}"


_WORKER_SETTINGS: tuple[Settings, Mode] | None = None
_COLLECT_EVERY = 64


def _init_worker(settings: Settings, mode: Mode, parent: int) -> None:
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = (settings, mode)
    isolation.child_of(parent)
    # What the worker inherited (the imported rules and libraries) lives to the end: keep the
    # collector from scanning it again and again.
    gc.freeze()


def _worker(
    chunk: Sequence[Task],
    given: Mapping[Task, bytes | str] | None = None,
    ruff_results: RuffResults | None = None,
    facts: bool = False,
) -> list[Outcome]:
    assert _WORKER_SETTINGS is not None
    if facts:
        return _process_chunk(chunk, *facts_only(_WORKER_SETTINGS[0]), given)
    return _process_chunk(chunk, *_WORKER_SETTINGS, given, ruff_results)


def facts_only(settings: Settings) -> tuple[Settings, Mode]:
    """The settings and mode of a file only read for what the project phase needs of it: Ruff is
    not run (its findings would be dropped), no finding is made for it. One copy per settings:
    what a copy works out once (its layers' compiled globs) is then not worked out per chunk."""
    global _FACTS_ONLY
    if _FACTS_ONLY is None or _FACTS_ONLY[0] is not settings:
        _FACTS_ONLY = (settings, (replace(settings, ruff_selected=()), Mode(facts_only=True)))
    return _FACTS_ONLY[1]


_FACTS_ONLY: tuple[Settings, tuple[Settings, Mode]] | None = None


def _given_part(chunk: Sequence[Task], given: Mapping[Task, bytes | str] | None) -> dict[Task, bytes | str] | None:
    """The bytes already read of ``chunk``'s files, to send along with it."""
    return {task: given[task] for task in chunk if task in given} if given else None


def default_jobs() -> int:
    """The CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _size(task: Task) -> int:
    try:
        return task.path.stat().st_size if task.path is not None else 0
    except OSError:
        return 0


def _chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Chunks of about equal bytes, largest files first, so that the last chunks are small and
    no worker idles while another finishes a big one; chunks are not tiny, because each costs a
    task round trip and a Ruff process."""
    sized = sorted(((_size(task), task) for task in tasks), key=lambda item: -item[0])
    target = max(1, sum(size for size, _ in sized) // (jobs * 12))
    chunks: list[list[Task]] = []
    current: list[Task] = []
    filled = 0
    for size, task in sized:
        current.append(task)
        filled += size
        if filled >= target:
            chunks.append(current)
            current, filled = [], 0
    if current:
        chunks.append(current)
    return chunks


def run(
    tasks: Sequence[Task],
    settings: Settings,
    mode: Mode,
    jobs: int | None = None,
    notices: list[str] | None = None,
    timings: Timings | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Process every task, in parallel when there is enough work; ordered by display path.

    Run-level notices of the project phase are appended to ``notices`` when given; with
    ``timings`` (and ``mode.timings``), the workers' figures and the project phase's are added to it;
    ``progress`` is told how many more files are done, as chunks finish.
    """
    jobs = jobs or default_jobs()
    outcomes = run_unsettled(tasks, settings, mode, jobs, progress, timings=timings)
    outcomes.sort(key=lambda outcome: outcome.task.display)
    if timings is None:
        return finish_project(outcomes, settings, mode, notices, jobs=jobs)
    for outcome in outcomes:
        if outcome.timings:
            timings.merge(outcome.timings)
    with timings.phase("project phase"):
        return finish_project(outcomes, settings, mode, notices, jobs=jobs)


def run_unsettled(
    tasks: Sequence[Task],
    settings: Settings,
    mode: Mode,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    given: Mapping[Task, bytes | str] | None = None,
    timings: Timings | None = None,
    each: Callable[[Outcome], None] | None = None,
    facts_of: Sequence[Task] = (),
) -> list[Outcome]:
    """Each task's outcome before the project phase (pending diagnostics not settled), in no order.

    ``facts_of`` are more files, only read for what the project phase needs of them
    (:func:`facts_only`), in the same pool after ``tasks``: their outcomes come last, and
    ``progress`` does not count them.

    ``given`` holds the bytes of files already read (a cache looked them up): the same bytes are
    checked, whatever happens to the file meanwhile. The time of the Ruff process that this process
    runs for the workers is added to ``timings``, when given. ``each`` is called with every outcome
    as soon as it is here (a chunk done), while the workers go on with the others: what is done
    with it (writing it to the cache) is then no longer a wait after the last chunk.
    """
    if not tasks and not facts_of:
        return []
    jobs = jobs or default_jobs()
    few, forked = len(tasks) + len(facts_of) < 4, isolation.forks()
    if jobs <= 1 or (few and not forked):
        # Where processes are spawned, starting one costs more than checking a few files.
        outcomes = _process_chunk(tasks, settings, mode, given) if tasks else []
        _done(outcomes, progress, each)
        gathered = _process_chunk(facts_of, *facts_only(settings), given) if facts_of else []
        _done(gathered, None, each)
        return outcomes + gathered
    walker.prepare()
    if few:
        # Too few files to start a pool for, but not in this process either: a file whose parse
        # kills its process costs only itself, as in the pool, however many files were named (a
        # file read only for its facts, never cached then, would end every run in this process).
        outcomes = _apart([tasks], settings, mode, jobs, given) if tasks else []
        _done(outcomes, progress, each)
        gathered = _apart([facts_of], *facts_only(settings), jobs, given) if facts_of else []
        _done(gathered, None, each)
        return outcomes + gathered
    # fork: workers inherit the imported rules instead of importing them again.
    context = multiprocessing.get_context("fork" if forked else None)
    outcomes = []
    lost: list[Task] = []
    lost_facts: list[Task] = []
    initargs = (settings, mode, os.getpid())
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=initargs) as pool:
        # Results only accumulate here (no garbage): the collector would rescan them all
        # each time another chunk's diagnostics are unpickled.
        automatic = gc.isenabled()
        gc.disable()
        try:
            submitted: dict[Future[list[Outcome]], list[Task]] = {}
            chunks = _chunks(tasks, jobs) if tasks else []
            # The first chunks run Ruff themselves, so that every worker starts at once; Ruff then
            # checks all the other files here, in one process, while the workers lint: a Ruff
            # process per chunk cost some 20 ms of CPU each, and its worker waited for it.
            ahead = chunks[:jobs] if settings.ruff_selected else chunks
            for chunk in ahead:
                submitted[pool.submit(_worker, chunk, _given_part(chunk, given))] = chunk
            rest = chunks[len(ahead) :]
            if rest:
                checked = [task for chunk in rest for task in chunk if not (given and isinstance(given.get(task), str))]
                started = time.perf_counter()
                found, failed = ruff.check_files_each(checked, settings)
                if timings is not None:
                    timings.add(PHASE, "Ruff", time.perf_counter() - started)
                for chunk in rest:
                    paths = [str(task.path) for task in chunk]
                    results = (
                        {path: found[path] for path in paths if path in found},
                        {path: failed[path] for path in paths if path in failed},
                    )
                    submitted[pool.submit(_worker, chunk, _given_part(chunk, given), results)] = chunk
            facts_chunks = set()
            for chunk in _chunks(facts_of, jobs) if facts_of else []:
                future = pool.submit(_worker, chunk, _given_part(chunk, given), None, True)
                submitted[future] = chunk
                facts_chunks.add(future)
            for future in as_completed(submitted):
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # A worker died: this chunk's files are run again below.
                    (lost_facts if future in facts_chunks else lost).extend(submitted[future])
                    continue
                outcomes.extend(result)
                _done(result, None if future in facts_chunks else progress, each)
        except BaseException:
            # Ctrl-C, or a failure here: leaving the block would wait for every chunk in flight.
            _stop(pool)
            raise
        finally:
            if automatic:
                gc.enable()
    if lost:
        again = _apart([[task] for task in lost], settings, mode, jobs, given)
        _done(again, None, each)
        outcomes.extend(again)
    if lost_facts:
        again = _apart([[task] for task in lost_facts], *facts_only(settings), jobs, given)
        _done(again, None, each)
        outcomes.extend(again)
    return outcomes


def _done(
    outcomes: list[Outcome], progress: Callable[[int], None] | None, each: Callable[[Outcome], None] | None
) -> None:
    if each is not None:
        for outcome in outcomes:
            each(outcome)
    if progress is not None:
        progress(len(outcomes))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now and drop the chunks not yet started."""
    # The executor has no public way to end work in progress: its processes are killed directly.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        try:
            worker.kill()
        except (OSError, ValueError):
            pass  # already gone
    for worker in workers:
        worker.join(timeout=1)


def in_processes(
    groups: Sequence[Sequence[Task]], work: Callable[[list[Task]], list[Outcome]], jobs: int
) -> dict[Task, Outcome | isolation.Died[list[Task]]]:
    """``work`` of each group, each group in a process of its own (``jobs`` at a time), by task. A
    group of several files whose process dies is run again a file a process, so that only the file
    that kills its process is lost (its answer then says how the process ended)."""
    found: dict[Task, Outcome | isolation.Died[list[Task]]] = {}
    lost: list[Task] = []
    for group, result in zip(groups, isolation.run_each([list(group) for group in groups], work, jobs), strict=True):
        if isinstance(result, isolation.Died) and len(group) > 1:
            lost.extend(group)
        elif isinstance(result, isolation.Died):
            found[group[0]] = result
        else:
            found.update(zip(group, result, strict=True))
    for task, result in zip(lost, isolation.run_each([[task] for task in lost], work, jobs), strict=True):
        found[task] = result if isinstance(result, isolation.Died) else result[0]
    return found


def _apart(
    groups: Sequence[Sequence[Task]],
    settings: Settings,
    mode: Mode,
    jobs: int,
    given: Mapping[Task, bytes | str] | None,
) -> list[Outcome]:
    """The outcomes of the groups' tasks, in order, each group checked in a process of its own as a
    chunk of the pool (``in_processes``); a file whose process died is an error that says so."""
    tasks = [task for group in groups for task in group]
    work = functools.partial(_process_chunk, settings=settings, mode=mode, given=_given_part(tasks, given))
    found = in_processes(groups, work, jobs)
    outcomes: list[Outcome] = []
    for task in tasks:
        result = found[task]
        if isinstance(result, isolation.Died):
            # Not the file's failure (a crash of libcst's native parser, the kernel's OOM killer):
            # a partial run that read it only for its facts says so (``project_run``).
            result = Outcome(task, (), error=f"{task.display}: cannot analyse: {result.describe()}", bug=True)
        outcomes.append(result)
    return outcomes
