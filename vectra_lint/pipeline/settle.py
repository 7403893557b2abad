"""The project phase of a run: diagnostics that needed every file settled (``analysis/project.py``),
and, when fixing, the fixes of the ones it confirmed applied to their files (a rename of VL304's
error codes to every file that holds them: ``fixing/rename.py``)."""

from __future__ import annotations

import functools
import json
import os
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from vectra_lint.analysis.project import Project, settle_pending
from vectra_lint.analysis.test_files import DEFAULT_TEST_FOLDERS, is_test_module
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix, apply_edits, shown_root
from vectra_lint.engine.source import DecodeError, decode, encode
from vectra_lint.engine.timings import Timings
from vectra_lint.fixing import files, rename
from vectra_lint.fixing.apply import MAX_FIX_PASSES, applicable, apply_fixes, check_source
from vectra_lint.frontend.lookup import translation_globs
from vectra_lint.frontend.translations import matching_files
from vectra_lint.pipeline import isolation
from vectra_lint.pipeline.results import Mode, Outcome, Task

LintAgain = Callable[[Sequence[Outcome]], list[Outcome | str]]
"""The outcome of each fixed outcome's text (its ``fixed_bytes``) checked (and fixed) again; where
that failed, why."""


def finish_project(
    outcomes: list[Outcome],
    settings: Settings,
    mode: Mode | None = None,
    notices: list[str] | None = None,
    context: Sequence[Outcome] = (),
    jobs: int = 1,
    lint_again: LintAgain | None = None,
    stdin: bytes | None = None,
) -> list[Outcome]:
    """Settle diagnostics that needed every file (``analysis/project.py``) and put each file's in order.

    When fixing, the fixes of diagnostics the project phase confirmed are applied here: the
    workers could not apply them, as a pending diagnostic may yet be dropped. The files they
    changed are then checked again by ``lint_again`` (default: :func:`lint_each`, ``jobs`` at a time).
    ``stdin``: the bytes of the file read from standard input (the task without a path).
    """
    # ``context``: the other files of the project; their facts count, their outcomes are not returned.
    facts = {outcome.task.relative: outcome.facts for outcome in (*context, *outcomes)}
    project = Project(settings, facts)
    parts = [_settle(project, outcome) for outcome in outcomes]
    sources: dict[str, tuple[rename.Source, Task, bytes | None]] = {}
    if any(d.fix is not None and d.fix.rename is not None for part in parts for d in part[2]):
        sources = _rename_sources(outcomes, context, settings)
        known = {str(task.path) for _, task, _ in sources.values() if task.path is not None}
        fixes = rename.plan(
            (d for part in parts for d in part[2]),
            (source for source, _, _ in sources.values()),
            _other_texts(settings.root, known, sources),
        )
        parts = [
            (outcome, diagnostics, [replace(d, fix=fixes[id(d)]) if id(d) in fixes else d for d in settled])
            for outcome, diagnostics, settled in parts
        ]
    renamed: list[Outcome] = []
    if mode is not None and mode.fix:
        fixed_parts, renamed = _fix_settled_all(parts, sources, mode, stdin)
        again = lint_again or functools.partial(lint_each, settings=settings, mode=mode, jobs=jobs)
        parts = _lint_fixed_again(parts, fixed_parts, facts, settings, mode, again, stdin)
    finished = []
    # A project rule may settle a diagnostic on another file (VL706 reports at the translation
    # file): it is reported with that file, so that reporters show the right source.
    elsewhere: dict[str, list[Diagnostic]] = {}
    for outcome, diagnostics, settled in parts:
        for diagnostic in settled:
            if diagnostic.path == outcome.task.display:
                diagnostics.append(diagnostic)
            else:
                elsewhere.setdefault(diagnostic.path, []).append(diagnostic)
        finished.append(replace(outcome, diagnostics=tuple(sorted(diagnostics, key=lambda d: d.sort_key))))
    finished.extend(renamed)
    if elsewhere:
        finished = _regroup(finished, elsewhere)
    elif renamed:
        finished.sort(key=lambda outcome: outcome.task.display)
    if notices is not None:
        notices.extend(project.notices)
    return finished


