"""The command line: the only module that knows argv, the terminal and exit codes."""

from __future__ import annotations

import difflib
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.text import Text

# Only what a run answered from the cache needs is imported here; the engine (libcst and every
# rule) is imported where it is used, so that such a run never loads it.
from vectra_lint import STARTED, __version__
from vectra_lint.config.files import ConfigError, find_config, find_root
from vectra_lint.config.settings import Settings
from vectra_lint.engine.source import DecodeError, decode
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.fixing import files
from vectra_lint.fixing.apply import applicable
from vectra_lint.pipeline import cache as result_cache
from vectra_lint.pipeline import git, project_run
from vectra_lint.pipeline.discovery import discover, display_path
from vectra_lint.pipeline.results import Mode, Outcome, Task
from vectra_lint.pipeline.ruff import RuffError
from vectra_lint.reporters import REPORTERS, reporter_class
from vectra_lint.reporters.base import Summary
from vectra_lint.reporters.escape import printable
from vectra_lint.reporters.json_format import statistics_json
from vectra_lint.reporters.text import Lines, print_statistics
from vectra_lint.reporters.timings import print_timings

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _errors() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _error(message: str) -> None:
    console = _errors()
    line = Text("error", style="bold red")
    line.append(f": {printable(message)}")
    console.print(line)


