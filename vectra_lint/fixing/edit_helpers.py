"""Building blocks for fixes that several rules share (adding an import, finding the logger)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.definitions import docstring
from vectra_lint.analysis.loggers import Loggers
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import BUILTINS_PREFIX, dotted_name
from vectra_lint.engine.walker import callee_name, iter_nodes
from vectra_lint.rule import Analysis, InsertAfter, InsertAt, InsertBefore, InsertInto, NodeEdit


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


# Import sections in the order an import sorter (Ruff's isort, with its defaults) writes them.
_FUTURE, _STDLIB, _OTHER = 0, 1, 2


def _imported_module(statement: cst.SimpleStatementLine) -> tuple[str, bool]:
    """The module the (first) import of a statement names, and whether it is ``from ... import``."""
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        name = "" if small.module is None else (dotted_name(small.module) or "")
        return "." * len(small.relative) + name, True
    assert isinstance(small, cst.Import)
    return dotted_name(small.names[0].name) or "", False


def _section(module: str) -> int:
    if module == "__future__":
        return _FUTURE
    if module.split(".")[0] in sys.stdlib_module_names:
        return _STDLIB
    return _OTHER


def _blank_lines_before(statement: cst.BaseStatement) -> int:
    """How many blank lines open a statement's leading lines (before any comment)."""
    count = 0
    for line in _leading_lines(statement):
        if line.comment is not None:
            break
        count += 1
    return count


def _leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    # A decorated definition's leading lines are those above its first decorator.
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return lines


def _is_definition(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, (cst.FunctionDef, cst.ClassDef))


# What Ruff's E402 lets come before an import: blocks (`try: import ujson as json`, `if
# TYPE_CHECKING:`), dunder assignments (`__all__`), changes of `sys.path` or `os.environ`.
_BLOCKS = (cst.If, cst.Try, cst.TryStar, cst.With, cst.Match)
_PATH_CHANGES = ("sys.path", "os.environ")


def _imports_end(body: Sequence[cst.BaseStatement], start: int) -> int:
    """The index after the last module-level import (or block holding one) that comes before the
    first statement ending the imports at the top of the module (for Ruff's E402): a statement
    put there leaves every import that E402 does not report above it. A block or statement with a
    ``print`` in it ends them too: the logger is then defined before a fixed print logs. Read from
    the nodes, not generated code: each print a fix turns into a log call asks again."""
    end = start
    for index in range(start, len(body)):
        statement = body[index]
        if _is_import(statement):
            end = index + 1
            continue
        nodes = list(iter_nodes(statement, (cst.Call, cst.Attribute, cst.Import, cst.ImportFrom)))
        if any(isinstance(node, cst.Call) and callee_name(node.func) == "print" for node in nodes):
            break
        if isinstance(statement, _BLOCKS):
            if any(isinstance(node, (cst.Import, cst.ImportFrom)) for node in nodes):
                end = index + 1
            continue
        changes_path = any(isinstance(node, cst.Attribute) and dotted_name(node) in _PATH_CHANGES for node in nodes)
        if not isinstance(statement, cst.SimpleStatementLine) or not (_dunder_assignment(statement) or changes_path):
            break
    return end


def _dunder_assignment(statement: cst.SimpleStatementLine) -> bool:
    """``__all__ = [...]``, ``__version__: str = "1"``."""
    for small in statement.body:
        if isinstance(small, cst.Assign):
            targets = [target.target for target in small.targets]
        elif isinstance(small, cst.AnnAssign):
            targets = [small.target]
        else:
            return False
        if not all(isinstance(t, cst.Name) and t.value.startswith("__") and t.value.endswith("__") for t in targets):
            return False
    return True


@dataclass
class _Spot:
    """One place where text is inserted, and the text: what opens it, lines, what closes it."""

    edit: Callable[[str], NodeEdit]
    lead: str = ""
    lines: list[str] = field(default_factory=list)
    trail: str = ""


