"""The pure engine: source text and settings in, diagnostics out, for one file.

Nothing here knows about the terminal, argv or exit codes. Per file: parse once with libcst, walk
once with every enabled rule (``walker.py``) while ``statements.py`` tracks where statements
start, locate only what was reported (``locating.py``), turn node edits into text edits
(``edits.py``), and apply ``# noqa`` (``suppression.py``). Decoding bytes is ``source.py``;
fixing (repeating this until nothing changes) is ``fixing/apply.py``.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import libcst as cst

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic, Fix, fix_applies
from vectra_lint.engine import limits, noqa
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.edits import to_fix
from vectra_lint.engine.libcst_private import parse_module
from vectra_lint.engine.locating import locate_reports
from vectra_lint.engine.memo import NO_MEMO, NodeMemo
from vectra_lint.engine.positions import LineIndex, Located
from vectra_lint.engine.splice import Parsed
from vectra_lint.engine.statements import StatementTracker, tracker_for
from vectra_lint.engine.suppression import apply_noqa, directive_at, file_level_codes
from vectra_lint.engine.timings import PHASE, Timings
from vectra_lint.engine.walker import DispatchTable, walk
from vectra_lint.rule import Analysis, EngineRule, FixSpec, Report, Rule, load_rules, with_requirements
from vectra_lint.rules.core.syntax_error import SyntaxError_


@dataclass(frozen=True)
class FileResult:
    """The outcome of linting one file's source."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    parsed: bool
    facts: dict[str, object] = field(default_factory=dict)
    """What the file's analyses share with the project phase (see ``analysis/project.py``)."""
    complete: bool = True
    """False when only the diagnostics whose fixes apply were made (``lint_text``'s ``fixing``)."""
    tree: Parsed | None = field(default=None, compare=False, repr=False)
    """The text's tree and the lines the walk counted (``lint_text``'s ``keep_tree``), for parsing
    a fixed text from it (``splice.reparse``)."""


