"""VL402's fix: rewrite a function into the §6.3 instrumentation block without changing what it does.

The body moves, unchanged apart from its returns, into ``try:``. Before it: ``func_name``, a start
time and the START log. Each ``return X`` of the function itself (not of a nested function) first
evaluates ``X`` once into a fresh variable, then logs FINISH, then returns that variable; a body
that can end without ``return`` logs FINISH at its end. ``except Exception`` logs FAIL with the
traceback and re-raises the same exception with a bare ``raise``. So the function returns the same
values and raises the same exceptions after the same side effects; what it catches itself it
still handles itself (FAIL is logged only for an exception that leaves the function), and
``BaseException``s that are not ``Exception``s (cancellation, ``KeyboardInterrupt``) pass through
without FAIL and without FINISH.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache

import libcst as cst

from vectra_lint.analysis.sensitive import Shape, Showing, Shown, Types, annotation_shape, secret_names
from vectra_lint.engine.walker import DispatchTable, iter_nodes, walk

START_PLACEHOLDER = "__vl402_start__"
"""The statement that holds START's place in a fix that waits for the project phase."""
ANY_REASON = "# the function's declared return type"
"""Above the result's declaration when the return type holds an ``Any`` that wants a reason (§2)."""
_CLOCKS = frozenset({"perf_counter", "time", "monotonic"})
# Calls that would see the rewrite: they read (without arguments) or run code in the local namespace.
_READ_LOCALS = frozenset({"locals", "vars", "dir"})
_RUN_CODE = frozenset({"exec", "eval"})


@dataclass(frozen=True)
class BlockNames:
    """The names the block uses: chosen so that none collides with the function's own names."""

    func_name: str
    start: str
    elapsed: str
    result: str
    error: str
    logger: str
    time: str
    clock: str = "perf_counter"
    """The ``time`` function the start time was read with (FINISH reads the same clock)."""