class _TopLevelPlan:
    """Where new module-level imports and statements go, worked out once for a set of additions.

    Imports go where Ruff's isort (I001) would put them: a standard-library ``import X`` joins the
    ``import`` lines of the standard-library section in alphabetical order (before its
    ``from ... import`` lines), or opens that section right after the ``from __future__`` imports.
    Other modules go at the end of the leading import block. New statements (a logger) go after
    the imports at the top (those blocks, dunder assignments and path changes between them that
    E402 allows included), separated by one blank line, with two blank lines before a following
    ``def`` or ``class``.
    """

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.newline = context.module.default_newline
        body = context.module.body
        self.body = body
        start = 1 if docstring(body) is not None else 0
        end = start
        while end < len(body) and _is_import(body[end]):
            end += 1
        self.start = start
        self.end = end
        self.block: list[cst.SimpleStatementLine] = [
            statement for statement in body[start:end] if isinstance(statement, cst.SimpleStatementLine)
        ]
        self.spots: dict[tuple[str, int], _Spot] = {}

    def _following(self, index: int) -> cst.BaseStatement | None:
        return self.body[index] if index < len(self.body) else None

    def _separation(self, following: cst.BaseStatement | None, after_plain: int) -> str:
        """The blank lines to add so that ``following`` is separated as isort and the formatter
        want: two before a ``def`` or ``class``, else ``after_plain``."""
        if following is None:
            return ""
        wanted = 2 if _is_definition(following) else after_plain
        return self.newline * max(0, wanted - _blank_lines_before(following))

    def _spot_before(self, statement: cst.SimpleStatementLine, section: list[cst.SimpleStatementLine]) -> _Spot:
        """Where a line goes to come right before ``statement`` of the import block."""
        leading = list(_leading_lines(statement))
        comments = len(leading)
        while comments > 0 and leading[comments - 1].comment is not None:
            comments -= 1
        if comments == len(leading):
            return self.spots.setdefault(("into", id(statement)), _Spot(lambda text: InsertInto(statement, 0, text)))
        # A comment above an import belongs to it, and isort wants a blank line above such a
        # comment: after the previous import of the section, or before the comment and a blank line.
        position = section.index(statement) if statement in section else 0
        if position > 0:
            return self._spot_after(section[position - 1])
        anchor = leading[comments]
        spot = self.spots.setdefault(("before", id(anchor)), _Spot(lambda text: InsertBefore(anchor, text)))
        spot.trail = self.newline
        return spot

    def _spot_after(self, statement: cst.CSTNode) -> _Spot:
        return self.spots.setdefault(("after", id(statement)), _Spot(lambda text: InsertAfter(statement, text)))

    def _spot_at_block_end(self) -> _Spot:
        """After the leading imports (or the docstring), or at the top of the module."""
        if self.end > 0:
            return self._spot_after(self.body[self.end - 1])
        if self.body:
            return self.spots.setdefault(("top", 0), _Spot(lambda text: InsertBefore(self.body[0], text)))
        return self.spots.setdefault(("end", 0), _Spot(lambda text: InsertAt(len(self.context.source), text)))

    def add_import(self, line: str, module: str) -> None:
        """Plan ``line`` (``import X`` or ``import X as Y``, without newline) for ``module``."""
        text = line + self.newline
        future = [s for s in self.block if _section(_imported_module(s)[0]) == _FUTURE]
        stdlib = [s for s in self.block if _section(_imported_module(s)[0]) == _STDLIB]
        straight = [s for s in stdlib if not _imported_module(s)[1]]
        if _section(module) == _STDLIB and stdlib:
            later = [s for s in straight if _imported_module(s)[0].lower() > module.lower()]
            if later:
                spot = self._spot_before(later[0], stdlib)
            elif straight:
                spot = self._spot_after(straight[-1])
            else:
                spot = self._spot_before(stdlib[0], stdlib)
            spot.lines.append(text)
            return
        if _section(module) == _STDLIB and self.block and len(future) < len(self.block):
            # A new standard-library section between the future imports and the others.
            if future:
                spot = self._spot_after(future[-1])
                spot.lead = self.newline
                following = self.block[len(future)]
            else:
                following = self.block[0]
                spot = self._spot_before(following, [])
            spot.lines.append(text)
            spot.trail = max(spot.trail, self._separation(following, 1))
            return
        spot = self._spot_at_block_end()
        if self.end > 0:
            # After the docstring or the future imports: a blank line first.
            spot.lead = self.newline if self.end == self.start or future == self.block else ""
        spot.lines.append(text)
        spot.trail = self._separation(self._following(self.end), 1)

    def add_statement(self, line: str, after: int) -> None:
        """Plan a module-level statement after the import block (or after statement ``after``)."""
        # After every import E402 does not report; read once per file, for all the plans a file makes.
        imports_end = self.context.once("imports_end", lambda: _imports_end(self.body, self.end))
        index = max(imports_end, after + 1)
        if index > 0:
            spot = self._spot_after(self.body[index - 1])
        else:
            spot = self._spot_at_block_end()
        following = self._following(index)
        statement = line + self.newline
        if spot.lines or index > 0:
            statement = self.newline + statement
        spot.lines.append(statement)
        spot.trail = self._separation(following, 0)

    def edits(self) -> list[NodeEdit]:
        """The planned insertions, imports of one spot in sorted order."""
        result: list[NodeEdit] = []
        for spot in self.spots.values():
            imports = sorted((line for line in spot.lines if line.startswith("import ")), key=str.lower)
            others = [line for line in spot.lines if not line.startswith("import ")]
            result.append(spot.edit(spot.lead + "".join(imports) + "".join(others) + spot.trail))
        return result


