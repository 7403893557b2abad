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

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.sensitive import is_sensitive
from vectra_lint.engine.walker import iter_nodes

MASK = "[MASKED]"
# Names whose use would see the rewrite: they read or run the function's local namespace.
_INTROSPECTION = frozenset({"locals", "vars", "exec", "eval", "dir"})


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


def names_used(function: cst.FunctionDef) -> tuple[set[str], set[str]]:
    """Every variable name that appears in ``function`` (nested scopes included; not attribute
    names like the ``b`` of ``a.b``), and the names it ``del``s."""
    used: set[str] = set()
    deleted: set[str] = set()
    attributes: set[int] = set()
    for node in iter_nodes(function, (cst.Name, cst.Attribute, cst.Del)):
        if isinstance(node, cst.Attribute):
            attributes.add(id(node.attr))
        elif isinstance(node, cst.Name):
            if id(node) not in attributes:
                used.add(node.value)
        elif isinstance(node.target, cst.Name):
            deleted.add(node.target.value)
    return used, deleted


def introspects(used: set[str]) -> bool:
    """Whether the function may look at its own local variables (``locals()``, ``eval``...)."""
    return not used.isdisjoint(_INTROSPECTION)


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


def params_pieces(function: cst.FunctionDef, skip_first: bool, sensitive: Sequence[str]) -> list[str]:
    """The ``name={name}`` parts of START's ``Params:``; secrets as ``[MASKED]``; ``**kwargs`` by
    its keys only (its values may be secrets whose names are only known at run time)."""
    pieces: list[str] = []
    star_kwarg = function.params.star_kwarg
    for param in parameters(function, skip_first):
        name = param.name.value
        if is_sensitive(name, sensitive):
            pieces.append(f"{name}={MASK}")
        elif param is star_kwarg:
            pieces.append(f"{name}={{list({name})}}")
        else:
            pieces.append(f"{name}={{{name}}}")
    return pieces


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
    lines: list[str] = []
    current = ""
    for part in parts:
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


@dataclass(frozen=True)
class Block:
    """The statements of the block, as source lines for one function."""

    names: BlockNames
    qualified: str
    params: list[str]
    indent: int
    """The column of the function's body statements."""
    width: int

    def head(self) -> list[str]:
        """``func_name``, the start time and the START log."""
        n = self.names
        params = self.params or ["none"]
        parts = [f"START | {{{n.func_name}}} | Params: "] + [
            piece + (", " if index < len(params) - 1 else "") for index, piece in enumerate(params)
        ]
        return [
            f"{n.func_name} = {_literal(self.qualified)}",
            f"{n.start} = {n.time}.perf_counter()",
            _log_call(n.logger, "info", parts, "", self.indent, self.width),
        ]

    def finish(self, depth: int) -> list[str]:
        """The duration and the FINISH log, for statements ``depth`` levels inside the ``try``."""
        n = self.names
        parts = [f"FINISH | {{{n.func_name}}} | Status: Success | Duration: {{{n.elapsed}}}ms"]
        return [
            f"{n.elapsed} = round(({n.time}.perf_counter() - {n.start}) * 1000, 2)",
            _log_call(n.logger, "info", parts, "", self.indent + 4 * depth, self.width),
        ]

    def handler(self) -> list[str]:
        """The ``except`` block's statements."""
        n = self.names
        parts = [f"❌ FAIL | {{{n.func_name}}} | Error: {{str({n.error})}}"]
        return [
            _log_call(n.logger, "error", parts, ", exc_info=True", self.indent + 4, self.width),
            "raise",
        ]


def _statements(lines: list[str]) -> list[cst.BaseStatement]:
    return [cst.parse_statement(line + "\n") for line in lines]


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.SimpleString):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


