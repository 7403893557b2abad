"""The pure engine: source bytes and settings in, diagnostics and fixed source out.

Nothing here knows about the terminal, argv or exit codes. Per file: decode, parse once with
libcst, walk once with every enabled rule, locate only the reported nodes, turn node edits into
text edits, apply ``# noqa``. Fixing repeats that until nothing changes, checking each pass.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst._nodes.internal import CodegenState

from vectra_lint import registry
from vectra_lint.analysis.project import facts_key
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.engine import limits, noqa
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.positions import LineIndex, Located, locate, locate_in
from vectra_lint.engine.walker import DispatchTable, walk
from vectra_lint.registry import rules_by_code
from vectra_lint.rule import FixSpec, InsertAfter, InsertAt, InsertBefore, InsertInto, Replace, Report

SYNTAX_ERROR = "VL001"
UNUSED_NOQA = "VL002"
NOQA_WITHOUT_REASON = "VL003"
MAX_FIX_PASSES = 10
_MENTIONS_NOQA = re.compile("noqa", re.IGNORECASE)
# Line breaks the walk does not count (backslash continuations, old Mac line ends): files with
# them are located by generating them from the start.
_SLOW_LAYOUT = re.compile(r"\\\r?\n|\r(?!\n)")


@dataclass(frozen=True)
class Decoded:
    """A file's text and what is needed to write it back byte for byte in the same form."""

    text: str
    encoding: str
    bom: bool


class DecodeError(Exception):
    """The bytes are not text in the declared encoding (or not text at all)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        """Describe the problem, at the 1-based line and column of the offending byte."""
        super().__init__(message)
        self.line = line
        self.column = column


def decode(data: bytes) -> Decoded:
    """Decode source bytes as Python does (BOM, PEP 263 coding cookie, else UTF-8)."""
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "encoding" not in str(error) or b"coding" in data[:200]:
            raise DecodeError(str(error)) from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say where
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    python_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(python_encoding)
    except UnicodeDecodeError as error:
        line_start = body.rfind(b"\n", 0, error.start) + 1
        line = body.count(b"\n", 0, error.start) + 1
        column = len(body[line_start : error.start].decode(python_encoding, errors="replace")) + 1
        raise DecodeError(
            f"file is not valid {python_encoding.upper()}: byte 0x{body[error.start]:02x} at {line}:{column} cannot "
            "be decoded; re-encode the file or declare its encoding",
            line,
            column,
        ) from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r} declared in the coding cookie") from None
    return Decoded(text, python_encoding, bom)


def encode(decoded: Decoded, text: str) -> bytes:
    """The bytes of ``text`` in the same encoding and BOM as the file it came from."""
    return (codecs.BOM_UTF8 if decoded.bom else b"") + text.encode(decoded.encoding)


@dataclass
class _Collector:
    """The engine's own listener: the statement being walked (reports are anchored to it for
    noqa), and where each statement starts, counted in lines as the walk passes them, so that a
    reported node can be located by generating only its statement (``positions.locate_in``)."""

    context: FileContext
    comments: list[tuple[cst.Comment, cst.CSTNode | None]] = field(default_factory=list)
    lines: int = 0
    """Line breaks passed so far."""
    starts: dict[int, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    """id(statement) -> (line breaks before it, the indentation of its block)."""
    indents: list[str] = field(default_factory=list)
    elifs: set[int] = field(default_factory=set)

    def _enter(self, node: cst.CSTNode) -> None:
        if id(node) not in self.elifs:
            self.starts[id(node)] = (self.lines, tuple(self.indents))
        self.context.statements.append(node)
        self.context.current_statement = node

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._enter(node)

    def leave_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._leave()

    def visit_BaseCompoundStatement(self, node: cst.BaseCompoundStatement) -> None:
        if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
            # An `elif` is generated by its parent `if` (alone it would read `if`): not a host.
            self.elifs.add(id(node.orelse))
        self._enter(node)

    def leave_BaseCompoundStatement(self, node: cst.BaseCompoundStatement) -> None:
        self._leave()

    def _leave(self) -> None:
        statements = self.context.statements
        statements.pop()
        self.context.current_statement = statements[-1] if statements else None

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.append(node.indent if node.indent is not None else self.context.module.default_indent)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.pop()

    # `match` indents its cases itself, without a block node.
    def visit_Match(self, node: cst.Match) -> None:
        self.indents.append(node.indent if node.indent is not None else self.context.module.default_indent)

    def leave_Match(self, node: cst.Match) -> None:
        self.indents.pop()

    # Everything that writes a line break: one per trailing whitespace or empty line, and those
    # inside string literals. (Backslash continuations are not seen: such files are located the
    # slow way, see _finish.)
    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        self.lines += 1

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        self.lines += 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.lines += node.value.count("\n")

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self.lines += node.value.count("\n")


class _NoqaCollector(_Collector):
    """The collector for files that mention ``noqa``; the others need not enter comments at all."""

    def visit_Comment(self, node: cst.Comment) -> None:
        if "noqa" in node.value.lower():
            self.comments.append((node, self.context.current_statement))


@dataclass(frozen=True)
class FileResult:
    """The outcome of linting one file's source."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    parsed: bool
    facts: dict[str, object] = field(default_factory=dict)
    """What the file's analyses share with the project phase (see ``analysis/project.py``)."""


