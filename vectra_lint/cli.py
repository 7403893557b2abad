"""The command line: the only module that knows argv, the terminal and exit codes."""

from __future__ import annotations

import difflib
import io
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

# Only what a run answered from the cache needs is imported here; the engine (libcst and every
# rule) is imported where it is used, so that such a run never loads it.
from vectra_lint import STARTED, __version__
from vectra_lint.config.files import ConfigError
from vectra_lint.config.projects import Project, Projects
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine.source import DecodeError, decode
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.fixing import files
from vectra_lint.fixing.add_noqa import split_lines
from vectra_lint.fixing.apply import applicable
from vectra_lint.pipeline import cache as result_cache
from vectra_lint.pipeline import git, project_run, session
from vectra_lint.pipeline.discovery import Discovery, discover, display_path
from vectra_lint.pipeline.results import Mode, Outcome, Task
from vectra_lint.pipeline.ruff import RuffError
from vectra_lint.reporters import REPORTERS, reporter_class
from vectra_lint.reporters.base import SeverityLookup, Summary, all_errors
from vectra_lint.reporters.escape import printable
from vectra_lint.reporters.json_format import statistics_json
from vectra_lint.reporters.text import Lines, print_statistics, print_summary, styled

if TYPE_CHECKING:
    from rich.console import Console

    from vectra_lint.pipeline.adoption import Narrowed

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
# As a shell reports a process ended by SIGINT (Ctrl-C) or SIGPIPE (the reader of the output left).
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


# rich is imported where something is printed through it: most runs print nothing to standard
# error, and importing it was a seventh of a warm pre-commit run (answered from the cache).
def _errors() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say_styled(*parts: str) -> None:
    """One line on standard error from parts given as text, style, text, style... (``styled``)."""
    _errors().print(styled(*parts))


def _error(message: str) -> None:
    _say_styled(f"error: {printable(message)}", "bold red")


def _print_timings(clock: Timings) -> None:
    from vectra_lint.reporters.timings import print_timings

    print_timings(_errors(), clock, time.perf_counter() - STARTED)