class _Main(click.Group):
    """The command group; an unexpected exception anywhere is a bug, reported as such with exit 2
    (exit 1 means "findings remain", and a traceback helps no user)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            from vectra_lint.pipeline.runner import internal_error

            _error(internal_error(error))
            sys.exit(EXIT_ERROR)


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
    targets = list(paths) or [Path(".")]
    try:
        if config_file is not None:
            config_path: Path | None = config_file
        else:
            config_path = find_config(
                (cwd / stdin_filename if stdin_filename else cwd) if use_stdin else cwd / targets[0]
            )
        selection = (_split(select) or None, _split(extend_select), _split(ignore))
        start = (cwd / stdin_filename if stdin_filename else cwd) if use_stdin else cwd / targets[0]
        default_root = find_root(start)
        cache_root = None if no_cache else cache_dir or _root_of(config_path, default_root) / result_cache.CACHE_DIR
        settings, digest = _settings(config_path, selection, default_root, cache_root)
    except ConfigError as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    if show_settings:
        _show_settings(settings, config_path)
        sys.exit(EXIT_CLEAN)

    if add_noqa and (fix or diff or use_stdin):
        _error("--add-noqa cannot be combined with --fix, --diff or `-`")
        sys.exit(EXIT_ERROR)
    mode = Mode(fix=fix or diff, unsafe_fixes=unsafe_fixes, timings=timings)
    errors: list[str] = []
    stdin_text: str | None = None
    notices: list[str] = []
    try:
        results = result_cache.ResultCache(cache_root, digest, settings) if cache_root is not None else None
        if results is not None and results.refused is not None:
            notices.append(results.refused)
        jobs = jobs or _default_jobs()
        if use_stdin:
            from vectra_lint.pipeline.runner import finish_project, process_safely

            data = sys.stdin.buffer.read()
            display = stdin_filename or "-"
            relative = _relative_to_root(cwd / display, settings) if stdin_filename else "-"
            task = Task(None, display, relative)
            project, whole = _project_tasks([task], settings, config_path, cwd, []) if stdin_filename else ([], False)
            settings = replace(settings, whole_project=whole)
            context = project_run.context(project, settings, jobs, results, exclude=cwd / display)
            outcomes = finish_project([process_safely(task, data, settings, mode)], settings, None, notices, context)
            stdin_text = _stdin_text(data)
            file_count = 1
        else:
            found = discover(targets, settings, cwd, force_exclude)
            if show_files:
                for message in found.errors:
                    _error(message)
                click.echo(
                    "".join(f"{task.display}\n" for task in sorted(found.tasks, key=lambda t: t.display)), nl=False
                )
                sys.exit(EXIT_ERROR if found.errors else EXIT_CLEAN)
            errors.extend(found.errors)
            if output_file is not None and _is_checked(output_file, found.tasks):
                _error(f"{output_file}: the report would overwrite a checked source file; choose another --output-file")
                sys.exit(EXIT_ERROR)
            if fix:
                for backup, source in files.restore_interrupted(found.leftovers):
                    _warning(f"restored {source} from {backup}: an interrupted --fix run left it half written")
                for leftover in files.remove_leftovers(found.leftovers):
                    _errors().print(
                        Text(printable(f"warning: removed {leftover}, left behind by an interrupted --fix run"))
                    )
            if not found.tasks and not found.errors:
                _warning("No Python files found under the given paths")
            project, whole = _project_tasks(found.tasks, settings, config_path, cwd, targets)
            settings = replace(settings, whole_project=whole)
            workers = time.perf_counter()
            if clock is not None:
                # Where the time goes in a real run: the engine on every named file, no cache.
                from vectra_lint.pipeline.runner import run

                clock.add(PHASE, "config and discovery", workers - started)
                outcomes = run(found.tasks, settings, mode, jobs, notices, clock)
                clock.add(PHASE, "workers (wall)", time.perf_counter() - workers - clock.of(PHASE)["project phase"])
            else:
                with Progress(len(found.tasks), enabled=not quiet and output_format in HUMAN_FORMATS) as progress:
                    outcomes = project_run.check(
                        found.tasks, project, settings, mode, jobs, results, progress.advance, notices
                    )
            file_count = len(found.tasks)
    except RuffError as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)

    for notice in notices:
        _errors().print(Text(f"warning: {notice}", style="yellow"))
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

    from vectra_lint.pipeline import adoption

    if add_noqa:
        added, problems = adoption.add_noqa_to_files(outcomes, settings)
        for message in errors + problems:
            _error(message)
        if not quiet:
            click.echo(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.")
        sys.exit(EXIT_ERROR if errors or problems else EXIT_CLEAN)

    if diff:
        changed = _print_diffs(outcomes)
        for message in errors:
            _error(message)
        sys.exit(EXIT_ERROR if errors else EXIT_FOUND if changed else EXIT_CLEAN)

    if fix:
        problems, unwritten = _write_fixes(outcomes, use_stdin)
        errors.extend(problems)
        # What was not written was not fixed.
        outcomes = [replace(outcome, fixed=0) if outcome.task.display in unwritten else outcome for outcome in outcomes]
        if use_stdin:
            # The input's own bytes when nothing was fixed, else the fixed text in the input's
            # encoding (its cookie, its BOM): never re-encoded through the terminal's encoding.
            fixed_bytes = outcomes[0].fixed_bytes
            sys.stdout.flush()
            sys.stdout.buffer.write(fixed_bytes if fixed_bytes is not None else data)
            sys.stdout.buffer.flush()

    sources = _source_lookup(outcomes, stdin_text)
    narrowed = adoption.Narrowed(outcomes)
    try:
        if diff_base is not None:
            narrowed = adoption.changed_only(narrowed, diff_base, cwd)
        baseline = baseline_file if baseline_file is not None else settings.baseline
        if baseline is not None:
            narrowed = adoption.not_in_baseline(narrowed, baseline, sources, settings)
    except (adoption.BaselineError, git.GitError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    outcomes = narrowed.outcomes
    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    summary = Summary(
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
    )
    # With `--fix -`, standard output carries the fixed source, so the report goes to stderr.
    report_to_stderr = fix and use_stdin and output_file is None
    if show_fixes and fix and not quiet:
        _show_fixes(outcomes, sys.stderr if report_to_stderr else sys.stdout)
    if output_format in ("github", "sarif"):
        outcomes, sources = _from_repository_top(outcomes, sources, cwd)
    reporting = time.perf_counter()
    _report(outcomes, summary, output_format, output_file, statistics, sources, report_to_stderr, quiet)
    if clock is not None:
        clock.add(PHASE, "report", time.perf_counter() - reporting)
        print_timings(_errors(), clock, time.perf_counter() - STARTED)
    for message in errors:
        _error(message)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if diagnostics and not exit_zero else EXIT_CLEAN)


HUMAN_FORMATS = ("text", "concise")


def _root_of(config_path: Path | None, cwd: Path) -> Path:
    return config_path.parent.resolve() if config_path is not None else cwd


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
    tool = result_cache.tool_fingerprint()
    key = None
    if cache_root is not None:
        try:
            config_bytes = config_path.read_bytes() if config_path is not None else b""
        except OSError:
            config_bytes = b""
        key = result_cache.settings_key(config_path, config_bytes, selection, cwd, tool)
        found = result_cache.load_settings(cache_root, key)
        if found is not None:
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


def _project_tasks(
    tasks: list[Task], settings: Settings, config_path: Path | None, cwd: Path, targets: list[Path]
) -> tuple[list[Task], bool]:
    """Every file of the project, when there is one (a config file) and the run is inside it: the
    project phase settles cross-file rules against all of them, whichever files were named. And
    whether the project phase sees the whole project (rules that judge an absence need that)."""
    if any(_holds_root(cwd / target, settings) for target in targets):
        return tasks, True
    if config_path is None or not tasks:
        return tasks, False
    if any(task.relative.startswith("/") or task.relative.startswith("../") for task in tasks):
        return tasks, False
    return discover([settings.root], settings, cwd).tasks, True


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal; NO_COLOR (https://no-color.org) turns it off, FORCE_COLOR on."""
    # The terminal's conventions, read where the terminal is handled (STYLE.md: cli.py), not settings.
    if os.environ.get("NO_COLOR"):  # noqa: VL505 -- a terminal convention, not app configuration
        return False
    if os.environ.get("FORCE_COLOR"):  # noqa: VL505 -- a terminal convention, not app configuration
        return True
    return stream.isatty()