def lint_text(
    path: str,
    relative_path: str,
    text: str,
    settings: Settings,
    external: Sequence[Diagnostic] = (),
    timings: Timings | None = None,
    parse: Callable[[str], cst.Module] | None = None,
    memo: NodeMemo = NO_MEMO,
    fixing: bool | None = None,
    keep_tree: bool = False,
) -> FileResult:
    """Lint decoded source: every enabled rule, one parse, one walk.

    ``external`` are diagnostics another tool (Ruff) found in the same text; ``# noqa`` applies to
    them like to ours. With ``timings``, the time of each phase and rule is added to it. ``parse``
    gives the text's tree as :func:`parse_module` does (the editor's reuses the last text's tree);
    by default, :func:`parse_module` itself. ``memo`` keeps what this lint makes from nodes alone
    for the next lint of the same document (from the same tree, where ``parse`` reused it).

    ``fixing`` (True with unsafe fixes, False without) is for a text about to be fixed: when some
    of its diagnostics have a fix that applies, and no comment may be a ``# noqa`` (that would
    need every diagnostic to judge), only those are made, in the order a full lint gives them
    (``FileResult.complete`` False): the others would be dropped with the text. The facts are
    always all of them.

    With ``keep_tree``, the result holds the tree and the lines the walk counted (the fix loop
    parses the text of its next pass from them).
    """
    clock = _Clock(timings)
    rejected = limits.precheck(text, path)
    if rejected is not None:
        clock.lap("parse")
        found = (SyntaxError_.from_rejected(path, rejected),) if SyntaxError_.code in settings.enabled else ()
        return FileResult(path, found, parsed=False)
    try:
        module = (parse or parse_module)(text)
    except cst.ParserSyntaxError as error:
        clock.lap("parse")
        # Built even when VL001 is off: a file CPython accepts raises CannotAnalyse from here.
        diagnostic = SyntaxError_.from_parse_error(path, text, error)
        return FileResult(path, (diagnostic,) if SyntaxError_.code in settings.enabled else (), parsed=False)
    clock.lap("parse")
    memo.next_lint()
    context = FileContext(relative_path, text, module, settings, memo)
    ignored, rule_classes = _file_rules(settings, relative_path)
    for kind in _analyses_of(rule_classes):
        context.analyses[kind] = kind(context)
    rules = [rule for rule in (rule_class(context) for rule_class in rule_classes) if rule.applies()]
    walked = _walked_analyses(tuple(type(rule) for rule in rules), tuple(context.analyses))
    analyses = [analysis for kind, analysis in context.analyses.items() if kind in walked]
    tracker = tracker_for(context)
    # Scope tracking, the statement tracker and shared analyses see each node before the rules do (and
    # leave it after them).
    infrastructure = [context.scope, tracker, *analyses]
    table = DispatchTable([*infrastructure, *rules], len(infrastructure), timings)
    clock.lap("set-up")
    walk(module, table)
    clock.lap("walk")
    tree = None
    if keep_tree:
        tree = Parsed(text, module, tracker.starts, tracker.ends, tracker.body_lines, tracker.counted_every_line(text))
    partial = fixing is not None and not tracker.comments
    # Fixes made later (``Report.later``) are all unsafe: a part without unsafe fixes never wants them.
    facts, reports = _finished(analyses, rules, make_later=not partial or fixing is True)
    clock.lap("rules' finish")
    external = [d for d in external if not noqa.matches(d.code, ignored)]
    if partial:
        part = _fixable_part(path, module, text, reports, external, tracker, settings, ignored, bool(fixing), memo)
        if part:
            clock.lap("locate and noqa")
            context.analyses.clear()
            return FileResult(path, part, parsed=True, facts=facts, complete=False, tree=tree)
        reports = [report.made() for report in reports]
    diagnostics = _finish(path, module, text, reports, external, tracker, settings, ignored, memo)
    clock.lap("locate and noqa")
    # Analyses and the context refer to each other; without this the whole tree would wait for
    # the cyclic collector instead of being freed here.
    context.analyses.clear()
    return FileResult(path, diagnostics, parsed=True, facts=facts, tree=tree)


def _fixable_part(
    path: str,
    module: cst.Module,
    text: str,
    reports: list[Report],
    external: list[Diagnostic],
    tracker: StatementTracker,
    settings: Settings,
    ignored: frozenset[str],
    unsafe: bool,
    memo: NodeMemo = NO_MEMO,
) -> tuple[Diagnostic, ...]:
    """Of what ``_finish`` gives for a file without ``# noqa`` comments, the diagnostics whose
    fixes apply (none when none does): made from the reports whose fix specs may apply."""

    def applies(fix: Fix | FixSpec | None, pending: object) -> bool:
        return fix_applies(None if fix is None else fix.applicability, pending, unsafe)

    reports = [report for report in reports if applies(report.fix, report.pending)]
    external = [d for d in external if applies(d.fix, d.pending)]
    if not reports and not external:
        return ()
    found = _finish(path, module, text, reports, external, tracker, settings, ignored, memo)
    # A fix spec that came to no edits leaves its diagnostic without a fix.
    return tuple(d for d in found if applies(d.fix, d.pending))