def lint_text(
    path: str, relative_path: str, text: str, settings: Settings, external: Sequence[Diagnostic] = ()
) -> FileResult:
    """Lint decoded source: every enabled rule, one parse, one walk.

    ``external`` are diagnostics another tool (Ruff) found in the same text; ``# noqa`` applies to
    them like to ours.
    """
    rejected = limits.precheck(text, path)
    if rejected is not None:
        diagnostic = Diagnostic(
            path,
            SYNTAX_ERROR,
            "syntax-error",
            rejected.message,
            rejected.line,
            rejected.column,
            rejected.line,
            rejected.column,
        )
        return FileResult(path, (diagnostic,) if SYNTAX_ERROR in settings.enabled else (), parsed=False)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FileResult(path, _syntax_error(path, text, error, settings), parsed=False)
    context = FileContext(relative_path, text, module, settings)
    ignored = settings.ignored_in(relative_path)
    rule_classes = [
        rule for code, rule in rules_by_code().items() if code in settings.enabled and not noqa.matches(code, ignored)
    ]
    for rule_class in rule_classes:
        for kind in rule_class.analyses:
            if kind not in context.analyses:
                context.analyses[kind] = kind(context)
    analyses = list(context.analyses.values())
    rules = [rule(context) for rule in rule_classes]
    collector = (_NoqaCollector if _MENTIONS_NOQA.search(text) else _Collector)(context)
    # Scope tracking, the collector and shared analyses see each node before the rules do (and
    # leave it after them).
    infrastructure = [context.scope, collector, *analyses]
    table = DispatchTable([*infrastructure, *rules])
    _order_leaves(table, infrastructure)
    walk(module, table)
    facts: dict[str, object] = {}
    for analysis in analyses:
        analysis.finish()
        shared = analysis.facts()
        if shared is not None:
            facts[facts_key(type(analysis))] = shared
    reports: list[Report] = []
    for rule in rules:
        rule.finish()
        reports.extend(rule.reports)
    external = [d for d in external if not noqa.matches(d.code, ignored)]
    diagnostics = _finish(path, module, text, reports, external, collector, settings, ignored)
    # Analyses and the context refer to each other; without this the whole tree would wait for
    # the cyclic collector instead of being freed here.
    context.analyses.clear()
    return FileResult(path, diagnostics, parsed=True, facts=facts)


def _order_leaves(table: DispatchTable, infrastructure: Sequence[object]) -> None:
    # Leave handlers of the trackers must run after the rules', so rules still see the scope they
    # are leaving.
    owners = {id(listener) for listener in infrastructure}
    for handlers in table.leave.values():
        handlers.sort(key=lambda handler: id(getattr(handler, "__self__", None)) in owners)