def _settle(project: Project, outcome: Outcome) -> tuple[Outcome, list[Diagnostic], list[Diagnostic]]:
    """The outcome, its diagnostics that were not pending, and its pending ones settled."""
    diagnostics = list(outcome.diagnostics)
    if not any(d.pending is not None for d in diagnostics):
        return outcome, diagnostics, []
    settled = settle_pending(project, [d for d in diagnostics if d.pending is not None])
    return outcome, [d for d in diagnostics if d.pending is None], settled


def _lint_fixed_again(
    before: Sequence[tuple[Outcome, list[Diagnostic], list[Diagnostic]]],
    after: Sequence[tuple[Outcome, list[Diagnostic], list[Diagnostic]]],
    facts: Mapping[str, Mapping[str, object]],
    settings: Settings,
    mode: Mode,
    lint_again: LintAgain,
    stdin: bytes | None,
) -> list[tuple[Outcome, list[Diagnostic], list[Diagnostic]]]:
    """Each file the project phase fixed, linted again as it is now written, as the fix loop
    lints each pass: what is left is reported where it now is (the lines a fix added moved it),
    and what the fixes brought is seen (and fixed, when it can be). Their pending diagnostics are
    settled with their new facts (the other files' diagnostics stay as they were settled); what
    that fixes is linted again."""
    parts = list(after)
    again = [index for index, (part, old) in enumerate(zip(after, before, strict=True)) if part[0] is not old[0]]
    known = dict(facts)
    for _ in range(MAX_FIX_PASSES):
        if not again:
            break
        checked: dict[int, Outcome] = {}
        for index, found in zip(again, lint_again([parts[index][0] for index in again]), strict=True):
            previous = parts[index][0]
            if isinstance(found, str):
                # What the lint before the project phase found is what can be said, and said so.
                warning = f"not checked again after the project phase's fixes ({found}): its findings are from before"
                parts[index] = (replace(previous, warning=warning), *parts[index][1:])
                continue
            checked[index] = replace(
                found,
                original=previous.original,
                fixed_text=found.fixed_text or previous.fixed_text,
                fixed_bytes=found.fixed_bytes or previous.fixed_bytes,
                fixed=previous.fixed + found.fixed,
                fixed_codes=previous.fixed_codes + found.fixed_codes,
                warning=found.warning or previous.warning,
                read_digest=previous.read_digest,
                timings=_summed(previous.timings, found.timings),
            )
            known[previous.task.relative] = checked[index].facts
        # One project for the pass (its indexes are built once), with the new facts of its files.
        project = Project(settings, known)
        again = []
        for index, outcome in checked.items():
            _, diagnostics, settled = _settle(project, outcome)
            fixed, rest, _ = _fix_settled(outcome, settled, mode, {}, stdin)
            parts[index] = (fixed, diagnostics, rest)
            if fixed is not outcome:
                again.append(index)
    return parts


def _summed(
    first: Mapping[tuple[str, str], float] | None, second: Mapping[tuple[str, str], float] | None
) -> Mapping[tuple[str, str], float] | None:
    """Both outcomes' ``--timings`` figures: the first may hold its worker chunk's (``runner``)."""
    if first is None or second is None:
        return first or second
    total = Timings()
    total.merge(first)
    total.merge(second)
    return total.seconds


