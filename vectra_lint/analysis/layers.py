"""Which layer an import reaches, and which functions are route handlers (for the VL5xx rules).

Layers are the ``[tool.vectra-lint.layers]`` globs, matched against root-relative paths; an
import is turned into the path of the module it names (relative imports on the file's folders,
absolute ones as ``analysis.module_names.imported_path`` finds them), so the same globs decide
where a file is and where its imports lead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_names import imported_path
from vectra_lint.config.settings import Settings
from vectra_lint.engine.context import FileContext

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "route", "websocket"}
)
"""Decorator attributes that register a function as an HTTP handler (`@router.get(...)`, `@app.post(...)`)."""


def dotted(node: cst.BaseExpression | None) -> str:
    """``a.b.c`` for a ``Name``/``Attribute`` chain (an import's module); ``""`` for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def module_layers(settings: Settings, stem: str) -> frozenset[str]:
    """The layers of the module at root-relative ``stem`` (no suffix): of the file that exists,
    ``stem.py`` or ``stem/__init__.py``; of both when neither does (a module not on this disk)."""
    candidates = (f"{stem}.py", f"{stem}/__init__.py")
    existing = [path for path in candidates if os.path.isfile(os.path.join(settings.root, path))]
    found: frozenset[str] = frozenset()
    for path in existing or candidates:
        found |= settings.layers_of(path)
    return found


@dataclass(frozen=True)
class ImportTarget:
    """A project module an import statement reaches, and its layers."""

    module: str
    """As written, with the leading dots of a relative import (for messages)."""
    layers: frozenset[str]


def import_targets(context: FileContext, node: cst.Import | cst.ImportFrom) -> Iterator[ImportTarget]:
    """The project modules ``node`` imports (library modules are skipped), with their layers.

    ``from package import name`` reaches the package and, when ``name`` is a submodule, that
    module too: both count.
    """
    settings = context.settings
    if isinstance(node, cst.Import):
        for alias in node.names:
            module = dotted(alias.name)
            stem = imported_path(context.path, settings.root, module)
            if stem is not None:
                yield ImportTarget(module, module_layers(settings, stem))
        return
    module = dotted(node.module)
    level = len(node.relative)
    stem = imported_path(context.path, settings.root, module, level)
    if stem is None:
        return
    layers = module_layers(settings, stem)
    if not isinstance(node.names, cst.ImportStar):
        for alias in node.names:
            layers |= module_layers(settings, f"{stem}/{dotted(alias.name)}")
    yield ImportTarget("." * level + module, layers)


def is_route_handler(function: cst.FunctionDef) -> bool:
    """Whether a decorator registers ``function`` as an HTTP handler (`@router.get("/")`)."""
    for decorator in function.decorators:
        call = decorator.decorator
        func = call.func if isinstance(call, cst.Call) else call
        if isinstance(func, cst.Attribute) and func.attr.value in ROUTE_METHODS:
            return True
    return False