class _NameCollector:
    """Variable names (not the ``b`` of ``a.b``) and ``del`` targets, for one walk of a function."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.deleted: set[str] = set()
        self.attributes: set[int] = set()
        self.introspects = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and (func.value in _RUN_CODE or (func.value in _READ_LOCALS and not node.args)):
            self.introspects = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attributes.add(id(node.attr))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.attributes:
            self.used.add(node.value)

    def visit_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Name):
            self.deleted.add(node.target.value)


def names_used(function: cst.FunctionDef) -> tuple[set[str], set[str], bool]:
    """Every variable name that appears in ``function`` (nested scopes included; not attribute
    names like the ``b`` of ``a.b``), the names it ``del``s, and whether it looks at its own
    local variables (``locals()``, ``vars()``, ``dir()``, ``eval``, ``exec``)."""
    collector = _NameCollector()
    # The engine's walker skips the whitespace and punctuation nodes that cannot hold a name.
    walk(function, DispatchTable([collector]))  # type: ignore[arg-type]
    return collector.used, collector.deleted, collector.introspects


def fresh(bases: Sequence[str], taken: set[str]) -> str:
    """The first of ``bases`` that ``taken`` lacks, else the first with a suffix (``result_2``...);
    the chosen name is then taken."""
    name = next((base for base in bases if base not in taken), None)
    suffix = 2
    while name is None:
        candidate = f"{bases[0]}_{suffix}"
        name = candidate if candidate not in taken else None
        suffix += 1
    taken.add(name)
    return name


def parameters(function: cst.FunctionDef, skip_first: bool) -> list[cst.Param]:
    """The parameters START lists, in order (``self``/``cls`` left out when ``skip_first``)."""
    params = function.params
    listed: list[cst.Param] = [*params.posonly_params, *params.params]
    if skip_first and listed:
        listed = listed[1:]
    if isinstance(params.star_arg, cst.Param):
        listed.append(params.star_arg)
    listed.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        listed.append(params.star_kwarg)
    return listed


@dataclass(frozen=True)
class Param:
    """One parameter as START shows it: plain data, to cross processes in a pending fix."""

    name: str
    kind: str
    """``plain``, ``star`` (``*args``) or ``kwargs`` (``**kwargs``)."""
    shape: Shape | None
    """Its annotation (None: not annotated)."""
    secret: bool
    """Secret by name or by sibling."""


def param_specs(function: cst.FunctionDef, skip_first: bool, sensitive: Sequence[str]) -> tuple[Param, ...]:
    """The parameters START lists, each with what the sensitivity judgement needs."""
    listed = parameters(function, skip_first)
    secret = secret_names([param.name.value for param in parameters(function, False)], sensitive)
    star = function.params.star_arg
    specs: list[Param] = []
    for param in listed:
        kind = "kwargs" if param is function.params.star_kwarg else "star" if param is star else "plain"
        shape = annotation_shape(param.annotation.annotation) if param.annotation is not None else None
        specs.append(Param(param.name.value, kind, shape, param.name.value in secret))
    return tuple(specs)


def params_pieces(params: Sequence[Param], types: Types, path: str) -> list[str] | None:
    """The ``name=...`` parts of START's ``Params:`` (see :class:`Shown`): secrets as ``[MASKED]``,
    ``**kwargs`` by its keys only, objects never by their repr. None when a parameter's type is a
    class of another project module that ``types`` does not know yet."""
    pieces: list[str] = []
    for param in params:
        showing: Showing | None
        if param.secret:
            showing = Showing(Shown.MASKED)
        elif param.kind == "kwargs":
            showing = Showing(Shown.KEYS)
        elif param.shape is None:
            showing = Showing(Shown.COUNT if param.kind == "star" else Shown.RUNTIME_TYPE)
        else:
            showing = types.showing(path, param.shape)
            if showing is not None and param.kind == "star" and showing.shown is not Shown.VALUE:
                showing = Showing(Shown.COUNT)
        if showing is None:
            return None
        pieces.append(showing.piece(param.name))
    return pieces


@dataclass(frozen=True)
class Head:
    """The ``func_name`` and start time a function already sets first thing, to reuse."""

    statements: tuple[cst.BaseStatement, ...] = ()
    func_name: str | None = None
    start: str | None = None
    clock: str = "perf_counter"


def reusable_head(
    statements: Sequence[cst.BaseStatement], qualified: Callable[[cst.BaseExpression], str | None]
) -> Head:
    """The leading ``func_name = "..."`` and ``start = time.perf_counter()`` (or ``time.time()``,
    ``time.monotonic()``) statements of a body: START goes after them, FINISH reads that clock."""
    head = Head()
    count = 0
    for statement in statements:
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            break
        small = statement.body[0]
        if not (
            isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        ):
            break
        target = small.targets[0].target.value
        value = small.value
        called = isinstance(value, cst.Call) and not value.args
        module, _, clock = (
            (qualified(value.func) or "").rpartition(".") if isinstance(value, cst.Call) else ("", "", "")
        )
        if head.func_name is None and target == "func_name" and isinstance(value, cst.SimpleString):
            head = Head(head.statements, target, head.start, head.clock)
        elif head.start is None and module == "time" and clock in _CLOCKS and called:
            head = Head(head.statements, head.func_name, target, clock)
        else:
            break
        count += 1
        head = Head(tuple(statements[:count]), head.func_name, head.start, head.clock)
    return head


def start_log(logger: str, func_name: str, pieces: Sequence[str], indent: int, width: int) -> str:
    """The START log call, on one line or split the way a formatter would."""
    params = list(pieces) or ["none"]
    parts = [f"START | {{{func_name}}} | Params: "] + [
        piece + (", " if index < len(params) - 1 else "") for index, piece in enumerate(params)
    ]
    return _log_call(logger, "info", parts, "", indent, width)


def _literal(value: str) -> str:
    """A Python string literal for ``value`` in double quotes (it holds no quote or backslash)."""
    return '"' + value + '"'


def _log_call(receiver: str, method: str, parts: list[str], tail: str, indent: int, width: int) -> str:
    """``receiver.method(f"...", tail)`` on one line, or its message split into implicitly
    concatenated f-strings, one per line, the way a formatter would lay out a long call."""

    def string(text: str) -> str:
        return ("f" if "{" in text else "") + _literal(text)

    one_line = f"{receiver}.{method}({string(''.join(parts))}{tail})"
    if indent + len(one_line) <= width:
        return one_line
    inner = indent + 4
    # A part too long for a line of its own (an object's id fields, `job=Job(owner_id=..., ...)`)
    # is cut between its fields, and a field still too long before its value (prefect's
    # `policy=FlowRunNotificationPolicyUpdate(block_document_id={policy.block_document_id})`).
    fitting = [
        piece
        for part in parts
        for field in (_cut(part, False) if inner + len(string(part)) > width else (part,))
        for piece in (_cut(field, True) if inner + len(string(field)) > width else (field,))
    ]
    lines: list[str] = []
    current = ""
    for part in fitting:
        if current and inner + len(string(current + part)) > width:
            lines.append(string(current))
            current = ""
        current += part
    lines.append(string(current))
    pad = " " * 4
    body = "\n".join(pad + line for line in lines)
    if tail:
        body += "," + "\n" + pad + tail.lstrip(", ") + ","
    return f"{receiver}.{method}(\n{body}\n)"


def _cut(part: str, before_values: bool) -> list[str]:
    """``part`` of an f-string cut after each ``", "`` outside a replacement field (``{...}``, not
    ``{{``), or, ``before_values``, before each replacement field."""
    pieces: list[str] = []
    start = depth = index = 0
    while index < len(part):
        if depth == 0 and part[index : index + 2] in ("{{", "}}"):
            index += 2  # a brace of the text
            continue
        if part[index] == "{":
            if before_values and depth == 0 and index > start:
                pieces.append(part[start:index])
                start = index
            depth += 1
        elif part[index] == "}":
            depth -= 1
        elif not before_values and depth == 0 and part[index : index + 2] == ", ":
            pieces.append(part[start : index + 2])
            start = index + 2
            index += 1
        index += 1
    if start < len(part):
        pieces.append(part[start:])
    return pieces


@dataclass(frozen=True)
class Block:
    """The statements of the block, as source lines for one function."""

    names: BlockNames
    qualified: str
    params: list[str] | None
    """START's ``name=...`` parts; None: a placeholder for the project phase to fill in."""
    indent: int
    """The column of the function's body statements."""
    width: int
    fail_mark: str = "❌ "
    """What precedes ``FAIL |``: the standard's mark, or nothing in a file not encoded in UTF-8."""
    kept: tuple[cst.BaseStatement, ...] = ()
    """The function's own leading ``func_name``/start-time statements (see :func:`reusable_head`)."""

    def key(self) -> tuple[object, ...]:
        """The block's values, hashable (its nodes by identity): two blocks with the same key
        write the same statements."""
        return tuple(
            tuple(value) if isinstance(value, list) else value
            for value in (getattr(self, field.name) for field in fields(self))
        )

    def start(self) -> str:
        """The START log (or its placeholder)."""
        if self.params is None:
            return START_PLACEHOLDER
        return start_log(self.names.logger, self.names.func_name, self.params, self.indent, self.width)

    def finish(self, depth: int) -> list[str]:
        """The duration and the FINISH log, for statements ``depth`` levels inside the ``try``."""
        n = self.names
        parts = [f"FINISH | {{{n.func_name}}} | Status: Success | Duration: {{{n.elapsed}}}ms"]
        return [
            f"{n.elapsed} = round(({n.time}.{n.clock}() - {n.start}) * 1000, 2)",
            _log_call(n.logger, "info", parts, "", self.indent + 4 * depth, self.width),
        ]

    def handler(self) -> list[str]:
        """The ``except`` block's statements."""
        n = self.names
        parts = [f"{self.fail_mark}FAIL | {{{n.func_name}}} | Error: {{str({n.error})}}"]
        return [
            _log_call(n.logger, "error", parts, ", exc_info=True", self.indent + 4, self.width),
            "raise",
        ]

    @cached_property
    def _parsed(
        self,
    ) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement], cst.ExceptHandler, cst.BaseStatement | None]:
        start = self.start()
        n = self.names
        statements: list[cst.BaseStatement] = list(self.kept)
        reused = {
            target.target.value
            for statement in self.kept
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
            if isinstance(small, cst.Assign)
            for target in small.targets
            if isinstance(target.target, cst.Name)
        }
        if n.func_name not in reused:
            statements.append(_assign(n.func_name, cst.SimpleString(_literal(self.qualified))))
        timer = None
        if n.start not in reused:
            timer = _assign(n.start, cst.Call(cst.Attribute(cst.Name(n.time), cst.Name(n.clock))))
            statements.append(timer)
        if "\n" in start or "{" not in start or _PLAIN_START.fullmatch(start) is None:
            statements.append(cst.parse_statement(start + "\n"))
        else:
            # The START line on one line, built without the parser (it costs a millisecond a call).
            text = start[len(f"{n.logger}.info(") : -1]
            call = cst.Call(cst.Attribute(cst.Name(n.logger), cst.Name("info")), [cst.Arg(_fstring(text))])
            statements.append(cst.SimpleStatementLine([cst.Expr(call)]))
        finish, handler = _parse_tail(
            textwrap.indent("\n".join(self.finish(1)), "    "),
            n.error,
            textwrap.indent("\n".join(self.handler()), "    "),
        )
        return statements, finish, handler, timer

    def head_statements(self, finishes: bool = True) -> list[cst.BaseStatement]:
        """``func_name``, the start time and the START log, as statements; without ``finishes``
        (the function never logs FINISH: it always raises), no start time of the fix's own, which
        nothing would read (an unused variable for Ruff's F841)."""
        statements, _, _, timer = self._parsed
        if finishes or timer is None:
            return statements
        return [statement for statement in statements if statement is not timer]

    def finish_statements(self, depth: int) -> list[cst.BaseStatement]:
        """``finish(depth)`` as statements."""
        if depth == 1 or self.finish(depth) == self.finish(1):
            return self._parsed[1]
        return _statements(self.finish(depth))

    def handler_node(self) -> cst.ExceptHandler:
        """The ``except Exception as e:`` handler."""
        return self._parsed[2]