def _warning(message: str) -> None:
    console = _errors()
    line = Text("warning", style="bold yellow")
    line.append(f": {printable(message)}")
    console.print(line)


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


def _show_settings(settings: Settings, config_path: Path | None) -> None:
    from vectra_lint import registry

    lines = [
        f"Root: {settings.root}",
        f"Config file: {config_path.resolve() if config_path is not None else '(none: defaults)'}",
        "Layers:",
        *(f"  {name} = {list(globs)}" for name, globs in settings.layers.items()),
        f"Excluded: {list(settings.exclude)}",
        f"Respect .gitignore: {str(settings.respect_gitignore).lower()}",
        f"Line length: {settings.line_length}",
        f"Selected rules ({len(settings.enabled)}):",
        *(f"  {code} {registry.rules_by_code()[code].name}" for code in sorted(settings.enabled)),
        f"Ruff codes: {', '.join(settings.ruff_selected) or '(none)'}"
        + (f" (ignoring {', '.join(settings.ruff_ignored)})" if settings.ruff_ignored else ""),
    ]
    if settings.per_file_ignores:
        lines.append("Per-file ignores:")
        lines.extend(f"  {glob} = {sorted(codes)}" for glob, codes in settings.per_file_ignores)
    click.echo("\n".join(lines))


def _show_fixes(outcomes: list[Outcome], stream: TextIO) -> None:
    fixed = [outcome for outcome in outcomes if outcome.fixed_codes]
    total = sum(len(outcome.fixed_codes) for outcome in fixed)
    if not fixed:
        stream.write("No errors fixed.\n")
        return
    stream.write(f"Fixed {total} {'error' if total == 1 else 'errors'}:\n")
    from vectra_lint import registry

    names = {rule.code: rule.name for rule in registry.all_rules()}
    for outcome in fixed:
        stream.write(f"- {outcome.task.display}:\n")
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
        if path.startswith("../"):
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


def _holds_root(target: Path, settings: Settings) -> bool:
    """Whether a checked path is the project root or a folder above it."""
    try:
        return settings.root.resolve().is_relative_to(target.resolve())
    except (OSError, RuntimeError):
        return False  # a symbolic link loop: discovery reports it


def _relative_to_root(path: Path, settings: Settings) -> str:
    try:
        return path.resolve().relative_to(settings.root).as_posix()
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
        out.writelines(
            difflib.unified_diff(
                outcome.original.splitlines(keepends=True),
                outcome.fixed_text.splitlines(keepends=True),
                fromfile=printable(f"a/{name}"),
                tofile=printable(f"b/{name}"),
            )
        )
    return changed


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
) -> None:
    handle: TextIO
    if output_file is not None:
        try:
            handle = output_file.open("w", encoding="utf-8", newline="\n")
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
                handle.write(statistics_json(found))
            else:
                print_statistics(Lines(handle, color), found)
            return
        reporter = reporter_class(output_format)(handle, sources, color=color)
        reporter.start()
        for outcome in outcomes:
            reporter.file(outcome.task.display, outcome.diagnostics)
        if not (quiet and output_format in HUMAN_FORMATS):
            reporter.finish(summary)
    finally:
        if output_file is not None:
            handle.close()
        else:
            handle.flush()