def module_alias(context: FileContext, module: str) -> str | None:
    """The name under which ``module`` is imported and visible here (``import asyncio as aio`` -> aio)."""
    for name, target in context.scope.bindings(context.module).imports.items():
        if target == module and context.scope.resolve_name(name) == module:
            return name
    return None


def _free(context: FileContext, name: str, avoid: Container[str]) -> bool:
    """Whether ``name`` can be bound at module level: nothing there or here binds it."""
    bindings = context.scope.bindings(context.module)
    return (
        name not in avoid
        and name not in bindings.other
        and name not in bindings.imports
        and context.scope.resolve_name(name) == BUILTINS_PREFIX + name
    )


def _import_name(context: FileContext, module: str, avoid: Container[str]) -> tuple[str, str | None]:
    """The name to use for ``module``, and the import line to add (``None``: already imported)."""
    alias = module_alias(context, module)
    if alias is not None:
        # Visible here: nothing in the scope being fixed hides it.
        return alias, None
    if _free(context, module, avoid):
        return module, f"import {module}"
    # The plain name means something else here (``from datetime import time``): an alias.
    candidate = f"{module}_module"
    suffix = 2
    while not _free(context, candidate, avoid):
        candidate = f"{module}_module_{suffix}"
        suffix += 1
    return candidate, f"import {module} as {candidate}"


def ensure_imports(
    context: FileContext, modules: Sequence[str], avoid: Container[str] = ()
) -> tuple[list[str], list[NodeEdit]]:
    """The names to use for ``modules`` here, and the edits that import those not imported.

    A module already imported under a visible name is used by that name; otherwise ``import X``
    is added where an import sorter would put it (``import X as X_module`` when ``X`` is taken).
    ``avoid``: names that must not be used (for example the locals of a function being rewritten).
    """
    plan = _TopLevelPlan(context)
    names: list[str] = []
    for module in modules:
        name, line = _import_name(context, module, avoid)
        names.append(name)
        if line is not None:
            plan.add_import(line, module)
    return names, plan.edits()


def ensure_import(context: FileContext, module: str) -> tuple[str, list[NodeEdit]]:
    """The name to use for ``module`` here, and the edit that imports it when it is not imported."""
    names, edits = ensure_imports(context, [module])
    return names[0], edits


def module_logger(context: FileContext) -> str | None:
    """The module's logger variable: one of the configured logger names bound at module level,
    else (when the rule declares the ``Loggers`` analysis, the one logger judgement) a
    module-level name bound to a standard logger, so that a fix does not add a second one."""
    bindings = context.scope.bindings(context.module)
    for name in context.settings.names.loggers:
        if name in bindings.other or name in bindings.imports:
            return name
    loggers = context.analyses.get(Loggers)
    return loggers.module_logger() if isinstance(loggers, Loggers) else None