def _assign(name: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], value)])


_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
# A one-line START whose placeholders are all names or `f(name)` calls (what `_fstring` builds).
_PLAIN_START = re.compile(r'\w+\.info\(f"(?:[^{}"]|\{\w+\}|\{\w+\(\w+\)\})*"\)')
_CALLED = re.compile(r"(\w+)\((\w+)\)")


def _fstring(literal: str) -> cst.FormattedString:
    """The f-string node of ``f"..."`` whose placeholders are names or ``f(name)`` calls."""
    parts: list[cst.BaseFormattedStringContent] = []
    for piece in _PLACEHOLDER.split(literal[2:-1]):
        if not piece:
            continue
        if not piece.startswith("{"):
            parts.append(cst.FormattedStringText(piece))
            continue
        called = _CALLED.fullmatch(piece[1:-1])
        expression: cst.BaseExpression = (
            cst.Call(cst.Name(called[1]), [cst.Arg(cst.Name(called[2]))]) if called else cst.Name(piece[1:-1])
        )
        parts.append(cst.FormattedStringExpression(expression))
    return cst.FormattedString(parts, start='f"', end='"')


@lru_cache(maxsize=64)
def _parse_tail(finish: str, error: str, handler: str) -> tuple[list[cst.BaseStatement], cst.ExceptHandler]:
    """FINISH and the ``except`` handler as nodes: the same for every function with the same names,
    so parsed once (nodes are immutable and may be shared)."""
    module = cst.parse_module(f"try:\n{finish}\nexcept Exception as {error}:\n{handler}\n")
    statement = module.body[0]
    assert isinstance(statement, cst.Try) and isinstance(statement.body, cst.IndentedBlock)
    return list(statement.body.body), statement.handlers[0]