def lint_each(outcomes: Sequence[Outcome], settings: Settings, mode: Mode, jobs: int) -> list[Outcome | str]:
    """The outcome of each file's fixed text checked (and fixed) again; where that failed, why.

    The files are checked as a worker checks its chunk: side by side, with one Ruff process for
    each pass of a group, not one per file. With more than one job, the groups run side by side,
    each in a process of its own, and a crash costs only the file that causes it
    (``runner.in_processes``).
    """
    from vectra_lint.pipeline.runner import in_processes

    tasks = [outcome.task for outcome in outcomes]
    given = {outcome.task: outcome.fixed_bytes or b"" for outcome in outcomes}
    work = functools.partial(_lint_fixed, given=given, settings=settings, mode=mode)
    if jobs <= 1 or len(tasks) <= 1:
        return [_answer(found) for found in work(tasks)]
    from vectra_lint.engine import walker

    walker.prepare()  # once here, not in every process forked from this one
    groups = [[tasks[index] for index in group] for group in _groups([len(given[task]) for task in tasks], jobs)]
    found = in_processes(groups, work, jobs)
    return [_answer(found[task]) for task in tasks]


def _groups(sizes: Sequence[int], jobs: int) -> list[list[int]]:
    """The indexes of ``sizes`` in about ``2 * jobs`` groups of about equal size (the largest
    first, each to the smallest group so far): few enough that Ruff runs for many files at once,
    enough that no process idles while another finishes a big group."""
    count = min(len(sizes), 2 * jobs)
    groups: list[list[int]] = [[] for _ in range(count)]
    totals = [0] * count
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        smallest = totals.index(min(totals))
        groups[smallest].append(index)
        totals[smallest] += sizes[index]
    for group in groups:
        group.sort()
    return groups


def _answer(found: Outcome | isolation.Died[list[Task]]) -> Outcome | str:
    """The outcome, or why there is none."""
    if isinstance(found, isolation.Died):
        return found.describe()
    if found.error is not None:
        return found.error.removeprefix(f"{found.task.display}: ")
    return found


def _lint_fixed(tasks: list[Task], given: Mapping[Task, bytes], settings: Settings, mode: Mode) -> list[Outcome]:
    # Imported here: the runner imports this module.
    from vectra_lint.pipeline.runner import check_given

    return check_given(tasks, given, settings, mode)


def _read_text(path: Path) -> tuple[str, bytes] | None:
    try:
        data = path.read_bytes()
        return decode(data).text, data
    except (OSError, DecodeError):
        return None


def _rename_sources(
    outcomes: Sequence[Outcome], context: Sequence[Outcome], settings: Settings
) -> dict[str, tuple[rename.Source, Task, bytes | None]]:
    """The files a rename looks in, by display path: the checked Python files (the text the
    workers ended with) and the translation files; each with its task and the bytes read."""
    found: dict[str, tuple[rename.Source, Task, bytes | None]] = {}
    reported = {id(outcome) for outcome in outcomes}
    for outcome in (*outcomes, *context):
        task = outcome.task
        if task.path is None or task.display in found:
            continue
        read = _read_text(task.path)
        if read is None:
            continue
        text = outcome.fixed_text if outcome.fixed_text is not None and id(outcome) in reported else read[0]
        name = task.relative.rsplit("/", 1)[-1]
        test = is_test_module(task.relative, DEFAULT_TEST_FOLDERS) or name.startswith("test_") or name == "conftest.py"
        found[task.display] = (
            rename.Source(task.display, text, test=test),
            task,
            read[1] if id(outcome) not in reported else None,
        )
    if not outcomes:
        return found
    shown, relative = outcomes[0].task.display, outcomes[0].task.relative
    # How the project root is shown, from one checked file (``../`` when run below the root).
    root = shown_root(shown, relative)
    for pattern in translation_globs(settings):
        for file in matching_files(str(settings.root), pattern):
            target = Path(os.path.relpath(file, settings.root)).as_posix()
            display = posixpath.normpath(posixpath.join(root, target))
            read = _read_text(file)
            if display not in found and read is not None:
                found[display] = (
                    rename.Source(display, read[0], translation=True),
                    Task(file, display, target),
                    read[1],
                )
    return found


