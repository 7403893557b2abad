"""Sensitive names (``api_key``, ``password``, ``secret``, ``token``, ``authorization`` by
default, option ``names.sensitive-names``), matched case-insensitively as substrings of a name.

Shared by the rules that must keep secrets out of logs: VL404 reports them, VL401 and VL402 write
no fix that would log them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from vectra_lint.engine.walker import iter_nodes


def is_sensitive(name: str, sensitive: Sequence[str]) -> bool:
    """Whether ``name`` (a variable, attribute, parameter or dict key) names a secret."""
    lowered = name.lower()
    return any(part.lower() in lowered for part in sensitive)


def _string_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def referenced_names(expression: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, str]]:
    """Every name whose value ``expression`` may carry: variables, the attribute part of
    ``a.b``, string subscript keys (``d["key"]``) and ``.get("key")`` keys, with the node that
    holds each. Literal dict keys are not values and are not listed."""
    attribute_parts: set[int] = set()
    for node in iter_nodes(expression, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        if isinstance(node, cst.Name):
            if id(node) not in attribute_parts:
                yield node, node.value
        elif isinstance(node, cst.Attribute):
            # The attribute's own Name comes next in the walk; it is this attribute, not a variable.
            attribute_parts.add(id(node.attr))
            yield node, node.attr.value
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = _string_key(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                yield node, key
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "get"
            and node.args
        ):
            key = _string_key(node.args[0].value)
            if key is not None:
                yield node, key


def sensitive_references(expression: cst.CSTNode, sensitive: Sequence[str]) -> list[tuple[cst.CSTNode, str]]:
    """The names in ``expression`` whose values are secrets (see ``referenced_names``)."""
    return [(node, name) for node, name in referenced_names(expression) if is_sensitive(name, sensitive)]
