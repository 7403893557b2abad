"""Narrowing a run to what a team adopting vectra-lint acts on: changed lines, findings not in
the baseline; and silencing the current findings with ``# noqa`` (``check --add-noqa``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vectra_lint.config.projects import Project
from vectra_lint.config.settings import Settings
from vectra_lint.engine import noqa
from vectra_lint.fixing import files
from vectra_lint.fixing.add_noqa import NOT_SILENCEABLE, NotSilenced, add_noqa
from vectra_lint.pipeline import baseline, disk_inputs, git
from vectra_lint.pipeline.baseline import BaselineError
from vectra_lint.pipeline.results import Outcome, Task

__all__ = [
    "BaselineError",
    "Narrowed",
    "add_noqa_to_files",
    "changed_files",
    "changed_lines",
    "changed_only",
    "not_in_baseline",
    "write_baseline",
]

Sources = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Narrowed:
    """Outcomes with some diagnostics left out, and what the baseline says about them."""

    outcomes: list[Outcome]
    baselined: int = 0
    stale: int = 0


def changed_lines(paths: Iterable[Path], ref: str, cwd: Path) -> dict[Path, set[int]]:
    """The lines changed since ``ref`` (committed, staged or not) in the repositories that hold
    ``paths``, by resolved path."""
    return git.changed_lines_of([path.resolve() for path in paths], ref, cwd)


def changed_files(
    groups: Sequence[tuple[Project, list[Task]]], changed: dict[Path, set[int]]
) -> list[tuple[Project, list[Task]]] | None:
    """Of each project's files, those with a changed line: :func:`changed_only` keeps no finding
    of the others. Checked alone, they are reported as in a run over every file (the project's
    other files are read for what the cross-module rules need, as when pre-commit names them).

    None when a project reports on a changed file that is not one of its Python files (VL706, on
    a translation file): what it finds there comes from every file, and a project none of whose
    Python files changed would not be checked at all."""
    if any(changed.get(path) for project, _ in groups for path in disk_inputs.translation_paths(project.settings)):
        return None
    kept = []
    for project, tasks in groups:
        # Discovery names each file by its real path already: not resolved a second time.
        mine = [task for task in tasks if task.path is not None and changed.get(task.path)]
        if mine:
            kept.append((project, mine))
    return kept


def changed_lines_of_text(path: Path, text: bytes, ref: str) -> set[int]:
    """The lines changed since ``ref`` in ``text``, read from standard input as the file at
    ``path``, against what ``ref`` holds there (not what the file on disk holds)."""
    return git.changed_lines_of_text(path.resolve(), text, ref)


def changed_only(narrowed: Narrowed, changed: dict[Path, set[int]], stdin: set[int] | None = None) -> Narrowed:
    """Keep the diagnostics that touch a changed line (``changed``: :func:`changed_lines`; for the
    text read from standard input, ``stdin``: :func:`changed_lines_of_text`)."""
    paths = {id(outcome): outcome.task.path.resolve() for outcome in narrowed.outcomes if outcome.task.path is not None}
    kept = []
    for outcome in narrowed.outcomes:
        path = paths.get(id(outcome))
        lines = changed.get(path) if path is not None else stdin
        diagnostics = tuple(
            d for d in outcome.diagnostics if lines and any(n in lines for n in range(d.line, d.end_line + 1))
        )
        kept.append(replace(outcome, diagnostics=diagnostics))
    return replace(narrowed, outcomes=kept)


def _findings(outcome: Outcome, sources: Sources) -> list[baseline.Finding]:
    return baseline.findings(outcome.diagnostics, outcome.task.relative, sources(outcome.task.display))


def _ran(settings: Settings) -> Callable[[str, str], bool]:
    """Whether rule ``code`` ran on the file at a root-relative path (its stale entries count)."""

    def ran(code: str, path: str) -> bool:
        if noqa.matches(code, settings.ignored_in(path)):
            return False
        if code in settings.enabled:
            return True
        return noqa.matches(code, settings.ruff_selected) and not noqa.matches(code, settings.ruff_ignored)

    return ran


def not_in_baseline(narrowed: Narrowed, file: Path, sources: Sources, settings: Settings | None = None) -> Narrowed:
    """Leave out the diagnostics the baseline in ``file`` holds; count its stale entries (with
    ``settings``, only those of rules that ran)."""
    accepted = baseline.Baseline.read(file)
    found = [finding for outcome in narrowed.outcomes for finding in _findings(outcome, sources)]
    checked = {outcome.task.relative for outcome in narrowed.outcomes}
    new, stale = accepted.filter(found, checked, _ran(settings) if settings is not None else None)
    keep = {id(finding.diagnostic) for finding in new}
    outcomes = [
        replace(outcome, diagnostics=tuple(d for d in outcome.diagnostics if id(d) in keep))
        for outcome in narrowed.outcomes
    ]
    return Narrowed(outcomes, narrowed.baselined + len(found) - len(new), narrowed.stale + stale)


def write_baseline(file: Path, outcomes: list[Outcome], sources: Sources, root: Path | None = None) -> int:
    """Write the findings of ``outcomes`` as a baseline; how many were written. ``root``: the
    project the file must be in (a path from the config)."""
    found = [finding for outcome in outcomes for finding in _findings(outcome, sources)]
    return baseline.write(file, found, root)


def add_noqa_to_files(outcomes: list[Outcome], settings: Settings) -> tuple[int, list[str]]:
    """Add ``# noqa`` comments for every diagnostic to the files; (comments added, problems)."""
    from vectra_lint.engine.source import DecodeError, decode, encode

    # A project that requires a reason after each noqa gets one, or the next check would fail.
    reason = "added by vectra-lint --add-noqa" if "VL003" in settings.enabled else None
    added = 0
    problems = []
    for outcome in outcomes:
        if outcome.task.path is None or all(d.code in NOT_SILENCEABLE for d in outcome.diagnostics):
            continue
        try:
            data = outcome.task.path.read_bytes()
            decoded = decode(data)
        except (OSError, DecodeError) as error:
            problems.append(f"{outcome.task.display}: cannot add noqa comments: {error}")
            continue
        try:
            text, count = add_noqa(decoded.text, outcome.diagnostics, reason)
        except NotSilenced as refusal:
            problems.append(f"{outcome.task.display}: {refusal}")
            continue
        if text != decoded.text:
            try:
                files.write_fixed(outcome.task.path, encode(decoded, text), files.digest(data))
            except files.NotWritten as refusal:
                problems.append(f"{outcome.task.display}: {refusal}")
                continue
            except OSError as error:
                problems.append(f"{outcome.task.display}: cannot write the file: {error.strerror or error}")
                continue
            added += count
    return added, problems
