"""The project phase of a run: diagnostics that needed every file settled (``analysis/project.py``),
and, when fixing, the fixes of the ones it confirmed applied to their files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from vectra_lint.analysis.project import Project, settle_pending
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.source import DecodeError, decode, encode
from vectra_lint.fixing import files
from vectra_lint.fixing.apply import applicable, apply_fixes, check_source
from vectra_lint.pipeline.results import Mode, Outcome, Task


def finish_project(
    outcomes: list[Outcome],
    settings: Settings,
    mode: Mode | None = None,
    notices: list[str] | None = None,
    context: Sequence[Outcome] = (),
) -> list[Outcome]:
    """Settle diagnostics that needed every file (``analysis/project.py``) and put each file's in order.

    When fixing, the fixes of diagnostics the project phase confirmed are applied here: the
    workers could not apply them, as a pending diagnostic may yet be dropped.
    """
    # ``context``: the other files of the project; their facts count, their outcomes are not returned.
    project = Project(settings, {outcome.task.relative: outcome.facts for outcome in (*context, *outcomes)})
    finished = []
    # A project rule may settle a diagnostic on another file (VL706 reports at the translation
    # file): it is reported with that file, so that reporters show the right source.
    elsewhere: dict[str, list[Diagnostic]] = {}
    for outcome in outcomes:
        diagnostics = list(outcome.diagnostics)
        if any(d.pending is not None for d in diagnostics):
            settled = settle_pending(project, [d for d in diagnostics if d.pending is not None])
            diagnostics = [d for d in diagnostics if d.pending is None]
            if mode is not None and mode.fix:
                outcome, settled = _fix_settled(outcome, settled, mode)
            for diagnostic in settled:
                if diagnostic.path == outcome.task.display:
                    diagnostics.append(diagnostic)
                else:
                    elsewhere.setdefault(diagnostic.path, []).append(diagnostic)
        finished.append(replace(outcome, diagnostics=tuple(sorted(diagnostics, key=lambda d: d.sort_key))))
    if elsewhere:
        finished = _regroup(finished, elsewhere)
    if notices is not None:
        notices.extend(project.notices)
    return finished


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


def _fix_settled(outcome: Outcome, settled: list[Diagnostic], mode: Mode) -> tuple[Outcome, list[Diagnostic]]:
    """Apply the fixes of settled diagnostics to the file's (possibly already fixed) text, once.

    Their edits refer to the text the worker ended with. If they break the file, nothing is applied.
    """
    fixable = [d for d in settled if applicable(d, mode.unsafe_fixes)]
    if not fixable or outcome.task.path is None or outcome.error is not None:
        return outcome, settled
    try:
        data = outcome.task.path.read_bytes()
        decoded = decode(data)
    except (OSError, DecodeError):
        return outcome, settled
    if files.digest(data) != outcome.read_digest:
        return outcome, settled  # changed since the worker read it: the edits do not fit it
    text = outcome.fixed_text if outcome.fixed_text is not None else decoded.text
    new_text, applied = apply_fixes(text, fixable)
    if not applied or check_source(new_text, outcome.task.display) is not None:
        return outcome, settled
    done = {id(d) for d in applied}
    fixed = replace(
        outcome,
        original=outcome.original if outcome.original is not None else decoded.text,
        fixed_text=new_text,
        fixed_bytes=encode(decoded, new_text),
        fixed=outcome.fixed + len(applied),
        fixed_codes=outcome.fixed_codes + tuple(d.code for d in applied),
    )
    return fixed, [d for d in settled if id(d) not in done]