# Text files a code may be written in besides those the rename edits: the frontend's source
# (`t("errors.entity_not_found")`), docs, configuration. Folders no one writes codes in are skipped.
_TEXT_SUFFIXES = (
    *(".py", ".pyi", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue", ".svelte", ".json", ".yaml", ".yml"),
    *(".toml", ".cfg", ".ini", ".md", ".rst", ".txt", ".html", ".sql", ".sh", ".env"),
)
_SKIPPED = {"node_modules", ".git", ".venv", "venv", "__pycache__", "dist", "build", ".vectra-lint-cache"}
_LARGEST = 1 << 20


def _other_texts(
    root: Path, known: set[str], sources: dict[str, tuple[rename.Source, Task, bytes | None]]
) -> list[tuple[str, str]]:
    """(shown, text) of every other text file of the repository the project is in (its git top,
    else its root): a rename is safe only when none of them holds the old code."""
    top = next((folder for folder in (root, *root.parents) if (folder / ".git").exists()), root)
    root_shown = next(
        (
            shown_root(source.display, task.relative)
            for source, task, _ in sources.values()
            if task.path is not None and not task.relative.startswith("/")
        ),
        str(root),
    )
    found: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        for name in sorted(names):
            path = os.path.join(folder, name)
            if not name.endswith(_TEXT_SUFFIXES) or path in known:
                continue
            try:
                if not os.path.isfile(path) or os.path.islink(path) or os.path.getsize(path) > _LARGEST:
                    continue
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            found.append((posixpath.normpath(posixpath.join(root_shown, os.path.relpath(path, root))), text))
    return found


def _regroup(finished: list[Outcome], elsewhere: dict[str, list[Diagnostic]]) -> list[Outcome]:
    by_display = {outcome.task.display: index for index, outcome in enumerate(finished)}
    for path, moved in elsewhere.items():
        index = by_display.get(path)
        if index is None:
            finished.append(Outcome(Task(Path(path), path, path), ()))
            index = by_display[path] = len(finished) - 1
        outcome = finished[index]
        merged = sorted((*outcome.diagnostics, *moved), key=lambda d: d.sort_key)
        finished[index] = replace(outcome, diagnostics=tuple(merged))
    return sorted(finished, key=lambda outcome: outcome.task.display)


def _fix_settled_all(
    parts: list[tuple[Outcome, list[Diagnostic], list[Diagnostic]]],
    sources: dict[str, tuple[rename.Source, Task, bytes | None]],
    mode: Mode,
    stdin: bytes | None,
) -> tuple[list[tuple[Outcome, list[Diagnostic], list[Diagnostic]]], list[Outcome]]:
    """Apply the fixes of the settled diagnostics of every file, and each applicable rename to
    every file it edits or to none: a rename that cannot be applied to one of its files (an
    overlapping fix, a file changed since it was read, a result that no longer parses) is left
    out everywhere. Returns the parts with their files fixed, and outcomes for the other files
    the renames edited (translation files, files not reported)."""
    active: dict[tuple[str, str], dict[str, set[Edit]]] = {}
    for _, _, settled in parts:
        for d in settled:
            if d.fix is not None and d.fix.rename is not None and applicable(d, mode.unsafe_fixes):
                edits = active.setdefault(d.fix.rename, {})
                edits.setdefault(d.path, set()).update(d.fix.edits)
                for path, more in d.fix.elsewhere:
                    edits.setdefault(path, set()).update(more)
    while True:
        failed: set[tuple[str, str]] = set()
        fixed_parts = []
        for outcome, diagnostics, settled in parts:
            mine = {
                key: tuple(sorted(edits[outcome.task.display]))
                for key, edits in active.items()
                if outcome.task.display in edits
            }
            fixed, rest, not_applied = _fix_settled(outcome, settled, mode, mine, stdin)
            failed.update(not_applied)
            fixed_parts.append((fixed, diagnostics, rest))
        reported = {outcome.task.display for outcome, _, _ in parts}
        others: list[Outcome] = []
        for display in sorted({path for edits in active.values() for path in edits} - reported):
            mine = {key: tuple(edits[display]) for key, edits in active.items() if display in edits}
            other = _renamed_file(sources.get(display), mine)
            if other is None:
                failed.update(mine)
            else:
                others.append(other)
        if not failed:
            return fixed_parts, others
        # Each pass starts again from the unfixed parts, with one rename fewer at least.
        for key in failed:
            del active[key]


def _renamed_file(
    source: tuple[rename.Source, Task, bytes | None] | None, renames: Mapping[tuple[str, str], tuple[Edit, ...]]
) -> Outcome | None:
    """The outcome of a file that only renames edit (not reported in this run), or None when
    they cannot be applied to it."""
    if source is None:
        return None
    found, task, data = source
    if data is None:
        return None
    edits = sorted({edit for edits in renames.values() for edit in edits})
    if any(a.end > b.start for a, b in zip(edits, edits[1:], strict=False)):
        return None
    new_text = apply_edits(found.text, edits)
    if found.translation and task.relative.lower().endswith(".json"):
        try:
            json.loads(new_text)
        except ValueError:
            return None
    elif task.relative.endswith(".py") and check_source(new_text, task.display) is not None:
        return None
    return Outcome(
        task,
        (),
        original=found.text,
        fixed_text=new_text,
        fixed_bytes=encode(decode(data), new_text),
        fixed=0,
        read_digest=files.digest(data),
    )


def _fix_settled(
    outcome: Outcome,
    settled: list[Diagnostic],
    mode: Mode,
    renames: Mapping[tuple[str, str], tuple[Edit, ...]] | None = None,
    stdin: bytes | None = None,
) -> tuple[Outcome, list[Diagnostic], set[tuple[str, str]]]:
    """Apply the fixes of settled diagnostics to the file's (possibly already fixed) text, once,
    with this file's edits of the ``renames`` being applied (``_fix_renames``); ``stdin``: the
    bytes read of a file without a path (standard input).

    Their edits refer to the text the worker ended with. If they break the file, nothing is
    applied. Returns the outcome, the diagnostics left, and the renames that could not be applied.
    """
    renames = renames or {}
    # A rename's diagnostics are fixed through ``renames`` (all files or none), never alone.
    fixable = [d for d in settled if applicable(d, mode.unsafe_fixes) and (d.fix is None or d.fix.rename is None)]
    failed = set(renames)
    path = outcome.task.path
    if not (fixable or renames) or (path is None and stdin is None) or outcome.error is not None:
        return outcome, settled, failed
    try:
        data = path.read_bytes() if path is not None else stdin
        assert data is not None
        decoded = decode(data)
    except (OSError, DecodeError):
        return outcome, settled, failed
    if files.digest(data) != outcome.read_digest:
        return outcome, settled, failed  # changed since the worker read it: the edits do not fit it
    text = outcome.fixed_text if outcome.fixed_text is not None else decoded.text
    carriers = {
        key: Diagnostic(outcome.task.display, "", "", "", 0, 0, 0, 0, Fix(edits, Applicability.SAFE, ""))
        for key, edits in renames.items()
    }
    new_text, applied = apply_fixes(text, [*fixable, *carriers.values()])
    if not applied or check_source(new_text, outcome.task.display) is not None:
        return outcome, settled, failed
    done = {id(d) for d in applied}
    failed = {key for key, carrier in carriers.items() if id(carrier) not in done}
    resolved = [
        d
        for d in settled
        if id(d) in done or (d.fix is not None and d.fix.rename in renames and d.fix.rename not in failed)
    ]
    gone = {id(d) for d in resolved}
    fixed = replace(
        outcome,
        original=outcome.original if outcome.original is not None else decoded.text,
        fixed_text=new_text,
        fixed_bytes=encode(decoded, new_text),
        fixed=outcome.fixed + len(resolved),
        fixed_codes=outcome.fixed_codes + tuple(d.code for d in resolved),
    )
    return fixed, [d for d in settled if id(d) not in gone], failed