class _Main(click.Group):
    """The command group; an unexpected exception anywhere is a bug, reported as such with exit 2
    (exit 1 means "findings remain", and a traceback helps no user)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            # The workers are stopped already (the runner kills them); nothing to say but a line
            # break after the terminal's ^C.
            sys.stderr.write("\n")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # `vectra-lint check | head -1`: the reader has what it wanted. What is still buffered
            # goes nowhere, so that the flush at exit does not fail again.
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as error:
            from vectra_lint.pipeline.runner import internal_error

            _error(internal_error(error))
            sys.exit(EXIT_ERROR)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test runner's capture): nothing will flush it at exit


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vectra-lint")
def main() -> None:
    """vectra-lint: the Vectra backend coding standard, checked and fixed."""


@main.command(short_help="Check files against the standard (and fix them).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rules to run, replacing the config's (codes, prefixes like VL4, names).")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selected ones.")
@click.option("--ignore", multiple=True, help="Rules not to run (codes, prefixes, names).")
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as unified diffs; write nothing.")
@click.option(
    "--output-format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="How to report diagnostics.",
)
@click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to a file.")
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of each diagnostic.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="pyproject.toml to use.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: the CPU count).")
@click.option("--force-exclude", is_flag=True, help="Apply excludes also to files named on the command line.")
@click.option("--stdin-filename", help="With `-`: the path to report standard input under (and match config against).")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, without the summary.")
@click.option(
    "--show-settings", is_flag=True, help="Show the resolved settings (root, config, layers, rules) and exit."
)
@click.option("--show-files", is_flag=True, help="List the files that would be checked and exit.")
@click.option("--show-fixes", is_flag=True, help="With --fix, list what was fixed in each file.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa` comments that silence every current finding.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings not in this baseline (see `vectra-lint baseline`); default: the config's `baseline`.",
)
@click.option("--diff-base", metavar="REF", help="Report only findings on lines changed since the git REF.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="VECTRA_LINT_CACHE_DIR",
    help="Where the result cache lives (default: .vectra-lint-cache/ at the project root).",
)
@click.option("--timings", is_flag=True, help="Print where the time went (phases and rules) on standard error.")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    output_format: str,
    output_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    config_file: Path | None,
    jobs: int | None,
    force_exclude: bool,
    stdin_filename: str | None,
    quiet: bool,
    show_settings: bool,
    show_files: bool,
    show_fixes: bool,
    add_noqa: bool,
    baseline_file: Path | None,
    diff_base: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    timings: bool,
) -> None:
    """Check PATHS (default: the current folder) against the standard; `-` reads standard input."""
    clock = Timings() if timings else None
    if clock is not None:
        clock.add(PHASE, "start-up", time.perf_counter() - STARTED)
    started = time.perf_counter()
    cwd = Path.cwd()
    use_stdin = paths == (Path("-"),)
    if Path("-") in paths and not use_stdin:
        _error("`-` (standard input) cannot be combined with other paths")
        sys.exit(EXIT_ERROR)
    if stdin_filename and not use_stdin:
        _error("--stdin-filename needs `-` as the only path")
        sys.exit(EXIT_ERROR)
    if diff_base is not None and use_stdin and not stdin_filename:
        _error("--diff-base with `-` needs --stdin-filename: the file the text is compared with, as it is in the ref")
        sys.exit(EXIT_ERROR)
    targets = list(paths) or [Path(".")]
    for option, values in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
        if values and not _split(values):
            # As Ruff: an empty selector is a mistake, never a silent "the defaults".
            _error(f"{option} got an empty value: name rule codes, prefixes (VL4) or names, comma-separated")
            sys.exit(EXIT_ERROR)
    selection = (_split(select) or None, _split(extend_select), _split(ignore))
    caches = _CachePlace(cache_dir, no_cache)
    projects = _projects(selection, config_file, caches)
    try:
        if show_settings:
            _show_settings(projects, caches, targets[0] if not use_stdin else Path(stdin_filename or "."), cwd)
            sys.exit(EXIT_CLEAN)
    except ConfigError as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)

    if add_noqa and (fix or diff or use_stdin):
        _error("--add-noqa cannot be combined with --fix, --diff or `-`")
        sys.exit(EXIT_ERROR)
    mode = Mode(fix=fix or diff, unsafe_fixes=unsafe_fixes, timings=timings, shows_only=diff and not fix)
    notices: list[str] = []
    errors: list[str] = []
    data: bytes | None = None
    changed: dict[Path, set[int]] | None = None
    jobs = jobs or _default_jobs()
    try:
        if use_stdin:
            data = sys.stdin.buffer.read()
            checked = _check_stdin(data, stdin_filename, projects, caches, cwd, mode, jobs, notices)
            file_count = 1
        else:
            found = discover(targets, projects, cwd, force_exclude)
            groups, named = found.by_project(), targets
            if diff_base is not None:
                groups, named, changed = _changed_groups(found, groups, targets, diff_base, cwd)
                if fix:
                    changed = None  # the fixes written move lines: git is asked again after writing
            if show_files:
                _show_files(found, [task for _, tasks in groups for task in tasks])
            errors.extend(found.errors)
            _before_checking(found, output_file, fix)
            if clock is not None:
                clock.add(PHASE, "config and discovery", time.perf_counter() - started)
            file_count = sum(len(tasks) for _, tasks in groups)
            with Progress(file_count, enabled=not quiet and output_format in HUMAN_FORMATS) as progress:
                checked = session.check_projects(
                    groups, named, projects, cwd, mode, jobs, caches, progress.advance, notices, clock
                )
    except (ConfigError, RuffError, git.GitError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    outcomes = session.merged(checked)
    errors.extend(_say(notices, outcomes))

    if add_noqa:
        _add_noqa(_reported(checked, baseline_file, changed), errors, quiet, clock)
    if diff:
        _diff(outcomes, errors, clock)
    if fix:
        outcomes = _write(outcomes, errors, data)

    sources = _source_lookup(outcomes, _stdin_text(data) if data is not None else None)
    from vectra_lint.pipeline import adoption

    narrowed = adoption.Narrowed(outcomes)
    try:
        # The baseline first: it is matched against every finding of the checked files, those off
        # the changed lines too, or each of their entries would count as no longer matching.
        narrowed = _not_in_baselines(narrowed, checked, baseline_file, sources)
        if diff_base is not None:
            if use_stdin:
                narrowed = adoption.changed_only(
                    narrowed, {}, _stdin_changed(outcomes, data, cwd / (stdin_filename or ""), diff_base)
                )
            else:
                if changed is None:
                    changed = adoption.changed_lines(
                        [outcome.task.path for outcome in outcomes if outcome.task.path is not None], diff_base, cwd
                    )
                narrowed = adoption.changed_only(narrowed, changed)
    except (adoption.BaselineError, git.GitError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    outcomes = narrowed.outcomes
    severity = _severity_lookup(checked)
    summary = _summary(narrowed, file_count, unsafe_fixes, errors, severity)
    # With `--fix -`, standard output carries the fixed source, so the report goes to stderr.
    report_to_stderr = fix and use_stdin and output_file is None
    if show_fixes and fix and not quiet:
        _show_fixes(outcomes, sys.stderr if report_to_stderr else sys.stdout)
    if output_format in ("github", "sarif", "gitlab"):
        outcomes, sources = _from_repository_top(outcomes, sources, cwd)
    reporting = time.perf_counter()
    _report(
        outcomes,
        summary,
        output_format,
        output_file,
        statistics,
        sources,
        report_to_stderr,
        quiet,
        unsafe_fixes,
        severity,
    )
    if clock is not None:
        clock.add(PHASE, "report", time.perf_counter() - reporting)
        _print_timings(clock)
    for message in errors:
        _error(message)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if summary.remaining and not exit_zero else EXIT_CLEAN)


def _stdin_changed(outcomes: Sequence[Outcome], data: bytes | None, path: Path, ref: str) -> set[int]:
    """For ``--diff-base`` with ``-``: the lines of the text read (as fixed, with ``--fix``)
    changed since ``ref`` in the file at ``path`` (``--stdin-filename``)."""
    from vectra_lint.pipeline import adoption

    assert data is not None  # read from standard input
    text = next((outcome.fixed_bytes for outcome in outcomes if outcome.fixed_bytes is not None), data)
    return adoption.changed_lines_of_text(path, text, ref)


def _check_stdin(
    data: bytes,
    stdin_filename: str | None,
    projects: Projects,
    caches: _CachePlace,
    cwd: Path,
    mode: Mode,
    jobs: int,
    notices: list[str],
) -> list[session.Checked]:
    """Standard input checked as the file it names (``--stdin-filename``), against its project."""
    from vectra_lint.pipeline.runner import process_safely
    from vectra_lint.pipeline.settle import finish_project

    display = stdin_filename or "-"
    project = projects.for_path(cwd / stdin_filename if stdin_filename else cwd)
    relative = _relative_to_root(cwd / display, project.root) if stdin_filename else "-"
    task = Task(None, display, relative)
    if stdin_filename:
        members, whole = session.project_files(project, [task], [], projects, cwd)
    else:
        members, whole = [], False
    settings = replace(project.settings, whole_project=whole)
    context = project_run.context(members, settings, jobs, caches(project, settings), cwd / display, notices)
    outcome = process_safely(task, data, settings, mode)
    outcomes = finish_project([outcome], settings, mode, notices, context, jobs, stdin=data)
    return [session.Checked(project, settings, outcomes)]


def _show_files(found: Discovery, checked: list[Task]) -> None:
    """``--show-files``: the files a run would check (of those ``found``), then exit."""
    for message in found.errors:
        _error(message)
    shown = sorted(checked, key=lambda t: t.display)
    click.echo("".join(f"{printable(task.display)}\n" for task in shown), nl=False)
    sys.exit(EXIT_ERROR if found.errors else EXIT_CLEAN)


def _before_checking(found: Discovery, output_file: Path | None, fix: bool) -> None:
    """Refuse a report that would overwrite a source; mend what a killed ``--fix`` left behind."""
    if output_file is not None and _is_checked(output_file, found.tasks):
        _error(f"{output_file}: the report would overwrite a checked source file; choose another --output-file")
        sys.exit(EXIT_ERROR)
    if fix:
        for backup, source in files.restore_interrupted(found.leftovers):
            _warning(f"restored {source} from {backup}: an interrupted --fix run left it half written")
        for leftover in files.remove_leftovers(found.leftovers):
            _say_styled(printable(f"warning: removed {leftover}, left behind by an interrupted --fix run"), "")
    if not found.tasks and not found.errors:
        _warning("No Python files found under the given paths")


def _say(notices: list[str], outcomes: list[Outcome]) -> list[str]:
    """Print the run's notices and each file's warnings; the files' errors, to report at the end."""
    for notice in notices:
        # Each line escaped on its own: a notice may span lines (the layers that match nothing).
        lines = "\n".join(printable(line) for line in notice.split("\n"))
        _say_styled(f"warning: {lines}", "yellow")
    errors = []
    for outcome in outcomes:
        if outcome.error:
            errors.append(
                f"{outcome.task.display}: {outcome.error}"
                if not outcome.error.startswith(outcome.task.display)
                else outcome.error
            )
        if outcome.warning:
            _warning(f"{outcome.task.display}: {outcome.warning}")
        for note in outcome.noqa_warnings:
            _warning(f"{outcome.task.display}:{note}")
    return errors