@main.command(name="commit-msg", short_help="Check a commit message (the commit-msg hook).")
@click.argument("message_file", type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="pyproject.toml to use.")
def commit_msg(message_file: Path, config_file: Path | None) -> None:
    """Check the commit message in MESSAGE_FILE (git's commit-msg hook argument) against VL801."""
    from vectra_lint.config.loader import Overrides, load
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
        settings = load(config_file if config_file is not None else find_config(cwd), Overrides(), cwd)
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
    message = rule.message.format(header=problem.header, reason=problem.reason)
    click.echo(f"{message_file}:{problem.line}:1: {rule.code} {message}")
    click.echo(f"  expected: {EXPECTED_FORM}, e.g. `{EXAMPLE}` (scope and `!` optional)")
    click.echo(f"  types: {', '.join(types)}")
    sys.exit(EXIT_FOUND)


@main.command(short_help="Show a rule's documentation.")
@click.argument("code_or_name")
def rule(code_or_name: str) -> None:
    """Show a rule's documentation: by code (VL401) or name (print-call).

    Ruff's E and W codes that vectra-lint runs (E501, W291, ...) show Ruff's own documentation.
    """
    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    found = registry.find_rule(code_or_name)
    if found is not None:
        text = rule_docs.render(found)
    elif registry.RUFF_SELECTOR.match(code_or_name.upper()):
        text = rule_docs.render_ruff(code_or_name.upper())
    else:
        _error(f"unknown rule {code_or_name!r} (see `vectra-lint rules`)")
        sys.exit(EXIT_ERROR)
    console = Console(highlight=False)
    if console.is_terminal:
        from rich.markdown import Markdown

        console.print(Markdown(text))
    else:
        click.echo(text, nl=False)


@main.command(name="rules", short_help="List every rule.")
def list_rules() -> None:
    """List every rule: code, name, fix, and whether it runs by default."""
    from rich.table import Table

    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    table = Table(show_edge=False, header_style="bold")
    for column in ("Code", "Name", "Fix", "Default", "Summary"):
        table.add_column(column, overflow="fold")
    for item in registry.all_rules():
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
def write_docs(output: Path | None) -> None:
    """Write the reference of every rule as Markdown (the source of docs/rules.md)."""
    from vectra_lint import registry
    from vectra_lint.reporters import rule_docs

    text = rule_docs.render_all(registry.all_rules())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


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
    try:
        config_path = config_file if config_file is not None else find_config(cwd / targets[0])
        default_root = find_root(cwd / targets[0])
        cache_root = _root_of(config_path, default_root) / result_cache.CACHE_DIR
        settings, digest = _settings(config_path, (None, (), ()), default_root, cache_root)
        found = discover(targets, settings, cwd)
        project, whole = _project_tasks(found.tasks, settings, config_path, cwd, targets)
        settings = replace(settings, whole_project=whole)
        results = result_cache.ResultCache(cache_root, digest, settings)
        outcomes = project_run.check(found.tasks, project, settings, Mode(), jobs or _default_jobs(), results)
    except (ConfigError, RuffError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    errors = found.errors + [outcome.error for outcome in outcomes if outcome.error]
    for message in errors:
        _error(message)
    if errors:
        sys.exit(EXIT_ERROR)
    target = output or settings.baseline or settings.root / "vectra-lint-baseline.json"
    try:
        # A path from the (maybe committed) config must stay in the project; one typed is the user's.
        root = None if output is not None else settings.root
        count = adoption.write_baseline(target, outcomes, _source_lookup(outcomes, None), root)
    except adoption.BaselineError as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)
    click.echo(f"Wrote {count} {'finding' if count == 1 else 'findings'} to {display_path(target.resolve(), cwd)}.")


@main.command(short_help="Remove the project's result cache.")
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
def clean(folder: Path) -> None:
    """Remove the result cache (.vectra-lint-cache/) of the project FOLDER is in."""
    try:
        directory = _root_of(find_config(folder.resolve()), find_root(folder.resolve())) / result_cache.CACHE_DIR
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
def init(folder: Path) -> None:
    """Add a [tool.vectra-lint] table to FOLDER's pyproject.toml (created if missing), with the
    layers (routes, services, models, ...) detected from the folder names in the tree."""
    target = folder / "pyproject.toml"
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if re.search(r"^\s*\[tool\.vectra-lint[\].]", existing, re.MULTILINE):
        _error(f"{target} already has a [tool.vectra-lint] table")
        sys.exit(EXIT_ERROR)
    from vectra_lint.config import init as init_config

    table = init_config.render(init_config.detect_layers(folder.resolve()))
    separator = "" if not existing else "\n" if existing.endswith("\n") else "\n\n"
    target.write_text(existing + separator + table, encoding="utf-8")
    click.echo(f"Wrote the [tool.vectra-lint] table to {target}:\n\n{table}", nl=False)


if __name__ == "__main__":
    main()