def _syntax_error(path: str, text: str, error: cst.ParserSyntaxError, settings: Settings) -> tuple[Diagnostic, ...]:
    # CPython's parser names the offending token precisely; libcst's says where it gave up. And
    # libcst rejects a few layouts CPython accepts (a tab after spaces in an indentation): those
    # are not syntax errors, only files this tool cannot read.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's code's warnings are not ours to print
            ast.parse(text)
    except SyntaxError as python_error:
        line = python_error.lineno or 1
        column = python_error.offset or 1
        message = f"SyntaxError: {python_error.msg}"
    except (RecursionError, MemoryError) as python_error:
        line, column, message = 1, 1, f"CPython cannot compile this file: {python_error}"
    else:
        reason = error.message.strip().splitlines()[0] if error.message.strip() else "invalid syntax"
        raise limits.CannotAnalyse(f"libcst cannot parse it although CPython accepts it (libcst: {reason})")
    if SYNTAX_ERROR not in settings.enabled:
        return ()
    diagnostic = Diagnostic(path, SYNTAX_ERROR, "syntax-error", message, line, column, line, column)
    return (diagnostic,)


def decode_error(path: str, error: DecodeError) -> Diagnostic:
    """The VL001 diagnostic of a file that cannot be decoded."""
    return Diagnostic(
        path, SYNTAX_ERROR, "syntax-error", error.args[0], error.line, error.column, error.line, error.column
    )


def _finish(
    path: str,
    module: cst.Module,
    text: str,
    reports: list[Report],
    external: list[Diagnostic],
    collector: _Collector,
    settings: Settings,
    ignored: frozenset[str],
) -> tuple[Diagnostic, ...]:
    comments = [comment for comment, _ in collector.comments]
    file_codes: tuple[str, ...] | None = None
    for comment in comments:
        codes = noqa.file_level(comment.value)
        if codes is not None:
            file_codes = codes if file_codes is None or codes == () else (*file_codes, *codes)
    if file_codes == ():
        return ()
    lines = LineIndex(text)
    located = _locate_all(module, text, lines, reports, collector)
    diagnostics = [_diagnostic(path, module, report, located, lines) for report in reports] + external
    if file_codes:
        diagnostics = [d for d in diagnostics if not noqa.matches(d.code, file_codes)]
    directives = [_directive(comment, located, lines) for comment in comments]
    return _apply_noqa(path, text, diagnostics, [d for d in directives if d is not None], settings, ignored)


def _locate_all(
    module: cst.Module, text: str, lines: LineIndex, reports: list[Report], collector: _Collector
) -> dict[int, Located]:
    """Where every node that the reports, their fixes and the noqa comments mention is.

    Each node is located by generating only the statement it belongs to, from the line the walk
    counted for it; what is outside any known statement is located from the module's start.
    """
    starts = collector.starts if _SLOW_LAYOUT.search(text) is None else {}
    groups: dict[int, tuple[cst.CSTNode, list[cst.CSTNode], list[cst.CSTNode]]] = {}
    # Where to look next for a node its statement did not contain (a rule may report, or fix,
    # a node outside the statement being walked): the statements around it, inner first.
    fallback: dict[int, list[cst.CSTNode]] = {}
    rest: list[cst.CSTNode] = []

    def want(host: cst.CSTNode | None, node: cst.CSTNode, around: tuple[cst.CSTNode, ...], start: bool = False) -> None:
        if node is module:
            return
        outward = [statement for statement in reversed(around) if id(statement) in starts and statement is not host]
        if host is None or id(host) not in starts:
            host = outward.pop(0) if outward else None
        if host is None:
            rest.append(node)
            return
        _, full, partial = groups.setdefault(id(host), (host, [], []))
        (partial if start else full).append(node)
        if outward:
            fallback[id(node)] = outward

    for comment, host in collector.comments:
        want(host, comment, ())
    for report in reports:
        anchor, around = report.anchor, report.statements
        want(anchor, report.node, around)
        if isinstance(anchor, cst.BaseCompoundStatement):
            # Only where it starts and where its body starts (its header's last line) matter.
            want(anchor, anchor, around, start=True)
            want(anchor, anchor.body, around, start=True)
        elif anchor is not None:
            want(anchor, anchor, around)
        if report.fix is not None:
            for edit in report.fix.edits:
                if not isinstance(edit, InsertAt):
                    want(edit.node if id(edit.node) in starts else anchor, edit.node, around)
    located: dict[int, Located] = {}
    while groups:
        retry: dict[int, tuple[cst.CSTNode, list[cst.CSTNode], list[cst.CSTNode]]] = {}
        for key, (host, nodes, start_nodes) in groups.items():
            line_breaks, indent = starts[key]
            found = locate_in(module, host, lines.line_start(line_breaks + 1), indent, nodes, start_nodes)
            located.update(found)
            for is_start, group in ((False, nodes), (True, start_nodes)):
                for node in group:
                    if id(node) in found:
                        continue
                    outward = fallback.get(id(node))
                    if not outward:
                        rest.append(node)
                        continue
                    outer = outward.pop(0)
                    _, full, partial = retry.setdefault(id(outer), (outer, [], []))
                    (partial if is_start else full).append(node)
        groups = retry
    if rest:
        located.update(locate(module, rest))
    # The module spans the whole file: no need to generate it all to learn that.
    located[id(module)] = Located(0, len(text), 0, len(text), ())
    return located