def _add_noqa(checked: list[session.Checked], errors: list[str], quiet: bool, clock: Timings | None) -> None:
    """``--add-noqa``: each project's files silenced with its settings, then exit."""
    from vectra_lint.pipeline import adoption

    added, problems = 0, []
    for part in checked:
        count, said = adoption.add_noqa_to_files(part.outcomes, part.settings)
        added += count
        problems += said
    for message in errors + problems:
        _error(message)
    if not quiet:
        click.echo(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.")
    if clock is not None:
        _print_timings(clock)
    sys.exit(EXIT_ERROR if errors or problems else EXIT_CLEAN)


def _reported(
    checked: list[session.Checked], baseline_file: Path | None, changed: dict[Path, set[int]] | None
) -> list[session.Checked]:
    """For ``--add-noqa``: each project's outcomes with only the findings the run would report,
    the ones to silence. A baseline's are silenced already, and with ``--diff-base`` the lines
    not changed are left alone."""
    from vectra_lint.pipeline import adoption

    parts = []
    for part in checked:
        lookup = _source_lookup(part.outcomes, None)
        try:
            narrowed = _not_in_baselines(adoption.Narrowed(part.outcomes), [part], baseline_file, lookup)
        except adoption.BaselineError as error:
            _error(str(error))
            sys.exit(EXIT_ERROR)
        if changed is not None:
            narrowed = adoption.changed_only(narrowed, changed)
        parts.append(replace(part, outcomes=narrowed.outcomes))
    return parts


def _diff(outcomes: list[Outcome], errors: list[str], clock: Timings | None) -> None:
    """``--diff``: the fixes as unified diffs, nothing written, then exit."""
    changed = _print_diffs(outcomes)
    if clock is not None:
        _print_timings(clock)
    for message in errors:
        _error(message)
    sys.exit(EXIT_ERROR if errors else EXIT_FOUND if changed else EXIT_CLEAN)


def _write(outcomes: list[Outcome], errors: list[str], data: bytes | None) -> list[Outcome]:
    """``--fix``: write the fixed files (or, for standard input, the fixed source to stdout)."""
    problems, unwritten = _write_fixes(outcomes, data is not None)
    errors.extend(problems)
    # What was not written was not fixed.
    outcomes = [replace(outcome, fixed=0) if outcome.task.display in unwritten else outcome for outcome in outcomes]
    if data is not None:
        # The input's own bytes when nothing was fixed, else the fixed text in the input's
        # encoding (its cookie, its BOM): never re-encoded through the terminal's encoding.
        fixed_bytes = outcomes[0].fixed_bytes
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed_bytes if fixed_bytes is not None else data)
        sys.stdout.buffer.flush()
    return outcomes


def _summary(
    narrowed: Narrowed, file_count: int, unsafe_fixes: bool, errors: list[str], severity: SeverityLookup
) -> Summary:
    """The totals the reporters close with."""
    outcomes = narrowed.outcomes
    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    return Summary(
        baselined=narrowed.baselined,
        stale=narrowed.stale,
        files=file_count,
        remaining=len(diagnostics),
        fixed=sum(outcome.fixed for outcome in outcomes),
        fixable=sum(1 for d in diagnostics if applicable(d, unsafe=unsafe_fixes)),
        unsafe_fixable=0
        if unsafe_fixes
        else sum(1 for d in diagnostics if applicable(d, True) and not applicable(d, False)),
        errors=tuple(errors),
        warnings=sum(1 for d in diagnostics if severity(d) != "error"),
    )


HUMAN_FORMATS = ("text", "concise")


