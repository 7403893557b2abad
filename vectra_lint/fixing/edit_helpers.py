"""Building blocks for fixes that several rules share (adding an import, finding the logger)."""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.definitions import docstring
from vectra_lint.engine.context import FileContext
from vectra_lint.rule import Analysis, InsertAfter, InsertAt, InsertBefore, NodeEdit


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def insert_top_level(context: FileContext, text: str) -> NodeEdit:
    """An edit adding module-level ``text`` (whole lines) after the docstring and leading imports."""
    body = context.module.body
    has_docstring = docstring(body) is not None
    index = 1 if has_docstring else 0
    while index < len(body) and _is_import(body[index]):
        index += 1
    if index > 0:
        # After the import block (or the docstring), so the new line joins it.
        before = "" if index > 1 or not has_docstring else context.module.default_newline
        return InsertAfter(body[index - 1], before + text)
    if body:
        return InsertBefore(body[0], text)
    return InsertAt(len(context.source), text)


def module_alias(context: FileContext, module: str) -> str | None:
    """The name under which ``module`` is imported and visible here (``import asyncio as aio`` -> aio)."""
    for name, target in context.scope.bindings(context.module).imports.items():
        if target == module and context.scope.resolve_name(name) == module:
            return name
    return None


def ensure_import(context: FileContext, module: str) -> tuple[str, list[NodeEdit]]:
    """The name to use for ``module`` here, and the edit that imports it when it is not imported."""
    alias = module_alias(context, module)
    if alias is not None:
        return alias, []
    newline = context.module.default_newline
    return module, [insert_top_level(context, f"import {module}{newline}")]


def module_logger(context: FileContext) -> str | None:
    """The module's logger variable (one of the configured logger names bound at module level)."""
    bindings = context.scope.bindings(context.module)
    for name in context.settings.names.loggers:
        if name in bindings.other or name in bindings.imports:
            return name
    return None


def ensure_logger(context: FileContext) -> tuple[str, list[NodeEdit]]:
    """The logger name to log with, and the edits that create ``logger`` when the module has none."""
    existing = module_logger(context)
    if existing is not None:
        return existing, []
    name = context.settings.names.loggers[0] if context.settings.names.loggers else "logger"
    newline = context.module.default_newline
    logging_name = module_alias(context, "logging")
    lines = "" if logging_name is not None else f"import logging{newline}"
    lines += f"{newline}{name} = {logging_name or 'logging'}.getLogger(__name__){newline}"
    return name, [insert_top_level(context, lines)]


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

    def visit_Expr(self, node: cst.Expr) -> None:
        """A call that is a whole statement."""
        self._positions.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        """A call that is an assignment's value."""
        self._positions.add(id(node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """A call that is an annotated assignment's value."""
        if node.value is not None:
            self._positions.add(id(node.value))

    def visit_Return(self, node: cst.Return) -> None:
        """A call that is a returned value."""
        if node.value is not None:
            self._positions.add(id(node.value))
