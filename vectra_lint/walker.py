"""One traversal of a libcst tree that calls every enabled rule's handlers.

libcst's own ``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``)
and calls the visitor hooks for every node and attribute; on this project's benchmark that costs
about as much as the parse itself. Rules only read the tree, so this walker reads the dataclass
fields directly and dispatches through a table built once per set of rules: node types no rule
listens to cost one dict lookup. Children are visited in source order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import libcst as cst

Handler = Callable[[Any], None]

# Dataclass field order is not source order for these; rules that keep running state (imports
# seen so far, the enclosing function) need source order.
_SOURCE_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.Module: ("header", "body", "footer"),
    cst.FunctionDef: (
        "leading_lines",
        "decorators",
        "lines_after_decorators",
        "asynchronous",
        "whitespace_after_def",
        "name",
        "whitespace_after_name",
        "type_parameters",
        "whitespace_before_params",
        "params",
        "returns",
        "whitespace_before_colon",
        "body",
    ),
    cst.ClassDef: (
        "leading_lines",
        "decorators",
        "lines_after_decorators",
        "whitespace_after_class",
        "name",
        "whitespace_after_name",
        "type_parameters",
        "lpar",
        "bases",
        "keywords",
        "rpar",
        "whitespace_before_colon",
        "body",
    ),
}

# Fields declared as plain text or flags never hold nodes; skipping them saves a getattr and an
# isinstance per node.
_NOT_NODES = frozenset({"str", "bool", str, bool})

_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _fields(node_type: type[Any]) -> tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        declared = tuple(f.name for f in dataclasses.fields(node_type) if f.type not in _NOT_NODES)
        ordered = _SOURCE_ORDER.get(node_type)
        if ordered is not None:
            ordered = tuple(n for n in ordered if n in declared)
            names = ordered + tuple(n for n in declared if n not in ordered)
        else:
            names = declared
        _FIELDS[node_type] = names
    return names


def _node_classes() -> list[type[cst.CSTNode]]:
    return [
        obj
        for obj in vars(cst).values()
        if isinstance(obj, type) and issubclass(obj, cst.CSTNode) and dataclasses.is_dataclass(obj)
    ]


class DispatchTable:
    """Maps each concrete node type to the handlers that listen to it (also via base classes)."""

    def __init__(self, listeners: Iterable[object]) -> None:
        self.visit: dict[type[Any], list[Handler]] = {}
        self.leave: dict[type[Any], list[Handler]] = {}
        classes = _node_classes()
        for listener in listeners:
            for node_type in classes:
                # A handler may name a base class (visit_BaseCompoundStatement) to see all subtypes.
                for klass in node_type.__mro__:
                    if not (isinstance(klass, type) and issubclass(klass, cst.CSTNode)):
                        continue
                    visit = getattr(listener, f"visit_{klass.__name__}", None)
                    if visit is not None:
                        self.visit.setdefault(node_type, []).append(visit)
                    leave = getattr(listener, f"leave_{klass.__name__}", None)
                    if leave is not None:
                        self.leave.setdefault(node_type, []).append(leave)


_LEAVE = object()


def walk(module: cst.Module, table: DispatchTable) -> None:
    """Visit ``module`` depth-first in source order, calling ``visit_X`` then children then ``leave_X``."""
    visit_table = table.visit
    leave_table = table.leave
    node_base = cst.CSTNode
    stack: list[Any] = [module]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        if node is _LEAVE:
            leaving = pop()
            for handler in leave_table[type(leaving)]:
                handler(leaving)
            continue
        node_type = type(node)
        handlers = visit_table.get(node_type)
        if handlers is not None:
            for handler in handlers:
                handler(node)
        if node_type in leave_table:
            push(node)
            push(_LEAVE)
        children: list[Any] = []
        for name in _fields(node_type):
            value = getattr(node, name)
            if isinstance(value, node_base):
                children.append(value)
            elif type(value) is tuple or type(value) is list:
                children.extend(child for child in value if isinstance(child, node_base))
        children.reverse()
        stack.extend(children)


def child_nodes(node: cst.CSTNode) -> list[Any]:
    """The direct children of ``node``, in source order."""
    node_base = cst.CSTNode
    children: list[Any] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, node_base):
            children.append(value)
        elif type(value) is tuple or type(value) is list:
            children.extend(child for child in value if isinstance(child, node_base))
    return children


def iter_nodes(root: cst.CSTNode, types: tuple[type[Any], ...] | type[Any] | None = None) -> Iterator[Any]:
    """All nodes under ``root`` (itself included), in source order, optionally of given types.

    For rules that need to look into a subtree on demand (rarely: a whole walk is the costly part).
    """
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if types is None or isinstance(node, types):
            yield node
        stack.extend(reversed(child_nodes(node)))
