"""Building blocks for fixes that several rules share (adding an import, finding the logger)."""

from __future__ import annotations

import libcst as cst

from vectra_lint.context import FileContext
from vectra_lint.rule import InsertAfter, InsertAt, InsertBefore, NodeEdit


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def insert_top_level(context: FileContext, text: str) -> NodeEdit:
    """An edit adding module-level ``text`` (whole lines) after the docstring and leading imports."""
    body = context.module.body
    index = 1 if body and _is_docstring(body[0]) else 0
    while index < len(body) and _is_import(body[index]):
        index += 1
    if index > 0:
        # After the import block (or the docstring), so the new line joins it.
        before = "" if index > 1 or not _is_docstring(body[0]) else context.module.default_newline
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
