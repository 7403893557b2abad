"""One way through a run: the files found, grouped by project, each project checked with its own
settings and settled against all of its files, the outcomes merged.

``check``, ``check --timings``, standard input and ``baseline`` all go through :func:`check_projects`;
the CLI only presents what it returns.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vectra_lint.config.projects import Project, Projects
from vectra_lint.config.settings import Settings
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.pipeline import layer_notice, project_run
from vectra_lint.pipeline.cache import ResultCache
from vectra_lint.pipeline.discovery import discover, display_path
from vectra_lint.pipeline.results import Mode, Outcome, Task

CHECKING = "checking (cache, workers, project phase)"
"""The run-level phase ``--timings`` shows for the checking itself (wall time)."""

# The result cache of a project under its settings (None: no cache).
CacheFor = Callable[[Project, Settings], ResultCache | None]


@dataclass(frozen=True)
class Checked:
    """One project's part of a run."""

    project: Project
    settings: Settings
    """The project's settings as run (``whole_project`` set)."""
    outcomes: list[Outcome]


def _holds(target: Path, root: Path) -> bool:
    """Whether a checked path is the project root or a folder above it (``root`` resolved)."""
    try:
        # A file holds no folder: a run naming every file (pre-commit's `--all-files`) resolves none.
        return target.is_dir() and root.is_relative_to(target.resolve())
    except (OSError, RuntimeError):
        return False  # a symbolic link loop: discovery reports it


def project_files(
    project: Project, tasks: Sequence[Task], targets: Sequence[Path], projects: Projects, cwd: Path
) -> tuple[list[Task], bool]:
    """Every file of ``project`` (the project phase settles cross-file rules against all of them,
    whichever were named), and whether that is the whole project (rules that judge an absence
    need it). A root guessed from the path named (no marker) has no known extent: its files are
    those named."""
    try:
        root = project.root.resolve()
    except (OSError, RuntimeError):
        root = project.root
    if any(_holds(cwd / target, root) for target in targets):
        return list(tasks), True
    if not project.marked or not tasks:
        return list(tasks), False
    return discover([project.root], projects, cwd, only=project).tasks, True


def check_projects(
    groups: Sequence[tuple[Project, list[Task]]],
    targets: Sequence[Path],
    projects: Projects,
    cwd: Path,
    mode: Mode,
    jobs: int,
    cache_for: CacheFor,
    progress: Callable[[int], None] | None = None,
    notices: list[str] | None = None,
    clock: Timings | None = None,
) -> list[Checked]:
    """Check each project's tasks with its own settings; notices (the project phase's, layers that
    match nothing) are appended to ``notices``. With ``clock`` (and ``mode.timings``), the run is
    the one the user asked for, cache included, and the files checked anew are timed by phase
    and rule."""
    checked = []
    for project, tasks in groups:
        files, whole = project_files(project, tasks, targets, projects, cwd)
        settings = replace(project.settings, whole_project=whole)
        if whole and notices is not None:
            said = layer_notice.unmatched(settings, (task.relative for task in files), _shown(project.root, cwd))
            if said is not None and said not in notices:
                notices.append(said)
        cache = cache_for(project, settings)
        if cache is not None and cache.refused is not None and notices is not None and cache.refused not in notices:
            notices.append(cache.refused)  # a cache folder that is a link, or committed: not used
        started = time.perf_counter()
        outcomes = project_run.check(tasks, files, settings, mode, jobs, cache, progress, notices)
        if clock is not None:
            clock.add(PHASE, CHECKING, time.perf_counter() - started)
            for outcome in outcomes:
                if outcome.timings:
                    clock.merge(outcome.timings)
        checked.append(Checked(project, settings, _shown_from(outcomes, tasks, cwd)))
    return checked


def _shown_from(outcomes: list[Outcome], tasks: Sequence[Task], cwd: Path) -> list[Outcome]:
    """The outcomes, with the files a project rule reported on that were not checked (a
    translation file) shown as every other path is: relative to ``cwd`` when below it, else
    absolute; the same file reached from two checked files is one outcome."""
    # By path: the outcomes' tasks come back from the workers (and the cache) as copies.
    checked = {task.path for task in tasks}
    kept: list[Outcome] = []
    others: dict[str, Outcome] = {}
    for outcome in outcomes:
        if outcome.task.path in checked or outcome.task.path is None:
            kept.append(outcome)
            continue
        absolute = Path(os.path.normpath(cwd / outcome.task.display))
        shown = display_path(absolute, cwd)
        diagnostics = tuple(replace(d, path=shown) for d in outcome.diagnostics)
        earlier = others.get(shown)
        if earlier is not None:
            diagnostics = tuple(sorted((*earlier.diagnostics, *diagnostics), key=lambda d: d.sort_key))
        others[shown] = replace(outcome, task=Task(absolute, shown, outcome.task.relative), diagnostics=diagnostics)
    return kept + list(others.values())


def merged(checked: Sequence[Checked]) -> list[Outcome]:
    """Every project's outcomes in one report order (by display path)."""
    return sorted((outcome for part in checked for outcome in part.outcomes), key=lambda o: o.task.display)


def _shown(root: Path, cwd: Path) -> str:
    relative = os.path.relpath(root, cwd)
    return "." if relative == "." else relative if not relative.startswith("..") else str(root)
