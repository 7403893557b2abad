"""The command line: the only module that knows argv, the terminal and exit codes."""

from __future__ import annotations

import difflib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from vectra_lint import STARTED, __version__, registry
from vectra_lint.config.loader import ConfigError, Overrides, find_config, find_root, load
from vectra_lint.config.settings import Settings
from vectra_lint.engine.source import DecodeError, decode
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.fixing import files
from vectra_lint.fixing.apply import applicable
from vectra_lint.pipeline.discovery import Task, discover
from vectra_lint.pipeline.ruff import RuffError
from vectra_lint.pipeline.runner import (
    Mode,
    Outcome,
    default_jobs,
    finish_project,
    internal_error,
    process_safely,
    run,
)
from vectra_lint.registry import RegistryError
from vectra_lint.reporters import REPORTERS, reporter_class, rule_docs
from vectra_lint.reporters.base import Summary
from vectra_lint.reporters.escape import printable
from vectra_lint.reporters.text import Lines, print_statistics
from vectra_lint.reporters.timings import print_timings
from vectra_lint.rules.git.non_conventional_commit import (
    EXAMPLE,
    EXPECTED_FORM,
    TYPES_OPTION,
    NonConventionalCommit,
    check_message,
)

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
            _error(internal_error(error))
            sys.exit(EXIT_ERROR)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vectra-lint")
def main() -> None:
    """vectra-lint: the Vectra backend coding standard, checked and fixed."""


@main.command()
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
        start = (cwd / stdin_filename if stdin_filename else cwd) if use_stdin else cwd / targets[0]
        config_path = config_file if config_file is not None else find_config(start)
        overrides = Overrides(select=_split(select) or None, extend_select=_split(extend_select), ignore=_split(ignore))
        settings = load(config_path, overrides, find_root(start))
    except (ConfigError, RegistryError) as error:
        _error(str(error))
        sys.exit(EXIT_ERROR)

    if not use_stdin:
        settings = replace(settings, whole_project=any(_holds_root(cwd / target, settings) for target in targets))
    mode = Mode(fix=fix or diff, unsafe_fixes=unsafe_fixes, timings=timings)
    errors: list[str] = []
    stdin_text: str | None = None
    notices: list[str] = []
    try:
        if use_stdin:
            data = sys.stdin.buffer.read()
            display = stdin_filename or "-"
            relative = _relative_to_root(cwd / display, settings) if stdin_filename else "-"
            task = Task(None, display, relative)
            outcomes = finish_project([process_safely(task, data, settings, mode)], settings, None, notices)
            stdin_text = _stdin_text(data)
            file_count = 1
        else:
            found = discover(targets, settings, cwd, force_exclude)
            errors.extend(found.errors)
            if output_file is not None and _is_checked(output_file, found.tasks):
                _error(f"{output_file}: the report would overwrite a checked source file; choose another --output-file")
                sys.exit(EXIT_ERROR)
            if fix:
                for leftover in files.remove_leftovers(found.leftovers):
                    _errors().print(
                        Text(printable(f"warning: removed {leftover}, left behind by an interrupted --fix run"))
                    )
            workers = time.perf_counter()
            if clock is not None:
                clock.add(PHASE, "config and discovery", workers - started)
            outcomes = run(found.tasks, settings, mode, jobs or default_jobs(), notices, clock)
            if clock is not None:
                clock.add(PHASE, "workers (wall)", time.perf_counter() - workers - clock.of(PHASE)["project phase"])
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
            _errors().print(Text(printable(f"warning: {outcome.task.display}: {outcome.warning}"), style="yellow"))

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

    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    summary = Summary(
        files=file_count,
        remaining=len(diagnostics),
        fixed=sum(outcome.fixed for outcome in outcomes),
        fixable=sum(1 for d in diagnostics if applicable(d, unsafe=unsafe_fixes)),
        unsafe_fixable=0
        if unsafe_fixes
        else sum(1 for d in diagnostics if applicable(d, True) and not applicable(d, False)),
        errors=tuple(errors),
    )
    sources = _source_lookup(outcomes, stdin_text)
    # With `--fix -`, standard output carries the fixed source, so the report goes to stderr.
    report_to_stderr = fix and use_stdin and output_file is None
    reporting = time.perf_counter()
    _report(outcomes, summary, output_format, output_file, statistics, sources, report_to_stderr)
    if clock is not None:
        clock.add(PHASE, "report", time.perf_counter() - reporting)
        print_timings(_errors(), clock, time.perf_counter() - STARTED)
    for message in errors:
        _error(message)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if diagnostics and not exit_zero else EXIT_CLEAN)


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
    color = output_file is None and handle.isatty()
    try:
        if statistics:
            print_statistics(Lines(handle, color), [d for outcome in outcomes for d in outcome.diagnostics])
            return
        reporter = reporter_class(output_format)(handle, sources, color=color)
        reporter.start()
        for outcome in outcomes:
            reporter.file(outcome.task.display, outcome.diagnostics)
        reporter.finish(summary)
    finally:
        if output_file is not None:
            handle.close()
        else:
            handle.flush()


@main.command(name="commit-msg")
@click.argument("message_file", type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="pyproject.toml to use.")
def commit_msg(message_file: Path, config_file: Path | None) -> None:
    """Check the commit message in MESSAGE_FILE (git's commit-msg hook argument) against VL801."""
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


@main.command()
@click.argument("code_or_name")
def rule(code_or_name: str) -> None:
    """Show a rule's documentation (by code, e.g. VL401, or name, e.g. print-call)."""
    found = registry.find_rule(code_or_name)
    if found is None and registry.RUFF_SELECTOR.match(code_or_name.upper()):
        click.echo(rule_docs.render_ruff(code_or_name.upper()), nl=False)
        return
    if found is None:
        _error(f"unknown rule {code_or_name!r} (see `vectra-lint rules`)")
        sys.exit(EXIT_ERROR)
    console = Console(highlight=False)
    if console.is_terminal:
        # Imported here: the Markdown renderer costs every other command's start-up time.
        from rich.markdown import Markdown

        console.print(Markdown(rule_docs.render(found)))
    else:
        click.echo(rule_docs.render(found), nl=False)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, fix, and whether it runs by default."""
    table = Table(show_edge=False, header_style="bold")
    for column in ("Code", "Name", "Fix", "Default", "Summary"):
        table.add_column(column, overflow="fold")
    for item in registry.all_rules():
        table.add_row(
            item.code, item.name, rule_docs.fix_line(item), "on" if item.default_enabled else "off", item.summary()
        )
    Console(highlight=False, width=200 if not sys.stdout.isatty() else None).print(table)


@main.command(name="docs")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
def write_docs(output: Path | None) -> None:
    """Write the reference of every rule as Markdown (the source of docs/rules.md)."""
    text = rule_docs.render_all(registry.all_rules())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