def ensure_logger(context: FileContext) -> tuple[str, list[NodeEdit]]:
    """The logger name to log with, and the edits that create ``logger`` when the module has none."""
    name, _, edits = ensure_logger_and_imports(context, ())
    return name, edits


def ensure_logger_and_imports(
    context: FileContext, modules: Sequence[str], avoid: Container[str] = ()
) -> tuple[str, list[str], list[NodeEdit]]:
    """``ensure_logger`` and ``ensure_imports`` in one plan, so that edits at one place merge."""
    plan = _TopLevelPlan(context)
    names: list[str] = []
    wanted = list(modules)
    existing = module_logger(context)
    if existing is None and "logging" not in wanted:
        wanted.append("logging")
    lines: dict[str, str] = {}
    for module in wanted:
        name, line = _import_name(context, module, avoid)
        lines[module] = name
        if line is not None:
            plan.add_import(line, module)
    names = [lines[module] for module in modules]
    if existing is not None:
        return existing, names, plan.edits()
    logger = context.settings.names.loggers[0] if context.settings.names.loggers else "logger"
    plan.add_statement(
        f"{logger} = {lines['logging']}.getLogger(__name__)", _binding_statement(context, lines["logging"])
    )
    return logger, names, plan.edits()


def _binding_statement(context: FileContext, name: str) -> int:
    """The index of the last module-level statement that imports ``name`` (-1: none)."""
    found = -1
    if name not in context.scope.bindings(context.module).imports:
        # Not imported at module level: no statement to look for (each search walks whole bodies).
        return found
    for index, statement in enumerate(context.module.body):
        if _binds(statement, name):
            found = index
    return found


def _binds(statement: cst.CSTNode, name: str) -> bool:
    """Whether an ``import`` in ``statement`` (at any depth) binds ``name``.

    An ``import`` is always a small statement of a statement line, so only the statements are
    searched, not their expressions and whitespace.
    """
    if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(_import_binds(small, name) for small in statement.body)
    if isinstance(statement, cst.IndentedBlock):
        return any(_binds(inner, name) for inner in statement.body)
    for attribute in _NESTED_STATEMENTS:
        value = getattr(statement, attribute, None)
        if isinstance(value, cst.CSTNode):
            if _binds(value, name):
                return True
        elif isinstance(value, Sequence) and any(_binds(inner, name) for inner in value):
            return True
    return False


# Where compound statements and their clauses (``else:``, ``except:``, ``case ...:``) hold statements.
_NESTED_STATEMENTS = ("body", "orelse", "handlers", "finalbody", "cases")


def _import_binds(node: cst.CSTNode, name: str) -> bool:
    if not isinstance(node, cst.Import):
        return False
    for alias in node.names:
        bound = alias.asname.name if alias.asname is not None else None
        if isinstance(bound, cst.Name) and bound.value == name:
            return True
        if bound is None and (dotted_name(alias.name) or "").split(".")[0] == name:
            return True
    return False