def _severity_lookup(checked: list[session.Checked]) -> SeverityLookup:
    """The level of each diagnostic: its project's ``severity`` table, else its rule's default."""
    by_path = {outcome.task.display: part.settings for part in checked for outcome in part.outcomes}
    fallback = checked[0].settings if checked else None
    # Looked up once per project and code: the summary and the report ask for every finding.
    levels: dict[tuple[int, str], str] = {}

    def severity(diagnostic: Diagnostic) -> str:
        # A finding on a file no project checked (a translation file) takes the first project's.
        settings = by_path.get(diagnostic.path, fallback)
        if settings is None:
            return "error"
        key = (id(settings), diagnostic.code)
        level = levels.get(key)
        if level is None:
            level = levels[key] = settings.severity_of(diagnostic.code)
        return level

    return severity


def _changed_groups(
    found: Discovery, groups: list[tuple[Project, list[Task]]], targets: list[Path], ref: str, cwd: Path
) -> tuple[list[tuple[Project, list[Task]]], list[Path], dict[Path, set[int]]]:
    """For ``--diff-base``: of the files ``found`` (``groups``, by project), those that have a
    line changed since ``ref``, their paths, and the changed lines. Only those files can keep a
    finding, so only they are checked (and, with ``--fix`` or ``--diff``, fixed: whole files, as a
    pre-commit hook fixes the files it is given); named as such, the run reads the other files for
    the cross-module rules. Every file found, and the paths given, when that would miss a finding
    (``changed_files``)."""
    from vectra_lint.pipeline import adoption

    changed = adoption.changed_lines([task.path for task in found.tasks if task.path is not None], ref, cwd)
    kept = adoption.changed_files(groups, changed)
    if kept is None:
        return groups, targets, changed
    return kept, [task.path for _, tasks in kept for task in tasks if task.path is not None], changed


def _not_in_baselines(
    narrowed: Narrowed, checked: list[session.Checked], forced: Path | None, sources: Callable[[str], str | None]
) -> Narrowed:
    """Each project's outcomes without what its baseline (``--baseline``, else its config's) holds."""
    from vectra_lint.pipeline import adoption

    part_of = {id(outcome.task): part for part in checked for outcome in part.outcomes}
    result = adoption.Narrowed([], narrowed.baselined, narrowed.stale)
    for part in checked:
        baseline = forced if forced is not None else part.settings.baseline
        mine = [outcome for outcome in narrowed.outcomes if part_of.get(id(outcome.task)) is part]
        if baseline is None:
            result.outcomes.extend(mine)
            continue
        done = adoption.not_in_baseline(adoption.Narrowed(mine), baseline, sources, part.settings)
        result = adoption.Narrowed(
            result.outcomes + done.outcomes, result.baselined + done.baselined, result.stale + done.stale
        )
    known = {id(outcome.task) for outcome in result.outcomes}
    # Outcomes of no project part (a translation file a project rule reported on) pass through.
    result.outcomes.extend(outcome for outcome in narrowed.outcomes if id(outcome.task) not in known)
    result.outcomes.sort(key=lambda outcome: outcome.task.display)
    return result


@dataclass(frozen=True)
class _CachePlace:
    """Where each project's result cache lives: ``--cache-dir``, else its root; none with ``--no-cache``."""

    directory: Path | None
    off: bool

    def folder(self, root: Path) -> Path | None:
        return None if self.off else self.directory or root / result_cache.CACHE_DIR

    def __call__(self, project: Project, settings: Settings) -> result_cache.ResultCache | None:
        folder = self.folder(project.root)
        return None if folder is None else result_cache.ResultCache(folder, project.digest, settings)


def _projects(
    selection: tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]],
    config_file: Path | None,
    place: _CachePlace,
) -> Projects:
    """The run's project finder: each project's settings resolved once (through the settings cache)."""

    def make(config: Path | None, root: Path) -> tuple[Settings, str]:
        return _settings(config, selection, root, place.folder(root))

    return Projects(make, config_file)