def _statements(lines: list[str]) -> list[cst.BaseStatement]:
    return [cst.parse_statement(line + "\n") for line in lines]


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.SimpleString):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


class _Returns:
    """Rewrites the function's own returns (nested scopes are left alone) to log FINISH first.

    Returns are statements, so only statements are visited: a suite without a return is kept as
    it is, node for node.
    """

    def __init__(
        self, block: Block, annotation: cst.Annotation | None, safe_names: AbstractSet[str], explain: bool
    ) -> None:
        self.block = block
        self.annotation = annotation
        self.safe_names = safe_names
        self.explain = explain
        self.annotated = False
        self._declaration: cst.AnnAssign | None = None
        self._finishes: dict[int, list[list[cst.BaseSmallStatement]]] = {}

    def statements(self, statements: Sequence[cst.BaseStatement], depth: int) -> list[cst.BaseStatement]:
        """``statements`` (``depth`` blocks inside the ``try``) with their returns rewritten."""
        result: list[cst.BaseStatement] = []
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                result.extend(self._line(statement, depth))
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                result.append(statement)
            elif isinstance(statement, cst.BaseCompoundStatement):
                result.append(self._compound(statement, depth))
            else:
                result.append(statement)
        return result

    def _suite(self, suite: cst.BaseSuite, depth: int) -> cst.BaseSuite:
        if isinstance(suite, cst.SimpleStatementSuite):
            # `if x: return y` becomes an indented block.
            lines = self._rewrite(suite.body, depth)
            if lines is None:
                return suite
            return cst.IndentedBlock(
                body=[self._explained(cst.SimpleStatementLine(body=smalls)) for smalls in lines],
                header=suite.trailing_whitespace,
            )
        assert isinstance(suite, cst.IndentedBlock)
        body = self.statements(suite.body, depth)
        if len(body) == len(suite.body) and all(a is b for a, b in zip(body, suite.body, strict=True)):
            return suite
        return suite.with_changes(body=body)

    def _compound(self, statement: cst.BaseCompoundStatement, depth: int) -> cst.BaseCompoundStatement:
        inner = depth + 1
        if isinstance(statement, cst.Match):
            cases = [case.with_changes(body=self._suite(case.body, inner)) for case in statement.cases]
            return statement.with_changes(cases=cases)
        changes: dict[str, object] = {"body": self._suite(statement.body, inner)}
        if isinstance(statement, (cst.Try, cst.TryStar)):
            changes["handlers"] = [h.with_changes(body=self._suite(h.body, inner)) for h in statement.handlers]
            if statement.finalbody is not None:
                changes["finalbody"] = statement.finalbody.with_changes(
                    body=self._suite(statement.finalbody.body, inner)
                )
        orelse = getattr(statement, "orelse", None)
        if isinstance(orelse, cst.If):
            changes["orelse"] = self._compound(orelse, depth)  # an `elif` is at the same depth
        elif isinstance(orelse, cst.Else):
            changes["orelse"] = orelse.with_changes(body=self._suite(orelse.body, inner))
        return statement.with_changes(**changes)

    def _rewrite(
        self, smalls: Sequence[cst.BaseSmallStatement], depth: int
    ) -> list[list[cst.BaseSmallStatement]] | None:
        """The small statements split into lines, each return expanded; None when there is no return."""
        if not any(isinstance(small, cst.Return) for small in smalls):
            return None
        lines: list[list[cst.BaseSmallStatement]] = []
        pending: list[cst.BaseSmallStatement] = []
        for index, small in enumerate(smalls):
            if not isinstance(small, cst.Return):
                last = index == len(smalls) - 1 or isinstance(smalls[index + 1], cst.Return)
                pending.append(small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) if last else small)
                continue
            if pending:
                lines.append(pending)
                pending = []
            lines.extend(self._expand(small, depth))
        if pending:
            lines.append(pending)
        return lines

    @property
    def finished(self) -> bool:
        """Whether some return was rewritten to log FINISH."""
        return bool(self._finishes)

    def _finish(self, depth: int) -> list[list[cst.BaseSmallStatement]]:
        # Parsed once per depth: the same nodes can stand at several places of the new tree.
        found = self._finishes.get(depth)
        if found is None:
            found = self._finishes[depth] = [
                list(statement.body)
                for statement in self.block.finish_statements(depth)
                if isinstance(statement, cst.SimpleStatementLine)
            ]
        return found

    def _expand(self, node: cst.Return, depth: int) -> list[list[cst.BaseSmallStatement]]:
        value = node.value
        finish = self._finish(depth)
        plain = node.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        if value is None or _is_literal(value) or (isinstance(value, cst.Name) and value.value in self.safe_names):
            return [*finish, [plain]]
        result = cst.Name(self.block.names.result)
        assign: cst.BaseSmallStatement
        if self.annotation is not None and not self.annotated:
            # The first assignment declares the variable with the function's return type, so a
            # type checker accepts every returned value (and `[]`/`{}` need no other annotation).
            self.annotated = True
            assign = cst.AnnAssign(target=result, annotation=cst.Annotation(self.annotation.annotation), value=value)
            if self.explain:
                self._declaration = assign
        else:
            assign = cst.Assign(targets=[cst.AssignTarget(result)], value=value)
        returned = plain.with_changes(value=result, whitespace_after_return=cst.SimpleWhitespace(" "))
        return [[assign], *finish, [returned]]

    def _line(self, statement: cst.SimpleStatementLine, depth: int) -> list[cst.BaseStatement]:
        lines = self._rewrite(statement.body, depth)
        if lines is None:
            return [statement]
        if len(lines) == 1:
            return [self._explained(statement.with_changes(body=lines[0]))]
        # The first line keeps the comments above, the last one the comment at the end.
        first = statement.with_changes(body=lines[0], trailing_whitespace=cst.TrailingWhitespace())
        middle = [cst.SimpleStatementLine(body=smalls) for smalls in lines[1:-1]]
        last = cst.SimpleStatementLine(body=lines[-1], trailing_whitespace=statement.trailing_whitespace)
        return [self._explained(line) for line in (first, *middle, last)]

    def _explained(self, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        """``line``, with the comment §2 asks of an ``Any`` above it when it declares the result
        with a return type holding one (VL103 would report the fix's own line otherwise)."""
        if self._declaration is None or line.body[0] is not self._declaration:
            return line
        return line.with_changes(leading_lines=[*line.leading_lines, cst.EmptyLine(comment=cst.Comment(ANY_REASON))])


def falls_through(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether running ``statements`` may reach their end (conservative: True when unsure)."""
    if not statements:
        return True
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return not any(isinstance(small, (cst.Return, cst.Raise)) for small in last.body)
    if isinstance(last, cst.If):
        if last.orelse is None:
            return True
        return falls_through(_body(last.body)) or falls_through(
            [last.orelse] if isinstance(last.orelse, cst.If) else _body(last.orelse.body)
        )
    if isinstance(last, cst.With):
        return falls_through(_body(last.body))
    if isinstance(last, (cst.For, cst.While)):
        # A loop ends through its `else` (or never, for `while True`) unless a `break` leaves it.
        if any(True for _ in iter_nodes(last.body, cst.Break)):
            return True
        if last.orelse is not None:
            return falls_through(_body(last.orelse.body))
        return not (isinstance(last, cst.While) and isinstance(last.test, cst.Name) and last.test.value == "True")
    if isinstance(last, cst.Try):
        if last.finalbody is not None and not falls_through(_body(last.finalbody.body)):
            return False
        ends = [last.orelse.body if last.orelse is not None else last.body, *(h.body for h in last.handlers)]
        return any(falls_through(_body(body)) for body in ends)
    return True


def _body(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(suite, cst.SimpleStatementSuite):
        # `def f(): a; b` as lines, one statement each, the way a formatter writes them.
        return [
            cst.SimpleStatementLine([small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]) for small in suite.body
        ]
    assert isinstance(suite, cst.IndentedBlock)
    return list(suite.body)


def _strip_blank_start(statement: cst.BaseStatement) -> cst.BaseStatement:
    leading: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    index = 0
    while index < len(leading) and leading[index].comment is None:
        index += 1
    if index == 0:
        return statement
    return statement.with_changes(leading_lines=leading[index:])


def instrument(
    function: cst.FunctionDef,
    block: Block,
    docstring: bool,
    safe_names: AbstractSet[str],
    explain_any: bool,
) -> tuple[cst.FunctionDef, bool]:
    """``function`` rewritten into the §6.3 block (``docstring``: its first statement is one), and
    whether the block logs FINISH anywhere (a function that always raises never does: it then
    needs no start time, nor the clock's module). ``explain_any``: the return type holds an
    ``Any`` that wants a comment where the result is declared with it."""
    body = function.body
    statements = _body(body)
    kept = statements[:1] if docstring else []
    rest = statements[1:] if docstring else statements
    rest = rest[len(block.kept) :]  # the function's own func_name and start time stay before START
    returns = _Returns(block, function.returns, safe_names, explain_any)
    try_body = returns.statements(rest, 1)
    inner = cst.IndentedBlock(body=try_body, footer=body.footer if isinstance(body, cst.IndentedBlock) else ())
    if try_body:
        try_body[0] = _strip_blank_start(try_body[0])
    finishes = returns.finished
    if falls_through(try_body):
        try_body.extend(block.finish_statements(1))
        finishes = True
    new_try = cst.Try(body=inner.with_changes(body=try_body), handlers=[block.handler_node()])
    if isinstance(body, cst.IndentedBlock):
        header = body.header
    else:
        assert isinstance(body, cst.SimpleStatementSuite)
        header = body.trailing_whitespace
    new_body = cst.IndentedBlock(body=[*kept, *block.head_statements(finishes), new_try], header=header)
    return function.with_changes(body=new_body), finishes