def gather_facts(path: str, relative_path: str, text: str, settings: Settings) -> FileResult:
    """What the project phase of a run on other files needs of this one: the facts
    :func:`lint_text` gives, and the pending diagnostics of the rules that settle elsewhere
    (``Rule.settles_elsewhere``). The analyses that leave facts (and those they read) walk the file
    with those rules only; no other rule runs, nothing else is located.
    """
    if limits.precheck(text, path) is not None:
        return FileResult(path, (), parsed=False)
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError as error:
        # Raises CannotAnalyse where CPython accepts the file, as lint_text does: the same outcome.
        SyntaxError_.from_parse_error(path, text, error)
        return FileResult(path, (), parsed=False)
    ignored, walking = _file_rules(settings, relative_path)
    kinds, rule_classes = _project_part(walking)
    if not kinds and not rule_classes:
        return FileResult(path, (), parsed=True)
    context = FileContext(relative_path, text, module, settings)
    for kind in kinds:
        context.analyses[kind] = kind(context)
    analyses = list(context.analyses.values())
    rules = [rule for rule in (rule_class(context) for rule_class in rule_classes) if rule.applies()]
    tracker = tracker_for(context)
    infrastructure = [context.scope, tracker, *analyses]
    walk(module, DispatchTable([*infrastructure, *rules], len(infrastructure), None))
    facts, reports = _finished(analyses, rules)
    diagnostics: tuple[Diagnostic, ...] = ()
    if any(report.pending is not None for report in reports):
        # The other rules did not run: VL002's "unused noqa" would be wrong here, only the
        # pending diagnostics are kept.
        found = _finish(path, module, text, reports, [], tracker, settings, ignored)
        diagnostics = tuple(d for d in found if d.pending is not None)
    context.analyses.clear()
    return FileResult(path, diagnostics, parsed=True, facts=facts)


def _finished(
    analyses: list[Analysis], rules: list[Rule], make_later: bool = True
) -> tuple[dict[str, object], list[Report]]:
    """After the walk: the facts the analyses share with the project phase (by key), and what the
    rules report (with the fixes they make later made, unless ``make_later`` is False)."""
    facts: dict[str, object] = {}
    for analysis in analyses:
        analysis.finish()
        shared = analysis.facts()
        if shared is not None:
            facts[analysis.facts_key()] = shared
    reports: list[Report] = []
    for rule in rules:
        rule.finish()
        reports.extend(rule.reports)
    if make_later:
        reports = [report.made() for report in reports]
    return facts, reports


@cache
def _project_part(
    rule_classes: tuple[type[Rule], ...],
) -> tuple[tuple[type[Analysis], ...], tuple[type[Rule], ...]]:
    """Of a file's rules, those that settle elsewhere; and of the analyses all its rules build,
    those whose facts reach the project phase, those these rules read, and what these read, in
    the order they are built."""
    elsewhere = tuple(rule for rule in rule_classes if rule.settles_elsewhere)
    built = _analyses_of(rule_classes)
    wanted = [kind for kind in built if kind.facts is not Analysis.facts]
    needed = set(with_requirements([*wanted, *(kind for rule in elsewhere for kind in rule.analyses)]))
    return tuple(kind for kind in built if kind in needed), elsewhere


def _file_rules(settings: Settings, relative_path: str) -> tuple[frozenset[str], tuple[type[Rule], ...]]:
    """The codes per-file-ignores switch off for a file, and the rules that walk it (a plugin's
    imported from the project's root, should this process not have imported it yet)."""
    ignored = settings.ignored_in(relative_path)
    return ignored, _walking_rules(load_rules(settings.rules, settings.plugin_path), settings.enabled, ignored)


@cache
def _walking_rules(
    rules: tuple[type[Rule], ...], enabled: frozenset[str], ignored: frozenset[str]
) -> tuple[type[Rule], ...]:
    """The rules that walk a file, by code: per file only per-file-ignores vary, and few files differ."""
    missing = enabled - {rule.code for rule in rules}
    if missing:
        # Settings built by hand must bring their rules (the loader does): never lint with fewer.
        raise ValueError(f"Settings enable {', '.join(sorted(missing))} without their classes (registry.rules_for)")
    # Engine rules (VL001-VL003) have nothing to walk: they are reported from the noqa pass.
    return tuple(
        rule
        for rule in sorted(rules, key=lambda rule: rule.code)
        if rule.code in enabled and not noqa.matches(rule.code, ignored) and not issubclass(rule, EngineRule)
    )