def _default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _settings(
    config_path: Path | None,
    selection: tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]],
    cwd: Path,
    cache_root: Path | None,
) -> tuple[Settings, str]:
    """The resolved settings and their cache digest; from the cache when the config file and the
    command line are those of an earlier run (resolving them imports every rule)."""
    from vectra_lint.config import plugins

    # Installed plugins decide the rules (none installed: an empty string, a listing of folders).
    tool = result_cache.tool_fingerprint() + plugins.installed_fingerprint()
    key = None
    if cache_root is not None:
        try:
            config_bytes = config_path.read_bytes() if config_path is not None else b""
        except OSError:
            config_bytes = b""
        key = result_cache.settings_key(config_path, config_bytes, selection, cwd, tool)
        found = result_cache.load_settings(cache_root, key)
        # Settings resolved with a plugin whose file has changed since are resolved again.
        if found is not None and plugins.current(found[0]):
            plugins.register_cached(found[0])
            return found
    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.registry import RegistryError

    select, extend_select, ignore = selection
    try:
        settings = load(config_path, Overrides(select=select, extend_select=extend_select, ignore=ignore), cwd)
    except RegistryError as error:
        raise ConfigError(str(error)) from None
    digest = result_cache.settings_digest(settings, tool)
    if cache_root is not None and key is not None:
        result_cache.store_settings(cache_root, key, settings, digest)
    return settings, digest


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal; NO_COLOR (https://no-color.org) turns it off, FORCE_COLOR on."""
    # The terminal's conventions, read where the terminal is handled (STYLE.md: cli.py), not settings.
    if os.environ.get("NO_COLOR"):  # noqa: VL505 -- a terminal convention, not app configuration
        return False
    if os.environ.get("FORCE_COLOR"):  # noqa: VL505 -- a terminal convention, not app configuration
        return True
    return stream.isatty()


def _warning(message: str) -> None:
    _say_styled(f"warning: {printable(message)}", "bold yellow")


class Progress:
    """A progress bar on standard error for runs that last more than a second on a terminal.

    Never when piped or in CI: there it would only garble logs.
    """

    DELAY = 1.0

    def __init__(self, total: int, enabled: bool) -> None:
        """Count ``total`` files; show nothing unless ``enabled`` and standard error is a terminal."""
        self.total = total
        self.done = 0
        in_ci = bool(os.environ.get("CI"))  # noqa: VL505 -- CI's convention, read where the terminal is handled
        self.enabled = enabled and sys.stderr.isatty() and not in_ci and total > 1
        self.started = time.monotonic()
        # Any: rich.progress is imported only when a bar is shown (it is slow to import).
        self.bar: Any = None
        self.task: Any = None  # Any: rich's TaskID, from the same lazy import

    def __enter__(self) -> Progress:
        """Start counting (the bar itself appears only after ``DELAY``)."""
        return self

    def advance(self, count: int) -> None:
        """``count`` more files are done."""
        self.done += count
        if not self.enabled:
            return
        if self.bar is None and time.monotonic() - self.started >= self.DELAY and self.done < self.total:
            from rich.progress import Progress as Bar

            self.bar = Bar(console=_errors(), transient=True)
            self.task = self.bar.add_task("Checking", total=self.total)
            self.bar.start()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def __exit__(self, *exc_info: object) -> None:
        """Remove the bar, if one was shown."""
        if self.bar is not None:
            self.bar.stop()


def _show_settings(projects: Projects, caches: _CachePlace, path: Path, cwd: Path) -> None:
    """The project of ``path``: root, config file, layers (with how many files each glob matches),
    the rules and their options, the cache folder and the baseline."""
    from vectra_lint import registry
    from vectra_lint.pipeline.layer_notice import glob_counts

    project = projects.for_path(cwd / path)
    settings = project.settings
    files = discover([project.root], projects, cwd, only=project).tasks
    counts = glob_counts(settings, (task.relative for task in files))
    place = caches.folder(project.root)
    lines = [
        f"Root: {project.root}",
        f"Config file: {project.config if project.config is not None else '(none: defaults)'}",
        f"Python files: {len(files)}",
        "Layers:",
    ]
    for name, globs in counts.items():
        shown = ", ".join(
            f"{glob!r} ({'takes out ' if glob.startswith('!') else ''}{count} {'file' if count == 1 else 'files'})"
            for glob, count in globs
        )
        lines.append(f"  {name} = [{shown}]")
    lines += [
        f"Excluded: {list(settings.exclude)}",
        f"Respect .gitignore: {str(settings.respect_gitignore).lower()}",
        f"Line length: {settings.line_length}",
        f"Selected rules ({len(settings.enabled)}):",
        *(f"  {code} {registry.rules_by_code()[code].name}" for code in sorted(settings.enabled)),
        f"Ruff codes: {', '.join(settings.ruff_selected) or '(none)'}"
        + (f" (ignoring {', '.join(settings.ruff_ignored)})" if settings.ruff_ignored else ""),
    ]
    if settings.rule_options:
        lines.append("Rule options:")
        for code in sorted(settings.rule_options):
            lines.extend(f"  {code}.{name} = {value!r}" for name, value in sorted(settings.rule_options[code].items()))
    if settings.per_file_ignores:
        lines.append("Per-file ignores:")
        lines.extend(f"  {glob} = {sorted(codes)}" for glob, codes in settings.per_file_ignores)
    lines.append(f"Cache folder: {place if place is not None else '(none: --no-cache)'}")
    lines.append(f"Baseline: {settings.baseline if settings.baseline is not None else '(none)'}")
    click.echo("\n".join(printable(line) for line in lines))


def _show_fixes(outcomes: list[Outcome], stream: TextIO) -> None:
    fixed = [outcome for outcome in outcomes if outcome.fixed_codes]
    total = sum(len(outcome.fixed_codes) for outcome in fixed)
    if not fixed:
        stream.write("No errors fixed.\n")
        return
    stream.write(f"Fixed {total} {'error' if total == 1 else 'errors'}:\n")
    from vectra_lint import registry

    names = {rule.code: rule.name for rule in registry.known_rules()}
    for outcome in fixed:
        stream.write(f"- {printable(outcome.task.display)}:\n")
        counts = Counter(outcome.fixed_codes)
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            name = names.get(code)
            stream.write(f"    {count} × {code}" + (f" ({name})" if name else "") + "\n")


def _from_repository_top(
    outcomes: list[Outcome], sources: Callable[[str], str | None], cwd: Path
) -> tuple[list[Outcome], Callable[[str], str | None]]:
    """Outcomes with paths relative to the git top folder, where CI annotations resolve them."""
    top = git.toplevel(cwd)
    if top is None:
        return outcomes, sources
    original: dict[str, str] = {}
    moved: list[Outcome] = []
    for outcome in outcomes:
        display = outcome.task.display
        if outcome.task.path is None:
            moved.append(outcome)
            continue
        try:
            path = os.path.relpath((cwd / display).resolve(), top)
        except ValueError:
            moved.append(outcome)
            continue
        path = Path(path).as_posix()
        # Run from the top (as CI does), the path does not change: its 31k findings are not copied.
        if path.startswith("../") or path == display:
            moved.append(outcome)
            continue
        original[path] = display
        diagnostics = tuple(replace(d, path=path) for d in outcome.diagnostics)
        moved.append(replace(outcome, task=replace(outcome.task, display=path), diagnostics=diagnostics))
    return moved, lambda path: sources(original.get(path, path))


def _stdin_text(data: bytes) -> str:
    try:
        return decode(data).text
    except DecodeError:
        return data.decode("utf-8", errors="replace")


def _relative_to_root(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _print_diffs(outcomes: list[Outcome]) -> bool:
    changed = False
    out = sys.stdout
    for outcome in outcomes:
        if outcome.original is None or outcome.fixed_text is None:
            continue
        changed = True
        name = outcome.task.display
        # Lines split where Python splits them (not at form feeds); what is in them shown escaped,
        # their line ends kept.
        out.writelines(
            _printable_line(line)
            for line in difflib.unified_diff(
                split_lines(outcome.original),
                split_lines(outcome.fixed_text),
                fromfile=printable(f"a/{name}"),
                tofile=printable(f"b/{name}"),
            )
        )
    return changed


def _printable_line(line: str) -> str:
    body = line.rstrip("\r\n")
    return printable(body) + line[len(body) :]


def _is_checked(output_file: Path, tasks: list[Task]) -> bool:
    try:
        target = output_file.stat()
    except OSError:
        return False  # it does not exist (yet): it is no source
    return any(task.path is not None and _same_file(task.path, target) for task in tasks)


def _same_file(path: Path, target: os.stat_result) -> bool:
    try:
        return os.path.samestat(path.stat(), target)
    except OSError:
        return False


def _write_fixes(outcomes: list[Outcome], use_stdin: bool) -> tuple[list[str], set[str]]:
    problems: list[str] = []
    unwritten: set[str] = set()
    for outcome in outcomes:
        if outcome.fixed_bytes is None or outcome.task.path is None or use_stdin:
            continue
        assert outcome.read_digest is not None
        try:
            files.write_fixed(outcome.task.path, outcome.fixed_bytes, outcome.read_digest)
        except files.NotWritten as refusal:
            problems.append(f"{outcome.task.display}: {refusal}")
            unwritten.add(outcome.task.display)
        except OSError as error:
            problems.append(f"{outcome.task.display}: cannot write the fixed file: {error.strerror or error}")
            unwritten.add(outcome.task.display)
    return problems, unwritten


def _source_lookup(outcomes: list[Outcome], stdin_text: str | None) -> Callable[[str], str | None]:
    by_display = {outcome.task.display: outcome for outcome in outcomes}
    cache: dict[str, str | None] = {}

    def lookup(path: str) -> str | None:
        if path not in cache:
            outcome = by_display.get(path)
            if outcome is not None and outcome.fixed_text is not None:
                cache[path] = outcome.fixed_text
            elif outcome is not None and outcome.task.path is None:
                cache[path] = stdin_text
            elif outcome is not None and outcome.task.path is not None:
                try:
                    data = outcome.task.path.read_bytes()
                    cache[path] = data.decode("utf-8-sig", errors="replace")
                except OSError:
                    cache[path] = None
            else:
                cache[path] = None
        return cache[path]

    return lookup


def _report(
    outcomes: list[Outcome],
    summary: Summary,
    output_format: str,
    output_file: Path | None,
    statistics: bool,
    sources: Callable[[str], str | None],
    to_stderr: bool,
    quiet: bool = False,
    unsafe_fixes: bool = False,
    severity: SeverityLookup = all_errors,
) -> None:
    handle: TextIO
    written: Path | None = None
    if output_file is not None:
        written = _report_draft(output_file)
        try:
            # As Ruff does: a report into a folder that does not exist yet (reports/x.sarif) creates it.
            output_file.parent.mkdir(parents=True, exist_ok=True)
            handle = written.open("x" if written != output_file else "w", encoding="utf-8", newline="\n")
        except OSError as error:
            _error(f"{output_file}: cannot write the report: {error.strerror or error}")
            sys.exit(EXIT_ERROR)
    else:
        handle = sys.stderr if to_stderr else sys.stdout
    color = output_file is None and use_color(handle)
    try:
        if statistics:
            found = [d for outcome in outcomes for d in outcome.diagnostics]
            if output_format == "json":
                handle.write(statistics_json(found, unsafe_fixes))
            else:
                emit = Lines(handle, color)
                print_statistics(emit, found)
                if not quiet:
                    # Ruff's closing lines: the total, and what --fix (--unsafe-fixes) would fix.
                    print_summary(emit, summary)
        else:
            reporter = reporter_class(output_format)(handle, sources, color=color, severity=severity)
            reporter.start()
            for outcome in outcomes:
                reporter.file(outcome.task.display, outcome.diagnostics)
            if not (quiet and output_format in HUMAN_FORMATS):
                reporter.finish(summary)
    except BaseException:
        if output_file is not None:
            handle.close()
            if written is not None and written != output_file:
                written.unlink(missing_ok=True)  # a half-written report is never left behind
        raise
    if output_file is None:
        handle.flush()
        return
    handle.close()
    if written is not None and written != output_file:
        _publish(written, output_file)


def _report_draft(output_file: Path) -> Path:
    """Where the report is written first: beside ``output_file``, renamed over it once complete
    (Ctrl-C or a full disk leave the old report, never half a new one); a target that is not a
    regular file (``/dev/stdout``, a FIFO) is written directly."""
    try:
        if not output_file.is_file() and output_file.exists():
            return output_file
    except OSError:
        return output_file
    return output_file.with_name(f".{output_file.name}.{os.getpid()}.tmp")


def _publish(written: Path, output_file: Path) -> None:
    try:
        try:
            os.chmod(written, output_file.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass  # a new report: the umask's permissions
        os.replace(written, output_file)
    except OSError as error:
        written.unlink(missing_ok=True)
        _error(f"{output_file}: cannot write the report: {error.strerror or error}")
        sys.exit(EXIT_ERROR)


@main.command(name="commit-msg", short_help="Check a commit message (the commit-msg hook).")
@click.argument("message_file", type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="pyproject.toml to use.")
def commit_msg(message_file: Path, config_file: Path | None) -> None:
    """Check the commit message in MESSAGE_FILE (git's commit-msg hook argument) against VL801."""
    from vectra_lint.registry import RegistryError
    from vectra_lint.rules.git.non_conventional_commit import (
        EXAMPLE,
        EXPECTED_FORM,
        TYPES_OPTION,
        NonConventionalCommit,
        check_message,
    )

    cwd = Path.cwd()
    try:
        # The project of the folder git runs the hook in (the repository top), found as `check` finds it.
        settings = _projects((None, (), ()), config_file, _CachePlace(None, True)).for_path(cwd).settings
    except (ConfigError, RegistryError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    try:
        text = message_file.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        _error(f"{message_file}: cannot read the commit message: {error.strerror or error}")
        sys.exit(EXIT_ERROR)
    rule = NonConventionalCommit
    if rule.code not in settings.enabled:
        sys.exit(EXIT_CLEAN)
    types = settings.option(rule.code, TYPES_OPTION)
    problem = check_message(text, types)
    if problem is None:
        sys.exit(EXIT_CLEAN)
    click.echo(printable(f"{message_file}:{problem.line}:1: {rule.code} {problem.message}"))
    click.echo(f"  expected: {EXPECTED_FORM}, e.g. `{EXAMPLE}` (scope and `!` optional)")
    click.echo(f"  types: {', '.join(types)}")
    sys.exit(EXIT_FOUND)


def _load_plugins(config_file: Path | None) -> None:
    """Resolve the settings of the current folder's project, so that its plugin rules (and the
    installed ones) are known to ``rules``, ``rule``, ``docs`` and ``test-rules``; exit 2 when a
    plugin or the configuration is broken."""
    from vectra_lint.registry import RegistryError

    try:
        _projects((None, (), ()), config_file, _CachePlace(None, True)).for_path(Path.cwd())
    except (ConfigError, RegistryError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)


_CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml whose plugins to include (default: the current folder's project).",
)


@main.command(short_help="Show a rule's documentation.")
@click.argument("code_or_name")
@_CONFIG_OPTION
def rule(code_or_name: str, config_file: Path | None) -> None:
    """Show a rule's documentation: by code (VL401) or name (print-call).

    Ruff's codes that vectra-lint runs (E501, W291, F401, ...) show Ruff's own documentation; the
    plugin rules of the current folder's project are documented too.
    """
    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    _load_plugins(config_file)
    found = registry.find_rule(code_or_name)
    if found is not None:
        text = rule_docs.render(found)
    elif registry.RUFF_SELECTOR.match(code_or_name.upper()):
        from vectra_lint.pipeline.ruff import explain

        code = code_or_name.upper()
        explained = explain(code)
        if explained is None:
            _error(f"unknown rule {code_or_name!r}: Ruff has no rule {code} (see `vectra-lint rules`)")
            sys.exit(EXIT_ERROR)
        text = rule_docs.render_ruff_rule(code, explained)
    else:
        _error(f"unknown rule {code_or_name!r} (see `vectra-lint rules`)")
        sys.exit(EXIT_ERROR)
    from rich.console import Console

    console = Console(highlight=False)
    if console.is_terminal:
        from rich.markdown import Markdown

        console.print(Markdown(text))
    else:
        click.echo(text, nl=False)


@main.command(name="rules", short_help="List every rule.")
@_CONFIG_OPTION
def list_rules(config_file: Path | None) -> None:
    """List every rule (the current folder's project's plugin rules too): code, name, fix, and
    whether it runs by default."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    _load_plugins(config_file)
    table = Table(show_edge=False, header_style="bold")
    for column in ("Code", "Name", "Fix", "Default", "Summary"):
        table.add_column(column, overflow="fold")
    for item in registry.known_rules():
        # Text, not markup: summaries mention `[tool.vectra-lint.layers]`, which rich would eat.
        cells = (
            item.code,
            item.name,
            rule_docs.fix_line(item),
            "on" if item.default_enabled else "off",
            item.summary(),
        )
        table.add_row(*(Text(cell) for cell in cells))
    Console(highlight=False, width=200 if not sys.stdout.isatty() else None).print(table)


@main.command(name="docs", short_help="Write every rule's reference as Markdown.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_CONFIG_OPTION
def write_docs(output: Path | None, config_file: Path | None) -> None:
    """Write the reference of every rule as Markdown (the source of docs/rules.md), the current
    folder's project's plugin rules included."""
    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    _load_plugins(config_file)
    text = rule_docs.render_all(registry.known_rules())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command(name="test-rules", short_help="Run the plugin rules' valid and invalid examples.")
@click.argument("plugin", required=False)
@_CONFIG_OPTION
def test_rules(plugin: str | None, config_file: Path | None) -> None:
    """Run the examples of the current folder's project's plugin rules (and the installed ones) as
    tests: a valid example must report nothing, an invalid one exactly what it expects, fixed into
    exactly its `fixed` code. PLUGIN narrows the run to a plugin module (`lint_rules`), a rule code
    or a name. Exit 1 when an example fails."""
    from vectra_lint import registry
    from vectra_lint.pipeline.rule_examples import problems
    from vectra_lint.rule import Invalid, Valid

    _load_plugins(config_file)
    plugin_rules = [item for item in registry.known_rules() if not item.__module__.startswith("vectra_lint.")]
    if plugin is not None:
        plugin_rules = [
            item
            for item in plugin_rules
            if item.__module__ == plugin
            or item.__module__.startswith(f"{plugin}.")
            or plugin.upper() == item.code
            or plugin == item.name
        ]
    if not plugin_rules:
        wanted = f" matching {plugin!r}" if plugin is not None else ""
        _error(f"no plugin rule{wanted} (list plugin modules in [tool.vectra-lint] plugins = [...])")
        sys.exit(EXIT_ERROR)
    catalogue = registry.known_rules()
    failed = total = 0
    for item in plugin_rules:
        groups: tuple[tuple[str, Sequence[Valid | Invalid]], ...] = (("valid", item.valid), ("invalid", item.invalid))
        for kind, examples in groups:
            for index, example in enumerate(examples, start=1):
                total += 1
                label = f"{item.code} {item.name}: {kind} example {index}"
                wrong = problems(item, example, catalogue)
                failed += bool(wrong)
                click.echo(printable(f"{'FAIL' if wrong else 'ok  '} {label}"))
                for problem in wrong:
                    click.echo(printable(f"  {problem}"))
    rules_count = f"{len(plugin_rules)} {'rule' if len(plugin_rules) == 1 else 'rules'}"
    click.echo(f"{total - failed} passed, {failed} failed ({rules_count}, {total} examples)")
    sys.exit(EXIT_FOUND if failed else EXIT_CLEAN)


@main.command(name="baseline", short_help="Record the current findings as a baseline.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The baseline file to write (default: the config's `baseline`, else vectra-lint-baseline.json).",
)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="pyproject.toml to use.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: the CPU count).")
def write_baseline(paths: tuple[Path, ...], output: Path | None, config_file: Path | None, jobs: int | None) -> None:
    """Write every current finding under PATHS (default: the current folder) to a baseline file.

    `check --baseline FILE` (or `baseline = "FILE"` in the config) then reports only new findings.
    """
    from vectra_lint.pipeline import adoption

    cwd = Path.cwd()
    targets = list(paths) or [Path(".")]
    caches = _CachePlace(None, False)
    projects = _projects((None, (), ()), config_file, caches)
    try:
        found = discover(targets, projects, cwd)
        groups = found.by_project()
        if output is not None and len(groups) > 1:
            roots = ", ".join(display_path(project.root, cwd) for project, _ in groups)
            _error(f"--output names one baseline, but the paths span {len(groups)} projects ({roots}): one at a time")
            sys.exit(EXIT_ERROR)
        checked = session.check_projects(groups, targets, projects, cwd, Mode(), jobs or _default_jobs(), caches)
    except (ConfigError, RuffError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    outcomes = session.merged(checked)
    errors = found.errors + [outcome.error for outcome in outcomes if outcome.error]
    for message in errors:
        _error(message)
    if errors:
        sys.exit(EXIT_ERROR)
    for part in checked:
        settings = part.settings
        target = output or settings.baseline or settings.root / "vectra-lint-baseline.json"
        try:
            # A path from the (maybe committed) config must stay in the project; one typed is the user's.
            root = None if output is not None else settings.root
            count = adoption.write_baseline(target, part.outcomes, _source_lookup(part.outcomes, None), root)
        except adoption.BaselineError as error:
            _error(str(error))
            sys.exit(EXIT_ERROR)
        shown = display_path(target.resolve(), cwd)
        click.echo(f"Wrote {count} {'finding' if count == 1 else 'findings'} to {shown}.")


@main.command(short_help="Remove the project's result cache.")
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
def clean(folder: Path) -> None:
    """Remove the result cache (.vectra-lint-cache/) of the project FOLDER is in."""
    try:
        from vectra_lint.config.projects import project_root

        directory = project_root(folder) / result_cache.CACHE_DIR
        removed = result_cache.remove_cache(directory)
    except (ConfigError, result_cache.CacheError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    except OSError as error:
        _error(f"cannot remove {directory}: {error.strerror or error}")
        sys.exit(EXIT_ERROR)
    click.echo(f"Removed {printable(str(directory))}." if removed else "No cache to remove.")


@main.command(short_help="Run the language server (LSP over stdio).")
def server() -> None:
    """Run the Language Server: editors start it and talk LSP over standard input and output.

    Diagnostics on open, change and save; each fix as a quick fix; `source.fixAll.vectra-lint`
    applies every safe fix. Settings come from the file's pyproject.toml, as for `check`.
    """
    from vectra_lint.lsp.server import serve

    serve()


@main.command(short_help="Write a [tool.vectra-lint] table with the layers found.")
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--project",
    "sub_project",
    metavar="SUBFOLDER",
    help="At a monorepo's top: write the table in this sub-project's own pyproject.toml (e.g. backend).",
)
def init(folder: Path, sub_project: str | None) -> None:
    """Add a [tool.vectra-lint] table to FOLDER's pyproject.toml (created if missing), with the
    layers (routes, services, models, ...) detected from the folder names in the tree.

    At the top of a monorepo (the backend has its own pyproject.toml), the table belongs in the
    backend's file, with every path relative to it: `init` says so, and `--project backend` writes it.
    Once every sub-project has its table, `init` at the top writes the top's own (its scripts are
    in no layer), which the layer notice asks for.
    """
    from vectra_lint.config import init as init_config

    if sub_project is not None:
        folder = folder / sub_project
        if not folder.is_dir():
            _error(f"{folder}: no such folder (--project names a sub-project of FOLDER)")
            sys.exit(EXIT_ERROR)
    layers = init_config.detect_layers(folder.resolve())
    if sub_project is None and not layers:
        subs = init_config.sub_projects(folder.resolve())
        if subs:
            lines = [f"{folder} holds no layer of its own; these sub-projects do (monorepo):"]
            for sub in subs:
                lines.append(f"  {sub}: vectra-lint init {display_path((folder / sub).resolve(), Path.cwd())}")
            lines.append(f"or from here: vectra-lint init {folder} --project {subs[0]}")
            lines.append("Each writes the table into that sub-project's own pyproject.toml, paths relative to it.")
            click.echo("\n".join(printable(line) for line in lines))
            sys.exit(EXIT_CLEAN)
    target = folder / "pyproject.toml"
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if re.search(r"^\s*\[tool\.vectra-lint[\].]", existing, re.MULTILINE):
        _error(f"{target} already has a [tool.vectra-lint] table")
        sys.exit(EXIT_ERROR)
    table = init_config.render(layers)
    separator = "" if not existing else "\n" if existing.endswith("\n") else "\n\n"
    target.write_text(existing + separator + table, encoding="utf-8")
    click.echo(f"Wrote the [tool.vectra-lint] table to {target}:\n\n{table}", nl=False)


if __name__ == "__main__":
    main()