class AwaitablePositions(Analysis):
    """Calls whose place lets a fix put ``await`` before them without parentheses: a whole
    statement, an assignment's value, a returned value. For the rules that fix a blocking call
    into an awaited one (VL201, VL205)."""

    def __init__(self, context: FileContext) -> None:
        """Start with no position seen."""
        super().__init__(context)
        self._positions: set[int] = set()

    def allows(self, call: cst.Call) -> bool:
        """Whether ``await`` can be added before ``call`` as it stands."""
        return id(call) in self._positions and not call.lpar

    # Only calls are asked about: other values are not kept (exact types: see `dotted_name`).
    def visit_Expr(self, node: cst.Expr) -> None:
        """A call that is a whole statement."""
        if type(node.value) is cst.Call:
            self._positions.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        """A call that is an assignment's value."""
        if type(node.value) is cst.Call:
            self._positions.add(id(node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """A call that is an annotated assignment's value."""
        if type(node.value) is cst.Call:
            self._positions.add(id(node.value))

    def visit_Return(self, node: cst.Return) -> None:
        """A call that is a returned value."""
        if type(node.value) is cst.Call:
            self._positions.add(id(node.value))


def _comment_lines(whitespace: cst.BaseParenthesizableWhitespace | cst.MaybeSentinel) -> list[cst.EmptyLine]:
    """The comment lines (not the blank ones) of a parenthesized whitespace."""
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return []
    return [line for line in whitespace.empty_lines if line.comment is not None]


def _trailing_comment(whitespace: cst.BaseParenthesizableWhitespace | cst.MaybeSentinel) -> cst.TrailingWhitespace:
    """The end of a line in a parenthesized whitespace, with its comment if any (``x,  # why``)."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace) and whitespace.first_line.comment is not None:
        return whitespace.first_line
    return cst.TrailingWhitespace()


def _has_comment(whitespace: cst.BaseParenthesizableWhitespace | cst.MaybeSentinel) -> bool:
    return bool(_comment_lines(whitespace)) or _trailing_comment(whitespace).comment is not None


def _new_line(
    end: cst.TrailingWhitespace, comments: Sequence[cst.EmptyLine], indent: str
) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets: the end of the line, comment lines, then ``indent`` more than the statement."""
    return cst.ParenthesizedWhitespace(
        first_line=end, empty_lines=comments, indent=True, last_line=cst.SimpleWhitespace(indent)
    )


def add_keyword_argument(call: cst.Call, arg: cst.Arg, indent: str) -> cst.Call:
    """``call`` with the keyword argument ``arg`` added last, laid out as a formatter lays out
    the result: with a magic trailing comma (or a comment between the arguments), one argument per
    line at the arguments' indentation (``indent`` deeper than the statement when they were not on
    lines of their own), each keeping its comments, with a trailing comma and the closing
    parenthesis on its own line; otherwise on one line (broken by the engine when
    that line is too long: ``engine/line_length.py``). Blank lines between the arguments go."""
    last = call.args[-1] if call.args else None
    separators: list[cst.BaseParenthesizableWhitespace | cst.MaybeSentinel] = [call.whitespace_before_args]
    for old in call.args:
        separators.append(old.whitespace_after_arg)
        if isinstance(old.comma, cst.Comma):
            separators += [old.comma.whitespace_before, old.comma.whitespace_after]
    magic = last is not None and isinstance(last.comma, cst.Comma)
    if not magic and not any(_has_comment(whitespace) for whitespace in separators):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        joined = [old.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""), comma=comma) for old in call.args]
        return call.with_changes(whitespace_before_args=cst.SimpleWhitespace(""), args=[*joined, arg])
    # The arguments' and the closing parenthesis's own indentation when they already sit on their
    # own lines (a call nested in another one is deeper than the statement).
    opening = call.whitespace_before_args
    if isinstance(opening, cst.ParenthesizedWhitespace) and opening.indent:
        indent = opening.last_line.value
    closer = ""
    if last is not None:
        before_closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
        if isinstance(before_closing, cst.ParenthesizedWhitespace) and before_closing.indent:
            closer = before_closing.last_line.value
    laid_out: list[cst.Arg] = []
    for old in call.args:
        # What followed the argument: its comma's whitespace, or (the last one, without a comma)
        # the whitespace before the closing parenthesis.
        after = old.comma.whitespace_after if isinstance(old.comma, cst.Comma) else old.whitespace_after_arg
        # Comment lines before the closing parenthesis stay there, after the new argument.
        comments = [] if old is last else _comment_lines(after)
        new_line = _new_line(_trailing_comment(after), comments, indent)
        laid_out.append(
            old.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""), comma=cst.Comma(whitespace_after=new_line))
        )
    closing_comments: list[cst.EmptyLine] = []
    if last is not None:
        after = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
        closing_comments = [
            line.with_changes(indent=True, whitespace=cst.SimpleWhitespace(indent)) for line in _comment_lines(after)
        ]
    closing = cst.Comma(whitespace_after=_new_line(cst.TrailingWhitespace(), closing_comments, closer))
    return call.with_changes(
        whitespace_before_args=_new_line(_trailing_comment(opening), _comment_lines(opening), indent),
        args=[*laid_out, arg.with_changes(comma=closing)],
    )