@cache
def _analyses_of(rule_classes: tuple[type[Rule], ...]) -> tuple[type[Analysis], ...]:
    """The analyses the rules declare, in the order they are built: each after those it reads
    (once per set of rules, like ``_walking_rules``: few files differ)."""
    built: dict[type[Analysis], None] = {}

    def add(kind: type[Analysis]) -> None:
        if kind not in built:
            for required in kind.requires:
                add(required)
            built[kind] = None

    for rule_class in rule_classes:
        for kind in rule_class.analyses:
            add(kind)
    return tuple(built)


@cache
def _walked_analyses(
    rule_classes: tuple[type[Rule], ...], built: tuple[type[Analysis], ...]
) -> frozenset[type[Analysis]]:
    """The built analyses worth walking: those a rule that applies to the file reads, those whose
    facts reach the project phase, and what these read. The others (an analysis only the
    coroutine rules read, in a file without ``async``) cannot change the file's outcome."""
    wanted = [kind for rule_class in rule_classes for kind in rule_class.analyses]
    return frozenset(with_requirements([*wanted, *(kind for kind in built if kind.facts is not Analysis.facts)]))


class _Clock:
    """Charges the time since the previous lap to a phase, when timing (else does nothing)."""

    def __init__(self, timings: Timings | None) -> None:
        self.timings = timings
        self.last = time.perf_counter() if timings is not None else 0.0

    def lap(self, phase: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings.add(PHASE, phase, now - self.last)
            self.last = now


def _finish(
    path: str,
    module: cst.Module,
    text: str,
    reports: list[Report],
    external: list[Diagnostic],
    tracker: StatementTracker,
    settings: Settings,
    ignored: frozenset[str],
    memo: NodeMemo = NO_MEMO,
) -> tuple[Diagnostic, ...]:
    comments = [comment for comment, _ in tracker.comments]
    file_codes = file_level_codes(comments)
    if file_codes == ():
        return ()
    lines = LineIndex(text)
    located, body_lines = locate_reports(module, text, lines, reports, tracker, memo)
    diagnostics = [
        _diagnostic(path, module, report, located, body_lines, lines, text, settings.line_length) for report in reports
    ] + external
    if file_codes:
        diagnostics = [d for d in diagnostics if not noqa.matches(d.code, file_codes)]
    directives = [directive_at(comment, located, lines) for comment in comments]
    return apply_noqa(path, text, diagnostics, [d for d in directives if d is not None], settings, ignored)


def _diagnostic(
    path: str,
    module: cst.Module,
    report: Report,
    located: dict[int, Located],
    body_lines: dict[int, int],
    lines: LineIndex,
    text: str,
    line_length: int,
) -> Diagnostic:
    # Once per report (tens of thousands on a large project): the line numbers come straight from
    # the line-start table (the line of an offset is the number of line starts at or before it).
    starts = lines.starts
    where = located[id(report.node)]
    start, end = where.start, where.end
    if report.length is not None:
        end = min(end, start + report.length)
    line = bisect_right(starts, start)
    end_line = bisect_right(starts, end)
    noqa_lines = {line}
    anchor = report.anchor
    if anchor is not None:
        anchored = located[id(anchor)]
        noqa_lines.add(bisect_right(starts, anchored.start))
        if isinstance(anchor, cst.BaseCompoundStatement):
            body_line = body_lines.get(id(anchor.body))
            if body_line is None:
                body_line = bisect_right(starts, located[id(anchor.body)].outer_start)
            noqa_lines.add(body_line)
        else:
            noqa_lines.add(bisect_right(starts, anchored.end))
    fix = to_fix(module, report.fix, located, text, line_length) if report.fix is not None else None
    return Diagnostic(
        path,
        report.code,
        report.name,
        report.message,
        line,
        start - starts[line - 1] + 1,
        end_line,
        end - starts[end_line - 1] + 1,
        fix,
        tuple(sorted(noqa_lines)),
        report.pending,
    )