class _Returns(cst.CSTTransformer):
    """Rewrites the function's own returns (nested scopes are left alone) to log FINISH first."""

    def __init__(self, block: Block, annotation: cst.Annotation | None, safe_names: set[str]) -> None:
        super().__init__()
        self.block = block
        self.annotation = annotation
        self.safe_names = safe_names
        # How many blocks deep inside the `try` the statement being rewritten is.
        self.depth = 0
        self.annotated = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, cst.IndentedBlock):
            self.depth += 1
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        if isinstance(original_node, cst.IndentedBlock):
            self.depth -= 1
        return super().on_leave(original_node, updated_node)  # type: ignore[return-value]

    def _rewrite(
        self, smalls: Sequence[cst.BaseSmallStatement], depth: int
    ) -> list[list[cst.BaseSmallStatement]] | None:
        """The small statements split into lines, each return expanded; None when there is no return."""
        if not any(isinstance(small, cst.Return) for small in smalls):
            return None
        lines: list[list[cst.BaseSmallStatement]] = []
        pending: list[cst.BaseSmallStatement] = []
        for small in smalls:
            if not isinstance(small, cst.Return):
                pending.append(small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT))
                continue
            if pending:
                lines.append(pending)
                pending = []
            lines.extend(self._expand(small, depth))
        if pending:
            lines.append(pending)
        return lines

    def _expand(self, node: cst.Return, depth: int) -> list[list[cst.BaseSmallStatement]]:
        value = node.value
        finish = [[_small(line)] for line in self.block.finish(depth)]
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
        else:
            assign = cst.Assign(targets=[cst.AssignTarget(result)], value=value)
        return [
            [assign],
            *finish,
            [plain.with_changes(value=result, whitespace_after_return=cst.SimpleWhitespace(" "))],
        ]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        lines = self._rewrite(updated_node.body, self.depth)
        if lines is None:
            return updated_node
        statements: list[cst.BaseStatement] = []
        for index, smalls in enumerate(lines):
            if index == 0:
                statements.append(updated_node.with_changes(body=smalls))
            else:
                statements.append(cst.SimpleStatementLine(body=smalls))
        last = statements[-1]
        assert isinstance(last, cst.SimpleStatementLine)
        if len(statements) > 1:
            statements[0] = updated_node.with_changes(body=lines[0], trailing_whitespace=cst.TrailingWhitespace())
            statements[-1] = last.with_changes(trailing_whitespace=updated_node.trailing_whitespace)
        return cst.FlattenSentinel(statements)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.BaseSuite:
        # `if x: return y` becomes an indented block, which is one level deeper than the line.
        lines = self._rewrite(updated_node.body, self.depth + 1)
        if lines is None:
            return updated_node
        return cst.IndentedBlock(
            body=[cst.SimpleStatementLine(body=smalls) for smalls in lines],
            header=updated_node.trailing_whitespace,
        )


def _small(line: str) -> cst.BaseSmallStatement:
    statement = cst.parse_statement(line + "\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement.body[0]


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
        return [cst.SimpleStatementLine(body=suite.body)]
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
    safe_names: set[str],
) -> cst.FunctionDef:
    """``function`` rewritten into the §6.3 block (``docstring``: its first statement is one)."""
    body = function.body
    statements = _body(body)
    kept = statements[:1] if docstring else []
    rest = statements[1:] if docstring else statements
    transformer = _Returns(block, function.returns, safe_names)
    visited = cst.IndentedBlock(body=rest, footer=body.footer if isinstance(body, cst.IndentedBlock) else ()).visit(
        transformer
    )
    assert isinstance(visited, cst.IndentedBlock)
    inner = visited
    try_body = list(inner.body)
    if try_body:
        try_body[0] = _strip_blank_start(try_body[0])
    if falls_through(try_body):
        try_body.extend(_statements(block.finish(1)))
    handler = cst.ExceptHandler(
        body=cst.IndentedBlock(body=_statements(block.handler())),
        type=cst.Name("Exception"),
        name=cst.AsName(name=cst.Name(block.names.error)),
    )
    new_try = cst.Try(body=inner.with_changes(body=try_body), handlers=[handler])
    if isinstance(body, cst.IndentedBlock):
        header = body.header
    else:
        assert isinstance(body, cst.SimpleStatementSuite)
        header = body.trailing_whitespace
    new_body = cst.IndentedBlock(body=[*kept, *_statements(block.head()), new_try], header=header)
    return function.with_changes(body=new_body)