def _directive(comment: cst.Comment, located: dict[int, Located], lines: LineIndex) -> noqa.Directive | None:
    parsed = noqa.parse_comment(comment.value)
    if parsed is None or noqa.file_level(comment.value) is not None:
        return None
    codes, has_reason, span = parsed
    where = located[id(comment)]
    line, column = lines.line_col(where.start)
    _, end_column = lines.line_col(where.end)
    return noqa.Directive(line, column, end_column, where.start, codes, has_reason, comment.value, span)


def _span(located: Located, lines: LineIndex) -> tuple[int, int, int, int]:
    line, column = lines.line_col(located.start)
    end_line, end_column = lines.line_col(located.end)
    return line, column, end_line, end_column


def _diagnostic(
    path: str, module: cst.Module, report: Report, located: dict[int, Located], lines: LineIndex
) -> Diagnostic:
    where = located[id(report.node)]
    if report.length is not None:
        where = replace(where, end=min(where.end, where.start + report.length))
    line, column, end_line, end_column = _span(where, lines)
    noqa_lines = {line}
    if report.anchor is not None:
        anchor = located[id(report.anchor)]
        noqa_lines.add(lines.line_col(anchor.start)[0])
        if isinstance(report.anchor, cst.BaseCompoundStatement):
            noqa_lines.add(lines.line_col(located[id(report.anchor.body)].outer_start)[0])
        else:
            noqa_lines.add(lines.line_col(anchor.end)[0])
    fix = _fix(module, report, located, lines) if report.fix is not None else None
    return Diagnostic(
        path,
        report.code,
        report.name,
        report.message,
        line,
        column,
        end_line,
        end_column,
        fix,
        tuple(sorted(noqa_lines)),
        report.pending,
    )


def _fix(module: cst.Module, report: Report, located: dict[int, Located], lines: LineIndex) -> Fix:
    spec: FixSpec = report.fix  # type: ignore[assignment]
    edits: list[Edit] = []
    for edit in spec.edits:
        if isinstance(edit, InsertAt):
            edits.append(Edit(edit.offset, edit.offset, edit.text))
            continue
        where = located[id(edit.node)]
        if isinstance(edit, Replace):
            if isinstance(edit.new, str):
                edits.append(Edit(where.start, where.end, edit.new))
            else:
                edits.append(Edit(where.outer_start, where.outer_end, _generate(module, edit.new, where.indent)))
        elif isinstance(edit, InsertBefore):
            edits.append(Edit(where.outer_start, where.outer_start, edit.text))
        elif isinstance(edit, InsertAfter):
            edits.append(Edit(where.outer_end, where.outer_end, edit.text))
        elif isinstance(edit, InsertInto):
            edits.append(Edit(where.start + edit.offset, where.start + edit.offset, edit.text))
    # Rule.report settled the safety (from the rule's fix_safety when the spec left it out).
    assert spec.applicability is not None
    return Fix(tuple(sorted(edits)), spec.applicability, spec.description)


def _generate(module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...]) -> str:
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(indent)
    node._codegen(state)
    return "".join(state.tokens)


def _apply_noqa(
    path: str,
    text: str,
    diagnostics: list[Diagnostic],
    directives: list[noqa.Directive],
    settings: Settings,
    ignored: frozenset[str],
) -> tuple[Diagnostic, ...]:
    by_line: dict[int, list[noqa.Directive]] = {}
    for directive in directives:
        by_line.setdefault(directive.line, []).append(directive)
    used: dict[int, set[str]] = {id(d): set() for d in directives}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        suppressed = False
        for line in diagnostic.noqa_lines:
            for directive in by_line.get(line, ()):
                if not directive.codes:
                    suppressed = True
                elif diagnostic.code in directive.codes:
                    used[id(directive)].add(diagnostic.code)
                    suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    enabled = settings.enabled
    for directive in directives:
        if UNUSED_NOQA in enabled and not noqa.matches(UNUSED_NOQA, ignored):
            unused = _unused_codes(directive, used[id(directive)], settings, ignored)
            if unused:
                kept.append(_unused_noqa(path, text, directive, unused))
        if (
            NOQA_WITHOUT_REASON in enabled
            and not directive.has_reason
            and not noqa.matches(NOQA_WITHOUT_REASON, ignored)
        ):
            rule = rules_by_code()[NOQA_WITHOUT_REASON]
            kept.append(
                Diagnostic(
                    path,
                    rule.code,
                    rule.name,
                    rule.message,
                    directive.line,
                    directive.column,
                    directive.line,
                    directive.end_column,
                    None,
                    (directive.line,),
                )
            )
    return tuple(kept)


def _unused_codes(directive: noqa.Directive, used: set[str], settings: Settings, ignored: frozenset[str]) -> list[str]:
    # Only codes this run checks in this file: other tools (flake8, a full Ruff run) read the
    # same comments for their own codes, and a rule that is switched off cannot tell whether it
    # would report.
    def checked(code: str) -> bool:
        if noqa.matches(code, ignored):
            return False
        if code in settings.enabled:
            return True
        return (
            registry.RUFF_SELECTOR.match(code) is not None
            and noqa.matches(code, settings.ruff_selected)
            and not noqa.matches(code, settings.ruff_ignored)
        )

    return [code for code in directive.codes if checked(code) and code not in used]


def _unused_noqa(path: str, text: str, directive: noqa.Directive, unused: list[str]) -> Diagnostic:
    rule = rules_by_code()[UNUSED_NOQA]
    remaining = [code for code in directive.codes if code not in unused]
    start, end = directive.start, directive.start + len(directive.comment)
    comment = directive.comment
    noqa_at = noqa.NOQA.search(comment)
    explanation_end = noqa_at.start() if noqa_at is not None else 0
    if remaining:
        a, b = directive.codes_span
        new_comment = comment[:a] + ": " + ", ".join(remaining) + comment[b:]
        description = f"Remove unused `{', '.join(unused)}`"
    elif explanation_end > 0:
        # An explanation written before the directive stays.
        new_comment = comment[:explanation_end].rstrip()
        description = "Remove unused `noqa` directive"
    else:
        # The whole comment goes, with the blanks before it.
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        new_comment = ""
        description = "Remove unused `noqa` directive"
    message = f"Unused `noqa` directive (suppresses nothing): {', '.join(unused)}"
    fix = Fix((Edit(start, end, new_comment),), Applicability.SAFE, description)
    return Diagnostic(
        path,
        rule.code,
        rule.name,
        message,
        directive.line,
        directive.column,
        directive.line,
        directive.end_column,
        fix,
        (directive.line,),
    )
